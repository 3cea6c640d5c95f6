# SPDX-License-Identifier: MIT
"""`make run` end to end: piped input at any rate, every way a run ends, the terminal.

Each check runs the real `make run` (its wrapper scripts/qemu-run.py, the Makefile's QEMU
arguments) on the kernel under test, with input on a pipe or on a pseudo-terminal, and
checks what the user sees: the kernel's output on stdout, the wrapper's one line on
stderr, and the exit status. Registered by tests/run.py in the "monitor" group:
monitor.run_*; monitor.iso_piped_input boots the ISO of `make iso` (from make test-iso).
Each check returns (ok, reason, details). Python 3 standard library only.
"""
import os
import pty
import re
import select
import signal
import subprocess
import time

import monitor_sessions
from results import EXIT_HALT

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PROMPT = "jumper> "
STATUS = re.compile(r"^jumper: (.*) \(QEMU exit (-?\d+), status (\d+);", re.M)


def _env():
    # A clean make: not the jobserver or the variables of the `make test` around us.
    env = dict(os.environ)
    for k in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL", "MAKEOVERRIDES"):
        env.pop(k, None)
    return env


def make_run_argv(kernel, logdir, name, cmdline=None):
    """`make run` on this kernel as it stands (-o: never rebuilt), logs of its own."""
    kernel = os.path.abspath(kernel)
    logs = os.path.abspath(os.path.join(logdir, name))
    argv = ["make", "-s", "--no-print-directory", "-C", ROOT, "-o", kernel, "run",
            f"KERNEL={kernel}", f"RUN_LOGS={logs}"]
    if cmdline is not None:
        argv.append(f"CMDLINE={cmdline}")
    return argv


def kill_group(pid):
    """Ends a process group started with start_new_session (make, the wrapper, QEMU):
    killing make alone would leave QEMU running."""
    try:
        os.killpg(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def make_run(kernel, logdir, name, data, cmdline=None, timeout=60):
    """Pipes data into make run. Returns (make's status, stdout text, stderr text), or
    raises subprocess.TimeoutExpired (with make, the wrapper and QEMU all ended)."""
    proc = subprocess.Popen(make_run_argv(kernel, logdir, name, cmdline),
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, env=_env(), start_new_session=True)
    try:
        out, err = proc.communicate(data, timeout=timeout)
    except subprocess.TimeoutExpired:
        kill_group(proc.pid)
        proc.communicate()
        raise
    out = out.decode("utf-8", "replace").replace("\r", "")
    err = err.decode("utf-8", "replace").replace("\r", "")
    with open(os.path.join(logdir, f"monitor.{name}.log"), "w") as f:
        f.write(out + "\n[stderr]\n" + err)
    return proc.returncode, out, err


def ending(err):
    """(what, QEMU status, wrapper status) from the wrapper's line, or None."""
    m = STATUS.search(err)
    return (m.group(1), int(m.group(2)), int(m.group(3))) if m else None


# The wrapper's statuses for a kernel that ended well: `make run` succeeds for them.
CLEAN = (0, 3, 4)


def check_ending(rc, err, want_status, want_words):
    """None if make run ended as wanted, else the reason."""
    e = ending(err)
    if not e:
        return "no 'jumper: ...' line on stderr: " + err.strip()[-200:]
    what, _, status = e
    if status != want_status or want_words not in what:
        return f"ended '{what}' (status {status}), expected '{want_words}' (status {want_status})"
    if (rc == 0) != (status in CLEAN):
        return f"make exited {rc} for wrapper status {status}"
    if status not in CLEAN and f"Error {status}" not in err:
        return f"make's error line does not name status {status}"
    return None


# ---- 64 KiB of commands through a pipe ----

def big_script():
    """About 66 KiB of commands: numbered unknown commands (answered with their name),
    padded to many lengths, among commands that print a lot, a self-test of the serial
    input itself with a probe printing hit lines meanwhile; halt last."""
    cmds = ["probe kthread_create", "selftest serial_rx", "unprobe 0"]
    i = 0
    while sum(len(c) + 1 for c in cmds) < 66 * 1024:
        cmds.append(f"seq{i:05d} " + "x" * (i * 37 % 200))
        k = i % 40
        cmds += {5: ["syms"], 15: ["list"], 25: ["dis ip_queue_xmit 30"], 35: ["help"],
                 20: ["syms ip_*"]}.get(k, [])
        i += 1
    cmds.append("halt")
    return cmds, i


def check_piped_64k(qemu, kernel, logdir):
    cmds, n = big_script()
    data = ("\n".join(cmds) + "\n").encode()
    start = time.monotonic()
    try:
        rc, out, err = make_run(kernel, logdir, "run_piped_64k", data, timeout=120)
    except subprocess.TimeoutExpired:
        return False, f"{len(data)} bytes piped into make run: no end within 120 s", []
    secs = time.monotonic() - start
    lines = out.splitlines()
    echoed = [ln[len(PROMPT):] for ln in lines if ln.startswith(PROMPT)]
    if echoed != cmds:
        bad = next((i for i, (a, b) in enumerate(zip(echoed, cmds)) if a != b),
                   min(len(echoed), len(cmds)))
        sent = cmds[bad] if bad < len(cmds) else "(none)"
        received = echoed[bad] if bad < len(echoed) else "(none)"
        return False, (f"{len(echoed)} of {len(cmds)} command lines arrived intact; first "
                       f"difference at #{bad}"), [f"sent:     {sent}", f"received: {received}"]
    # Every numbered command answered once, in order, on a line of its own.
    answered = [m.group(1) for ln in lines if not ln.startswith(PROMPT)
                for m in [re.search(r"\b(seq\d{5})\b", ln)] if m]
    want = [f"seq{i:05d}" for i in range(n)]
    if answered != want:
        return False, f"{len(answered)} answers to {n} numbered commands, or out of order", \
            answered[:5] + ["..."] + answered[-5:]
    if not re.search(r"^selftest: all passed$", out, re.M):
        return False, "selftest serial_rx did not pass inside the piped session", \
            [ln for ln in lines if "ok " in ln or "serial_rx" in ln][-12:]
    if "input byte(s) lost" in out:
        return False, "the kernel reported lost input", \
            [ln for ln in lines if "lost" in ln][:5]
    why = check_ending(rc, err, 0, "halted by 'halt'")
    if why:
        return False, why, lines[-10:]
    return True, f"{len(data)} bytes, {len(cmds)} commands in {secs:.1f} s", []


# ---- how a run ends ----

def check_end_of_input(qemu, kernel, logdir):
    """No halt: the last line (without its newline) runs, then the kernel halts."""
    try:
        rc, out, err = make_run(kernel, logdir, "run_end_of_input", b"help\nlist", timeout=60)
    except subprocess.TimeoutExpired:
        return False, "make run did not end within 60 s of the end of its input", []
    if not re.search(r"^jumper> list\nno probes", out, re.M):
        return False, "the last line, without its newline, did not run", out.splitlines()[-8:]
    if not re.search(r"^monitor: end of input, halting\.$", out, re.M):
        return False, "no 'monitor: end of input' message", out.splitlines()[-8:]
    why = check_ending(rc, err, 3, "end of input")
    return (not why), why or "", err.splitlines()[-3:] if why else []


def ending_check(name, data, cmdline, status, words):
    def check(qemu, kernel, logdir):
        try:
            rc, out, err = make_run(kernel, logdir, name, data, cmdline, timeout=60)
        except subprocess.TimeoutExpired:
            return False, "make run did not end within 60 s", []
        why = check_ending(rc, err, status, words)
        return (not why), why or "", (out.splitlines()[-6:] + err.splitlines()[-3:]) if why else []
    return check


def wait_or_kill(pid, secs):
    """The child's wait status once it exits, or after secs its whole session killed
    (pty.fork made it a session leader): a run that never ends must not hang make test."""
    end = time.monotonic() + secs
    while True:
        try:
            done, st = os.waitpid(pid, os.WNOHANG)
        except ChildProcessError:
            return 0
        if done:
            return st
        if time.monotonic() > end:
            kill_group(pid)
            return os.waitpid(pid, 0)[1]
        time.sleep(0.1)


def check_tty(qemu, kernel, logdir):
    """On a terminal: raw mode (the kernel, not the tty, echoes), a command answered,
    Ctrl-A x quits QEMU, and make run says so."""
    pid, fd = pty.fork()
    if pid == 0:
        env = _env()
        os.execvpe("make", make_run_argv(kernel, logdir, "run_tty"), env)
    buf = b""

    def until(pat, secs):
        nonlocal buf
        end = time.monotonic() + secs
        while pat not in buf and time.monotonic() < end:
            r, _, _ = select.select([fd], [], [], 0.2)
            if r:
                try:
                    d = os.read(fd, 65536)
                except OSError:
                    break
                if not d:
                    break
                buf += d
        return pat in buf

    try:
        if not until(PROMPT.encode(), 60):
            return False, "no prompt on the terminal", []
        mark = len(buf)
        os.write(fd, b"help\r")
        if not until(b"stop the machine", 30):
            return False, "help not answered on the terminal", [
                buf[-300:].decode("utf-8", "replace")]
        typed = buf[mark:].decode("utf-8", "replace")
        os.write(fd, b"\x01x")
        until(b"] Error", 30)       # make's last line, after the wrapper's
    finally:
        st = wait_or_kill(pid, 30)
        os.close(fd)
    rc = os.waitstatus_to_exitcode(st)
    text = buf.decode("utf-8", "replace").replace("\r", "")
    with open(os.path.join(logdir, "monitor.run_tty.log"), "w") as f:
        f.write(text)
    echo = typed.split("\n", 1)[0].replace("\r", "")
    if echo != "help":      # a tty in cooked mode would echo it too: "helphelp"
        return False, f"the typed line echoed as {echo!r}, not 'help' (raw mode lost?)", \
            [repr(typed[:80])]
    why = check_ending(rc, text, 8, "QEMU quit by the user")
    return (not why), why or "", text.splitlines()[-4:] if why else []


RUN_CHECKS = [
    ("run_piped_64k", check_piped_64k),
    ("run_end_of_input", check_end_of_input),
    ("run_ends_halt", ending_check("run_ends_halt", b"help\nhalt\n", None, 0, "halted by 'halt'")),
    ("run_ends_ctrl_a_x", ending_check("run_ends_ctrl_a_x", b"help\n\x01x", None, 8,
                                       "QEMU quit by the user")),
    ("run_ends_oops", ending_check("run_ends_oops", b"", "crash=null_deref", 6, "oops")),
    ("run_ends_triple_fault", ending_check("run_ends_triple_fault", b"", "crash=triple_fault",
                                           7, "triple fault")),
    ("run_ends_test_pass", ending_check("run_ends_test_pass", b"", "selftest=printk", 4,
                                        "pass verdict")),
    ("run_ends_test_fail", ending_check("run_ends_test_fail", b"", "selftest=ktest_selfcheck",
                                        5, "reported a failure")),
    ("run_tty", check_tty),
]

# Runs that end in an oops or a failing self-test on purpose: their logs hold WARNING and
# BUG lines that are the point of the run, so the runner does not grade those lines.
REPORTS_ARE_THE_POINT = {"monitor.run_ends_oops", "monitor.run_ends_test_fail"}


def jobs(qemu, kernel, logdir):
    """(name, job) for tests/run.py's monitor group."""
    os.makedirs(logdir, exist_ok=True)
    return [(f"monitor.{name}", (lambda c=check: c(qemu, kernel, logdir)))
            for name, check in RUN_CHECKS]


# ---- the ISO: GRUB, then the kernel, with input piped from power-on ----

def check_iso_piped(qemu, iso, logdir):
    """The first command piped into an ISO boot of the monitor arrives whole."""
    ran = monitor_sessions.pipe_into_qemu(qemu, ["-cdrom", iso, "-boot", "d"],
                                          b"syms ip_*\nlist\nhalt\n",
                                          os.path.join(logdir, "monitor.iso_piped_input.log"),
                                          90)
    if ran is None:
        return False, "the ISO boot did not end within 90 s", []
    rc, out = ran
    echoed = [ln[len(PROMPT):] for ln in out.splitlines() if ln.startswith(PROMPT)]
    if echoed[:1] != ["syms ip_*"]:
        return (False, f"first command arrived as {echoed[:1]}, sent 'syms ip_*'",
                out.splitlines()[-8:])
    if not re.search(r"^[0-9a-f]{8} +\d+  ip_queue_xmit$", out, re.M):
        return False, "syms ip_* did not list ip_queue_xmit", out.splitlines()[-8:]
    if rc != EXIT_HALT:
        return False, f"QEMU exit status {rc}, expected {EXIT_HALT} (halt)", out.splitlines()[-8:]
    return True, "", []
