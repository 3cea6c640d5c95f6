# SPDX-License-Identifier: MIT
"""The mutants of issue 13's exit rules, added to mutants_list.MUTANTS (same format):
kprobe_resume_flags, the paths where the probed code's owner (a debugger: TF at the int3)
or a debug register shares a step, what trap.c offers the probe layer and the CR2 it
keeps, and kprobe_fault.c's fault-at-the-copy check and boosted-slot offset rule.
"""
from mutants_list import FLT, KP, KPI, M, PROBES, TRAPS, TRP

# ---- kprobe_resume_flags (kernel/kprobes_internal.h): the flags every exit resumes with ----
M("110", KPI, "own = X86_EFLAGS_IF;", "own = 0;",
  "emulated cli/sti: the IF they set is overridden by the one at the int3", PROBES,
  within="static inline unsigned long kprobe_resume_flags(")
M("111", KPI, "own = TF_IF;", "own = X86_EFLAGS_IF;",
  "a stepped popf that sets TF loses it: TF comes from the int3", TRAPS,
  within="static inline unsigned long kprobe_resume_flags(")
M("112", KPI, "if (ran && (attr & INSN_ATTR_POPF))", "if (attr & INSN_ATTR_POPF)",
  "popf owns TF/IF even when it did not run: a faulting popf resumes with the step's TF "
  "and IF=0", PROBES, within="static inline unsigned long kprobe_resume_flags(")
M("113", KPI, "else if (ran && (attr & (INSN_ATTR_CLI | INSN_ATTR_STI)))",
  "else if (attr & (INSN_ATTR_CLI | INSN_ATTR_STI))",
  "cli/sti own IF even unrun",
  "unobservable: cli/sti are never boosted nor stepped (emulated, ran=true), and cannot "
  "fault (CPL 0), so no call passes ran=false for them",
  within="static inline unsigned long kprobe_resume_flags(")
M("114", KPI, "return (flags & ~(TF_IF & ~own)) | (get_kprobe_ctlblk()->kprobe_old_flags & ~own);",
  "return flags + (own & 0);",
  "no rule at all: a handler's TF, the step's TF and IF=0 leak into the probed code",
  TRAPS, within="static inline unsigned long kprobe_resume_flags(")
M("115", KPI, "return (flags & ~(TF_IF & ~own)) | (get_kprobe_ctlblk()->kprobe_old_flags & ~own);",
  "return (flags & ~(TF_IF & ~own));",
  "the probed code's TF/IF at the int3 never come back (IF off after every hit)",
  PROBES, within="static inline unsigned long kprobe_resume_flags(")
M("116", KPI, "return (flags & ~(TF_IF & ~own)) | (get_kprobe_ctlblk()->kprobe_old_flags & ~own);",
  "return (flags & ~TF_IF) | (get_kprobe_ctlblk()->kprobe_old_flags & ~own);",
  "the instruction's own bits dropped: popf/sti results lost (IF=0, TF=0)",
  PROBES, within="static inline unsigned long kprobe_resume_flags(")
M("117", KP, "regs->eflags = kprobe_resume_flags(p, regs->eflags, true);",
  "regs->eflags = kprobe_resume_flags(p, regs->eflags, false);",
  "emulated cli/sti with ran=false: their IF is replaced by the one at the int3", PROBES,
  within="static void __kprobes emulate_if_modifier(")
M("118", KP, "regs->eflags = kprobe_resume_flags(cur, regs->eflags, true);",
  "regs->eflags = kprobe_resume_flags(cur, regs->eflags, false);",
  "a stepped popf with ran=false: the TF/IF it popped are replaced by the int3's", TRAPS,
  within="static __always_inline void __kprobes finish_step(")

# ---- the owner-steps paths: a debugger (TF at the int3) or a DR0-3 hit during a step ----
M("130", KP, "if (owner_steps && !sti) {", "if (owner_steps) {",
  "the owner's trap handed over right after sti too: one early, then one more", TRAPS)
M("131", KP, "if (owner_steps && !sti) {", "if (owner_steps && 0) {",
  "no owner's trap after an emulated cli: the debugger's step skips an instruction", TRAPS)
M("132", KP, "unsigned long dr6 = DR6_RESERVED | DR_STEP;     "
  "/* as the CPU would have set DR6 */",
  "unsigned long dr6 = DR6_RESERVED;",
  "the trap handed to the owner after cli does not say single-step (DR6.BS)", TRAPS,
  within="static void __kprobes hand_step_to_owner(")
M("133", KP, "if (!owner_steps && !(*dr6 & DR_TRAP_BITS))",
  "if (1)",
  "a rep iteration not handed to the owner: the debugger misses every iteration's trap",
  TRAPS, within="static int __kprobes kprobe_rep_iteration(")
M("134", KP, "do_debug(regs, dr6);", "(void)dr6;",
  "the owner's rep-iteration trap is dropped", TRAPS,
  within="static int __kprobes kprobe_rep_iteration(")
M("135", KP, "regs->eip = (unsigned long)cur->addr;", "",
  "the owner sees its rep-iteration trap with eip inside the slot", TRAPS,
  within="static int __kprobes kprobe_rep_iteration(")
M("136", KP, "regs->eip = (unsigned long)cur->ainsn.insn;", "",
  "after the handover the rep goes on at the original (its int3), not the copy", TRAPS,
  within="static int __kprobes kprobe_rep_iteration(")
M("137", KP, "if (!(kcb->kprobe_old_flags & X86_EFLAGS_TF))", "if (1)",
  "BS consumed even when the step was the owner's too: the debugger's trap loses DR6.BS",
  TRAPS, within="static int __kprobes __noinline finish_shared_step(")
M("138", KP, "*dr6 &= ~DR_STEP;               /* the step bit was ours alone */",
  "(void)dr6;",
  "drop the DR6 clear after a probe's step (kprobes' share): a DR0-3 hit during a step "
  "reaches the chain with our BS bit", TRAPS,
  within="static int __kprobes __noinline finish_shared_step(")
M("139", KP, "if (unlikely((kcb->kprobe_old_flags & X86_EFLAGS_TF) || (*dr6 & DR_TRAP_BITS)))",
  "if (unlikely(kcb->kprobe_old_flags & X86_EFLAGS_TF))",
  "a hw breakpoint (DR0-3) that fires during a step is swallowed with the step", TRAPS)
M("140", KP, "return 0;", "return 1;",
  "a shared step claimed whole: the owner's trap or the hw breakpoint vanishes", TRAPS,
  within="static int __kprobes __noinline finish_shared_step(")
M("141", KP, "!(*dr6 & DR_STEP))", "0)",
  "no DR_STEP check at the debug handler's entry: a DR0-3 hit in a handler is taken for "
  "the step's end", TRAPS, within="int __kprobes kprobe_debug_handler(")
M("142", KP, "regs->eflags = eflags;", "",
  "after the rep handover the copy goes on with the owner's flags (IF as at the int3)",
  TRAPS, within="static int __kprobes kprobe_rep_iteration(")

M("143", KP, "kcb->kprobe_old_flags = regs->eflags & TF_IF;", "",
  "a debugger's 'continue' at a rep iteration is forgotten: it goes on being stepped", TRAPS,
  within="static int __kprobes kprobe_rep_iteration(")
M("144", KP, "if (!owner_steps)", "if (0)",
  "a debug register's trap in a rep iteration keeps our BS bit: the debugger sees a step",
  TRAPS, within="static int __kprobes kprobe_rep_iteration(")
M("145", KP, "kprobe_fixup_slot_trap(regs);", "(void)regs;",
  "a debug register that fires in a boosted copy is reported inside the slot", TRAPS,
  within="int __kprobes kprobe_debug_handler(")
M("146", KP, "kprobe_restore_cr2(cr2);", "(void)cr2;",
  "a break handler's handled page fault becomes the CR2 of the int3's oops", PROBES,
  within="int __kprobes kprobe_int3_handler(")

# ---- kernel/trap.c: what reaches the probe layer, and CR2 ----
M("150", TRP, "return trap_classes[vector] == TRAP_CLASS_FAULT || vector == X86_TRAP_OF;",
  "return trap_classes[vector] <= TRAP_CLASS_NMI;",
  "NMI, machine check, double fault offered to a probe's fault_handler", TRAPS,
  within="static bool __kprobes raised_by_instruction(")
M("151", TRP, "return trap_classes[vector] == TRAP_CLASS_FAULT || vector == X86_TRAP_OF;",
  "return trap_classes[vector] == TRAP_CLASS_FAULT;",
  "into (#OF) in a handler not offered to the probe's fault_handler", TRAPS,
  within="static bool __kprobes raised_by_instruction(")
M("152", TRP, "do_trap_slow(regs, vector, (long)err, cr2);",
  "do_trap_slow(regs, vector, (long)err, read_cr2() + (cr2 & 0));",
  "CR2 read after the probe hook, not at entry: a fault_handler's own fault renames it",
  TRAPS, within="static void __kprobes do_trap(")
M("153", TRP, "oops_cr2 = cr2;         /* only now: a notifier's own handled fault changed CR2 */",
  "oops_cr2 = read_cr2();",
  "the oops's CR2 read after the chain: a notifier's own handled fault renames it", TRAPS,
  within="static void __kprobes __noinline do_trap_slow(")
M("154", TRP, "if (probe_hooks && raised_by_instruction(vector) && "
  "probe_hooks->fault(regs, (int)vector))",
  "if (probe_hooks && raised_by_instruction(vector) && 0)",
  "faults never reach the probe layer (no fault_handler, no step fixup)", TRAPS,
  within="static void __kprobes do_trap(")

# ---- kernel/kprobe_fault.c: the fault-at-the-copy check, the boosted offset rule ----
M("160", FLT, "if (regs->eip != (unsigned long)cur->ainsn.insn)", "if (0)",
  "the fault-at-the-slot check dropped: a fault elsewhere during a step (a hw-breakpoint "
  "notifier's) is taken for the probed instruction's", TRAPS)
M("161", FLT, "regs->eip = (unsigned long)p->addr + (off ? p->ainsn.decoded.length : 0);",
  "regs->eip = (unsigned long)p->addr + p->ainsn.decoded.length;",
  "the boosted fault offset rule: a fault at the copy reported after the instruction",
  PROBES, within="static void __kprobes fixup_boosted_fault(")
M("162", FLT, "regs->eflags |= X86_EFLAGS_IF;", "",
  "a fault in the IF-on variant reported with IF=0 (the slot's, not the probed code's)",
  PROBES, within="static void __kprobes fixup_boosted_fault(")
M("163", FLT, "off -= KPROBE_BOOST_IF_ON;", "",
  "a fault in the IF-on variant taken for one past the copy", PROBES,
  within="static void __kprobes fixup_boosted_fault(")
M("164", FLT, "restore_previous_kprobe(kcb);", ";",
  "a reentered step's fault does not give the outer hit back", PROBES,
  within="int __kprobes kprobe_fault_handler(")
M("165", FLT, "cur = current_kprobe;", "",
  "a reentered step's fault offered to the missed probe, not the outer one", PROBES,
  within="int __kprobes kprobe_fault_handler(")
