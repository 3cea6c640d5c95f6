// SPDX-License-Identifier: MIT
/*
 * Batches of probes (Linux's register_kprobes, register_jprobes), all or nothing: on the
 * first refusal every probe the call registered goes again and its struct is put back as
 * the caller left it. register_kprobe consumes symbol_name and offset into addr and fills
 * kprobes' own fields, so "as the caller left it" needs a copy of each struct taken
 * before it is registered: an undo log of whole copies, in pages chained as the batch
 * grows (a batch of 10,000 probes needs a few hundred; they go back when the call ends).
 */
#include "kprobes.h"
#include "errno.h"
#include "kernel.h"
#include "mm.h"
#include "string.h"
#include "kprobes_internal.h"

struct undo_page {
	struct undo_page *next;                 /* the page filled before this one */
	unsigned used;                          /* copies in data[] */
	unsigned char data[];
};

#define UNDO_ROOM (PAGE_SIZE - offsetof(struct undo_page, data))

/* Frees the log's pages. */
static void free_undo(struct undo_page *log)
{
	while (log) {
		struct undo_page *next = log->next;
		free_page((unsigned long)log);
		log = next;
	}
}

/* Appends a copy of size bytes of obj to *log. 0, or -ENOMEM with *log unchanged. */
static int save_copy(struct undo_page **log, const void *obj, size_t size)
{
	struct undo_page *pg = *log;

	if (!pg || (pg->used + 1) * size > UNDO_ROOM) {
		pg = (struct undo_page *)alloc_page();
		if (!pg)
			return -ENOMEM;
		pg->next = *log;
		pg->used = 0;
		*log = pg;
	}
	memcpy(pg->data + pg->used++ * size, obj, size);
	return 0;
}

/*
 * Unregisters the n objects the batch registered, newest first, each put back from its
 * copy (the log holds them in the same order, newest last).
 */
static void undo(void *array, int n, const struct probe_batch_ops *ops,
		 struct undo_page *log)
{
	while (n > 0) {
		void *obj = ops->at(array, --n);

		while (!log->used)              /* a page emptied by a refused entry */
			log = log->next;
		ops->unreg(obj);
		memcpy(obj, log->data + --log->used * ops->size, ops->size);
	}
}

int probe_batch_register(void *array, int num, const struct probe_batch_ops *ops)
{
	struct undo_page *log = NULL;
	int i, ret = 0;

	BUG_ON(ops->size > UNDO_ROOM);
	if (!array || num <= 0)
		return -EINVAL;
	for (i = 0; i < num; i++) {
		void *obj = ops->at(array, i);

		if (!obj) {
			ret = -EINVAL;
			break;
		}
		ret = save_copy(&log, obj, ops->size);
		if (ret)
			break;
		ret = ops->reg(obj);
		if (ret) {
			log->used--;            /* refused: the struct is as it was */
			break;
		}
	}
	if (ret)
		undo(array, i, ops, log);
	free_undo(log);
	return ret;
}

static void *kprobe_at(void *array, int i)
{
	return ((struct kprobe **)array)[i];
}

static int kprobe_reg(void *obj)
{
	return register_kprobe(obj);
}

static void kprobe_unreg(void *obj)
{
	unregister_kprobe(obj);
}

static const struct probe_batch_ops kprobe_batch_ops = {
	.size = sizeof(struct kprobe),
	.at = kprobe_at,
	.reg = kprobe_reg,
	.unreg = kprobe_unreg,
};

int register_kprobes(struct kprobe **kps, int num)
{
	return probe_batch_register(kps, num, &kprobe_batch_ops);
}

void unregister_kprobes(struct kprobe **kps, int num)
{
	if (!kps)
		return;
	for (int i = 0; i < num; i++)
		if (kps[i])
			unregister_kprobe(kps[i]);
}
