// SPDX-License-Identifier: MIT
/*
 * The probed functions of the optprobe rule suites, in asm so each region's bytes are
 * known (tests/kernel/optprobe_targets.h says what each one computes and which rule it
 * breaks), and the checks the cases share. Branches are spelled with .byte so that the
 * assembler cannot choose their form: each test needs the rel8 or rel32 one it names.
 * Offsets in the comments are from the function's first byte.
 */
#include "optprobe_targets.h"
#include "kallsyms.h"
#include "optprobes.h"
#include "string.h"
#include "traps.h"

__asm__(
".pushsection .text\n"

".globl optr_plain\n.type optr_plain, @function\n"
"optr_plain:\n"
"	mov 4(%esp), %eax\n"                    /* +0  8b 44 24 04 */
".globl optr_plain_in\n"
"optr_plain_in:\n"
"	add $3, %eax\n"                         /* +4  83 c0 03 */
"	shl $1, %eax\n"                         /* +7  d1 e0 */
"	add $1, %eax\n"                         /* +9  83 c0 01 */
"	ret\n"                                  /* +12 */
".size optr_plain, . - optr_plain\n"

".globl optr_jin\n.type optr_jin, @function\n"
"optr_jin:\n"
"	mov 4(%esp), %ecx\n"                    /* +0 */
"	xor %eax, %eax\n"                       /* +4 */
".globl optr_jin_p\n"
"optr_jin_p:\n"
"	add $5, %eax\n"                         /* +6  region [6, 11) */
"optr_jin_mid:\n"
"	inc %eax\n"                             /* +9  the jnz's target: inside */
"	dec %ecx\n"                             /* +10 */
"	.byte 0x75, optr_jin_mid - (. + 1)\n"   /* +11 jnz rel8 */
"	ret\n"
".size optr_jin, . - optr_jin\n"

".globl optr_jfirst\n.type optr_jfirst, @function\n"
"optr_jfirst:\n"
"	mov 4(%esp), %ecx\n"
"	xor %eax, %eax\n"
".globl optr_jfirst_p\n"
"optr_jfirst_p:\n"
"	add $3, %eax\n"                         /* +6  region [6, 12) */
"	dec %ecx\n"                             /* +9 */
"	.byte 0x75, optr_jfirst_p - (. + 1)\n"  /* +10 jnz rel8 to the region's first byte */
"	ret\n"
".size optr_jfirst, . - optr_jfirst\n"

".globl optr_indirect\n.type optr_indirect, @function\n"
"optr_indirect:\n"
"	mov 4(%esp), %eax\n"                    /* +0  region [0, 7) */
"	and $1, %eax\n"                         /* +4 */
"	jmp *optr_table(, %eax, 4)\n"           /* +7  ff 24 85 <table> */
"optr_ind_even:\n"
"	mov $10, %eax\n ret\n"
"optr_ind_odd:\n"
"	mov $20, %eax\n ret\n"
".size optr_indirect, . - optr_indirect\n"

".globl optr_ret\n.type optr_ret, @function\n"
"optr_ret:\n"
"	xor %eax, %eax\n"                       /* +0 */
"	inc %eax\n"                             /* +2 */
"	ret\n"                                  /* +3  inside the first five bytes */
"	nop\n nop\n nop\n nop\n"                /* +4  so the region does not cross the end */
".size optr_ret, . - optr_ret\n"

".globl optr_irq\n.type optr_irq, @function\n"
"optr_irq:\n"
"	pushfl\n"                               /* +0 */
"	cli\n"                                  /* +1  in the region of a probe at +0 */
"	mov $5, %eax\n"                         /* +2 */
".globl optr_irq_popf\n"
"optr_irq_popf:\n"
"	popfl\n"                                /* +7 */
"	mov %eax, %ecx\n"                       /* +8 */
"	mov %ecx, %eax\n"                       /* +10 */
"	ret\n"
".size optr_irq, . - optr_irq\n"

".globl optr_call\n.type optr_call, @function\n"
"optr_call:\n"
"	call optr_call_leaf\n"                  /* +0  e8 rel32: the whole region */
"	add $1, %eax\n"
"	ret\n"
".size optr_call, . - optr_call\n"
".type optr_call_leaf, @function\n"
"optr_call_leaf:\n"
"	mov 8(%esp), %eax\n"                    /* optr_call's argument */
"	ret\n"
".size optr_call_leaf, . - optr_call_leaf\n"

".globl optr_loop\n.type optr_loop, @function\n"
"optr_loop:\n"
"	mov 4(%esp), %ecx\n"                    /* +0 */
"	xor %eax, %eax\n"                       /* +4 */
".globl optr_loop_jcxz\n"
"optr_loop_jcxz:\n"
"	.byte 0xe3, 1f - (. + 1)\n"             /* +6  jecxz */
".globl optr_loop_top\n"
"optr_loop_top:\n"
"	inc %eax\n"                             /* +8 */
"	.byte 0xe2, optr_loop_top - (. + 1)\n"  /* +9  loop */
"1:	ret\n"                                  /* +11 */
".size optr_loop, . - optr_loop\n"

".globl optr_tail\n.type optr_tail, @function\n"
"optr_tail:\n"
"	nop\n"                                  /* +0 */
"	.byte 0xeb, optr_tail_body - (. + 1)\n" /* +1  jmp rel8: a tail call */
".size optr_tail, . - optr_tail\n"          /* 3 bytes */
".type optr_tail_body, @function\n"
"optr_tail_body:\n"
"	mov 4(%esp), %eax\n"
"	add $7, %eax\n"
"	ret\n"
".size optr_tail_body, . - optr_tail_body\n"

".globl optr_br8\n.type optr_br8, @function\n"
"optr_br8:\n"
"	mov 4(%esp), %eax\n"                    /* +0 */
".globl optr_br8_p\n"
"optr_br8_p:\n"
"	test %eax, %eax\n"                      /* +4  region [4, 10) */
"	.byte 0x74, 1f - (. + 1)\n"             /* +6  jz rel8 */
"	.byte 0xeb, 2f - (. + 1)\n"             /* +8  jmp rel8 */
"1:	mov $100, %eax\n ret\n"
"2:	mov $200, %eax\n ret\n"
".size optr_br8, . - optr_br8\n"

".globl optr_br32\n.type optr_br32, @function\n"
"optr_br32:\n"
"	mov 4(%esp), %eax\n"                    /* +0 */
".globl optr_br32_jmp\n"
"optr_br32_jmp:\n"
"	.byte 0xe9\n .long 1f - (. + 4)\n"              /* +4  jmp rel32: region [4, 9) */
"	ud2\n"                                  /* +9  where a jmp not relocated would go */
"1:	test %eax, %eax\n"                      /* +11 */
".globl optr_br32_jz\n"
"optr_br32_jz:\n"
"	.byte 0x0f, 0x84\n .long 2f - (. + 4)\n"        /* +13 jz rel32: region [13, 19) */
"	mov $200, %eax\n ret\n"
"2:	mov $100, %eax\n ret\n"
".size optr_br32, . - optr_br32\n"

/* QEMU takes an interrupt where a translation block starts: after a branch, taken or
 * not. The two jz (never taken: ZF is clear) make P + 2 and P + 4 such places. */
".globl optr_spin\n.type optr_spin, @function\n"
"optr_spin:\n"
"	or $1, %eax\n"                         /* +0  ZF clear */
".globl optr_spin_p\n"
"optr_spin_p:\n"
"	.byte 0x74, 1f - (. + 1)\n"             /* P     jz, not taken: region [P, P + 5) */
"	.byte 0x74, 1f - (. + 1)\n"             /* P + 2 */
"	nop\n"                                  /* P + 4 */
"	cmpl $0, optr_spin_go\n"
"	.byte 0x75, optr_spin_p - (. + 1)\n"    /* jnz P (ZF clear there) */
"1:	ret\n"
".size optr_spin, . - optr_spin\n"

".popsection\n"
".pushsection .rodata\n"
".balign 4\n"
"optr_table:\n"
"	.long optr_ind_even, optr_ind_odd\n"
".popsection\n");

volatile int optr_spin_go;

int optr_pre(struct kprobe *p, struct pt_regs *regs)
{
	struct optr_probe *o = container_of(p, struct optr_probe, kp);

	o->pre++;
	o->eip = regs->eip;
	return 0;
}

void optr_post(struct kprobe *p, struct pt_regs *regs, unsigned long flags)
{
	(void)regs;
	(void)flags;
	container_of(p, struct optr_probe, kp)->post++;
}

void optr_probe_init(struct optr_probe *o, const void *addr)
{
	memset(o, 0, sizeof(*o));
	o->kp.addr = (kprobe_opcode_t *)addr;
	o->kp.pre_handler = optr_pre;
}

u8 optr_byte(const void *addr)
{
	return *(const volatile u8 *)addr;
}

void optr_read(const void *addr, u8 *buf, size_t len)
{
	for (size_t i = 0; i < len; i++)
		buf[i] = optr_byte((const u8 *)addr + i);
}

void optr_text_take(struct ktest *t, const void *addr, struct optr_text *c)
{
	struct kprobe *p;

	KASSERT_TRUE(t, kallsyms_lookup((unsigned long)addr, &c->start, &c->size) != NULL);
	KASSERT_TRUE(t, c->size <= sizeof(c->bytes));
	p = kprobe_in_range(c->start, c->start + c->size);
	if (p)
		ktest_skip(t, "a probe is registered in the function the case probes");
	optr_read((const void *)c->start, c->bytes, c->size);
}

/* Its own frame holds the copy: optr_settle ran from a frame with nothing stale in it. */
static __noinline bool text_same(const struct optr_text *c)
{
	u8 now[sizeof(c->bytes)];

	optr_read((const void *)c->start, now, c->size);
	return !memcmp(c->bytes, now, c->size);
}

bool optr_text_restored(const struct optr_text *c)
{
	optr_settle();
	return text_same(c);
}

unsigned long optr_traps(void)
{
	unsigned long n = 0;

	for (unsigned v = 0; v < X86_NR_HW_TRAPS; v++)
		n += trap_counts[v];
	return n;
}

static __noinline void scrub_dead_stack(void)
{
	volatile u8 dead[1024];

	for (size_t i = 0; i < sizeof(dead); i++)
		dead[i] = 0;
}

void optr_settle(void)
{
	scrub_dead_stack();
	kprobe_optimizer();
}

void optr_need_optimization(struct ktest *t)
{
	if (!kprobes_optimization_enabled())
		ktest_skip(t, "jump optimization is off (kprobes_optimization=0)");
}

static const char *str(const char *s)
{
	return s ? s : "(none)";
}

/* One call through the probe: fn(arg) == want, one more pre handler run, at o's address;
 * traps: true if the hit must take one (int3), false if it must take none (detour). */
static void hit_once(struct ktest *t, const char *file, int line, struct optr_probe *o,
		     optr_fn fn, int arg, int want, bool traps)
{
	int pre = o->pre, got;
	unsigned long before = optr_traps();

	got = fn(arg);
	if (got != want)
		ktest_fail(t, false, file, line, "probed call gave %d, unprobed %d", got, want);
	if (o->pre != pre + 1)
		ktest_fail(t, false, file, line, "pre handler ran %d times, not once",
			   o->pre - pre);
	if (o->eip != (unsigned long)o->kp.addr)
		ktest_fail(t, false, file, line, "regs->eip 0x%lx, not the probe's %p", o->eip,
			   o->kp.addr);
	if ((optr_traps() != before) != traps)
		ktest_fail(t, false, file, line, "the hit took %lu traps, expected %s",
			   optr_traps() - before, traps ? "some" : "none");
}

void optr_check_int3_(struct ktest *t, const char *file, int line, struct optr_probe *o,
		      const char *why, optr_fn fn, int arg, int want)
{
	const char *got = kprobe_opt_refusal(&o->kp);

	if (got != why)
		ktest_fail(t, false, file, line, "refusal \"%s\", expected \"%s\"", str(got),
			   str(why));
	if (kprobe_optimized(&o->kp))
		ktest_fail(t, false, file, line, "optimized, expected an int3 probe");
	if (optr_byte(o->kp.addr) != BREAKPOINT_INSTRUCTION) {
		/* Not called: a jmp put in against a rule may run into anything. */
		ktest_fail(t, false, file, line, "first byte 0x%x, not int3",
			   optr_byte(o->kp.addr));
		return;
	}
	hit_once(t, file, line, o, fn, arg, want, true);
}

void optr_check_jmp_(struct ktest *t, const char *file, int line, struct optr_probe *o,
		     optr_fn fn, int arg, int want)
{
	const char *got = kprobe_opt_refusal(&o->kp);

	if (!kprobe_optimized(&o->kp) || got)
		ktest_fail(t, false, file, line, "not optimized (refusal \"%s\")", str(got));
	if (optr_byte(o->kp.addr) != 0xe9)
		ktest_fail(t, false, file, line, "first byte 0x%x, not jmp rel32",
			   optr_byte(o->kp.addr));
	hit_once(t, file, line, o, fn, arg, want, false);
}

void optr_refused_case_(struct ktest *t, const char *file, int line, const void *addr,
			const char *why, optr_fn fn, int arg)
{
	struct optr_probe o;
	struct optr_text text;
	int want = fn(arg);

	optr_need_optimization(t);
	optr_text_take(t, addr, &text);
	optr_probe_init(&o, addr);
	KASSERT_EQ(t, register_kprobe(&o.kp), 0);
	optr_check_int3_(t, file, line, &o, why, fn, arg, want);
	unregister_kprobe(&o.kp);
	if (!optr_text_restored(&text))
		ktest_fail(t, false, file, line, "text not restored after unregister");
}
