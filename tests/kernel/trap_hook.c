// SPDX-License-Identifier: MIT
/* The shared test die notifier (tests/kernel/trap_hook.h). */
#include "trap_hook.h"
#include "kprobes.h"
#include "preempt.h"
#include "processor.h"
#include "string.h"

struct trap_hook trap_hook;

static int trap_hook_notify(struct notifier_block *nb, unsigned long val, void *data)
{
	struct die_args *a = data;
	struct trap_hook *h = &trap_hook;

	(void)nb;
	if (val != h->want || (h->trapnr >= 0 && a->trapnr != h->trapnr))
		return NOTIFY_DONE;
	if (h->insn) {
		/* Compare with the original bytes: a kprobe's int3 may sit on the insn. */
		u8 text[INSN_MAX_LEN];
		memcpy(text, (const void *)a->regs->eip, h->insn_len);
		kprobe_recover_text(a->regs->eip, text, h->insn_len);
		if (memcmp(text, h->insn, h->insn_len))
			return NOTIFY_DONE;    /* not the fault we planted: let it oops */
	}
	h->hits++;
	h->regs = *a->regs;
	h->regs_esp = kernel_stack_pointer(a->regs);
	h->flags = native_save_fl();
	h->err = a->err;
	h->addr = a->addr;
	h->in_irq_ctx = in_irq();
	if (val == DIE_DEBUG)
		a->regs->eflags &= ~X86_EFLAGS_TF;      /* one step only */
	if (h->insn)
		a->regs->eip += h->insn_len;            /* resume after the faulting insn */
	return NOTIFY_STOP;
}

static struct notifier_block trap_hook_nb = {
	.notifier_call = trap_hook_notify,
	.priority = 100,
};

void trap_hook_arm(struct ktest *t, enum die_val want, int trapnr, const u8 *insn,
		   unsigned insn_len)
{
	memset(&trap_hook, 0, sizeof(trap_hook));
	trap_hook.want = want;
	trap_hook.trapnr = trapnr;
	trap_hook.insn = insn;
	trap_hook.insn_len = insn_len;
	KASSERT_EQ(t, register_die_notifier(&trap_hook_nb), 0);
}

void trap_hook_disarm(void)
{
	unregister_die_notifier(&trap_hook_nb);
}
