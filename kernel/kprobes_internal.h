// SPDX-License-Identifier: MIT
/*
 * What the probe hit path (kernel/kprobes.c) shares with its fault path
 * (kernel/kprobe_fault.c): the parts of a hit's state that are nobody else's business.
 */
#ifndef JUMPER_KPROBES_INTERNAL_H
#define JUMPER_KPROBES_INTERNAL_H

#include "kprobes.h"
#include "processor.h"

#define TF_IF (X86_EFLAGS_TF | X86_EFLAGS_IF)

/* TF and IF of the probed code at the int3 of the hit being handled. */
extern unsigned long kprobe_old_eflags;
/* Ends a reentered hit: the outer hit's state (probe, status, flags) comes back. */
void restore_previous_kprobe(void);

#endif
