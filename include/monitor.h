/* SPDX-License-Identifier: MIT */
/*
 * The serial-console monitor (kernel/monitor*.c): a prompt, "jumper>", where a student
 * places probes on kernel functions by name, lists them, disassembles code, looks at
 * threads, and runs the demos and self-tests. "monitor" on the command line starts it.
 */
#ifndef JUMPER_MONITOR_H
#define JUMPER_MONITOR_H

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

/* Prints "cmd: what: ENAME (meaning)" for a negative errno. */
void mon_print_error(const char *cmd, const char *what, int err);

#endif
