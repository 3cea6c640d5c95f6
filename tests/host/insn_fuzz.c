// SPDX-License-Identifier: MIT
/*
 * A fuzzer for the x86-32 instruction decoder (lib/insn/): random byte strings against
 * the contract of insn_decode() in include/insn.h. Host-only.
 *
 * Each case is a random string of 0..20 bytes from a fixed-seed xorshift
 * PRNG, copied to the END of a read-only page that is followed by a
 * PROT_NONE page: any read past the buffer length crashes the program.
 * Checked for every case:
 *   - the result is a length 1..min(len,15) or -INSN_ERR_INVALID/-TRUNCATED;
 *   - insn.length matches the returned length;
 *   - TRUNCATED is only reported for buffers shorter than 15 bytes;
 *   - a decoded instruction decodes identically from a buffer of exactly
 *     its length, and reports TRUNCATED from one byte less.
 * usage: insn_fuzz [iterations] [seed]     (defaults 1000000, 1)
 * Prints the ok/invalid/truncated counts; exits non-zero on any violation.
 */
#define _DEFAULT_SOURCE
#include "insn.h"
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

static u64 rng_state;

static u64 rng(void)
{
	u64 x = rng_state;
	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return rng_state = x;
}

static u8 *page;
static size_t pagesz;

/* Decode @len bytes placed flush against the guard page. */
static int decode_at_end(struct insn *in, const u8 *src, size_t len)
{
	u8 *dst = page + pagesz - len;
	size_t i;

	mprotect(page, pagesz, PROT_READ | PROT_WRITE);
	for (i = 0; i < len; i++)
		dst[i] = src[i];
	mprotect(page, pagesz, PROT_READ);
	return insn_decode(in, dst, len, 0x1000);
}

static void dump(const char *why, const u8 *b, size_t len, int r)
{
	size_t i;

	printf("insn-fuzz: FAIL %s: result %d, bytes:", why, r);
	for (i = 0; i < len; i++)
		printf(" %02x", b[i]);
	printf("\n");
}

int main(int argc, char **argv)
{
	unsigned long iters = argc > 1 ? strtoul(argv[1], NULL, 0) : 1000000UL;
	unsigned long n, ok = 0, inval = 0, trunc = 0, fails = 0;
	struct insn in, in2;

	rng_state = argc > 2 ? strtoull(argv[2], NULL, 0) : 1;
	if (!rng_state)
		rng_state = 1;
	pagesz = (size_t)sysconf(_SC_PAGESIZE);
	page = mmap(NULL, 2 * pagesz, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (page == MAP_FAILED || mprotect(page + pagesz, pagesz, PROT_NONE)) {
		perror("insn-fuzz: mmap");
		return 2;
	}
	for (n = 0; n < iters; n++) {
		u8 b[20];
		size_t len = (size_t)(rng() % 21), i;
		int r, r2;

		for (i = 0; i < len; i++)
			b[i] = (u8)rng();
		/* bias: a third of the cases start with a common escape or prefix */
		if (len && rng() % 3 == 0) {
			static const u8 lead[] = {
				0x0f, 0x66, 0x67, 0xf2, 0xf3, 0xc4, 0xc5, 0x62, 0x8f, 0xf0
			};
			b[0] = lead[rng() % sizeof(lead)];
		}
		r = decode_at_end(&in, b, len);
		if (r == -INSN_ERR_INVALID) {
			inval++;
		} else if (r == -INSN_ERR_TRUNCATED) {
			trunc++;
			if (len >= INSN_MAX_LEN && fails++ < 20)
				dump("truncated with >= 15 bytes", b, len, r);
		} else if (r < 1 || r > INSN_MAX_LEN || (size_t)r > len || in.length != r) {
			if (fails++ < 20)
				dump("bad length", b, len, r);
		} else {
			ok++;
			r2 = decode_at_end(&in2, b, (size_t)r);
			if (r2 != r && fails++ < 20)
				dump("exact-length buffer decodes differently", b, len, r2);
			r2 = decode_at_end(&in2, b, (size_t)r - 1);
			if (r2 != -INSN_ERR_TRUNCATED && fails++ < 20)
				dump("one byte short is not TRUNCATED", b, (size_t)r, r2);
		}
	}
	printf("insn-fuzz: %lu cases: %lu ok, %lu invalid, %lu truncated,"
	       " %lu contract violations\n", iters, ok, inval, trunc, fails);
	return fails ? 1 : 0;
}
