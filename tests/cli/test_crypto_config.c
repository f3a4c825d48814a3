/* The GOP signature's answer does not depend on the host's OpenSSL
 * configuration (analyzer/crypto_init.h, issue 17): optrom sets libcrypto
 * up without reading openssl.cnf, as EDK2 reads none. An OPENSSL_CONF
 * that activates only the null provider (no digest, no signature
 * algorithm) would make every signature fail to verify if it were read;
 * `check` and `info` must print the same with it as without it. */
#include "tests/support/expect.h"
#include "tests/support/run.h"
#include "tests/support/tmpdir.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void make_tmp(void)
{
	tmp_make("optrom-cnf");
}

TestSuite(crypto_config, .init = make_tmp, .fini = tmp_remove);

static const char null_only[] = "openssl_conf = optrom_test_init\n"
                                "[optrom_test_init]\n"
                                "providers = optrom_test_providers\n"
                                "[optrom_test_providers]\n"
                                "null = optrom_test_null\n"
                                "[optrom_test_null]\n"
                                "activate = 1\n";

/* stdout of optrom CMD FILE [ARG], exit status in *status. */
static char *out_of(const char *cmd, const char *file, const char *arg, int *status)
{
	struct run_result r;
	char *out;
	cr_assert(run_optrom(&r, cmd, file, arg, NULL));
	*status = r.status;
	out = strdup(r.out);
	run_free(&r);
	return out;
}

Test(crypto_config, host_openssl_cnf_changes_no_answer)
{
	char path[4096];
	FILE *f;
	int st_plain, st_cnf;
	(void)snprintf(path, sizeof(path), "%s/nvidia/ampere_rtx3070_GA104_stripped.rom",
	               expect_corpus_dir());
	if (access(path, R_OK) != 0) {
		expect_note_skip("[SKIP] %s absent: no signed GOP to check", path);
		cr_skip_test("corpus absent");
	}
	f = fopen(tmp_path("null.cnf"), "w");
	cr_assert_not_null(f);
	cr_assert_geq(fputs(null_only, f), 0);
	cr_assert_eq(fclose(f), 0);
	for (int k = 0; k < 2; k++) {
		const char *cmd = k ? "info" : "check";
		const char *arg = k ? "--format=yaml" : NULL;
		char *plain, *cnf;
		cr_assert_eq(unsetenv("OPENSSL_CONF"), 0);
		plain = out_of(cmd, path, arg, &st_plain);
		cr_assert_eq(setenv("OPENSSL_CONF", tmp_path("null.cnf"), 1), 0);
		cnf = out_of(cmd, path, arg, &st_cnf);
		cr_expect_eq(st_cnf, st_plain,
		             "%s: exit %d with the null-provider config, %d without", cmd, st_cnf,
		             st_plain);
		cr_expect_str_eq(cnf, plain, "%s: output differs with OPENSSL_CONF", cmd);
		if (!k)
			cr_expect(strstr(plain, "GOP signed-ok") != NULL, "%s", plain);
		else
			cr_expect(strstr(plain, "state: \"ok\"") != NULL,
			          "no verified signature: %s", plain);
		free(plain);
		free(cnf);
	}
}
