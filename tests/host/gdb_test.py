#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The `make debug` workflow, non-interactively: QEMU halted with its gdb stub, real gdb.

Usage: gdb_test.py KERNEL [--qemu qemu-system-i386] [--gdb gdb] [--timeout 60]
                          [--gdbinit scripts/gdbinit] [--log PATH]

Boots KERNEL with `-S -gdb tcp:127.0.0.1:PORT` on a free port (never -s/1234: tests run in
parallel), then runs `gdb -batch -nx` with: file KERNEL, set $gdbport, the project's
scripts/gdbinit (target remote + break kmain, exactly what `make debug` runs), info
connections, continue, bt, info registers eip. Passes if gdb connected to 127.0.0.1 (never
the name localhost: a minimal system may have no /etc/hosts), stopped at kmain, frame #0
of the backtrace is kmain and eip is kmain's address. The last line printed is the summary:
    gdb-test: attached, stopped at kmain (kernel/main.c:NN), backtrace ok
Exit status 0 on success, 1 otherwise. QEMU is always killed. Python 3 stdlib only.
"""
import argparse
import os
import re
import socket
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_GDBINIT = os.path.normpath(os.path.join(HERE, "..", "..", "scripts", "gdbinit"))


def free_port():
    """A TCP port nobody listens on right now (QEMU binds it a moment later; a loser of
    that race fails to start and is reported, it does not hang)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def check(out):
    """Errors in gdb's output (empty if it stopped at kmain with a good backtrace), and
    the kmain source location it reported."""
    errors = []
    # The stub is reached by address: "localhost" needs a name lookup, and a minimal
    # system (a fresh container, a chroot) may have no /etc/hosts to answer it.
    remote = re.search(r"^\*?\s*\d+\s+remote (\S+)", out, re.M)
    if not remote:
        errors.append("no remote connection in gdb's 'info connections'")
    elif not re.fullmatch(r"127\.0\.0\.1:\d+", remote.group(1)):
        errors.append(f"gdb connected to {remote.group(1)}, not 127.0.0.1:PORT")
    stop = re.search(r"^Breakpoint 1, (?:0x[0-9a-f]+ in )?kmain \(.*\) at (\S+:\d+)$", out, re.M)
    if not stop:
        errors.append("gdb did not report stopping at breakpoint 1 in kmain")
    frame0 = re.search(r"^#0\s+(?:0x[0-9a-f]+ in )?(\w+)", out, re.M)
    if not frame0:
        errors.append("no backtrace (no '#0' line)")
    elif frame0.group(1) != "kmain":
        errors.append(f"backtrace frame #0 is {frame0.group(1)}, not kmain")
    eip = re.search(r"^eip\s+(0x[0-9a-f]+)\s+0x[0-9a-f]+ <(\w+)(\+\d+)?>", out, re.M)
    if not eip:
        errors.append("no 'info registers eip' line with a symbol")
    elif eip.group(2) != "kmain" or eip.group(3):
        errors.append(f"eip is {eip.group(1)} <{eip.group(2)}{eip.group(3) or ''}>, "
                      "not kmain's entry")
    return errors, (stop.group(1) if stop else None)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("kernel")
    ap.add_argument("--qemu", default="qemu-system-i386")
    ap.add_argument("--gdb", default="gdb")
    ap.add_argument("--gdbinit", default=DEFAULT_GDBINIT)
    ap.add_argument("--timeout", type=float, default=60, help="seconds for the whole test")
    ap.add_argument("--log", help="serial log file (default: a temporary file)")
    args = ap.parse_args()

    for path in (args.kernel, args.gdbinit):
        if not os.path.isfile(path):
            print(f"gdb-test: FAIL: {path} does not exist")
            return 1

    tmpdir = tempfile.mkdtemp(prefix="jumper-gdb-")
    if args.log and os.path.dirname(args.log):
        os.makedirs(os.path.dirname(args.log), exist_ok=True)
    log = args.log or os.path.join(tmpdir, "serial.log")
    port = free_port()
    qemu_cmd = [args.qemu, "-m", "128M", "-display", "none", "-serial", "file:" + log,
                "-monitor", "none", "-no-reboot",
                "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04",
                "-kernel", args.kernel, "-append", "demo",
                "-S", "-gdb", f"tcp:127.0.0.1:{port}"]
    gdb_cmd = [args.gdb, "-batch", "-nx",
               "-ex", "set tcp connect-timeout 20",   # retries until QEMU listens
               "-ex", f"file {args.kernel}",
               "-ex", f"set $gdbport = {port}",
               "-x", args.gdbinit,                    # target remote, break kmain
               "-ex", "info connections",             # the address gdb connected to
               "-ex", "continue",
               "-ex", "bt",
               "-ex", "info registers eip"]
    qemu = out = None
    try:
        qemu = subprocess.Popen(qemu_cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT)
        try:
            proc = subprocess.run(gdb_cmd, stdin=subprocess.DEVNULL, capture_output=True,
                                  text=True, timeout=args.timeout)
            out = proc.stdout + proc.stderr
        except subprocess.TimeoutExpired as e:
            out = ((e.stdout or b"").decode(errors="replace") if isinstance(e.stdout, bytes)
                   else (e.stdout or ""))
            print(out.rstrip())
            print(f"gdb-test: FAIL: gdb did not finish within {args.timeout:.0f} s "
                  f"(port {port}); killed")
            return 1
        except OSError as e:
            print(f"gdb-test: FAIL: cannot run {args.gdb}: {e}")
            return 1
    except OSError as e:
        print(f"gdb-test: FAIL: cannot run {args.qemu}: {e}")
        return 1
    finally:
        qemu_out = ""
        if qemu is not None:
            qemu.kill()
            try:
                qemu_out = qemu.communicate(timeout=10)[0].decode(errors="replace").strip()
            except subprocess.TimeoutExpired:
                qemu_out = "(QEMU did not die within 10 s of SIGKILL)"
        if not args.log:
            for f in os.listdir(tmpdir):
                os.unlink(os.path.join(tmpdir, f))
            os.rmdir(tmpdir)

    errors, where = check(out)
    if errors:
        print(out.rstrip())
        if qemu_out:
            print("[qemu] " + qemu_out)
        print(f"gdb-test: FAIL (port {port}): " + "; ".join(errors))
        return 1
    print(f"gdb-test: attached, stopped at kmain ({where}), backtrace ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
