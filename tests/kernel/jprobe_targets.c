// SPDX-License-Identifier: MIT
/* Probed functions for the jprobe tests. __noipa: each keeps its real calling convention. */
#include "jprobe_targets.h"

__noipa int jp_f0(void)
{
	return 1000;
}

__noipa int jp_f1(char c)
{
	return c * 3;
}

__noipa int jp_f2(char c, short s)
{
	return c * 3 + s * 5;
}

__noipa int jp_f3(char c, short s, int i)
{
	return c * 3 + s * 5 + i * 7;
}

__noipa int jp_f4(char c, short s, int i, long long ll)
{
	return c * 3 + s * 5 + i * 7 + (int)(ll >> 32) * 11 + (int)ll;
}

__noipa int jp_f5(char c, short s, int i, long long ll, const int *p)
{
	return jp_f4(c, s, i, ll) + *p * 13;
}

__noipa int jp_f6(char c, short s, int i, long long ll, const int *p, struct small sm)
{
	return jp_f5(c, s, i, ll, p) + sm.a * 17 + sm.b * 19 + sm.c * 23;
}

__noipa int jp_sum6(int a, int b, int c, int d, int e, int f)
{
	return a + 2 * b + 3 * c + 4 * d + 5 * e + 6 * f;
}

__noipa void jp_overwrite_args(int *first, int n, int value)
{
	for (int i = 0; i < n; i++)
		first[i] = value;
}

__noipa int jp_sum_ints(const int *first, int n)
{
	int sum = 0;
	for (int i = 0; i < n; i++)
		sum += first[i];
	return sum;
}

__noipa int jp_tick(int x)
{
	return x + 1;
}
