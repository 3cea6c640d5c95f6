# SPDX-License-Identifier: MIT
"""Monitor sessions for the probe family of issue 14 (tests/run.py, group monitor):
`kretprobe SYM`, probes of several kinds on one address as `list` shows them, every kind
through enable/disable/unprobe, a thousand probes at once, and the bad input of the new
command; and jump optimization (issue 16) as `list`, `dis` and `optimize` show it.
Registered in tests/runner/monitor_sessions.py's SESSIONS.
"""
import re

from monitor_sessions import Session, expect
from results import EXIT_HALT

SYMOFF = r"0x[0-9a-f]+/0x[0-9a-f]+"
# list's note on a probe whose address a jprobe keeps an int3 (its break handler).
JPROBE_INT3 = r"\(int3: a break handler \(jprobe\)\)"


def return_site(s, caller, callee):
    """The caller's address after its (only) call of callee, as the monitor prints a
    return address ("caller+0x5a/0x90"), read from `dis`: the instruction after the call."""
    out = s.send(f"dis {caller} 400")
    lines = out.splitlines()
    for i, ln in enumerate(lines):
        if re.search(rf"-> [0-9a-f]{{8}} {callee}\+0x0/", ln) and i + 1 < len(lines):
            m = re.match(rf"^[0-9a-f]{{8}}  ({re.escape(caller)}\+{SYMOFF}) ", lines[i + 1])
            if m:
                return m[1]
    raise AssertionError(f"dis {caller}: no call of {callee} in:\n" + out)


def check_kretprobe_net(s):
    """kretprobe ip_queue_xmit, then demo net: each of its three calls returns to
    demo_net after the call, with 0, 0 and -E2BIG (3000 bytes, no fragmenting). The demo's
    own jprobe shares the address (Linux's "jr": a jprobe and a return probe)."""
    site = return_site(s, "demo_net", "ip_queue_xmit")
    expect(s.send("kretprobe ip_queue_xmit"),
           rf"^kretprobe #0 placed at ip_queue_xmit\+0x0/0x[0-9a-f]+ \([0-9a-f]{{8}}\)$",
           "kretprobe placed")
    out = s.send("demo net")
    for hit, value in ((1, 0), (2, 0), (3, -7)):
        expect(out, rf"^kretprobe #0 hit {hit}: ip_queue_xmit returned {value} to "
               rf"{re.escape(site)}$", f"return {hit} with its value and caller")
    expect(out, r"^demo: register_jprobe\(ip_queue_xmit -> jip_queue_xmit\) = 0$",
           "the demo's jprobe goes on the kretprobed function")
    expect(out, r"^jprobe: ip_queue_xmit\(skb=[0-9a-f]{8}, ipfragok=1\): len 1400",
           "the demo's jprobe runs beside the kretprobe")
    expect(out, r"^demo: ip_queue_xmit returned -7$", "the caller gets the real value")
    expect(s.send("list"),
           r"^  0  [0-9a-f]{8}  kretprobe +3 +0  ip_queue_xmit\+0x0/0x[0-9a-f]+  \[OPTIMIZED\]$",
           "list: a kretprobe, 3 returns, none missed, its entry jump-optimized again")
    expect(s.send("unprobe 0"), r"^probe #0 at ip_queue_xmit\+0x0/0x[0-9a-f]+ removed after "
           r"3 hits$", "unprobe the kretprobe")
    out = s.send("demo net")
    if "kretprobe #" in out:
        raise AssertionError("a removed kretprobe still reports:\n" + out)
    expect(out, r"^demo: ip_queue_xmit returned -7$", "demo net after unprobe")


def hits(s, n):
    """Probe n's hits, as list shows them."""
    m = re.search(rf"^ *{n}  [0-9a-f]{{8}}  [a-z]+ +(\d+) ", s.send("list"), re.M)
    if not m:
        raise AssertionError(f"list shows no probe #{n}")
    return int(m[1])


def check_shared_address(s):
    """A kprobe, a kretprobe and a jprobe on ip_queue_xmit: list shows each with its kind
    and which share the address; each runs on every call (demo net makes 3; its own
    jprobe is refused, EEXIST: one jprobe a function); enable/disable/unprobe work on
    each kind, and the int3 goes only when the last one is disabled or removed."""
    for cmd, n in (("probe ip_queue_xmit", 0), ("kretprobe ip_queue_xmit", 1),
                   ("jprobe ip_queue_xmit 2", 2)):
        expect(s.send(cmd), rf"^[a-z]*probe #{n} placed at ip_queue_xmit\+0x0/", cmd)
    out = s.send("list")
    for n, kind, others in ((0, "kprobe", "#1 #2"), (1, "kretprobe", "#0 #2"),
                            (2, "jprobe", "#0 #1")):
        expect(out, rf"^  {n}  [0-9a-f]{{8}}  {kind} +0 +0  ip_queue_xmit\+{SYMOFF}  "
               rf"\[shares its address with {others}\]  {JPROBE_INT3}$",
               f"list: #{n} {kind}, shared, an int3 for the jprobe")
    expect(s.send("dis ip_queue_xmit 1"), r" cc .*<- probe #0 #1 #2 \(int3 armed\)$",
           "dis: one int3 for the three")
    out = s.send("demo net")
    expect(out, r"^demo: register_jprobe\(ip_queue_xmit -> jip_queue_xmit\) = -17$",
           "the demo's jprobe is refused: the function has one")
    expect(out, r"^probe #0 hit 3 at ip_queue_xmit\+0x0/", "the kprobe ran 3 times")
    expect(out, r"^kretprobe #1 hit 3: ip_queue_xmit returned -7 to demo_net\+", "the "
           "kretprobe ran 3 times")
    expect(out, r"^jprobe #2 hit 3 at ip_queue_xmit\+0x0/0x[0-9a-f]+\([0-9a-f]{8}, "
           r"00000000\)$", "the jprobe ran 3 times (the third with ipfragok 0)")
    expect(s.send("disable 1"), r"^probe #1 at ip_queue_xmit\+\S+ disabled \(the int3 "
           r"stays: other probes there are armed\)$", "disable the kretprobe")
    expect(s.send("disable 0"), r"disabled \(the int3 stays", "disable the kprobe")
    s.send("demo net")
    if (hits(s, 0), hits(s, 1), hits(s, 2)) != (3, 3, 6):
        raise AssertionError("after disabling #0 and #1, only #2 should count: "
                             f"{hits(s, 0)}, {hits(s, 1)}, {hits(s, 2)}")
    expect(s.send("disable 2"), r"^probe #2 at \S+ disabled \(original byte back\)$",
           "the last disabled: the byte comes back")
    expect(s.send("dis ip_queue_xmit 1"), r" 55 .*<- probe #0 #1 #2 \[DISABLED\]$",
           "dis: the original byte, all disabled")
    expect(s.send("enable 1"), r"^probe #1 at ip_queue_xmit\+\S+ enabled$", "enable kretprobe")
    expect(s.send("dis ip_queue_xmit 1"), r" cc .*<- probe #0 #1 #2 \(int3 armed\)$",
           "dis: armed again")
    s.send("demo net")
    if (hits(s, 0), hits(s, 1), hits(s, 2)) != (3, 6, 6):
        raise AssertionError("after enabling #1 alone, only #1 should count: "
                             f"{hits(s, 0)}, {hits(s, 1)}, {hits(s, 2)}")
    expect(s.send("list"), r"^  1  [0-9a-f]{8}  kretprobe +6 +0  ip_queue_xmit\S+  "
           r"\[shares its address with #0 #2\]  " + JPROBE_INT3 + "$",
           "list after enable: the disabled jprobe still keeps the int3 (as in Linux)")
    expect(s.send("unprobe 1"), r"^probe #1 at \S+ removed after 6 hits$", "unprobe kretprobe")
    expect(s.send("unprobe 2"), r"^probe #2 at \S+ removed after 6 hits$", "unprobe jprobe")
    expect(s.send("list"), r"^  0  [0-9a-f]{8}  kprobe +3 +0  ip_queue_xmit\+\S+  "
           r"\[DISABLED\]$", "the kprobe alone, disabled, shares nothing")
    expect(s.send("unprobe 0"), r"removed after 3 hits$", "unprobe kprobe")
    out = s.send("dis ip_queue_xmit 1")
    expect(out, r"^[0-9a-f]{8}  ip_queue_xmit\+0x0/0x[0-9a-f]+ +55 ", "the byte is back")
    if "probe #" in out:
        raise AssertionError("dis still shows probes:\n" + out)


THOUSAND = 1000


def check_thousand_probes(s):
    """1,000 probes at once (the monitor's cap was 16), one on each instruction boundary
    of the functions at the end of the text -- the bench's and the self-tests'
    (tests/bench/, tests/kernel/, linked last; libgcc's __ helpers, after them, are
    left out: printk divides with them), which this session never runs, so the probes
    are armed but quiet -- skipping the ones refused for a documented reason; list
    counts them; the kernel runs on with them armed (demo net, no hit); all removed, and
    the functions' bytes are as before."""
    syms = re.findall(r"^([0-9a-f]{8}) +\d+  (\S+)$", s.send("syms *", timeout=60), re.M)
    funcs = [name for _, name in sorted(syms, reverse=True) if not name.startswith("__")]
    addrs, before = [], {}
    for f in funcs:
        out = s.send(f"dis {f} 400")
        before[f] = out
        addrs += re.findall(r"^([0-9a-f]{8})  ", out, re.M)
        if len(addrs) >= 2 * THOUSAND:
            break
    placed = []
    for a in addrs:
        out = s.send(f"probe 0x{a}")
        if re.search(rf"^probe #{len(placed)} placed at ", out, re.M):
            placed.append(a)
        elif not re.search(r": (EPERM|EOPNOTSUPP) \(", out):
            raise AssertionError(f"probe 0x{a}: refused for no documented reason:\n{out}")
        if len(placed) == THOUSAND:
            break
    if len(placed) < THOUSAND:
        raise AssertionError(f"only {len(placed)} probes placed (from {len(addrs)} "
                             "instruction boundaries)")
    listing = s.send("list", timeout=60)
    rows = re.findall(r"^ *\d+  [0-9a-f]{8}  kprobe ", listing, re.M)
    if len(rows) != THOUSAND:
        raise AssertionError(f"list shows {len(rows)} probes, not {THOUSAND}")
    out = s.send("demo net")
    expect(out, r"^demo: \d+ packets queued, jprobe missed 0 hits$",
           "demo net with 1,000 probes armed")
    if re.search(r"^probe #\d+ hit ", out, re.M):
        raise AssertionError("a probe on code this session never runs was hit:\n" + out)
    for n in range(THOUSAND):
        out = s.send(f"unprobe {n}")
        if not re.search(rf"^probe #{n} at \S+ removed after \d+ hits$", out, re.M):
            raise AssertionError(f"unprobe {n}:\n{out}")
    expect(s.send("list"), r"^no probes", "all removed")
    for f, out in list(before.items())[:5]:
        if s.send(f"dis {f} 400") != out:
            raise AssertionError(f"dis {f} differs after the probes were removed")


def check_family_bad_input(s):
    """The new command's bad input: each gets its precise message, and nothing is placed
    (list stays empty, the next probe still gets number 0)."""
    cases = [
        ("kretprobe", r"^usage: kretprobe SYM$"),
        ("kretprobe ip_queue_xmit 2", r"^usage: kretprobe SYM$"),
        ("kretprobe no_such_function",
         r"^kretprobe: no_such_function: ENOENT \(No such file or directory\): no such symbol"),
        ("kretprobe ip_queue_xmit+1",
         r"^kretprobe: ip_queue_xmit\+0x1/0x[0-9a-f]+: EINVAL \(Invalid argument\): a "
         r"kretprobe goes on a function's first byte$"),
        ("kretprobe kp_target_add+2",
         r"^kretprobe: kp_target_add\+0x2/0x[0-9a-f]+: EINVAL \(Invalid argument\): a "
         r"kretprobe goes on a function's first byte$"),
        ("kretprobe do_trap",
         r"^kretprobe: do_trap\+0x0/0x[0-9a-f]+: EPERM \(Operation not permitted\): "
         r"blacklisted"),
        ("kretprobe ip_queue_xmit+0x999", r"^kretprobe: ip_queue_xmit\+0x999: EINVAL .*past "
         r"the end of ip_queue_xmit"),
        ("list", r"^no probes"),
        ("jprobe kp_target_neg", r"^jprobe #0 placed"),
        ("jprobe kp_target_neg", r"^jprobe: kp_target_neg\+0x0/0x[0-9a-f]+: EEXIST \(File "
         r"exists\): a function takes one jprobe \(Linux's rule\)$"),
        ("kretprobe kp_target_neg", r"^kretprobe #1 placed"),
        ("list", r"^  1  [0-9a-f]{8}  kretprobe +0 +0  kp_target_neg\+\S+  \[shares its "
         r"address with #0\]  " + JPROBE_INT3 + "$"),
        ("unprobe 1", r"^probe #1 at kp_target_neg\+\S+ removed after 0 hits$"),
        ("unprobe 1", r"^unprobe: no probe #1 \(see 'list'\)$"),
        ("unprobe 1024", r"^unprobe: no probe #1024 \(see 'list'\)$"),
        ("unprobe 0", r"^probe #0 at kp_target_neg\+\S+ removed after 0 hits$"),
        ("list", r"^no probes"),
    ]
    for line, pattern in cases:
        expect(s.send(line), pattern, line)
    # nothing armed was left behind by the refusals: the bytes are the original ones
    for f in ("ip_queue_xmit", "kp_target_add", "kp_target_neg"):
        out = s.send(f"dis {f} 3")
        if "probe #" in out or re.search(r"^[0-9a-f]{8}  \S+ +cc ", out, re.M):
            raise AssertionError(f"dis {f}: a refused kretprobe left something:\n{out}")
    # An instruction slot page (EXEC_AREA, include/mm.h) is text while a probe holds a slot
    # in it: dis shows the copy and its jmp home, and stops at the page's end (its last
    # bytes were once read past it: an oops on the unmapped next page).
    expect(s.send("probe kp_target_mul"), r"^probe #0 placed", "probe for a slot page")
    expect(s.send("dis 0xe0000000 2"), r"^e0000001  kprobe_insn_page\+0x1/0x1000 +e9( [0-9a-f]{2})"
           r"{4} +-> [0-9a-f]{8} kp_target_mul\+0x1/", "the slot's jmp home")
    out = s.send("dis 0xe0000ffc 9")
    if len(re.findall(r"^e0000ff[c-f]  kprobe_insn_page\+", out, re.M)) != 4 or "e0001000" in out:
        raise AssertionError(f"dis at a slot page's end:\n{out}")
    expect(s.send("unprobe 0"), r"^probe #0 at kp_target_mul\+\S+ removed", "unprobe")
    expect(s.send("dis 0xe0000000"), r"^dis: 0xe0000000 is not in kernel text$",
           "a freed slot page is not text")


def opt_state(s, on, optimized):
    expect(s.send("optimize"), rf"^optimization {on}: {optimized} optimized, 0 waiting$",
           f"optimize: {on}, {optimized} optimized")


def row(s, n, kind, where, note, what):
    """Probe n's list row ends with where (a regex), then note (a regex)."""
    expect(s.send("list"), rf"^ +{n}  [0-9a-f]{{8}}  {kind} +\d+ +\d+  {where}\+{SYMOFF}"
           rf"{note}$", what)


def first_line(s, spec, pattern, what):
    expect(s.send(f"dis {spec} 1"), rf"^[0-9a-f]{{8}}  {spec}\+{SYMOFF} +{pattern}", what)


JMP = (r"e9( [0-9a-f]{2}){4} +-> [0-9a-f]{8} kprobe_optinsn_page\+\S+  <- probe #0 "
       r"\(jmp to detour, optimized\)$")
INT3 = r"cc .*<- probe #0 \(int3 armed\)$"
OPTIMIZED = r"  \[OPTIMIZED\]"


def check_optimize(s):
    """A pre-only kprobe is jump-optimized (list [OPTIMIZED], dis its jmp and the
    instructions under it, optimize counts it) and still counts every hit; a jprobe stays
    an int3 and says why; optimize off makes the kprobe an int3 again (list says why),
    still hit; optimize on makes it a jmp again; unprobe restores the bytes. Then a boot
    with kprobes_optimization=0 on the command line starts with optimization off."""
    before = s.send("dis kthread_create 8")
    opt_state(s, "on", 0)
    expect(s.send("probe kthread_create"), r"^probe #0 placed", "probe kthread_create")
    expect(s.send("jprobe kp_target_neg 1"), r"^jprobe #1 placed", "jprobe kp_target_neg")
    row(s, 0, "kprobe", "kthread_create", OPTIMIZED, "a pre-only kprobe is optimized")
    row(s, 1, "jprobe", "kp_target_neg", "  " + JPROBE_INT3, "a jprobe says why it is not")
    opt_state(s, "on", 1)
    out = s.send("dis kthread_create 8")
    expect(out, rf"^[0-9a-f]{{8}}  kthread_create\+0x0/0x[0-9a-f]+ +{JMP}", "dis: the jmp")
    under = re.findall(r"\(under the jmp: runs copied in the detour\)$", out, re.M)
    first = [ln for ln in before.splitlines() if re.match(r"^[0-9a-f]{8}  ", ln)]
    covered = 0
    for ln in first[1:]:
        off = int(re.search(r"\+0x([0-9a-f]+)/", ln)[1], 16)
        covered += off < 5
    if len(under) < covered or not under:
        raise AssertionError(f"dis marks {len(under)} instructions under the jmp, "
                             f"{covered} start in its 5 bytes:\n{out}")
    s.send("demo sched")
    if hits(s, 0) != 2:
        raise AssertionError(f"optimized: {hits(s, 0)} hits after one demo sched, want 2")
    expect(s.send("optimize off"), r"^optimization off: 0 optimized, 0 waiting$", "off")
    row(s, 0, "kprobe", "kthread_create", r"  \(int3: optimization is off\)", "off: why")
    row(s, 1, "jprobe", "kp_target_neg", "  " + JPROBE_INT3, "off: the jprobe's reason stays")
    first_line(s, "kthread_create", INT3, "off: the int3 is back")
    s.send("demo sched")
    if hits(s, 0) != 4:
        raise AssertionError(f"int3 again: {hits(s, 0)} hits after two demo sched, want 4")
    expect(s.send("optimize on"), r"^optimization on: 1 optimized, 0 waiting$", "on again")
    row(s, 0, "kprobe", "kthread_create", OPTIMIZED, "on: optimized again")
    first_line(s, "kthread_create", JMP, "on: the jmp is back")
    expect(s.send("optimize of"), r"^usage: optimize \[on\|off\]$", "optimize of")
    expect(s.send("optimize on off"), r"^usage: optimize \[on\|off\]$", "two words")
    expect(s.send("unprobe 0"), r"removed after 4 hits$", "unprobe the kprobe")
    expect(s.send("unprobe 1"), r"removed after 0 hits$", "unprobe the jprobe")
    opt_state(s, "on", 0)
    if s.send("dis kthread_create 8") != before:
        raise AssertionError("kthread_create's bytes differ after unprobe")

    t = Session(s.qemu, s.kernel, s.log_path.replace(".log", ".cmdline_off.log"),
                cmdline="monitor kprobes_optimization=0")
    try:
        opt_state(t, "off", 0)
        expect(t.send("probe kthread_create"), r"^probe #0 placed", "probe, booted off")
        row(t, 0, "kprobe", "kthread_create", r"  \(int3: optimization is off\)", "booted off")
        first_line(t, "kthread_create", INT3, "booted off: an int3")
        expect(t.send("optimize on"), r"^optimization on: 1 optimized, 0 waiting$", "on")
        first_line(t, "kthread_create", JMP, "switched on: the jmp")
        rc = t.halt()
        if rc != EXIT_HALT:
            raise AssertionError(f"the kprobes_optimization=0 boot: halt gave {rc}")
    finally:
        t.close()


SESSIONS = [
    ("kretprobe_net", check_kretprobe_net),
    ("shared_address", check_shared_address),
    ("thousand_probes", check_thousand_probes),
    ("family_bad_input", check_family_bad_input),
    ("optimize", check_optimize),
]
