// SPDX-License-Identifier: MIT
/*
 * Stack walking for oopses. Everything reads memory it cannot trust (a corrupted stack is
 * often why we are here), so each read is bounds-checked against the stack or the text.
 */
#include "stacktrace.h"
#include "kallsyms.h"
#include "printk.h"
#include "sched.h"

#define MAX_FRAMES      32
#define MAX_STACK_WORDS 24

unsigned long (*stack_trace_fixup)(struct task_struct *tsk, unsigned long ret,
				   unsigned long *slot);

/* The return address in the frame at ebp (slot ebp + 4), as the hook reads it. */
static unsigned long __kprobes frame_return_address(const struct thread_info *ti,
						    unsigned long ebp)
{
	unsigned long *slot = (unsigned long *)ebp + 1;

	return stack_trace_fixup ? stack_trace_fixup(ti->task, *slot, slot) : *slot;
}

void __kprobes print_symbol(unsigned long addr)
{
	char buf[KSYM_NAME_LEN + 32];

	sprint_symbol(buf, sizeof(buf), addr);
	printk("%s", buf);
}

/* One backtrace line; return addresses are symbolized by their call instruction. */
static void __kprobes print_frame(unsigned long addr, bool is_return_address)
{
	char buf[KSYM_NAME_LEN + 32];

	if (is_return_address)
		sprint_backtrace(buf, sizeof(buf), addr);
	else
		sprint_symbol(buf, sizeof(buf), addr);
	printk(" [<%08lx>] %s\n", addr, buf);
}

void __kprobes show_trace(unsigned long eip, unsigned long ebp, const struct thread_info *ti)
{
	unsigned long lo = stack_base(ti) + sizeof(struct thread_info);
	unsigned long hi = stack_top(ti);

	if (eip)
		print_frame(eip, false);
	/* With frame pointers each frame is [saved ebp][return address] at ebp. */
	for (int n = 0; n < MAX_FRAMES; n++) {
		if (ebp < lo || ebp + 8 > hi || (ebp & 3))
			return;
		unsigned long next = ((unsigned long *)ebp)[0];
		unsigned long ret = frame_return_address(ti, ebp);
		if (!kernel_text_address(ret))
			return;
		print_frame(ret, true);
		if (next <= ebp)        /* frames must move up the stack; 0 ends the chain */
			return;
		ebp = next;
	}
	printk(" ... (trace truncated at %d frames)\n", MAX_FRAMES);
}

void __kprobes show_stack_words(unsigned long sp, unsigned long top)
{
	if (sp >= top || (sp & 3)) {
		printk("Stack: <esp %08lx outside the thread's stack>\n", sp);
		return;
	}
	printk("Stack:");
	for (int n = 0; n < MAX_STACK_WORDS && sp < top; n++, sp += 4)
		printk("%s%08lx", (n % 8) ? " " : "\n       ", *(unsigned long *)sp);
	printk("\n");
}

void __kprobes show_code(unsigned long eip)
{
	if (!kernel_text_address(eip)) {
		printk("Code: <eip %08lx outside kernel text>\n", eip);
		return;
	}
	printk("Code:");
	for (unsigned long a = eip - 8; a < eip + 8; a++) {
		if (!kernel_text_address(a))
			continue;
		u8 b = *(const u8 *)a;
		printk(a == eip ? " <%02x>" : " %02x", b);
	}
	printk("\n");
}

void __kprobes show_thread(const struct thread_info *ti)
{
	const struct task_struct *t = ti->task;

	if (ti->stack_end != STACK_END_MAGIC)
		printk("Thread stack end marker overwritten: stack overflow?\n");
	if (!t) {
		printk("Thread: <no task at threadinfo=%p>\n", (const void *)ti);
		return;
	}
	printk("Thread: %s (tid: %d, threadinfo=%p task=%p) preempt_count: %08x\n",
	       t->comm, t->tid, (const void *)ti, (const void *)t, ti->preempt_count);
}

void __kprobes dump_stack(void)
{
	printk("Call Trace:\n");
	/* Our own frame's return address is the first entry: who called dump_stack. */
	show_trace(0, (unsigned long)__builtin_frame_address(0), current_thread_info());
}

unsigned __kprobes stack_trace_save(unsigned long *store, unsigned size, unsigned skip)
{
	const struct thread_info *ti = current_thread_info();
	unsigned long lo = stack_base(ti) + sizeof(struct thread_info);
	unsigned long hi = stack_top(ti);
	unsigned long ebp = (unsigned long)__builtin_frame_address(0);
	unsigned n = 0;

	/* The same walk as show_trace's, into store. */
	for (int frames = 0; frames < MAX_FRAMES && n < size; frames++) {
		if (ebp < lo || ebp + 8 > hi || (ebp & 3))
			break;
		unsigned long next = ((unsigned long *)ebp)[0];
		unsigned long ret = frame_return_address(ti, ebp);
		if (!kernel_text_address(ret))
			break;
		if (skip)
			skip--;
		else
			store[n++] = ret;
		if (next <= ebp)
			break;
		ebp = next;
	}
	return n;
}
