// SPDX-License-Identifier: MIT
/*
 * The monitor's probe commands: place kprobes, jprobes and kretprobes by name, list them
 * (like Linux's /sys/kernel/debug/kprobes/list: which ones share an address, which are
 * jump-optimized and why the others are not),
 * enable, disable, remove. The table and the handlers are here; "dis", which shows the
 * probes on the instructions it prints, is in monitor/monitor_dis.c.
 */
#include "monitor_internal.h"
#include "errno.h"
#include "jprobes.h"
#include "kallsyms.h"
#include "kprobes.h"
#include "kretprobes.h"
#include "printk.h"
#include "slab.h"
#include "stacktrace.h"
#include "string.h"

#define MON_LOG_HITS   3        /* hits logged in full; later ones only counted */

/*
 * The probes placed from the monitor, by number: each one kzalloc'd when placed and
 * freed when removed, so the cap (MON_MAX_PROBES, in monitor_internal.h) costs only this
 * table of pointers, and a number stays the probe's until it is removed.
 */
static struct mon_probe *probes[MON_MAX_PROBES];

struct mon_probe *mon_probe_nth(unsigned i)
{
	return i < MON_MAX_PROBES ? probes[i] : NULL;
}

static const char *const kind_names[] = {
	[MON_KPROBE] = "kprobe", [MON_JPROBE] = "jprobe", [MON_KRETPROBE] = "kretprobe",
};

const char *mon_kind_name(const struct mon_probe *m)
{
	return kind_names[m->kind];
}

void mon_print_error(const char *cmd, const char *what, int err)
{
	printk("%s: %s: %s (%s)\n", cmd, what, errno_name(err), errno_text(err));
}

/* Why a probe address was refused, in the words of include/probe_point.h. */
static const char *refusal(enum mon_kind kind, int err)
{
	switch (err) {
	case -ENOENT: return "no such symbol";
	case -EFAULT: return "not kernel text";
	case -EPERM: return "blacklisted: code that handles probes cannot be probed";
	case -EILSEQ: return "not an instruction boundary (see 'dis')";
	case -EOPNOTSUPP: return "this instruction cannot be single-stepped out of line";
	case -EEXIST:
		return kind == MON_JPROBE ? "a function takes one jprobe (Linux's rule)"
					  : "already probed";
	case -EINVAL:
		return kind == MON_KPROBE ? "invalid address"
		       : kind == MON_JPROBE ? "a jprobe goes on a function's first byte"
					    : "a kretprobe goes on a function's first byte";
	case -ENOMEM: return "out of memory (instruction slots or the kretprobe's instances)";
	default: return "refused";
	}
}

static struct mon_probe *of_kprobe(struct kprobe *p)
{
	return container_of(p, struct mon_probe, jp.kp);
}

/* kprobe pre handler: count; log the first few hits with their registers. */
static int mon_kprobe_pre(struct kprobe *p, struct pt_regs *regs)
{
	struct mon_probe *m = of_kprobe(p);

	if (++m->hits <= MON_LOG_HITS) {
		printk("probe #%d hit %lu at %s: eip=%08lx eax=%08lx ebx=%08lx ecx=%08lx "
		       "edx=%08lx esi=%08lx edi=%08lx ebp=%08lx esp=%08lx eflags=%08lx\n",
		       m->index, m->hits, m->where, regs->eip, regs->eax, regs->ebx,
		       regs->ecx, regs->edx, regs->esi, regs->edi, regs->ebp,
		       kernel_stack_pointer(regs), regs->eflags);
	}
	return 0;
}

/*
 * kretprobe return handler: count; log the first few returns with the value and the
 * caller they go back to. ri->ret_addr is the real return address (the trampoline's
 * stands in for it on the stack), symbolized like every return address the monitor
 * prints: by mon_sprint_symbol, NAME@N for a shared name.
 */
static int mon_kretprobe_ret(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct mon_probe *m = container_of(ri->rp, struct mon_probe, rp);
	char caller[KSYM_NAME_LEN + 32];
	long v = (long)regs_return_value(regs);

	if (++m->hits > MON_LOG_HITS)
		return 0;
	mon_sprint_symbol(caller, sizeof(caller), (unsigned long)ri->ret_addr);
	/* Small values read best in decimal (errors, counts), others are likely pointers. */
	if (v > -65536 && v < 65536)
		printk("kretprobe #%d hit %lu: %s returned %ld to %s\n", m->index, m->hits,
		       m->func, v, caller);
	else
		printk("kretprobe #%d hit %lu: %s returned 0x%08lx to %s\n", m->index, m->hits,
		       m->func, (unsigned long)v, caller);
	return 0;
}

/*
 * The jprobe handler cannot know the probed function's prototype, so it is written in
 * assembly: at entry esp points at the return address and the arguments lie above it,
 * exactly as the probed function would see them; it hands their address to C and ends
 * with jprobe_return().
 */
void mon_jprobe_report(const unsigned long *args);
__asm__(".pushsection .text\n"
	".globl mon_jprobe_entry\n.type mon_jprobe_entry, @function\n"
	"mon_jprobe_entry:\n"
	"	lea 4(%esp), %eax\n"
	"	push %eax\n"
	"	call mon_jprobe_report\n"
	"	add $4, %esp\n"
	"	call jprobe_return\n"
	".size mon_jprobe_entry, . - mon_jprobe_entry\n"
	".popsection\n");
extern char mon_jprobe_entry[];

/*
 * The monitor's jprobe at addr. The handler is not told its jprobe, and current_kprobe
 * is the aggregate's manager probe when other probes share the address; a function has
 * at most one jprobe (register_jprobe's -EEXIST), so the address names it.
 */
static struct mon_probe *jprobe_at(unsigned long addr)
{
	for (unsigned i = 0; i < MON_MAX_PROBES; i++)
		if (probes[i] && probes[i]->kind == MON_JPROBE && mon_addr(probes[i]) == addr)
			return probes[i];
	return NULL;
}

/*
 * Prints the first hits' arguments: m->nargs words from args, but none from beyond the
 * thread's stack top -- the probed function may run right below it (kthread_start), and
 * the page above is unmapped. Such an argument is printed as "absent", and the line says
 * how many were and where the stack ends.
 */
void mon_jprobe_report(const unsigned long *args)
{
	struct mon_probe *m = jprobe_at((unsigned long)current_kprobe->addr);
	int avail;

	if (!m)
		return;
	avail = (int)min((unsigned long)m->nargs,
			 jprobe_stack_room((unsigned long)args) / sizeof(*args));
	if (++m->hits > MON_LOG_HITS)
		return;
	printk("jprobe #%d hit %lu at %s(", m->index, m->hits, m->where);
	for (int i = 0; i < m->nargs; i++) {
		if (i < avail)
			printk("%s%08lx", i ? ", " : "", args[i]);
		else
			printk("%sabsent", i ? ", " : "");
	}
	printk(")");
	if (avail < m->nargs)
		printk(" [%d of %d arguments absent: beyond the stack top %08lx]",
		       m->nargs - avail, m->nargs, stack_top(current_thread_info()));
	printk("\n");
}

static int free_index(void)
{
	for (int i = 0; i < MON_MAX_PROBES; i++)
		if (!probes[i])
			return i;
	return -1;
}

static int arm(struct mon_probe *m)
{
	switch (m->kind) {
	case MON_JPROBE:
		m->jp.entry = mon_jprobe_entry;
		return register_jprobe(&m->jp);
	case MON_KRETPROBE:
		m->rp.handler = mon_kretprobe_ret;
		return register_kretprobe(&m->rp);
	default:
		m->jp.kp.pre_handler = mon_kprobe_pre;
		return register_kprobe(&m->jp.kp);
	}
}

/*
 * Places a probe of this kind at spec; prints what happened. A refused probe leaves the
 * table as it was (its memory is freed, its number stays free).
 */
static int place(const char *cmd, const char *spec, enum mon_kind kind, int nargs)
{
	int i = free_index(), ret;
	struct mon_probe *m;
	unsigned long addr;
	char *plus;

	if (i < 0) {
		printk("%s: all %d monitor probes are in use (unprobe one)\n", cmd, MON_MAX_PROBES);
		return -ENOSPC;
	}
	ret = mon_parse_spec(cmd, spec, &addr);
	if (ret)
		return ret;
	m = kzalloc(sizeof(*m));
	if (!m) {
		mon_print_error(cmd, spec, -ENOMEM);
		return -ENOMEM;
	}
	m->jp.kp.addr = (kprobe_opcode_t *)addr;
	m->kind = kind;
	m->nargs = nargs;
	m->index = i;
	mon_sprint_symbol(m->where, sizeof(m->where), addr);
	memcpy(m->func, m->where, sizeof(m->func));
	plus = strchr(m->func, '+');
	if (plus)
		*plus = '\0';
	ret = arm(m);
	if (ret) {
		printk("%s: %s: %s (%s): %s", cmd, m->where, errno_name(ret), errno_text(ret),
		       refusal(kind, ret));
		if (ret == -EILSEQ)
			mon_print_containing(addr);
		printk("\n");
		kfree(m);
		return ret;
	}
	probes[i] = m;
	printk("%s #%d placed at %s (%08lx)\n", kind == MON_KPROBE ? "probe" : kind_names[kind],
	       i, m->where, addr);
	return 0;
}

void mon_probe(int argc, char **argv)
{
	if (argc != 2) {
		printk("usage: probe SYM[+OFF]\n");
		return;
	}
	place("probe", argv[1], MON_KPROBE, 0);
}

void mon_jprobe(int argc, char **argv)
{
	unsigned long nargs = 2;

	if (argc < 2 || argc > 3 || (argc == 3 && (parse_ulong(argv[2], &nargs) || nargs > 6))) {
		printk("usage: jprobe SYM [NARGS]   (NARGS 0..6, default 2)\n");
		return;
	}
	place("jprobe", argv[1], MON_JPROBE, (int)nargs);
}

void mon_kretprobe(int argc, char **argv)
{
	if (argc != 2) {
		printk("usage: kretprobe SYM\n");
		return;
	}
	place("kretprobe", argv[1], MON_KRETPROBE, 0);
}

unsigned long mon_nmissed(const struct mon_probe *m)
{
	/* A kretprobe misses a return when no instance was free (rp.nmissed) and an entry
	 * when it was hit inside another probe's handler (kp.nmissed). */
	if (m->kind == MON_KRETPROBE)
		return (unsigned long)m->rp.nmissed + m->rp.kp.nmissed;
	return m->jp.kp.nmissed;
}

/*
 * Prints "  [shares its address with #1 #3]" (no newline) if other monitor probes are at
 * m's address -- one int3 serves them all, through the aggregate probe that runs each
 * in the order they were placed (kernel/kprobe_register.c) -- else nothing.
 */
static void print_sharing(const struct mon_probe *m)
{
	int n = 0;

	for (unsigned i = 0; i < MON_MAX_PROBES; i++) {
		if (!probes[i] || probes[i] == m || mon_addr(probes[i]) != mon_addr(m))
			continue;
		if (n++ == 8) {
			printk(" ...");
			break;
		}
		printk("%s#%u", n == 1 ? "  [shares its address with " : " ", i);
	}
	if (n)
		printk("]");
}

void mon_list(int argc, char **argv)
{
	int n = 0;

	if (!mon_no_args(argc, argv))
		return;
	for (unsigned i = 0; i < MON_MAX_PROBES; i++) {
		struct mon_probe *m = probes[i];
		if (!m)
			continue;
		if (!n++)
			printk("  #  address   type       hits  nmissed  where\n");
		printk("%3u  %08lx  %-9s %5lu %8lu  %s%s", i, mon_addr(m), mon_kind_name(m),
		       m->hits, mon_nmissed(m), m->where,
		       kprobe_disabled(&m->jp.kp) ? "  [DISABLED]" : "");
		print_sharing(m);
		mon_print_opt_state(m);
		printk("\n");
	}
	if (!n)
		printk("no probes (place one with 'probe SYM', 'jprobe SYM' or 'kretprobe SYM')\n");
}

/* Parses "N" into a placed monitor probe, or says why not. */
static struct mon_probe *by_index(int argc, char **argv)
{
	unsigned long i;

	if (argc != 2) {
		printk("usage: %s N   (N from 'list')\n", argv[0]);
		return NULL;
	}
	if (parse_ulong(argv[1], &i)) {
		printk("%s: '%.32s' is not a probe number (N from 'list')\n", argv[0], argv[1]);
		return NULL;
	}
	if (i >= MON_MAX_PROBES || !probes[i]) {
		printk("%s: no probe #%s (see 'list')\n", argv[0], argv[1]);
		return NULL;
	}
	return probes[i];
}

bool mon_int3_armed(unsigned long addr)
{
	/* With an aggregate, get_kprobe finds its manager: armed while any probe there is. */
	struct kprobe *p = get_kprobe((void *)addr);

	return p && !kprobe_disabled(p);
}

/* enable N / disable N: arm or disarm a listed probe, keeping it in the list. */
static void set_armed(int argc, char **argv, bool armed)
{
	struct mon_probe *m = by_index(argc, argv);
	int ret;

	if (!m)
		return;
	if (kprobe_disabled(&m->jp.kp) != armed) {
		printk("probe #%d at %s is already %s\n", m->index, m->where,
		       armed ? "enabled" : "disabled");
		return;
	}
	ret = armed ? enable_kprobe(&m->jp.kp) : disable_kprobe(&m->jp.kp);
	if (ret)
		mon_print_error(argv[0], m->where, ret);
	else if (armed)
		printk("probe #%d at %s enabled\n", m->index, m->where);
	else
		printk("probe #%d at %s disabled %s\n", m->index, m->where,
		       mon_int3_armed(mon_addr(m))
		       ? "(the int3 stays: other probes there are armed)" : "(original byte back)");
}

void mon_enable(int argc, char **argv)
{
	set_armed(argc, argv, true);
}

void mon_disable(int argc, char **argv)
{
	set_armed(argc, argv, false);
}

void mon_unprobe(int argc, char **argv)
{
	struct mon_probe *m = by_index(argc, argv);

	if (!m)
		return;
	if (m->kind == MON_JPROBE)
		unregister_jprobe(&m->jp);
	else if (m->kind == MON_KRETPROBE)
		unregister_kretprobe(&m->rp);
	else
		unregister_kprobe(&m->jp.kp);
	probes[m->index] = NULL;
	printk("probe #%d at %s removed after %lu hits\n", m->index, m->where, m->hits);
	kfree(m);
}
