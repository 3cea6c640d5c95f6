// SPDX-License-Identifier: MIT
/*
 * kretprobes (kernel/kretprobe.c): the return value, entry_handler and its data, the real
 * return address, the caller's registers after the return, maxactive and nmissed, the
 * handler's context, the batch, every registration error. Threads, interrupts,
 * unregistering and exiting: test_kretprobes_ctx.c; backtraces: test_kretprobes_stack.c.
 */
#include "kretprobes.h"
#include "errno.h"
#include "irqflags.h"
#include "kallsyms.h"
#include "kprobe_targets.h"
#include "kretprobe_targets.h"
#include "ktest.h"
#include "preempt.h"
#include "sched.h"
#include "string.h"
#include "user_probes.h"

static struct kretprobe rp, rp2;
static volatile int hits, bad, entries;
static unsigned long seen_ret, seen_eip, entry_ret;

static int count_free(const struct kretprobe *r)
{
	int n = 0;

	for (const struct kretprobe_instance *ri = r->free_instances; ri; ri = ri->next)
		n++;
	return n;
}

static bool armed(const void *fn)
{
	return kprobe_armed_at(fn);
}

struct add_args {
	int a, b;
};

static int add_entry(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	unsigned long *sp = &regs->esp;   /* return address, then the arguments */
	struct add_args *d = (struct add_args *)ri->data;

	entries++;
	entry_ret = sp[0];
	d->a = (int)sp[1];
	d->b = (int)sp[2];
	return 0;
}

static int add_ret(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct add_args *d = (struct add_args *)ri->data;

	hits++;
	seen_ret = regs_return_value(regs);
	seen_eip = regs->eip;
	if ((int)seen_ret != d->a + d->b || ri->rp != &rp || ri->task != current ||
	    (unsigned long)ri->ret_addr != regs->eip)
		bad++;
	return 0;
}

/* The handler sees the return value, the entry_handler's data, and the real return
 * address (into krp_caller) in regs->eip; the caller gets the right value back. */
static void return_value_entry_data_and_eip(struct ktest *t)
{
	skip_if_probed(t, krp_add);
	hits = bad = entries = 0;
	rp = (struct kretprobe){ .kp.addr = (kprobe_opcode_t *)krp_add, .handler = add_ret,
				 .entry_handler = add_entry, .data_size = sizeof(struct add_args) };
	KASSERT_EQ(t, register_kretprobe(&rp), 0);
	KEXPECT_EQ(t, count_free(&rp), KRETPROBE_DEFAULT_MAXACTIVE);
	KEXPECT_EQ(t, krp_caller(20, 22), 43);
	KEXPECT_EQ(t, krp_add(-5, 2), -3);
	unregister_kretprobe(&rp);
	KEXPECT_EQ(t, entries, 2);
	KEXPECT_EQ(t, hits, 2);
	KEXPECT_EQ(t, bad, 0);
	KEXPECT_EQ(t, (int)seen_ret, -3);
	KEXPECT_EQ(t, seen_eip, entry_ret);
	KEXPECT_TRUE(t, in_function(seen_eip, "return_value_entry_data_and_eip"));
	KEXPECT_EQ(t, rp.nmissed, 0);
	KEXPECT_FALSE(t, armed(krp_add));
	KEXPECT_EQ(t, krp_add(1, 1), 2);
	KEXPECT_EQ(t, hits, 2);                 /* unregistered: no handler */
}

static int set_ret(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	(void)ri;
	regs->eax = 99;
	return 0;
}

/* The handler may change the return value (regs->eax). */
static void handler_sets_return_value(struct ktest *t)
{
	skip_if_probed(t, krp_add);
	rp = (struct kretprobe){ .kp.symbol_name = "krp_add", .handler = set_ret };
	KASSERT_EQ(t, register_kretprobe(&rp), 0);
	KEXPECT_EQ(t, krp_add(1, 2), 99);
	unregister_kretprobe(&rp);
	KEXPECT_EQ(t, krp_add(1, 2), 3);
}

static int count_ret(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	(void)ri, (void)regs;
	hits++;
	return 0;
}

/* After the return every register, the flags and esp are what the function left (an
 * assembly function: ecx, edx, eax, CF set; ebx, esi, edi untouched). */
static void caller_registers_and_stack_intact(struct ktest *t)
{
	skip_if_probed(t, krp_regs_target);
	unsigned long ebx = 0xb0b0b0b0, esi = 0x5e5e5e5e, edi = 0xd1d1d1d1;
	unsigned long eax, ecx, edx, sp0, sp1;
	u8 cf;

	hits = 0;
	rp = (struct kretprobe){ .kp.addr = (kprobe_opcode_t *)krp_regs_target,
				 .handler = count_ret };
	KASSERT_EQ(t, register_kretprobe(&rp), 0);
	__asm__ volatile("movl %%esp, %[sp0]\n\t"
			 "clc\n\t"
			 "call krp_regs_target\n\t"
			 "setc %[cf]\n\t"
			 "movl %%esp, %[sp1]\n\t"
			 : [sp0] "=m"(sp0), [sp1] "=m"(sp1), [cf] "=m"(cf), "=a"(eax),
			   "=c"(ecx), "=d"(edx), "+b"(ebx), "+S"(esi), "+D"(edi)
			 : : "memory", "cc");
	unregister_kretprobe(&rp);
	KEXPECT_EQ(t, hits, 1);
	KEXPECT_EQ(t, eax, 0x12345678);
	KEXPECT_EQ(t, ecx, 0x11111111);
	KEXPECT_EQ(t, edx, 0x22222222);
	KEXPECT_EQ(t, ebx, 0xb0b0b0b0);
	KEXPECT_EQ(t, esi, 0x5e5e5e5e);
	KEXPECT_EQ(t, edi, 0xd1d1d1d1);
	KEXPECT_EQ(t, cf, 1);
	KEXPECT_EQ(t, sp1, sp0);
}

static int rec_n[8], rec_ret[8], rec_len;

static int rec_entry(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	*(int *)ri->data = (int)(&regs->esp)[1];
	return 0;
}

static int rec_ret_handler(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	if (rec_len < 8) {
		rec_n[rec_len] = *(int *)ri->data;
		rec_ret[rec_len++] = (int)regs_return_value(regs);
	}
	return 0;
}

/* Recursion 6 deep with 3 instances: the 3 outer calls are followed, the 3 inner ones
 * missed (nmissed 3), and each return pairs with its own call's instance (LIFO). */
static void recursion_maxactive_nmissed(struct ktest *t)
{
	skip_if_probed(t, krp_recurse);
	rec_len = 0;
	rp = (struct kretprobe){ .kp.addr = (kprobe_opcode_t *)krp_recurse,
				 .handler = rec_ret_handler, .entry_handler = rec_entry,
				 .maxactive = 3, .data_size = sizeof(int) };
	KASSERT_EQ(t, register_kretprobe(&rp), 0);
	KEXPECT_EQ(t, krp_recurse(5), 15);
	KEXPECT_EQ(t, rp.nmissed, 3);
	KEXPECT_EQ(t, count_free(&rp), 3);
	unregister_kretprobe(&rp);
	KASSERT_EQ(t, rec_len, 3);
	KEXPECT_EQ(t, rec_n[0], 3);
	KEXPECT_EQ(t, rec_ret[0], 6);
	KEXPECT_EQ(t, rec_n[1], 4);
	KEXPECT_EQ(t, rec_ret[1], 10);
	KEXPECT_EQ(t, rec_n[2], 5);
	KEXPECT_EQ(t, rec_ret[2], 15);
}

static int odd_entry(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	(void)ri;
	return (int)(&regs->esp)[1] & 1;        /* decline odd a */
}

/* entry_handler's non-zero skips the call: no handler, no miss, instance back. */
static void entry_handler_declines(struct ktest *t)
{
	skip_if_probed(t, krp_add);
	hits = 0;
	rp = (struct kretprobe){ .kp.addr = (kprobe_opcode_t *)krp_add, .handler = count_ret,
				 .entry_handler = odd_entry, .maxactive = 1 };
	KASSERT_EQ(t, register_kretprobe(&rp), 0);
	for (int a = 0; a < 10; a++)
		KEXPECT_EQ(t, krp_add(a, 1), a + 1);
	KEXPECT_EQ(t, hits, 5);
	KEXPECT_EQ(t, rp.nmissed, 0);
	KEXPECT_EQ(t, count_free(&rp), 1);
	unregister_kretprobe(&rp);
}

static struct kprobe other_kp;
static volatile int other_pre, fault_calls, ctx_bad;

static int other_pre_handler(struct kprobe *p, struct pt_regs *regs)
{
	(void)p, (void)regs;
	other_pre++;
	return 0;
}

static int ctx_fault(struct kprobe *p, struct pt_regs *regs, int trapnr)
{
	(void)p;
	fault_calls++;
	if (trapnr != 14 || kprobe_in_handler != KPROBE_IN_FAULT)
		ctx_bad |= 8;
	regs->eip += 2;                         /* over kp_load's "mov (%eax), %eax" */
	regs->eax = 0x77;
	return 1;
}

static int ctx_ret(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	(void)ri, (void)regs;
	hits++;
	if (!irqs_disabled() || !(preempt_count() & PREEMPT_MASK) || !kprobe_running() ||
	    current_kprobe != &rp.kp || kprobe_in_handler != KPROBE_IN_KRETPROBE)
		ctx_bad |= 1;
	if (krp_caller(1, 2) != 4)              /* a kprobe and our own probe: both missed */
		ctx_bad |= 2;
	if (kp_load(NULL) != 0x77)              /* a fault: offered to rp.kp.fault_handler */
		ctx_bad |= 4;
	return 0;
}

/* The return handler's context, each claim of include/kretprobes.h: IF off, preemption
 * disabled, current_kprobe = &rp->kp; a probe it hits (another kprobe, its own kretprobe)
 * is a miss; a fault in it goes to rp->kp.fault_handler. */
static void handler_context(struct ktest *t)
{
	skip_if_probed(t, krp_add);
	skip_if_probed(t, krp_caller);
	skip_if_probed(t, kp_load);
	hits = other_pre = fault_calls = ctx_bad = 0;
	other_kp = (struct kprobe){ .addr = (kprobe_opcode_t *)krp_caller,
				    .pre_handler = other_pre_handler };
	rp = (struct kretprobe){ .kp.addr = (kprobe_opcode_t *)krp_add, .handler = ctx_ret,
				 .kp.fault_handler = ctx_fault };
	KASSERT_EQ(t, register_kprobe(&other_kp), 0);
	KASSERT_EQ(t, register_kretprobe(&rp), 0);
	KEXPECT_EQ(t, krp_add(2, 3), 5);
	unregister_kretprobe(&rp);
	unregister_kprobe(&other_kp);
	KEXPECT_EQ(t, hits, 1);
	KEXPECT_EQ(t, ctx_bad, 0);
	KEXPECT_EQ(t, fault_calls, 1);
	KEXPECT_EQ(t, other_pre, 0);
	KEXPECT_EQ(t, other_kp.nmissed, 1);
	KEXPECT_EQ(t, rp.kp.nmissed, 1);
	KEXPECT_FALSE(t, kprobe_running());
}

/* Each refused registration: its error, the caller's struct as it was, nothing armed. */
static void registration_errors(struct ktest *t)
{
	skip_if_probed(t, krp_add);
	struct kretprobe before;

#define REFUSED(expr, err)                                                         \
	do {                                                                       \
		before = rp;                                                       \
		KEXPECT_EQ(t, (expr), err);                                        \
		KEXPECT_TRUE(t, !memcmp(&before, &rp, sizeof(rp)));               \
		KEXPECT_FALSE(t, armed(krp_add));                                 \
	} while (0)
	KEXPECT_EQ(t, register_kretprobe(NULL), -EINVAL);
	rp = (struct kretprobe){ .kp.addr = (kprobe_opcode_t *)krp_add + 1, .handler = count_ret };
	REFUSED(register_kretprobe(&rp), -EINVAL);              /* not a function entry */
	rp = (struct kretprobe){ .kp.symbol_name = "krp_add", .kp.offset = 1 };
	REFUSED(register_kretprobe(&rp), -EINVAL);
	rp = (struct kretprobe){ .kp.addr = (kprobe_opcode_t *)krp_add, .data_size = 2048 };
	REFUSED(register_kretprobe(&rp), -EINVAL);              /* too large an instance */
	rp.data_size = (size_t)-1;                              /* "negative" */
	REFUSED(register_kretprobe(&rp), -EINVAL);
	rp = (struct kretprobe){ .kp.addr = (kprobe_opcode_t *)krp_add, .maxactive = 513 };
	REFUSED(register_kretprobe(&rp), -E2BIG);
	rp = (struct kretprobe){ .kp.symbol_name = "no_such_function_krp" };
	REFUSED(register_kretprobe(&rp), -ENOENT);
	rp = (struct kretprobe){ .kp.symbol_name = "krp_add", .kp.addr = (void *)krp_add };
	REFUSED(register_kretprobe(&rp), -EINVAL);              /* both addr and symbol */
	/* Blacklisted: the trampoline's own handler (register_kprobe's -EPERM). */
	rp = (struct kretprobe){ .kp.symbol_name = "kretprobe_trampoline_handler" };
	before = rp;
	KEXPECT_EQ(t, register_kretprobe(&rp), -EPERM);
	KEXPECT_TRUE(t, !memcmp(&before, &rp, sizeof(rp)));
	/* Already registered: -EINVAL, and the live probe keeps its own pool. */
	hits = 0;
	rp = (struct kretprobe){ .kp.addr = (kprobe_opcode_t *)krp_add, .handler = count_ret,
				 .maxactive = 2 };
	KASSERT_EQ(t, register_kretprobe(&rp), 0);
	before = rp;
	KEXPECT_EQ(t, register_kretprobe(&rp), -EINVAL);
	KEXPECT_TRUE(t, !memcmp(&before, &rp, sizeof(rp)));
	KEXPECT_EQ(t, count_free(&rp), 2);
	KEXPECT_EQ(t, krp_add(3, 4), 7);
	KEXPECT_EQ(t, hits, 1);
	unregister_kretprobe(&rp);
	KEXPECT_FALSE(t, armed(krp_add));
	KEXPECT_WARNS(t, 1, unregister_kretprobe(&rp));         /* not registered (now) */
#undef REFUSED
}

/* register_kretprobes: all or nothing (a bad third entry rolls back the first two), and
 * a good batch works and goes away with unregister_kretprobes. */
static void batch_all_or_nothing(struct ktest *t)
{
	static struct kretprobe bad3;
	struct kretprobe *rps[3] = { &rp, &rp2, &bad3 };

	skip_if_probed(t, krp_add);
	skip_if_probed(t, krp_recurse);
	hits = 0;
	rp = (struct kretprobe){ .kp.addr = (kprobe_opcode_t *)krp_add, .handler = count_ret };
	rp2 = (struct kretprobe){ .kp.addr = (kprobe_opcode_t *)krp_recurse,
				  .handler = count_ret };
	bad3 = (struct kretprobe){ .kp.symbol_name = "no_such_function_krp" };
	KEXPECT_EQ(t, register_kretprobes(rps, 3), -ENOENT);
	KEXPECT_FALSE(t, armed(krp_add));
	KEXPECT_FALSE(t, armed(krp_recurse));
	KEXPECT_TRUE(t, rp.instances == NULL && rp2.instances == NULL);
	KEXPECT_EQ(t, krp_add(1, 2) + krp_recurse(2), 6);
	KEXPECT_EQ(t, hits, 0);
	KEXPECT_EQ(t, register_kretprobes(rps, 0), -EINVAL);
	KEXPECT_EQ(t, register_kretprobes(rps, 2), 0);
	KEXPECT_EQ(t, krp_add(1, 2) + krp_recurse(2), 6);
	KEXPECT_EQ(t, hits, 1 + 3);
	unregister_kretprobes(rps, 2);
	KEXPECT_FALSE(t, armed(krp_add));
	KEXPECT_FALSE(t, armed(krp_recurse));
}

static const struct ktest_case kretprobe_cases[] = {
	KTEST_CASE(return_value_entry_data_and_eip),
	KTEST_CASE(handler_sets_return_value),
	KTEST_CASE(caller_registers_and_stack_intact),
	KTEST_CASE(recursion_maxactive_nmissed),
	KTEST_CASE(entry_handler_declines),
	KTEST_CASE(handler_context),
	KTEST_CASE(registration_errors),
	KTEST_CASE(batch_all_or_nothing),
	KTEST_END,
};
KTEST_SUITE(kretprobe_suite, "kretprobes", kretprobe_cases);
