#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Runs QEMU for `make run` and says how the kernel ended.

    scripts/qemu-run.py [--logs DIR] QEMU-BINARY QEMU-ARGS...

It adds the console itself: COM1 on this terminal, multiplexed with the QEMU monitor
(what -serial mon:stdio gives: Ctrl-A x quits, Ctrl-A c switches to the monitor), its
output also logged to DIR/run-serial.log; COM2 as a private, unconnected UART (the
serial_rx self-tests use it in loopback); and `-d cpu_reset -D DIR/run-cpu-reset.log`,
where QEMU writes "Triple fault".

Input. On a terminal QEMU reads it directly, in raw mode, exactly as -serial mon:stdio
always did. Piped or redirected input is fed to QEMU by this script instead, so that
the end of the input can be told to the kernel: after the last byte (and a newline, if
the last line had none) it sends Ctrl-D (0x04), which the monitor takes, first on a
line, as the end of input: it halts once the last command has finished. QEMU reads its
input only as fast as the guest takes it, so the pipe holds the sender back and no byte
is lost however fast it writes.

The ending, one line on stderr, and this script's exit status:

  status  QEMU exit       ending
    0       37            halted by the monitor's `halt`
    3       39            halted at the end of input (Ctrl-D, or the end of piped input)
    4       33            the kernel finished with a pass: self-tests passed, demo done
    5       35            the kernel reported a failure (a self-test failed)
    6       35            oops, BUG or panic (the serial log holds "Oops", "kernel BUG at"
                          or "Kernel panic")
    7        0            triple fault or CPU reset (-no-reboot turns a reset into exit 0)
    8        0            QEMU quit by the user: Ctrl-A x ("QEMU: Terminated" in the
                          log), or `quit` in the QEMU monitor (its prompt in the log)
    9        0            QEMU stopped by a signal
   10     other           QEMU itself failed (bad option, no kernel, ...)

`make run` succeeds for the endings where the kernel ended well (0, 3 and 4); for any
other status make itself exits 2 and names this script's status in its "Error N" line.
Python 3 standard library only.
"""
import os
import re
import signal
import subprocess
import sys
import threading

EOT = b"\x04"

ENDINGS = {
    "halt": (0, "halted by 'halt'"),
    "eof": (3, "halted at the end of input (no 'halt' before it)"),
    "pass": (4, "the kernel finished with a pass verdict (self-tests passed, or the demo ended)"),
    "fail": (5, "the kernel reported a failure (a self-test failed)"),
    "oops": (6, "the kernel died: oops, BUG or panic"),
    "reset": (7, "triple fault or CPU reset: QEMU exited 0 under -no-reboot"),
    "quit": (8, "QEMU quit by the user (Ctrl-A x, or quit in the QEMU monitor)"),
    "signal": (9, "QEMU was stopped by a signal"),
    "qemu": (10, "QEMU itself failed"),
}

OOPS = re.compile(r"^(Oops|kernel BUG at|Kernel panic - not syncing)", re.M)


def feed(src_fd, dst):
    """Copies src_fd to dst (QEMU's stdin) until EOF, then ends the input with a
    newline if the last line lacked one, and EOT. A write that fails because QEMU has
    gone ends the copy quietly."""
    last = b"\n"
    try:
        while True:
            try:
                chunk = os.read(src_fd, 65536)
            except OSError:
                chunk = b""             # an unreadable stdin ends like an empty one
            if not chunk:
                break
            dst.write(chunk)
            dst.flush()
            last = chunk[-1:]
        dst.write((b"" if last in (b"\n", b"\r") else b"\n") + EOT)
        dst.close()
    except (OSError, ValueError):       # QEMU has gone (BrokenPipeError is an OSError)
        pass


def forward_stderr(src, keep):
    """Passes QEMU's stderr through, keeping a copy (to see "terminating on signal")."""
    for line in iter(src.readline, b""):
        keep.append(line)
        try:
            sys.stderr.buffer.write(line)
            sys.stderr.buffer.flush()
        except OSError:
            pass


def read_text(path):
    try:
        with open(path, "rb") as f:
            return f.read().decode("utf-8", "replace").replace("\r", "")
    except OSError:
        return ""


def classify(rc, serial_log, reset_log, stderr_text):
    """The ending (a key of ENDINGS) for QEMU's exit status and what it left behind."""
    if rc == 37:
        return "halt"
    if rc == 39:
        return "eof"
    if rc == 33:
        return "pass"
    if rc == 35:
        return "oops" if OOPS.search(read_text(serial_log)) else "fail"
    if rc == 0:
        if "Triple fault" in read_text(reset_log):
            return "reset"
        if "terminating on signal" in stderr_text:
            return "signal"
        tail = read_text(serial_log)[-400:]
        # The mux prints "QEMU: Terminated" on Ctrl-A x; "(qemu) " is the prompt of the
        # QEMU monitor (Ctrl-A c), whose "quit" ends QEMU just as quietly as a reset.
        if "QEMU: Terminated" in tail or "(qemu) " in tail:
            return "quit"
        return "reset"
    if rc < 0:                  # killed by a signal it could not catch (SIGKILL, OOM)
        return "signal"
    return "qemu"


def main(argv):
    logs = "build"
    if len(argv) > 2 and argv[1] == "--logs":
        logs, argv = argv[2], argv[:1] + argv[3:]
    if len(argv) < 2:
        print(__doc__, file=sys.stderr)
        return 10
    os.makedirs(logs, exist_ok=True)
    serial_log = os.path.join(logs, "run-serial.log")
    reset_log = os.path.join(logs, "run-cpu-reset.log")
    for path in (serial_log, reset_log):
        if os.path.exists(path):
            os.remove(path)
    cmd = argv[1:] + [
        "-chardev", f"stdio,id=con,mux=on,signal=off,logfile={serial_log}",
        "-serial", "chardev:con", "-mon", "chardev=con,mode=readline",
        "-serial", "null",
        "-d", "cpu_reset", "-D", reset_log]
    piped = not os.isatty(0)
    # Ctrl-C before QEMU has the terminal in raw mode (or with piped input) goes to the
    # whole process group: QEMU reports it, this script must live to say so. A handler,
    # not SIG_IGN, so that QEMU does not inherit the ignoring.
    signal.signal(signal.SIGINT, lambda *_: None)
    try:
        proc = subprocess.Popen(cmd, stdin=subprocess.PIPE if piped else None,
                                stderr=subprocess.PIPE)
    except OSError as e:
        print(f"jumper: cannot run {cmd[0]}: {e}", file=sys.stderr)
        return ENDINGS["qemu"][0]
    if piped:
        threading.Thread(target=feed, args=(0, proc.stdin), daemon=True).start()
    kept = []
    err = threading.Thread(target=forward_stderr, args=(proc.stderr, kept), daemon=True)
    err.start()
    rc = proc.wait()
    err.join(timeout=2)
    ending = classify(rc, serial_log, reset_log, b"".join(kept).decode("utf-8", "replace"))
    status, what = ENDINGS[ending]
    print(f"\njumper: {what} (QEMU exit {rc}, status {status}; serial log {serial_log})",
          file=sys.stderr, flush=True)
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv))
