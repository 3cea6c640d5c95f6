// SPDX-License-Identifier: MIT
/*
 * The differential test (in the spirit of ARM's kprobes test-core): for every
 * instruction boundary of the corpus (tests/kernel/kprobe_corpus_*.c), run the code once
 * unprobed and once with a pre+post probe on that instruction, from the same inputs,
 * and require the same registers, flags and memory — and handlers called exactly as
 * often as the instruction ran. How often each instruction runs is measured first by
 * single-stepping the unprobed code with TF (a trace), so a probe that fires too often
 * (a rep instruction re-trapping per iteration) or not at all is caught too.
 */
#include "errno.h"
#include "kallsyms.h"
#include "kernel.h"
#include "kprobe_corpus.h"
#include "kprobes.h"
#include "ktest.h"
#include "processor.h"
#include "string.h"
#include "traps.h"
#include "user_probes.h"

#define FLAGS_COMPARED 0xfd5      /* CF PF AF ZF SF TF IF DF OF */
#define MAX_SITES      1024
#define MAX_REPORTS    10

/* A group: the function the test calls, and every function whose sites it exercises. */
struct group {
	const char *entry;
	const char *members[4];
};

static const struct group groups[] = {
	{ "corpus_arith", { "corpus_arith" } },
	{ "corpus_muldiv", { "corpus_muldiv" } },
	{ "corpus_shifts", { "corpus_shifts" } },
	{ "corpus_flags", { "corpus_flags" } },
	{ "corpus_mem", { "corpus_mem" } },
	{ "corpus_string", { "corpus_string" } },
	{ "corpus_branches", { "corpus_branches" } },
	{ "corpus_indirect", { "corpus_indirect", "corpus_helper_inc", "corpus_helper_ret4" } },
	{ "corpus_stack", { "corpus_stack" } },
	{ "corpus_misc", { "corpus_misc" } },
	{ "cc_checksum", { "cc_checksum" } },
	{ "cc_sort", { "cc_sort" } },
	{ "cc_switch", { "cc_switch" } },
	{ "cc_fib", { "cc_fib", "cc_fib_rec" } },
	{ "cc_apply", { "cc_apply", "twice", "plus7" } },
	{ "cc_div64", { "cc_div64" } },
	{ "cc_bytes", { "cc_bytes" } },
};

/* One run's observable outcome. */
struct outcome {
	struct cpu_state st;      /* asm corpus: registers, flags, memory */
	int ret;                  /* C corpus: return value ... */
	int buf[CORPUS_MEM_WORDS];/* ... and buffer */
};

static struct cpu_state state;    /* one instance: esi/edi point into it every run */

static void run_group(const struct group *g, struct outcome *out)
{
	memset(out, 0, sizeof(*out));
	for (unsigned i = 0; i < asm_corpus_count; i++) {
		if (strcmp(asm_corpus[i].name, g->entry))
			continue;
		memset(&state, 0, sizeof(state));
		for (unsigned w = 0; w < CORPUS_MEM_WORDS; w++)
			state.mem[w] = (w * 0x01010101u) ^ 0x5a3c96e1u;
		state.eax = 0x11;
		state.ebx = 0x2233;
		state.ecx = 7;
		state.edx = 0x44;
		state.esi = (u32)(uintptr_t)&state.mem[0];
		state.edi = (u32)(uintptr_t)&state.mem[16];
		state.eflags = 0x202 | X86_EFLAGS_CF;
		corpus_call(asm_corpus[i].fn, &state);
		out->st = state;
		out->st.eflags &= FLAGS_COMPARED;
		return;
	}
	for (unsigned i = 0; i < c_corpus_count; i++) {
		if (strcmp(c_corpus[i].name, g->entry))
			continue;
		for (unsigned w = 0; w < CORPUS_MEM_WORDS; w++)
			out->buf[w] = (int)((w * 2654435761u) >> 7) - 1000 * (int)(w & 3);
		out->ret = c_corpus[i].fn(out->buf, c_corpus[i].n);
		return;
	}
	BUG();
}

/* ---- the execution-count trace ---- */

#define TRACE_SLOTS 2048
static struct { unsigned long addr; unsigned count; } trace_tab[TRACE_SLOTS];
static volatile bool trace_active;
static unsigned long trace_last, trace_lo, trace_hi;

static unsigned *trace_slot(unsigned long addr, bool create)
{
	unsigned h = (unsigned)(addr * 2654435761u) % TRACE_SLOTS;
	for (unsigned n = 0; n < TRACE_SLOTS; n++, h = (h + 1) % TRACE_SLOTS) {
		if (trace_tab[h].addr == addr)
			return &trace_tab[h].count;
		if (!trace_tab[h].addr) {
			if (!create)
				return NULL;
			trace_tab[h].addr = addr;
			return &trace_tab[h].count;
		}
	}
	return NULL;
}

static void trace_count(unsigned long addr)
{
	if (addr >= trace_lo && addr < trace_hi) {
		unsigned *c = trace_slot(addr, true);
		if (c)
			(*c)++;
	}
}

static int trace_notify(struct notifier_block *nb, unsigned long val, void *data)
{
	struct pt_regs *regs = ((struct die_args *)data)->regs;

	(void)nb;
	if (val != DIE_DEBUG)
		return NOTIFY_DONE;
	if (!trace_active) {
		regs->eflags &= ~X86_EFLAGS_TF;     /* the trace is over */
		return NOTIFY_STOP;
	}
	/* eip is the instruction about to run. A rep string instruction traps after
	 * each iteration with eip unchanged: count it once per execution. */
	if (regs->eip != trace_last)
		trace_count(regs->eip);
	/* After sti the single-step trap is deferred by one instruction (the interrupt
	 * shadow): the instruction after it ran without a trap of its own. */
	if (trace_last >= trace_lo && trace_last < trace_hi &&
	    *(const u8 *)trace_last == 0xfb && regs->eip != trace_last + 1)
		trace_count(trace_last + 1);
	trace_last = regs->eip;
	regs->eflags |= X86_EFLAGS_TF;              /* survive a popf that clears it */
	return NOTIFY_STOP;
}

static struct notifier_block trace_nb = { .notifier_call = trace_notify, .priority = 50 };

static void trace_group(const struct group *g)
{
	struct outcome scratch;

	memset(trace_tab, 0, sizeof(trace_tab));
	trace_last = 0;
	register_die_notifier(&trace_nb);
	trace_active = true;
	__asm__ volatile("pushfl; orl $0x100, (%%esp); popfl" ::: "memory", "cc");
	run_group(g, &scratch);
	trace_active = false;                       /* the next trap clears TF */
	barrier();
	__asm__ volatile("nop");
	unregister_die_notifier(&trace_nb);
}

/* ---- probing every site ---- */

static unsigned pre_hits, post_hits;

static int diff_pre(struct kprobe *p, struct pt_regs *regs)
{
	(void)p;
	(void)regs;
	pre_hits++;
	return 0;
}

static void diff_post(struct kprobe *p, struct pt_regs *regs, unsigned long flags)
{
	(void)p;
	(void)regs;
	(void)flags;
	post_hits++;
}

struct totals {
	unsigned sites, executed, hits, boosted, mismatches, reported, left_out;
};

static void report(struct ktest *t, struct totals *tot, unsigned long site, const char *what)
{
	char sym[KSYM_NAME_LEN + 32];

	tot->mismatches++;
	if (tot->reported++ >= MAX_REPORTS)
		return;
	sprint_symbol(sym, sizeof(sym), site);
	ktest_info(t, "MISMATCH probing %s: %s", sym, what);
}

static void probe_site(struct ktest *t, const struct group *g, unsigned long site,
		       const struct outcome *base, struct totals *tot, bool with_post)
{
	static struct kprobe kp;
	static struct outcome out;
	char msg[96];
	unsigned *tc = trace_slot(site, false);
	unsigned expected = tc ? *tc : 0;

	/* Without a post handler most instructions are boosted (no single-step). */
	kp = (struct kprobe){ .addr = (kprobe_opcode_t *)site, .pre_handler = diff_pre,
			      .post_handler = with_post ? diff_post : NULL };
	int ret = register_kprobe(&kp);
	if (ret) {
		snprintf(msg, sizeof(msg), "register_kprobe: %d (%s)", ret, errno_name(ret));
		report(t, tot, site, msg);
		return;
	}
	pre_hits = post_hits = 0;
	run_group(g, &out);
	unregister_kprobe(&kp);

	tot->sites++;
	tot->executed += expected > 0;
	tot->hits += pre_hits;
	tot->boosted += !with_post && kp.ainsn.boostable;
	if (pre_hits != expected || post_hits != (with_post ? expected : 0)) {
		snprintf(msg, sizeof(msg), "handlers pre %u post %u, instruction ran %u times",
			 pre_hits, post_hits, expected);
		report(t, tot, site, msg);
	}
	if (memcmp(&out, base, sizeof(out))) {
		const u32 *a = (const u32 *)&out, *b = (const u32 *)base;
		unsigned w = 0;
		while (a[w] == b[w])
			w++;
		snprintf(msg, sizeof(msg), "outcome differs at word %u: %08x, unprobed %08x",
			 w, a[w], b[w]);
		report(t, tot, site, msg);
	}
}

/*
 * A probe placed before the suite (by the user, at the monitor) inside one of g's
 * functions, or NULL. Such a group is left out: its sites are taken (-EEXIST), and the
 * user's handler runs in the middle of the trace and of the compared runs.
 */
static struct kprobe *user_probe_in_group(const struct group *g)
{
	for (unsigned m = 0; m < ARRAY_SIZE(g->members) && g->members[m]; m++) {
		unsigned long start = kallsyms_lookup_name(g->members[m]), size = 0;
		kallsyms_lookup(start, NULL, &size);
		struct kprobe *p = kprobe_in_range(start, start + size);
		if (p)
			return p;
	}
	return NULL;
}

static void probe_the_corpus(struct ktest *t, bool with_post)
{
	static struct outcome base;
	static char why[KSYM_NAME_LEN + 96];
	struct totals tot = { 0, 0, 0, 0, 0, 0, 0 };

	for (unsigned gi = 0; gi < ARRAY_SIZE(groups); gi++) {
		const struct group *g = &groups[gi];
		struct kprobe *user = user_probe_in_group(g);

		if (user) {
			char sym[KSYM_NAME_LEN + 32];
			sprint_symbol(sym, sizeof(sym), (unsigned long)user->addr);
			ktest_info(t, "group %s left out: a probe placed before the suite is on %s",
				   g->entry, sym);
			snprintf(why, sizeof(why), "%s: a probe placed before the suite is on %s",
				 g->entry, sym);
			tot.left_out++;
			continue;
		}
		run_group(g, &base);
		/* The trace covers the group's functions only. */
		trace_lo = ~0UL;
		trace_hi = 0;
		for (unsigned m = 0; m < ARRAY_SIZE(g->members) && g->members[m]; m++) {
			unsigned long start = kallsyms_lookup_name(g->members[m]), size = 0;
			KASSERT_NE(t, start, 0);
			kallsyms_lookup(start, NULL, &size);
			trace_lo = min(trace_lo, start);
			trace_hi = max(trace_hi, start + size);
		}
		trace_group(g);

		for (unsigned m = 0; m < ARRAY_SIZE(g->members) && g->members[m]; m++) {
			unsigned long pc = kallsyms_lookup_name(g->members[m]), size = 0;
			kallsyms_lookup(pc, NULL, &size);
			for (unsigned long end = pc + size; pc < end;) {
				struct insn in;
				u8 code[16];
				size_t n = min(16UL, end - pc);
				read_original_text(pc, code, n);
				int len = insn_decode(&in, code, n, (u32)pc);
				KASSERT_TRUE(t, len > 0);
				probe_site(t, g, pc, &base, &tot, with_post);
				pc += (unsigned long)len;
			}
		}
	}
	ktest_info(t, "%u probe sites (%u executed, %u boosted), %u hits, %u mismatches",
		   tot.sites, tot.executed, tot.boosted, tot.hits, tot.mismatches);
	if (tot.left_out == ARRAY_SIZE(groups))
		ktest_skip(t, why);             /* the user probed every group */
	if (!tot.left_out)
		KEXPECT_GE(t, tot.sites, 300);  /* the whole corpus was probed */
	KEXPECT_EQ(t, tot.mismatches, 0);
	KEXPECT_GT(t, tot.executed, tot.sites / 2);
	if (!with_post)
		KEXPECT_GT(t, tot.boosted, tot.sites / 2);
}

/* pre + post handlers: every instruction single-stepped out of line (or emulated). */
static void every_instruction_single_stepped(struct ktest *t)
{
	probe_the_corpus(t, true);
}

/* pre handler only: boostable instructions run from the slot and jump home. */
static void every_instruction_boosted_or_stepped(struct ktest *t)
{
	probe_the_corpus(t, false);
}

static const struct ktest_case kprobes_diff_cases[] = {
	KTEST_CASE(every_instruction_single_stepped),
	KTEST_CASE(every_instruction_boosted_or_stepped),
	KTEST_END,
};
KTEST_SUITE(kprobes_diff_suite, "kprobes_diff", kprobes_diff_cases);
