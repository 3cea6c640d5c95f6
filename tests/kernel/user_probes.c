// SPDX-License-Identifier: MIT
/* Self-tests beside the user's probes: see tests/kernel/user_probes.h. */
#include "user_probes.h"
#include "irqflags.h"
#include "kallsyms.h"
#include "kprobes.h"
#include "optprobes.h"
#include "string.h"

/* One case runs at a time, and the runner prints the reason before the next one. */
static char reason[KSYM_NAME_LEN + 96];

static void __noreturn skip_for(struct ktest *t, const struct kprobe *p)
{
	char where[KSYM_NAME_LEN + 32];

	sprint_symbol(where, sizeof(where), (unsigned long)p->addr);
	snprintf(reason, sizeof(reason), "a probe placed before the suite is on %s (%s)",
		 where, kprobe_disabled(p) ? "disabled" : "armed");
	ktest_skip(t, reason);
}

void skip_if_probed(struct ktest *t, const void *addr)
{
	struct kprobe *p = kprobe_in_range((unsigned long)addr, (unsigned long)addr + 1);

	if (p)
		skip_for(t, p);
}

void read_original_text(unsigned long addr, u8 *buf, size_t len)
{
	unsigned long flags;

	local_irq_save(flags);
	memcpy(buf, (const void *)addr, len);
	kprobe_recover_text(addr, buf, len);
	local_irq_restore(flags);
}

static void count_one(struct kprobe *p, void *data)
{
	(void)p;
	++*(unsigned *)data;
}

unsigned registered_kprobes(void)
{
	unsigned n = 0;

	for_each_kprobe(count_one, &n);
	return n;
}

bool kprobe_armed_at(const void *addr)
{
	u8 byte = *(const u8 *)addr;
	struct kprobe *p = get_kprobe((void *)addr);

	return byte == BREAKPOINT_INSTRUCTION || (byte == 0xe9 && p && kprobe_optimized(p));
}
