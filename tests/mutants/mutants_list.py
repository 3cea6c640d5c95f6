# SPDX-License-Identifier: MIT
"""The mutants of `make mutants` (tests/mutants/mutants.py runs them).

Each M(...) is one change to one line of the probe core:
  id     a number, stable (MUTANT=07 runs that one)
  file   the file it changes
  line   the exact text of the line, matched as the one line with that text (indentation
         ignored), not by number, so the list survives edits; 0 or 2+ matches is an error
         of the list. within="..." narrows the search to one function (or %macro): the
         unique line starting with that text, to the function's closing brace.
  to     the replacement line ('' deletes it; '{}' where a deleted statement would
         leave an if or else without its body, '(void)x;' where it would leave x unused)
  why    what the line is for, in one line
  tests  the tests/run.py selection that must catch it, or "unobservable: <argument>"
To add one, ask of a line on the hit path "which test fails if I change it?".
tests/mutants/mutants_exits.py adds the mutants of issue 13's exit rules.
"""

# Selections (tests/run.py flags). A self-test boot and the oops boots take seconds, so
# each mutant gets every probe suite, not just the one test expected to fail.
PROBES = "--only selftest --only oops --select=kprobes*,jprobes*"
TRAPS = "--only selftest --only oops --select=kprobes*,jprobes*,traps*"
POKE = "--only selftest --only oops --select=kprobes*,jprobes*,mm*"
AGGR = "--only selftest --only oops --select=kprobes*,jprobes*,kprobe_aggr*,kprobe_batch*"

MUTANTS = []


def M(id, file, line, to, why, tests, within=None):
    MUTANTS.append(dict(id=id, file=file, line=line, to=to, why=why, tests=tests,
                        within=within))


KP = "kernel/kprobes.c"
FLT = "kernel/kprobe_fault.c"
KPI = "kernel/kprobes_internal.h"
TRP = "kernel/trap.c"             # being edited by issue 12's helpers: re-check matches
REG = "kernel/kprobe_register.c"   # being edited by issue 12's helpers: re-check matches
JP = "kernel/jprobe.c"
AGG = "kernel/kprobe_aggr.c"
TP = "kernel/text_poke.c"
PP = "kernel/probe_point.c"
ENT = "kernel/entry.asm"           # being edited by issue 12's helpers: re-check matches
ISL = "kernel/kprobe_insn_slots.c"  # the slots, from pages on demand (issue 14)
XM = "mm/execmem.c"                 # the slot pages' mapping (issue 14)

# ---- kernel/kprobes.c: the hit path ----
# Gone with issue 13's core: the in-flight int3 branch (old 32, 33: kprobe_int3_no_probe),
# kprobe_saved_eflags and resume_execution's TF clear (old 38, 46: now kprobe_resume_flags,
# 110-118), the debug handler's TF return (old 47: now the owner-steps rules, 130-139).
M("01", ENT, "mov dr6, eax                 ; \"cleared\": its reserved bits read as 1 "
  "(as Linux writes)", "",
  "drop the DR6 clear after a probe's step (the stub's): the next #DB finds a stale BS bit",
  TRAPS, within="%macro DEBUG_STUB 0")
M("02", KP, "!(kcb->kprobe_old_flags & X86_EFLAGS_TF))) {", "1)) {",
  "boost even when TF was set at the int3: a debugger's step lands after the slot's jmp",
  TRAPS)
M("03", KPI, "own = TF_IF;", "own = X86_EFLAGS_TF;",
  "drop the popf IF mask: a stepped popf's IF is overridden by the one at the int3",
  PROBES, within="static inline unsigned long kprobe_resume_flags(")
M("04", KP, "regs->eflags &= ~TF_IF;", "regs->eflags &= ~X86_EFLAGS_TF;",
  "run the boosted slot with the probed code's IF: a thread preempted inside a slot that "
  "is then freed (the slot-reuse race)", PROBES)
M("05", KP, "return 0;               /* not the end of a step of ours */", "return 1;",
  "the debug handler claims every trap: a debugger's or a hw breakpoint's #DB vanishes",
  TRAPS, within="int __kprobes kprobe_debug_handler(")
M("06", KP, "kcb->kprobe_old_flags = regs->eflags & TF_IF;",
  "kcb->kprobe_old_flags = regs->eflags & X86_EFLAGS_IF;",
  "TF at the int3 forgotten: a debugger stepping the probed code loses its trap", TRAPS,
  within="static inline void __kprobes set_current_kprobe(")
M("07", KP, "kcb->kprobe_old_flags = regs->eflags & TF_IF;",
  "kcb->kprobe_old_flags = regs->eflags & X86_EFLAGS_TF;",
  "IF at the int3 forgotten: the probed code resumes with interrupts off", PROBES,
  within="static inline void __kprobes set_current_kprobe(")
M("08", KP, "regs->eflags |= X86_EFLAGS_TF;", "",
  "TF not set for the step: the copy runs on past its instruction into the slot's int3s",
  PROBES, within="static void __kprobes prepare_singlestep(")
M("09", KP, "regs->eflags &= ~X86_EFLAGS_IF;", "",
  "IF left on during the step: an interrupt (a probed timer handler) lands in the window",
  PROBES, within="static void __kprobes prepare_singlestep(")
M("10", KP, "regs->eip = (unsigned long)p->ainsn.insn;", "regs->eip = (unsigned long)p->addr;",
  "step the original instead of the copy: the int3 is hit again, forever", PROBES,
  within="static void __kprobes prepare_singlestep(")
M("11", KP, "regs->eflags |= X86_EFLAGS_IF;", "regs->eflags &= ~X86_EFLAGS_IF;",
  "sti emulated as cli", PROBES, within="static void __kprobes emulate_if_modifier(")
M("12", KP, "regs->eip = (unsigned long)p->addr + p->ainsn.decoded.length;",
  "regs->eip = (unsigned long)p->addr + p->ainsn.decoded.length + 1;",
  "emulated cli/sti resumes one byte late", PROBES)
M("13", KP, "if (unlikely(p->ainsn.decoded.attr & (INSN_ATTR_CLI | INSN_ATTR_STI)))",
  "if (0)",
  "cli/sti single-stepped, not emulated: after sti the step trap lands one instruction late",
  PROBES)
M("14", KP, "if (kcb->kprobe_status != KPROBE_REENTER && cur->post_handler) {",
  "if (cur->post_handler) {",
  "a missed (reentered) probe runs its post handler", PROBES)
M("15", KP, "cur->post_handler(cur, regs, 0);", "(void)regs;",
  "the post handler never runs", PROBES)
M("16", KP, "kcb->kprobe_status = KPROBE_HIT_SSDONE;", "",
  "status left at HIT_SS in the post handler: its fault is taken for the step's", PROBES)
M("17", KP, "kprobe_in_handler = KPROBE_IN_POST;", "",
  "a fault or oops in the post handler names the pre handler", PROBES)
M("18", KP, "restore_previous_kprobe(kcb);", ";",
  "a reentered hit does not give the outer hit its state back", PROBES,
  within="static __always_inline void __kprobes finish_hit(")
M("19", KP, "current_kprobe = NULL;", "{}",
  "a stepped hit never ends: every later int3 looks nested", PROBES,
  within="static __always_inline void __kprobes finish_hit(")
M("20", KP, "preempt_enable_no_resched();", "",
  "preempt_enable dropped after a stepped hit: the preempt count leaks",
  PROBES, within="static __always_inline void __kprobes finish_hit(")
M("21", KP, "current_kprobe = NULL;", "",
  "a boosted hit never ends", PROBES, within="static inline void __kprobes setup_singlestep(")
M("22", KP, "preempt_enable_no_resched();", "",
  "preempt_enable dropped after a boosted hit", PROBES,
  within="static inline void __kprobes setup_singlestep(")
M("23", KP, "regs->eip = (unsigned long)p->ainsn.insn + (resume_if ? KPROBE_BOOST_IF_ON : 0);",
  "regs->eip = (unsigned long)p->ainsn.insn + (resume_if ? KPROBE_BOOST_IF_ON : "
  "KPROBE_BOOST_IF_ON);",
  "a boosted hit always turns interrupts on, even in IF=0 code", PROBES)
M("24", KP, "regs->eip = (unsigned long)p->ainsn.insn + (resume_if ? KPROBE_BOOST_IF_ON : 0);",
  "regs->eip = (unsigned long)p->ainsn.insn + (resume_if ? 0 : 0);",
  "a boosted hit in IF=1 code leaves interrupts off", PROBES)
M("25", KP, "if (likely(p->ainsn.boostable && !p->post_handler &&",
  "if (likely(!p->post_handler &&",
  "boostable forced true: a branch runs from the slot and its jmp home is missing", PROBES)
M("26", KP, "if (likely(p->ainsn.boostable && !p->post_handler &&",
  "if (likely(p->ainsn.boostable &&",
  "boost a probe with a post handler: the post handler is skipped", PROBES)
M("27", KP, "kcb->kprobe_status = KPROBE_HIT_SS;", "",
  "status not set for the step: the debug trap is not recognised as ours", PROBES,
  within="static inline void __kprobes setup_singlestep(")
M("28", KP, "kprobes_inc_nmissed_count(p);", "", "a missed hit is not counted", PROBES)
M("29", KP, "save_previous_kprobe(kcb);", "(void)save_previous_kprobe;",
  "reentry does not save the outer hit: restoring it brings back stale state", PROBES)
M("30", KP, "kcb->kprobe_status = KPROBE_REENTER;", "kcb->kprobe_status = KPROBE_HIT_SS;",
  "a reentered hit ends like an outer one: outer state lost, post handler runs", PROBES,
  within="static int __kprobes __noinline kprobe_reenter(")
M("31", KP, "regs->eip = (unsigned long)addr;", "",
  "reentry's eip rewind dropped",
  "unobservable: both exits that follow (prepare_singlestep, emulate_if_modifier) set "
  "regs->eip themselves, so the line is dead; the lead may delete it",
  within="static int __kprobes __noinline kprobe_reenter(")
M("32", KP, "if (p->ainsn.decoded.attr & (INSN_ATTR_CLI | INSN_ATTR_STI))", "if (0)",
  "a reentered cli/sti is single-stepped: after sti the trap lands inside the slot",
  PROBES, within="static int __kprobes __noinline kprobe_reenter(")
M("33", KP, "if (hit)", "if (0)",
  "a probe hit from a handler is not taken as a reentry: its int3 goes to the die chain",
  PROBES, within="int __kprobes kprobe_int3_handler(")
M("34", KP, "regs->eip = (unsigned long)addr;", "",
  "handlers see eip after the int3, not the probed instruction's address", PROBES,
  within="int __kprobes kprobe_int3_handler(")
M("35", KP, "kcb->kprobe_status = KPROBE_HIT_ACTIVE;", "",
  "the status of the previous hit stays: a pre handler's fault is taken for a step's",
  PROBES)
M("36", KP, "if (!p->break_handler) {", "if (1) {",
  "a jprobe's hit is ended at the pre handler: jprobe_return finds no hit", PROBES)
M("37", KP, "if (!within_kprobe_blacklist((unsigned long)addr)) {", "if (1) {",
  "look up nested int3s in blacklisted text too",
  "unobservable: no probe can be registered in blacklisted text (probe_point_check), so "
  "the lookup finds nothing there; only the cost changes, which make bench reports")
M("38", KP, "if (p->break_handler) {", "if (0) {",
  "jprobe_return's int3 not offered to the break handler: every jprobe hit oopses",
  PROBES, within="int __kprobes kprobe_int3_handler(")
M("39", KP, "*tos |= get_kprobe_ctlblk()->kprobe_old_flags;", "",
  "a stepped pushf pushes IF=0 instead of the probed code's IF", PROBES)
M("40", KP, "*tos &= ~TF_IF;", "",
  "a stepped pushf pushes our TF", PROBES)
M("41", KP, "*tos = orig + (*tos - copy);", "*tos = orig + (*tos - copy) + 1;",
  "a stepped call's return address off by one", PROBES)
M("42", KP, "regs->eip = orig + (regs->eip - copy);",
  "regs->eip = orig + (regs->eip - copy) - 1;", "eip fixup off by one", PROBES)
M("43", KP, "if (!(attr & (INSN_ATTR_RET | INSN_ATTR_INDIRECT_JMP | INSN_ATTR_INDIRECT_CALL)))",
  "if (!(attr & (INSN_ATTR_INDIRECT_JMP | INSN_ATTR_INDIRECT_CALL)))",
  "the 2004 bug: a stepped ret's absolute eip 'fixed' as if relative", PROBES)
M("44", KP, "if (attr & (INSN_ATTR_REL_CALL | INSN_ATTR_INDIRECT_CALL))",
  "if (attr & INSN_ATTR_REL_CALL)",
  "a stepped indirect call returns into the slot", PROBES)
M("45", KP, "regs->eip == (unsigned long)cur->ainsn.insn)", "0)",
  "a rep string instruction is fixed up after its first iteration (the int3 runs again)",
  PROBES)
M("46", KP, "regs->eflags = kprobe_resume_flags(cur, regs->eflags, true);", "",
  "the probed code's TF/IF not restored after the step (our TF stays on, IF off)", TRAPS,
  within="static __always_inline void __kprobes finish_step(")
M("47", KP, "if (unlikely((kcb->kprobe_old_flags & X86_EFLAGS_TF) || (*dr6 & DR_TRAP_BITS)))",
  "if (unlikely(*dr6 & DR_TRAP_BITS))",
  "a debugger stepping across a stepped probe loses its trap", TRAPS)

# ---- kernel/kprobe_fault.c: faults while a probe is active ----
M("50", FLT, "if (kcb->kprobe_status & (KPROBE_HIT_SS | KPROBE_REENTER)) {",
  "if (kcb->kprobe_status & KPROBE_HIT_SS) {",
  "a fault in a reentered step is not fixed up (left at the slot)", PROBES,
  within="int __kprobes kprobe_fault_handler(")
M("51", FLT, "regs->eip = (unsigned long)cur->addr;", "",
  "a fault in the stepped copy is reported inside the slot", PROBES)
M("52", FLT, "regs->eflags = kprobe_resume_flags(cur, regs->eflags, false);", "",
  "a fault in the stepped copy keeps our TF and IF=0", PROBES)
M("53", FLT, "preempt_enable_no_resched();", "",
  "preempt_enable dropped when a step faults", PROBES)
M("54", FLT, "if (in == KPROBE_IN_FAULT || !cur->fault_handler)",
  "if (!cur->fault_handler)",
  "a fault in the fault handler is offered to it again (recursion)", PROBES)
M("55", FLT, "if (!reentered)", "if (1)",
  "a fault in a reentered step is not offered to the outer probe's fault_handler", PROBES)
M("56", FLT, "regs->eip = (unsigned long)p->addr + (off ? p->ainsn.decoded.length : 0);",
  "regs->eip = (unsigned long)p->addr;",
  "the boosted fault offset rule: a trap past the copy reported before the instruction",
  PROBES, within="static void __kprobes fixup_boosted_fault(")
M("57", FLT, "if (off >= KPROBE_BOOST_IF_ON) {", "if (off > KPROBE_BOOST_IF_ON) {",
  "off by one: a fault at the IF-on variant's first byte keeps IF=0 and eip in the slot",
  PROBES)
M("58", FLT, "fixup_boosted_fault(regs);", "(void)fixup_boosted_fault;",
  "boosted faults not fixed up at all", PROBES)
M("59", FLT, "if (kprobe_running())", "if (0)",
  "faults during a hit never reach the probe layer", PROBES)
# ---- kernel/kprobe_register.c: slots, boosting, arming (edited by others now) ----
M("60", REG, "INSN_ATTR_POPF | INSN_ATTR_MODIFIES_IF | INSN_ATTR_INT |",
  "INSN_ATTR_INT |",
  "popf, cli and sti boosted: they set IF inside the slot, and the IF-on variant's sti "
  "undoes a popf or cli that clears it (dropping POPF alone is equivalent: popf also "
  "has MODIFIES_IF)", PROBES)
M("61", REG, "insn->length <= KPROBE_BOOST_MAX_LEN;", "insn->length <= KPROBE_BOOST_MAX_LEN + 1;",
  "an 11-byte instruction is boosted: its IF-on variant overruns the 32-byte slot", PROBES)
M("62", REG, "u32 rel = (u32)(target - (slot + at + 5));",
  "u32 rel = (u32)(target - (slot + at + 4));",
  "the slot's jmp home lands one byte late", PROBES)
M("63", REG, "image[KPROBE_BOOST_IF_ON + len] = 0xfb;                      /* sti */",
  "image[KPROBE_BOOST_IF_ON + len] = 0x90;",
  "the IF-on variant's sti is a nop: IF=1 code resumes with interrupts off", PROBES)
M("64", REG, "put_jmp(image, len, slot, next);", "",
  "the IF-off variant has no jmp home", PROBES)
M("65", REG, "ainsn->boostable = can_boost(&ainsn->decoded);",
  "ainsn->boostable = can_boost(&ainsn->decoded) || true;",
  "boostable forced true at registration", PROBES)
M("66", AGG, "if (p->break_handler && old->break_handler)", "if (0)",
  "two jprobes on one address are accepted (issue 14: two kprobes now are)", AGGR,
  within="int register_aggr_kprobe(")
M("67", REG, "if (!kprobe_disabled(p)) {", "if (1) {",
  "a probe registered disabled is armed anyway", PROBES,
  within="int register_kprobe(")
M("68", REG, "BUG_ON(disarm_kprobe(p));", "{}",
  "unregister leaves the int3 in the text", PROBES)
M("69", REG, "buf[i] = p->opcode;", "(void)buf;",
  "decoding sees other probes' int3s: a probe after a probed instruction is refused",
  PROBES)
M("70", ISL, "fill_int3(slot, c->slot_size);", "",
  "a freed slot keeps its old copy instead of int3s", PROBES)
M("71", REG, "p->nmissed = 0;", "", "a re-registered probe keeps its old nmissed", PROBES)

# ---- kernel/jprobe.c ----
M("75", JP, "jprobe_saved_esp = NULL;", "",
  "jprobe_saved_esp not cleared after the return: a later stray jprobe_return longjmps "
  "onto a dead frame", PROBES, within="int __kprobes longjmp_break_handler(")
M("76", JP, "jprobe_saved_bytes = JPROBE_FRAME_SIZE + MIN_STACK_SIZE(addr);",
  "jprobe_saved_bytes = JPROBE_FRAME_SIZE + MIN_STACK_SIZE(addr) - 4;",
  "off by one word in the stack copy: the last argument word is not restored", PROBES)
M("77", JP, "#define MIN_STACK_SIZE(ADDR) min((unsigned long)MAX_STACK_SIZE, "
  "jprobe_stack_room(ADDR))",
  "#define MIN_STACK_SIZE(ADDR) min((unsigned long)MAX_STACK_SIZE, "
  "jprobe_stack_room(ADDR) + 4)",
  "MIN_STACK_SIZE off by one word: reads past the stack top into the guard page", PROBES)
M("78", JP, "*(unsigned long *)addr = (unsigned long)jprobe_handler_returned;", "",
  "a handler that returns resumes the probed function's caller silently", PROBES)
M("79", JP, "regs->eflags &= ~(X86_EFLAGS_IF | X86_EFLAGS_TF);",
  "regs->eflags &= ~X86_EFLAGS_TF;",
  "the jprobe handler runs with interrupts on: it can be preempted mid-hit", PROBES)
M("80", JP, "kprobe_in_handler = KPROBE_IN_JPROBE;", "",
  "an oops in a jprobe handler names the pre handler", PROBES)
M("81", JP, "if (addr <= (u8 *)jprobe_return || addr >= (u8 *)jprobe_return_end)",
  "if (addr >= (u8 *)jprobe_return_end)",
  "the break handler claims any int3 below jprobe_return_end", PROBES)
M("82", JP, "copy_words(regs, &jprobe_saved, jprobe_saved_bytes);", "",
  "the longjmp restores nothing", PROBES)
M("83", JP, "preempt_enable_no_resched();", "",
  "jprobe_return does not drop the count the int3 raises again", PROBES,
  within="void __kprobes __noinline jprobe_return(")
M("84", JP, "if (!kallsyms_is_function_entry(addr))", "if (0)",
  "a jprobe in the middle of a function is accepted", PROBES)
M("85", JP, "if (unlikely((long *)&regs->esp != jprobe_saved_esp))", "if (0)",
  "the longjmp's esp check dropped", PROBES)

# ---- kernel/text_poke.c ----
M("88", TP, "if (addr[i] != src[i])", "if (0)",
  "text_poke's read-back removed: a write through a wrong alias goes unnoticed", POKE)
M("89", TP, "unmap_page(POKE_WINDOW);", "",
  "the writable alias of kernel text stays mapped", POKE)
M("90", TP, "if (!len || !kernel_text_address(start) || !kernel_text_address(start + len - 1))",
  "if (!len || !kernel_text_address(start))",
  "a poke running past the end of text is accepted", POKE)
M("91", TP, "text_poke_count++;", "", "pokes not counted", POKE)

# ---- kernel/probe_point.c ----
M("93", PP, "if (within_kprobe_blacklist(addr) || is_kprobe_insn_slot(addr))", "if (0)",
  "probes accepted in the trap path itself", PROBES)
M("94", PP, "if (!(insn->attr & INSN_ATTR_SS_SAFE))", "if (0)",
  "instructions unsafe to step out of line are accepted", PROBES)
M("95", PP, "if (pc + (unsigned long)len > addr) {", "if (pc + (unsigned long)len >= addr) {",
  "off by one: the instruction after the first is taken for mid-instruction", PROBES)
M("96", PP, "if (ret == -ENOENT || ret == 1)", "if (ret == -ENOENT)",
  "a probe in the middle of an instruction is accepted", PROBES)

# ---- kernel/entry.asm and the slots (edited by others now) ----
M("97", ENT, "mov [esp], eax", "",
  "the slow path reuses the regs slot the C hook may have overwritten", TRAPS,
  within="%macro FAST_STUB 3")
M("98", ENT, "jz %%slow", "", "the stub claims every int3 and #DB", TRAPS,
  within="%macro FAST_STUB 3")
M("99", ENT, "cld                          ; the C ABI wants DF clear", "",
  "handlers run with the probed code's DF", TRAPS)
M("100", ENT, "inc dword [trap_counts + 4 * %1]", "",
  "the per-vector trap count that tests and make bench read stays 0", TRAPS)
M("101", ENT, "push dword -1                ; orig_eax: -1, an exception",
  "push dword 0", "orig_eax of an int3/#DB frame is not -1", TRAPS)
M("102", ISL,
  "fill_int3(pg->insns, PAGE_SIZE);", "",
  "a new slot page's unused slots hold zeroes (add [eax], al), not int3: a stray jump "
  "into one slides instead of trapping", PROBES)
# ---- issue 14: slots from pages on demand (kernel/kprobe_insn_slots.c, mm/execmem.c) ----
M("103", ISL, "free_insn_page(c, pg);", "(void)free_insn_page;",
  "a slot page is kept when its last slot is freed: its frame never comes back", PROBES,
  within="static void __free_insn_slot(")
M("104", XM, "if (i < EXEC_AREA_PAGES && !map_page(EXEC_AREA + i * PAGE_SIZE, pa, 0)) {",
  "if (i < EXEC_AREA_PAGES && !map_page(EXEC_AREA + i * PAGE_SIZE, pa, PTE_WRITE)) {",
  "slot pages mapped writable: a stray write changes a probe's copy", PROBES)
M("105", XM, "BUG_ON(set_page_flags(pa, 0));", "",
  "a slot page's frame stays writable through RAM's identity map", PROBES)
M("106", PP, "if (within_kprobe_blacklist(addr) || is_kprobe_insn_slot(addr))",
  "if (within_kprobe_blacklist(addr))",
  "a probe on an instruction slot is accepted (it would trap inside another's step)",
  PROBES)

# ---- kernel/kprobe_aggr.c: aggregates (issue 14) ----
M("166", AGG, '"1:	mov %ebx, kprobe_instance\\n"', '"1:\\n"',
  "the pre loop does not name the sub-probe it calls: a fault in its handler is offered "
  "to the wrong one (or none)", AGGR, within="__asm__(")
M("167", AGG, '"	jnz 2f\\n"', '"	nop\\n"',
  "a pre handler's 1 is ignored: the rest still run after it set up the resume", AGGR,
  within="__asm__(")
M("168", AGG, "if (!kp->break_handler && current_kprobe->break_handler) {", "if (!kp) {",
  "a kprobe's 1 beside a jprobe leaves the hit open: the next int3 is a reentry", AGGR)
M("169", AGG, "kp->nmissed++;", "{}", "a miss on an aggregate counts on no sub-probe", AGGR,
  within="void __kprobes kprobes_inc_nmissed_count(")
M("170", AGG, "if (!kprobe_disabled(kp))", "if (1)",
  "a miss counts on disabled sub-probes too", AGGR,
  within="void __kprobes kprobes_inc_nmissed_count(")
M("171", AGG, "if (!kp->post_handler || kprobe_disabled(kp))", "if (!kp->post_handler)",
  "a disabled sub-probe's post handler still runs", AGGR)
M("172", AGG, "kprobe_instance = kp;", "",
  "the post loop does not name the sub-probe it calls: its handler's fault goes to the "
  "last pre handler's sub-probe", AGGR,
  within="void __kprobes aggr_post_handler(")
M("173", AGG, "return kp->fault_handler(kp, regs, trapnr);",
  "return kp->fault_handler(p, regs, trapnr);",
  "the sub-probe's fault handler is given the manager instead of its own struct", AGGR)
M("174", AGG, "ap->post_handler = post ? aggr_post_handler : NULL;",
  "ap->post_handler = aggr_post_handler;",
  "every aggregate has a post handler: none is ever boosted", AGGR)
M("175", AGG, "while (*pp && !(*pp)->break_handler)", "while (*pp)",
  "a kprobe registered after the jprobe goes after it: never called, the jprobe diverts",
  AGGR)
M("176", AGG, "return q == p || (q && kprobe_aggrprobe(q) && kprobe_aggr_holds(q, p));",
  "return q == p;",
  "a sub-probe's own handler may unregister it mid-hit", AGGR)
M("177", AGG, "if (kp->pre_handler && !kprobe_disabled(kp)) {", "if (kp->pre_handler) {",
  "a disabled sub-probe's pre handler still runs", AGGR)
