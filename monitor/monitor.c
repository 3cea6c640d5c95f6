// SPDX-License-Identifier: MIT
/*
 * The monitor: reads command lines from COM1 and runs them. The command table below is
 * the whole language; each command is one small function, and every bad command or
 * argument gets a one-line answer and the prompt back.
 */
#include "monitor_internal.h"
#include "demo.h"
#include "init.h"
#include "irqflags.h"
#include "kallsyms.h"
#include "kernel.h"
#include "kprobes.h"
#include "printk.h"
#include "qemu_exit.h"
#include "readline.h"
#include "sched.h"
#include "string.h"
#include "traps.h"

#define MON_LINE_MAX 256

static void mon_help(int argc, char **argv);

/* ---- syms ---- */

struct syms_walk {
	const char *glob;
	unsigned shown, shared;
};

/* A name several functions share is shown as NAME@N, what 'probe' takes for it. */
static int print_sym(const char *name, unsigned long addr, unsigned long size, void *data)
{
	struct syms_walk *w = data;
	const char *file;
	unsigned count, rank;

	if (w->glob && !glob_match(w->glob, name))
		return 0;
	rank = kallsyms_name_rank(addr, &count, &file);
	if (count > 1) {
		printk("%08lx %6lu  %s@%u  (%u of %u called %s%s%s)\n", addr, size, name, rank,
		       rank, count, name, file ? ", " : "", file ? file : "");
		w->shared++;
	} else {
		printk("%08lx %6lu  %s\n", addr, size, name);
	}
	w->shown++;
	return 0;
}

static void mon_syms(int argc, char **argv)
{
	struct syms_walk w = { argc > 1 ? argv[1] : NULL, 0, 0 };

	if (argc > 2) {
		printk("usage: syms [GLOB]\n");
		return;
	}
	kallsyms_for_each(print_sym, &w);
	printk("%u of %u symbols%s%s\n", w.shown, kallsyms_num, w.glob ? " match " : "",
	       w.glob ? w.glob : "");
	if (w.shared)
		printk("%u of them share a name with another: a bare NAME is refused "
		       "(EADDRNOTAVAIL), NAME@N picks one\n", w.shared);
}

/* ---- ps, regs ---- */

static void mon_ps(int argc, char **argv)
{
	if (!mon_no_args(argc, argv))
		return;
	show_threads();
}

/* "regs" shows the monitor thread's registers as a trap sees them: it takes an int3
 * and prints the pt_regs frame the entry code built (kernel/entry.asm). */
static int regs_notify(struct notifier_block *nb, unsigned long val, void *data)
{
	struct die_args *args = data;

	(void)nb;
	if (val != DIE_INT3)
		return NOTIFY_DONE;
	show_registers(args->regs);
	return NOTIFY_STOP;
}

static void mon_regs(int argc, char **argv)
{
	struct notifier_block nb = { .notifier_call = regs_notify, .priority = 0 };

	if (!mon_no_args(argc, argv))
		return;
	printk("the monitor's registers, from the frame of an int3 it takes on purpose:\n");
	register_die_notifier(&nb);
	__asm__ volatile("int3" ::: "memory");
	unregister_die_notifier(&nb);
}

/* ---- demo, halt ---- */

static void mon_demo(int argc, char **argv)
{
	static const struct {
		const char *name;
		void (*run)(void);
		const char *what;
	} demos[] = {
		{ "net", demo_net, "the 2004 patch's jprobe on ip_queue_xmit" },
		{ "sched", demo_sched, "two CPU-bound threads preempted by the timer" },
		{ "fault", demo_fault, "a probe handler faults; fault_handler recovers" },
		{ "traps", demo_main, "the int3 / pt_regs walk-through, then net" },
	};

	for (unsigned i = 0; argc == 2 && i < ARRAY_SIZE(demos); i++)
		if (!strcmp(argv[1], demos[i].name)) {
			demos[i].run();
			return;
		}
	printk("usage: demo NAME, one of:\n");
	for (unsigned i = 0; i < ARRAY_SIZE(demos); i++)
		printk("  %-6s %s\n", demos[i].name, demos[i].what);
}

static void mon_halt(int argc, char **argv)
{
	if (!mon_no_args(argc, argv))
		return;
	printk("halting.\n");
	qemu_exit_code(QEMU_EXIT_HALT);
}

static const struct mon_command commands[] = {
	{ "help", "help [CMD]", "this list, or one command's usage", mon_help },
	{ "syms", "syms [GLOB]", "kernel symbols (address, size, name), e.g. syms ip_*",
	  mon_syms },
	{ "probe", "probe SYM[+OFF]", "kprobe: count hits, log the first 3 with registers",
	  mon_probe },
	{ "jprobe", "jprobe SYM [NARGS]", "jprobe on a function entry: print its first NARGS args",
	  mon_jprobe },
	{ "kretprobe", "kretprobe SYM", "return probe: print each return's value and caller",
	  mon_kretprobe },
	{ "list", "list", "placed probes: address, type, hits, nmissed, [DISABLED], shared, "
	  "[OPTIMIZED] or why an int3", mon_list },
	{ "optimize", "optimize [on|off]", "jump optimization: its state and counts, or switch it",
	  mon_optimize },
	{ "enable", "enable N", "re-arm probe N", mon_enable },
	{ "disable", "disable N", "disarm probe N (keeps it listed)", mon_disable },
	{ "unprobe", "unprobe N", "remove probe N (the last one at an address puts its byte back)",
	  mon_unprobe },
	{ "dis", "dis SYM[+OFF] [COUNT]", "instruction boundaries and bytes, branch targets, "
	  "probes (int3 or jmp)", mon_dis },
	{ "ps", "ps", "threads: state, preempt_count, stack high-water", mon_ps },
	{ "regs", "regs", "this thread's registers, as a trap frame", mon_regs },
	{ "demo", "demo NAME", "net | sched | fault | traps", mon_demo },
	{ "halt", "halt", "stop the machine (QEMU exits)", mon_halt },
};

/*
 * The i-th command: the monitor's own table, then the ones other rooms registered
 * (MONITOR_COMMAND), in that order; NULL past the last.
 */
static const struct mon_command *nth_command(unsigned i)
{
	unsigned extra = (unsigned)(__monitor_commands_end - __monitor_commands_start);

	if (i < ARRAY_SIZE(commands))
		return &commands[i];
	i -= ARRAY_SIZE(commands);
	return i < extra ? &__monitor_commands_start[i] : NULL;
}

#define for_each_command(c, i) for (i = 0; (c = nth_command(i)) != NULL; i++)

static const struct mon_command *find_command(const char *name)
{
	const struct mon_command *c;
	unsigned i;

	for_each_command(c, i)
		if (!strcmp(name, c->name))
			return c;
	return NULL;
}

/*
 * A registered command may not take a name the monitor (or another registration) already
 * has: the first one would silently shadow it. Checked once, when the monitor starts.
 */
static void check_command_names(void)
{
	const struct mon_command *c;
	unsigned i;

	for_each_command(c, i)
		if (find_command(c->name) != c)
			panic("monitor: two commands are called '%s'", c->name);
}

static void print_help(const struct mon_command *c)
{
	printk("  %-22s %s\n", c->usage, c->help);
}

/* "help": every command; "help CMD": that one. */
static void mon_help(int argc, char **argv)
{
	const struct mon_command *c;
	unsigned i;

	if (argc > 2) {
		printk("usage: help [CMD]\n");
		return;
	}
	if (argc == 2) {
		c = find_command(argv[1]);
		if (c)
			print_help(c);
		else
			printk("help: no command '%.32s' (try 'help')\n", argv[1]);
		return;
	}
	for_each_command(c, i)
		print_help(c);
}

bool mon_no_args(int argc, char **argv)
{
	if (argc == 1)
		return true;
	printk("usage: %s   (takes no arguments)\n", argv[0]);
	return false;
}

/* Splits line in place at spaces; returns the number of words (at most MON_MAX_ARGS). */
static int split(char *line, char **argv)
{
	int argc = 0;

	for (char *p = line; *p;) {
		while (*p == ' ' || *p == '\t')
			*p++ = '\0';
		if (!*p)
			break;
		if (argc == MON_MAX_ARGS)
			return -1;
		argv[argc++] = p;
		while (*p && *p != ' ' && *p != '\t')
			p++;
	}
	return argc;
}

static void run_line(char *line)
{
	char *argv[MON_MAX_ARGS];
	int argc = split(line, argv);

	if (argc < 0) {
		printk("too many words (at most %d)\n", MON_MAX_ARGS);
		return;
	}
	if (!argc)
		return;
	const struct mon_command *c = find_command(argv[0]);

	if (c) {
		c->run(argc, argv);
		return;
	}
	printk("unknown command '%.32s' (try 'help')\n", argv[0]);
}

/* Runs the monitor on the calling thread until "halt" or the end of input. */
static void monitor_main(void)
{
	static struct readline_state rl;
	static const struct readline_io io = {
		.getc = console_readline_getc,
		.putc = console_readline_putc,
	};
	char line[MON_LINE_MAX];

	check_command_names();
	readline_init(&rl, &io);
	console_readline_attach(&rl);        /* kernel messages do not split a typed line */
	readline_eot_ends_input(&rl);       /* Ctrl-D, or the end of piped input (make run) */
	printk("jumper monitor: 'help' lists the commands, 'halt' stops the machine.\n");
	for (;;) {
		if (readline(&rl, "jumper> ", line, sizeof(line)) < 0)
			break;
		run_line(line);
	}
	printk("\nmonitor: end of input, halting.\n");
	qemu_exit_code(QEMU_EXIT_EOF);
}
BOOT_PROGRAM(60, "monitor", monitor_main);
