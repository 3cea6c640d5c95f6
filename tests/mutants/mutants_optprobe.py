# SPDX-License-Identifier: MIT
"""The mutants of issue 16's jump-optimized probes (kernel/optprobe.c, optprobe_prepare.c
and the detour template), added to mutants_list.MUTANTS (same format): the detour's hit
path, the safety analysis, the patching and its order, the waits for threads, and the
traps that take an optimization back out. Numbered from 300.
"""
from mutants_list import M

OPT = "kernel/optprobe.c"
OPF = "kernel/kprobe_fault.c"   # the traps in detour buffers
OPS = "kernel/optprobe_stacks.c"  # who is where
OPP = "kernel/optprobe_prepare.c"
OPT_ASM = "kernel/optprobe_template.asm"
# The optimized-probe suites and the differential test (every corpus site, optimized).
OPTPROBES = "--only selftest --select=optprobes*,kprobes_diff"

# ---- the detour: a hit as an int3 hit would be ----
M("300", OPT_ASM, "cli", "nop", "the pre handler runs with interrupts on", OPTPROBES)
M("301", OPT_ASM, "jne tp_l_missed", "",
  "a probe hit from inside a handler runs its handler: no miss counted", OPTPROBES)
M("302", OPT_ASM,
  "add dword [ebx + TI_PREEMPT_COUNT], KRP_PREEMPT_OFFSET      ; preempt_disable()", "",
  "the pre handler runs preemptible (and the count drops below zero after)", OPTPROBES)
M("303", OPT_ASM, "jnz tp_l_diverted", "",
  "a pre handler's non-zero (resume at regs->eip) is ignored", OPTPROBES)
M("304", OPT_ASM,
  "and dword [esp + PT_EFLAGS], ~X86_TF_IF     ; TF and IF: the probed code's, whatever",
  "", "a handler's change of IF or TF in regs reaches the probed code", OPTPROBES)
M("305", OPT_ASM, "mov dword [current_kprobe], 0   ; = p",
  "mov dword [kprobe_ctlblk + KCB_STATUS], 0   ; p lands here, not in current_kprobe",
  "current_kprobe stays NULL during the handler: kprobe_running() is false in it",
  OPTPROBES)
M("306", OPT_ASM, "push dword -1                   ; regs->orig_eax: -1, as for an exception",
  "push dword 0", "regs->orig_eax is not an int3's -1", OPTPROBES)
M("307", OPT_ASM, "pop eax", "add esp, 4",
  "a handler's change of regs->eax is lost", OPTPROBES, within="tp_l_resume:")

# ---- the safety analysis ----
M("310", OPP, "if (insn_is_rel(&insn) && insn.rel_target > addr && insn.rel_target < addr + len)",
  "if (insn_is_rel(&insn) && insn.rel_target > addr + len && insn.rel_target < addr)",
  "a jump into the region (past its first byte) is not refused", OPTPROBES)
M("311", OPP, "if (insn.attr & INSN_ATTR_INDIRECT_JMP)", "if (0)",
  "a function with an indirect jump (a jump table) is optimized", OPTPROBES)
M("312", OPP, "if (get_kprobe(ap->addr + i))", "if (0)",
  "another probe inside the region is covered by the jmp", OPTPROBES)
M("313", OPP, "if (ap->post_handler)", "if (0)",
  "a probe with a post handler is optimized: the post handler never runs", OPTPROBES)
M("314", OPP, "if (insn->attr & INSN_ATTR_REL_CALL)", "if (0)",
  "a call in the region is copied: its return address points into the buffer", OPTPROBES)
M("315", OPP,
  "return n == -INSN_ERR_TRUNCATED ? optprobe_crosses_end : optprobe_no_decode;",
  "return optprobe_no_decode;",
  "a region that would cross the function's end is refused for the wrong reason", OPTPROBES)
M("316", OPP, "image[at + 1] = (u8)(0x80 | ((op0 == 0x0f ? insn->opcode[1] : op0) & 0x0f));",
  "image[at + 1] = (u8)(0x80 | (op0 & 0x0f));",
  "a relocated jcc rel32 tests the wrong condition (0F's nibble, not its own)", OPTPROBES)

# ---- patching, waiting, undoing ----
M("320", OPT, "poke(addr + 1, jmp + 1, OPTPROBE_JMP_SIZE - 1);",
  "poke(addr, jmp, OPTPROBE_JMP_SIZE);",
  "the jmp goes in whole, opcode first (not text_poke_bp's order)", OPTPROBES)
M("321", OPT, "poke(addr, &brk, 1);",
  "poke(addr + 1, op->orig + 1, OPTPROBE_JMP_SIZE - 1); poke(addr, &brk, 1);",
  "the original bytes come back before the int3 (not text_poke_bp's order)", OPTPROBES)
M("322", OPS, "return op->ninsn > 1 && any_stack_holds(in_region, op);",
  "return op->ninsn > 1 && any_stack_holds(in_region, op) && 0;",
  "a thread stopped inside the region does not hold the jmp back", OPTPROBES)
M("323", OPT, "static void __kprobes poke(unsigned long addr, const u8 *bytes, size_t len)",
  "static void poke(unsigned long addr, const u8 *bytes, size_t len)",
  "the poking code can be probed: a probe on it is hit between its own pokes",
  "--only monitor")
M("324", OPF, "optprobe_unoptimize(op->kp, optprobe_faulted);", "",
  "a fault in a copied instruction leaves the jmp in: its handler resumes inside it",
  OPTPROBES)
M("325", OPF, "optprobe_unoptimize(op->kp, optprobe_stepped);", "",
  "a debugger's step into the detour leaves the jmp in: the next step lands inside it",
  OPTPROBES)
M("326", OPT, "buf[a + i - start] = q->op->orig[i];",
  "buf[a + i - start] = buf[a + i - start];",
  "text read for a decode shows the jmp, not the probed code", OPTPROBES)
M("327", OPT, "\t\toptprobe_unoptimize(q, NULL);", "",
  "a change at an optimized address (a second probe, a disable) keeps the jmp", OPTPROBES,
  within="void optprobe_prepare_change(")
M("328", OPS, "if (current_kprobe == op->kp)", "if (0)",
  "a handler's own retired buffer is freed under it: it returns into int3s", OPTPROBES,
  within="static bool in_buffer(")
M("329", OPT, "if (r->back > addr && r->back < addr + op->len)",
  "if (r->back > addr && r->back < addr)",
  "a jmp goes in over the jmp back of a retired buffer still in use", OPTPROBES)
M("330", OPS, "if (room < 2 * sizeof(unsigned long) || (u16)w[1] != KERNEL_CS)",
  "if (room < 2 * sizeof(unsigned long))",
  "any word equal to a region address holds the jmp back (the optimizer's own locals: "
  "a probe leaving a region never lets its neighbour be optimized again)", OPTPROBES)
