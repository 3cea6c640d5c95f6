// SPDX-License-Identifier: MIT
/*
 * jprobes: the setjmp/longjmp mirror of the 2004 patch (shared/reference/), with the
 * review's points settled. docs/jprobes.md draws the stack at every step.
 *
 *   probed function entry  -- int3 -->  setjmp_pre_handler: save regs and the top of the
 *                                       stack, IF off, eip = handler; iret
 *   handler(same args...)               reads its arguments where the caller put them
 *   jprobe_return()        -- int3 -->  longjmp_break_handler: check, restore regs and
 *                                       stack; the entry instruction runs; on we go
 *
 * One CPU, and the handler runs with interrupts off, so one jprobe hit at a time: the
 * saved state can live in plain globals, as in the reference.
 */
#include "jprobes.h"
#include "errno.h"
#include "kallsyms.h"
#include "kernel.h"
#include "preempt.h"
#include "processor.h"
#include "kprobes_internal.h"

/*
 * What a hit saves, laid out as it lies in memory at the int3: the trap frame (struct
 * pt_regs from ebx to eflags; a ring-0 trap pushes no esp or ss) and, right above it from
 * &regs->esp, the probed function's stack top -- return address and arguments. The
 * reference kept the two apart (jprobe_saved_regs, jprobes_stack); being adjacent, they
 * are saved and put back here with one copy. The return trap builds its frame at the
 * very same address (the esp check below verifies that), so putting the block back
 * restores the probed function's registers, eip, eflags and stack at once.
 */
#define JPROBE_FRAME_SIZE offsetof(struct pt_regs, esp)
static union {
	struct pt_regs regs;    /* regs.esp onwards: the stack top, as in memory */
	unsigned long words[(JPROBE_FRAME_SIZE + MAX_STACK_SIZE) / sizeof(unsigned long)];
} jprobe_saved;
static unsigned long jprobe_saved_bytes;  /* JPROBE_FRAME_SIZE + MIN_STACK_SIZE(esp) */
/* The copy moves whole words, and the frame is ebx .. eflags (include/ptrace.h). */
_Static_assert(JPROBE_FRAME_SIZE == 13 * sizeof(unsigned long), "pt_regs up to esp");
_Static_assert(MAX_STACK_SIZE % sizeof(unsigned long) == 0, "whole words of stack");
/* The probed function's stack pointer at the hit; NULL unless a jprobe handler runs. */
static long *jprobe_saved_esp;

/*
 * How many bytes of stack to save, starting at addr (the probed function's esp).
 *
 * The thread's stack ends at current_thread_info() + THREAD_SIZE, and the page above is
 * unmapped: never read past it. So take MAX_STACK_SIZE bytes, or fewer if the stack ends
 * sooner. (Andi Kleen's review suggested max_t() here, which would read past the end;
 * the patch's first version stopped at the end of the *page*, which on an 8K stack cuts
 * the copy short whenever esp is in the lower page -- build with
 * JPROBE_STACK_BOUND=page to watch jprobes_stack.lower_page_args_survive fail.)
 */
#ifdef JPROBE_STACK_BOUND_PAGE
#define MIN_STACK_SIZE(ADDR)                                                          \
	((((ADDR) + MAX_STACK_SIZE) < (((ADDR) & PAGE_MASK) + PAGE_SIZE)) ?           \
		 MAX_STACK_SIZE : (((ADDR) & PAGE_MASK) + PAGE_SIZE) - (ADDR))
#else
#define MIN_STACK_SIZE(ADDR) min((unsigned long)MAX_STACK_SIZE, jprobe_stack_room(ADDR))
#endif

/*
 * memcpy may itself be probed, so the hit path copies with its own "rep movsl": esp and
 * the stack top are both 4-byte aligned, so every size here is a multiple of 4.
 */
static inline void copy_words(void *dst, const void *src, unsigned long bytes)
{
	unsigned long n = bytes / sizeof(unsigned long);

	__asm__ volatile("rep movsl" : "+D"(dst), "+S"(src), "+c"(n) : : "memory");
}

/* Where a handler lands if it returns instead of calling jprobe_return (see below). */
extern char jprobe_handler_returned[];

int __kprobes setjmp_pre_handler(struct kprobe *p, struct pt_regs *regs)
{
	struct jprobe *jp = container_of(p, struct jprobe, kp);
	/* A ring-0 trap pushes no esp: &regs->esp is the probed function's stack pointer,
	 * pointing at its return address, with its arguments right above. */
	unsigned long addr = (unsigned long)&regs->esp;

	/* Linus's point: gcc treats the argument area as the callee's own. The handler is
	 * "the callee" here and may overwrite it (a store to a parameter, a tail call), so
	 * save it for the probed function, which is owed its arguments intact. */
	jprobe_saved_esp = (long *)addr;
	jprobe_saved_bytes = JPROBE_FRAME_SIZE + MIN_STACK_SIZE(addr);
	copy_words(&jprobe_saved, regs, jprobe_saved_bytes);
	/* A handler that returns instead of calling jprobe_return would resume the probed
	 * function's caller, silently. Point its return address at a trap instead; the
	 * real one comes back with the saved block. */
	*(unsigned long *)addr = (unsigned long)jprobe_handler_returned;
	/* IF off for the whole handler: nothing can preempt it or run another probe in
	 * between. TF off too: if a debugger was stepping the probed code, the handler is
	 * not what it wants to step. The saved eflags bring both back at the longjmp. */
	regs->eflags &= ~(X86_EFLAGS_IF | X86_EFLAGS_TF);
	regs->eip = (unsigned long)jp->entry;
	/* From the iret to the longjmp, the code running for this hit is jp->entry: a
	 * fault or an oops in it must name the jprobe handler, not this pre handler. */
	kprobe_in_handler = KPROBE_IN_JPROBE;
	return 1;
}

static void __noreturn __noinline jprobe_misuse(const char *what)
{
	printk("jprobes: %s\n", what);
	BUG();
}

void __kprobes __noinline jprobe_return(void)
{
	long *esp = jprobe_saved_esp;

	/* Set from the hit to the return trap, and only then: outside a handler, this
	 * call has nowhere to go back to. */
	if (unlikely(!esp))
		jprobe_misuse("jprobe_return() called outside a jprobe handler");
	/*
	 * Andi Kleen asked why dropping the preempt count before the xchg is safe. Because
	 * IF is 0 here (setjmp_pre_handler cleared it): no interrupt can arrive, so nothing
	 * can preempt us between this line and the int3. The int3 handler raises the count
	 * again for the rest of the hit. (jprobes.handler_spanning_ticks_is_never_switched.)
	 */
	preempt_enable_no_resched();
	/* esp = the probed function's entry esp, then trap: the break handler finds
	 * &regs->esp == jprobe_saved_esp exactly. */
	__asm__ volatile("xchgl %%ebx, %%esp\n\t"
			 "int3\n\t"
			 ".globl jprobe_return_end\n"
			 "jprobe_return_end:\n\t"
			 "nop"
			 : : "b"(esp) : "memory");
	__builtin_unreachable();
}

/* Both register sets of a failed esp check, then BUG(): see longjmp_break_handler. */
static void __noreturn __noinline jprobe_esp_mismatch(struct jprobe *jp, struct pt_regs *regs)
{
	const struct pt_regs *s = &jprobe_saved.regs;

	printk("current esp %p does not match saved esp %p\n", (void *)&regs->esp,
	       (void *)jprobe_saved_esp);
	printk("Saved registers for jprobe %p\n", (void *)jp);
	printk("EIP: %08lx EFLAGS: %08lx esp: %08lx\n", s->eip, s->eflags,
	       (unsigned long)jprobe_saved_esp);
	printk("eax: %08lx   ebx: %08lx   ecx: %08lx   edx: %08lx\n", s->eax, s->ebx,
	       s->ecx, s->edx);
	printk("esi: %08lx   edi: %08lx   ebp: %08lx\n", s->esi, s->edi, s->ebp);
	printk("Current registers\n");
	show_registers(regs);
	BUG();
}

int __kprobes longjmp_break_handler(struct kprobe *p, struct pt_regs *regs)
{
	u8 *addr = (u8 *)(regs->eip - 1);

	if (addr <= (u8 *)jprobe_return || addr >= (u8 *)jprobe_return_end)
		return 0;       /* some other int3: not the jprobe's return */
	/* jprobe_return switches to the saved esp before its int3, so this holds unless
	 * the saved state itself is wrong (jprobe_saved_esp overwritten, or a trap frame
	 * laid out differently): restoring would then write over a stranger's stack. */
	if (unlikely((long *)&regs->esp != jprobe_saved_esp))
		jprobe_esp_mismatch(container_of(p, struct jprobe, kp), regs);
	copy_words(regs, &jprobe_saved, jprobe_saved_bytes);
	jprobe_saved_esp = NULL;
	return 1;       /* kprobes now runs the entry instruction and ends the hit */
}

/*
 * The trap set by setjmp_pre_handler: reached only when a handler returns normally.
 * The hit is abandoned (preemption back on, no probe active) and the kernel oopses
 * naming the handler.
 */
void __kprobes __used jprobe_report_missing_return(void)
{
	struct kprobe *p = kprobe_current_instance();   /* the jprobe's, in an aggregate */
	char sym[KSYM_NAME_LEN + 32];

	current_kprobe = NULL;
	kprobe_instance = NULL;
	kprobe_in_handler = KPROBE_IN_PRE;     /* the marker rests, as after every hit */
	jprobe_saved_esp = NULL;
	preempt_enable_no_resched();
	if (p)
		sprint_symbol(sym, sizeof(sym),
			      (unsigned long)container_of(p, struct jprobe, kp)->entry);
	printk("jprobes: handler %s returned without calling jprobe_return()\n",
	       p ? sym : "?");
	BUG();
}

__asm__(".pushsection .kprobes.text, \"ax\"\n"
	".globl jprobe_handler_returned\n"
	".type jprobe_handler_returned, @function\n"
	"jprobe_handler_returned:\n"
	"	call jprobe_report_missing_return\n"
	".size jprobe_handler_returned, . - jprobe_handler_returned\n"
	".popsection\n");

/*
 * On a refusal jp is as the caller left it: the handlers set here go back with the rest
 * (register_kprobe restores only what it changed itself).
 */
int register_jprobe(struct jprobe *jp)
{
	struct jprobe caller;
	unsigned long addr;
	int ret;

	if (!jp || !jp->entry)
		return -EINVAL;
	ret = kprobe_lookup_addr(&jp->kp, &addr);
	if (ret)
		return ret;
	/* The 2004 TODO, done: the mirror only works where the stack holds exactly the
	 * return address and the arguments -- the first byte of a function. */
	if (!kallsyms_is_function_entry(addr))
		return -EINVAL;
	caller = *jp;
	jp->kp.pre_handler = setjmp_pre_handler;
	jp->kp.break_handler = longjmp_break_handler;
	jp->kp.post_handler = NULL;
	ret = register_kprobe(&jp->kp);
	if (ret)
		*jp = caller;
	return ret;
}

void unregister_jprobe(struct jprobe *jp)
{
	unregister_kprobe(&jp->kp);
}

static void *jprobe_at(void *array, int i)
{
	return ((struct jprobe **)array)[i];
}

static int jprobe_reg(void *obj)
{
	return register_jprobe(obj);
}

static void jprobe_unreg(void *obj)
{
	unregister_jprobe(obj);
}

static const struct probe_batch_ops jprobe_batch_ops = {
	.size = sizeof(struct jprobe),
	.at = jprobe_at,
	.reg = jprobe_reg,
	.unreg = jprobe_unreg,
};

int register_jprobes(struct jprobe **jps, int num)
{
	return probe_batch_register(jps, num, &jprobe_batch_ops);
}

void unregister_jprobes(struct jprobe **jps, int num)
{
	if (!jps)
		return;
	for (int i = 0; i < num; i++)
		if (jps[i])
			unregister_jprobe(jps[i]);
}
