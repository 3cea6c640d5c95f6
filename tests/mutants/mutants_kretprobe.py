# SPDX-License-Identifier: MIT
"""The mutants of issue 14's return probes (kernel/kretprobe.c and its trampoline), added
to mutants_list.MUTANTS (same format): the entry (pre_handler_kretprobe), the trampoline's
handler and its slow path, the backtrace fixup, and unregistering with instances out.
Numbered from 200 so that the other parts of issue 14 can number theirs apart.
"""
from mutants_list import M

KRP = "kernel/kretprobe.c"
KRT = "kernel/kretprobe_trampoline.asm"
# Every kretprobes suite and the oops boots (the kretprobe_oops scenarios).
KRETPROBES = "--only selftest --only oops --select=kretprobes*"

# ---- the entry ----
M("200", KRP, "rp->nmissed++;", "",
  "an entry with no free instance is not counted", KRETPROBES,
  within="int __kprobes pre_handler_kretprobe(")
M("201", KRP, "if (rp->entry_handler)", "if (0)",
  "entry_handler never runs (no data, no decline)", KRETPROBES,
  within="int __kprobes pre_handler_kretprobe(")
M("202", KRP, "if (rp->entry_handler(ri, regs)) {", "if (0 && rp->entry_handler(ri, regs)) {",
  "entry_handler's non-zero does not decline the call", KRETPROBES,
  within="static int __kprobes __noinline entry_with_handler(")
M("203", KRP, "ri->next = tsk->kretprobe_instances;", "ri->next = NULL;",
  "the task's list is not LIFO: a new instance drops the ones below it", KRETPROBES,
  within="static __always_inline void __kprobes arm_return(")

# ---- the return ----
M("204", KRP, "regs->eip = (unsigned long)ri->ret_addr;", "",
  "the real return address is not put back: the iret goes nowhere", KRETPROBES,
  within="kretprobe_trampoline_handler(struct pt_regs *regs)")
M("205", KRP, "current_kprobe = &rp->kp;", "",
  "the return handler runs with no probe active: a probe it hits is a hit, not a miss",
  KRETPROBES, within="kretprobe_trampoline_handler(struct pt_regs *regs)")
M("206", KRP, "kprobe_in_handler = KPROBE_IN_KRETPROBE;", "",
  "a fault or oops in the return handler names the pre handler", KRETPROBES,
  within="kretprobe_trampoline_handler(struct pt_regs *regs)")
M("207", KRP, "ri->next = rp->free_instances;", "ri->next = NULL;",
  "a recycled instance drops the rest of the free list", KRETPROBES,
  within="kretprobe_trampoline_handler(struct pt_regs *regs)")
M("208", KRP, "while (ri && ri->fp < slot) {", "while (0) {",
  "instances a longjmp unwound past are not recycled: the return finds no instance",
  KRETPROBES, within="kretprobe_skip_unwound(struct task_struct *tsk")
M("209", KRT, "mov eax, [esp + PT_EAX]", "",
  "the return value is the C handler's eax, not the function's", KRETPROBES)
M("210", KRT, "cli", "",
  "the return handler runs with the function's IF", KRETPROBES)

# ---- backtraces and unregistering ----
M("211", KRP, "return (unsigned long)ri->ret_addr;", "return ret;",
  "a frame returning to the trampoline reads as the trampoline in a backtrace", KRETPROBES,
  within="unsigned long __kprobes kretprobe_find_ret_addr(")
M("212", KRP, "ret = regs->eip;", "",
  "the trampoline's own frame (a handler's backtrace) shows the trampoline", KRETPROBES,
  within="unsigned long __kprobes kretprobe_find_ret_addr(")
M("213", KRP, "instances[i]->rp = NULL;        /* its return frees it */", "",
  "an outstanding instance still points at its unregistered kretprobe", KRETPROBES,
  within="void unregister_kretprobe(")

# ---- registration, batches, the exit flush (the kretfix part; numbered from 240) ----
SCH = "kernel/sched.c"
KTH = "kernel/kthread.c"
M("240", KRP, "if ((insn.attr & (INSN_ATTR_RET | INSN_ATTR_RET_FAR)) && insn.imm_size)",
  "if (0)", "a callee-pops function (ret $N) is accepted: its first return panics",
  KRETPROBES, within="static int check_return_kind(")
M("241", KRP, "kprobe_recover_text(pc, buf, avail);", "",
  "the ret $N check reads the text with other probes' int3s in it: one on the ret hides it",
  KRETPROBES, within="static int check_return_kind(")
M("242", KRP, ".size = sizeof(struct kretprobe),", ".size = sizeof(struct kprobe),",
  "a rolled-back batch gets back only its kprobe: nmissed and the rest stay as register left "
  "them", KRETPROBES, within="static const struct probe_batch_ops kretprobe_batch_ops")
M("243", KRP, "if (rps[i])", "if (1)",
  "unregister_kretprobes warns on a NULL entry instead of passing over it", KRETPROBES,
  within="void unregister_kretprobes(")
M("244", SCH, "if (prev && prev->state == TASK_DEAD && kprobe_flush_task_hook)", "if (0)",
  "a dead thread's instances (the calls it died inside) are never given back", KRETPROBES)
M("245", SCH, "switched_from = prev;", "",
  "the thread switched to never learns who died: no flush", KRETPROBES,
  within="static void __schedule(")
M("246", KTH, "finish_task_switch();", "",
  "a dead thread switched to a new one (kthread_start) keeps its instances", KRETPROBES,
  within="static void __noreturn kthread_start(")
