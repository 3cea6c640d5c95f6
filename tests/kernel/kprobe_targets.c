// SPDX-License-Identifier: MIT
/* Probe targets for the kprobes tests. __noipa keeps each one real and under its name. */
#include "kprobe_targets.h"

__noipa int kp_target_add(int a, int b)
{
	return a + b;
}

__noipa int kp_target_mul(int a, int b)
{
	return a * b;
}

__noipa int kp_target_neg(int a)
{
	return -a;
}

__noipa int kp_target_other(int a, int b)
{
	return 1000 + a - b;
}

__noipa unsigned long kp_target_tick(unsigned long x)
{
	return x + 1;
}

/* Hand-written so the faulting instruction has a known address and encoding. */
__asm__(".pushsection .text\n"
	".globl kp_load\n"
	".type kp_load, @function\n"
	"kp_load:\n"
	"	movl 4(%esp), %eax\n"          /* 8b 44 24 04 */
	"	.byte 0x8b, 0x00\n"          /* mov (%eax), %eax: at kp_load + 4 */
	"	ret\n"
	".size kp_load, . - kp_load\n"
	".popsection\n");

/* pushf first, so a probe on kp_pushf single-steps a pushf (its fixup is under test). */
__asm__(".pushsection .text\n"
	".globl kp_pushf\n"
	".type kp_pushf, @function\n"
	"kp_pushf:\n"
	"	pushf\n"
	"	popl %eax\n"
	"	ret\n"
	".size kp_pushf, . - kp_pushf\n"
	".popsection\n");
