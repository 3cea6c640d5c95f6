// SPDX-License-Identifier: MIT
/*
 * Compiler-generated corpus for the kprobes differential test: whatever gcc -O2 emits
 * for loops, jump tables (indirect jmp), recursion, calls through pointers, 64-bit
 * arithmetic (calls into libgcc) and byte handling. Each function: int f(int *buf, int n).
 */
#include "kprobe_corpus.h"

__noipa int cc_checksum(int *buf, int n)
{
	unsigned h = 2166136261u;

	for (int i = 0; i < n; i++)
		h = (h ^ (unsigned)buf[i]) * 16777619u;
	return (int)(h ^ (h >> 15));
}

__noipa int cc_sort(int *buf, int n)
{
	for (int i = 1; i < n; i++) {
		int v = buf[i], j = i - 1;
		while (j >= 0 && buf[j] > v) {
			buf[j + 1] = buf[j];
			j--;
		}
		buf[j + 1] = v;
	}
	return buf[0] + buf[n - 1];
}

__noipa int cc_switch(int *buf, int n)
{
	int acc = 0;

	for (int i = 0; i < n; i++) {
		switch (buf[i] & 7) {
		case 0: acc += 3; break;
		case 1: acc ^= 0x55; break;
		case 2: acc -= buf[i]; break;
		case 3: acc *= 3; break;
		case 4: acc = acc << 2; break;
		case 5: acc |= 0x100; break;
		case 6: acc = ~acc; break;
		default: acc += i; break;
		}
	}
	return acc;
}

__noipa int cc_fib_rec(int n)
{
	return n < 2 ? n : cc_fib_rec(n - 1) + cc_fib_rec(n - 2);
}

__noipa int cc_fib(int *buf, int n)
{
	buf[0] = cc_fib_rec(n);
	return buf[0];
}

static int twice(int x) { return 2 * x; }
static int plus7(int x) { return x + 7; }
static int (*const ops[])(int) = { twice, plus7 };

__noipa int cc_apply(int *buf, int n)
{
	int acc = 1;

	for (int i = 0; i < n; i++)
		acc = ops[buf[i] & 1](acc) + buf[i];
	return acc;
}

__noipa int cc_div64(int *buf, int n)
{
	long long a = (long long)buf[0] * 1000003LL + buf[1];
	long long b = (buf[2] | 1) + (long long)n;
	unsigned long long u = (unsigned long long)a * 7ULL;

	buf[3] = (int)(a / b);
	buf[4] = (int)(a % b);
	buf[5] = (int)(u / 1234567ULL);
	return (int)(u >> 7);
}

__noipa int cc_bytes(int *buf, int n)
{
	unsigned char *p = (unsigned char *)buf;
	int count = 0;

	for (int i = 0, j = n * 4 - 1; i < j; i++, j--) {
		unsigned char c = p[i];
		p[i] = p[j];
		p[j] = c;
		count += __builtin_popcount(c);
	}
	return count;
}

const struct c_corpus_fn c_corpus[] = {
	{ "cc_checksum", cc_checksum, 16 },
	{ "cc_sort", cc_sort, 12 },
	{ "cc_switch", cc_switch, 24 },
	{ "cc_fib", cc_fib, 9 },
	{ "cc_apply", cc_apply, 10 },
	{ "cc_div64", cc_div64, 3 },
	{ "cc_bytes", cc_bytes, 8 },
};
const unsigned c_corpus_count = ARRAY_SIZE(c_corpus);
const char *const c_corpus_helpers[] = { "cc_fib_rec", "twice", "plus7", NULL };
