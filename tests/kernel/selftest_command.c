// SPDX-License-Identifier: MIT
/*
 * The monitor's "selftest" command. It lives with the self-tests, not in monitor/, so the
 * monitor knows nothing of tests (the layers point down): it is registered into the
 * monitor's command list with MONITOR_COMMAND (include/monitor.h).
 */
#include "ktest.h"
#include "kprobes.h"
#include "monitor.h"
#include "user_probes.h"

/*
 * Runs the self-tests at the prompt. The user's probes stay as they are: the suites read
 * text through them and skip (saying which probe) the cases that need a probed address.
 */
static void mon_selftest(int argc, char **argv)
{
	unsigned placed = registered_kprobes();
	int failed;

	if (argc > 2) {
		printk("usage: selftest [GLOB[,GLOB...]]\n");
		return;
	}
	if (placed)
		printk("selftest: leaving your %u probe%s as %s; cases that need a probed "
		       "address are skipped\n", placed, placed == 1 ? "" : "s",
		       placed == 1 ? "it is" : "they are");
	failed = ktest_run(argc == 2 ? argv[1] : "");
	if (failed >= 0)
		printk("selftest: %s\n", failed ? "FAILED" : "all passed");
}
MONITOR_COMMAND(selftest_command, "selftest", "selftest [GLOB]",
		"run in-kernel self-tests (KTAP)", mon_selftest);
