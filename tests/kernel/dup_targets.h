/* SPDX-License-Identifier: MIT */
/*
 * Two static functions of one name, dup_target, one in dup_target_a.c and one in
 * dup_target_b.c: the ambiguous name a probe by symbol_name must refuse
 * (tests/kernel/test_kallsyms_dups.c; the monitor's dup_symbols session). Each file
 * exports a caller and the address, since the name itself is file-local.
 */
#ifndef JUMPER_TESTS_DUP_TARGETS_H
#define JUMPER_TESTS_DUP_TARGETS_H

int dup_target_a(int x);                /* dup_target of dup_target_a.c: x + 1 */
int dup_target_b(int x);                /* dup_target of dup_target_b.c: x * 3 */
unsigned long dup_target_a_addr(void);
unsigned long dup_target_b_addr(void);

#endif
