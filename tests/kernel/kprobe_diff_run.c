// SPDX-License-Identifier: MIT
/*
 * The differential test's runs (tests/kernel/kprobe_diff.h): the start states, the stack
 * a run uses, and the die notifier that sees what a run does.
 *
 * Every run of a case uses one stack top, a fixed place in the test thread's own stack
 * (traps on this CPU push onto the current stack, and current_thread_info() is found
 * from esp, so a separate stack is not possible): esp, ebp and every address pushed are
 * then the same in all runs and are compared as values. Below esp nothing is compared at
 * the end: on i386 every ring-0 trap, the probe's own int3 first of all, pushes its frame
 * there. What the code pushes is compared while it is live instead, through what it pops
 * back and, at every #DB of the TF=1 runs, the registers, esp and ebp and a hash of the
 * window above the stack top (stack_hash).
 *
 * The notifier (one, for the whole case):
 *   - a #DB in a run: a step (eip, DR6.BS and B0-3, registers, live window), TF left as
 *     the code has it -- a debugger that only watches: in the TF=1 runs its steps, in the
 *     others traps the code raised itself (corpus_popf turning TF on). A probed run's
 *     steps are compared with the baseline's as they come.
 *   - a trap or fault at a corpus_extable instruction: an event, as the die chain got it
 *     (eip, error code, CR2, flags, esp); the run goes on at the next instruction, as an
 *     exception table's fixup would. An eip inside a kprobe slot counts as its probe's
 *     instruction, recorded as it came (the comparison shows the wrong eip).
 *   - the count trace (diff_count): #DBs with TF forced on, counting executions.
 */
#include "kprobe_diff.h"
#include "kprobes.h"
#include "mm.h"
#include "processor.h"
#include "string.h"
#include "traps.h"

const char *const diff_start_name[DIFF_NR_STARTS] = { "IF=1", "IF=0", "TF=1" };
const char *const diff_reg_name[DIFF_NR_REGS] = {
	"eax", "ebx", "ecx", "edx", "esi", "edi", "ebp", "esp", "eflags"
};
static const u32 start_flags[DIFF_NR_STARTS] = {
	X86_EFLAGS_IF | 0x2 | X86_EFLAGS_CF,
	0x2 | X86_EFLAGS_CF,
	X86_EFLAGS_TF | X86_EFLAGS_IF | 0x2 | X86_EFLAGS_CF,
};

struct cpu_state corpus_state;
u32 corpus_stack_image[CORPUS_STACK_ABOVE];

static unsigned long run_stack_top, fault_page_pa;   /* run_stack_top: esp at the call */

struct diff_steps_cmp diff_cmp;
unsigned diff_nbase_steps;
static struct diff_step base_steps[DIFF_MAX_STEPS];

static enum { M_OFF, M_RECORD, M_COUNT, M_COUNT_END } mode;
static bool recording_baseline;
static struct diff_outcome *cur_out;

/* ---- the count trace ---- */

#define TRACE_SLOTS 2048
static struct { unsigned long addr; unsigned count; } trace_tab[TRACE_SLOTS];
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

unsigned diff_count_of(unsigned long addr)
{
	unsigned *c = trace_slot(addr, false);
	return c ? *c : 0;
}

static void count_step(struct pt_regs *regs)
{
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
}

/* ---- what a run does ---- */

static void snap_regs(struct pt_regs *regs, u32 *r)
{
	r[0] = regs->eax;
	r[1] = regs->ebx;
	r[2] = regs->ecx;
	r[3] = regs->edx;
	r[4] = regs->esi;
	r[5] = regs->edi;
	r[6] = regs->ebp;
	r[7] = kernel_stack_pointer(regs);
	r[8] = regs->eflags & DIFF_FLAGS_COMPARED;
}

/*
 * FNV-1a of the live part of the window above the run's stack top: fn's return address,
 * its arguments and the caller's area (from esp, once fn has returned). Not fn's own
 * frames: space it allocates (enter, sub $n,%esp) holds, until written, whatever the last
 * trap left below esp -- the probe's own int3 frame, or an interrupt's.
 */
static u32 stack_hash(unsigned long esp)
{
	unsigned long end = run_stack_top + 4 * CORPUS_STACK_ABOVE;
	u32 h = 2166136261u;

	if (esp > end)
		return 0;
	for (const u32 *w = (const u32 *)max(esp, run_stack_top - 12); (unsigned long)w < end;
	     w++)
		h = (h ^ *w) * 16777619u;
	return h;
}

static void record_step(struct pt_regs *regs, long dr6)
{
	static struct diff_step s;
	unsigned n = diff_cmp.n++;

	s.eip = regs->eip;
	s.dr6 = (u32)dr6 & (DR6_BS | 0xf);
	snap_regs(regs, s.regs);
	s.stack = stack_hash(kernel_stack_pointer(regs));
	if (recording_baseline) {
		if (n < DIFF_MAX_STEPS)
			base_steps[n] = s;
		return;
	}
	if (n < diff_nbase_steps && n < DIFF_MAX_STEPS) {
		const struct diff_step *w = &base_steps[n];
		u32 dr6 = s.dr6;

		if (!diff_cmp.dr6_bad && dr6 != w->dr6) {
			diff_cmp.dr6_bad = true;
			diff_cmp.dr6_first = n;
			diff_cmp.dr6_eip = s.eip;
			diff_cmp.dr6_got = dr6;
			diff_cmp.dr6_want = w->dr6;
		}
		s.dr6 = w->dr6;
		if (!diff_cmp.bad && memcmp(&s, w, sizeof(s))) {
			diff_cmp.bad = true;
			diff_cmp.first_bad = n;
			diff_cmp.got = s;
			diff_cmp.got.dr6 = dr6;
			diff_cmp.want = *w;
		}
	} else if (!diff_cmp.bad) {
		diff_cmp.bad = true;            /* more #DBs than the baseline */
		diff_cmp.first_bad = n;
		diff_cmp.got = s;
	}
}

static const struct corpus_extable_entry *extable_find(u32 eip, int trapnr)
{
	/* A fault is reported at its instruction, a trap after it: look for the right
	 * one first (one instruction can be both a fault's and the previous trap's). */
	bool trap = trapnr == 3 || trapnr == 4;

	for (int pass = 0; pass < 2; pass++)
		for (const struct corpus_extable_entry *e = corpus_extable;
		     e < corpus_extable_end; e++)
			if ((trap != pass ? e->next : e->insn) == eip)
				return e;
	return NULL;
}

static int take_event(struct die_args *a)
{
	struct pt_regs *regs = a->regs;
	const struct corpus_extable_entry *e = extable_find(regs->eip, a->trapnr);

	if (!e) {
		struct kprobe *p = kprobe_by_slot(regs->eip);
		if (p)
			e = extable_find((u32)(unsigned long)p->addr, 14);
	}
	if (!e)
		return NOTIFY_DONE;             /* not the corpus's: let it oops */
	if (cur_out && cur_out->nevents < DIFF_MAX_EVENTS) {
		struct diff_event *ev = &cur_out->ev[cur_out->nevents];
		ev->trapnr = (u32)a->trapnr;
		ev->eip = regs->eip;
		ev->err = (u32)a->err;
		ev->cr2 = (u32)a->addr;
		ev->eflags = regs->eflags & DIFF_FLAGS_COMPARED;
		ev->esp = kernel_stack_pointer(regs);
	}
	if (cur_out)
		cur_out->nevents++;
	regs->eip = e->next;
	if (mode == M_COUNT) {
		trace_count(e->next);           /* it runs without a #DB before it */
		trace_last = e->next;
	}
	return NOTIFY_STOP;
}

static int diff_notify(struct notifier_block *nb, unsigned long val, void *data)
{
	struct die_args *a = data;

	(void)nb;
	if (mode == M_OFF)
		return NOTIFY_DONE;
	if (val != DIE_DEBUG)
		return val == DIE_OOPS ? NOTIFY_DONE : take_event(a);
	switch (mode) {
	case M_RECORD:
		record_step(a->regs, a->err);
		break;
	case M_COUNT:
		count_step(a->regs);
		break;
	default:
		a->regs->eflags &= ~X86_EFLAGS_TF;      /* the count trace is over */
		break;
	}
	return NOTIFY_STOP;
}

static struct notifier_block diff_nb = { .notifier_call = diff_notify, .priority = 50 };

/* ---- setup and runs ---- */

void diff_setup(struct ktest *t)
{
	unsigned long ti = current_stack_pointer() & ~(THREAD_SIZE - 1UL);

	/* Below every frame between here and corpus_call, with room under it for the
	 * corpus's frames, the traps and the handlers. */
	run_stack_top = (current_stack_pointer() - 640) & ~63UL;
	KASSERT_TRUE(t, run_stack_top > ti + 1024);
	fault_page_pa = alloc_page();
	KASSERT_NE(t, fault_page_pa, 0);
	KASSERT_TRUE(t, !page_mapped(CORPUS_FAULT_PAGE + PAGE_SIZE));
	KASSERT_EQ(t, map_page(CORPUS_FAULT_PAGE, fault_page_pa, PTE_WRITE), 0);
	mode = M_OFF;
	KASSERT_EQ(t, register_die_notifier(&diff_nb), 0);
}

void diff_teardown(void)
{
	mode = M_OFF;
	unregister_die_notifier(&diff_nb);
	unmap_page(CORPUS_FAULT_PAGE);
	free_page(fault_page_pa);
}

static const struct asm_corpus_fn *find_asm(const char *entry)
{
	for (unsigned i = 0; i < asm_corpus_count; i++)
		if (!strcmp(asm_corpus[i].name, entry))
			return &asm_corpus[i];
	for (unsigned i = 0; i < asm_corpus_traps_count; i++)
		if (!strcmp(asm_corpus_traps[i].name, entry))
			return &asm_corpus_traps[i];
	return NULL;
}

static const struct c_corpus_fn *find_c(const char *entry)
{
	for (unsigned i = 0; i < c_corpus_count; i++)
		if (!strcmp(c_corpus[i].name, entry))
			return &c_corpus[i];
	return NULL;
}

bool diff_group_exists(const char *entry)
{
	return find_asm(entry) || find_c(entry);
}

/* The inputs: the same for every run of entry, whatever the start state. */
static void prepare(const char *entry, u32 eflags)
{
	const struct asm_corpus_fn *a = find_asm(entry);
	const struct c_corpus_fn *c = a ? NULL : find_c(entry);
	struct cpu_state *s = &corpus_state;
	u32 *tail = (u32 *)(CORPUS_FAULT_PAGE + PAGE_SIZE) - DIFF_PAGE_TAIL;

	BUG_ON(!a && !c);
	memset(s, 0, sizeof(*s));
	for (unsigned w = 0; w < CORPUS_MEM_WORDS; w++)
		s->mem[w] = c ? (u32)((int)((w * 2654435761u) >> 7) - 1000 * (int)(w & 3))
			      : (w * 0x01010101u) ^ 0x5a3c96e1u;
	for (unsigned w = 0; w < DIFF_PAGE_TAIL; w++)
		tail[w] = 0x7a110000u + w;
	for (unsigned w = 0; w < CORPUS_STACK_ABOVE - 2; w++)
		corpus_stack_image[w] = 0x57ac0000u + w;
	corpus_stack_image[CORPUS_STACK_ABOVE - 2] = 0;   /* the fake frame ebp points at */
	corpus_stack_image[CORPUS_STACK_ABOVE - 1] = 0;
	s->eax = 0x11;
	s->ebx = 0x2233;
	s->ecx = 7;
	s->edx = 0x44;
	s->esi = (u32)(uintptr_t)&s->mem[0];
	s->edi = (u32)(uintptr_t)&s->mem[16];
	s->ebp = (u32)(run_stack_top + 4 * (CORPUS_STACK_ABOVE - 2));
	s->esp = (u32)run_stack_top;
	s->eflags = eflags;
	s->fn = a ? (u32)(uintptr_t)a->fn : (u32)(uintptr_t)c->fn;
	s->arg[0] = (u32)(uintptr_t)s->mem;
	s->arg[1] = c ? (u32)c->n : 0x4a4a4a4a;
}

static void collect(struct diff_outcome *out)
{
	const struct cpu_state *s = &corpus_state;
	const u32 *tail = (const u32 *)(CORPUS_FAULT_PAGE + PAGE_SIZE) - DIFF_PAGE_TAIL;

	out->regs[0] = s->eax;
	out->regs[1] = s->ebx;
	out->regs[2] = s->ecx;
	out->regs[3] = s->edx;
	out->regs[4] = s->esi;
	out->regs[5] = s->edi;
	out->regs[6] = s->ebp;
	out->regs[7] = s->esp;
	out->regs[8] = s->eflags & DIFF_FLAGS_COMPARED;
	memcpy(out->mem, s->mem, sizeof(out->mem));
	memcpy(out->stack, (const void *)(run_stack_top - 8), sizeof(out->stack));
	memcpy(out->page_tail, tail, sizeof(out->page_tail));
}

void diff_run(const char *entry, enum diff_start start, struct diff_outcome *out,
	      bool baseline)
{
	/* corpus_call's stack must lie below this frame, with room for its own. */
	BUG_ON(current_stack_pointer() < run_stack_top + 4 * CORPUS_STACK_ABOVE + 128);
	memset(out, 0, sizeof(*out));
	prepare(entry, start_flags[start]);
	memset(&diff_cmp, 0, sizeof(diff_cmp));
	cur_out = out;
	recording_baseline = baseline;
	barrier();
	mode = M_RECORD;
	barrier();
	corpus_call();
	barrier();
	mode = M_OFF;
	barrier();
	cur_out = NULL;
	if (baseline)
		diff_nbase_steps = diff_cmp.n;
	else if (!diff_cmp.bad && diff_cmp.n != diff_nbase_steps) {
		diff_cmp.bad = true;            /* fewer #DBs than the baseline */
		diff_cmp.first_bad = diff_cmp.n;
		memset(&diff_cmp.got, 0, sizeof(diff_cmp.got));
		if (diff_cmp.n < DIFF_MAX_STEPS)
			diff_cmp.want = base_steps[diff_cmp.n];
	}
	collect(out);
}

void diff_count(const char *entry, unsigned long lo, unsigned long hi)
{
	static struct diff_outcome scratch;

	memset(trace_tab, 0, sizeof(trace_tab));
	trace_last = 0;
	trace_lo = lo;
	trace_hi = hi;
	prepare(entry, start_flags[DIFF_TF1]);
	cur_out = &scratch;
	scratch.nevents = 0;
	barrier();
	mode = M_COUNT;
	barrier();
	corpus_call();
	barrier();
	mode = M_COUNT_END;                 /* the next #DB turns TF off */
	barrier();
	__asm__ volatile("nop");
	mode = M_OFF;
	cur_out = NULL;
}
