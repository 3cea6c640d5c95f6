#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""scripts/need-tools.sh must name the right Debian package for each missing piece.

Usage: need_tools_test.py [--script scripts/need-tools.sh]

Runs need-tools with NEED_TOOLS_NO_INSTALL=1 (so it never installs, even as root) in
environments built on this machine's own toolchain:
  * as it is: exit 0 and no complaint (the build and gdb groups);
  * a `gcc` first on PATH that answers `-m32 -print-libgcc-file-name` with the 64-bit
    libgcc.a, as a gcc without gcc-multilib does: that file exists, yet 64-bit division
    and popcount cannot be linked with it, so need-tools must ask for gcc-multilib;
  * one tool at a time hidden from PATH (nasm, gcc, make, python3, qemu-system-i386, gdb):
    need-tools must ask for the package that ships it.
Each failing case must end with exactly the install line need-tools promises, and
apt-get must never run (a fake apt-get on PATH records any call). The last line printed
is the summary; exit status 0 when every case passed, 1 otherwise. Python 3 stdlib only.
"""
import argparse
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_SCRIPT = os.path.normpath(os.path.join(HERE, "..", "..", "scripts", "need-tools.sh"))

# tool hidden from PATH -> (groups to ask for, the packages need-tools must name)
HIDDEN = [
    ("nasm", [], "nasm"),
    ("gcc", [], "gcc gcc-multilib"),    # no gcc: no 32-bit runtime either
    ("make", [], "make"),
    ("python3", [], "python3"),
    ("qemu-system-i386", [], "qemu-system-x86"),
    ("gdb", ["gdb"], "gdb"),
]


def install_line(packages):
    """The exact line need-tools prints for PACKAGES (sudo only when not root)."""
    sudo = "" if os.geteuid() == 0 else "sudo "
    return f"    {sudo}apt-get update && {sudo}apt-get install -y {packages}"


def write_script(path, text):
    with open(path, "w") as f:
        f.write(text)
    os.chmod(path, 0o755)


def fake_apt_get(bindir, marker):
    """An apt-get that records that it ran and fails: need-tools must not call it."""
    write_script(os.path.join(bindir, "apt-get"),
                 f"#!/bin/sh\necho \"$@\" >> '{marker}'\nexit 1\n")


def mirror_path(dest):
    """DEST filled with symlinks to every command on PATH (first one of a name wins): the
    same machine, where a tool can be uninstalled by removing its link."""
    os.makedirs(dest)
    for d in os.environ.get("PATH", "").split(os.pathsep):
        try:
            names = os.listdir(d)
        except OSError:
            continue
        for name in names:
            link = os.path.join(dest, name)
            if not os.path.lexists(link):
                os.symlink(os.path.join(d, name), link)
    return dest


def run(script, groups, path, marker):
    """need-tools' (exit status, stderr) with PATH=PATH and installing forbidden."""
    if os.path.exists(marker):
        os.unlink(marker)
    env = dict(os.environ, PATH=path, NEED_TOOLS_NO_INSTALL="1", LC_ALL="C")
    proc = subprocess.run([BASH, script, *groups], env=env, stdin=subprocess.DEVNULL,
                          capture_output=True, text=True, timeout=60)
    if os.path.exists(marker):
        with open(marker) as f:
            return proc.returncode, proc.stderr + "\n[apt-get was run: " + f.read().strip() + "]"
    return proc.returncode, proc.stderr


def expect_missing(name, rc, err, packages):
    """Errors if need-tools did not fail with exactly the install line for PACKAGES."""
    want = install_line(packages)
    lines = err.rstrip("\n").split("\n")
    if rc != 1:
        return [f"{name}: exit {rc}, not 1; stderr:\n{err}"]
    if lines[-1] != want or "[apt-get was run" in err:
        return [f"{name}: last line {lines[-1]!r}, want {want!r}; stderr:\n{err}"]
    return []


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--script", default=DEFAULT_SCRIPT)
    args = ap.parse_args()
    errors, cases = [], 0
    with tempfile.TemporaryDirectory(prefix="jumper-need-tools-") as tmp:
        marker = os.path.join(tmp, "apt-get-called")
        guard = os.path.join(tmp, "guard")
        os.makedirs(guard)
        fake_apt_get(guard, marker)
        path = guard + os.pathsep + os.environ.get("PATH", "")

        # The real toolchain: everything there, nothing said.
        cases += 1
        rc, err = run(args.script, ["gdb"], path, marker)
        if rc != 0 or err.strip():
            errors.append(f"real toolchain: exit {rc}, want 0 and silence; stderr:\n{err}")

        # A gcc without the 32-bit runtime: -print-libgcc-file-name under -m32 names the
        # 64-bit libgcc.a, as Debian's gcc does when gcc-multilib is not installed.
        cases += 1
        gcc = shutil.which("gcc")
        libgcc64 = subprocess.run([gcc, "-print-libgcc-file-name"], capture_output=True,
                                  text=True).stdout.strip()
        if not os.path.isfile(libgcc64):
            errors.append(f"no 64-bit libgcc to simulate with ({libgcc64!r})")
        else:
            fake = os.path.join(tmp, "nomultilib")
            os.makedirs(fake)
            write_script(os.path.join(fake, "gcc"),
                         "#!/bin/sh\nfor a; do\n"
                         f"  [ \"$a\" = -print-libgcc-file-name ] && echo '{libgcc64}' && exit 0\n"
                         f"done\nexec '{gcc}' \"$@\"\n")
            rc, err = run(args.script, ["gdb"], fake + os.pathsep + path, marker)
            errors += expect_missing("64-bit libgcc only", rc, err, "gcc-multilib")

        # One tool missing at a time: its link moved aside, then put back.
        mirror = mirror_path(os.path.join(tmp, "mirror"))
        for tool, groups, packages in HIDDEN:
            cases += 1
            link = os.path.join(mirror, tool)
            if not os.path.lexists(link):
                errors.append(f"no {tool}: not on this machine's PATH to hide")
                continue
            os.rename(link, link + ".hidden")
            try:
                rc, err = run(args.script, groups, guard + os.pathsep + mirror, marker)
            finally:
                os.rename(link + ".hidden", link)
            errors += expect_missing(f"no {tool}", rc, err, packages)

    for e in errors:
        print("need-tools-test: FAIL: " + e)
    if errors:
        print(f"need-tools-test: {len(errors)} of {cases} cases failed")
        return 1
    print(f"need-tools-test: {cases} cases ok (the real toolchain passes; a 64-bit-only "
          "libgcc and each hidden tool name their package)")
    return 0


BASH = shutil.which("bash") or "/bin/bash"

if __name__ == "__main__":
    sys.exit(main())
