/* SPDX-License-Identifier: MIT */
/*
 * Ending a boot with a verdict. QEMU's isa-debug-exit device (iobase 0xf4) turns a write
 * of v into the exit status (v << 1) | 1: 0x10 -> 33 (pass), 0x11 -> 35 (fail). Status 0
 * is never a pass: with -no-reboot a triple fault also exits 0.
 */
#ifndef JUMPER_QEMU_EXIT_H
#define JUMPER_QEMU_EXIT_H

#include "compiler.h"
#include "types.h"

#define QEMU_EXIT_PORT  0xf4
#define QEMU_EXIT_PASS  0x10
#define QEMU_EXIT_FAIL  0x11
/* How a monitor session ended, for `make run` to tell (scripts/qemu-run.py): */
#define QEMU_EXIT_HALT  0x12   /* the "halt" command: exit status 37 */
#define QEMU_EXIT_EOF   0x13   /* the end of input (Ctrl-D, or after piped input): 39 */

/* Stops the machine with a pass or fail verdict; halts forever if the device is absent. */
void __noreturn qemu_exit(bool pass);
/* Stops the machine with exit value code (QEMU_EXIT_*); halts forever without the device. */
void __noreturn qemu_exit_code(u8 code);

#endif
