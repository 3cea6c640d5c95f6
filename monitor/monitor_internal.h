/* SPDX-License-Identifier: MIT */
/* The monitor's own commands, shared by the files of monitor/; public part: include/monitor.h. */
#ifndef JUMPER_MONITOR_INTERNAL_H
#define JUMPER_MONITOR_INTERNAL_H

#include "monitor.h"
#include "jprobes.h"
#include "kallsyms.h"
#include "kretprobes.h"

/*
 * The probes placed from the monitor (monitor/monitor_probes.c). Numbers run from 0 to
 * MON_MAX_PROBES - 1; a probe keeps its number until it is removed (then the number is
 * free for the next one placed). Each probe is allocated when placed, so the cap costs
 * one pointer a number.
 */
#define MON_MAX_PROBES 1024

enum mon_kind { MON_KPROBE, MON_JPROBE, MON_KRETPROBE };

struct mon_probe {
	/* jp.kp and rp.kp are the same kprobe: both structs start with it. */
	union {
		struct jprobe jp;           /* a kprobe uses jp.kp alone */
		struct kretprobe rp;
	};
	enum mon_kind kind;
	int index;                      /* its number in 'list' */
	int nargs;                      /* jprobe: stack arguments to print */
	unsigned long hits;             /* kretprobe: returns seen */
	char where[KSYM_NAME_LEN + 16]; /* the address, as mon_sprint_symbol prints it */
	char func[KSYM_NAME_LEN + 16]; /* the function's name (NAME@N if shared) */
};

static inline unsigned long mon_addr(const struct mon_probe *m)
{
	return (unsigned long)m->jp.kp.addr;
}

/* Probe number i, or NULL if none has it. */
struct mon_probe *mon_probe_nth(unsigned i);
/* "kprobe", "jprobe" or "kretprobe". */
const char *mon_kind_name(const struct mon_probe *m);
/* Hits that ran no handler: kp.nmissed; for a kretprobe also entries with no instance. */
unsigned long mon_nmissed(const struct mon_probe *m);
/* True if an int3 is armed at addr (any probe there enabled, the monitor's or not). */
bool mon_int3_armed(unsigned long addr);

/* The probe commands (monitor/monitor_probes.c; dis in monitor/monitor_dis.c). */
void mon_probe(int argc, char **argv);
void mon_jprobe(int argc, char **argv);
void mon_kretprobe(int argc, char **argv);
void mon_list(int argc, char **argv);
void mon_enable(int argc, char **argv);
void mon_disable(int argc, char **argv);
void mon_unprobe(int argc, char **argv);
void mon_dis(int argc, char **argv);

/*
 * Jump optimization as the monitor shows it (monitor/monitor_opt.c). mon_print_opt_state
 * prints, no newline, "  [OPTIMIZED]" if m's address is a jmp to a detour now, else
 * "  (int3: WHY)" if it was tried and refused (kprobe_opt_refusal), else nothing.
 * mon_optimized_at: the optimization whose jmp is at addr, or NULL; mon_opt_region_of: the
 * one whose region holds addr after its first byte, or NULL; mon_jmp_target: where the
 * jmp rel32 at addr goes. mon_optimize is the "optimize [on|off]" command.
 */
struct optimized_kprobe;
void mon_print_opt_state(const struct mon_probe *m);
const struct optimized_kprobe *mon_optimized_at(unsigned long addr);
const struct optimized_kprobe *mon_opt_region_of(unsigned long addr);
unsigned long mon_jmp_target(unsigned long addr);
void mon_optimize(int argc, char **argv);

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
