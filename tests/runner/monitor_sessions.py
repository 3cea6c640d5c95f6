# SPDX-License-Identifier: MIT
"""Monitor sessions: the host runner types at the kernel's "jumper>" prompt over the
serial line and checks the answers (tests/run.py, group "monitor").

A Session boots QEMU with the kernel's COM1 on a pipe, waits for the prompt, and sends
one line at a time, returning what the kernel printed before the next prompt. Each check
below is one test result, monitor.NAME.
"""
import os
import re
import select
import subprocess
import time

from results import EXIT_HALT

PROMPT = "jumper> "
# A probe hit the monitor logs (monitor/monitor_probes.c): the messages that come at any time.
HIT_LINE = re.compile(r"^(?:j|kret)?probe #\d+ hit \d+(?: at |: )", re.M)


class SessionError(Exception):
    pass


class Session:
    """One boot of the kernel with cmdline "monitor", driven line by line."""

    def __init__(self, qemu, kernel, log_path, cmdline="monitor", timeout=30):
        self.log = open(log_path, "wb")
        self.qemu, self.log_path = qemu, log_path     # another boot like this one
        self.kernel = kernel
        self.timeout = timeout
        self.proc = subprocess.Popen(
            [qemu, "-m", "128M", "-display", "none", "-serial", "stdio", "-monitor", "none",
             "-no-reboot", "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04",
             "-kernel", kernel, "-append", cmdline],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        os.set_blocking(self.proc.stdout.fileno(), False)
        self.buf = ""
        self.transcript = []
        try:
            self.boot_output = self._until_prompt()
        except BaseException:
            self.close()        # no prompt: the caller has no Session to close
            raise

    def _read(self, deadline):
        left = deadline - time.monotonic()
        if left <= 0:
            raise SessionError("timed out waiting for the prompt")
        ready, _, _ = select.select([self.proc.stdout], [], [], min(left, 0.5))
        if not ready:
            if self.proc.poll() is not None:
                raise SessionError(f"QEMU exited with status {self.proc.returncode}")
            return
        data = self.proc.stdout.read()
        if data is None:
            return
        if not data:
            if self.proc.poll() is None:
                self.proc.wait(timeout=5)
            raise SessionError(f"QEMU exited with status {self.proc.returncode}")
        self.log.write(data)
        self.log.flush()
        self.buf += data.decode("utf-8", "replace").replace("\r", "")

    def _until_prompt(self, timeout=None):
        deadline = time.monotonic() + (timeout or self.timeout)
        while True:
            i = self.buf.find(PROMPT)
            if i >= 0:
                out, self.buf = self.buf[:i], self.buf[i + len(PROMPT):]
                return out
            self._read(deadline)

    def _type(self, data):
        try:
            self.proc.stdin.write(data)
            self.proc.stdin.flush()
        except OSError:         # BrokenPipeError: QEMU is gone
            raise SessionError(f"QEMU exited (status {self.proc.poll()}) before the input")

    def _redrawn_after(self, echo, rest):
        """True if the prompt that ended rest was a redraw of the whole typed line: a
        probe hit printed after the line was echoed but before its Enter was read. After
        the real prompt nothing follows until the next line is typed (a message would
        start with a newline); after a redraw the line itself follows at once. Looked
        for only when rest is nothing but hit lines (the one kind of message that comes
        then): a command's own output means its Enter was read."""
        lines = [ln for ln in rest.split("\n") if ln]
        if not lines or not all(HIT_LINE.match(ln) for ln in lines):
            return False
        end = time.monotonic() + 0.3
        while not self.buf and time.monotonic() < end:
            try:
                self._read(end)
            except SessionError:
                break
        return self.buf[:1] == echo[:1]

    def send(self, line, timeout=None):
        """Types line + Enter; returns the output up to the prompt after it, without the
        echoed line itself. A kernel message printed while the prompt waits makes the
        line editor draw the prompt again under it (monitor/readline.c), so prompts may
        come before the echo of line: what they end is kept, in order, at the start of
        the reply. (Lines that are not plain printable text are not echoed as sent: for
        them the first prompt ends the wait, as before.)"""
        raw = line if isinstance(line, bytes) else line.encode()
        self._type(raw + b"\n")
        echo = (line if isinstance(line, str) and line.isprintable() and 0 < len(line) < 255
                else None)     # 255: the monitor keeps lines of MON_LINE_MAX - 1
        early = ""
        while True:
            first, _, rest = self._until_prompt(timeout).partition("\n")
            if echo is None or (first == echo and not self._redrawn_after(echo, rest)):
                break
            early += rest       # messages, after the prompt and partial line they redrew
        reply = early + rest
        self.transcript.append((line if isinstance(line, str) else "<%d bytes>" % len(line),
                                reply))
        return reply

    def halt(self):
        """Sends "halt"; returns QEMU's exit status."""
        self._type(b"halt\n")
        deadline = time.monotonic() + self.timeout
        while self.proc.poll() is None and time.monotonic() < deadline:
            try:
                self._read(deadline)
            except SessionError:
                break
        try:
            return self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            raise SessionError("QEMU did not exit after halt")

    def close(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        self.log.close()

    def tail(self, n=20):
        lines = []
        for cmd, reply in self.transcript[-6:]:
            lines.append(PROMPT + cmd)
            lines += reply.splitlines()
        return lines[-n:]


def expect(reply, pattern, what):
    """Raises unless pattern (a regex) matches somewhere in reply."""
    if not re.search(pattern, reply, re.M):
        raise AssertionError(f"{what}: no /{pattern}/ in:\n" + reply[-1500:])


# ---- the checks: each takes a Session and raises AssertionError on failure ----

COMMANDS = ["help", "syms", "probe", "jprobe", "kretprobe", "list", "enable", "disable",
            "unprobe", "optimize", "dis", "ps", "regs", "demo", "selftest", "halt"]


def check_help(s):
    out = s.send("help")
    for c in COMMANDS:
        expect(out, rf"^  {c}\b", f"help lists {c}")


def check_syms(s):
    out = s.send("syms kmain")
    expect(out, r"^[0-9a-f]{8} +\d+  kmain$", "syms kmain")
    expect(out, r"^1 of \d+ symbols match kmain$", "syms count")
    out = s.send("syms ip_*")
    expect(out, r"  ip_queue_xmit$", "syms glob")


def hits_of(listing, index=0):
    m = re.search(rf"^ +{index}  [0-9a-f]{{8}}  [kj]probe +(\d+) ", listing, re.M)
    if not m:
        raise AssertionError(f"list shows no probe #{index}:\n" + listing)
    return int(m[1])


def check_probe_lifecycle(s):
    """probe -> hits counted -> list -> disable stops counting -> enable -> unprobe
    restores the original byte (seen with dis). kthread_create is called exactly twice
    by each "demo sched", so every count is exact."""
    before = s.send("dis kthread_create 1")
    m = re.search(r"^[0-9a-f]{8}  kthread_create\+0x0/0x[0-9a-f]+ +([0-9a-f]{2}) ", before, re.M)
    if not m:
        raise AssertionError("dis kthread_create: no first instruction in:\n" + before)
    orig = m[1]
    expect(s.send("probe kthread_create"), r"^probe #0 placed at kthread_create\+0x0/",
           "probe placed")
    # A pre handler alone: jump-optimized at once (the int3 goes in first, then the jmp).
    expect(s.send("dis kthread_create 1"), r"^[0-9a-f]{8}  kthread_create\+0x0/0x[0-9a-f]+ +e9"
           r"( [0-9a-f]{2}){4} +-> [0-9a-f]{8} kprobe_optinsn_page\+\S+  <- probe #0 \(jmp to "
           r"detour, optimized\)$", "dis shows the jmp to the detour")
    expect(s.send("list"), r"^  0  [0-9a-f]{8}  kprobe +0 +0  kthread_create\+\S+  "
           r"\[OPTIMIZED\]$", "list shows [OPTIMIZED]")
    out = s.send("demo sched")
    expect(out, r"^probe #0 hit 1 at kthread_create\+0x0/0x[0-9a-f]+: eip=[0-9a-f]{8} eax=",
           "first hit logged with registers")
    expect(out, r"^probe #0 hit 2 at kthread_create", "second hit logged")
    if hits_of(s.send("list")) != 2:
        raise AssertionError("list: expected 2 hits after one demo sched")
    expect(s.send("disable 0"), r"disabled", "disable")
    expect(s.send("list"), r"kthread_create\+0x0/0x[0-9a-f]+  \[DISABLED\]$",
           "list shows [DISABLED]")
    expect(s.send("dis kthread_create 1"),
           rf"kthread_create\+0x0/0x[0-9a-f]+ +{orig} .*\[DISABLED\]", "original byte back")
    s.send("demo sched")
    if hits_of(s.send("list")) != 2:
        raise AssertionError("a disabled probe went on counting")
    expect(s.send("enable 0"), r"enabled", "enable")
    expect(s.send("dis kthread_create 1"), r"kthread_create\+0x0/0x[0-9a-f]+ +e9 .*\(jmp to "
           r"detour, optimized\)$", "enabled: optimized again")
    s.send("demo sched")
    if hits_of(s.send("list")) != 4:
        raise AssertionError("the re-enabled probe did not count the next two calls")
    expect(s.send("unprobe 0"),
           r"^probe #0 at kthread_create\+0x0/0x[0-9a-f]+ removed after 4 hits$", "unprobe")
    after = s.send("dis kthread_create 1")
    expect(after, rf"^[0-9a-f]{{8}}  kthread_create\+0x0/0x[0-9a-f]+ +{orig} ",
           "original byte restored")
    if "probe #" in after:
        raise AssertionError("dis still shows a probe after unprobe:\n" + after)
    expect(s.send("list"), r"^no probes", "list empty")


def check_jprobe(s):
    expect(s.send("jprobe kthread_create 3"), r"^jprobe #0 placed at kthread_create\+0x0/",
           "jprobe placed")
    out = s.send("demo sched")
    expect(out, r"^jprobe #0 hit 1 at kthread_create\+0x0/0x[0-9a-f]+\([0-9a-f]{8}, "
           r"[0-9a-f]{8}, [0-9a-f]{8}\)$", "jprobe prints 3 arguments")
    expect(s.send("list"), r"^  0  [0-9a-f]{8}  jprobe +[1-9]\d* +0  kthread_create", "list jprobe")
    expect(s.send("unprobe 0"), r"removed", "unprobe jprobe")


def check_info(s):
    out = s.send("ps")
    expect(out, r"^  TID NAME +STATE +PREEMPT +STACK-USED$", "ps header")
    expect(out, r"^ +0 kmain +running +00000000 +\d+/\d+  <- current$", "ps kmain")
    expect(out, r"^ +\d+ idle ", "ps idle")
    out = s.send("regs")
    expect(out, r"^EIP: 0008:\[<[0-9a-f]{8}>\] EFLAGS: [0-9a-f]{8}$", "regs EIP")
    expect(out, r"^EIP is at mon_regs\+0x[0-9a-f]+/0x[0-9a-f]+$", "regs symbolized")
    out = s.send("dis ip_queue_xmit 4")
    expect(out, r"^[0-9a-f]{8}  ip_queue_xmit\+0x0/0x[0-9a-f]+ +55 ", "dis first insn")


def check_demos(s):
    expect(s.send("demo net"), r"^jprobe: ip_queue_xmit\(skb=[0-9a-f]{8}, ipfragok=1\): len 1400",
           "demo net")
    expect(s.send("demo fault"), r"^demo fault: fault_handler: page fault at [0-9a-f]{8}",
           "demo fault")
    expect(s.send("demo"), r"^usage: demo NAME", "demo without a name")
    out = s.send("selftest printk")
    expect(out, r"^ok 1 printk$", "selftest printk")
    expect(out, r"^selftest: all passed$", "selftest verdict")


def check_bad_input(s):
    cases = [
        ("frobnicate", r"^unknown command 'frobnicate' \(try 'help'\)$"),
        ("probe no_such_function",
         r"^probe: no_such_function: ENOENT \(No such file or directory\)"),
        ("probe kp_target_add+2",
         r"^probe: kp_target_add\+0x2/0x[0-9a-f]+: EILSEQ \(Illegal byte sequence\): "
         r"not an instruction boundary"),
        ("probe do_trap",
         r"^probe: do_trap\+0x0/0x[0-9a-f]+: EPERM \(Operation not permitted\): blacklisted"),
        ("probe kp_target_mul", r"^probe #0 placed"),
        # Several probes may share an address (aggregates), but a function takes one jprobe.
        ("jprobe kp_target_mul", r"^jprobe #1 placed"),
        ("jprobe kp_target_mul",
         r"^jprobe: kp_target_mul\+0x0/0x[0-9a-f]+: EEXIST \(File exists\): a function "
         r"takes one jprobe"),
        ("unprobe 1", r"^probe #1 at kp_target_mul\+\S+ removed after 0 hits$"),
        ("jprobe kp_target_add+1",
         r"^jprobe: kp_target_add\+0x1/0x[0-9a-f]+: EINVAL .*function's first byte"),
        ("enable 9", r"^enable: no probe #9 \(see 'list'\)$"),
        ("disable x", r"^disable: 'x' is not a probe number \(N from 'list'\)$"),
        ("enable abc", r"^enable: 'abc' is not a probe number \(N from 'list'\)$"),
        ("unprobe 0x", r"^unprobe: '0x' is not a probe number \(N from 'list'\)$"),
        ("enable 99", r"^enable: no probe #99 \(see 'list'\)$"),
        ("probe kp_target_add+zz",
         r"^probe: kp_target_add\+zz: EINVAL \(Invalid argument\): expected SYM or SYM\+OFFSET"),
        ("dis +4", r"^dis: \+4: EINVAL \(Invalid argument\): expected SYM or SYM\+OFFSET"),
        # Every command rejects words it does not take (and halt does not halt).
        ("halt now", r"^usage: halt   \(takes no arguments\)$"),
        ("list all", r"^usage: list   \(takes no arguments\)$"),
        ("ps -a", r"^usage: ps   \(takes no arguments\)$"),
        ("regs eax", r"^usage: regs   \(takes no arguments\)$"),
        ("help me", r"^help: no command 'me' \(try 'help'\)$"),
        ("help probe list", r"^usage: help \[CMD\]$"),
        ("syms a b", r"^usage: syms \[GLOB\]$"),
        ("probe kmain now", r"^usage: probe SYM\[\+OFF\]$"),
        ("jprobe kmain 2 3", r"^usage: jprobe SYM \[NARGS\]"),
        ("enable 0 1", r"^usage: enable N"),
        ("disable 0 1", r"^usage: disable N"),
        ("unprobe 0 1", r"^usage: unprobe N"),
        ("dis kmain 2 3", r"^usage: dis SYM\[\+OFF\] \[COUNT\]$"),
        ("demo net now", r"^usage: demo NAME"),
        ("selftest printk now", r"^usage: selftest \[GLOB"),
        ("unprobe", r"^usage: unprobe N"),
        ("dis no_such_function", r"^dis: no_such_function: ENOENT"),
        ("jprobe printk 9", r"^usage: jprobe SYM \[NARGS\]"),
        ("a b c d e f g h i j", r"^too many words"),
    ]
    for line, pattern in cases:
        expect(s.send(line), pattern, line)
    # 4 KiB of printable garbage on one line: truncated with a message, then answered.
    letters = bytes(33 + (i * 7919 + 13) % 94 for i in range(4096))
    out = s.send(letters)
    expect(out, r"line too long", "4 KiB line truncated")
    expect(out, r"^unknown command", "truncated line answered")
    # 4 KiB of binary (control bytes, escapes, Ctrl-U, bytes >= 0x80): no crash.
    binary = bytes((i * 7919 + 13) % 256 for i in range(4096))
    binary = binary.replace(b"\n", b"x").replace(b"\r", b"y")
    s.send(binary)
    expect(s.send("unprobe 0"), r"removed", "prompt alive after binary garbage")


# monitor.lab: the lab typed at the prompt, its predictions checked (tests/runner/monitor_lab.py).
from monitor_lab import check_lab  # noqa: E402


# The sessions for the monitor's messages (help CMD, what is wrong with an argument, the
# redraw of a half-typed line) are in tests/runner/monitor_messages.py.
from monitor_messages import (check_help_cmd, check_messages, check_redraw,  # noqa: E402
                              check_redraw_probe_on_the_echo)


SESSIONS = [
    ("help", check_help),
    ("syms", check_syms),
    ("probe_lifecycle", check_probe_lifecycle),
    ("jprobe", check_jprobe),
    ("info", check_info),
    ("demos", check_demos),
    ("bad_input", check_bad_input),
    ("lab", check_lab),
    ("help_cmd", check_help_cmd),
    ("messages", check_messages),
    ("redraw", check_redraw),
    ("redraw_probe_on_the_echo", check_redraw_probe_on_the_echo),
]


def run_session(qemu, kernel, logdir, name, check):
    """Boots, runs one check, halts. Returns (ok, reason, details)."""
    os.makedirs(logdir, exist_ok=True)
    s = None
    try:
        s = Session(qemu, kernel, os.path.join(logdir, f"monitor.{name}.log"))
        check(s)
        rc = s.halt()
        if rc != EXIT_HALT:
            return False, f"halt: QEMU exit status {rc}, expected {EXIT_HALT}", s.tail()
        return True, "", []
    except (AssertionError, SessionError) as e:
        return False, str(e).splitlines()[0], (s.tail() if s else []) + str(e).splitlines()[1:20]
    finally:
        if s:
            s.close()


def pipe_into_qemu(qemu, boot_args, script, log_path, timeout, serial="stdio"):
    """Boots QEMU (boot_args: -kernel ... or -cdrom ...) with script piped into COM1 from
    power-on; returns (QEMU's exit status, its output without CRs), or None if it did not
    end within timeout. The output is kept in log_path."""
    os.makedirs(os.path.dirname(log_path), exist_ok=True)
    try:
        proc = subprocess.run(
            [qemu, "-m", "128M", "-display", "none", "-serial", serial, "-monitor", "none",
             "-no-reboot", "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04", *boot_args],
            input=script, capture_output=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return None
    text = proc.stdout.decode("utf-8", "replace").replace("\r", "")
    with open(log_path, "w") as f:
        f.write(text)
    return proc.returncode, text


def run_scripted(qemu, kernel, logdir):
    """The README's scripted use: printf '...' | make run, non-interactive, exits 37 (halt)."""
    ran = pipe_into_qemu(qemu, ["-kernel", kernel, "-append", "demo monitor"],
                         b"probe schedule\ndemo sched\nlist\nhalt\n",
                         os.path.join(logdir, "monitor.scripted.log"), 60, serial="mon:stdio")
    if ran is None:
        return False, "scripted run did not exit within 60 s", []
    rc, text = ran
    lines = text.splitlines()
    if rc != EXIT_HALT:
        return False, f"QEMU exit status {rc}, expected {EXIT_HALT}", lines[-20:]
    if not re.search(r"^  0  [0-9a-f]{8}  kprobe +[1-9]\d* +\d+  schedule\+0x0/", text, re.M):
        return False, "list did not show hits on schedule", lines[-20:]
    return True, "", []


# ---- sequences that once killed the kernel (issue 11): each must now work ----

def check_jprobe_at_stack_top(s):
    """kthread_start runs 4 bytes below its stack's top: a jprobe report must not read
    arguments from the unmapped page above, and must say they are absent."""
    expect(s.send("jprobe kthread_start 1"), r"^jprobe #0 placed at kthread_start\+0x0/",
           "jprobe placed")
    out = s.send("demo sched")
    for hit in (1, 2):
        expect(out, rf"^jprobe #0 hit {hit} at kthread_start\+0x0/0x[0-9a-f]+\(absent\) "
               r"\[1 of 1 arguments absent: beyond the stack top [0-9a-f]{8}\]$",
               f"hit {hit} reported with its argument absent")
    expect(out, r"^demo sched: spin-a counted \d+", "demo sched finished")
    if hits_of(s.send("list")) != 2:
        raise AssertionError("list: expected 2 hits on kthread_start after one demo sched")
    expect(s.send("unprobe 0"), r"removed after 2 hits", "unprobe")
    expect(s.send("jprobe kthread_start 3"), r"^jprobe #0 placed", "jprobe placed again")
    expect(s.send("demo sched"), r"^jprobe #0 hit 1 at kthread_start\+0x0/0x[0-9a-f]+"
           r"\(absent, absent, absent\) \[3 of 3 arguments absent: beyond the stack top "
           r"[0-9a-f]{8}\]$", "three arguments absent")


def check_probe_on_fault_demo(s):
    """demo fault's pre handler faults and its fault_handler fixes it; a probe on the
    faulting instruction must change nothing but its own nmissed."""
    out = s.send("probe demo_load+4")
    m = re.search(r"^probe #0 placed at demo_load\+0x4/0x[0-9a-f]+ \(([0-9a-f]{8})\)$", out, re.M)
    if not m:
        raise AssertionError("probe demo_load+4 not placed:\n" + out)
    for n in (1, 2):
        out = s.send("demo fault")
        expect(out, rf"^demo fault: fault_handler: page fault at {m[1]} \(cr2 00000000\); "
               r"skipping the load$", "the fault reaches demo fault's fault_handler")
        expect(out, r"^demo fault: \.\.\.and carries on after its fault_handler fixed things$",
               "the pre handler carries on")
        expect(out, r"^demo fault: ip_queue_xmit returned 0; ", "demo fault finished")
        expect(s.send("list"), rf"^  0  {m[1]}  kprobe +0 +{n}  demo_load\+0x4/",
               f"the probe missed {n} hit(s), ran no handler")


def check_probe_on_selftest_fault(s):
    """The same with the self-tests: a probe on kp_load's load, then the suite whose
    jprobe handler faults there and whose fault_handler fixes it."""
    expect(s.send("probe kp_load+4"), r"^probe #0 placed at kp_load\+0x4/", "probe placed")
    out = s.send("selftest jprobes_nested")
    expect(out, r"^ok 1 jprobes_nested$", "jprobes_nested passes")
    expect(out, r"^selftest: all passed$", "selftest verdict")
    expect(s.send("list"), r"^  0  [0-9a-f]{8}  kprobe +0 +2  kp_load\+0x4/",
           "both faulting loads were missed hits of the probe")


SESSIONS += [
    ("jprobe_stack_top", check_jprobe_at_stack_top),
    ("probe_on_fault_demo", check_probe_on_fault_demo),
    ("probe_on_selftest_fault", check_probe_on_selftest_fault),
]

# Self-tests typed at the monitor beside the user's own probes: tests/runner/monitor_selftest.py.
from monitor_selftest import SESSIONS as SELFTEST_SESSIONS  # noqa: E402
SESSIONS += SELFTEST_SESSIONS
# A kprobe and a jprobe on every function: tests/runner/monitor_sweep.py.
from monitor_sweep import SESSIONS as SWEEP_SESSIONS  # noqa: E402
SESSIONS += SWEEP_SESSIONS
# The probe family (kretprobes, probes sharing an address, 1,000 probes):
# tests/runner/monitor_family.py.
from monitor_family import SESSIONS as FAMILY_SESSIONS  # noqa: E402
SESSIONS += FAMILY_SESSIONS
# A name two static functions share: tests/runner/monitor_dupsyms.py.
from monitor_dupsyms import SESSIONS as DUPSYMS_SESSIONS  # noqa: E402
SESSIONS += DUPSYMS_SESSIONS
