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

#define KPROBE_HASH_BITS 6
#define KPROBE_TABLE_SIZE (1 << KPROBE_HASH_BITS)

static struct kprobe *kprobe_table[KPROBE_TABLE_SIZE];

extern kprobe_opcode_t kprobe_insn_slots[KPROBE_NR_SLOTS][KPROBE_SLOT_SIZE];
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

static unsigned hash_ptr(const void *addr)
{
	/* Multiplicative hash of the address (Knuth); the top bits are the best mixed. */
	return ((unsigned long)addr * 0x9E370001UL) >> (32 - KPROBE_HASH_BITS);
}

struct kprobe *__kprobes get_kprobe(void *addr)
{
	for (struct kprobe *p = kprobe_table[hash_ptr(addr)]; p; p = p->hnext)
		if (p->addr == addr)
			return p;
	return NULL;
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

void kprobe_recover_text(unsigned long start, u8 *buf, size_t len)
{
	for (unsigned i = 0; i < KPROBE_TABLE_SIZE; i++)
		for (struct kprobe *p = kprobe_table[i]; p; p = p->hnext) {
			unsigned long a = (unsigned long)p->addr;
			if (a >= start && a < start + len && !kprobe_disabled(p))
				buf[a - start] = p->opcode;
		}
}

static int arm_kprobe(struct kprobe *p)
{
	const kprobe_opcode_t brk = BREAKPOINT_INSTRUCTION;
	return text_poke(p->addr, &brk, 1);
}

static int disarm_kprobe(struct kprobe *p)
{
	return text_poke(p->addr, &p->opcode, 1);
}

/* Resolves symbol_name/addr + offset into p->addr's final value, in *addr. */
static int kprobe_address(const struct kprobe *p, unsigned long *addr)
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
	ret = kprobe_address(p, &addr);
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
	/* Copy the instruction into a slot; the rest of the slot stays int3. */
	kprobe_opcode_t *slot = get_insn_slot();
	if (!slot) {
		local_irq_restore(flags);
		return -ENOMEM;
	}
	ret = text_poke(slot, (const void *)addr, insn.length);
	/* From here on the probe is committed: fill it in, then publish and arm. */
	if (!ret) {
		p->addr = (kprobe_opcode_t *)addr;
		p->offset = 0;
		p->symbol_name = NULL;
		p->nmissed = 0;
		p->opcode = *p->addr;
		p->ainsn.insn = slot;
		p->ainsn.decoded = insn;
		ret = kprobe_disabled(p) ? 0 : arm_kprobe(p);
	}
	if (ret) {
		free_insn_slot(slot);
	} else {
		unsigned h = hash_ptr(p->addr);
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
	if (!p || !registered(p)) {
		local_irq_restore(flags);
		WARN_ON(1);
		return;
	}
	if (!kprobe_disabled(p))
		BUG_ON(disarm_kprobe(p));
	for (struct kprobe **pp = &kprobe_table[hash_ptr(p->addr)]; *pp; pp = &(*pp)->hnext)
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
		ret = disable ? disarm_kprobe(p) : arm_kprobe(p);
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
