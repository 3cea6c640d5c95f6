// SPDX-License-Identifier: MIT
/*
 * Deliberate crashes for the runner's expected-oops scenarios ("crash=NAME"). Each must
 * end the boot through die() or panic() with a readable report; tests/run.py lists the
 * lines each report must contain.
 */
#include "desc.h"
#include "kernel.h"
#include "ktest.h"

static void __noinline crash_int3(void)
{
	/* No notifier claims this breakpoint, so it is an unhandled int3. */
	__asm__ volatile("int3" ::: "memory");
}
KTEST_CRASH(crash_int3_s, "int3", crash_int3);

static void __noinline crash_gpf(void)
{
	__asm__ volatile("movw $0x1234, %%ax\n\tmovw %%ax, %%ds" : : : "eax", "memory");
}
KTEST_CRASH(crash_gpf_s, "gpf", crash_gpf);

static void __noinline crash_divide(void)
{
	volatile unsigned zero = 0;
	volatile unsigned r = 10 / zero;
	(void)r;
}
KTEST_CRASH(crash_divide_s, "divide", crash_divide);

static void __noinline crash_bug(void)
{
	BUG();
}
KTEST_CRASH(crash_bug_s, "bug", crash_bug);

static void __noinline crash_panic(void)
{
	panic("deliberate panic, code %d", 42);
}
KTEST_CRASH(crash_panic_s, "panic", crash_panic);

/* For the runner's own tests: a boot that never ends, and one that resets the CPU. */
static void __noinline crash_hang(void)
{
	__asm__ volatile("cli");
	for (;;)
		__asm__ volatile("hlt");
}
KTEST_CRASH(crash_hang_s, "hang", crash_hang);

static void __noinline crash_triple_fault(void)
{
	/* An empty IDT: the int3 cannot be delivered, nor the #GP, nor the #DF -> reset. */
	struct desc_ptr none = { 0, 0 };
	__asm__ volatile("lidt %0\n\tint3" : : "m"(none) : "memory");
}
KTEST_CRASH(crash_triple_s, "triple_fault", crash_triple_fault);
