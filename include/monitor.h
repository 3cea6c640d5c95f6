/* SPDX-License-Identifier: MIT */
/*
 * The serial-console monitor (monitor/): a prompt, "jumper>", where a student places
 * probes on kernel functions by name, lists them, disassembles code, looks at threads,
 * and runs the demos and self-tests. "monitor" on the command line starts it (its boot
 * program, include/init.h).
 *
 * This header is what other rooms need to add a command: the monitor's own commands are
 * a table in monitor/monitor.c; a higher layer that has one to offer (the self-tests'
 * "selftest", which the monitor must not know) registers it with MONITOR_COMMAND, and
 * "help" lists it after the monitor's own.
 */
#ifndef JUMPER_MONITOR_H
#define JUMPER_MONITOR_H

#include "compiler.h"

#define MON_MAX_ARGS 8

/* One command: name, usage, one-line help, and the function (argc >= 1, argv[0] = name). */
struct mon_command {
	const char *name;
	const char *usage;
	const char *help;
	void (*run)(int argc, char **argv);
};

/* The entries are walked as an array: each one aligned as the struct, never padded. */
#define MONITOR_COMMAND(sym, name, usage, help, fn)                                \
	static const struct mon_command sym __used                                 \
		__aligned(__alignof__(struct mon_command))                         \
		__section(".monitor_commands") = { name, usage, help, fn }

/* Bounds of the registered commands (linker.ld). */
extern const struct mon_command __monitor_commands_start[], __monitor_commands_end[];

/*
 * For a command that takes no arguments: true if it got none, else prints
 * "usage: CMD   (takes no arguments)" and returns false.
 */
bool mon_no_args(int argc, char **argv);

#endif
