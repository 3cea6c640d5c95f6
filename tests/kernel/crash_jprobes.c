// SPDX-License-Identifier: MIT
/* Expected-oops scenarios: jprobes misused. Each must be caught and named, not corrupt. */
#include "jprobe_targets.h"
#include "jprobes.h"
#include "ktest.h"

/* A handler that returns the proper way. */
static int j_proper(int x)
{
	(void)x;
	jprobe_return();
	return 0;
}

static struct jprobe proper_jp = { .kp.symbol_name = "jp_tick", .entry = j_proper };

/*
 * No jprobe hit in progress -- but one has just completed, so a jprobe_saved_esp left
 * set by it (not cleared after the return) would send this call onto that dead frame.
 */
static void crash_jprobe_return_outside(void)
{
	if (register_jprobe(&proper_jp))
		return;
	if (jp_tick(1) != 2)
		return;
	unregister_jprobe(&proper_jp);
	jprobe_return();
}
KTEST_CRASH(crash_jprobe_return_outside_s, "jprobe_return_outside", crash_jprobe_return_outside);

/* A handler that forgets jprobe_return(): its ret would land in jp_tick's caller. */
static int j_forgetful(int x)
{
	return x;
}

static struct jprobe forgetful_jp = { .kp.symbol_name = "jp_tick", .entry = j_forgetful };

static void crash_jprobe_missing_return(void)
{
	if (register_jprobe(&forgetful_jp))
		return;
	jp_tick(1);
}
KTEST_CRASH(crash_jprobe_missing_return_s, "jprobe_missing_return", crash_jprobe_missing_return);

/*
 * jprobe_return's int3 reached on a stack other than the probed function's: the handler
 * jumps straight to the int3, skipping the switch to the saved esp. Restoring the saved
 * frame here would write over the handler's own stack: the esp check must stop it.
 */
static int j_wrong_esp(int x)
{
	(void)x;
	__asm__ volatile("call *%0" : : "r"((unsigned long)jprobe_return_end - 1) : "memory");
	return 0;
}

static struct jprobe wrong_esp_jp = { .kp.symbol_name = "jp_tick", .entry = j_wrong_esp };

static void crash_jprobe_return_wrong_esp(void)
{
	if (register_jprobe(&wrong_esp_jp))
		return;
	jp_tick(1);
}
KTEST_CRASH(crash_jprobe_return_wrong_esp_s, "jprobe_return_wrong_esp",
	    crash_jprobe_return_wrong_esp);
