# SPDX-License-Identifier: MIT
"""What the runner works with: a QEMU boot and what came out of it, and a graded result.
Shared by the runner (run.py), its KTAP parser (ktap.py) and its JUnit writer (junit.py).
"""
from dataclasses import dataclass, field

# QEMU's exit status carrying the kernel's verdict (isa-debug-exit): pass, failure.
EXIT_PASS, EXIT_FAIL = 33, 35
# The monitor's `halt` (0x12 to isa-debug-exit, QEMU_EXIT_HALT in include/qemu_exit.h).
EXIT_HALT = 37
# How many last serial lines a failure shows.
TAIL_LINES = 20


@dataclass
class Boot:
    """One QEMU run and what came out of it."""
    name: str
    cmdline: str
    timeout: float
    rc: int = None
    timed_out: bool = False
    seconds: float = 0.0
    log: str = ""
    lines: list = field(default_factory=list)
    started: float = 0.0  # time.monotonic() when QEMU was started
    group: str = ""      # selftest, oops, runner, boot: the JUnit <testsuite> (default:
                         # the name's prefix)

    def tail(self):
        return self.lines[-TAIL_LINES:]

    def status_problem(self, expect_rc):
        """Why this boot's ending is not the expected verdict, or None if it is."""
        if self.timed_out:
            return f"hang: no verdict within {self.timeout:.0f} s (QEMU killed)"
        if self.rc == expect_rc:
            return None
        if self.rc == 0:
            return "triple fault or CPU reset: QEMU exited 0 under -no-reboot"
        if self.rc == EXIT_FAIL:
            return "the kernel reported failure (exit status 35)"
        if self.rc == EXIT_PASS:
            return "the kernel reported pass (exit status 33) where failure was expected"
        return f"QEMU exited with unexpected status {self.rc}"


@dataclass
class Result:
    name: str
    status: str          # "pass", "fail", "skip"
    reason: str = ""
    details: list = field(default_factory=list)
    group: str = ""      # which group produced it (set by main; JUnit <testsuite>)
    seconds: float = None   # how long it took (a boot, a host program, a monitor session,
                            # or a KTAP case by the duration the kernel printed for it)
    started: float = None   # when it started (time.monotonic()), where results of a group
                            # may overlap in time (run in parallel): their span
    boot: Boot = None    # the boot it was graded from, if any (its time and serial log)
