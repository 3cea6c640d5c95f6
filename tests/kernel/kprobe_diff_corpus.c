// SPDX-License-Identifier: MIT
/*
 * The corpus itself, before any probe (tests/kernel/kprobe_diff.h): a differential test
 * only compares, so a defect both runs share -- a trap the kernel mishandles with or
 * without a probe -- must be caught by checking the unprobed run against what the corpus
 * says it does. And the instructions no probe may go on must be refused, with the
 * precise error.
 */
#include "errno.h"
#include "kallsyms.h"
#include "kernel.h"
#include "kprobe_diff.h"
#include "kprobes.h"
#include "string.h"
#include "user_probes.h"

static const char *const trapping_groups[] = { "corpus_faults", "corpus_traps" };

/* Every corpus_extable entry of fn raised once, in order, reported where it should be. */
static void check_events(struct ktest *t, enum diff_start start, const char *fn)
{
	static struct diff_outcome out;
	char sym[KSYM_NAME_LEN + 32], want[KSYM_NAME_LEN + 32];
	unsigned long lo = kallsyms_lookup_name(fn), size = 0;
	unsigned n = 0;

	KASSERT_NE(t, lo, 0);
	kallsyms_lookup(lo, NULL, &size);
	diff_run(fn, start, &out, true);
	for (const struct corpus_extable_entry *e = corpus_extable; e < corpus_extable_end;
	     e++) {
		if (e->insn < lo || e->insn >= lo + size)
			continue;
		bool trap = e->trapnr == 3 || e->trapnr == 4;
		u32 at = trap ? e->next : e->insn;
		const struct diff_event *ev = NULL;
		/* Reported where it should be; else at the other end of the instruction. */
		for (unsigned i = 0; !ev && i < out.nevents && i < DIFF_MAX_EVENTS; i++)
			if (out.ev[i].trapnr == e->trapnr && out.ev[i].eip == at)
				ev = &out.ev[i];
		for (unsigned i = 0; !ev && i < out.nevents && i < DIFF_MAX_EVENTS; i++)
			if (out.ev[i].trapnr == e->trapnr &&
			    (out.ev[i].eip == e->insn || out.ev[i].eip == e->next))
				ev = &out.ev[i];
		sprint_symbol(want, sizeof(want), e->insn);
		if (!ev) {
			ktest_fail(t, false, __FILE__, __LINE__, "%s unprobed: vector %u of %s "
				   "never reached the die chain", diff_start_name[start],
				   e->trapnr, want);
			continue;
		}
		if (ev != &out.ev[n] || ev->eip != at) {
			sprint_symbol(sym, sizeof(sym), ev->eip);
			ktest_fail(t, false, __FILE__, __LINE__, "%s unprobed: vector %u of %s "
				   "reported as event %u at %s, expected event %u at %08x",
				   diff_start_name[start], e->trapnr, want,
				   (unsigned)(ev - out.ev), sym, n, at);
		}
		n++;
	}
	if (out.nevents != n)
		ktest_fail(t, false, __FILE__, __LINE__, "%s unprobed: %s raised %u traps/faults,"
			   " the corpus declares %u", diff_start_name[start], fn, out.nevents,
			   n);
}

/* Unprobed, each trap and fault of the corpus reaches the die chain as the CPU raised it. */
void kprobe_diff_corpus_as_written(struct ktest *t)
{
	for (unsigned g = 0; g < ARRAY_SIZE(trapping_groups); g++) {
		unsigned long a = kallsyms_lookup_name(trapping_groups[g]), size = 0;
		kallsyms_lookup(a, NULL, &size);
		if (kprobe_in_range(a, a + size))
			ktest_skip(t, "a probe placed before the suite is on the trapping corpus");
	}
	diff_setup(t);
	for (unsigned s = 0; s < DIFF_NR_STARTS; s++)
		for (unsigned g = 0; g < ARRAY_SIZE(trapping_groups); g++)
			check_events(t, (enum diff_start)s, trapping_groups[g]);
	diff_teardown();
}

/* int3, int $N, into and 66-prefixed relative branches: -EOPNOTSUPP, and nothing armed. */
void kprobe_diff_refusals(struct ktest *t)
{
	static struct kprobe kp;
	char sym[KSYM_NAME_LEN + 32];
	unsigned n = 0, bad = 0;

	for (const struct corpus_refusal *r = corpus_refused; r < corpus_refused_end; r++) {
		u8 before, after;
		skip_if_probed(t, (const void *)r->addr);
		before = *(const u8 *)r->addr;
		kp = (struct kprobe){ .addr = (kprobe_opcode_t *)r->addr };
		int ret = register_kprobe(&kp);
		after = *(const u8 *)r->addr;
		if (!ret)
			unregister_kprobe(&kp);
		n++;
		if (ret == -EOPNOTSUPP && before == after)
			continue;
		bad++;
		sprint_symbol(sym, sizeof(sym), r->addr);
		ktest_fail(t, false, __FILE__, __LINE__, "register_kprobe(%s, %s): %d (%s), "
			   "expected %d (EOPNOTSUPP)%s", sym, r->what, ret,
			   ret ? errno_name(ret) : "accepted", -EOPNOTSUPP,
			   before != after ? "; the text changed" : "");
	}
	ktest_info(t, "%u instructions that must be refused, %u accepted or wrongly refused",
		   n, bad);
}
