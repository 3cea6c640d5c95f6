// SPDX-License-Identifier: MIT
/*
 * A name two static functions share (tests/kernel/dup_targets.h): both in the table,
 * NAME@N picks one, and a probe by that name is refused with -EADDRNOTAVAIL and changes
 * nothing -- it used to land silently on the first -- while a probe by address works on
 * each (include/kallsyms.h, include/kprobes.h).
 */
#include "dup_targets.h"
#include "errno.h"
#include "jprobes.h"
#include "kallsyms.h"
#include "kprobes.h"
#include "ktest.h"
#include "string.h"
#include "text_poke.h"
#include "user_probes.h"

/* The two dup_targets in address order: [0] is dup_target@1. */
static unsigned long dups[2];

static void find_dups(void)
{
	unsigned long a = dup_target_a_addr(), b = dup_target_b_addr();

	dups[0] = a < b ? a : b;
	dups[1] = a < b ? b : a;
}

static void both_in_the_table(struct ktest *t)
{
	unsigned long addr = 0, size;
	unsigned count;
	const char *file;

	find_dups();
	KASSERT_NE(t, dups[0], dups[1]);
	KEXPECT_EQ(t, kallsyms_count_name("dup_target"), 2);
	KEXPECT_EQ(t, kallsyms_lookup_name_nth("dup_target", 1), dups[0]);
	KEXPECT_EQ(t, kallsyms_lookup_name_nth("dup_target", 2), dups[1]);
	KEXPECT_EQ(t, kallsyms_lookup_name_nth("dup_target", 3), 0);
	KEXPECT_EQ(t, kallsyms_lookup_name_nth("dup_target", 0), 0);
	/* The plain lookup keeps Linux's meaning: the first; only probes refuse. */
	KEXPECT_EQ(t, kallsyms_lookup_name("dup_target"), dups[0]);
	KEXPECT_EQ(t, kallsyms_lookup_unique("dup_target", &addr), -EADDRNOTAVAIL);
	KEXPECT_EQ(t, addr, 0);
	KEXPECT_EQ(t, kallsyms_lookup_unique("no_such_function", &addr), -ENOENT);
	KEXPECT_EQ(t, kallsyms_lookup_unique("dup_target_a", &addr), 0);
	KEXPECT_EQ(t, addr, (unsigned long)dup_target_a);
	for (int i = 0; i < 2; i++) {
		KEXPECT_STREQ(t, kallsyms_lookup(dups[i], NULL, &size), "dup_target");
		KEXPECT_EQ(t, kallsyms_name_rank(dups[i], &count, &file), (unsigned)i + 1);
		KEXPECT_EQ(t, count, 2);
		KASSERT_TRUE(t, file != NULL);
		KEXPECT_STREQ(t, file, dups[i] == dup_target_a_addr() ? "dup_target_a.c"
								    : "dup_target_b.c");
	}
	KEXPECT_EQ(t, kallsyms_name_rank((unsigned long)dup_target_a, &count, &file), 1);
	KEXPECT_EQ(t, count, 1);
	KEXPECT_TRUE(t, file == NULL);
	KEXPECT_EQ(t, kallsyms_name_rank(dups[0] + 1, &count, &file), 0);
}

struct files_walk {
	unsigned listed, wrong;
	char first_wrong[KSYM_NAME_LEN];
};

static int check_listed(const char *name, unsigned long addr, unsigned long size, void *data)
{
	struct files_walk *w = data;
	bool shared = kallsyms_count_name(name) > 1, listed = false;

	(void)size;
	for (unsigned i = 0; i < kallsyms_num_files; i++)
		listed |= kallsyms_files[i].addr == addr;
	w->listed += listed;
	if (shared != listed && !w->wrong++)
		strlcpy(w->first_wrong, name, sizeof(w->first_wrong));
	return 0;
}

/* kallsyms_name_rank trusts it: a shared name is in kallsyms_files, a unique one not. */
static void files_table_lists_exactly_the_shared_names(struct ktest *t)
{
	struct files_walk w = { 0, 0, "" };

	kallsyms_for_each(check_listed, &w);
	KEXPECT_EQ(t, w.wrong, 0);
	KEXPECT_STREQ(t, w.first_wrong, "");
	KEXPECT_EQ(t, w.listed, kallsyms_num_files);
	KEXPECT_GE(t, kallsyms_num_files, 2);
	for (unsigned i = 1; i < kallsyms_num_files; i++)
		KEXPECT_LT(t, kallsyms_files[i - 1].addr, kallsyms_files[i].addr);
}

static void parse_name_at_n(struct ktest *t)
{
	unsigned long a = 0;

	find_dups();
	KEXPECT_EQ(t, kallsyms_parse("dup_target", &a), -EADDRNOTAVAIL);
	KEXPECT_EQ(t, kallsyms_parse("dup_target+1", &a), -EADDRNOTAVAIL);
	KEXPECT_EQ(t, kallsyms_parse("dup_target@1", &a), 0);
	KEXPECT_EQ(t, a, dups[0]);
	KEXPECT_EQ(t, kallsyms_parse("dup_target@2+1", &a), 0);
	KEXPECT_EQ(t, a, dups[1] + 1);
	KEXPECT_EQ(t, kallsyms_parse("dup_target@0x2", &a), 0);
	KEXPECT_EQ(t, a, dups[1]);
	KEXPECT_EQ(t, kallsyms_parse("dup_target@3", &a), -ENOENT);
	KEXPECT_EQ(t, kallsyms_parse("dup_target@0", &a), -EINVAL);
	KEXPECT_EQ(t, kallsyms_parse("dup_target@", &a), -EINVAL);
	KEXPECT_EQ(t, kallsyms_parse("dup_target@x", &a), -EINVAL);
	KEXPECT_EQ(t, kallsyms_parse("@1", &a), -EINVAL);
	KEXPECT_EQ(t, kallsyms_parse("dup_target_a@1", &a), 0);   /* unique: @1 is it */
	KEXPECT_EQ(t, a, (unsigned long)dup_target_a);
	KEXPECT_EQ(t, kallsyms_parse("dup_target_a@2", &a), -ENOENT);
	KEXPECT_EQ(t, kallsyms_parse("dup_target@1+0x1000", &a), -EINVAL);
}

static int hits[2];

static int pre_dup(struct kprobe *p, struct pt_regs *regs)
{
	(void)regs;
	hits[(unsigned long)p->addr == dups[1]]++;
	return 0;
}

static int j_dup(int x)
{
	(void)x;
	hits[kprobe_running() && (unsigned long)current_kprobe->addr == dups[1]]++;
	jprobe_return();
}

/* The bytes of both dup_targets as they are now (int3s of the user's probes included). */
static void snapshot(u8 (*code)[8])
{
	for (int i = 0; i < 2; i++)
		memcpy(code[i], (const void *)dups[i], sizeof(code[i]));
}

static void ambiguous_name_refused(struct ktest *t)
{
	struct kprobe kp = { .symbol_name = "dup_target", .pre_handler = pre_dup };
	struct jprobe jp = { .kp.symbol_name = "dup_target", .entry = j_dup };
	unsigned long pokes = text_poke_count;
	u8 before[2][8], after[2][8];

	find_dups();
	snapshot(before);
	KEXPECT_EQ(t, register_kprobe(&kp), -EADDRNOTAVAIL);
	if (kp.addr)            /* accepted by mistake: kp lives on this stack frame */
		unregister_kprobe(&kp);
	kp = (struct kprobe){ .symbol_name = "dup_target", .offset = 1 };
	KEXPECT_EQ(t, register_kprobe(&kp), -EADDRNOTAVAIL);
	if (kp.addr)
		unregister_kprobe(&kp);
	KEXPECT_EQ(t, register_jprobe(&jp), -EADDRNOTAVAIL);
	if (jp.kp.addr)
		unregister_jprobe(&jp);
	KEXPECT_EQ(t, text_poke_count, pokes);
	snapshot(after);
	KEXPECT_EQ(t, memcmp(before, after, sizeof(before)), 0);
	KEXPECT_TRUE(t, kp.symbol_name != NULL);     /* nothing consumed */
	KEXPECT_TRUE(t, jp.kp.addr == NULL);
	hits[0] = hits[1] = 0;
	KEXPECT_EQ(t, dup_target_a(4) + dup_target_b(4), 5 + 12);
	KEXPECT_EQ(t, hits[0] + hits[1], 0);
}

/* Each one by its address: a kprobe, then a jprobe; only its own calls hit it. */
static void each_by_address(struct ktest *t)
{
	find_dups();
	skip_if_probed(t, (void *)dups[0]);
	skip_if_probed(t, (void *)dups[1]);
	for (int i = 0; i < 2; i++) {
		struct kprobe kp = { .addr = (kprobe_opcode_t *)dups[i], .pre_handler = pre_dup };
		struct jprobe jp = { .kp.addr = (kprobe_opcode_t *)dups[i], .entry = j_dup };
		bool a = dups[i] == dup_target_a_addr();

		hits[0] = hits[1] = 0;
		KASSERT_EQ(t, register_kprobe(&kp), 0);
		KEXPECT_TRUE(t, kprobe_armed_at((const void *)dups[i]));
		KEXPECT_FALSE(t, kprobe_armed_at((const void *)dups[1 - i]));
		KEXPECT_EQ(t, dup_target_a(4) + dup_target_b(4), 5 + 12);
		KEXPECT_EQ(t, (a ? dup_target_a(1) : dup_target_b(1)), a ? 2 : 3);
		unregister_kprobe(&kp);
		KEXPECT_EQ(t, hits[i], 2);
		KEXPECT_EQ(t, hits[1 - i], 0);

		hits[0] = hits[1] = 0;
		KASSERT_EQ(t, register_jprobe(&jp), 0);
		KEXPECT_EQ(t, dup_target_a(4) + dup_target_b(4), 5 + 12);
		unregister_jprobe(&jp);
		KEXPECT_EQ(t, hits[i], 1);
		KEXPECT_EQ(t, hits[1 - i], 0);
		KEXPECT_FALSE(t, kprobe_armed_at((const void *)dups[i]));
	}
}

static const struct ktest_case kallsyms_dups_cases[] = {
	KTEST_CASE(both_in_the_table),
	KTEST_CASE(files_table_lists_exactly_the_shared_names),
	KTEST_CASE(parse_name_at_n),
	KTEST_CASE(ambiguous_name_refused),
	KTEST_CASE(each_by_address),
	KTEST_END,
};
KTEST_SUITE(kallsyms_dups_suite, "kallsyms_dups", kallsyms_dups_cases);
