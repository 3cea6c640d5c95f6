// SPDX-License-Identifier: MIT
/*
 * Kernel threads: their task_structs, their stacks, creation, exit and join, and the
 * thread list.
 *
 * Stacks live in STACK_AREA, one slot per task-table index. Each slot is 2 * THREAD_SIZE
 * of address space of which only the upper THREAD_SIZE is mapped:
 *
 *   slot base                 +THREAD_SIZE                        +2*THREAD_SIZE
 *   | unmapped (guard)        | thread_info | stack ... grows down | <- next slot's guard
 *
 * So every stack is THREAD_SIZE-aligned (current_thread_info() works), and both the byte
 * below its base and the byte above its top are unmapped: an overflow or an over-read
 * faults instead of silently touching a neighbour.
 */
#include "sched.h"
#include "errno.h"
#include "irqflags.h"
#include "kernel.h"
#include "mm.h"
#include "preempt.h"
#include "processor.h"
#include "string.h"

#define PAGES_PER_STACK (THREAD_SIZE / PAGE_SIZE)

struct task_struct *task_table[MAX_THREADS];
static struct task_struct task_store[MAX_THREADS];
/* Slots taken, including ones whose thread is still being built or torn down: only a
 * complete thread is in task_table, where the thread list and the tick can see it. */
static bool slot_busy[MAX_THREADS];
static int next_tid = 1;
void (*kprobe_flush_task_hook)(struct task_struct *t);

static unsigned long slot_stack_base(int slot)
{
	return STACK_AREA + (unsigned long)slot * 2 * THREAD_SIZE + THREAD_SIZE;
}

static void free_stack(int slot, unsigned mapped_pages)
{
	unsigned long base = slot_stack_base(slot);

	for (unsigned i = 0; i < mapped_pages; i++) {
		unsigned long va = base + i * PAGE_SIZE;
		unsigned long pa = lookup_pte(va) & PAGE_MASK;
		unmap_page(va);
		free_page(pa);
	}
}

/* Maps fresh zeroed frames for slot's stack; zeroes make the high-water mark work. */
static int alloc_stack(int slot)
{
	unsigned long base = slot_stack_base(slot);

	for (unsigned i = 0; i < PAGES_PER_STACK; i++) {
		unsigned long pa = alloc_page();
		if (!pa || map_page(base + i * PAGE_SIZE, pa, PTE_WRITE)) {
			if (pa)
				free_page(pa);
			free_stack(slot, i);
			return -ENOMEM;
		}
	}
	return 0;
}

/* First code a new thread runs (switch_to "returns" here). */
static void __noreturn kthread_start(void)
{
	struct task_struct *t = current;

	/* __schedule switched to us with interrupts off; a thread starts with them on. */
	finish_task_switch();
	local_irq_enable();
	kthread_exit(t->fn(t->arg));
}

struct task_struct *kthread_create(int (*fn)(void *arg), void *arg, const char *name)
{
	unsigned long flags;
	int slot = -1;

	local_irq_save(flags);
	for (int i = 1; i < MAX_THREADS; i++) {
		if (!slot_busy[i]) {
			slot = i;
			slot_busy[i] = true;
			break;
		}
	}
	local_irq_restore(flags);
	if (slot < 0)
		return NULL;
	if (alloc_stack(slot)) {
		slot_busy[slot] = false;
		return NULL;
	}

	struct task_struct *t = &task_store[slot];
	struct thread_info *ti = (struct thread_info *)slot_stack_base(slot);
	memset(t, 0, sizeof(*t));
	t->slot = slot;
	t->stack = ti;
	t->fn = fn;
	t->arg = arg;
	t->state = TASK_NEW;
	strlcpy(t->comm, name, sizeof(t->comm));
	ti->task = t;
	ti->stack_end = STACK_END_MAGIC;

	/* The stack switch_to expects: edi esi ebx ebp, EFLAGS, then the return address;
	 * above that a zero "return address" for kthread_start, which ends backtraces. The
	 * flags are clean (no TF, AC, NT inherited from anyone) with IF off, as __schedule
	 * runs the switch; kthread_start turns interrupts on. */
	unsigned long *sp = (unsigned long *)stack_top(ti);
	*--sp = 0;
	*--sp = (unsigned long)kthread_start;
	*--sp = X86_EFLAGS_FIXED;
	*--sp = 0;      /* ebp: 0 also ends the frame-pointer chain */
	*--sp = 0;      /* ebx */
	*--sp = 0;      /* esi */
	*--sp = 0;      /* edi */
	t->esp = (unsigned long)sp;

	local_irq_save(flags);
	t->tid = next_tid++;
	task_table[slot] = t;       /* published complete */
	local_irq_restore(flags);
	return t;
}

struct task_struct *kthread_run(int (*fn)(void *arg), void *arg, const char *name)
{
	struct task_struct *t = kthread_create(fn, arg, name);
	if (t)
		wake_up_process(t);
	return t;
}

void kthread_exit(int code)
{
	struct task_struct *t = current;

	if (preempt_count()) {
		report_bug("thread %s/%d exited with preempt_count 0x%08x", t->comm, t->tid,
			   preempt_count());
		current_thread_info()->preempt_count = 0;
	}
	local_irq_disable();
	/* No flush of t's return probe instances here: the calls it dies inside (this
	 * schedule() among them) still take theirs. finish_task_switch gives them back. */
	t->exit_code = code;
	t->state = TASK_DEAD;
	if (t->joiner)
		wake_up_process(t->joiner);
	schedule();
	BUG();          /* a dead thread is never picked again */
}

int kthread_join(struct task_struct *t)
{
	unsigned long flags;
	int code;

	BUG_ON(t == current || t == &boot_task);
	local_irq_save(flags);
	/* One join per thread: a second would free a stack that may be someone else's. */
	BUG_ON(task_table[t->slot] != t);
	BUG_ON(t->joiner && t->joiner != current);
	while (t->state != TASK_DEAD) {
		t->joiner = current;
		current->state = TASK_BLOCKED;
		schedule();
	}
	code = t->exit_code;
	/* It will never run again. Unpublish it first, so nobody walks a stack that is
	 * being unmapped, then free the stack and finally the slot. */
	task_table[t->slot] = NULL;
	local_irq_restore(flags);
	free_stack(t->slot, PAGES_PER_STACK);
	local_irq_save(flags);
	slot_busy[t->slot] = false;
	local_irq_restore(flags);
	return code;
}

unsigned long stack_high_water(const struct task_struct *t)
{
	const unsigned long *p = (const unsigned long *)(stack_base(t->stack) +
							 sizeof(struct thread_info));
	const unsigned long *top = (const unsigned long *)stack_top(t->stack);

	while (p < top && *p == 0)
		p++;
	return (unsigned long)top - (unsigned long)p;
}

unsigned nr_threads(void)
{
	unsigned n = 0;
	for (unsigned i = 0; i < MAX_THREADS; i++)
		n += task_table[i] != NULL;
	return n;
}

void for_each_thread(void (*fn)(struct task_struct *t, void *data), void *data)
{
	unsigned long flags;

	local_irq_save(flags);
	for (unsigned i = 0; i < MAX_THREADS; i++)
		if (task_table[i])
			fn(task_table[i], data);
	local_irq_restore(flags);
}

const char *task_state_name(enum task_state s)
{
	static const char *const names[] = { "new", "running", "sleeping", "blocked", "dead" };
	return (unsigned)s < ARRAY_SIZE(names) ? names[s] : "?";
}

static void show_one(struct task_struct *t, void *data)
{
	(void)data;
	printk("%5d %-15s %-8s %08x %5lu/%d%s\n", t->tid, t->comm, task_state_name(t->state),
	       t->stack->preempt_count, stack_high_water(t), THREAD_SIZE,
	       t == sched_running_task() ? "  <- current" : "");
}

void show_threads(void)
{
	printk("  TID NAME            STATE    PREEMPT  STACK-USED\n");
	for_each_thread(show_one, NULL);
}
