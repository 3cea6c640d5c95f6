// SPDX-License-Identifier: MIT
/*
 * Jump-optimized probes on a preemptive kernel (kernel/optprobe.c): threads preempted in
 * and around a probed region while the probe is enabled and disabled (each enable
 * optimizing it again) and optimization switched off and on; a thread stopped inside the
 * region holds the optimization back until it has left (retried on the tick); a thread
 * preempted in a detour buffer's copied instructions keeps the buffer alive after its
 * probe is gone, and the optimizer frees it once the thread has left.
 *
 * The forcing trick: opt_spin_target loops with its time almost all in a "rep lodsb" of
 * 4096 iterations, the second instruction of the probed region. A rep instruction is
 * interrupted between iterations with eip on the instruction itself, so the thread is,
 * when preempted, at the region's second instruction -- or, once the probe is
 * optimized, at that instruction's copy in the detour buffer. (Under QEMU's TCG a
 * region of plain instructions is never interrupted inside at all: see opt_busy_target.)
 */
#include "irqflags.h"
#include "kprobes.h"
#include "ktest.h"
#include "ktest_helpers.h"
#include "optprobe_helpers.h"
#include "optprobes.h"
#include "preempt.h"
#include "processor.h"
#include "sched.h"
#include "string.h"
#include "timer.h"
#include "user_probes.h"

/* The optimizer's retry period is 5 ticks (kernel/optprobe.c); a wait covers 3 of them. */
#define RETRY_WAIT_TICKS 16

/*
 * int opt_busy_target(int x): a busy loop, then the probed region -- incl %eax (1 byte),
 * rep stosb (2), addl $2, %eax (3): three instructions -- and x + 3.
 *
 * Why a rep: QEMU's TCG takes interrupts only between translation blocks, and a block
 * runs on to the next branch, so a region of plain instructions is never interrupted
 * inside (the preemption check would then never see a thread there, and the test would
 * prove nothing). Each iteration of a rep instruction ends a block, with eip on the rep;
 * the instruction after it starts one. So a tick can stop a thread on the region's second
 * and third instructions -- or on their copies in the detour buffer.
 */
#define BUSY_BUF_BYTES 4
u8 opt_busy_buf[BUSY_BUF_BYTES];

__asm__(".pushsection .text\n"
	".globl opt_busy_target, opt_busy_region, opt_busy_end\n"
	".type opt_busy_target, @function\n"
	"opt_busy_target:\n"
	"	pushl %edi\n"
	"	movl 8(%esp), %eax\n"
	"	movl $32, %ecx\n"
	"1:	decl %ecx\n"
	"	jnz 1b\n"
	"	movl $opt_busy_buf, %edi\n"
	"	movl $4, %ecx\n"
	"opt_busy_region:\n"
	"	incl %eax\n"
	"	rep stosb\n"
	"	addl $2, %eax\n"
	"	popl %edi\n"
	"	ret\n"
	"opt_busy_end:\n"
	".size opt_busy_target, . - opt_busy_target\n"
	".popsection\n");
extern char opt_busy_region[], opt_busy_end[];
int opt_busy_target(int x);

/*
 * void opt_spin_target(void): while opt_spin_flag, reads opt_spin_buf with rep lodsb.
 * The region: movl %edx, %ecx (2 bytes); rep lodsb (2); movl %edi, %esi (2). The loop's
 * jne goes back to the region's first byte, which the rules allow.
 */
#define SPIN_BYTES 4096
u8 opt_spin_buf[SPIN_BYTES];
volatile int opt_spin_flag;

__asm__(".pushsection .text\n"
	".globl opt_spin_target, opt_spin_region, opt_spin_end\n"
	".type opt_spin_target, @function\n"
	"opt_spin_target:\n"
	"	pushl %esi\n"
	"	pushl %edi\n"
	"	movl $4096, %edx\n"
	"	movl $opt_spin_buf, %edi\n"
	"	movl %edi, %esi\n"
	"opt_spin_region:\n"
	"	movl %edx, %ecx\n"
	"	rep lodsb\n"
	"	movl %edi, %esi\n"
	"	cmpl $0, opt_spin_flag\n"
	"	jne opt_spin_region\n"
	"	popl %edi\n"
	"	popl %esi\n"
	"	ret\n"
	"opt_spin_end:\n"
	".size opt_spin_target, . - opt_spin_target\n"
	".popsection\n");
extern char opt_spin_region[], opt_spin_end[];
void opt_spin_target(void);

static volatile unsigned long spin_hits;

static int spin_pre(struct kprobe *p, struct pt_regs *regs)
{
	(void)p;
	(void)regs;
	spin_hits++;
	return 0;
}

static volatile bool spin_started;

static int spin_fn(void *arg)
{
	(void)arg;
	spin_started = true;
	opt_spin_target();
	return 7;
}

/* Starts the spinner and lets it run until a tick has preempted it (it never sleeps). */
static struct task_struct *start_spinner(struct ktest *t)
{
	struct task_struct *th;

	spin_started = false;
	opt_spin_flag = 1;
	th = kthread_run(spin_fn, NULL, "opt-spin");
	KASSERT_TRUE(t, th != NULL);
	while (!spin_started)
		schedule_timeout(1);
	schedule_timeout(2);
	return th;
}

static void stop_spinner(struct ktest *t, struct task_struct *th)
{
	opt_spin_flag = 0;
	KEXPECT_EQ(t, kthread_join(th), 7);            /* it came out of the loop whole */
}

/* ---- 6b. a thread inside the region: the optimization waits, then goes in ---- */

static void thread_in_region_makes_optimization_wait(struct ktest *t)
{
	struct kprobe kp = { .addr = (kprobe_opcode_t *)opt_spin_region, .pre_handler = spin_pre };
	unsigned pending0 = nr_pending_optprobes();
	size_t len = (size_t)(opt_spin_end - (char *)opt_spin_target);
	u8 before[64];
	struct task_struct *th;
	unsigned long flags;

	skip_if_probed(t, opt_spin_region);
	KASSERT_TRUE(t, len <= sizeof(before));
	memcpy(before, (void *)opt_spin_target, len);
	spin_hits = 0;
	th = start_spinner(t);
	local_irq_save(flags);                  /* the spinner stays where it was stopped */
	scrub_dead_stack();
	int err = register_kprobe(&kp);
	bool optimized = kprobe_optimized(&kp);
	unsigned pending = nr_pending_optprobes();
	const char *why = kprobe_opt_refusal(&kp);
	u8 first = *(u8 *)opt_spin_region;
	local_irq_restore(flags);
	if (err)
		stop_spinner(t, th);
	KASSERT_EQ(t, err, 0);
	KEXPECT_FALSE(t, optimized);
	KEXPECT_EQ(t, pending, pending0 + 1);
	KEXPECT_TRUE(t, why == optprobe_waiting);
	KEXPECT_EQ(t, first, BREAKPOINT_INSTRUCTION);
	/* Retried on the tick, and still held back: the spinner is still in the region. */
	schedule_timeout(RETRY_WAIT_TICKS);
	KEXPECT_FALSE(t, kprobe_optimized(&kp));
	KEXPECT_EQ(t, nr_pending_optprobes(), pending0 + 1);
	KEXPECT_GT(t, spin_hits, 0UL);                  /* hits through the int3 */
	/* Released, it leaves; the tick's retry puts the jmp in. */
	stop_spinner(t, th);
	schedule_timeout(RETRY_WAIT_TICKS);
	KEXPECT_OPTIMIZED(t, &kp);
	KEXPECT_EQ(t, nr_pending_optprobes(), pending0);
	KEXPECT_EQ(t, *(u8 *)opt_spin_region, 0xe9);
	KEXPECT_TRUE(t, kprobe_opt_refusal(&kp) == NULL);
	unregister_kprobe(&kp);
	KEXPECT_EQ(t, memcmp((void *)opt_spin_target, before, len), 0);
}

/* ---- 7. a thread preempted in the detour's copies keeps the buffer alive ---- */

static void retired_buffer_lives_while_a_thread_is_in_it(struct ktest *t)
{
	struct kprobe kp = { .addr = (kprobe_opcode_t *)opt_spin_region, .pre_handler = spin_pre };
	unsigned slots0;
	int held = 0;

	skip_if_probed(t, opt_spin_region);
	optimizer_now();                     /* what an earlier case retired, freed */
	slots0 = kprobe_optinsn_slots_used();
	/* Up to 5 tries: the spinner is preempted in the copied rep nearly always, not
	 * always (a tick may land on the loop's cmpl or jne). */
	for (int try = 0; try < 5 && !held; try++) {
		struct task_struct *th;
		unsigned long flags;
		unsigned used_after, used_optimizer;

		scrub_dead_stack();
		KASSERT_EQ(t, register_kprobe(&kp), 0);
		KEXPECT_OPTIMIZED(t, &kp);
		KEXPECT_EQ(t, kprobe_optinsn_slots_used(), slots0 + 1);
		spin_hits = 0;
		th = start_spinner(t);
		local_irq_save(flags);
		unregister_kprobe(&kp);
		used_after = kprobe_optinsn_slots_used();
		optimizer_now();
		used_optimizer = kprobe_optinsn_slots_used();
		local_irq_restore(flags);
		KEXPECT_GT(t, spin_hits, 0UL);          /* it went through the detour */
		/* The probe is gone; its buffer is not, while the spinner is in it. */
		held += used_after == slots0 + 1 && used_optimizer == slots0 + 1;
		stop_spinner(t, th);                    /* runs the copies' rest, jmps back */
		optimizer_now();
		KEXPECT_EQ(t, kprobe_optinsn_slots_used(), slots0);
	}
	KEXPECT_GT(t, held, 0);
}

/* ---- 6. hits from preempted threads while the probe goes in and out ---- */

#define BUSY_THREADS 3
/* Each toggle waits for the three threads' slices (~6 ticks): 200 ticks, ~34 toggles. */
#define TOGGLE_TICKS 200

enum busy_phase { PHASE_DISABLED, PHASE_OPTIMIZING, PHASE_INT3, NR_PHASES };

/* Written with interrupts off together with the probe's change; read by the handler. */
static volatile enum busy_phase busy_phase;
static volatile unsigned long busy_hits[NR_PHASES], busy_hits_jmp;
static volatile bool busy_stop;

static struct busy_result {
	unsigned long calls, wrong, preempted;
} busy_res[BUSY_THREADS];

static int busy_pre(struct kprobe *p, struct pt_regs *regs)
{
	(void)regs;
	busy_hits[busy_phase]++;                /* interrupts off: no torn increments */
	busy_hits_jmp += kprobe_optimized(p);   /* an int3 hit only while it is not */
	return 0;
}

static int busy_fn(void *arg)
{
	struct busy_result *r = arg;

	for (int x = 0; !busy_stop; x = (x + 1) & 0xffff) {
		if (opt_busy_target(x) != x + 3)
			r->wrong++;
		r->calls++;
	}
	r->preempted = current->nivcsw;
	return 0;
}

static void preempted_threads_while_probe_toggles(struct ktest *t)
{
	struct kprobe kp = { .addr = (kprobe_opcode_t *)opt_busy_region, .pre_handler = busy_pre };
	struct task_struct *th[BUSY_THREADS];
	size_t len = (size_t)(opt_busy_end - (char *)opt_busy_target);
	unsigned slots0, nopt0 = nr_optimized_kprobes();
	unsigned enables = 0, optimized = 0, waited = 0, toggles = 0;
	u8 before[64];

	skip_if_probed(t, opt_busy_region);
	KASSERT_TRUE(t, len <= sizeof(before));
	memcpy(before, (void *)opt_busy_target, len);
	optimizer_now();
	slots0 = kprobe_optinsn_slots_used();
	busy_stop = false;
	busy_phase = PHASE_OPTIMIZING;
	busy_hits_jmp = 0;
	for (int i = 0; i < NR_PHASES; i++)
		busy_hits[i] = 0;
	scrub_dead_stack();
	KASSERT_EQ(t, register_kprobe(&kp), 0);
	KEXPECT_OPTIMIZED(t, &kp);
	int started = 0;
	for (; started < BUSY_THREADS; started++) {
		busy_res[started] = (struct busy_result){ 0, 0, 0 };
		th[started] = kthread_run(busy_fn, &busy_res[started], "opt-busy");
		if (!th[started])
			break;
	}
	KEXPECT_EQ(t, started, BUSY_THREADS);
	/* Each state lasts while this thread sleeps: the busy ones run in every state. */
	unsigned long start = jiffies;
	for (unsigned long now = 0; now < TOGGLE_TICKS; now = jiffies - start) {
		bool opt_on = now < TOGGLE_TICKS / 2;
		unsigned long flags;

		schedule_timeout(1);
		local_irq_save(flags);
		if (!opt_on && kprobes_optimization_enabled())
			optprobes_switch(false);
		if (kprobe_disabled(&kp)) {
			busy_phase = opt_on ? PHASE_OPTIMIZING : PHASE_INT3;
			KEXPECT_EQ(t, enable_kprobe(&kp), 0);
			if (opt_on) {
				enables++;
				optimized += kprobe_optimized(&kp);
				waited += kprobe_opt_refusal(&kp) == optprobe_waiting;
			}
		} else {
			KEXPECT_EQ(t, disable_kprobe(&kp), 0);
			busy_phase = PHASE_DISABLED;
		}
		toggles++;
		local_irq_restore(flags);
	}
	busy_stop = true;
	for (int i = 0; i < started; i++)
		kthread_join(th[i]);
	optprobes_switch(true);
	unregister_kprobe(&kp);
	optimizer_now();                     /* no thread is left in a retired buffer */

	unsigned long calls = 0, wrong = 0, preempted = 0;
	for (int i = 0; i < started; i++) {
		KEXPECT_GT(t, busy_res[i].calls, 0UL);
		calls += busy_res[i].calls;
		wrong += busy_res[i].wrong;
		preempted += busy_res[i].preempted;
	}
	KEXPECT_EQ(t, wrong, 0UL);
	KEXPECT_EQ(t, busy_hits[PHASE_DISABLED], 0UL);  /* a disabled probe runs nothing */
	KEXPECT_GT(t, busy_hits[PHASE_OPTIMIZING], 0UL);
	KEXPECT_GT(t, busy_hits[PHASE_INT3], 0UL);
	KEXPECT_GT(t, busy_hits_jmp, 0UL);
	KEXPECT_GT(t, optimized, 0U);
	KEXPECT_EQ(t, kp.nmissed, 0UL);                 /* handlers never nest here */
	KEXPECT_GT(t, preempted, 0UL);
	KEXPECT_EQ(t, memcmp((void *)opt_busy_target, before, len), 0);
	KEXPECT_EQ(t, kprobe_optinsn_slots_used(), slots0);
	KEXPECT_EQ(t, nr_optimized_kprobes(), nopt0);
	ktest_info(t, "%lu calls, %lu hits optimizing (%lu through the jmp), %lu as int3; "
		   "%u toggles, %u enables optimizing: %u optimized at once, %u waited", calls,
		   busy_hits[PHASE_OPTIMIZING], busy_hits_jmp, busy_hits[PHASE_INT3], toggles,
		   enables, optimized, waited);
}

static const struct ktest_case optprobes_threads_cases[] = {
	KTEST_CASE(thread_in_region_makes_optimization_wait),
	KTEST_CASE(retired_buffer_lives_while_a_thread_is_in_it),
	KTEST_CASE(preempted_threads_while_probe_toggles),
	KTEST_END
};
KTEST_SUITE(optprobes_threads_suite, "optprobes_threads", optprobes_threads_cases);
