# SPDX-License-Identifier: MIT
"""monitor.lab: docs/lab-kprobes.md typed at the prompt, and what it predicts, checked.

The lab is read as a sequence of steps: a fenced block of "jumper> ..." commands and the
prose after it, up to the next block. Every command is typed in order (none may be
unknown, misused or refused, or print FAILED or an oops, unless the lab says it is
refused). Then each prediction the lab makes is found in the lab's own text -- the errno
a refused command gets, the bytes `dis` shows, the answer to question 1 -- and the value
the text states is the value the kernel's output must show. If the lab's wording changes
so that a prediction is no longer found, the test fails and says which one: the lab and
its test cannot drift apart silently. Used by tests/runner/monitor_sessions.py (SESSIONS).
"""
import os
import re

LAB = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "docs",
                   "lab-kprobes.md")
BAD_OUTPUT = r"unknown command|^usage:|: E[A-Z]+ \(|FAILED|Oops"


def read_steps(text):
    """[{"cmds": [commands of one block], "after": the prose below it}] of the lab."""
    steps, lines, i = [], text.split("\n"), 0
    while i < len(lines):
        if not lines[i].startswith("```"):
            if steps:
                steps[-1]["after"] += lines[i] + "\n"
            i += 1
            continue
        j = i + 1
        while j < len(lines) and not lines[j].startswith("```"):
            j += 1
        cmds = [ln[len("jumper> "):] for ln in lines[i + 1:j] if ln.startswith("jumper> ")]
        if cmds:
            steps.append({"cmds": cmds, "replies": {}, "after": ""})
        elif steps:
            steps[-1]["after"] += "\n"        # a shell block: prose goes on below it
        i = j + 1
    return steps


def said(steps, pattern, what):
    """The step whose prose says pattern (a regex), and the match; fails if none does."""
    for step in steps:
        m = re.search(pattern, step["after"])
        if m:
            return step, m
    raise AssertionError(f"the lab no longer says /{pattern}/ ({what}); "
                         f"update tests/runner/monitor_lab.py with the lab")


def reply(step, prefix):
    """The reply to the step's last command starting with prefix."""
    cmds = [c for c in step["cmds"] if c.startswith(prefix)]
    if not cmds:
        raise AssertionError(f"the lab's step {step['cmds']} has no '{prefix}' command")
    return cmds[-1], step["replies"][cmds[-1]]


def insn_bytes(dis_reply, n):
    """The bytes of the nth (0-based) instruction of a dis listing, as "89 e5"."""
    rows = re.findall(r"^[0-9a-f]{8}  \S+ +((?:[0-9a-f]{2} )*[0-9a-f]{2})\b", dis_reply, re.M)
    if len(rows) <= n:
        raise AssertionError(f"dis shows no instruction {n + 1}:\n{dis_reply}")
    return rows[n]


def listed(listing):
    """(hits, nmissed) of probe #0 in a list reply."""
    m = re.search(r"^ +0  [0-9a-f]{8}  [kj]probe +(\d+) +(\d+)  ", listing, re.M)
    if not m:
        raise AssertionError("list shows no probe #0:\n" + listing)
    return int(m[1]), int(m[2])


def same(got, want, what):
    if got != want:
        raise AssertionError(f"{what}: the lab says {want!r}, the kernel shows {got!r}")


def check_lab(s):
    text = open(LAB).read()
    steps = read_steps(text)
    if sum(len(st["cmds"]) for st in steps) < 15:
        raise AssertionError("fewer than 15 commands found in the lab")
    # Refusals: prose right after a block that starts with an errno name in backticks.
    refused = {}
    for st in steps:
        m = re.match(r"\s*`(E[A-Z]+)`:", st["after"])
        if m:
            refused[st["cmds"][-1]] = m[1]
    if len(refused) < 2:
        raise AssertionError(f"the lab's refusals (\"`EILSEQ`: ...\") not found: {refused}")
    for st in steps:
        for cmd in st["cmds"]:
            if cmd == "halt":
                continue                # run_session halts and checks the exit status
            out = st["replies"][cmd] = s.send(cmd)
            if cmd in refused:
                if not re.search(rf": {refused[cmd]} \(", out):
                    raise AssertionError(f"'{cmd}': the lab says {refused[cmd]}, the kernel "
                                         f"said:\n{out[-800:]}")
            elif re.search(BAD_OUTPUT, out, re.M):
                raise AssertionError(f"lab command '{cmd}' went wrong:\n" + out[-1500:])
    check_predictions(steps, text)


def check_predictions(steps, text):
    # 1. The function's first two instructions.
    st, m = said(steps, r"The first one is\s+`([0-9a-f ]+)`", "the first instruction")
    _, out = reply(st, "dis ")
    same(insn_bytes(out, 0), m[1], "the first instruction's bytes")
    st, m = said(steps, r"The second is usually\s+`([0-9a-f ]+)`", "the second instruction")
    same(insn_bytes(reply(st, "dis ")[1], 1), m[1], "the second instruction's bytes")
    addr = re.search(r"^([0-9a-f]{8})  ", out, re.M)[1]

    # 2. The armed probe, its hits, and question 1.
    st, m = said(steps, r"The first byte now reads\s+`([0-9a-f]{2})`", "the armed int3")
    _, out = reply(st, "dis ")
    same(insn_bytes(out, 0), m[1], "the probed instruction's first byte")
    if "(int3 armed)" not in out:
        raise AssertionError("dis does not mark the armed probe:\n" + out)
    st, _ = said(steps, r"Each call hits the probe", "every call hits")
    _, net = reply(st, "demo net")
    calls = len(re.findall(r"^demo: ip_queue_xmit returned", net, re.M))
    hits = re.findall(r"^probe #0 hit \d+ at \S+: eip=([0-9a-f]{8}) ", net, re.M)
    same(len(hits), calls, "probe hits during demo net (one per call)")
    if calls == 0 or any(h != addr for h in hits):
        raise AssertionError(f"the lab says eip is ip_queue_xmit ({addr}) at each hit: {hits}")
    m = re.search(r"## Answers.*?^1\.\s+`(-?\d+)`, and your kprobe's handler first", text,
                  re.S | re.M)
    if not m:
        raise AssertionError("the lab no longer answers question 1 as \"1. `N`, and your "
                             "kprobe's handler first\"")
    if not re.search(rf"^demo: register_jprobe\(ip_queue_xmit -> jip_queue_xmit\) = {m[1]}$",
                     net, re.M):
        raise AssertionError(f"answer 1 says register_jprobe returns {m[1]}:\n{net}")
    # Each call: the kprobe's hit line, then the jprobe's, then the return.
    order = re.findall(r"^(probe #0 hit|jprobe: ip_queue_xmit|demo: ip_queue_xmit returned)",
                       net, re.M)
    want = ["probe #0 hit", "jprobe: ip_queue_xmit", "demo: ip_queue_xmit returned"]
    if order != want * calls:
        raise AssertionError(f"answer 1 says the kprobe's handler runs first, then the "
                             f"jprobe's, at each call; the order was {order}")
    st, m = said(steps, r"`nmissed` counts[\s\S]*?(zero) here", "hits and nmissed")
    same(listed(reply(st, "list")[1]), (calls, 0), "list's hits and nmissed after demo net")

    # 3. Disabled: the original byte back, hits stop; unprobed: the byte restored.
    st, m = said(steps, r"the original byte is back \(`dis` shows `([0-9a-f]{2})`\) and "
                 r"`hits` stops counting", "disable")
    same(insn_bytes(reply(st, "dis ")[1], 0), m[1], "the first byte of a disabled probe")
    if re.search(r"^probe #0 hit", reply(st, "demo net")[1], re.M):
        raise AssertionError("a disabled probe still reported hits")
    same(listed(reply(st, "list")[1]), (calls, 0), "list's hits after disabled calls")
    st, m = said(steps, r"restores the original byte: `dis` shows `([0-9a-f]{2})`", "unprobe")
    out = reply(st, "dis ")[1]
    same(insn_bytes(out, 0), m[1], "the first byte after unprobe")
    if "probe #" in out:
        raise AssertionError("dis still shows a probe after unprobe:\n" + out)
    if not re.search(rf"^probe #0 at \S+ removed after {calls} hits$",
                     reply(st, "unprobe")[1], re.M):
        raise AssertionError(f"unprobe: expected 'removed after {calls} hits'")

    # 3, end. Optimized: the jmp in the first bytes, the region marked, list says so.
    st, m = said(steps, r"The first bytes now read `([0-9a-f]{2})` and four more", "optimized")
    out = reply(st, "dis ")[1]
    jmp = insn_bytes(out, 0).split()
    if len(jmp) != 5 or jmp[0] != m[1] or "(jmp to detour, optimized)" not in out:
        raise AssertionError(f"the lab says {m[1]} and four more, a jmp to the detour:\n{out}")
    if "(under the jmp: runs copied in the detour)" not in out:
        raise AssertionError("dis does not mark the instructions under the jmp:\n" + out)
    if not re.search(r"^  0  [0-9a-f]{8}  kprobe .*  \[OPTIMIZED\]$", reply(st, "list")[1],
                     re.M):
        raise AssertionError("list does not say [OPTIMIZED]:\n" + reply(st, "list")[1])

    # 4. The jprobe: two numbers per hit, one hit per call.
    st, m = said(steps, r"The (two) numbers printed on each hit are `skb`", "jprobe arguments")
    out = reply(st, "demo net")[1]
    args = re.findall(r"^jprobe #0 hit \d+ at \S+\(([0-9a-f, ]*)\)$", out, re.M)
    same(len(args), calls, "jprobe hits during demo net")
    if any(len(a.split(", ")) != 2 for a in args):
        raise AssertionError(f"the lab says two numbers per hit: {args}")
    same(listed(reply(st, "list")[1])[0], calls, "the jprobe's hits in list")

    # 7. A handler's fault, caught; the kernel goes on.
    st, _ = said(steps, r"Its `fault_handler` catches the page fault, skips\s+the load, and "
                 r"the kernel goes on", "demo fault")
    out = reply(st, "demo fault")[1]
    if not re.search(r"fault_handler: page fault at .*skipping the load", out):
        raise AssertionError("demo fault: no fault_handler line:\n" + out)
    out = reply(steps[-1], "selftest")[1]
    if not re.search(r"^selftest: all passed$", out, re.M):
        raise AssertionError("the lab's selftest did not pass:\n" + out[-800:])
