/* SPDX-License-Identifier: MIT */
/* Non-local jumps (lib/setjmp.asm). */
#ifndef JUMPER_SETJMP_H
#define JUMPER_SETJMP_H

#include "compiler.h"

typedef unsigned long jmp_buf[6];

/* Saves the callee-saved registers, esp and the return address; returns 0. */
int setjmp(jmp_buf env) __attribute__((returns_twice));
/* Returns to the setjmp that filled env, which then returns val (1 if val is 0). */
void __noreturn longjmp(jmp_buf env, int val);

#endif
