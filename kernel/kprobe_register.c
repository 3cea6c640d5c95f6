// SPDX-License-Identifier: MIT
/*
 * Registering probes, a recipe of named steps as in Linux's register_kprobe, numbered
 * below in the order register_kprobe calls them: check that p is new, resolve the
 * address, check the address, check it again with interrupts off, prepare the slot,
 * publish p in the hash table, arm it (the int3 in). Unregistering runs it backwards.
 * A probe at an address that has one already joins it instead of steps 5-7: an
 * aggregate (kernel/kprobe_aggr.c), which shares the first probe's slot and int3.
 *
 * Every change to the table and to text happens with interrupts off. The int3 handler
 * also runs with interrupts off (vector 3 is an interrupt gate), so on this single CPU
 * it always sees a table and text that agree.
 */
#include "kprobes.h"
#include "kprobes_internal.h"
#include "errno.h"
#include "irqflags.h"
#include "kallsyms.h"
#include "kernel.h"
#include "probe_point.h"
#include "slab.h"
#include "text_poke.h"
#include "kprobes_internal.h"

struct kprobe *kprobe_table[KPROBE_TABLE_SIZE];

/*
 * True if p is in the table (Linux's __get_valid_kprobe idea). A registered probe's addr
 * is its key (publish_kprobe sets it), so one lookup of p->addr finds p if p is there;
 * an unregistered p's addr is whatever the caller wrote, and the lookup finds another
 * probe or nothing. O(chain length), never a scan of the whole table.
 */
static bool registered(const struct kprobe *p)
{
	struct kprobe *q = get_kprobe(p->addr);

	return q && (q == p || (kprobe_aggrprobe(q) && kprobe_aggr_holds(q, p)));
}

/* Step 2, resolve: the address p names (include/kprobes.h). */
int kprobe_lookup_addr(const struct kprobe *p, unsigned long *addr)
{
	if (p->symbol_name && p->addr)
		return -EINVAL;
	if (p->symbol_name) {
		/* A name two static functions share is refused, not resolved to the first:
		 * -EADDRNOTAVAIL, as Linux's kprobe events do; p->addr picks one. */
		unsigned long base;
		int ret = kallsyms_lookup_unique(p->symbol_name, &base);
		if (ret)
			return ret;
		*addr = base + p->offset;
	} else {
		if (!p->addr)
			return -EINVAL;
		*addr = (unsigned long)p->addr + p->offset;
	}
	return 0;
}

/* Step 1, check p: -EINVAL if p is NULL or already registered, else 0. */
static int check_kprobe_rereg(const struct kprobe *p)
{
	unsigned long flags;
	bool again;

	if (!p)
		return -EINVAL;
	local_irq_save(flags);
	again = registered(p);
	local_irq_restore(flags);
	return again ? -EINVAL : 0;
}

/*
 * Step 3, check the address: may a probe go at addr? probe_point_check's rules and errors
 * (include/probe_point.h); on success the instruction there is decoded into *insn. The
 * text is read with other probes' int3s taken back out, so a neighbour's breakpoint
 * cannot spoil the decode.
 */
static int check_kprobe_address_safe(unsigned long addr, struct insn *insn)
{
	return probe_point_check(addr, insn, kprobe_recover_text);
}

/*
 * Step 4, check again: steps 1-3 ran with interrupts on, so another thread may have
 * registered p itself since: -EINVAL, else 0. (A probe another thread put at addr since
 * is found by register_kprobe's lookup, which runs right after, with interrupts still
 * off: p joins it.) Interrupts must be off, and stay off until p is published.
 */
static int check_kprobe_unclaimed(const struct kprobe *p)
{
	return registered(p) ? -EINVAL : 0;
}

/*
 * Boosting (Linux, 2.6.19): a probe without a post handler need not trap a second time.
 * The copy runs from the slot and a jmp in the slot returns to the next instruction, so
 * a hit costs one trap instead of two. Only instructions that end by falling through
 * to the next one qualify: no branch, call, ret, and nothing that reads or writes IF or
 * TF (the slot runs with IF=0: the sti variant turns interrupts back on only in the
 * shadow of the jmp home, so no interrupt ever sees eip inside a slot, and a slot can be
 * freed without waiting for a preempted thread to leave it).
 */
static bool can_boost(const struct insn *insn)
{
	const u32 never = INSN_ATTR_REL_ANY | INSN_ATTR_RET | INSN_ATTR_RET_FAR |
			  INSN_ATTR_IRET | INSN_ATTR_INDIRECT_JMP | INSN_ATTR_INDIRECT_CALL |
			  INSN_ATTR_FAR_JMP | INSN_ATTR_FAR_CALL | INSN_ATTR_PUSHF |
			  INSN_ATTR_POPF | INSN_ATTR_MODIFIES_IF | INSN_ATTR_INT |
			  INSN_ATTR_INT3 | INSN_ATTR_INTO | INSN_ATTR_INT1 | INSN_ATTR_LOADS_SS;

	return (insn->attr & INSN_ATTR_SS_SAFE) && !(insn->attr & never) &&
	       insn->length <= KPROBE_BOOST_MAX_LEN;
}

/* Writes "jmp rel32" at image[at] (slot address slot + at) to target. */
static void put_jmp(kprobe_opcode_t *image, unsigned at, unsigned long slot,
		    unsigned long target)
{
	u32 rel = (u32)(target - (slot + at + 5));

	image[at] = 0xe9;
	for (unsigned i = 0; i < 4; i++)
		image[at + 1 + i] = (kprobe_opcode_t)(rel >> (8 * i));
}

/* The slot's contents: see the layout in include/kprobes.h; unused bytes are int3. */
static void build_slot(kprobe_opcode_t *image, const kprobe_opcode_t *addr,
		       const struct insn *insn, unsigned long slot, bool boost)
{
	unsigned len = insn->length;
	unsigned long next = (unsigned long)addr + len;

	for (unsigned i = 0; i < KPROBE_SLOT_SIZE; i++)
		image[i] = BREAKPOINT_INSTRUCTION;
	for (unsigned i = 0; i < len; i++)
		image[i] = addr[i];
	if (!boost)
		return;
	put_jmp(image, len, slot, next);
	for (unsigned i = 0; i < len; i++)
		image[KPROBE_BOOST_IF_ON + i] = addr[i];
	image[KPROBE_BOOST_IF_ON + len] = 0xfb;                      /* sti */
	put_jmp(image, KPROBE_BOOST_IF_ON + len + 1, slot, next);
}

/*
 * Step 5, prepare the slot: takes one and fills it for the instruction at addr, already
 * decoded into ainsn->decoded; sets ainsn->insn and ainsn->boostable. 0, or -ENOMEM (no
 * free slot) or text_poke's error with no slot taken. Interrupts must be off, so the
 * bytes copied from addr are the ones that stay there until the int3 goes in.
 */
static int arch_prepare_kprobe(struct arch_specific_insn *ainsn, unsigned long addr)
{
	kprobe_opcode_t image[KPROBE_SLOT_SIZE];
	kprobe_opcode_t *slot = get_insn_slot();
	int ret;

	if (!slot)
		return -ENOMEM;
	ainsn->boostable = can_boost(&ainsn->decoded);
	build_slot(image, (const kprobe_opcode_t *)addr, &ainsn->decoded, (unsigned long)slot,
		   ainsn->boostable);
	ret = text_poke(slot, image, KPROBE_SLOT_SIZE);
	if (ret) {
		free_insn_slot(slot);
		return ret;
	}
	ainsn->insn = slot;
	return 0;
}

/* Gives back what arch_prepare_kprobe took. Interrupts must be off. */
static void arch_remove_kprobe(struct arch_specific_insn *ainsn)
{
	free_insn_slot(ainsn->insn);
	ainsn->insn = NULL;
}

/*
 * Step 6, publish: fills p in for the hit path and puts it in the table (Linux:
 * hlist_add_head_rcu), where the int3 handler, kprobe_recover_text and kprobe_by_slot
 * find it; symbol_name and offset are consumed into addr. Interrupts must be off and the
 * slot ready: from here on a hit on p is handled.
 */
static void publish_kprobe(struct kprobe *p, unsigned long addr,
			   const struct arch_specific_insn *ainsn)
{
	p->opcode = *(kprobe_opcode_t *)addr;
	p->addr = (kprobe_opcode_t *)addr;
	p->offset = 0;
	p->symbol_name = NULL;
	p->nmissed = 0;
	p->ainsn = *ainsn;
	p->op = NULL;
	p->opt_refusal = NULL;
	unsigned h = kprobe_hash(p->addr);
	p->hnext = kprobe_table[h];
	kprobe_table[h] = p;
}

/* Takes registered p out of the table (Linux: hlist_del_rcu). Interrupts must be off. */
static void unpublish_kprobe(struct kprobe *p)
{
	for (struct kprobe **pp = &kprobe_table[kprobe_hash(p->addr)]; *pp; pp = &(*pp)->hnext)
		if (*pp == p) {
			*pp = p->hnext;
			break;
		}
	p->hnext = NULL;
}

void kprobe_table_replace(struct kprobe *old, struct kprobe *new)
{
	for (struct kprobe **pp = &kprobe_table[kprobe_hash(old->addr)]; *pp;
	     pp = &(*pp)->hnext)
		if (*pp == old) {
			new->hnext = old->hnext;
			*pp = new;
			break;
		}
	old->hnext = NULL;
}

/*
 * Step 7, arm: the int3 over the first byte of published p's instruction; disarm_kprobe
 * puts the original byte back. Interrupts must be off. 0 or text_poke's error.
 */
static int arm_kprobe(struct kprobe *p)
{
	const kprobe_opcode_t brk = BREAKPOINT_INSTRUCTION;
	return text_poke(p->addr, &brk, 1);
}

static int disarm_kprobe(struct kprobe *p)
{
	return text_poke(p->addr, &p->opcode, 1);
}

/*
 * The recipe, steps 1-7. Each step succeeds or undoes everything before it, so a refused p
 * is as the caller left it, nothing is in the table, no slot is taken and the probed text
 * is as it was (errors: include/kprobes.h). Only the slot's own text can be touched: if
 * text_poke fails once step 5 has taken a slot (filling it, or arming), free_insn_slot
 * writes a free slot's int3s back over it. A refusal before that pokes no text at all
 * (kprobe_register.slot_exhaustion_changes_nothing counts the pokes).
 *
 * Publish before arm, as Linux does: once the int3 is in, the next instruction run may be
 * the probed one (a probe on this very code, after the arm), and the int3 handler must
 * find p in the table. Armed first, that int3 was nobody's: an oops
 * (kprobe_register.probes_on_the_registration_path).
 */
int register_kprobe(struct kprobe *p)
{
	struct arch_specific_insn ainsn;
	struct kprobe caller, *old;
	unsigned long addr, flags;
	int ret;

	ret = check_kprobe_rereg(p);
	if (!ret)
		ret = kprobe_lookup_addr(p, &addr);
	if (!ret)
		ret = check_kprobe_address_safe(addr, &ainsn.decoded);
	if (ret)
		return ret;                             /* nothing taken yet */

	local_irq_save(flags);
	ret = check_kprobe_unclaimed(p);
	if (ret)
		goto out_irq;
	optprobe_prepare_change(addr);          /* jmps out of the way (after_change: in) */
	if ((old = get_kprobe((void *)addr))) {
		ret = register_aggr_kprobe(old, p);     /* on failure nothing changed */
		goto out;
	}
	ret = arch_prepare_kprobe(&ainsn, addr);  /* on failure it took no slot */
	if (ret)
		goto out;
	caller = *p;
	publish_kprobe(p, addr, &ainsn);
	if (!kprobe_disabled(p)) {
		ret = arm_kprobe(p);
		if (ret) {
			/* No int3 went in, so nothing saw p: take it back unseen. */
			unpublish_kprobe(p);
			*p = caller;
			arch_remove_kprobe(&ainsn);
		}
	}
out:
	optprobe_after_change(addr);
out_irq:
	local_irq_restore(flags);
	return ret;
}

/*
 * Why p may not be unregistered now, or NULL: not registered, or being handled right now
 * (from its own handler: the hit in progress still needs p's slot). Interrupts off.
 */
static const char *unregister_refusal(const struct kprobe *p)
{
	if (!p)
		return "NULL probe";
	if (!registered(p))
		return "probe not registered";
	return kprobe_hit_in_progress(p) ? "called from the probe's own handler" : NULL;
}

/*
 * The recipe backwards: disarm, unpublish, free the slot. Disarm first: an int3 of p's
 * left in the text after p left the table would be nobody's. No wait for hits in flight:
 * on one CPU with interrupts off the only one can be a hit whose handler called us, which
 * is refused, and no preempted thread is ever inside a slot (see can_boost).
 */
void unregister_kprobe(struct kprobe *p)
{
	unsigned long flags;

	local_irq_save(flags);
	const char *why = unregister_refusal(p);
	if (why) {
		local_irq_restore(flags);
		WARN(1, "unregister_kprobe: %s", why);
		return;
	}
	unsigned long addr = (unsigned long)p->addr;
	optprobe_prepare_change(addr);
	struct kprobe *ap = get_kprobe(p->addr);
	if (ap != p) {
		/* A sub-probe: the others stay armed. The last one takes the manager along. */
		if (!unregister_aggr_kprobe(ap, p)) {
			optprobe_after_change(addr);
			local_irq_restore(flags);
			return;
		}
		p = ap;
	}
	if (!kprobe_disabled(p))
		BUG_ON(disarm_kprobe(p));
	unpublish_kprobe(p);
	arch_remove_kprobe(&p->ainsn);
	if (p == ap && kprobe_aggrprobe(ap))
		kfree(ap);
	optprobe_after_change(addr);
	local_irq_restore(flags);
}

static int set_disabled(struct kprobe *p, bool disable)
{
	unsigned long flags;
	int ret = 0;

	local_irq_save(flags);
	if (!p || !registered(p)) {
		local_irq_restore(flags);
		return -EINVAL;
	}
	unsigned long addr = (unsigned long)p->addr;
	optprobe_prepare_change(addr);
	if (get_kprobe(p->addr) != p)
		ret = set_aggr_disabled(get_kprobe(p->addr), p, disable);
	else if (disable != kprobe_disabled(p)) {
		ret = disable ? disarm_kprobe(p) : arm_kprobe(p);
		if (!ret)
			p->flags ^= KPROBE_FLAG_DISABLED;
	}
	optprobe_after_change(addr);
	local_irq_restore(flags);
	return ret;
}

int enable_kprobe(struct kprobe *p)
{
	return set_disabled(p, false);
}

int disable_kprobe(struct kprobe *p)
{
	return set_disabled(p, true);
}

/*
 * Reading the table: for the fault path, self-tests and the monitor. A short range is
 * looked up address by address (a probe's key is its address); a range longer than the
 * table has buckets walks the table instead, whichever is less work.
 */
struct kprobe *kprobe_in_range(unsigned long start, unsigned long end)
{
	struct kprobe *first = NULL;
	unsigned long flags;

	local_irq_save(flags);
	if (end > start && end - start <= KPROBE_TABLE_SIZE) {
		for (unsigned long a = start; a < end && !first; a++)
			first = get_kprobe((void *)a);
	} else {
		for (unsigned i = 0; i < KPROBE_TABLE_SIZE; i++)
			for (struct kprobe *p = kprobe_table[i]; p; p = p->hnext) {
				unsigned long a = (unsigned long)p->addr;
				if (a >= start && a < end && (!first || p->addr < first->addr))
					first = p;
			}
	}
	local_irq_restore(flags);
	return first && kprobe_aggrprobe(first) ? first->list : first;   /* a user's probe */
}

/* One lookup per byte of the range: probe_point_check calls this for every instruction
 * it decodes on the way to a probe point, so it must not cost a walk of the table. */
void kprobe_recover_text(unsigned long start, u8 *buf, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		struct kprobe *p = get_kprobe((void *)(start + i));
		if (p && !kprobe_disabled(p))
			buf[i] = p->opcode;
	}
	optprobe_recover_text(start, buf, len);
}

void for_each_kprobe(void (*fn)(struct kprobe *p, void *data), void *data)
{
	unsigned long flags;

	local_irq_save(flags);
	for (unsigned i = 0; i < KPROBE_TABLE_SIZE; i++)
		for (struct kprobe *p = kprobe_table[i]; p; p = p->hnext) {
			if (!kprobe_aggrprobe(p))
				fn(p, data);
			else
				for (struct kprobe *kp = p->list; kp; kp = kp->list)
					fn(kp, data);
		}
	local_irq_restore(flags);
}
