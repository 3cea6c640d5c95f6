// SPDX-License-Identifier: MIT
/* Expected-oops scenarios: jprobes misused. Each must be caught and named, not corrupt. */
#include "jprobe_targets.h"
#include "jprobes.h"
#include "ktest.h"

static void crash_jprobe_return_outside(void)
{
	jprobe_return();        /* no jprobe hit in progress */
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
