// SPDX-License-Identifier: MIT
/*
 * Who is where (kernel/optprobe.c's waits): may a jmp go in now -- is any thread stopped
 * on an instruction of the region after the first? -- and may a retired detour buffer be
 * freed -- may any thread still come back to it? On one CPU every thread's saved state is
 * in memory, on its stack, so both questions are answered by searching the stacks (Linux
 * waits for an RCU-tasks grace period instead). The search is conservative: a word that
 * looks like an interrupt frame's eip (followed by the kernel's cs) counts, whether it is
 * one or a stale copy, so at worst an optimization waits, or a buffer is kept, longer than
 * it had to.
 */
#include "optprobes.h"
#include "desc.h"
#include "sched.h"
#include "kprobes_internal.h"

/* A match sees the word at w and the room (bytes) from w to the stack's top. */
typedef bool stack_match_t(const unsigned long *w, unsigned long room,
			   const struct optimized_kprobe *op);

struct stack_search {
	stack_match_t *match;
	const struct optimized_kprobe *op;
	bool found;
};

/*
 * Searches the live part of t's stack, from its saved esp to the top, at every byte: code
 * may run with esp misaligned (the differential test's corpus does), and an interrupt frame
 * pushed then is misaligned too.
 *
 * The running thread's stack is searched from here: an interrupt this code runs in (the
 * tick's retries) has the interrupted code's frame above, and a handler that called it
 * from a detour buffer has its return address into that buffer there (in_buffer).
 */
static void search_stack(struct task_struct *t, void *data)
{
	struct stack_search *s = data;
	unsigned long lo, hi = (unsigned long)t->stack + THREAD_SIZE;

	if (t == current)
		lo = (unsigned long)__builtin_frame_address(0);
	else if (t->state == TASK_NEW || t->state == TASK_DEAD)
		return;                         /* never ran yet, or never runs again */
	else
		lo = t->esp;
	if (lo < (unsigned long)t->stack || lo > hi)
		lo = (unsigned long)t->stack;   /* a saved esp off its stack: search it all */
	for (unsigned long a = lo; !s->found && a + sizeof(unsigned long) <= hi; a++)
		s->found = s->match((const unsigned long *)a, hi - a, s->op);
}

static bool any_stack_holds(stack_match_t *match, const struct optimized_kprobe *op)
{
	struct stack_search s = { match, op, false };

	for_each_thread(search_stack, &s);
	return s.found;
}

/*
 * An instruction of the region after the first, as the saved eip of an interrupt frame
 * (eip, cs, eflags): where no thread may stand at the patch. Only an interrupt or an
 * exception can leave a thread there -- the instruction before it is in the region, and
 * calls are refused there, so no return address points to one -- hence only a word
 * followed by the kernel's cs counts. Any word did before, and the optimizer's own
 * callers hold such addresses: optprobe_after_change(addr) of a probe leaving the region
 * (its argument, unregister_kprobe's local) kept the probe there waiting.
 */
static bool in_region(const unsigned long *w, unsigned long room,
		      const struct optimized_kprobe *op)
{
	if (room < 2 * sizeof(unsigned long) || (u16)w[1] != KERNEL_CS)
		return false;
	for (unsigned i = 1; i < op->ninsn; i++)
		if (w[0] == (unsigned long)op->kp->addr + op->insn_off[i])
			return true;
	return false;
}

/*
 * An address in op's buffer that a thread may still come back to: an interrupt frame's
 * eip (preempted or faulting in the copied instructions, or at the entry before its
 * cli), or -- while op's own handler runs, called from the buffer with interrupts off,
 * so in this thread only -- any word, its return address among them. Any word counted
 * before, and the last hit's return address stays behind in dead stack that later frames
 * leave unwritten: buffers were then freed by a tick much later, under tests that count
 * free frames (mm.frames_unique_and_in_usable_ram, kprobes_many).
 */
static bool in_buffer(const unsigned long *w, unsigned long room,
		      const struct optimized_kprobe *op)
{
	if (w[0] - (unsigned long)op->buf >= OPTPROBE_BUF_SIZE)
		return false;
	if (current_kprobe == op->kp)
		return true;
	return room >= 2 * sizeof(unsigned long) && (u16)w[1] == KERNEL_CS;
}

bool optprobe_thread_in_region(const struct optimized_kprobe *op)
{
	return op->ninsn > 1 && any_stack_holds(in_region, op);
}

bool optprobe_buffer_in_use(const struct optimized_kprobe *op)
{
	return any_stack_holds(in_buffer, op);
}
