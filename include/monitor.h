/* SPDX-License-Identifier: MIT */
/*
 * The serial-console monitor (kernel/monitor*.c): a prompt, "jumper>", where a student
 * places probes on kernel functions by name, lists them, disassembles code, looks at
 * threads, and runs the demos and self-tests. "monitor" on the command line starts it.
 */
#ifndef JUMPER_MONITOR_H
#define JUMPER_MONITOR_H

#include "types.h"

#define MON_MAX_ARGS 8

/* Runs the monitor on the calling thread until "halt" or the end of input. */
void monitor_main(void);

/* One command: name, usage, one-line help, and the function (argc >= 1, argv[0] = name). */
struct mon_command {
	const char *name;
	const char *usage;
	const char *help;
	void (*run)(int argc, char **argv);
};

/* The probe commands (kernel/monitor_probes.c). */
void mon_probe(int argc, char **argv);
void mon_jprobe(int argc, char **argv);
void mon_list(int argc, char **argv);
void mon_enable(int argc, char **argv);
void mon_disable(int argc, char **argv);
void mon_unprobe(int argc, char **argv);
void mon_dis(int argc, char **argv);

/*
 * For a command that takes no arguments: true if it got none, else prints
 * "usage: CMD   (takes no arguments)" and returns false.
 */
bool mon_no_args(int argc, char **argv);

/*
 * Arguments naming kernel text (kernel/monitor_spec.c).
 *
 * mon_parse_spec resolves SYM, SYM+OFF (OFF decimal or 0x hex) or 0xADDR into *addr and
 * returns 0; or prints "cmd: spec: ENAME (meaning): why" -- no such symbol, the offset
 * is past the end of the function (its size named), or bad syntax -- and returns
 * kallsyms_parse's error.
 *
 * mon_print_containing prints, with no newline, ": it is inside the N-byte instruction
 * at SYM+OFF/SIZE" (or why that is not known) for an addr that is not a boundary, as
 * probe_point_locate finds it in the original bytes (a probe's int3 put back).
 */
int mon_parse_spec(const char *cmd, const char *spec, unsigned long *addr);
void mon_print_containing(unsigned long addr);

/* Prints "cmd: what: ENAME (meaning)" for a negative errno. */
void mon_print_error(const char *cmd, const char *what, int err);

#endif
