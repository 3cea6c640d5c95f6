// SPDX-License-Identifier: MIT
/*
 * The registration recipe's order (kernel/kprobe_register.c): resolve, check, prepare
 * the slot, publish, arm; and its unwinding: a refused registration changes nothing.
 */
#include "errno.h"
#include "kallsyms.h"
#include "kprobes.h"
#include "ktest.h"
#include "string.h"
#include "text_poke.h"
#include "user_probes.h"

/* The registration functions, and (up to this many in all) the functions they call. */
#define MAX_FUNCS 48

static const char *const recipe_funcs[] = {
	"register_kprobe", "unregister_kprobe", "enable_kprobe", "disable_kprobe",
};

static unsigned hits;

static int count_hit(struct kprobe *p, struct pt_regs *regs)
{
	(void)p;
	(void)regs;
	hits++;
	return 0;
}

/*
 * Calls fn(t, addr, data) for each instruction start of the function at start (size
 * bytes), decoded from its original text (without the user's int3s). Returns the number
 * of instructions, or fails the case if the decoder gives up.
 */
static unsigned for_each_insn(struct ktest *t, unsigned long start, unsigned long size,
			      void (*fn)(struct ktest *, unsigned long, const struct insn *,
					 void *), void *data)
{
	unsigned n = 0;

	for (unsigned long pc = start; pc < start + size; n++) {
		u8 buf[INSN_MAX_LEN];
		size_t avail = min((unsigned long)INSN_MAX_LEN, start + size - pc);
		struct insn insn;

		read_original_text(pc, buf, avail);
		int len = insn_decode(&insn, buf, avail, (u32)pc);
		KASSERT_TRUE(t, len > 0);
		fn(t, pc, &insn, data);
		pc += (unsigned long)len;
	}
	return n;
}

struct func_list {
	unsigned long start[MAX_FUNCS], size[MAX_FUNCS];
	unsigned n;
};

/* Adds the function beginning at addr to the list, once. */
static void add_func(struct func_list *l, unsigned long addr)
{
	unsigned long start, size;

	if (!kallsyms_lookup(addr, &start, &size) || start != addr)
		return;
	for (unsigned i = 0; i < l->n; i++)
		if (l->start[i] == start)
			return;
	if (l->n < MAX_FUNCS) {
		l->start[l->n] = start;
		l->size[l->n++] = size;
	}
}

static void add_callee(struct ktest *t, unsigned long pc, const struct insn *insn, void *l)
{
	(void)t;
	(void)pc;
	if (insn->attr & INSN_ATTR_REL_CALL)
		add_func(l, insn->rel_target);
}

struct walk {
	unsigned placed, refused, skipped;
};

/*
 * A probe at pc, registered, disabled, enabled and unregistered. Its own int3 goes in
 * and out while the code that puts it there runs, so wherever pc lies on that code after
 * the arm (or before the disarm) the probe is hit there: it must be in the table by then.
 */
static void probe_here(struct ktest *t, unsigned long pc, const struct insn *insn, void *data)
{
	struct walk *w = data;
	struct kprobe kp = { .addr = (kprobe_opcode_t *)pc, .pre_handler = count_hit };
	u8 orig;

	(void)insn;
	if (kprobe_in_range(pc, pc + 1)) {
		w->skipped++;           /* the user's probe is there */
		return;
	}
	read_original_text(pc, &orig, 1);
	int ret = register_kprobe(&kp);
	if (ret == -EPERM || ret == -EOPNOTSUPP) {
		w->refused++;           /* blacklisted (text_poke ...), or not steppable */
		return;
	}
	if (ret) {
		ktest_fail(t, false, __FILE__, __LINE__, "probe at %08lx: %d (%s)", pc, ret,
			   errno_name(ret));
		return;
	}
	w->placed++;
	KEXPECT_EQ(t, disable_kprobe(&kp), 0);
	KEXPECT_EQ(t, enable_kprobe(&kp), 0);
	unregister_kprobe(&kp);
	KEXPECT_EQ(t, *(u8 *)pc, orig);
	KEXPECT_TRUE(t, get_kprobe((void *)pc) == NULL);
}

/*
 * A probe on every instruction of the registration functions and of the functions they
 * call. Published after the arm, a probe on the code that runs between the two would
 * trap on an int3 the handler cannot find: an oops, and this boot dies.
 */
static void probes_on_the_registration_path(struct ktest *t)
{
	static struct func_list funcs;
	struct walk w = { 0 };

	funcs.n = 0;
	for (unsigned i = 0; i < ARRAY_SIZE(recipe_funcs); i++) {
		unsigned long addr = kallsyms_lookup_name(recipe_funcs[i]);
		KASSERT_TRUE(t, addr != 0);
		add_func(&funcs, addr);
	}
	for (unsigned i = 0; i < ARRAY_SIZE(recipe_funcs); i++)
		for_each_insn(t, funcs.start[i], funcs.size[i], add_callee, &funcs);
	hits = 0;
	unsigned insns = 0;
	for (unsigned i = 0; i < funcs.n; i++)
		insns += for_each_insn(t, funcs.start[i], funcs.size[i], probe_here, &w);
	ktest_info(t, "%u functions, %u instructions: %u probed, %u refused, %u skipped, "
		   "%u hits", funcs.n, insns, w.placed, w.refused, w.skipped, hits);
	KEXPECT_GT(t, funcs.n, ARRAY_SIZE(recipe_funcs));
	KEXPECT_GT(t, w.placed, insns / 2);
	/* Hits on the code between the arm and the return (and before a disarm). */
	KEXPECT_GT(t, hits, 0);
}

/* Room for more probes than one page has slots: one-byte instructions nobody runs. */
#define FILLER_LEN (KPROBE_INSN_SLOTS_PER_PAGE + 16)
void kreg_filler(void);
__asm__(".pushsection .text\n"
	".globl kreg_filler\n"
	".type kreg_filler, @function\n"
	"kreg_filler:\n"
	".rept " STRINGIFY(FILLER_LEN) "\n"
	"	nop\n"
	".endr\n"
	"	ret\n"
	".size kreg_filler, . - kreg_filler\n"
	".popsection\n");

/*
 * With no slot free and no page to be had (kprobe_insn_page_fail, the slot allocator's
 * failure injection: as if no frame were left), the next registration gets -ENOMEM and
 * changes nothing: p as the caller left it, no text poked, nothing in the table, no page
 * taken. The free slots of the pages already there are still handed out, every one. Once
 * pages can be had again, the refused probe goes in as it was.
 */
static void slot_exhaustion_changes_nothing(struct ktest *t)
{
	static struct kprobe kps[FILLER_LEN];
	unsigned long base = (unsigned long)kreg_filler;
	unsigned n = 0, free_slots, pages;
	int ret = 0;

	struct kprobe *user = kprobe_in_range(base, base + FILLER_LEN);
	if (user)
		skip_if_probed(t, user->addr);
	/* A first probe, so that at least one page exists and has free slots. */
	kps[0] = (struct kprobe){ .addr = (kprobe_opcode_t *)base, .pre_handler = count_hit };
	KASSERT_EQ(t, register_kprobe(&kps[0]), 0);
	n = 1;
	pages = kprobe_insn_pages();
	free_slots = pages * KPROBE_INSN_SLOTS_PER_PAGE - kprobe_insn_slots_used();
	if (free_slots + 1 >= FILLER_LEN) {
		unregister_kprobe(&kps[0]);
		ktest_info(t, "other probes leave %u free slots", free_slots);
		ktest_skip(t, "more free slots than fillers");
	}
	kprobe_insn_page_fail = true;
	for (; n < FILLER_LEN; n++) {
		kps[n] = (struct kprobe){ .addr = (kprobe_opcode_t *)(base + n),
					  .pre_handler = count_hit, .nmissed = 7 };
		struct kprobe before = kps[n];
		unsigned long pokes = text_poke_count;

		ret = register_kprobe(&kps[n]);
		if (ret) {
			KEXPECT_EQ(t, memcmp(&kps[n], &before, sizeof(before)), 0);
			KEXPECT_EQ(t, text_poke_count, pokes);
			break;
		}
	}
	kprobe_insn_page_fail = false;
	KEXPECT_EQ(t, kprobe_insn_pages(), pages);
	for (unsigned i = 0; i < n; i++)
		unregister_kprobe(&kps[i]);
	KASSERT_EQ(t, ret, -ENOMEM);
	KEXPECT_EQ(t, n - 1, free_slots);
	KEXPECT_TRUE(t, get_kprobe((void *)(base + n)) == NULL);
	KEXPECT_EQ(t, *(u8 *)(base + n), 0x90);
	for (unsigned i = 0; i < n; i++)
		KEXPECT_EQ(t, *(u8 *)(base + i), 0x90);
	/* Pages can be had again: the refused probe goes in now, exactly as it was. */
	KASSERT_EQ(t, register_kprobe(&kps[n]), 0);
	KEXPECT_EQ(t, kps[n].nmissed, 0);
	unregister_kprobe(&kps[n]);
}

static const struct ktest_case kprobe_register_cases[] = {
	KTEST_CASE(probes_on_the_registration_path),
	KTEST_CASE(slot_exhaustion_changes_nothing),
	KTEST_END,
};
KTEST_SUITE(kprobe_register_suite, "kprobe_register", kprobe_register_cases,
	    .int3_only = true);
