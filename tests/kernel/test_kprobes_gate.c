// SPDX-License-Identifier: MIT
/*
 * Cases make mutants asked for (tests/mutants/): each pins a line of the probe core that
 * no other case noticed when changed. A popf is never boosted (it sets IF itself: the
 * IF-on variant's sti would undo a popf that clears IF); an instruction too long for the
 * slot's two boosted variants is stepped instead; a registration starts nmissed at 0;
 * text_poke refuses a range running past the end of text and counts what it does; the
 * int3 stub's slow path finds regs even if the probe hook reused its argument slot;
 * handlers run with DF clear whatever the probed code's DF; each hit counts its traps.
 */
#include "errno.h"
#include "irqflags.h"
#include "kprobes.h"
#include "ktest.h"
#include "preempt.h"
#include "processor.h"
#include "stacktrace.h"
#include "string.h"
#include "text_poke.h"
#include "trap_hook.h"
#include "traps.h"
#include "user_probes.h"

/* popf clearing IF (probed at +8, after pushfl and the 7-byte andl), and an 11-byte
 * movl $imm32, disp32(,%esi,4) (probed at +3, after pushl %esi and xorl %esi, %esi). */
__asm__(".pushsection .text\n"
	".globl kpt_popf_if_off\n"
	".type kpt_popf_if_off, @function\n"
	"kpt_popf_if_off:\n"
	"	pushfl\n"
	"	andl $0xfffffdff, (%esp)\n"
	"	popfl\n"
	"	ret\n"
	".size kpt_popf_if_off, . - kpt_popf_if_off\n"
	".globl kpt_long_insn\n"
	".type kpt_long_insn, @function\n"
	"kpt_long_insn:\n"
	"	pushl %esi\n"
	"	xorl %esi, %esi\n"
	"	movl $0x12345678, kpt_long_word(,%esi,4)\n"
	"	popl %esi\n"
	"	ret\n"
	".size kpt_long_insn, . - kpt_long_insn\n"
	".globl kpt_df_set\n"
	".type kpt_df_set, @function\n"
	"kpt_df_set:\n"
	"	std\n"
	"	movl $3, %eax\n"        /* probed at +1, with DF=1 */
	"	pushfl\n"
	"	cld\n"
	"	popl %eax\n"            /* the flags after the hit */
	"	ret\n"
	".size kpt_df_set, . - kpt_df_set\n"
	".popsection\n");
void kpt_popf_if_off(void);
void kpt_long_insn(void);
unsigned long kpt_df_set(void);
volatile unsigned long kpt_long_word;

static int pres;

static int gate_count_pre(struct kprobe *p, struct pt_regs *regs)
{
	(void)p;
	(void)regs;
	pres++;
	return 0;
}

static void gate_count_post(struct kprobe *p, struct pt_regs *regs, unsigned long flags)
{
	(void)p;
	(void)regs;
	(void)flags;
}

static void popf_clearing_if_is_not_undone(struct ktest *t)
{
	kprobe_opcode_t *at = (kprobe_opcode_t *)kpt_popf_if_off + 8;
	skip_if_probed(t, at);
	struct kprobe kp = { .addr = at, .pre_handler = gate_count_pre };
	unsigned long fl;

	pres = 0;
	KASSERT_EQ(t, register_kprobe(&kp), 0);
	KEXPECT_EQ(t, kp.ainsn.decoded.length, 1);
	local_irq_enable();
	kpt_popf_if_off();
	fl = native_save_fl();
	local_irq_enable();
	unregister_kprobe(&kp);
	KEXPECT_EQ(t, pres, 1);
	KEXPECT_FALSE(t, fl & X86_EFLAGS_IF);     /* as the popf left it */
	KEXPECT_FALSE(t, kp.ainsn.boostable);
	KEXPECT_EQ(t, preempt_count(), 0);
}

static void too_long_to_boost_is_stepped(struct ktest *t)
{
	kprobe_opcode_t *at = (kprobe_opcode_t *)kpt_long_insn + 3;
	skip_if_probed(t, at);
	struct kprobe kp = { .addr = at, .pre_handler = gate_count_pre };
	unsigned long flags;

	pres = 0;
	KASSERT_EQ(t, register_kprobe(&kp), 0);
	KEXPECT_EQ(t, kp.ainsn.decoded.length, 11);
	KEXPECT_FALSE(t, kp.ainsn.boostable);
	for (int on = 0; on < 2; on++) {
		kpt_long_word = 0;
		local_irq_save(flags);
		if (on)
			local_irq_enable();
		kpt_long_insn();
		local_irq_restore(flags);
		KEXPECT_EQ(t, kpt_long_word, 0x12345678);
	}
	unregister_kprobe(&kp);
	KEXPECT_EQ(t, pres, 2);
	KEXPECT_FALSE(t, kprobe_running());
	KEXPECT_EQ(t, preempt_count(), 0);
}

/* As in Linux: a registered probe has missed nothing yet, whatever the struct held. */
static void registration_starts_nmissed_at_zero(struct ktest *t)
{
	kprobe_opcode_t *at = (kprobe_opcode_t *)kpt_long_insn;
	skip_if_probed(t, at);
	struct kprobe kp = { .addr = at, .pre_handler = gate_count_pre, .nmissed = 7 };

	KASSERT_EQ(t, register_kprobe(&kp), 0);
	unsigned long missed = kp.nmissed;
	unregister_kprobe(&kp);
	KEXPECT_EQ(t, missed, 0);
}

static void text_poke_checks_its_range_and_counts(struct ktest *t)
{
	u8 tail[2], head;
	unsigned long pokes = text_poke_count;
	u8 *last = (u8 *)((unsigned long)__text_end - 1);   /* the last byte of text */

	/* The same bytes back: harmless even where a broken check let the write through. */
	memcpy(tail, last, sizeof(tail));
	KEXPECT_EQ(t, text_poke(last, tail, sizeof(tail)), -EFAULT);
	KEXPECT_EQ(t, text_poke_count, pokes);
	head = *(u8 *)kpt_long_insn;
	KEXPECT_EQ(t, text_poke(kpt_long_insn, &head, 1), 0);
	KEXPECT_EQ(t, text_poke_count, pokes + 1);
}

/*
 * The C ABI lets a callee reuse its argument slots; the int3 stub passes regs to the
 * probe hook and then, for a trap the hook declines, to do_int3 -- so it must rebuild
 * the argument rather than trust the slot. A hook that overwrites its slot shows it.
 */
extern int (*trap_int3_hook)(struct pt_regs *regs);

static __noipa int clobbering_hook(struct pt_regs *regs)
{
	(void)regs;
	((volatile unsigned long *)__builtin_frame_address(0))[2] = 0;  /* our regs slot */
	return 0;
}

static void int3_slow_path_rebuilds_regs(struct ktest *t)
{
	int (*saved)(struct pt_regs *regs) = trap_int3_hook;
	unsigned long flags;

	trap_hook_arm(t, DIE_INT3, 3, NULL, 0);
	local_irq_save(flags);
	trap_int3_hook = clobbering_hook;
	__asm__ volatile("int3" ::: "memory");
	trap_int3_hook = saved;
	local_irq_restore(flags);
	trap_hook_disarm();
	KEXPECT_EQ(t, trap_hook.hits, 1);
}

/* The C ABI wants DF clear: the entry stub clears it for the handlers (memcpy, the
 * jprobe's rep movsl), and iret gives the probed code its own DF back. */
static unsigned long handler_flags;

static int record_flags(struct kprobe *p, struct pt_regs *regs)
{
	(void)p;
	(void)regs;
	handler_flags = native_save_fl();
	pres++;
	return 0;
}

static void handlers_run_with_df_clear(struct ktest *t)
{
	kprobe_opcode_t *at = (kprobe_opcode_t *)kpt_df_set + 1;
	skip_if_probed(t, at);
	struct kprobe kp = { .addr = at, .pre_handler = record_flags };

	pres = 0;
	handler_flags = X86_EFLAGS_DF;
	KASSERT_EQ(t, register_kprobe(&kp), 0);
	unsigned long after = kpt_df_set();
	unregister_kprobe(&kp);
	KEXPECT_EQ(t, pres, 1);
	KEXPECT_FALSE(t, handler_flags & X86_EFLAGS_DF);
	KEXPECT_TRUE(t, after & X86_EFLAGS_DF);           /* the probed code's own DF */
}

/* What make bench reports as traps per hit: boosted, the int3 alone; stepped, a #DB too. */
static void each_hit_counts_its_traps(struct ktest *t)
{
	kprobe_opcode_t *at = (kprobe_opcode_t *)kpt_long_insn;     /* pushl %esi */
	skip_if_probed(t, at);

	for (int post = 0; post < 2; post++) {
		struct kprobe kp = { .addr = at, .pre_handler = gate_count_pre,
				     .post_handler = post ? gate_count_post : NULL };
		unsigned long flags, int3s, dbs;

		KASSERT_EQ(t, register_kprobe(&kp), 0);
		local_irq_save(flags);
		int3s = trap_counts[3];
		dbs = trap_counts[1];
		kpt_long_insn();
		int3s = trap_counts[3] - int3s;
		dbs = trap_counts[1] - dbs;
		local_irq_restore(flags);
		unregister_kprobe(&kp);
		KEXPECT_EQ(t, int3s, 1);
		KEXPECT_EQ(t, dbs, (unsigned long)post);
	}
}

/* A freed slot is refilled with int3, so a stray jump into it traps instead of running
 * a stale copy (and its jmp home to wherever the old probe was). A second probe keeps the
 * slot's page allocated (a page goes with its last slot: kprobes_slots). */
static void freed_slot_holds_int3s(struct ktest *t)
{
	kprobe_opcode_t *at = (kprobe_opcode_t *)kpt_long_insn;
	skip_if_probed(t, at);
	skip_if_probed(t, at + 1);
	struct kprobe kp = { .addr = at, .pre_handler = gate_count_pre };
	struct kprobe keep = { .addr = at + 1, .pre_handler = gate_count_pre };

	KASSERT_EQ(t, register_kprobe(&keep), 0);
	KASSERT_EQ(t, register_kprobe(&kp), 0);
	const kprobe_opcode_t *slot = kp.ainsn.insn;
	KEXPECT_EQ(t, slot[0], 0x56);                  /* pushl %esi, copied */
	bool same_page = ((unsigned long)slot ^ (unsigned long)keep.ainsn.insn) < PAGE_SIZE;
	unregister_kprobe(&kp);
	int stale = 0;
	if (same_page)
		for (unsigned i = 0; i < KPROBE_SLOT_SIZE; i++)
			stale += slot[i] != BREAKPOINT_INSTRUCTION;
	unregister_kprobe(&keep);
	KASSERT_TRUE(t, same_page);
	KEXPECT_EQ(t, stale, 0);
}

static const struct ktest_case kprobes_gate_cases[] = {
	KTEST_CASE(popf_clearing_if_is_not_undone),
	KTEST_CASE(too_long_to_boost_is_stepped),
	KTEST_CASE(registration_starts_nmissed_at_zero),
	KTEST_CASE(text_poke_checks_its_range_and_counts),
	KTEST_CASE(int3_slow_path_rebuilds_regs),
	KTEST_CASE(handlers_run_with_df_clear),
	KTEST_CASE(each_hit_counts_its_traps),
	KTEST_CASE(freed_slot_holds_int3s),
	KTEST_END,
};
/* The int3 gate's cases: a pre-only probe must not become a jmp (each_hit_counts_its_traps
 * counts the int3 of a boosted hit; the boosting and stepping cases watch the slot). */
KTEST_SUITE(kprobes_gate_suite, "kprobes_gate", kprobes_gate_cases,
	    .int3_only = true);
