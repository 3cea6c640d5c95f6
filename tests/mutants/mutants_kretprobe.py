# SPDX-License-Identifier: MIT
"""The mutants of issue 14's return probes (kernel/kretprobe.c and its trampoline), added
to mutants_list.MUTANTS (same format): the entry (kretprobe_entry_slow and the asm
pre_handler_kretprobe), the return (the trampoline's asm fast path, its C handler and its
slow path), the backtrace fixup, and unregistering with instances out.
Numbered from 200 so that the other parts of issue 14 can number theirs apart; 220-239 are
the asm fast paths of the kretprobe hit (the 150-instruction target).
"""
from mutants_list import M

KRP = "kernel/kretprobe.c"
KRR = "kernel/kretprobe_register.c"   # registration, pool, batches
KRT = "kernel/kretprobe_trampoline.asm"
# Every kretprobes suite and the oops boots (the kretprobe_oops scenarios).
KRETPROBES = "--only selftest --only oops --select=kretprobes*"

# ---- the entry ----
M("200", KRP, "rp->nmissed++;", "",
  "an entry with no free instance is not counted", KRETPROBES,
  within="int __kprobes __used kretprobe_entry_slow(")
M("201", KRP, "if (rp->entry_handler)", "if (0)",
  "entry_handler never runs (no data, no decline)", KRETPROBES,
  within="int __kprobes __used kretprobe_entry_slow(")
M("202", KRP, "if (rp->entry_handler(ri, regs)) {", "if (0 && rp->entry_handler(ri, regs)) {",
  "entry_handler's non-zero does not decline the call", KRETPROBES,
  within="static int __kprobes __noinline entry_with_handler(")
M("203", KRP, "ri->next = tsk->kretprobe_instances;", "ri->next = NULL;",
  "the task's list is not LIFO: a new instance drops the ones below it", KRETPROBES,
  within="static __always_inline void __kprobes arm_return(")

# ---- the return (the handler runs in the trampoline's fast path: 205, 206, 224-235) ----
M("204", KRP, "regs->eip = (unsigned long)ri->ret_addr;", "",
  "the real return address is not put back: the iret goes nowhere", KRETPROBES,
  within="kretprobe_trampoline_handler(struct pt_regs *regs)")
M("205", KRT, "mov [current_kprobe], edx       ; current_kprobe = &rp->kp (RP_KP is 0)", "",
  "the return handler runs with no probe active: a probe it hits is a hit, not a miss",
  KRETPROBES)
M("206", KRT, "mov dword [kprobe_in_handler], KPROBE_IN_KRETPROBE", "",
  "a fault or oops in the return handler names the pre handler", KRETPROBES)
M("207", KRP, "ri->next = rp->free_instances;", "ri->next = NULL;",
  "a return without its handler (a miss) recycles its instance dropping the rest of the "
  "free list", KRETPROBES, within="kretprobe_trampoline_handler(struct pt_regs *regs)")
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
M("212", KRP, "ret = ((struct pt_regs *)(slot + KRETPROBE_HANDLER_RET_TO_REGS))->eip;", "",
  "the trampoline's own frame (a handler's backtrace) shows the trampoline", KRETPROBES,
  within="unsigned long __kprobes kretprobe_find_ret_addr(")
M("213", KRR, "instances[i]->rp = NULL;        /* its return frees it */", "",
  "an outstanding instance still points at its unregistered kretprobe", KRETPROBES,
  within="void unregister_kretprobe(")

# ---- registration, batches, the exit flush (the kretfix part; numbered from 240) ----
SCH = "kernel/sched.c"
KTH = "kernel/kthread.c"
M("240", KRR, "if ((insn.attr & (INSN_ATTR_RET | INSN_ATTR_RET_FAR)) && insn.imm_size)",
  "if (0)", "a callee-pops function (ret $N) is accepted: its first return panics",
  KRETPROBES, within="static int check_return_kind(")
M("241", KRR, "kprobe_recover_text(pc, buf, avail);", "",
  "the ret $N check reads the text with other probes' int3s in it: one on the ret hides it",
  KRETPROBES, within="static int check_return_kind(")
M("242", KRR, ".size = sizeof(struct kretprobe),", ".size = sizeof(struct kprobe),",
  "a rolled-back batch gets back only its kprobe: nmissed and the rest stay as register left "
  "them", KRETPROBES, within="static const struct probe_batch_ops kretprobe_batch_ops")
M("243", KRR, "if (rps[i])", "if (1)",
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

# ---- the asm fast paths (a kretprobe hit within 150 instructions) ----
# pre_handler_kretprobe, the common entry (kernel/kretprobe.c's __asm__)
M("220", KRR, "rp->kp.pre_handler = rp->entry_handler ? kretprobe_entry_slow : "
  "pre_handler_kretprobe;", "rp->kp.pre_handler = pre_handler_kretprobe;",
  "a kretprobe with an entry_handler gets the common entry: it never runs, never declines",
  KRETPROBES, within="int register_kretprobe(")
M("221", KRP, '"	mov %ecx, " KRP_STR(RI_NEXT) "(%eax)\\n"   /* ri->next = '
  'tsk->kretprobe_instances */', '"	movl $0, " KRP_STR(RI_NEXT) "(%eax)\\n"',
  "the common entry's instance drops the ones below it: the task's list is not LIFO",
  KRETPROBES, within="__asm__(")
M("222", KRP, '"	movl $kretprobe_trampoline, " KRP_STR(PT_ESP) "(%ecx)\\n" /* *ri->fp: '
  'trampoline */', '',
  "the return address is not swapped: the call's return is never seen", KRETPROBES,
  within="__asm__(")
M("223", KRP, '"	lea " KRP_STR(PT_ESP) "(%ecx), %edx\\n"', '"	mov %ecx, %edx\\n"',
  "the instance records the wrong slot: the return cannot find it", KRETPROBES,
  within="__asm__(")
# the trampoline's fast path (kernel/kretprobe_trampoline.asm)
M("224", KRT, "jne kretprobe_trampoline_slow ; not ri's: instances unwound past, or corruption",
  "", "instances a longjmp unwound past are taken for this return's: the wrong return "
  "address", KRETPROBES)
M("225", KRT, "jz kretprobe_trampoline_slow ; rp unregistered: the C function frees ri", "",
  "an orphaned instance (its kretprobe gone) runs the fast path through a NULL kretprobe",
  KRETPROBES)
M("226", KRT, "jne kretprobe_trampoline_slow ; a probe is being handled: a miss, the C "
  "counts it", "", "a return under a probe's handler runs its handler (nested) instead of "
  "a miss", KRETPROBES)
M("228", KRT, "add dword [ecx + TI_PREEMPT_COUNT], KRP_PREEMPT_OFFSET ; preempt_disable()",
  "", "the fast path's handler runs preemptible, and the count drops below zero after it",
  KRETPROBES)
M("229", KRT, "mov [ecx + TSK_KRETPROBE_INSTANCES], eax ; ri off the task's list", "",
  "the fast path leaves the instance on the task: the next return finds it again",
  KRETPROBES)
M("230", KRT, "mov [esp + 4 + PT_EIP], eax     ; regs->eip = ri->ret_addr: the handler sees it",
  "", "the fast path does not put the real return address back: the iret goes nowhere",
  KRETPROBES)
M("232", KRT, "mov dword [current_kprobe], 0", "",
  "the fast path's hit never ends: every later int3 looks nested", KRETPROBES)
M("233", KRT, "mov [ebx + RI_NEXT], eax", "mov dword [ebx + RI_NEXT], 0",
  "the fast path's recycled instance drops the rest of the free list", KRETPROBES)
M("234", KRT, "mov eax, [esp + 12 + PT_EAX]", "",
  "the fast path's return value is the handler's eax, not the function's", KRETPROBES)
M("235", KRT, "mov ebx, [esp + 8]              ; the function's ebx", "",
  "the fast path returns with ebx holding the instance, not the function's ebx", KRETPROBES)
M("236", KRP, "if (rp && rp->handler && !kprobe_running())", "if (0)",
  "a return found past unwound instances never runs its handler", KRETPROBES,
  within="kretprobe_trampoline_handler(struct pt_regs *regs)")
M("237", KRT, "jnz kretprobe_trampoline_fast   ; 1: the task's first instance is this return's now",
  "", "a return found past unwound instances skips its handler and keeps its instance",
  KRETPROBES)

# ---- the review's hot-path findings: chains on one slot, longjmp leftovers (issue 14) ----
KRSTACK = "--only selftest --select=kretprobes*,test_kprobes"
M("250", KRT, "je kretprobe_trampoline_slow ; a chain of returns on this slot: the C runs it",
  "", "a chained return takes the fast path: its handler is told the trampoline, and the "
  "older instance on the slot is returned through again", KRSTACK)
M("251", KRP, "if (ri->fp == slot && ri->ret_addr != (kprobe_opcode_t *)kretprobe_trampoline)",
  "if (ri->fp == slot)", "a backtrace through a chained slot shows the trampoline", KRSTACK)
M("252", KRP, "ri->ret_addr = (kprobe_opcode_t *)real;    /* what its handler is told */", "",
  "a chained instance's handler is told the trampoline as ri->ret_addr", KRSTACK)
M("253", KRP, "recycle_dead_instances(current, &regs->esp);", "(void)recycle_dead_instances;",
  "longjmp leftovers drain the pool: every later entry is a miss", KRSTACK)
M("254", KRP, "if (ri->fp < sp || (ri->fp == sp && !chained)) {",
  "if (ri->fp < sp || (ri->fp == sp && !chained && 0)) {",
  "a leftover at the entry's own slot is kept: the pool still drains", KRSTACK)
