// SPDX-License-Identifier: MIT
/*
 * The constants the core's assembly files share with C, generated from the C headers
 * (Linux's asm-offsets technique, arch/x86/kernel/asm-offsets.c).
 *
 * NASM cannot read a C header, so an .asm file that needs a vector number, a selector or
 * a pt_regs offset would otherwise repeat it with `equ`, and the two copies could drift
 * apart silently. Instead this file is compiled to assembly only (gcc -S, never linked):
 * each DEFINE() (include/kbuild.h) leaves a marker line holding the value, and the
 * Makefile turns those lines into $(BUILD)/gen/asm-offsets.inc, one `%define SYM value`
 * each. The .asm files `%include "asm-offsets.inc"`; every .asm object depends on it, and
 * it on the headers below, so changing a constant in C rebuilds the assembly that uses it.
 *
 * Only constants the core's assembly uses belong here, from headers of the core and the
 * rooms below it: this file is the core's (host.layers). The probes' constants (the
 * instruction slots) are kernel/kprobe-offsets.c's, in kprobe-offsets.inc.
 */
#include "compiler.h"
#include "desc.h"
#include "kbuild.h"
#include "pic.h"
#include "processor.h"
#include "ptrace.h"
#include "trapnr.h"

/* The function gcc compiles; its body is nothing but the markers. */
void asm_offsets(void);

void asm_offsets(void)
{
	/* kernel/entry.asm: the exception stubs, by vector */
	/* kernel/entry.asm: the value DR6 is reset to once the #DB stub has read it */
	DEFINE(DR6_RESERVED, DR6_RESERVED);
	DEFINE(X86_TRAP_DE, X86_TRAP_DE);
	DEFINE(X86_TRAP_DB, X86_TRAP_DB);
	DEFINE(X86_TRAP_NMI, X86_TRAP_NMI);
	DEFINE(X86_TRAP_BP, X86_TRAP_BP);
	DEFINE(X86_TRAP_OF, X86_TRAP_OF);
	DEFINE(X86_TRAP_BR, X86_TRAP_BR);
	DEFINE(X86_TRAP_UD, X86_TRAP_UD);
	DEFINE(X86_TRAP_NM, X86_TRAP_NM);
	DEFINE(X86_TRAP_DF, X86_TRAP_DF);
	DEFINE(X86_TRAP_OLD_MF, X86_TRAP_OLD_MF);
	DEFINE(X86_TRAP_TS, X86_TRAP_TS);
	DEFINE(X86_TRAP_NP, X86_TRAP_NP);
	DEFINE(X86_TRAP_SS, X86_TRAP_SS);
	DEFINE(X86_TRAP_GP, X86_TRAP_GP);
	DEFINE(X86_TRAP_PF, X86_TRAP_PF);
	DEFINE(X86_TRAP_SPURIOUS, X86_TRAP_SPURIOUS);
	DEFINE(X86_TRAP_MF, X86_TRAP_MF);
	DEFINE(X86_TRAP_AC, X86_TRAP_AC);
	DEFINE(X86_TRAP_MC, X86_TRAP_MC);
	DEFINE(X86_TRAP_XF, X86_TRAP_XF);
	DEFINE(X86_TRAP_VE, X86_TRAP_VE);
	DEFINE(X86_TRAP_CP, X86_TRAP_CP);
	DEFINE(X86_TRAP_HV, X86_TRAP_HV);
	DEFINE(X86_TRAP_VC, X86_TRAP_VC);
	DEFINE(X86_TRAP_SX, X86_TRAP_SX);
	BLANK();

	/* kernel/entry.asm: the vector space (exceptions, then the PIC's IRQs) */
	DEFINE(NR_EXCEPTIONS, NR_EXCEPTIONS);
	DEFINE(IRQ_BASE_VECTOR, IRQ_BASE_VECTOR);
	DEFINE(NR_IRQS, NR_IRQS);
	BLANK();

	/* kernel/entry.asm: the slots of struct pt_regs it fills by offset */
	OFFSET(PT_DS, pt_regs, ds);
	OFFSET(PT_ES, pt_regs, es);
	OFFSET(PT_ORIG_EAX, pt_regs, orig_eax);
	BLANK();

	/* boot/multiboot.asm (the GDT it lays out) and kernel/entry.asm */
	DEFINE(KERNEL_CS, KERNEL_CS);
	DEFINE(KERNEL_DS, KERNEL_DS);
	DEFINE(TSS_SEL, TSS_SEL);
	DEFINE(DF_TSS_SEL, DF_TSS_SEL);
}
