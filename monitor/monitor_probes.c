// SPDX-License-Identifier: MIT
/*
 * The monitor's probe commands: place kprobes and jprobes by name, list them (like
 * Linux's /sys/kernel/debug/kprobes/list), enable, disable, remove; and "dis", which
 * shows instruction boundaries from the decoder -- the places a probe may go.
 */
#include "monitor_internal.h"
#include "errno.h"
#include "insn.h"
#include "jprobes.h"
#include "kallsyms.h"
#include "kprobes.h"
#include "printk.h"
#include "probe_point.h"
#include "stacktrace.h"
#include "string.h"

#define MON_MAX_PROBES 16
#define MON_LOG_HITS   3        /* hits logged in full; later ones only counted */

/* A probe placed from the monitor. kp is first so container_of works both ways. */
struct mon_probe {
	struct jprobe jp;           /* jp.kp is the kprobe, for both kinds */
	bool used, is_jprobe;
	int nargs;                  /* jprobe: stack arguments to print */
	unsigned long hits;
	char where[KSYM_NAME_LEN + 16];
};

static struct mon_probe probes[MON_MAX_PROBES];

void mon_print_error(const char *cmd, const char *what, int err)
{
	printk("%s: %s: %s (%s)\n", cmd, what, errno_name(err), errno_text(err));
}

/* Why a probe address was refused, in the words of include/probe_point.h. */
static const char *refusal(int err)
{
	switch (err) {
	case -ENOENT: return "no such symbol";
	case -EFAULT: return "not kernel text";
	case -EPERM: return "blacklisted: code that handles probes cannot be probed";
	case -EILSEQ: return "not an instruction boundary (see 'dis')";
	case -EOPNOTSUPP: return "this instruction cannot be single-stepped out of line";
	case -EEXIST: return "already probed";
	case -EINVAL: return "invalid address";
	case -ENOMEM: return "no free instruction slot";
	default: return "refused";
	}
}

static struct mon_probe *slot_of(struct kprobe *p)
{
	return container_of(container_of(p, struct jprobe, kp), struct mon_probe, jp);
}

/* kprobe pre handler: count; log the first few hits with their registers. */
static int mon_kprobe_pre(struct kprobe *p, struct pt_regs *regs)
{
	struct mon_probe *m = slot_of(p);

	if (++m->hits <= MON_LOG_HITS) {
		printk("probe #%d hit %lu at %s: eip=%08lx eax=%08lx ebx=%08lx ecx=%08lx "
		       "edx=%08lx esi=%08lx edi=%08lx ebp=%08lx esp=%08lx eflags=%08lx\n",
		       (int)(m - probes), m->hits, m->where, regs->eip, regs->eax, regs->ebx,
		       regs->ecx, regs->edx, regs->esi, regs->edi, regs->ebp,
		       kernel_stack_pointer(regs), regs->eflags);
	}
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
 * Prints the first hits' arguments: m->nargs words from args, but none from beyond the
 * thread's stack top -- the probed function may run right below it (kthread_start), and
 * the page above is unmapped. Such an argument is printed as "absent", and the line says
 * how many were and where the stack ends.
 */
void mon_jprobe_report(const unsigned long *args)
{
	struct mon_probe *m = slot_of(current_kprobe);
	int avail = (int)min((unsigned long)m->nargs,
			     jprobe_stack_room((unsigned long)args) / sizeof(*args));

	if (++m->hits > MON_LOG_HITS)
		return;
	printk("jprobe #%d hit %lu at %s(", (int)(m - probes), m->hits, m->where);
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

static struct mon_probe *new_probe(void)
{
	for (int i = 0; i < MON_MAX_PROBES; i++)
		if (!probes[i].used)
			return &probes[i];
	return NULL;
}

static int place(const char *cmd, const char *spec, bool jprobe, int nargs)
{
	struct mon_probe *m = new_probe();
	unsigned long addr;
	int ret;

	if (!m) {
		printk("%s: all %d monitor probes are in use (unprobe one)\n", cmd, MON_MAX_PROBES);
		return -ENOSPC;
	}
	ret = mon_parse_spec(cmd, spec, &addr);
	if (ret)
		return ret;
	memset(m, 0, sizeof(*m));
	m->jp.kp.addr = (kprobe_opcode_t *)addr;
	m->is_jprobe = jprobe;
	m->nargs = nargs;
	mon_sprint_symbol(m->where, sizeof(m->where), addr);
	if (jprobe) {
		m->jp.entry = mon_jprobe_entry;
		ret = register_jprobe(&m->jp);
	} else {
		m->jp.kp.pre_handler = mon_kprobe_pre;
		ret = register_kprobe(&m->jp.kp);
	}
	if (ret) {
		printk("%s: %s: %s (%s): %s", cmd, m->where, errno_name(ret), errno_text(ret),
		       jprobe && ret == -EINVAL ? "a jprobe goes on a function's first byte"
						: refusal(ret));
		if (ret == -EILSEQ)
			mon_print_containing(addr);
		printk("\n");
		return ret;
	}
	m->used = true;
	printk("%s #%d placed at %s (%08lx)\n", jprobe ? "jprobe" : "probe", (int)(m - probes),
	       m->where, addr);
	return 0;
}

void mon_probe(int argc, char **argv)
{
	if (argc != 2) {
		printk("usage: probe SYM[+OFF]\n");
		return;
	}
	place("probe", argv[1], false, 0);
}

void mon_jprobe(int argc, char **argv)
{
	unsigned long nargs = 2;

	if (argc < 2 || argc > 3 || (argc == 3 && (parse_ulong(argv[2], &nargs) || nargs > 6))) {
		printk("usage: jprobe SYM [NARGS]   (NARGS 0..6, default 2)\n");
		return;
	}
	place("jprobe", argv[1], true, (int)nargs);
}

void mon_list(int argc, char **argv)
{
	int n = 0;

	if (!mon_no_args(argc, argv))
		return;
	for (int i = 0; i < MON_MAX_PROBES; i++) {
		struct mon_probe *m = &probes[i];
		if (!m->used)
			continue;
		if (!n++)
			printk("  #  address   type    hits  nmissed  where\n");
		printk("%3d  %08lx  %-6s %5lu %8lu  %s%s\n", i, (unsigned long)m->jp.kp.addr,
		       m->is_jprobe ? "jprobe" : "kprobe", m->hits, m->jp.kp.nmissed, m->where,
		       kprobe_disabled(&m->jp.kp) ? "  [DISABLED]" : "");
	}
	if (!n)
		printk("no probes (place one with 'probe SYM' or 'jprobe SYM')\n");
}

/* Parses "N" into a used monitor probe, or says why not. */
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
	if (i >= MON_MAX_PROBES || !probes[i].used) {
		printk("%s: no probe #%s (see 'list')\n", argv[0], argv[1]);
		return NULL;
	}
	return &probes[i];
}

/* enable N / disable N: arm or disarm a listed probe, keeping it in the list. */
static void set_armed(int argc, char **argv, bool armed)
{
	struct mon_probe *m = by_index(argc, argv);
	int ret;

	if (!m)
		return;
	if (kprobe_disabled(&m->jp.kp) != armed) {
		printk("probe #%d at %s is already %s\n", (int)(m - probes), m->where,
		       armed ? "enabled" : "disabled");
		return;
	}
	ret = armed ? enable_kprobe(&m->jp.kp) : disable_kprobe(&m->jp.kp);
	if (ret)
		mon_print_error(argv[0], m->where, ret);
	else
		printk("probe #%d at %s %s\n", (int)(m - probes), m->where,
		       armed ? "enabled" : "disabled (original byte back)");
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
	if (m->is_jprobe)
		unregister_jprobe(&m->jp);
	else
		unregister_kprobe(&m->jp.kp);
	m->used = false;
	printk("probe #%d at %s removed after %lu hits\n", (int)(m - probes), m->where, m->hits);
}

/* Which monitor probe sits at addr, or -1. */
static int probe_at(unsigned long addr)
{
	for (int i = 0; i < MON_MAX_PROBES; i++)
		if (probes[i].used && (unsigned long)probes[i].jp.kp.addr == addr)
			return i;
	return -1;
}

void mon_dis(int argc, char **argv)
{
	unsigned long addr, start, size, max = 40;
	char sym[KSYM_NAME_LEN + 32];
	int ret;

	if (argc < 2 || argc > 3 || (argc == 3 && (parse_ulong(argv[2], &max) || !max))) {
		printk("usage: dis SYM[+OFF] [COUNT]\n");
		return;
	}
	if (mon_parse_spec("dis", argv[1], &addr))
		return;
	if (!kernel_text_address(addr) || !kallsyms_lookup(addr, &start, &size)) {
		printk("dis: %s is not in kernel text\n", argv[1]);
		return;
	}
	/* Decoded anyway: the wrong instructions that follow are what the CPU would run
	 * if it jumped there, and why 'probe' refuses such an address (EILSEQ). */
	ret = probe_point_locate(addr, kprobe_recover_text, NULL, NULL, NULL);
	if (ret == 1 || ret == -EILSEQ) {
		mon_sprint_symbol(sym, sizeof(sym), addr);
		if (ret == 1) {
			printk("dis: warning: %s is not an instruction boundary", sym);
			mon_print_containing(addr);
			printk("; decoding from mid-instruction:\n");
		} else {
			printk("dis: warning: cannot tell whether %s is an instruction boundary "
			       "(its function could not be decoded up to it)\n", sym);
		}
	}
	for (unsigned long n = 0; n < max && addr < start + size; n++) {
		u8 buf[INSN_MAX_LEN];
		struct insn in;
		size_t avail = min((unsigned long)INSN_MAX_LEN, (unsigned long)__text_end - addr);

		/* Decode the original bytes (a probe's int3 put back), print what is there. */
		memcpy(buf, (const void *)addr, avail);
		kprobe_recover_text(addr, buf, avail);
		int len = insn_decode(&in, buf, avail, (u32)addr);
		mon_sprint_symbol(sym, sizeof(sym), addr);
		printk("%08lx  %-28s ", addr, sym);
		if (len <= 0) {
			printk("%02x  (%s)\n", *(const u8 *)addr, insn_errstr(len));
			return;
		}
		for (int i = 0; i < 8; i++)
			printk(i < len ? "%02x " : "   ", ((const u8 *)addr)[i]);
		printk(len > 8 ? "+ " : "  ");
		if (insn_is_rel(&in)) {
			mon_sprint_symbol(sym, sizeof(sym), in.rel_target);
			printk("-> %08x %s", in.rel_target, sym);
		} else if (in.attr & INSN_ATTR_RET) {
			printk("ret");
		}
		int p = probe_at(addr);
		if (p >= 0)
			printk("  <- probe #%d%s", p, kprobe_disabled(&probes[p].jp.kp)
						       ? " [DISABLED]" : " (int3 armed)");
		printk("\n");
		addr += (unsigned long)len;
	}
}
