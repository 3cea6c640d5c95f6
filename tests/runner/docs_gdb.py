# SPDX-License-Identifier: MIT
"""A `make debug` session typed by a program: the transcripts of docs/debugging.md.

QEMU starts halted with its gdb stub (as `make debug`, on a free port instead of 1234),
and gdb runs exactly as `make debug` runs it (`gdb -q -ex 'set $gdbport = N' -x
scripts/gdbinit KERNEL`, plus -nx so no personal ~/.gdbinit changes the output, and a
tcp connect-timeout so gdb waits for QEMU to listen) on a pseudo-terminal of 80
columns, so it prints what a student sees: its prompts, the "Continuing." and "Run till
exit" lines interactive gdb adds, its line wrapping. A command "continue ^C" types
continue and then Ctrl-C. Standard library only.

One glitch of QEMU's gdb stub is handled: once in a while (seen in CI, under load, never
here) an `si` returned with nothing printed and the pc unmoved, so the rest of the transcript
was off by three instructions. A step that prints nothing is not what a student sees, so it
raises GdbError and transcript() boots the session once more (and says so in its log); a
transcript that differs from a document twice in a row is a real difference.
"""
import fcntl
import os
import pty
import select
import signal
import socket
import struct
import subprocess
import termios
import time

PROMPT = b"(gdb) "


class GdbError(Exception):
    pass


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class GdbSession:
    def __init__(self, qemu, kernel, cmdline, serial_log, log_path, gdbinit="scripts/gdbinit",
                 timeout=30):
        self.timeout, self.buf, self.pid, self.fd = timeout, b"", None, None
        self.log = open(log_path, "wb")
        port = free_port()
        self.qemu = subprocess.Popen(
            [qemu, "-m", "128M", "-no-reboot", "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04",
             "-display", "none", "-serial", "file:" + serial_log, "-monitor", "none",
             "-kernel", kernel, "-append", cmdline, "-S", "-gdb", f"tcp:127.0.0.1:{port}"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        self.pid, self.fd = pty.fork()
        if self.pid == 0:                       # the child: gdb on the terminal
            os.environ.update(TERM="dumb", INPUTRC="/dev/null", LC_ALL="C")
            os.execvp("gdb", ["gdb", "-q", "-nx", "-ex", "set tcp connect-timeout 20",
                              "-ex", f"set $gdbport = {port}",
                              "-x", gdbinit, kernel])
        fcntl.ioctl(self.fd, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
        self.startup = self._until(PROMPT)

    def _until(self, marker):
        """Output up to and including marker, as text with \\n line ends."""
        deadline = time.monotonic() + self.timeout
        while marker not in self.buf:
            left = deadline - time.monotonic()
            if left <= 0:
                raise GdbError(f"gdb: no {marker.decode()!r} within {self.timeout} s; last "
                               f"output: {self.buf[-300:].decode('utf-8', 'replace')!r}")
            ready, _, _ = select.select([self.fd], [], [], min(left, 0.5))
            if ready:
                try:
                    data = os.read(self.fd, 4096)
                except OSError:
                    data = b""
                if not data:
                    raise GdbError("gdb exited; last output: "
                                   + self.buf[-300:].decode("utf-8", "replace"))
                self.log.write(data)
                self.buf += data
        i = self.buf.index(marker) + len(marker)
        out, self.buf = self.buf[:i], self.buf[i:]
        return out.decode("utf-8", "replace").replace("\r\n", "\n").replace("\r", "")

    def send(self, cmd):
        """Types cmd; returns gdb's answer as lines (the echoed command and the next
        prompt left out)."""
        if cmd.endswith(" ^C"):
            os.write(self.fd, cmd[:-3].encode() + b"\n")
            self._until(b"Continuing.")
            head = "Continuing."
            time.sleep(0.5)
            os.write(self.fd, b"\x03")
            text = head + self._until(PROMPT)
            lines = text.split("\n")
        else:
            os.write(self.fd, cmd.encode() + b"\n")
            lines = self._until(PROMPT).split("\n")[1:]   # the terminal echoed the command
        if lines and lines[-1] == PROMPT.decode():
            lines.pop()
        lines = [ln.rstrip() for ln in lines]
        if cmd in ("si", "stepi") and not any(lines):
            raise GdbError(f"'{cmd}' printed nothing: the stub reported a step that did not run")
        return lines

    def close(self):
        if self.pid:
            try:
                os.kill(self.pid, signal.SIGKILL)
                os.waitpid(self.pid, 0)
            except (OSError, ChildProcessError):
                pass
        if self.fd is not None:
            os.close(self.fd)
        if self.qemu.poll() is None:
            self.qemu.kill()
        self.qemu.wait()
        self.log.close()


def transcript(qemu, kernel, cmdline, commands, logdir, name, attempts=2):
    """(startup lines, [reply lines of each command]) of one gdb session; a session that
    raised GdbError is booted once more (the module's docstring says why)."""
    for attempt in range(1, attempts + 1):
        try:
            return _transcript(qemu, kernel, cmdline, commands, logdir, name)
        except GdbError as e:
            if attempt == attempts:
                raise
            with open(os.path.join(logdir, f"docs.gdb_{name}.retry.log"), "a") as f:
                f.write(f"attempt {attempt} failed, booting again: {e}\n")


def _transcript(qemu, kernel, cmdline, commands, logdir, name):
    s = None
    try:
        s = GdbSession(qemu, kernel, cmdline, os.path.join(logdir, f"docs.gdb_{name}.serial.log"),
                       os.path.join(logdir, f"docs.gdb_{name}.log"))
        startup = [ln.rstrip() for ln in s.startup.split("\n")]
        if startup and startup[-1] == PROMPT.decode().rstrip():
            startup.pop()
        return startup, [s.send(c) for c in commands]
    finally:
        if s:
            s.close()
