// SPDX-License-Identifier: MIT
/*
 * Return probes, the registration side: checking that a function can be return-probed,
 * the instance pool made at registration and taken down at unregistration (instances in
 * flight then free themselves), and the batches. The hit paths -- the entry, the
 * trampoline's handler, the backtrace and exit fixups -- are kernel/kretprobe.c;
 * include/kretprobes.h has the overview.
 */
#include "kretprobes.h"
#include "errno.h"
#include "insn.h"
#include "irqflags.h"
#include "kallsyms.h"
#include "kernel.h"
#include "slab.h"
#include "stacktrace.h"
#include "string.h"
#include "kprobes_internal.h"

/*
 * Whether the function starting at addr can be return-probed: 0, or -EOPNOTSUPP if it
 * has a ret imm16 (C2, or CA for a far one) anywhere -- a callee-pops return leaves esp
 * N bytes past the slot the trampoline finds its instance by, and the return would
 * panic -- or -EILSEQ if the decoder cannot read it to its end (no proof there is none).
 * Decoded from addr to the end of its symbol, the text as it is without probes
 * (kprobe_recover_text: other probes' int3s).
 */
static int check_return_kind(unsigned long addr)
{
	unsigned long start, size, pc;

	if (!kallsyms_lookup(addr, &start, &size) || start != addr)
		return -EINVAL;
	for (pc = start; pc < start + size;) {
		u8 buf[INSN_MAX_LEN];
		size_t avail = min((unsigned long)INSN_MAX_LEN, kernel_text_end(pc) - pc);
		unsigned long flags;
		struct insn insn;
		int len;

		/* Text and the probe table change together with interrupts off. */
		local_irq_save(flags);
		memcpy(buf, (const void *)pc, avail);
		kprobe_recover_text(pc, buf, avail);
		local_irq_restore(flags);
		len = insn_decode(&insn, buf, avail, (u32)pc);
		if (len <= 0)
			return -EILSEQ;
		if ((insn.attr & (INSN_ATTR_RET | INSN_ATTR_RET_FAR)) && insn.imm_size)
			return -EOPNOTSUPP;
		pc += (unsigned long)len;
	}
	return 0;
}

/* Frees the first n instances of a pool being built or taken down, and the index. */
static void free_pool(struct kretprobe_instance **instances, int n)
{
	for (int i = 0; i < n; i++)
		kfree(instances[i]);
	kfree(instances);
}

int register_kretprobe(struct kretprobe *rp)
{
	struct kretprobe_instance **instances, *free = NULL;
	struct kretprobe caller;
	unsigned long addr, flags;
	int n, ret;

	if (!rp)
		return -EINVAL;
	ret = kprobe_lookup_addr(&rp->kp, &addr);
	if (ret)
		return ret;
	/* The return address is at the top of the stack only at the first byte. */
	if (!kallsyms_is_function_entry(addr))
		return -EINVAL;
	ret = check_return_kind(addr);
	if (ret)
		return ret;
	if (rp->data_size > KMALLOC_MAX_SIZE - sizeof(struct kretprobe_instance))
		return -EINVAL;
	n = rp->maxactive > 0 ? rp->maxactive : KRETPROBE_DEFAULT_MAXACTIVE;
	if (n > KRETPROBE_MAXACTIVE_MAX)
		return -E2BIG;
	instances = kmalloc(n * sizeof(*instances));
	if (!instances)
		return -ENOMEM;
	for (int i = 0; i < n; i++) {
		struct kretprobe_instance *ri = kzalloc(sizeof(*ri) + rp->data_size);

		if (!ri) {
			free_pool(instances, i);
			return -ENOMEM;
		}
		ri->rp = rp;
		ri->next = free;
		free = ri;
		instances[i] = ri;
	}
	init_kretprobes();
	/* Interrupts off from the first write to rp to the end: if rp is registered already
	 * (register_kprobe's -EINVAL), nothing can hit it while its fields are not its own. */
	local_irq_save(flags);
	caller = *rp;
	rp->free_instances = free;
	rp->instances = instances;
	rp->nr_instances = n;
	rp->nmissed = 0;
	/* Whether there is an entry_handler never changes while rp is registered. */
	rp->kp.pre_handler = rp->entry_handler ? kretprobe_entry_slow : pre_handler_kretprobe;
	rp->kp.post_handler = NULL;
	rp->kp.break_handler = NULL;
	ret = register_kprobe(&rp->kp);
	if (ret)
		*rp = caller;
	local_irq_restore(flags);
	if (ret)
		free_pool(instances, n);
	return ret;
}

void unregister_kretprobe(struct kretprobe *rp)
{
	struct kretprobe_instance **instances;
	unsigned long flags;
	int n;

	local_irq_save(flags);
	if (!rp || !rp->instances || kprobe_hit_in_progress(&rp->kp)) {
		local_irq_restore(flags);
		WARN(1, "unregister_kretprobe: %s", !rp ? "NULL probe" : !rp->instances ?
		     "probe not registered" : "called from the probe's own handler");
		return;
	}
	local_irq_restore(flags);
	unregister_kprobe(&rp->kp);     /* disarmed: no entry takes an instance from here on */
	local_irq_save(flags);
	instances = rp->instances;
	n = rp->nr_instances;
	for (int i = 0; i < n; i++) {
		if (instances[i]->task) {
			instances[i]->rp = NULL;        /* its return frees it */
			instances[i] = NULL;
		}
	}
	rp->instances = NULL;
	rp->free_instances = NULL;
	rp->nr_instances = 0;
	local_irq_restore(flags);
	free_pool(instances, n);                /* kfree(NULL) is a no-op */
}

static void *kretprobe_at(void *array, int i)
{
	return ((struct kretprobe **)array)[i];
}

static int kretprobe_reg(void *obj)
{
	return register_kretprobe(obj);
}

static void kretprobe_unreg(void *obj)
{
	unregister_kretprobe(obj);
}

/* register_kretprobe consumes symbol_name and offset and sets kp's handlers and the pool
 * fields: the batch's undo log puts each rolled-back struct back whole. */
static const struct probe_batch_ops kretprobe_batch_ops = {
	.size = sizeof(struct kretprobe),
	.at = kretprobe_at,
	.reg = kretprobe_reg,
	.unreg = kretprobe_unreg,
};

int register_kretprobes(struct kretprobe **rps, int num)
{
	return probe_batch_register(rps, num, &kretprobe_batch_ops);
}

void unregister_kretprobes(struct kretprobe **rps, int num)
{
	if (!rps)
		return;
	for (int i = 0; i < num; i++)
		if (rps[i])
			unregister_kretprobe(rps[i]);
}
