// SPDX-License-Identifier: MIT
/*
 * More of the hand-written corpus (tests/kernel/kprobe_corpus_asm.c has the first part):
 * the instructions whose probes take the rare exits of the hit path.
 *   corpus_faults  loads and stores that fault (#PF on page 0 and on the page after
 *                  CORPUS_FAULT_PAGE, part-way through a rep), #DE, #GP; the harness
 *                  recovers through corpus_extable, as Linux's exception table does
 *   corpus_traps   int3 (CC), int $3 (CD 03), int $4, into: traps the die chain gets
 *   corpus_segs    segment overrides, segment register pushes and pops
 *   corpus_w16     16-bit operand forms, rep string instructions with ecx = 0
 *   corpus_popf    popf turning IF and TF on and off (TF: the code traps itself)
 *   corpus_rejects 66-prefixed relative branches (a 16-bit eip): never run, and
 *                  register_kprobe must refuse them, with the int instructions above
 * Same convention as the first part: esi points at mem[0], edi at mem[16].
 */
#include "kprobe_corpus.h"
#include <stddef.h>

#define STR_(x) #x
#define STR(x) STR_(x)

/* corpus_call (kprobe_corpus_asm.c) hard-codes these offsets. */
_Static_assert(offsetof(struct cpu_state, esp) == 28, "cpu_state.esp");
_Static_assert(offsetof(struct cpu_state, eflags) == 32, "cpu_state.eflags");
_Static_assert(offsetof(struct cpu_state, arg) == 36, "cpu_state.arg");
_Static_assert(offsetof(struct cpu_state, fn) == 44, "cpu_state.fn");
_Static_assert(offsetof(struct cpu_state, caller_esp) == 48, "cpu_state.caller_esp");
_Static_assert(offsetof(struct cpu_state, mem) == 52, "cpu_state.mem");

__asm__(
".pushsection .text\n"

".globl corpus_faults\n.type corpus_faults, @function\n"
"corpus_faults:\n"
"	xor %eax, %eax\n"
".Lf_load:	mov (%eax), %ebx\n"                  /* #PF read, cr2 0 */
".Lf_load_n:	add $1, %ecx\n"
".Lf_store:	movl $0x55, 0x10(%eax)\n"            /* #PF write, cr2 0x10 */
".Lf_store_n:	mov %ecx, %edx\n"
".Lf_push:	pushl 0x20(%eax)\n"                  /* #PF: esp must not have moved */
".Lf_push_n:	incl 0x30(%eax)\n"                   /* (faults too: read-modify-write) */
".Lf_inc_n:	xor %edx, %edx\n"
".Lf_div:	divl %edx\n"                         /* #DE */
".Lf_div_n:	mov $" STR(CORPUS_FAULT_PAGE) " + 4092, %esi\n mov $8, %ecx\n"
".Lf_rep:	rep movsb\n"                         /* 4 bytes, then #PF with ecx = 4 */
".Lf_rep_n:	mov $" STR(CORPUS_FAULT_PAGE) " + 4088, %edi\n mov $4, %ecx\n"
".Lf_stos:	rep stosl\n"                         /* 2 words, then #PF */
".Lf_stos_n:	mov $0xfff8, %eax\n"
".Lf_gp:	mov %eax, %fs\n"                     /* #GP(0xfff8): past the GDT */
".Lf_gp_n:	mov %ecx, %eax\n"
"	ret\n"
".size corpus_faults, . - corpus_faults\n"

".globl corpus_traps\n.type corpus_traps, @function\n"
"corpus_traps:\n"
".Lt_int3:	int3\n"
".Lt_int3_n:	add $1, %eax\n"
".Lt_cd03:	.byte 0xcd, 0x03\n"                  /* int $3, the two-byte form */
/* shl $0, %al: changes nothing. Resumed one byte into the int (the core taking the
 * trap for a vanished probe), the bytes run as add %eax,%eax; loopne .+2. */
".Lt_cd03_n:	.byte 0xc0, 0xe0, 0x00\n"
"	add $2, %eax\n"
".Lt_int4:	int $4\n"
".Lt_int4_n:	add $4, %eax\n"
"	mov $0x7fffffff, %edx\n add $1, %edx\n"      /* OF = 1 */
".Lt_into:	into\n"
".Lt_into_n:	add $8, %eax\n"
"	ret\n"
".size corpus_traps, . - corpus_traps\n"

".globl corpus_segs\n.type corpus_segs, @function\n"
"corpus_segs:\n"
"	mov %es:(%esi), %eax\n mov %ss:4(%esi), %ebx\n addl %ecx, %fs:8(%edi)\n"
"	mov %gs:12(%esi), %edx\n mov %cs:16(%esi), %ecx\n pushl %ds:20(%esi)\n"
"	popl %es:24(%edi)\n push %fs\n pop %gs\n mov %es, %dx\n mov %ss, %ax\n"
"	movsl %fs:(%esi), %es:(%edi)\n lodsl %ss:(%esi)\n"
"	addb %al, %ss:28(%edi)\n"
"	ret\n"
".size corpus_segs, . - corpus_segs\n"

".globl corpus_w16\n.type corpus_w16, @function\n"
"corpus_w16:\n"
"	addw %bx, %ax\n movw $0x1234, %cx\n incw %dx\n imulw %cx, %bx\n shlw $3, %ax\n"
"	xchgw %ax, %bx\n movzwl %bx, %ecx\n cmpw $0x1234, %cx\n leaw 2(%esi), %dx\n"
"	cbtw\n cwtd\n pushw %ax\n popw %dx\n pushw $0x5a5a\n popw %cx\n"
"	movw (%esi), %ax\n movw %ax, 2(%edi)\n addw $0x101, 4(%edi)\n notw 6(%edi)\n"
"	movw $7, %bx\n xorw %dx, %dx\n divw %bx\n rolw $4, %ax\n btsw $3, %bx\n"
"	sete %cl\n adcw %cx, 8(%edi)\n negw %dx\n"
"	xor %ecx, %ecx\n rep movsb\n rep stosl\n repe cmpsb\n repne scasw\n rep lodsl\n"
"	ret\n"
".size corpus_w16, . - corpus_w16\n"

/* Leaves EFLAGS as it found them, and ebx, ecx, edx hold what it saw of IF and TF. */
".globl corpus_popf\n.type corpus_popf, @function\n"
"corpus_popf:\n"
"	pushfl\n"
"	pushfl\n orl $0x200, (%esp)\n popfl\n"                    /* IF on */
"	pushfl\n pop %ebx\n and $0x300, %ebx\n"
"	pushfl\n andl $~0x200, (%esp)\n popfl\n"                  /* IF off */
"	pushfl\n pop %ecx\n and $0x300, %ecx\n"
"	pushfl\n xorl $0x100, (%esp)\n popfl\n"                   /* TF toggled */
"	add $1, %eax\n"
"	pushfl\n pop %edx\n and $0x300, %edx\n"
"	pushfl\n xorl $0x100, (%esp)\n popfl\n"                   /* and back */
"	add $2, %eax\n"
"	popfl\n"
"	ret\n"
".size corpus_popf, . - corpus_popf\n"

/* Never called: a 66 prefix makes these branches truncate eip to 16 bits. */
".globl corpus_rejects\n.type corpus_rejects, @function\n"
"corpus_rejects:\n"
".Lr_jmp8:	.byte 0x66, 0xeb, 0x00\n"
".Lr_jmp16:	.byte 0x66, 0xe9, 0x00, 0x00\n"
".Lr_jcc8:	.byte 0x66, 0x74, 0x00\n"
".Lr_jcc16:	.byte 0x66, 0x0f, 0x84, 0x00, 0x00\n"
".Lr_call16:	.byte 0x66, 0xe8, 0x00, 0x00\n"
".Lr_loop:	.byte 0x66, 0xe2, 0x00\n"
".Lr_jcxz:	.byte 0x66, 0xe3, 0x00\n"
"	ret\n"
".size corpus_rejects, . - corpus_rejects\n"
".popsection\n"

".pushsection .rodata\n.balign 4\n"
".globl corpus_extable\ncorpus_extable:\n"
"	.long .Lf_load, .Lf_load_n, 14\n	.long .Lf_store, .Lf_store_n, 14\n"
"	.long .Lf_push, .Lf_push_n, 14\n	.long .Lf_push_n, .Lf_inc_n, 14\n"
"	.long .Lf_div, .Lf_div_n, 0\n	.long .Lf_rep, .Lf_rep_n, 14\n"
"	.long .Lf_stos, .Lf_stos_n, 14\n	.long .Lf_gp, .Lf_gp_n, 13\n"
"	.long .Lt_int3, .Lt_int3_n, 3\n	.long .Lt_cd03, .Lt_cd03_n, 3\n"
"	.long .Lt_int4, .Lt_int4_n, 4\n	.long .Lt_into, .Lt_into_n, 4\n"
".globl corpus_extable_end\ncorpus_extable_end:\n"
".globl corpus_refused\ncorpus_refused:\n"
"	.long .Lt_int3, 1f\n	.long .Lt_cd03, 2f\n	.long .Lt_int4, 3f\n"
"	.long .Lt_into, 4f\n	.long .Lr_jmp8, 5f\n	.long .Lr_jmp16, 6f\n"
"	.long .Lr_jcc8, 7f\n	.long .Lr_jcc16, 8f\n	.long .Lr_call16, 9f\n"
"	.long .Lr_loop, 10f\n	.long .Lr_jcxz, 11f\n"
".globl corpus_refused_end\ncorpus_refused_end:\n"
"1: .asciz \"int3 (cc)\"\n2: .asciz \"int $3 (cd 03)\"\n3: .asciz \"int $4 (cd 04)\"\n"
"4: .asciz \"into (ce)\"\n5: .asciz \"jmp rel8, 16-bit eip (66 eb)\"\n"
"6: .asciz \"jmp rel16 (66 e9)\"\n7: .asciz \"je rel8, 16-bit eip (66 74)\"\n"
"8: .asciz \"je rel16 (66 0f 84)\"\n9: .asciz \"call rel16 (66 e8)\"\n"
"10: .asciz \"loop, 16-bit eip (66 e2)\"\n11: .asciz \"jecxz, 16-bit eip (66 e3)\"\n"
".popsection\n");

void corpus_faults(void), corpus_traps(void), corpus_segs(void), corpus_w16(void);
void corpus_popf(void);

const struct asm_corpus_fn asm_corpus_traps[] = {
	{ "corpus_faults", corpus_faults },
	{ "corpus_traps", corpus_traps },
	{ "corpus_segs", corpus_segs },
	{ "corpus_w16", corpus_w16 },
	{ "corpus_popf", corpus_popf },
};
const unsigned asm_corpus_traps_count = ARRAY_SIZE(asm_corpus_traps);
