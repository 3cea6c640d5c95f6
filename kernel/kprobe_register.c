// SPDX-License-Identifier: MIT
/*
 * Registering probes: resolving and validating the address, copying the instruction,
 * the hash table of probes, arming (int3 in) and disarming (original byte back).
 *
 * Every change to the table and to text happens with interrupts off. The int3 handler
 * also runs with interrupts off (vector 3 is an interrupt gate), so on this single CPU
 * it always sees a table and text that agree.
 */
#include "kprobes.h"
#include "errno.h"
#include "irqflags.h"
#include "kallsyms.h"
#include "kernel.h"
#include "probe_point.h"
#include "text_poke.h"

struct kprobe *kprobe_table[KPROBE_TABLE_SIZE];

static u32 slot_used[KPROBE_NR_SLOTS / 32];

/* A free instruction slot, marked used, or NULL. Interrupts must be off. */
static kprobe_opcode_t *get_insn_slot(void)
{
	for (unsigned i = 0; i < KPROBE_NR_SLOTS; i++)
		if (!(slot_used[i / 32] & (1u << (i % 32)))) {
			slot_used[i / 32] |= 1u << (i % 32);
			return kprobe_insn_slots[i];
		}
	return NULL;
}

/* Refills a slot with int3 and frees it. Interrupts must be off. */
static void free_insn_slot(kprobe_opcode_t *slot)
{
	static const kprobe_opcode_t int3s[KPROBE_SLOT_SIZE] = {
		[0 ... KPROBE_SLOT_SIZE - 1] = BREAKPOINT_INSTRUCTION
	};
	unsigned i = (unsigned)((slot - &kprobe_insn_slots[0][0]) / KPROBE_SLOT_SIZE);

	BUG_ON(i >= KPROBE_NR_SLOTS || !(slot_used[i / 32] & (1u << (i % 32))));
	text_poke(slot, int3s, KPROBE_SLOT_SIZE);
	slot_used[i / 32] &= ~(1u << (i % 32));
}

/* True if p is in the table (searched everywhere: p->addr may not be its key yet). */
static bool registered(const struct kprobe *p)
{
	for (unsigned i = 0; i < KPROBE_TABLE_SIZE; i++)
		for (struct kprobe *q = kprobe_table[i]; q; q = q->hnext)
			if (q == p)
				return true;
	return false;
}

struct kprobe *kprobe_in_range(unsigned long start, unsigned long end)
{
	struct kprobe *first = NULL;
	unsigned long flags;

	local_irq_save(flags);
	for (unsigned i = 0; i < KPROBE_TABLE_SIZE; i++)
		for (struct kprobe *p = kprobe_table[i]; p; p = p->hnext) {
			unsigned long a = (unsigned long)p->addr;
			if (a >= start && a < end && (!first || p->addr < first->addr))
				first = p;
		}
	local_irq_restore(flags);
	return first;
}

void kprobe_recover_text(unsigned long start, u8 *buf, size_t len)
{
	for (unsigned i = 0; i < KPROBE_TABLE_SIZE; i++)
		for (struct kprobe *p = kprobe_table[i]; p; p = p->hnext) {
			unsigned long a = (unsigned long)p->addr;
			if (a >= start && a < start + len && !kprobe_disabled(p))
				buf[a - start] = p->opcode;
		}
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

/* The probe whose slot contains addr, or NULL (for faults inside a boosted copy). */
struct kprobe *__kprobes kprobe_by_slot(unsigned long addr)
{
	for (unsigned i = 0; i < KPROBE_TABLE_SIZE; i++)
		for (struct kprobe *p = kprobe_table[i]; p; p = p->hnext) {
			unsigned long s = (unsigned long)p->ainsn.insn;
			if (addr >= s && addr < s + KPROBE_SLOT_SIZE)
				return p;
		}
	return NULL;
}

/* Writes the int3 over the first byte of the instruction at addr. */
static int arm_at(void *addr)
{
	const kprobe_opcode_t brk = BREAKPOINT_INSTRUCTION;
	return text_poke(addr, &brk, 1);
}

static int disarm_kprobe(struct kprobe *p)
{
	return text_poke(p->addr, &p->opcode, 1);
}

int kprobe_lookup_addr(const struct kprobe *p, unsigned long *addr)
{
	if (p->symbol_name && p->addr)
		return -EINVAL;
	if (p->symbol_name) {
		unsigned long base = kallsyms_lookup_name(p->symbol_name);
		if (!base)
			return -ENOENT;
		*addr = base + p->offset;
	} else {
		if (!p->addr)
			return -EINVAL;
		*addr = (unsigned long)p->addr + p->offset;
	}
	return 0;
}

int register_kprobe(struct kprobe *p)
{
	struct insn insn;
	unsigned long addr, flags;
	int ret;

	if (!p)
		return -EINVAL;
	local_irq_save(flags);
	bool again = registered(p);
	local_irq_restore(flags);
	if (again)
		return -EINVAL;
	ret = kprobe_lookup_addr(p, &addr);
	if (ret)
		return ret;
	/* Decode with other probes' int3s taken back out of the bytes. */
	ret = probe_point_check(addr, &insn, kprobe_recover_text);
	if (ret)
		return ret;

	local_irq_save(flags);
	if (get_kprobe((void *)addr) || registered(p)) {
		/* Someone got there first (or p was registered) while we validated. */
		local_irq_restore(flags);
		return get_kprobe((void *)addr) ? -EEXIST : -EINVAL;
	}
	kprobe_opcode_t *slot = get_insn_slot();
	if (!slot) {
		local_irq_restore(flags);
		return -ENOMEM;
	}
	bool boost = can_boost(&insn);
	kprobe_opcode_t image[KPROBE_SLOT_SIZE];
	build_slot(image, (const kprobe_opcode_t *)addr, &insn, (unsigned long)slot, boost);
	kprobe_opcode_t opcode = *(kprobe_opcode_t *)addr;
	ret = text_poke(slot, image, KPROBE_SLOT_SIZE);
	if (!ret && !kprobe_disabled(p))
		ret = arm_at((void *)addr);
	if (ret) {
		free_insn_slot(slot);       /* p is as the caller left it */
	} else {
		/* Armed (or registered disabled): now p is filled in and published. */
		p->opcode = opcode;
		p->addr = (kprobe_opcode_t *)addr;
		p->offset = 0;
		p->symbol_name = NULL;
		p->nmissed = 0;
		p->ainsn.insn = slot;
		p->ainsn.decoded = insn;
		p->ainsn.boostable = boost;
		unsigned h = kprobe_hash(p->addr);
		p->hnext = kprobe_table[h];
		kprobe_table[h] = p;
	}
	local_irq_restore(flags);
	return ret;
}

void unregister_kprobe(struct kprobe *p)
{
	unsigned long flags;

	local_irq_save(flags);
	/* Not registered, or being handled right now (unregistering from one's own
	 * handler): the hit in progress still needs p's slot. Refuse, loudly. */
	if (!p || !registered(p) || kprobe_hit_in_progress(p)) {
		const char *why = !p ? "NULL probe" : !registered(p) ? "probe not registered"
				 : "called from the probe's own handler";
		local_irq_restore(flags);
		WARN(1, "unregister_kprobe: %s", why);
		return;
	}
	if (!kprobe_disabled(p))
		BUG_ON(disarm_kprobe(p));
	for (struct kprobe **pp = &kprobe_table[kprobe_hash(p->addr)]; *pp; pp = &(*pp)->hnext)
		if (*pp == p) {
			*pp = p->hnext;
			break;
		}
	p->hnext = NULL;
	free_insn_slot(p->ainsn.insn);
	p->ainsn.insn = NULL;
	local_irq_restore(flags);
}

static int set_disabled(struct kprobe *p, bool disable)
{
	unsigned long flags;
	int ret = 0;

	local_irq_save(flags);
	if (!p || !registered(p))
		ret = -EINVAL;
	else if (disable != kprobe_disabled(p)) {
		ret = disable ? disarm_kprobe(p) : arm_at(p->addr);
		if (!ret)
			p->flags ^= KPROBE_FLAG_DISABLED;
	}
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

void for_each_kprobe(void (*fn)(struct kprobe *p, void *data), void *data)
{
	unsigned long flags;

	local_irq_save(flags);
	for (unsigned i = 0; i < KPROBE_TABLE_SIZE; i++)
		for (struct kprobe *p = kprobe_table[i]; p; p = p->hnext)
			fn(p, data);
	local_irq_restore(flags);
}
