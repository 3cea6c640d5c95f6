// SPDX-License-Identifier: MIT
/*
 * TSS setup and the double-fault task.
 *
 * Why a task gate: a kernel stack overflow runs esp into the unmapped guard page. The
 * push that crosses it faults (#PF), and to deliver the #PF the CPU must push onto the
 * same bad stack, which faults again: a double fault. If the #DF were an ordinary gate
 * the CPU would try the same stack a third time and reset (triple fault) with nothing
 * printed. A task gate makes the CPU switch to a whole new register set, stack included,
 * from the double-fault TSS, so the handler can run and report the overflow.
 */
#include "gdt.h"
#include "desc.h"
#include "kernel.h"
#include "mm.h"
#include "processor.h"
#include "ptrace.h"
#include "qemu_exit.h"
#include "sched.h"
#include "stacktrace.h"
#include "string.h"

extern u64 gdt_table[];          /* boot/multiboot.asm */

struct tss_struct cpu_tss __aligned(128);
static struct tss_struct df_tss __aligned(128);
/*
 * THREAD_SIZE-aligned like every stack, so current_thread_info() on it lands on its own
 * (empty) thread_info rather than on whatever precedes it.
 */
static union {
	struct thread_info ti;
	u8 bytes[THREAD_SIZE];
} df_stack __aligned(THREAD_SIZE);

static void __noreturn double_fault_task(void);

static void set_tss_desc(unsigned sel, struct tss_struct *tss)
{
	u64 base = (uintptr_t)tss, limit = sizeof(*tss) - 1;

	/* Present, DPL 0, type 9 = available 32-bit TSS, byte granularity. */
	gdt_table[sel / 8] = (limit & 0xffff) | ((base & 0xffffff) << 16) | (0x89ULL << 40) |
			     (((limit >> 16) & 0xf) << 48) | ((base >> 24) << 56);
}

void gdt_init_tss(void)
{
	memset(&cpu_tss, 0, sizeof(cpu_tss));
	cpu_tss.ss0 = KERNEL_DS;
	cpu_tss.io_bitmap_base = sizeof(cpu_tss);   /* no I/O bitmap */

	memset(&df_tss, 0, sizeof(df_tss));
	df_tss.cr3 = page_directory_phys();
	df_tss.eip = (u32)(uintptr_t)double_fault_task;
	df_tss.eflags = 0x2;                        /* IF clear, reserved bit 1 set */
	df_tss.esp = (u32)(uintptr_t)(df_stack.bytes + sizeof(df_stack.bytes));
	df_tss.cs = KERNEL_CS;
	df_tss.ds = df_tss.es = df_tss.ss = df_tss.fs = df_tss.gs = KERNEL_DS;
	df_tss.io_bitmap_base = sizeof(df_tss);

	set_tss_desc(TSS_SEL, &cpu_tss);
	set_tss_desc(DF_TSS_SEL, &df_tss);
	__asm__ volatile("ltr %w0" : : "r"(TSS_SEL));
	set_task_gate(X86_TRAP_DF, DF_TSS_SEL);
}

/* Rebuilds a pt_regs from what the task switch saved in cpu_tss. */
static void regs_from_tss(struct pt_regs *regs, const struct tss_struct *t)
{
	memset(regs, 0, sizeof(*regs));
	regs->eax = t->eax;
	regs->ebx = t->ebx;
	regs->ecx = t->ecx;
	regs->edx = t->edx;
	regs->esi = t->esi;
	regs->edi = t->edi;
	regs->ebp = t->ebp;
	regs->ds = t->ds;
	regs->es = t->es;
	regs->orig_eax = ~0UL;
	regs->eip = t->eip;
	regs->cs = t->cs;
	regs->eflags = t->eflags;
	regs->esp = t->esp;
	regs->ss = t->ss;
}

/*
 * Runs on df_stack as a separate task. Never returns: there is no sane state to go
 * back to. The faulting thread is named from the scheduler's record of the running
 * thread, not from thread_info, which an overflow has usually just overwritten.
 */
static void __kprobes __noreturn double_fault_task(void)
{
	struct pt_regs regs;
	struct task_struct *t = sched_running_task();
	unsigned long sp = cpu_tss.esp;
	unsigned long cr2 = read_cr2();

	regs_from_tss(&regs, &cpu_tss);
	printk("------------[ cut here ]------------\n");
	if (t && sp < stack_base(t->stack) + sizeof(struct thread_info) + 64 &&
	    sp + PAGE_SIZE >= stack_base(t->stack)) {
		printk("kernel stack overflow (double fault): thread %s (tid: %d), "
		       "esp %08lx, stack %08lx-%08lx, cr2 %08lx\n", t->comm, t->tid, sp,
		       stack_base(t->stack), stack_top(t->stack) - 1, cr2);
	} else {
		printk("double fault: esp %08lx, cr2 %08lx\n", sp, cr2);
	}
	printk("Oops: double fault: 0000 [#1]\n");
	printk("EIP: %04lx:[<%08lx>] EFLAGS: %08lx\nEIP is at ", regs.cs, regs.eip, regs.eflags);
	print_symbol(regs.eip);
	printk("\neax: %08lx   ebx: %08lx   ecx: %08lx   edx: %08lx\n", regs.eax, regs.ebx,
	       regs.ecx, regs.edx);
	printk("esi: %08lx   edi: %08lx   ebp: %08lx   esp: %08lx\n", regs.esi, regs.edi,
	       regs.ebp, sp);
	if (t) {
		printk("Thread: %s (tid: %d)\n", t->comm, t->tid);
		printk("Call Trace:\n");
		show_trace(regs.eip, regs.ebp, t->stack);
	}
	printk("---[ end trace: double fault ]---\n");
	qemu_exit(false);
}
