#include "tests/support/findings.h"

#include <criterion/criterion.h>

const struct finding *find_named(const struct rom_analysis *a, const char *id)
{
	enum finding_id e;
	cr_assert(finding_by_name(id, &e), "'%s' is not a finding id of the catalog", id);
	return report_find(a, e);
}
