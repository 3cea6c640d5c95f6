# SPDX-License-Identifier: MIT
"""Expected-oops scenarios: boots that must die, and what their serial log must show.

Each entry boots the kernel with "crash=NAME" (tests/kernel/crash.c and friends register the
scenarios in the kernel). The boot passes when QEMU exits with the failure status (35)
and every regular expression below matches some line of the serial log.
"""

# Lines every oops must have: the vector name, EIP with cs, the registers, the thread,
# and a backtrace.
OOPS_COMMON = [
    r"^------------\[ cut here \]------------$",
    r"^EIP: 0008:\[<[0-9a-f]{8}>\] EFLAGS: [0-9a-f]{8}$",
    r"^eax: [0-9a-f]{8}   ebx: [0-9a-f]{8}   ecx: [0-9a-f]{8}   edx: [0-9a-f]{8}$",
    r"^esi: [0-9a-f]{8}   edi: [0-9a-f]{8}   ebp: [0-9a-f]{8}   esp: [0-9a-f]{8}$",
    r"^Thread: kmain \(tid: 0, ",
    r"^Call Trace:$",
    r"^ \[<[0-9a-f]{8}>\] ",
    r"^ \[<[0-9a-f]{8}>\] kmain\+0x[0-9a-f]+/0x[0-9a-f]+$",   # symbolized backtrace
    r"^---\[ end trace [0-9a-f]{8} \]---$",
]


def eip_in(func):
    """The oops names the faulting function as func+0xoff/0xsize."""
    return rf"^EIP is at {func}\+0x[0-9a-f]+/0x[0-9a-f]+$"


# Boots that must end well (exit 33): what a plain boot shows. The README and
# docs/jprobes.md quote these lines.
DEMO = {
    "demo": [
        r"^jumper 0\.1: i386 kprobes/jprobes teaching kernel \(THREAD_SIZE=\d+\)$",
        r"^demo: esp before int3 ([0-9a-f]{8}), &regs->esp in the handler \1 \(equal\)$",
        r"^demo: IF inside the handler: off \(vector 3 is an interrupt gate\)$",
        r"^demo: register_jprobe\(ip_queue_xmit -> jip_queue_xmit\) = 0$",
        r"^jprobe: ip_queue_xmit\(skb=[0-9a-f]{8}, ipfragok=0\): len 60 proto 0x0800 "
        r"ttl 64 10\.0\.0\.2 -> 10\.0\.0\.1 dev eth0$",
        r"^demo: ip_queue_xmit returned -7$",
        r"^demo: 2 packets queued, jprobe missed 0 hits$",
        r"^jumper: demo finished, shutting down\.$",
    ],
}

SCENARIOS = {
    "int3": OOPS_COMMON + [r"^Oops: int3: 0000 \[#1\]$", eip_in("crash_int3")],
    "gpf": OOPS_COMMON + [r"^Oops: general protection fault: 1234 \[#1\]$",
                          eip_in("crash_gpf")],
    "divide": OOPS_COMMON + [r"^Oops: divide error: 0000 \[#1\]$", eip_in("crash_divide")],
    "bug": OOPS_COMMON + [r"^kernel BUG at tests/kernel/crash\.c:\d+!$", eip_in("crash_bug"),
                          r"^Oops: invalid opcode: 0000 \[#1\]$"],
    "text_write": OOPS_COMMON + [
        r"^BUG: unable to handle page fault for address: [0-9a-f]{8}$",
        r"^#PF: supervisor write access in kernel mode$",
        r"^#PF: error_code\(0x0003\) - permissions violation$",
        r"^Oops: page fault: 0003 \[#1\]$", eip_in("crash_text_write")],
    "null_deref": OOPS_COMMON + [
        r"^BUG: unable to handle page fault for address: 00000000$",
        r"^#PF: supervisor read access in kernel mode$",
        r"^#PF: error_code\(0x0000\) - not-present page$",
        r"^#PF: NULL pointer dereference$", eip_in("crash_null_deref")],
    # The overflow runs into the unmapped page below the stack; the #PF cannot be
    # pushed there either, so the CPU raises #DF, which a task gate takes to its own stack.
    "stack_overflow": [
        r"^kernel stack overflow \(double fault\): thread overflower \(tid: \d+\), esp [0-9a-f]{8}",
        r"^Oops: double fault: 0000 \[#1\]$",
        r"^EIP: 0008:\[<[0-9a-f]{8}>\] EFLAGS: [0-9a-f]{8}$",
        eip_in("recurse"),
        r"^ \[<[0-9a-f]{8}>\] recurse\+0x[0-9a-f]+/0x[0-9a-f]+$",
        r"^eax: [0-9a-f]{8}   ebx: [0-9a-f]{8}   ecx: [0-9a-f]{8}   edx: [0-9a-f]{8}$",
        r"^Thread: overflower \(tid: \d+\)$",
        r"^---\[ end trace: double fault \]---$"],
    "boot_stack_overflow": [
        r"^kernel stack overflow \(double fault\): thread kmain \(tid: 0\)",
        r"^Oops: double fault: 0000 \[#1\]$"],
    # A probe handler faults and has no fault_handler: the oops names the probe.
    "kprobe_handler_fault": OOPS_COMMON + [
        r"^kprobes: unhandled page fault in the pre handler of the probe at "
        r"kp_target_add\+0x0/0x[0-9a-f]+$",
        r"^#PF: NULL pointer dereference$",
        eip_in("kp_load")],
    # jprobe_return() with no jprobe hit in progress: caught before it traps.
    "jprobe_return_outside": OOPS_COMMON + [
        r"^jprobes: jprobe_return\(\) called outside a jprobe handler$",
        r"^kernel BUG at kernel/jprobe\.c:\d+!$",
        r"^Oops: invalid opcode: 0000 \[#1\]$",
        r"^ \[<[0-9a-f]{8}>\] jprobe_return\+0x[0-9a-f]+/0x[0-9a-f]+$"],
    # A handler that returns normally lands on the trap setjmp_pre_handler planted.
    "jprobe_missing_return": OOPS_COMMON + [
        r"^jprobes: handler j_forgetful\+0x0/0x[0-9a-f]+ returned without calling "
        r"jprobe_return\(\)$",
        r"^Oops: invalid opcode: 0000 \[#1\]$"],
    "panic": [r"^Kernel panic - not syncing: deliberate panic, code 42$",
              r"^Call Trace:$", r"^ \[<[0-9a-f]{8}>\] crash_panic\+0x[0-9a-f]+/0x[0-9a-f]+$",
              r"^---\[ end Kernel panic - not syncing: deliberate panic, code 42 \]---$"],
}

# A handler faults and nothing claims it: the oops names the probe and the handler that
# was running (kprobe_in_handler, kernel/kprobe_fault.c). The pre handler's case is
# "kprobe_handler_fault" above.
def _handler_fault(handler, probe, func="kp_load", common=OOPS_COMMON):
    return common + [
        rf"^kprobes: unhandled page fault in the {handler} of the probe at "
        rf"{probe}\+0x0/0x[0-9a-f]+$",
        r"^#PF: NULL pointer dereference$",
        eip_in(func)]


SCENARIOS.update({
    "kprobe_post_handler_fault": _handler_fault("post handler", "kp_target_mul"),
    "jprobe_handler_fault": _handler_fault("jprobe handler", "jp_tick"),
    # The fault handler faults too: not offered to it again (that recursed until the
    # stack overflowed), and the oops says whose fault it was.
    "kprobe_fault_handler_fault": _handler_fault("fault handler", "kp_target_neg"),
    # The break handler runs in the trap jprobe_return's int3 raised, after it moved esp
    # above its own frame: the frame-pointer walk stops at the trap (stub_3).
    "jprobe_break_handler_fault": _handler_fault(
        "break handler", "jp_f1",
        common=[ln for ln in OOPS_COMMON if "kmain" not in ln or "Thread" in ln] + [
            r"^ \[<[0-9a-f]{8}>\] stub_3\+0x[0-9a-f]+/0x[0-9a-f]+$"]),
    # A second probe sits on the faulting load: the same oops as without it.
    "kprobe_reentered_step_fault": _handler_fault("pre handler", "kp_target_other") + [
        r"^Code: .*<cc> 00 "],
})


# CR2 is read at the trap's entry (issue 13, defect 7): a page fault that code after the
# entry took and handled (a fault_handler's, a notifier's; at 0x456) must not become the
# address the oops reports (tests/kernel/crash_fault_cr2.c).
def _cr2_line(addr):
    return (rf"^cr0: [0-9a-f]{{8}}   cr2: {addr}   cr3: [0-9a-f]{{8}}   "
            r"cr4: [0-9a-f]{8}$")


SCENARIOS.update({
    "kprobe_fault_cr2": OOPS_COMMON + [
        r"^BUG: unable to handle page fault for address: 00000123$",
        r"^#PF: error_code\(0x0000\) - not-present page$",
        r"^Oops: page fault: 0000 \[#1\]$",
        r"^kprobes: unhandled page fault in the pre handler of the probe at "
        r"kp_target_add\+0x0/0x[0-9a-f]+$",
        eip_in("cr2_load_a"), _cr2_line("00000123")],
    "notifier_cr2": OOPS_COMMON + [
        r"^Oops: invalid opcode: 0000 \[#1\]$",
        eip_in("crash_notifier_cr2"), _cr2_line("00000789")],
})
SCENARIOS["step_owner_cr2"] = OOPS_COMMON + [
    r"^Oops: debug: [0-9a-f]{4} \[#1\]$", eip_in("cr2_tf_target"), _cr2_line("00000789")]
SCENARIOS["break_handler_cr2"] = OOPS_COMMON + [
    r"^Oops: int3: 0000 \[#1\]$", eip_in("pre_int3"),
    r"^kprobes: unhandled int3 in the pre handler of the probe at "
    r"kp_target_mul\+0x0/0x[0-9a-f]+$", _cr2_line("00000789")]

# jprobe_return's int3 on a stack that is not the probed function's (the handler jumped to
# the int3 itself): the esp check refuses to restore the saved frame there.
SCENARIOS["jprobe_return_wrong_esp"] = OOPS_COMMON + [
    r"^current esp [0-9a-f]{8} does not match saved esp [0-9a-f]{8}$",
    r"^Saved registers for jprobe [0-9a-f]{8}$",
    r"^kernel BUG at kernel/jprobe\.c:\d+!$",
    r"^Oops: invalid opcode: 0000 \[#1\]$",
    r"^kprobes: unhandled invalid opcode in the break handler of the probe at "
    r"jp_tick\+0x0/0x[0-9a-f]+$",
    eip_in("jprobe_esp_mismatch")]


# A BUG() below kretprobed functions (tests/kernel/crash_kretprobes.c): their stack slots
# hold kretprobe_trampoline, and the Call Trace names the real return addresses instead
# (the lines of krp_f's callers exist only through kretprobe_find_ret_addr's fixup).
def _trace_line(func):
    return rf"^ \[<[0-9a-f]{{8}}>\] {func}\+0x[0-9a-f]+/0x[0-9a-f]+$"


SCENARIOS["kretprobe_oops"] = OOPS_COMMON + [
    r"^kernel BUG at tests/kernel/crash_kretprobes\.c:\d+!$", eip_in("krp_h_bug"),
    _trace_line("krp_g"), _trace_line("crash_kretprobe_oops")]
SCENARIOS["kretprobe_oops_nested"] = OOPS_COMMON + [
    r"^kernel BUG at tests/kernel/crash_kretprobes\.c:\d+!$", eip_in("krp_h_bug"),
    _trace_line("krp_f"), _trace_line("crash_kretprobe_oops_nested")]
