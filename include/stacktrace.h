/* SPDX-License-Identifier: MIT */
/* Walking and printing kernel stacks: the parts of an oops below the register dump. */
#ifndef JUMPER_STACKTRACE_H
#define JUMPER_STACKTRACE_H

#include "mm.h"
#include "thread_info.h"

/* Prints addr as "func+0xoff/0xsize" when the symbol table knows it, else as hex. */
void print_symbol(unsigned long addr);
/*
 * Prints a frame-pointer backtrace: eip first (unless 0), then the return address of every frame
 * reachable from ebp. Frames are followed only while they stay inside ti's stack and move
 * towards its top, so a corrupted chain ends the trace instead of faulting.
 */
void show_trace(unsigned long eip, unsigned long ebp, const struct thread_info *ti);
/* Prints the words from sp upwards (at most 24, never past top). */
void show_stack_words(unsigned long sp, unsigned long top);
/* Prints the code bytes around eip, the byte at eip in <>, if eip is in kernel text. */
void show_code(unsigned long eip);
/* Prints which thread owns the stack ti. */
void show_thread(const struct thread_info *ti);
/* Backtrace of the caller. */
void dump_stack(void);
/*
 * Fills store with up to size return addresses of the current stack (the first is the
 * caller's own, as dump_stack's), skipping the first skip, each passed through
 * stack_trace_fixup; returns how many it stored.
 */
unsigned stack_trace_save(unsigned long *store, unsigned size, unsigned skip);
/*
 * The walkers (show_trace, stack_trace_save) give every return address they find through
 * this hook, with the stack slot it lies in and the task whose stack it is, and use what
 * it returns: the probes layer installs it so that a return probe's trampoline address
 * reads as the real return address it stands for (kretprobe_find_ret_addr; Linux's
 * CONFIG_ARCH_CORRECT_STACKTRACE_ON_KRETPROBE). NULL: addresses as found.
 */
struct task_struct;
extern unsigned long (*stack_trace_fixup)(struct task_struct *tsk, unsigned long ret,
					  unsigned long *slot);

/* Image boundaries from linker.ld. */
extern char __kernel_start[], __kernel_end[];
extern char __text_start[], __text_end[];
extern char __kprobes_text_start[], __kprobes_text_end[];
extern char __rodata_start[], __rodata_end[];

/* The image's text, or an allocated page of EXEC_AREA (code made at run time: the
 * probes' instruction slots). A freed page is not text. */
static inline bool kernel_text_address(unsigned long addr)
{
	return (addr >= (unsigned long)__text_start && addr < (unsigned long)__text_end) ||
	       execmem_text_address(addr);
}

/*
 * Where the text holding addr ends: __text_end for the image's, the end of the page for a
 * page of EXEC_AREA (the next page may be unmapped); 0 if addr is not text. A reader of
 * instruction bytes bounds its copy by it, so that no read runs off the text it started in.
 */
static inline unsigned long kernel_text_end(unsigned long addr)
{
	if (addr >= (unsigned long)__text_start && addr < (unsigned long)__text_end)
		return (unsigned long)__text_end;
	return execmem_text_address(addr) ? (addr & PAGE_MASK) + PAGE_SIZE : 0;
}

#endif
