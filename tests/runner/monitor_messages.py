# SPDX-License-Identifier: MIT
"""Monitor sessions for the monitor's messages: "help CMD", an argument that is wrong in
a way the message must name (an offset past the end of a function, an address inside an
instruction, a probe enabled or disabled twice), and a kernel message printed while a
command is half typed. Listed in monitor_sessions.SESSIONS, run like the others.
"""
import re
import time

# monitor_sessions imports this module after defining these (see SESSIONS there).
from monitor_sessions import COMMANDS, SessionError, expect


def check_help_cmd(s):
    """help CMD shows that one command's usage line, the same line as in the list."""
    full = s.send("help")
    for c in COMMANDS:
        out = s.send(f"help {c}")
        if len(out.splitlines()) != 1 or not out.startswith(f"  {c}"):
            raise AssertionError(f"help {c}: expected its one usage line, got:\n" + out)
        if out not in full:
            raise AssertionError(f"help {c} differs from its line in 'help':\n" + out)


def first_insns(s, sym, n):
    """[(offset, length)] of the first n instructions of sym, from dis."""
    out = s.send(f"dis {sym} {n}")
    rows = re.findall(rf"^[0-9a-f]{{8}}  {sym}\+0x([0-9a-f]+)/0x[0-9a-f]+ +((?:[0-9a-f]{{2}} )+)",
                      out, re.M)
    if len(rows) != n:
        raise AssertionError(f"dis {sym} {n}: expected {n} instructions in:\n" + out)
    return [(int(off, 16), len(b.split())) for off, b in rows]


def check_messages(s):
    """The messages that say what is wrong: an offset past the end of a function, an
    address inside an instruction, a second disable or enable."""
    m = re.search(r"^[0-9a-f]{8} +(\d+)  ip_queue_xmit$", s.send("syms ip_queue_xmit"), re.M)
    if not m:
        raise AssertionError("syms ip_queue_xmit: no size")
    size = int(m[1])
    for cmd in ("probe", "jprobe", "dis"):
        out = s.send(f"{cmd} ip_queue_xmit+0x{size:x}")
        expect(out, rf"^{cmd}: ip_queue_xmit\+0x{size:x}: EINVAL \(Invalid argument\): offset "
               rf"0x{size:x} is past the end of ip_queue_xmit \(0x{size:x} bytes long, "
               rf"last offset 0x{size - 1:x}\)$", f"{cmd} past the end")
    # Mid-instruction: dis warns (and names the instruction), probe refuses and names it.
    insns = first_insns(s, "ip_queue_xmit", 4)
    off, length = next((o, n) for o, n in insns if n >= 2)
    mid = off + 1
    inside = (rf"it is inside the {length}-byte instruction at "
              rf"ip_queue_xmit\+0x{off:x}/0x{size:x}")
    out = s.send(f"dis ip_queue_xmit+{mid} 2")
    expect(out, rf"^dis: warning: ip_queue_xmit\+0x{mid:x}/0x{size:x} is not an instruction "
           rf"boundary: {inside}; decoding from mid-instruction:$", "dis mid-instruction")
    expect(out, rf"^[0-9a-f]{{8}}  ip_queue_xmit\+0x{mid:x}/", "dis still decodes")
    if "warning" in s.send(f"dis ip_queue_xmit+{off} 1"):
        raise AssertionError("dis warns at an instruction boundary")
    expect(s.send(f"probe ip_queue_xmit+{mid}"),
           rf"^probe: ip_queue_xmit\+0x{mid:x}/0x{size:x}: EILSEQ .*: not an instruction "
           rf"boundary \(see 'dis'\): {inside}$", "probe mid-instruction")
    # A second disable (or enable) says so and changes nothing.
    expect(s.send("probe ip_queue_xmit"), r"^probe #0 placed", "probe")
    expect(s.send("disable 0"), r"^probe #0 at ip_queue_xmit\+0x0/0x[0-9a-f]+ disabled "
           r"\(original byte back\)$", "disable")
    expect(s.send("disable 0"), r"^probe #0 at ip_queue_xmit\+0x0/0x[0-9a-f]+ is already "
           r"disabled$", "second disable")
    expect(s.send("list"), r"ip_queue_xmit\+0x0/0x[0-9a-f]+  \[DISABLED\]$", "still disabled")
    expect(s.send("enable 0"), r"^probe #0 at ip_queue_xmit\+0x0/0x[0-9a-f]+ enabled$", "enable")
    expect(s.send("enable 0"), r"^probe #0 at ip_queue_xmit\+0x0/0x[0-9a-f]+ is already "
           r"enabled$", "second enable")
    expect(s.send("dis ip_queue_xmit 1"), r"^[0-9a-f]{8}  ip_queue_xmit\+0x0/0x[0-9a-f]+ +e9 .*"
           r"\(jmp to detour, optimized\)$", "still armed (and optimized)")


def read_until(s, pattern, what, timeout=10):
    """Reads the serial output until pattern matches it (partial lines included);
    returns all of it and leaves nothing unread in s.buf."""
    deadline = time.monotonic() + timeout
    while not re.search(pattern, s.buf, re.M):
        try:
            s._read(deadline)
        except SessionError as e:
            raise AssertionError(f"{what}: {e}; got:\n" + s.buf[-1500:])
    out, s.buf = s.buf, ""
    return out


def check_redraw(s):
    """A kernel message printed while a command is half typed (a probe on the timer
    interrupt logs its first 3 hits at the next ticks) starts on a line of its own, and
    the prompt and the half-typed line come back under it; finishing the line runs it."""
    s.proc.stdin.write(b"probe timer_interrupt\nlis")
    s.proc.stdin.flush()
    out = read_until(s, r"^probe #0 hit 3 at timer_interrupt.*\njumper> lis$", "third hit")
    for hit in re.finditer(r"probe #0 hit \d", out):
        if hit.start() and out[hit.start() - 1] != "\n":
            raise AssertionError("a hit did not start on a fresh line:\n" + out[-1500:])
    # Hit 1 may come while 'probe' still prints (a tick right after the arming); the
    # hits that find the prompt waiting are each followed by it, redrawn.
    redrawn = re.findall(r"^probe #0 hit \d .*\njumper> (l?i?s?)$", out, re.M)
    if len(redrawn) < 2 or "lis" not in redrawn:
        raise AssertionError(f"prompt and half-typed line redrawn after hits: {redrawn}\n"
                             + out[-1500:])
    s.proc.stdin.write(b"t\n")
    s.proc.stdin.flush()
    expect(s._until_prompt(), r"^  0  [0-9a-f]{8}  kprobe +\d+ +0  timer_interrupt",
           "the finished line ran 'list'")
    expect(s.send("unprobe 0"), r"removed", "unprobe")


def check_redraw_probe_on_the_echo(s):
    """Probes on the console's own write path hit inside the editor's echo and its
    redraws (a trap ignores IF): the prompt and the typed line still come back whole, so
    every command is read, echoed and run as typed; the kernel goes on."""
    for n, spec in enumerate(("console_write", "console_readline_putc")):
        expect(s.send(f"probe {spec}"), rf"^probe #{n} placed at {spec}\+0x0/",
               f"probe {spec}")
    out = s.send("list")        # typed while both probes log their first hits
    expect(out, r"^  0  [0-9a-f]{8}  kprobe +\d+ +\d+  console_write\+0x0/", "list ran")
    expect(out, r"^  1  [0-9a-f]{8}  kprobe +\d+ +\d+  console_readline_putc\+0x0/",
           "list shows both probes")
    expect(s.send("help halt"), r"^  halt ", "help halt ran, echoed whole")
    for n in (0, 1):
        expect(s.send(f"unprobe {n}"), r"removed after \d+ hits", "unprobe")
    expect(s.send("help list"), r"^  list ", "the editor after the probes are gone")

