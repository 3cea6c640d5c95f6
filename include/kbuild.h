// SPDX-License-Identifier: MIT
/*
 * The markers of the generated assembly constants (Linux's <linux/kbuild.h>).
 *
 * A *-offsets.c file (kernel/asm-offsets.c, kernel/kprobe-offsets.c) is compiled with
 * gcc -S and never linked; each DEFINE() in it leaves a line `.ascii "->SYM value"` in the
 * assembly output, with the value as the compiler computed it (offsetof and sizeof
 * included), and the Makefile's sed turns those lines into the `%define SYM value` lines
 * of $(BUILD)/gen/NAME.inc that .asm files %include. So a constant the assembly shares
 * with C is defined once, in C.
 */
#ifndef JUMPER_KBUILD_H
#define JUMPER_KBUILD_H

#include <stddef.h>

/*
 * Emits "->SYM value" into the assembly output. The "n" constraint makes a value that is
 * not a compile-time constant an error here, rather than a wrong number in the include.
 */
#define DEFINE(sym, val) __asm__ volatile("\n.ascii \"->" #sym " %c0\"" : : "n"(val))
#define OFFSET(sym, str, mem) DEFINE(sym, offsetof(struct str, mem))
/* An empty line in the include, between groups. */
#define BLANK() __asm__ volatile("\n.ascii \"->\"")

#endif
