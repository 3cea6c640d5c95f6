// SPDX-License-Identifier: MIT
/*
 * The decoder's hand-written test vectors (tests/kernel/insn_cases.h, the same table the
 * in-kernel suite runs) decoded on the host by lib/insn/. Prints "ok N name" or
 * "not ok N name" per case (KTAP-like) and exits non-zero if any case fails.
 * Built by tests/host/Makefile.inc (-Iinclude -Itests/kernel, with the lib/insn/ files).
 */
#include "insn.h"
#include "insn_cases.h"
#include <stdio.h>

int main(void)
{
	size_t n = sizeof(insn_cases) / sizeof(insn_cases[0]), i, failed = 0;

	printf("1..%zu\n", n);
	for (i = 0; i < n; i++) {
		const struct insn_case *tc = &insn_cases[i];
		struct insn in;
		int r = insn_decode(&in, tc->bytes, tc->nbytes, INSN_CASE_ADDR);
		const char *why = NULL;

		if (r != tc->expect)
			why = "return value";
		else if (r > 0 && (in.attr & tc->attr_set) != tc->attr_set)
			why = "missing attribute";
		else if (r > 0 && (in.attr & tc->attr_clear))
			why = "unexpected attribute";
		else if (r > 0 && (tc->attr_set & INSN_ATTR_REL_ANY) &&
			 in.rel_target != tc->target)
			why = "branch target";
		if (why) {
			failed++;
			printf("not ok %zu %s\n", i + 1, tc->name);
			printf("# %s: got %d attr %#x target %#x;"
			       " want %d set %#x clear %#x target %#x\n",
			       why, r, r > 0 ? in.attr : 0, r > 0 ? in.rel_target : 0,
			       tc->expect, tc->attr_set, tc->attr_clear, tc->target);
		} else {
			printf("ok %zu %s\n", i + 1, tc->name);
		}
	}
	printf("# insn-cases: %zu passed, %zu failed\n", n - failed, failed);
	return failed ? 1 : 0;
}
