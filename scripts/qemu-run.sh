#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Runs QEMU for `make run` and turns its exit status into a shell verdict:
# 33 = the kernel finished and said pass, 35 = it said fail (an oops or a failed test),
# 0 = quit from the QEMU monitor (Ctrl-A X) -- or, with -no-reboot, a triple fault.
"$@"
rc=$?
case $rc in
  33) exit 0 ;;
  35) echo "jumper: the kernel reported a failure (exit status 35)" >&2; exit 1 ;;
  0)  echo "jumper: QEMU stopped without a verdict (monitor quit, or a triple fault)" >&2; exit 0 ;;
  *)  echo "jumper: QEMU exited with status $rc" >&2; exit "$rc" ;;
esac
