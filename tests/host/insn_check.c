// SPDX-License-Identifier: MIT
/*
 * The host-side half of the decoder's cross-check: lib/insn/ against GNU objdump.
 * Host-only.
 *
 * Reads lines "IDX ADDR HEXBYTES EXPLEN" on stdin (ADDR and HEXBYTES in hex,
 * IDX and EXPLEN decimal).  HEXBYTES are the instruction's bytes followed by
 * whatever bytes come after it in the section (up to 16 in total).  EXPLEN is
 * the length objdump found, or 0 if objdump said "(bad)".
 * For every line where lib/insn/insn.c disagrees it prints "IDX RESULT", where
 * RESULT is our length or our negative error code.  Last line: "done N".
 * Driven by tests/host/insn_xcheck.py; exits 0 unless the input is malformed.
 */
#include "insn.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int hexdigit(int ch)
{
	if (ch >= '0' && ch <= '9') return ch - '0';
	if (ch >= 'a' && ch <= 'f') return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F') return ch - 'A' + 10;
	return -1;
}

int main(void)
{
	char line[512], hex[256];
	unsigned long idx, addr, n = 0;
	int explen;

	while (fgets(line, sizeof(line), stdin)) {
		u8 buf[64];
		size_t len = 0, i;
		struct insn insn;
		int r;

		if (sscanf(line, "%lu %lx %255s %d", &idx, &addr, hex, &explen) != 4) {
			fprintf(stderr, "insn_check: bad input line: %s", line);
			return 2;
		}
		for (i = 0; hex[i] && hex[i + 1] && len < sizeof(buf); i += 2) {
			int hi = hexdigit(hex[i]), lo = hexdigit(hex[i + 1]);
			if (hi < 0 || lo < 0) {
				fprintf(stderr, "insn_check: bad hex: %s", line);
				return 2;
			}
			buf[len++] = (u8)(hi << 4 | lo);
		}
		r = insn_decode(&insn, buf, len, (u32)addr);
		if (explen == 0 ? r > 0 : r != explen)
			printf("%lu %d\n", idx, r);
		n++;
	}
	printf("done %lu\n", n);
	return 0;
}
