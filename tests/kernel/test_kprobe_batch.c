// SPDX-License-Identifier: MIT
/*
 * Batches (kernel/kprobe_batch.c): register_kprobes and register_jprobes register all
 * or nothing. On a bad entry the call returns that entry's error, every entry before it
 * is unregistered again with its struct exactly as the caller left it (symbol_name and
 * offset too, which registration consumes), and the text is unchanged.
 */
#include "errno.h"
#include "jprobes.h"
#include "kprobes.h"
#include "ktest.h"
#include "string.h"
#include "user_probes.h"

__noipa int batch_t1(int a)
{
	return a + 1;
}

__noipa int batch_t2(int a)
{
	return a * 3;
}

__noipa int batch_t3(int a, int b)
{
	return a - b;
}

static const void *const targets[] = { batch_t1, batch_t2, batch_t3 };
#define NT 3

static unsigned hits[NT];

static int count_hit(struct kprobe *p, struct pt_regs *r)
{
	(void)r;
	for (unsigned i = 0; i < NT; i++)
		hits[i] += p->addr == (kprobe_opcode_t *)targets[i];
	return 0;
}

static struct kprobe k1, k2, k3, k1b, bad;
static struct kprobe saved[5];
static struct kprobe *const all[] = { &k1, &k2, &k3, &k1b, &bad };
static u8 orig[NT];

static void setup(struct ktest *t)
{
	for (unsigned i = 0; i < NT; i++) {
		skip_if_probed(t, targets[i]);
		orig[i] = *(const u8 *)targets[i];
	}
	memset(hits, 0, sizeof(hits));
	k1 = (struct kprobe){ .symbol_name = "batch_t1", .pre_handler = count_hit };
	k2 = (struct kprobe){ .addr = (kprobe_opcode_t *)batch_t2, .pre_handler = count_hit };
	k3 = (struct kprobe){ .symbol_name = "batch_t3", .offset = 0, .pre_handler = count_hit,
			      .nmissed = 77 };
	k1b = (struct kprobe){ .addr = (kprobe_opcode_t *)batch_t1, .pre_handler = count_hit };
	for (unsigned i = 0; i < 5; i++)
		saved[i] = *all[i];
}

/* Nothing armed, nothing in the table, every struct as the caller left it. */
static void expect_untouched(struct ktest *t, const char *what)
{
	for (unsigned i = 0; i < NT; i++) {
		if (*(const u8 *)targets[i] != orig[i] || get_kprobe((void *)targets[i]))
			ktest_fail(t, false, __FILE__, __LINE__, "%s: target %u still probed",
				   what, i);
	}
	for (unsigned i = 0; i < 5; i++)
		if (memcmp(&saved[i], all[i], sizeof(struct kprobe)))
			ktest_fail(t, false, __FILE__, __LINE__, "%s: struct %u changed", what, i);
}

static void all_registered_and_armed(struct ktest *t)
{
	struct kprobe *kps[] = { &k1, &k2, &k3, &k1b };

	setup(t);
	KASSERT_EQ(t, register_kprobes(kps, 4), 0);
	for (unsigned i = 0; i < NT; i++)
		KEXPECT_TRUE(t, kprobe_armed_at(targets[i]));
	KEXPECT_TRUE(t, k1.addr == (kprobe_opcode_t *)batch_t1 && !k1.symbol_name);
	KEXPECT_EQ(t, batch_t1(1) + batch_t2(2) + batch_t3(5, 2), 2 + 6 + 3);
	KEXPECT_EQ(t, hits[0], 2);              /* k1 and k1b share batch_t1 */
	KEXPECT_EQ(t, hits[1], 1);
	KEXPECT_EQ(t, hits[2], 1);
	unregister_kprobes(kps, 4);
	for (unsigned i = 0; i < NT; i++) {
		KEXPECT_EQ(t, *(const u8 *)targets[i], orig[i]);
		KEXPECT_TRUE(t, get_kprobe((void *)targets[i]) == NULL);
	}
	batch_t1(1);
	KEXPECT_EQ(t, hits[0], 2);
}

/* A bad entry after good ones: its error, and everything as before the call. */
static void expect_batch_refused(struct ktest *t, struct kprobe **kps, int n, int err,
				 const char *what)
{
	int ret = register_kprobes(kps, n);

	if (ret != err)
		ktest_fail(t, false, __FILE__, __LINE__, "%s: got %d (%s), want %d (%s)", what,
			   ret, errno_name(ret), err, errno_name(err));
	if (ret == 0)
		unregister_kprobes(kps, n);
	expect_untouched(t, what);
}

static void bad_entry_unregisters_the_rest(struct ktest *t)
{
	setup(t);
	struct kprobe *with_null[] = { &k1, &k2, NULL, &k3 };
	expect_batch_refused(t, with_null, 4, -EINVAL, "NULL entry");
	struct kprobe *dup[] = { &k1, &k2, &k1b, &k2, &k3 };
	expect_batch_refused(t, dup, 5, -EINVAL, "the same struct twice");
	bad = (struct kprobe){ .addr = (kprobe_opcode_t *)((unsigned long)batch_t3 + 2) };
	saved[4] = bad;
	struct kprobe *mid[] = { &k1, &k2, &k1b, &bad, &k3 };
	expect_batch_refused(t, mid, 5, -EILSEQ, "mid-instruction address");
	bad = (struct kprobe){ .symbol_name = "no_such_symbol" };
	saved[4] = bad;
	struct kprobe *unknown[] = { &k3, &k1, &bad };
	expect_batch_refused(t, unknown, 3, -ENOENT, "unknown symbol");
	bad = (struct kprobe){ .symbol_name = "do_trap" };
	saved[4] = bad;
	struct kprobe *black[] = { &k2, &bad };
	expect_batch_refused(t, black, 2, -EPERM, "blacklisted");
	/* The whole call is refused up front. */
	KEXPECT_EQ(t, register_kprobes(NULL, 1), -EINVAL);
	KEXPECT_EQ(t, register_kprobes(with_null, 0), -EINVAL);
	KEXPECT_EQ(t, register_kprobes(with_null, -1), -EINVAL);
	expect_untouched(t, "bad arguments");
}

/* A refused batch that joined a probe of someone else's: that probe is as it was, alone
 * in the table and armed. */
static void refused_batch_leaves_other_probes(struct ktest *t)
{
	static struct kprobe other;

	setup(t);
	other = (struct kprobe){ .addr = (kprobe_opcode_t *)batch_t2, .pre_handler = count_hit };
	KASSERT_EQ(t, register_kprobe(&other), 0);
	bad = (struct kprobe){ .symbol_name = "no_such_symbol" };
	saved[4] = bad;
	struct kprobe *kps[] = { &k1, &k2, &bad };
	KEXPECT_EQ(t, register_kprobes(kps, 3), -ENOENT);
	KEXPECT_TRUE(t, get_kprobe((void *)batch_t2) == &other);
	KEXPECT_TRUE(t, kprobe_armed_at(batch_t2));
	batch_t2(1);
	KEXPECT_EQ(t, hits[1], 1);
	unregister_kprobe(&other);
	expect_untouched(t, "beside another probe");
}

static unsigned jhits;

static int j_t1(int a)
{
	(void)a;
	jhits++;
	jprobe_return();
	return 0;
}

static int j_t3(int a, int b)
{
	jhits += (unsigned)(a - b) * 100;
	jprobe_return();
	return 0;
}

static void jprobe_batch(struct ktest *t)
{
	struct jprobe j1 = { .kp.symbol_name = "batch_t1", .entry = j_t1 };
	struct jprobe j3 = { .kp.addr = (kprobe_opcode_t *)batch_t3, .entry = j_t3 };
	struct jprobe j1b = { .kp.symbol_name = "batch_t1", .entry = j_t1 };
	struct jprobe jmid = { .kp.addr = (kprobe_opcode_t *)((unsigned long)batch_t2 + 1),
			       .entry = j_t1 };
	struct jprobe s1 = j1, s3 = j3;

	setup(t);
	jhits = 0;
	struct jprobe *ok[] = { &j1, &j3 };
	KASSERT_EQ(t, register_jprobes(ok, 2), 0);
	KEXPECT_EQ(t, batch_t1(4) + batch_t3(9, 7), 5 + 2);
	KEXPECT_EQ(t, jhits, 201);
	unregister_jprobes(ok, 2);
	KEXPECT_EQ(t, *(const u8 *)batch_t1, orig[0]);
	KEXPECT_EQ(t, *(const u8 *)batch_t3, orig[2]);
	/* A second jprobe on one function: -EEXIST, the first one unregistered again. */
	j1 = s1;
	j3 = s3;
	struct jprobe *two[] = { &j3, &j1, &j1b };
	KEXPECT_EQ(t, register_jprobes(two, 3), -EEXIST);
	KEXPECT_EQ(t, memcmp(&j1, &s1, sizeof(j1)), 0);
	KEXPECT_EQ(t, memcmp(&j3, &s3, sizeof(j3)), 0);
	/* Not a function entry: -EINVAL. */
	struct jprobe *mid[] = { &j1, &jmid };
	KEXPECT_EQ(t, register_jprobes(mid, 2), -EINVAL);
	KEXPECT_EQ(t, memcmp(&j1, &s1, sizeof(j1)), 0);
	KEXPECT_EQ(t, register_jprobes(NULL, 2), -EINVAL);
	KEXPECT_EQ(t, register_jprobes(ok, 0), -EINVAL);
	expect_untouched(t, "jprobe batches");
	jhits = 0;
	batch_t1(1);
	KEXPECT_EQ(t, jhits, 0);
}

static const struct ktest_case batch_cases[] = {
	KTEST_CASE(all_registered_and_armed),
	KTEST_CASE(bad_entry_unregisters_the_rest),
	KTEST_CASE(refused_batch_leaves_other_probes),
	KTEST_CASE(jprobe_batch),
	KTEST_END,
};
KTEST_SUITE(kprobe_batch_suite, "kprobe_batch", batch_cases);
