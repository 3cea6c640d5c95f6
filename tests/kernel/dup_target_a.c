// SPDX-License-Identifier: MIT
/*
 * dup_target, the static function dup_target_b.c also has (tests/kernel/dup_targets.h).
 * __noipa keeps it a real function under its own name, called, not inlined.
 */
#include "compiler.h"
#include "dup_targets.h"

static __noipa int dup_target(int x)
{
	return x + 1;
}

__noipa int dup_target_a(int x)
{
	return dup_target(x);
}

unsigned long dup_target_a_addr(void)
{
	return (unsigned long)dup_target;
}
