// SPDX-License-Identifier: MIT
/* What the boot path established: multiboot info, the command line, the boot stack. */
#include "ktest.h"
#include "multiboot.h"
#include "processor.h"
#include "sched.h"
#include "stacktrace.h"
#include "string.h"

static void magic_and_flags(struct ktest *t)
{
	KEXPECT_EQ(t, boot_info.magic, MULTIBOOT_BOOTLOADER_MAGIC);
	KEXPECT_TRUE(t, boot_info.flags & MB_INFO_CMDLINE);
	KEXPECT_TRUE(t, boot_info.flags & MB_INFO_MEM_MAP);
	KEXPECT_TRUE(t, boot_info.flags & MB_INFO_MEMORY);
}

static void command_line(struct ktest *t)
{
	char val[64];

	/* Self-tests run on two paths: a boot asked for them ("selftest" on the command
	 * line; its boot program runs them and exits), or the monitor's "selftest" command, which
	 * exists only when the boot asked for the monitor and not for self-tests. Either
	 * way the command line says which, in whole words. */
	bool boot_run = cmdline_get("selftest", val, sizeof(val));
	bool at_monitor = cmdline_get("monitor", NULL, 0);
	KEXPECT_TRUE(t, boot_run || at_monitor);
	if (!boot_run)
		ktest_info(t, "run from the monitor's selftest command");
	KEXPECT_FALSE(t, cmdline_get("selftes", val, sizeof(val)));   /* whole words only */
	KEXPECT_FALSE(t, cmdline_get("no-such-option", val, sizeof(val)));
}

static void memory_map(struct ktest *t)
{
	unsigned long kstart = (unsigned long)__kernel_start, kend = (unsigned long)__kernel_end;
	bool kernel_in_ram = false;
	u64 usable = boot_available_ram();

	KASSERT_TRUE(t, boot_info.nr_regions > 0);
	for (unsigned i = 0; i < boot_info.nr_regions; i++) {
		const struct mem_region *r = &boot_info.regions[i];
		KEXPECT_NE(t, r->len, 0);
		if (r->type == MB_MEM_AVAILABLE && r->addr <= kstart && r->addr + r->len >= kend)
			kernel_in_ram = true;
	}
	KEXPECT_TRUE(t, kernel_in_ram);
	/* The runner boots with -m 128M: usable RAM is a little under that. */
	KEXPECT_GT(t, usable, 120ULL << 20);
	KEXPECT_LE(t, usable, 128ULL << 20);
	/* mem_upper counts the KiB from 1 MiB to the first hole: within the usable total. */
	KEXPECT_LE(t, (u64)boot_info.mem_upper_kb << 10, usable);
	KEXPECT_GT(t, (u64)boot_info.mem_upper_kb << 10, 100ULL << 20);
}

static void boot_thread_info(struct ktest *t)
{
	struct thread_info *ti = current_thread_info();
	unsigned long sp = current_stack_pointer();

	KEXPECT_EQ(t, (unsigned long)ti % THREAD_SIZE, 0);
	KEXPECT_TRUE(t, sp > (unsigned long)ti && sp < stack_top(ti));
	KEXPECT_TRUE(t, ti->task != NULL);
	KEXPECT_EQ(t, ti->stack_end, STACK_END_MAGIC);
	KEXPECT_TRUE(t, current == ti->task);
}

static void glob_matching(struct ktest *t)
{
	KEXPECT_TRUE(t, glob_match("printk", "printk"));
	KEXPECT_TRUE(t, glob_match("pr*", "printk"));
	KEXPECT_TRUE(t, glob_match("*.int3_*", "traps.int3_esp"));
	KEXPECT_TRUE(t, glob_match("tr?ps", "traps"));
	KEXPECT_TRUE(t, glob_match("*", ""));
	KEXPECT_FALSE(t, glob_match("pr*x", "printk"));
	KEXPECT_FALSE(t, glob_match("traps", "traps.int3"));
	KEXPECT_FALSE(t, glob_match("", "x"));
}

static void number_parsing(struct ktest *t)
{
	unsigned long v = 0;

	KEXPECT_EQ(t, parse_ulong("1234", &v), 0);
	KEXPECT_EQ(t, v, 1234);
	KEXPECT_EQ(t, parse_ulong("0xC0FFEE", &v), 0);
	KEXPECT_EQ(t, v, 0xc0ffee);
	KEXPECT_EQ(t, parse_ulong("4294967295", &v), 0);
	KEXPECT_EQ(t, v, 0xffffffffUL);
	KEXPECT_LT(t, parse_ulong("4294967296", &v), 0);
	KEXPECT_LT(t, parse_ulong("12a", &v), 0);
	KEXPECT_LT(t, parse_ulong("", &v), 0);
	KEXPECT_LT(t, parse_ulong("0x", &v), 0);
}

static const struct ktest_case boot_cases[] = {
	KTEST_CASE(magic_and_flags),
	KTEST_CASE(command_line),
	KTEST_CASE(memory_map),
	KTEST_CASE(boot_thread_info),
	KTEST_CASE(glob_matching),
	KTEST_CASE(number_parsing),
	KTEST_END,
};
KTEST_SUITE(boot_suite, "boot", boot_cases);
