// SPDX-License-Identifier: MIT
/*
 * kretprobes: what registration refuses and what it gives back (kernel/kretprobe.c).
 * A callee-pops function (ret $N) is refused; a refused batch puts every struct back
 * byte for byte and unregister_kretprobes passes over NULL entries, as the kprobe batch
 * does; and the instances a dying thread holds in the function it dies in (schedule:
 * kthread_exit's last call) go back to the pool once its stack is done with.
 */
#include "kretprobes.h"
#include "errno.h"
#include "irqflags.h"
#include "kallsyms.h"
#include "kretprobe_targets.h"
#include "probe_point.h"
#include "ktest.h"
#include "sched.h"
#include "string.h"
#include "user_probes.h"

void corpus_helper_ret4(void);         /* tests/kernel/kprobe_corpus_asm.c: ret $4 */

static struct kretprobe rp, rp2, rp3;
static struct kprobe ret_kp;
static volatile int hits, bad;

static bool armed(const void *fn)
{
	return kprobe_armed_at(fn);
}

static int count_ret(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	hits++;
	if (regs->eip != (unsigned long)ri->ret_addr ||
	    regs->eip == (unsigned long)kretprobe_trampoline)
		bad++;
	return 0;
}

static int dummy_post_called;

static void dummy_post(struct kprobe *p, struct pt_regs *regs, unsigned long flags)
{
	(void)p, (void)regs, (void)flags;
	dummy_post_called++;
}

/* A callee-pops function: its ret $N would leave esp N bytes past the slot the
 * trampoline looks its instance up by. Refused with -EOPNOTSUPP, the struct as it was,
 * nothing armed and no pool kept: an asm one (corpus_helper_ret4, ret $4) and a C one
 * (stdcall krp_stdcall, ret $8), by address and by name. */
static void callee_pops_refused(struct ktest *t)
{
	struct kretprobe before;
	const void *fns[] = { corpus_helper_ret4, krp_stdcall };

	for (unsigned i = 0; i < ARRAY_SIZE(fns); i++) {
		skip_if_probed(t, fns[i]);
		rp = (struct kretprobe){ .kp.addr = (kprobe_opcode_t *)fns[i],
					 .handler = count_ret, .nmissed = 3 };
		before = rp;
		int ret = register_kretprobe(&rp);
		if (!ret)               /* accepted: take it down before anything calls it */
			unregister_kretprobe(&rp);
		KEXPECT_EQ(t, ret, -EOPNOTSUPP);
		KEXPECT_TRUE(t, !memcmp(&before, &rp, sizeof(rp)));
		KEXPECT_FALSE(t, armed(fns[i]));
	}
	rp = (struct kretprobe){ .kp.symbol_name = "krp_stdcall", .handler = count_ret };
	before = rp;
	int ret = register_kretprobe(&rp);
	if (!ret)
		unregister_kretprobe(&rp);
	KEXPECT_EQ(t, ret, -EOPNOTSUPP);
	KEXPECT_TRUE(t, !memcmp(&before, &rp, sizeof(rp)));
	/* A kprobe's int3 on the ret $4 itself (its last 3 bytes) hides it from a decoder
	 * that reads the text as it is: the check reads it as it was. */
	unsigned long start, size;

	KASSERT_TRUE(t, kallsyms_lookup((unsigned long)corpus_helper_ret4, &start, &size));
	ret_kp = (struct kprobe){ .addr = (kprobe_opcode_t *)(start + size - 3) };
	KASSERT_EQ(t, register_kprobe(&ret_kp), 0);
	rp = (struct kretprobe){ .kp.addr = (kprobe_opcode_t *)corpus_helper_ret4,
				 .handler = count_ret };
	ret = register_kretprobe(&rp);
	if (!ret)
		unregister_kretprobe(&rp);
	unregister_kprobe(&ret_kp);
	KEXPECT_EQ(t, ret, -EOPNOTSUPP);
	/* Its caller is an ordinary function (ret): fine. */
	skip_if_probed(t, krp_stdcall_caller);
	hits = bad = 0;
	rp = (struct kretprobe){ .kp.addr = (kprobe_opcode_t *)krp_stdcall_caller,
				 .handler = count_ret };
	KASSERT_EQ(t, register_kretprobe(&rp), 0);
	KEXPECT_EQ(t, krp_stdcall_caller(3), 7);
	unregister_kretprobe(&rp);
	KEXPECT_EQ(t, hits, 1);
	KEXPECT_EQ(t, bad, 0);
}

/* A refused batch: every struct it had registered goes back byte for byte (addr,
 * symbol_name, offset, kp's handlers, nmissed, the pool fields), for a bad name, a NULL
 * entry and a callee-pops function in third place; nothing stays armed. */
static void batch_rollback_byte_for_byte(struct ktest *t)
{
	static struct kretprobe bad3;
	struct kretprobe *rps[3] = { &rp, &rp2, &bad3 };
	struct kretprobe c1, c2, c3;
	struct {
		struct kretprobe *third;
		struct kretprobe bad;
		int err;
	} cases[] = {
		{ &bad3, { .kp.symbol_name = "no_such_function_krp" }, -ENOENT },
		{ NULL, { .kp.symbol_name = "krp_f" }, -EINVAL },
		{ &bad3, { .kp.addr = (kprobe_opcode_t *)krp_stdcall }, -EOPNOTSUPP },
	};

	skip_if_probed(t, krp_add);
	skip_if_probed(t, krp_recurse);
	skip_if_probed(t, krp_stdcall);
	for (unsigned i = 0; i < ARRAY_SIZE(cases); i++) {
		hits = dummy_post_called = 0;
		rp = (struct kretprobe){ .kp.symbol_name = "krp_add",
					 .kp.post_handler = dummy_post, .handler = count_ret,
					 .maxactive = 3, .nmissed = 5 };
		rp2 = (struct kretprobe){ .kp.symbol_name = "krp_recurse", .kp.offset = 0,
					  .handler = count_ret, .nmissed = 7 };
		bad3 = cases[i].bad;
		rps[2] = cases[i].third;
		c1 = rp, c2 = rp2, c3 = bad3;
		int ret = register_kretprobes(rps, 3);
		if (!ret)
			unregister_kretprobes(rps, 3);
		KEXPECT_EQ(t, ret, cases[i].err);
		KEXPECT_TRUE(t, !memcmp(&c1, &rp, sizeof(rp)));
		KEXPECT_TRUE(t, !memcmp(&c2, &rp2, sizeof(rp2)));
		KEXPECT_TRUE(t, !memcmp(&c3, &bad3, sizeof(bad3)));
		KEXPECT_FALSE(t, armed(krp_add));
		KEXPECT_FALSE(t, armed(krp_recurse));
		KEXPECT_FALSE(t, armed(krp_stdcall));
		KEXPECT_EQ(t, krp_add(1, 2) + krp_recurse(2), 6);
		KEXPECT_EQ(t, hits, 0);
		KEXPECT_EQ(t, dummy_post_called, 0);
	}
}

/* unregister_kretprobes passes over a NULL array and NULL entries without a warning, as
 * unregister_kprobes does, and unregisters the others. */
static void unregister_batch_null_entries(struct ktest *t)
{
	struct kretprobe *rps[2] = { &rp, &rp2 };
	struct kretprobe *with_null[3] = { &rp, NULL, &rp2 };

	skip_if_probed(t, krp_add);
	skip_if_probed(t, krp_recurse);
	rp = (struct kretprobe){ .kp.addr = (kprobe_opcode_t *)krp_add, .handler = count_ret };
	rp2 = (struct kretprobe){ .kp.addr = (kprobe_opcode_t *)krp_recurse,
				  .handler = count_ret };
	KASSERT_EQ(t, register_kretprobes(rps, 2), 0);
	KEXPECT_TRUE(t, armed(krp_add) && armed(krp_recurse));
	KEXPECT_WARNS(t, 0, unregister_kretprobes(with_null, 3));
	KEXPECT_FALSE(t, armed(krp_add));
	KEXPECT_FALSE(t, armed(krp_recurse));
	KEXPECT_TRUE(t, rp.instances == NULL && rp2.instances == NULL);
	KEXPECT_WARNS(t, 0, unregister_kretprobes(NULL, 3));
}

struct held {
	const struct kretprobe *rp;
	int n;
};

static void count_held(struct task_struct *tsk, void *data)
{
	struct held *h = data;

	for (struct kretprobe_instance *ri = tsk->kretprobe_instances; ri; ri = ri->next)
		h->n += ri->rp == h->rp;
}

/* rp's instances that are free, plus those live threads hold: all of them, if none is
 * lost. Counted with interrupts off, so no call moves one in between. */
static int pool_accounted(const struct kretprobe *r)
{
	struct held h = { r, 0 };
	unsigned long flags;

	local_irq_save(flags);
	for (const struct kretprobe_instance *ri = r->free_instances; ri; ri = ri->next)
		h.n++;
	for_each_thread(count_held, &h);
	local_irq_restore(flags);
	return h.n;
}

static int sleep_then_exit(void *arg)
{
	for (int i = 0; i < 3; i++)
		schedule_timeout(1);
	return (int)(unsigned long)arg;
}

#define EXIT_POOL    8
#define EXIT_ROUNDS  3
#define EXIT_THREADS 4

/* A kretprobe on schedule while threads sleep and exit: each dying thread is inside
 * schedule (kthread_exit's last call, which never returns) when it leaves; that instance
 * must come back once the thread is switched away from for good. 12 exits on a pool of 8:
 * the pool is whole afterwards, no call was missed, every return saw its real address. */
static void schedule_probe_threads_exit(struct ktest *t)
{
	struct task_struct *th[EXIT_THREADS];
	int sum = 0;

	skip_if_probed(t, schedule);
	hits = bad = 0;
	rp3 = (struct kretprobe){ .kp.addr = (kprobe_opcode_t *)schedule, .handler = count_ret,
				  .maxactive = EXIT_POOL };
	KASSERT_EQ(t, register_kretprobe(&rp3), 0);
	for (int r = 0; r < EXIT_ROUNDS; r++) {
		for (int i = 0; i < EXIT_THREADS; i++)
			th[i] = kthread_run(sleep_then_exit, (void *)(unsigned long)(i + 1),
					    "krp-exit");
		for (int i = 0; i < EXIT_THREADS; i++)
			sum += th[i] ? kthread_join(th[i]) : 100;
	}
	int accounted = pool_accounted(&rp3);
	int missed = rp3.nmissed;

	unregister_kretprobe(&rp3);
	KEXPECT_EQ(t, sum, EXIT_ROUNDS * (1 + 2 + 3 + 4));
	KEXPECT_EQ(t, accounted, EXIT_POOL);
	KEXPECT_EQ(t, missed, 0);
	KEXPECT_GE(t, hits, EXIT_ROUNDS * EXIT_THREADS * 3);
	KEXPECT_EQ(t, bad, 0);
}

static struct task_struct *fresh;

/* Wakes the thread that has not run yet, then exits: that new thread is what the
 * scheduler switches to from this dead one (its first code, kthread_start, is where the
 * dead thread's instances go back then). */
static int wake_fresh_then_exit(void *arg)
{
	(void)arg;
	wake_up_process(fresh);
	return 5;
}

static int fresh_fn(void *arg)
{
	(void)arg;
	return 6;
}

/* A dying thread (inside kretprobed schedule) switched to a thread that has never run:
 * its instance comes back there too. 8 such exits on a pool of 4: the pool is whole. */
static void exit_into_new_thread(struct ktest *t)
{
	int sum = 0;

	skip_if_probed(t, schedule);
	hits = bad = 0;
	rp3 = (struct kretprobe){ .kp.addr = (kprobe_opcode_t *)schedule, .handler = count_ret,
				  .maxactive = 4 };
	KASSERT_EQ(t, register_kretprobe(&rp3), 0);
	for (int i = 0; i < 8; i++) {
		fresh = kthread_create(fresh_fn, NULL, "krp-fresh");
		struct task_struct *waker = kthread_run(wake_fresh_then_exit, NULL, "krp-waker");

		if (!fresh || !waker) {
			unregister_kretprobe(&rp3);
			KASSERT_TRUE(t, fresh && waker);
		}
		sum += kthread_join(waker);     /* queued behind fresh: fresh runs first */
		sum += kthread_join(fresh);
	}
	int accounted = pool_accounted(&rp3);
	int missed = rp3.nmissed;

	unregister_kretprobe(&rp3);
	KEXPECT_EQ(t, sum, 8 * 11);
	KEXPECT_EQ(t, accounted, 4);
	KEXPECT_EQ(t, missed, 0);
	KEXPECT_EQ(t, bad, 0);
}

static int undecodable;
static unsigned long first_undecodable;

static int decode_one(const char *name, unsigned long addr, unsigned long size, void *data)
{
	(void)name, (void)data;
	if (size && kallsyms_is_function_entry(addr) &&
	    probe_point_locate(addr + size - 1, kprobe_recover_text, NULL, NULL, NULL) < 0) {
		if (!undecodable++)
			first_undecodable = addr;
	}
	return 0;
}

/* The check decodes a whole function and refuses one it cannot read (-EILSEQ): no
 * function in the image is refused for that. */
static void every_function_decodes(struct ktest *t)
{
	undecodable = 0;
	kallsyms_for_each(decode_one, NULL);
	if (undecodable) {
		char buf[KSYM_NAME_LEN + 32];

		sprint_symbol(buf, sizeof(buf), first_undecodable);
		ktest_info(t, "first undecodable: %s", buf);
	}
	KEXPECT_EQ(t, undecodable, 0);
}

static const struct ktest_case kretprobe_reg_cases[] = {
	KTEST_CASE(callee_pops_refused),
	KTEST_CASE(batch_rollback_byte_for_byte),
	KTEST_CASE(unregister_batch_null_entries),
	KTEST_CASE(schedule_probe_threads_exit),
	KTEST_CASE(exit_into_new_thread),
	KTEST_CASE(every_function_decodes),
	KTEST_END,
};
KTEST_SUITE(kretprobe_reg_suite, "kretprobes_reg", kretprobe_reg_cases);
