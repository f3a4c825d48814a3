/* cmake --install into a temporary prefix: binary, a man page per command
 * (man -l renders each), bash and zsh completion, docs. The checks are in
 * tests/cli/install_check.sh; the build folder is the binary's. Skips
 * visibly when man, zsh, help2man or bash-completion is absent. */
#include "tests/support/expect.h"
#include "tests/support/run.h"

#include <criterion/criterion.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

Test(install, prefix_holds_binary_man_pages_completion_and_docs, .timeout = 300)
{
	char bin[4096], script[4096];
	char *build;
	struct run_result res;
	if (access("/usr/bin/man", X_OK) != 0 ||
	    access("/usr/share/bash-completion/bash_completion", R_OK) != 0 ||
	    access("/usr/bin/zsh", X_OK) != 0 || access("/usr/bin/help2man", X_OK) != 0) {
		expect_note_skip(
		    "install: man, zsh, help2man or bash-completion not installed "
		    "(apt-get install man-db zsh help2man bash-completion): not checked");
		cr_skip_test("man, zsh, help2man or bash-completion absent");
	}
	(void)snprintf(bin, sizeof(bin), "%s", OPTROM_BINARY);
	build = dirname(bin);
	(void)snprintf(script, sizeof(script), "%s/tests/cli/install_check.sh", OPTROM_SOURCE_DIR);
	{
		char *argv[] = {"/bin/bash", script, build, NULL};
		cr_assert(run_argv(argv, &res));
	}
	cr_expect_eq(res.status, 0, "install_check.sh: %s%s", res.out, res.err);
	run_free(&res);
}
