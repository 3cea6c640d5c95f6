/* SPDX-License-Identifier: MIT */
/* The monitor's own commands, shared by the files of monitor/; public part: include/monitor.h. */
#ifndef JUMPER_MONITOR_INTERNAL_H
#define JUMPER_MONITOR_INTERNAL_H

#include "monitor.h"

/* The probe commands (monitor/monitor_probes.c). */
void mon_probe(int argc, char **argv);
void mon_jprobe(int argc, char **argv);
void mon_list(int argc, char **argv);
void mon_enable(int argc, char **argv);
void mon_disable(int argc, char **argv);
void mon_unprobe(int argc, char **argv);
void mon_dis(int argc, char **argv);

/*
 * Arguments naming kernel text (monitor/monitor_spec.c).
 *
 * mon_parse_spec resolves SYM, SYM@N, either +OFF (N and OFF decimal or 0x hex), or
 * 0xADDR into *addr and returns 0; or prints "cmd: spec: ENAME (meaning): why" -- no
 * such symbol, a name several functions share (EADDRNOTAVAIL) or an N past the last of
 * them (ENOENT), each with the candidates listed one a line, the offset is past the end
 * of the function (its size named), or bad syntax -- and returns kallsyms_parse's error.
 *
 * mon_sprint_symbol is sprint_symbol with NAME@N for a name several functions share:
 * what the user would type to get there again.
 *
 * mon_print_containing prints, with no newline, ": it is inside the N-byte instruction
 * at SYM+OFF/SIZE" (or why that is not known) for an addr that is not a boundary, as
 * probe_point_locate finds it in the original bytes (a probe's int3 put back).
 */
int mon_parse_spec(const char *cmd, const char *spec, unsigned long *addr);
int mon_sprint_symbol(char *buf, size_t size, unsigned long addr);
void mon_print_containing(unsigned long addr);

/* Prints "cmd: what: ENAME (meaning)" for a negative errno. */
void mon_print_error(const char *cmd, const char *what, int err);

#endif
