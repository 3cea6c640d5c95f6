/* SPDX-License-Identifier: MIT */
/* Changing kernel text, which is mapped read-only (kernel/text_poke.c). */
#ifndef JUMPER_TEXT_POKE_H
#define JUMPER_TEXT_POKE_H

#include "compiler.h"

/*
 * Writes len bytes at addr in kernel text through a temporary writable alias of its
 * page(s), verifies them through the normal read-only mapping, and removes the alias.
 * Interrupts are off meanwhile, so no one runs half-patched code on this CPU. Returns 0,
 * -EFAULT if [addr, addr + len) is not kernel text, -EIO if the read-back differs.
 */
int text_poke(void *addr, const void *opcode, size_t len);

/* Number of successful pokes since boot (tests count arming and disarming). */
extern unsigned long text_poke_count;

#endif
