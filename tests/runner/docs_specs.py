# SPDX-License-Identifier: MIT
"""What each marked sample and figure of the documents shows (tests/runner/docs_samples.py).

A sample picks lines out of a real run: a list of regular expressions, each matching the
first line at or after the previous match. Where lines are left out, "..." stands for
them (blank lines are dropped silently), so a sample never pretends to be the whole
output. A message a sample shows is found by its beginning, so when someone changes the
message, --update writes the new one; if the line is gone altogether, the sample says
which expression no longer matches. Figures are named by where they come from:
  tests.total                   results `make test` reports (= passed, in a green run)
  diff.sites|executed|unexecuted|boosted|hits|mismatches   kprobes_diff's totals
  diffstate.IF1|IF0|TF1.sites|mismatches   kprobes_diff's per_start_state line
  bench.ROW.KEY                 a figure of build/bench.json's row ROW (make bench)
  prof.ROW.FN[.insns]           one hit of ROW in function FN (make bench-profile)
  seg.ROW.FN.N                  the Nth stretch of that hit's path spent in FN (ticks)
  jp.*                          the jprobe hit's derived figures (docs/jprobes.md)
  opt.*                         the jump-optimized hit's derived figures (docs/optprobes.md)
  tpl.LABEL[.field]             the offset of a label of kernel/optprobe_template.asm in the
                                template (0x1f), or the 4-byte field ending there (0x24-0x27)
  gdb|gdb8|gdbsym|gdbline.BLOCK.K[.N]   a value in the reply to command K of a gdb block
  ktap.SUITE.CASE.WORD          the number before WORD in the case's "# CASE: ..." line
"""
import os
import re
import subprocess

from docs_sources import DEMO_COMMANDS, DOC_SESSIONS, SourceError


class Sample:
    def __init__(self, generate, normalize=True):
        self.generate, self.normalize = generate, normalize


def pick(lines, patterns, what):
    """The lines patterns select, in order, with "..." where lines were skipped."""
    out, i = [], 0
    for pat in patterns:
        j = i
        while j < len(lines) and not re.search(pat, lines[j]):
            j += 1
        if j == len(lines):
            after = f" after '{lines[i - 1]}'" if i else ""
            raise SourceError(f"no line /{pat}/ in {what}{after}")
        if any(ln.strip() for ln in lines[i:j]):
            out.append("...")
        out.append(lines[j])
        i = j + 1
    if any(ln.strip() for ln in lines[i:]):
        out.append("...")
    return out


def boot_excerpt(patterns, head=()):
    return Sample(lambda src: list(head) + pick(src.demo()["boot"], patterns,
                                                "the demo's boot output"))


def transcript(steps):
    """The monitor transcript: each (command, patterns) as typed, then its reply's lines
    (patterns None: all of them). Every command must be one of DEMO_COMMANDS, in order."""
    def gen(src):
        out = []
        replies = src.demo()["replies"]
        for cmd, patterns in steps:
            out.append("jumper> " + cmd)
            if cmd == "halt":
                continue
            if cmd not in replies:
                raise SourceError(f"'{cmd}' is not in docs_sources.DEMO_COMMANDS")
            reply = replies[cmd]
            out += reply if patterns is None else pick(reply, patterns, f"the reply to '{cmd}'")
        return out
    cmds = [c for c, _ in steps if c != "halt"]
    assert cmds == DEMO_COMMANDS, "transcript commands must be DEMO_COMMANDS, in order"
    return Sample(gen)


def session_transcript(name, steps):
    """A transcript of the monitor session DOC_SESSIONS[name]: each (command, patterns)
    as typed, then its reply's lines (patterns None: all of them). The commands must be
    the session's, in order."""
    assert [c for c, _ in steps] == DOC_SESSIONS[name], \
        f"transcript commands must be DOC_SESSIONS[{name!r}], in order"

    def gen(src):
        out = []
        for (cmd, patterns), (typed, reply) in zip(steps, src.session(name)):
            out.append("jumper> " + typed)
            out += reply if patterns is None else pick(reply, patterns, f"the reply to '{cmd}'")
        return out
    return Sample(gen)


def test_listing(names):
    """`make test`'s output: "ok   NAME" for each name (each must be a test make test
    runs), "..." as given, then the final line of a green run."""
    def gen(src):
        known = set(src.tests())
        out = []
        for n in names:
            if n != "..." and n not in known:
                raise SourceError(f"make test runs no test {n}")
            out.append(n if n == "..." else "ok   " + n)
        return out + [f"{len(src.tests())} passed, 0 failed, 0 skipped"]
    return Sample(gen, normalize=False)


BENCH_ROWS = [("plain", "unprobed"),
              ("kprobe_optimized", "kprobe, pre handler only, jump-optimized (docs/optprobes.md)"),
              ("kprobe_pre", "kprobe, pre handler only, int3 (boosted; optimization off)"),
              ("kprobe_disabled", "kprobe, disabled"),
              ("kprobe_pre_post", "kprobe, pre + post (single-step)"),
              ("jprobe", "jprobe (docs/jprobes.md)")]


def bench_table(src):
    rows = src.bench()["rows"]
    out = ["| row | instructions per call | extra per hit | icount ticks per call | "
           "extra ticks | traps per hit |", "|---|---|---|---|---|---|"]
    for key, label in BENCH_ROWS:
        r = rows[key]
        extra = ("—", "—") if key == "plain" else (r["extra_insns"], r["extra_per_hit"])
        out.append(f"| {label} | {r['insns_per_call']} | {extra[0]} | {r['per_call']} | "
                   f"{extra[1]} | {fmt(r['traps_per_hit'])} |")
    return out


# docs/jprobes.md's table: where one jprobe hit goes; each part is a list of
# (function, path stretch or None for all of it).
JPROBE_PARTS = [
    ("`stub_3`: two trap entries, two `iret`s", [("stub_3", None)]),
    ("`kprobe_int3_handler`, first trap: find the probe, set the hit up, call the pre "
     "handler", [("kprobe_int3_handler", 1), ("kprobe_int3_handler", 2)]),
    ("`setjmp_pre_handler`, with the block copy", [("setjmp_pre_handler", None)]),
    ("the handler (`bench_jhandler`) and `jprobe_return`",
     [("bench_jhandler", None), ("jprobe_return", None)]),
    ("`kprobe_int3_handler`, return trap: offer it to the break handler, then boost the "
     "entry instruction", [("kprobe_int3_handler", 3), ("kprobe_int3_handler", 4)]),
    ("`longjmp_break_handler`, with the copy back", [("longjmp_break_handler", None)]),
    ("the entry instruction's slot: its `jmp` home (and the int3 in place of `push ebp`)",
     [("kprobe_insn_slots", None)]),
]


def part_cost(src, row, parts):
    """(ticks, insns) of a list of (function, stretch) of one hit of row. A stretch is
    counted in ticks only; its instructions equal its ticks unless the function has a
    rep instruction, which the callers here do not split."""
    prof = profile(src, row)
    ticks = insns = 0
    for fn, n in parts:
        if n is None:
            t, i = prof["functions"][fn]
        else:
            t = i = segment(src, row, fn, n)
        ticks, insns = ticks + t, insns + i
    return ticks, insns


def jprobe_table(src):
    out = ["| path | ticks | instructions |", "|---|---|---|"]
    total = [0, 0]
    for label, parts in JPROBE_PARTS:
        t, i = part_cost(src, "jprobe", parts)
        total = [total[0] + t, total[1] + i]
        out.append(f"| {label} | {t} | {i} |")
    r = src.bench()["rows"]["jprobe"]
    if total != [r["extra_per_hit"], r["extra_insns"]]:
        raise SourceError(f"the jprobe table's parts add up to {total}, not the hit's "
                          f"{r['extra_per_hit']} ticks / {r['extra_insns']} instructions")
    out.append(f"| **extra per hit** | **{total[0]}** | **{total[1]}** |")
    return out


def optprobe_parts(src):
    """[(label, instructions)] of one kprobe_optimized hit, from its profile: the jmp in,
    the detour up to the handler's call, the handler, the detour after it (the copied
    instructions included), minus the copies (the unprobed call runs them in place).
    The copies are the region's instructions: bench_target's whole count in the int3 row
    (kprobe_pre) less what the optimized call still runs of it besides the jmp."""
    row = "kprobe_optimized"
    handler = profile(src, row)["functions"]["bench_pre"][1]
    copied = profile(src, "kprobe_pre")["functions"]["bench_target"][1] - \
        (profile(src, row)["functions"]["bench_target"][1] - 1)
    jmp_in = segment(src, row, "bench_target", 1)
    if jmp_in != 1:
        raise SourceError(f"{row}: bench_target runs {jmp_in} instructions before the detour, "
                          f"not 1 (the jmp)")
    parts = [
        ("the `jmp` that replaced the region (in `bench_target`)", jmp_in),
        ("detour to the call: `pt_regs` built, `cli`, `cld`, `current_kprobe` tested and "
         "set, the status, the probed code's TF/IF kept, `preempt_disable`, the arguments",
         segment(src, row, "detour_buffer", 1)),
        ("the handler (`bench_pre`)", handler),
        ("detour after the call: `preempt_enable_no_resched`, `current_kprobe` cleared, the "
         "answer tested, TF/IF merged, registers back, `popfd`, the copied instructions, "
         "the `jmp` back", segment(src, row, "detour_buffer", 2)),
        ("less the copied instructions, which the unprobed call runs in place", -copied),
    ]
    total = sum(n for _, n in parts)
    extra = src.bench()["rows"][row]["extra_insns"]
    if total != extra:
        raise SourceError(f"the {row} table's parts add up to {total}, not the hit's {extra}")
    return parts, copied


def template_object(src):
    """The detour template's object file, in the kernel's build directory."""
    obj = os.path.join(os.path.dirname(src.kernel), "obj", "kernel", "optprobe_template.o")
    if not os.path.exists(obj):
        raise SourceError(f"no {obj} (the build's object for kernel/optprobe_template.asm)")
    return obj


def objdump(args):
    try:
        return subprocess.run(["objdump", *args], check=True, capture_output=True,
                              text=True).stdout.splitlines()
    except (OSError, subprocess.CalledProcessError) as e:
        raise SourceError(f"objdump {' '.join(args)}: {e}")


def disassembly(lines):
    """objdump's listing without its header: labels and instruction lines."""
    out = []
    for ln in lines:
        if re.match(r"^[0-9a-f]+ <\S+>:$", ln):
            out += ["", ln] if out else [ln]
        elif re.match(r"^ +[0-9a-f]+:\t", ln):
            out.append(re.sub(r"\s+$", "", ln.replace("\t", "  ")))
        elif re.match(r"^\t+[0-9a-f]+: R_386_", ln):          # objdump -r: a relocation
            out.append("            " + re.sub(r"\s+", "  ", ln.strip()))
    return out


def normalize_listing(line):
    """As normalize, and objdump's address column (six hex digits in this kernel)."""
    return normalize(re.sub(r"^(\s*)[0-9a-f]+:", r"\1ADDR:", line))


def normalize_template(line):
    """As normalize, and THREAD_SIZE's mask in `and ebx, -THREAD_SIZE` (e0 or f0)."""
    return normalize(re.sub(r"\b81 e3 00 [0-9a-f]0 ff ff\b", "81 e3 00 X0 ff ff", line))


def template_listing(src):
    """`objdump -D -M intel -j .rodata` of the template's object, as docs/optprobes.md
    shows it: every byte of the template, at its offset in a detour buffer."""
    return disassembly(objdump(["-D", "-r", "-M", "intel", "-j", ".rodata",
                                template_object(src)]))


def bench_target_listing(src):
    addr = src.bench_symbol("bench_target")
    return disassembly(objdump(["-d", "-M", "intel", f"--start-address=0x{addr[0]:x}",
                                f"--stop-address=0x{addr[0] + addr[1]:x}", src.kernel]))


def template_figure(src, label, field):
    """The offset of label in the template, or (field) the 4-byte field that ends there."""
    syms = {}
    for ln in objdump(["-t", template_object(src)]):
        p = ln.split()
        if len(p) >= 2 and re.fullmatch(r"[0-9a-f]{8}", p[0]):
            syms[p[-1]] = int(p[0], 16)
    if label not in syms:
        raise KeyError(f"kernel/optprobe_template.asm has no label {label}")
    at = syms[label]
    return f"0x{at - 4:02x}-0x{at - 1:02x}" if field else f"0x{at:02x}"


def optprobe_table(src):
    parts, _ = optprobe_parts(src)
    out = ["| path | instructions |", "|---|---|"]
    out += [f"| {label} | {n} |" for label, n in parts]
    out.append(f"| **extra per hit** | **{sum(n for _, n in parts)}** |")
    return out


SAMPLES = {
    # README.md, "What you will see": make run's demo, then the monitor.
    "readme_run": boot_excerpt([
        r"^jumper \d", r"^multiboot: loader", r"^  \[mem 0x00100000-",
        r"^demo: int3 trapped", r"^EIP: ", r"^demo: esp before int3", r"^demo: IF inside",
        r"^demo: register_jprobe", r"^jprobe: ip_queue_xmit", r"^demo: ip_queue_xmit returned"]),
    "readme_monitor": transcript([
        ("probe kthread_create", None),
        ("demo sched", [r"^demo sched:", r"^probe #0 hit 1 "]),
        ("list", None), ("dis kthread_create 2", None), ("halt", None)]),
    "readme_test": test_listing([
        "traps.int3_regs_esp_is_pre_trap_esp", "traps.single_step_reaches_debug_notifier",
        "...", "sched.preempt_disable_holds_off_the_switch", "oops.stack_overflow",
        "monitor.probe_lifecycle", "runner.detects_triple_fault", "host.docs_samples",
        "..."]),
    # docs/jprobes.md: the demo's jprobe.
    "jprobes_demo": boot_excerpt([r"^demo: register_jprobe", r"^jprobe: ip_queue_xmit",
                                  r"^demo: ip_queue_xmit returned"], head=["$ make run"]),
    "jprobes_profile": Sample(jprobe_table, normalize=False),
    # docs/kretprobes.md: a kretprobe on the demo's ip_queue_xmit, beside its jprobe.
    "kretprobes_monitor": session_transcript("kretprobes", [
        ("kretprobe ip_queue_xmit", None),
        ("demo net", [r"^demo: register_jprobe", r"^jprobe: ip_queue_xmit",
                      r"^kretprobe #0 hit 1: ", r"^demo: ip_queue_xmit returned",
                      r"^kretprobe #0 hit 3: ", r"^demo: ip_queue_xmit returned -7"]),
        ("list", None), ("probe ip_queue_xmit", None), ("list", None)]),
    # docs/optprobes.md: where one jump-optimized hit goes; the template, byte by byte; the
    # bench's probed function.
    "optprobes_profile": Sample(optprobe_table, normalize=False),
    "optprobes_template": Sample(template_listing, normalize=normalize_template),
    "optprobes_bench_target": Sample(bench_target_listing, normalize=normalize_listing),
    # docs/kprobes.md: make bench's table.
    "kprobes_bench": Sample(bench_table, normalize=False),
    # docs/debugging.md: what make test prints for the gdb workflow.
    "gdb_test_line": Sample(lambda src: ["ok   host.gdb_kmain: " + src.gdb()]),
}

# ---- docs/debugging.md: gdb sessions, each a series of blocks typed in one session

REGS = [rf"^{r}\s" for r in ("eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi", "eip",
                             "eflags", "cs", "ss", "ds", "cr0", "cr2", "cr3")]
GDB_SESSIONS = {
    "demo": ("demo monitor", [
        ("gdb_start", []),
        ("gdb_kmain", [("continue", None), ("bt", None)]),
        ("gdb_info_registers", [("info registers", REGS)]),
        ("gdb_x8i", [("x/8i $pc", None)]),
        ("gdb_int3", [("break kprobe_int3_handler", None), ("break setjmp_pre_handler", None),
                      ("continue", None), ("bt", 3), ("p/x regs->eip", None)]),
        ("gdb_int3_jprobe", [("continue", None), ("p/x regs->eip", None),
                             ("info symbol regs->eip - 1", None), ("x/2i regs->eip - 1", None)]),
        ("gdb_setjmp", [("continue", None), ("bt", 3), ("p *regs", None),
                        ("p/x regs->eip", None)]),
        ("gdb_regs_hex", [("p/x *regs", None), ("info symbol regs->esp", None),
                          ("x/3wx &regs->esp", None),
                          ("p *(struct sk_buff *)((long *)&regs->esp)[1]", None)]),
        ("gdb_si", [("x/4i $pc", None), ("si", None), ("si", None), ("si", None),
                    ("info registers eip esp", None)]),
        ("gdb_finish", [("finish", None), ("break jip_queue_xmit", None), ("continue", None),
                        ("bt 3", None), ("info registers eip esp eflags", None)]),
    ]),
    # The first continue (to gdbinit's break kmain) is typed but not shown.
    "hang": ("crash=hang", [(None, [("continue", None)]),
                            ("gdb_ctrl_c", [("continue ^C", None), ("bt 3", None)])]),
}


def normalize(line):
    """What may differ between builds: addresses, symbol sizes, line numbers, the build."""
    line = re.sub(r"(?<![0-9a-f])[0-9a-f]{8}(?![0-9a-f])", "XXXXXXXX", line)
    line = re.sub(r"(\+0x[0-9a-f]+)/0x[0-9a-f]+", r"\1/0xSIZE", line)
    line = re.sub(r"0x[0-9a-f]{5,8}\b", "0xADDR", line)
    line = re.sub(r"\b(\w+\.(?:c|asm|h)):\d+", r"\1:LINE", line)
    line = re.sub(r"\bline \d+", "line LINE", line)
    line = re.sub(r"THREAD_SIZE=\d+", "THREAD_SIZE=N", line)
    line = re.sub(r"\bts\d{4}\b", "tsN", line)
    return re.sub(r"\s+", " ", line).strip()


def normalize_gdb(line):
    """As normalize, and every hex number (addresses, and immediates such as THREAD_SIZE
    in the disassembly), decimal addresses (p *regs prints them so) and source lines."""
    line = re.sub(r"\b0x[0-9a-f]+\b", "0xN", line)
    line = re.sub(r"^(0x[0-9a-f]+\t)?\d+(\t)", r"\1N\2", line)
    return normalize(re.sub(r"\b\d{4,}\b", "N", line))


def make_debug_banner(kernel):
    """The line make debug echoes before gdb starts, from the Makefile itself."""
    root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
    with open(os.path.join(root, "Makefile")) as f:
        m = re.search(r'@echo "(QEMU waits for gdb on [^"]*)"', f.read())
    if not m:
        raise SourceError("the Makefile's debug target no longer echoes 'QEMU waits for gdb'")
    return m[1].replace("$(GDBPORT)", "1234").replace("$(BUILD)", os.path.dirname(kernel))


def gdb_block(session, index):
    name, cmdline = session, GDB_SESSIONS[session][0]
    blocks = GDB_SESSIONS[session][1]
    commands = [c for _, steps in blocks for c, _ in steps]
    offset = sum(len(steps) for _, steps in blocks[:index])
    sample, steps = blocks[index]

    def gen(src):
        startup, replies = src.gdb_session(name, cmdline, commands)
        if not steps:                       # the session's start, as make debug shows it
            return [make_debug_banner(src.kernel)] + startup + ["(gdb)"]
        out = []
        for k, (cmd, sel) in enumerate(steps):
            reply = replies[offset + k]
            out.append("(gdb) " + cmd.replace(" ^C", ""))    # ^C: typed while it runs
            if isinstance(sel, int):        # a backtrace's first sel frames
                cut = next((i for i, ln in enumerate(reply) if ln.startswith(f"#{sel} ")),
                           len(reply))
                out += reply[:cut] + (["..."] if cut < len(reply) else [])
            else:
                out += reply if sel is None else pick(reply, sel, f"gdb's answer to '{cmd}'")
        return out
    return sample, Sample(gen, normalize=normalize_gdb)


for _session, (_cmdline, _blocks) in GDB_SESSIONS.items():
    for _i in range(len(_blocks)):
        _name, _sample = gdb_block(_session, _i)
        if _name:
            SAMPLES[_name] = _sample


def gdb_reply(src, block, k):
    """The reply to the kth command (0-based) of a gdb sample block, as text."""
    for session, (cmdline, blocks) in GDB_SESSIONS.items():
        names = [b for b, _ in blocks]
        if block in names:
            i = names.index(block)
            commands = [c for _, steps in blocks for c, _ in steps]
            offset = sum(len(steps) for _, steps in blocks[:i])
            if not 0 <= k < len(blocks[i][1]):
                raise KeyError(f"{block} has no command {k}")
            return "\n".join(src.gdb_session(session, cmdline, commands)[1][offset + k])
    raise KeyError(f"no gdb block {block}")


def gdb_figure(src, kind, block, k, n):
    """A value from a gdb reply: the nth 0x number (gdb), the same as 8 hex digits
    (gdb8), the "symbol + offset" of info symbol (gdbsym), a source line number
    (gdbline)."""
    text = gdb_reply(src, block, k)
    if kind in ("gdb", "gdb8"):
        nums = re.findall(r"\b0x[0-9a-f]+\b", text)
        if n >= len(nums):
            raise SourceError(f"{block}: reply {k} has no hex number #{n}: {text!r}")
        return nums[n] if kind == "gdb" else "%08x" % int(nums[n], 16)
    if kind == "gdbsym":
        m = re.match(r"(.+?) in section ", text)
    else:
        m = re.search(r"^(?:0x[0-9a-f]+\t)?(\d+)\t", text, re.M)
    if not m:
        raise SourceError(f"{block}: reply {k} shows no {kind}: {text!r}")
    return m[1]


def figure_normalizer(name):
    """How a figure is compared in check mode: gdb's addresses, offsets and line numbers
    change with every build, like the transcripts'; every other figure is exact."""
    if name.split(".")[0] in ("gdb", "gdb8", "gdbsym", "gdbline"):
        return lambda v: re.sub(r"(?:0x)?[0-9a-f]*[0-9][0-9a-f]*", "N", v)
    return None


# Prose that states a run's figure must carry a mark (tests/runner/docs_samples.py checks).
MUST_BE_MARKED = [r"\b\d+ passed\b", r"\b\d+ (?:probe )?sites\b", r"\b\d+ instruction boundaries",
                  r"\b\d+ (?:extra )?guest instructions\b"]


def fmt(v):
    return str(int(v)) if isinstance(v, float) and v.is_integer() else str(v)


def profile(src, row):
    prof = src.bench()["profile"].get(row)
    if prof is None:
        raise SourceError(f"bench.py --profile printed no profile for {row}")
    return prof


def segment(src, row, fn, n):
    stretches = [t for f, t in profile(src, row)["path"] if f == fn]
    if not 1 <= n <= len(stretches):
        raise SourceError(f"{row}: {fn} has {len(stretches)} stretches on the path, not {n}")
    return stretches[n - 1]


def diff_figure(src, key):
    cases = src.diff()
    a, b = cases["every_instruction_single_stepped"], cases["every_instruction_boosted_or_stepped"]
    for k in ("sites", "executed", "hits", "mismatches"):
        if a[k] != b[k]:
            raise SourceError(f"kprobes_diff: the two cases disagree on {k}: {a[k]}, {b[k]}")
    if key == "unexecuted":
        return b["sites"] - b["executed"]
    return b[key]


DIFF_STATES = {"IF1": "IF=1", "IF0": "IF=0", "TF1": "TF=1"}


def diff_state_figure(src, state, key):
    """One start state's sites or mismatches, from kprobes_diff's per_start_state line."""
    if state not in DIFF_STATES or key not in ("sites", "mismatches"):
        raise KeyError(f"no such figure diffstate.{state}.{key} (see tests/runner/docs_specs.py)")
    texts = src.ktap("kprobes_diff").get("per_start_state", [])
    for t in texts:
        m = re.search(rf"\b{re.escape(DIFF_STATES[state])}: (\d+) sites, (\d+) mismatches", t)
        if m:
            return m[1] if key == "sites" else m[2]
    raise SourceError(f"kprobes_diff.per_start_state printed no '{DIFF_STATES[state]}: N sites, "
                      f"N mismatches': {texts}")


def jp_figure(src, key):
    r = src.bench()["rows"]["jprobe"]
    rep_ticks = r["extra_per_hit"] - r["extra_insns"]    # extra rep iterations, 2 copies
    copies = 2 * (rep_ticks // 2 + 1)                      # each copy: words + 1 ticks
    handler = part_cost(src, "jprobe", JPROBE_PARTS[3][1])[0]
    entries = part_cost(src, "jprobe", JPROBE_PARTS[0][1])[0]
    return {"rep_words": rep_ticks // 2, "copy_ticks": copies, "handler": handler,
            "rest_ticks": r["extra_per_hit"] - copies - entries - handler,
            "entries": entries}[key]


# Linux 6.1 i386's optimized hit in the same QEMU -icount setup (issue 16's measurement).
LINUX_OPTIMIZED_HIT = 532
PT_REGS_GPRS = ("ebx", "ecx", "edx", "esi", "edi", "ebp", "eax")


def pt_regs_fields():
    """struct pt_regs' fields, in order, from include/ptrace.h."""
    root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
    with open(os.path.join(root, "include", "ptrace.h")) as f:
        m = re.search(r"struct pt_regs \{(.*?)\};", f.read(), re.S)
    if not m:
        raise SourceError("include/ptrace.h: no struct pt_regs")
    return re.findall(r"unsigned long (\w+);", m[1])


def opt_figure(src, key):
    """The floor argument of docs/optprobes.md: a hit that hands its handler a ring-0
    pt_regs stores every field up to eflags (esp and ss are the CPU's on a privilege
    change only), loads back the general registers and eflags, and skips the other words
    with one add; with the jmp in, the call, the handler and the jmp back."""
    fields = pt_regs_fields()
    if "eflags" not in fields or any(g not in fields for g in PT_REGS_GPRS):
        raise SourceError(f"struct pt_regs has changed shape: {fields}")
    stored = fields.index("eflags") + 1
    loaded = len(PT_REGS_GPRS) + 1
    handler = profile(src, "kprobe_optimized")["functions"]["bench_pre"][1]
    floor = stored + loaded + 1 + 1 + 1 + handler + 1
    extra = src.bench()["rows"]["kprobe_optimized"]["extra_insns"]
    values = {"stored": stored, "loaded": loaded, "floor": floor, "handler": handler,
              "bookkeeping": extra - floor, "copied": optprobe_parts(src)[1],
              "linux": LINUX_OPTIMIZED_HIT, "linux_x": LINUX_OPTIMIZED_HIT // extra,
              "int3_ratio": f"{src.bench()['rows']['kprobe_pre']['extra_insns'] / extra:.1f}"}
    if key not in values:
        raise KeyError(f"no such figure opt.{key} (see tests/runner/docs_specs.py)")
    return values[key]


def figure(src, name):
    """The current value of a figure, as the text shows it."""
    parts = name.split(".")
    if name == "tests.total":
        return str(len(src.tests()))
    if parts[0] == "diff" and len(parts) == 2:
        return str(diff_figure(src, parts[1]))
    if parts[0] == "bench" and len(parts) >= 3:
        v = src.bench()["rows"][parts[1]]
        for k in parts[2:]:
            v = v[k]
        return fmt(v)
    if parts[0] == "prof" and len(parts) in (3, 4):
        t, i = profile(src, parts[1])["functions"][parts[2]]
        return str(i if parts[3:] == ["insns"] else t)
    if parts[0] == "seg" and len(parts) == 4:
        return str(segment(src, parts[1], parts[2], int(parts[3])))
    if parts[0] in ("gdb", "gdb8", "gdbsym", "gdbline") and len(parts) in (3, 4):
        return gdb_figure(src, parts[0], parts[1], int(parts[2]),
                          int(parts[3]) if len(parts) == 4 else 0)
    if parts[0] == "ktap" and len(parts) == 4:
        texts = src.ktap(parts[1]).get(parts[2], [])
        for t in texts:
            m = re.search(rf"(\d+) {re.escape(parts[3])}\b", t)
            if m:
                return m[1]
        raise SourceError(f"{parts[1]}.{parts[2]} printed no 'N {parts[3]}': {texts}")
    if parts[0] == "diffstate" and len(parts) == 3:
        return diff_state_figure(src, parts[1], parts[2])
    if parts[0] == "jp" and len(parts) == 2:
        return str(jp_figure(src, parts[1]))
    if parts[0] == "opt" and len(parts) == 2:
        return str(opt_figure(src, parts[1]))
    if parts[0] == "tpl" and len(parts) in (2, 3) and parts[2:] in ([], ["field"]):
        return template_figure(src, parts[1], len(parts) == 3)
    raise KeyError(f"no such figure {name} (see tests/runner/docs_specs.py)")
