// SPDX-License-Identifier: MIT
/*
 * Trap dispatch, the die notifier chain, and the oops.
 *
 * Everything here runs while a probe may be in flight, so it is all __kprobes: a probe on
 * the code that handles probes would trap forever.
 */
#include "traps.h"
#include "trapnr.h"
#include "desc.h"
#include "errno.h"
#include "irq.h"
#include "pic.h"
#include "kernel.h"
#include "processor.h"
#include "irqflags.h"
#include "qemu_exit.h"
#include "sched.h"
#include "stacktrace.h"

/* Indexed by vector; a vector without a name here prints as reserved. */
static const char *const trap_names[NR_EXCEPTIONS] = {
	[X86_TRAP_DE] = "divide error",
	[X86_TRAP_DB] = "debug",
	[X86_TRAP_NMI] = "nmi",
	[X86_TRAP_BP] = "int3",
	[X86_TRAP_OF] = "overflow",
	[X86_TRAP_BR] = "bounds",
	[X86_TRAP_UD] = "invalid opcode",
	[X86_TRAP_NM] = "device not available",
	[X86_TRAP_DF] = "double fault",
	[X86_TRAP_OLD_MF] = "coprocessor segment overrun",
	[X86_TRAP_TS] = "invalid TSS",
	[X86_TRAP_NP] = "segment not present",
	[X86_TRAP_SS] = "stack segment",
	[X86_TRAP_GP] = "general protection fault",
	[X86_TRAP_PF] = "page fault",
	[X86_TRAP_SPURIOUS] = "reserved 15",
	[X86_TRAP_MF] = "coprocessor error",
	[X86_TRAP_AC] = "alignment check",
	[X86_TRAP_MC] = "machine check",
	[X86_TRAP_XF] = "SIMD coprocessor error",
	[X86_TRAP_VE] = "virtualization exception",
	[X86_TRAP_CP] = "control protection",
};

/* The exception stubs and handlers come first in the vector space, the IRQs right after:
 * trap_handlers[] and entry.asm's trap_stubs are indexed by vector on that assumption. */
_Static_assert(IRQ_BASE_VECTOR == NR_EXCEPTIONS, "IRQ vectors follow the exceptions");
_Static_assert(NR_EXCEPTIONS + NR_IRQS <= NR_VECTORS, "every stub has an IDT gate");

const char *__kprobes trap_name(unsigned vector)
{
	if (vector < NR_EXCEPTIONS)
		return trap_names[vector] ? trap_names[vector] : "reserved exception";
	return "interrupt";
}

/* ---- the die notifier chain ---- */

static struct notifier_block *die_chain;

int register_die_notifier(struct notifier_block *nb)
{
	unsigned long flags;
	struct notifier_block **pp;

	local_irq_save(flags);
	for (pp = &die_chain; *pp; pp = &(*pp)->next) {
		if (*pp == nb) {
			local_irq_restore(flags);
			return -EEXIST;
		}
	}
	/* Insert after every block of equal or higher priority: stable order. */
	for (pp = &die_chain; *pp && (*pp)->priority >= nb->priority; pp = &(*pp)->next)
		;
	nb->next = *pp;
	*pp = nb;
	local_irq_restore(flags);
	return 0;
}

int unregister_die_notifier(struct notifier_block *nb)
{
	unsigned long flags;
	int ret = -ENOENT;

	local_irq_save(flags);
	for (struct notifier_block **pp = &die_chain; *pp; pp = &(*pp)->next) {
		if (*pp == nb) {
			/* nb->next stays as it is: a walk preempted on nb (trap-gate
			 * exceptions run with IF=1) can still step past it. */
			*pp = nb->next;
			ret = 0;
			break;
		}
	}
	local_irq_restore(flags);
	return ret;
}

unsigned die_chain_length(void)
{
	unsigned n = 0;
	for (struct notifier_block *nb = die_chain; nb; nb = nb->next)
		n++;
	return n;
}

int __kprobes notify_die(enum die_val val, const char *str, struct pt_regs *regs,
			 long err, int trapnr, unsigned long addr)
{
	struct die_args args = { regs, str, err, trapnr, addr };
	int ret = NOTIFY_DONE;

	for (struct notifier_block *nb = die_chain; nb; nb = nb->next) {
		ret = nb->notifier_call(nb, val, &args);
		if (ret & NOTIFY_STOP)
			break;
	}
	return ret;
}

/* ---- dispatch ---- */

/*
 * CR2 as the trap being reported found it at its entry. Whatever runs after the entry (a
 * probe's fault_handler, a notifier, printk) may take and handle a page fault of its
 * own, which rewrites CR2; the oops must still name the address this trap was about.
 */
static unsigned long oops_cr2;

/*
 * What kind of exception each vector is (Intel SDM vol. 3, 6.5): a fault is reported at
 * the instruction that raised it, a trap after it, an abort leaves no restartable state,
 * and an NMI comes from outside, between any two instructions. Only what an instruction
 * (a probed one, or a handler's) raises is a probe's business: faults, and the two traps
 * an instruction raises on purpose that kprobes does not own (into; int3 and #DB have
 * their own hooks). Never an NMI, a machine check or a double fault: they are not the
 * code's doing, and a probe's fault_handler must not be asked to fix them up.
 */
enum trap_class { TRAP_CLASS_RESERVED, TRAP_CLASS_FAULT, TRAP_CLASS_TRAP, TRAP_CLASS_ABORT,
		  TRAP_CLASS_NMI };

static const u8 trap_classes[NR_EXCEPTIONS] = {
	[X86_TRAP_DE] = TRAP_CLASS_FAULT,
	[X86_TRAP_DB] = TRAP_CLASS_TRAP,
	[X86_TRAP_NMI] = TRAP_CLASS_NMI,
	[X86_TRAP_BP] = TRAP_CLASS_TRAP,
	[X86_TRAP_OF] = TRAP_CLASS_TRAP,
	[X86_TRAP_BR] = TRAP_CLASS_FAULT,
	[X86_TRAP_UD] = TRAP_CLASS_FAULT,
	[X86_TRAP_NM] = TRAP_CLASS_FAULT,
	[X86_TRAP_DF] = TRAP_CLASS_ABORT,
	[X86_TRAP_OLD_MF] = TRAP_CLASS_ABORT,
	[X86_TRAP_TS] = TRAP_CLASS_FAULT,
	[X86_TRAP_NP] = TRAP_CLASS_FAULT,
	[X86_TRAP_SS] = TRAP_CLASS_FAULT,
	[X86_TRAP_GP] = TRAP_CLASS_FAULT,
	[X86_TRAP_PF] = TRAP_CLASS_FAULT,
	[X86_TRAP_MF] = TRAP_CLASS_FAULT,
	[X86_TRAP_AC] = TRAP_CLASS_FAULT,
	[X86_TRAP_MC] = TRAP_CLASS_ABORT,
	[X86_TRAP_XF] = TRAP_CLASS_FAULT,
	[X86_TRAP_VE] = TRAP_CLASS_FAULT,
	[X86_TRAP_CP] = TRAP_CLASS_FAULT,
};

/* True for the exceptions the probe layer's fault hook is offered (see trap_classes). */
static bool __kprobes raised_by_instruction(unsigned long vector)
{
	return trap_classes[vector] == TRAP_CLASS_FAULT || vector == X86_TRAP_OF;
}

static const struct trap_probe_hooks *probe_hooks;

/* Claim no trap: the hooks while no probe layer is installed. */
static int __kprobes no_probe_hook(struct pt_regs *regs)
{
	(void)regs;
	return 0;
}

static int __kprobes no_probe_debug_hook(struct pt_regs *regs, unsigned long *dr6)
{
	(void)regs;
	(void)dr6;
	return 0;
}

/* The int3 and debug hooks again, as plain pointers the entry stubs call directly
 * (never NULL, so the stubs need no test). */
int (*trap_int3_hook)(struct pt_regs *regs) = no_probe_hook;
int (*trap_debug_hook)(struct pt_regs *regs, unsigned long *dr6) = no_probe_debug_hook;

void set_trap_probe_hooks(const struct trap_probe_hooks *hooks)
{
	probe_hooks = hooks;
	trap_int3_hook = hooks ? hooks->int3 : no_probe_hook;
	trap_debug_hook = hooks ? hooks->debug : no_probe_debug_hook;
}

/* Exceptions taken since boot, per vector (benchmarks count traps per probe hit). */
unsigned long trap_counts[NR_EXCEPTIONS];

/*
 * Everything but the probe fast path: the die chain, then the oops. err is the error
 * code (DR6 for a #DB), cr2 the CR2 the trap found at its entry.
 */
static void __kprobes __noinline do_trap_slow(struct pt_regs *regs, unsigned long vector,
					      long err, unsigned long cr2)
{
	enum die_val val = DIE_TRAP;
	unsigned long addr = 0;

	switch (vector) {
	case X86_TRAP_DB:
		val = DIE_DEBUG;
		break;
	case X86_TRAP_NMI:
		val = DIE_NMI;
		break;
	case X86_TRAP_BP:
		val = DIE_INT3;
		break;
	case X86_TRAP_GP:
		val = DIE_GPF;
		break;
	case X86_TRAP_PF:
		addr = cr2;
		val = DIE_PAGE_FAULT;
		break;
	}
	if (notify_die(val, trap_name(vector), regs, err, (int)vector, addr) & NOTIFY_STOP)
		return;
	oops_cr2 = cr2;         /* only now: a notifier's own handled fault changed CR2 */
	die(trap_name(vector), regs, err, (int)vector);
}

/*
 * The C handlers kernel/entry.asm calls. #DB and #BP are the hot path of a probe hit
 * (make bench counts it to the instruction): their stubs count the trap and call the
 * kprobes hook themselves, and come here only for a trap kprobes did not claim. The
 * other vectors go through trap_handlers[].
 */
/*
 * int3 and debug traps kprobes did not claim (the stubs offered them first). CR2 is read
 * here, after the hook: the fast path must not pay for it. A hook that declines a trap
 * after running a handler (a break handler, a post handler before the trap goes on to a
 * debugger) puts back the CR2 it found first (kprobe_restore_cr2), so this is still the
 * value the trap found at its entry.
 */
void __kprobes do_int3(struct pt_regs *regs)
{
	do_trap_slow(regs, X86_TRAP_BP, 0, read_cr2());
}

void __kprobes do_debug(struct pt_regs *regs, unsigned long *dr6)
{
	do_trap_slow(regs, X86_TRAP_DB, (long)*dr6, read_cr2());
}

/*
 * Every other exception. CR2 first, before any other code can fault and overwrite it
 * (#PF's gate is an interrupt gate, kernel/idt.c, so no interrupt gets in before this
 * line either; for the other vectors CR2 is only shown in the oops).
 * Then the probe layer, for what an instruction raised (a fault inside a probe), and the
 * chain.
 */
static void __kprobes do_trap(struct pt_regs *regs, unsigned long vector, unsigned long err)
{
	unsigned long cr2 = read_cr2();

	trap_counts[vector]++;
	if (probe_hooks && raised_by_instruction(vector) && probe_hooks->fault(regs, (int)vector))
		return;
	do_trap_slow(regs, vector, (long)err, cr2);
}

static void __kprobes do_irq_entry(struct pt_regs *regs, unsigned long vector,
				   unsigned long err)
{
	(void)err;
	do_IRQ(regs, vector - IRQ_BASE_VECTOR);
}

void (*const trap_handlers[NR_EXCEPTIONS + NR_IRQS])(struct pt_regs *, unsigned long,
						     unsigned long) = {
	/* X86_TRAP_DB and X86_TRAP_BP have stubs of their own (entry.asm, FAST_STUB)
	 * calling do_debug and do_int3; their entries here are never used. */
	[0 ... NR_EXCEPTIONS - 1] = do_trap,
	[NR_EXCEPTIONS ... NR_EXCEPTIONS + NR_IRQS - 1] = do_irq_entry,
};

/* ---- the oops ---- */

static void __kprobes show_page_fault(const struct pt_regs *regs, long err)
{
	unsigned long cr2 = oops_cr2;

	(void)regs;
	printk("BUG: unable to handle page fault for address: %08lx\n", cr2);
	printk("#PF: %s %s access in %s mode\n",
	       (err & 4) ? "user" : "supervisor",
	       (err & 16) ? "instruction fetch" : (err & 2) ? "write" : "read",
	       (err & 4) ? "user" : "kernel");
	printk("#PF: error_code(0x%04lx) - %s\n", (unsigned long)err,
	       (err & 1) ? (err & 8) ? "reserved bit violation" : "permissions violation"
			 : "not-present page");
	if (cr2 < PAGE_SIZE)
		printk("#PF: NULL pointer dereference\n");
}

static int die_counter;

void __kprobes __noreturn die(const char *str, struct pt_regs *regs, long err, int trapnr)
{
	static bool in_die;

	local_irq_disable();
	oops_in_progress = 1;
	if (in_die) {
		/* The oops itself faulted: print what we can and stop, never loop. */
		printk("\nOops while printing an oops (%s at %08lx); giving up.\n", str, regs->eip);
		qemu_exit(false);
	}
	in_die = true;
	notify_die(DIE_OOPS, str, regs, err, trapnr, 0);

	printk("------------[ cut here ]------------\n");
	if (trapnr == X86_TRAP_PF)
		show_page_fault(regs, err);
	printk("Oops: %s: %04lx [#%d]\n", str, (unsigned long)err & 0xffff, ++die_counter);
	/* A probe hit in progress: which probe, which of its handlers (kernel/kprobes.c). */
	if (probe_hooks && probe_hooks->oops)
		probe_hooks->oops(str, regs);
	show_registers(regs);
	printk("---[ end trace %08x ]---\n", 0x6a756d70u + (unsigned)die_counter);
	qemu_exit(false);
}

void __kprobes show_registers(struct pt_regs *regs)
{
	unsigned long sp = kernel_stack_pointer(regs);
	unsigned short ss = user_mode(regs) ? (unsigned short)regs->ss : KERNEL_DS;
	struct thread_info *ti = (struct thread_info *)(sp & ~(THREAD_SIZE - 1UL));

	printk("EIP: %04lx:[<%08lx>] EFLAGS: %08lx\n", regs->cs & 0xffff, regs->eip,
	       regs->eflags);
	printk("EIP is at ");
	print_symbol(regs->eip);
	printk("\n");
	printk("eax: %08lx   ebx: %08lx   ecx: %08lx   edx: %08lx\n",
	       regs->eax, regs->ebx, regs->ecx, regs->edx);
	printk("esi: %08lx   edi: %08lx   ebp: %08lx   esp: %08lx\n",
	       regs->esi, regs->edi, regs->ebp, sp);
	printk("ds: %04lx   es: %04lx   ss: %04x   orig_eax: %08lx\n",
	       regs->ds & 0xffff, regs->es & 0xffff, ss, regs->orig_eax);
	/* In an oops, the CR2 the trap found at its entry; in any other dump (the monitor's
	 * regs, the demo), the register as it is. */
	printk("cr0: %08lx   cr2: %08lx   cr3: %08lx   cr4: %08lx\n",
	       read_cr0(), oops_in_progress ? oops_cr2 : read_cr2(), read_cr3(), read_cr4());
	show_thread(ti);
	show_stack_words(sp, stack_top(ti));
	printk("Call Trace:\n");
	show_trace(regs->eip, regs->ebp, ti);
	show_code(regs->eip);
}
