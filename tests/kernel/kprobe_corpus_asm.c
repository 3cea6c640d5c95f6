// SPDX-License-Identifier: MIT
/*
 * Hand-written corpus for the kprobes differential test (tests/kernel/test_kprobes_diff.c).
 * Every instruction here gets a probe in turn; its outcome must not change. The classes
 * kprobes must fix up are all present: relative jmp/jcc/call in rel8 and rel32 forms
 * (some forced with .byte so the assembler cannot pick), loop/loopz/loopnz/jecxz,
 * indirect jmp/call through a register and through memory, ret and ret imm16,
 * pushf/popf, cli/sti, rep string instructions, enter/leave, pusha/popa.
 *
 * Convention (corpus_call in this file): registers and EFLAGS come from a struct
 * cpu_state; esi points at mem[0] and edi at mem[16]; esp and ebp are preserved.
 */
#include "kprobe_corpus.h"

#define STR_(x) #x
#define STR(x) STR_(x)

__asm__(
".pushsection .text\n"

/* void corpus_call(void): runs corpus_state.fn from corpus_state (kprobe_corpus.h). The
 * offsets are struct cpu_state's; kprobe_corpus_traps.c checks them at compile time. */
".globl corpus_call\n.type corpus_call, @function\n"
"corpus_call:\n"
"	push %ebp\n push %ebx\n push %esi\n push %edi\n"
"	pushfl\n"                        /* the caller's flags, put back at the end */
"	mov %esp, corpus_state+48\n"
"	mov corpus_state+28, %esp\n"    /* the run's own place in this thread's stack */
"	mov %esp, %edi\n mov $corpus_stack_image, %esi\n"
"	mov $" STR(CORPUS_STACK_ABOVE) ", %ecx\n cld\n rep movsl\n"
"	pushl corpus_state+40\n pushl corpus_state+36\n"
"	pushl corpus_state+32\n"
"	mov corpus_state+0, %eax\n mov corpus_state+4, %ebx\n mov corpus_state+8, %ecx\n"
"	mov corpus_state+12, %edx\n mov corpus_state+16, %esi\n mov corpus_state+20, %edi\n"
"	mov corpus_state+24, %ebp\n"
"	popfl\n"                         /* the start state: IF, TF (a trap after the call) */
"	call *corpus_state+44\n"
"	pushfl\n"
"	popl corpus_state+32\n"
"	mov %eax, corpus_state+0\n mov %ebx, corpus_state+4\n mov %ecx, corpus_state+8\n"
"	mov %edx, corpus_state+12\n mov %esi, corpus_state+16\n mov %edi, corpus_state+20\n"
"	mov %ebp, corpus_state+24\n mov %esp, corpus_state+28\n"
"	mov corpus_state+48, %esp\n"
"	popfl\n"
"	pop %edi\n pop %esi\n pop %ebx\n pop %ebp\n"
"	ret\n"
".globl corpus_call_end\n"
"corpus_call_end:\n"
".size corpus_call, . - corpus_call\n"

".globl corpus_arith\n.type corpus_arith, @function\n"
"corpus_arith:\n"
"	add %ebx, %eax\n adc $5, %eax\n sub %ecx, %edx\n sbb %edx, %ebx\n"
"	imul %ecx, %eax\n imul $7, %ebx, %ecx\n neg %edx\n not %ebx\n inc %ecx\n dec %eax\n"
"	xor %ecx, %eax\n and $0x00ff00ff, %ebx\n or %eax, %edx\n test %edx, %ecx\n"
"	cmp %eax, %ebx\n lea 8(%eax,%ebx,4), %ecx\n lea (,%edx,8), %edx\n add $-3, %al\n"
"	subw $0x1234, %bx\n adc %cl, %dh\n"
"	ret\n"
".size corpus_arith, . - corpus_arith\n"

".globl corpus_muldiv\n.type corpus_muldiv, @function\n"
"corpus_muldiv:\n"
"	mull %ebx\n mov $13, %ecx\n xor %edx, %edx\n divl %ecx\n mov $-7, %ecx\n cltd\n"
"	idivl %ecx\n imull %ecx\n cwtl\n movzbl %al, %ebx\n movsbl %bl, %ecx\n"
"	movzwl %cx, %edx\n movswl %dx, %eax\n bswap %eax\n xchg %eax, %ebx\n"
"	xchg %ecx, (%esi)\n mov $5, %eax\n cmpxchg %edx, 4(%esi)\n xadd %ebx, 8(%esi)\n"
"	lock addl $3, 12(%esi)\n"
"	ret\n"
".size corpus_muldiv, . - corpus_muldiv\n"

".globl corpus_shifts\n.type corpus_shifts, @function\n"
"corpus_shifts:\n"
"	shl $3, %eax\n shr $1, %ebx\n sar $2, %ecx\n rol $5, %edx\n ror $7, %eax\n"
"	mov $3, %cl\n shl %cl, %ebx\n rcl $1, %edx\n rcr $2, %eax\n shld $4, %ebx, %eax\n"
"	shrd %cl, %edx, %ebx\n bt $3, %eax\n bts %ecx, %ebx\n btr $1, %edx\n btc $31, %eax\n"
"	or $1, %ebx\n bsf %ebx, %ecx\n bsr %eax, %edx\n sete %cl\n setb %ch\n setg %al\n"
"	cmovz %ebx, %edx\n cmovnc %eax, %ebx\n cmovl %ecx, %eax\n"
"	ret\n"
".size corpus_shifts, . - corpus_shifts\n"

".globl corpus_flags\n.type corpus_flags, @function\n"
"corpus_flags:\n"
"	stc\n adc $0, %eax\n clc\n cmc\n sbb %ebx, %ebx\n lahf\n xor $0x41, %ah\n sahf\n"
"	setz %bl\n"
"	pushfl\n pop %ecx\n and $0xfd5, %ecx\n"     /* arithmetic flags, TF, IF, DF */
"	pushfl\n orl $1, (%esp)\n popfl\n setc %dl\n"
"	std\n cld\n cli\n sti\n"
"	pushfl\n popfl\n"
"	pushfl\n pop %edx\n and $0xfd5, %edx\n"
"	ret\n"
".size corpus_flags, . - corpus_flags\n"

".globl corpus_mem\n.type corpus_mem, @function\n"
"corpus_mem:\n"
"	mov (%esi), %eax\n mov 4(%esi), %ebx\n mov %eax, 8(%edi)\n add %ebx, 12(%edi)\n"
"	incl 16(%edi)\n movb $0x5a, 3(%edi)\n mov $2, %ecx\n mov 4(%esi,%ecx,4), %edx\n"
"	mov %edx, 20(%edi,%ecx,2)\n pushl 24(%esi)\n popl 28(%edi)\n movw %ax, 30(%edi)\n"
"	notl 32(%edi)\n negl 36(%edi)\n subl $7, 40(%edi)\n xorl %eax, 44(%edi)\n"
"	orw $0x101, 48(%edi)\n andb $0xf0, 52(%edi)\n"
"	ret\n"
".size corpus_mem, . - corpus_mem\n"

".globl corpus_string\n.type corpus_string, @function\n"
"corpus_string:\n"
"	cld\n mov $16, %ecx\n rep movsb\n lodsl\n stosl\n mov $3, %ecx\n rep stosl\n"
"	sub $40, %edi\n mov $8, %ecx\n repne scasb\n mov $4, %ecx\n repe cmpsb\n"
"	movsl\n movsw\n cmpsl\n std\n lodsb\n cld\n"
"	ret\n"
".size corpus_string, . - corpus_string\n"

".globl corpus_branches\n.type corpus_branches, @function\n"
"corpus_branches:\n"
"	xor %edx, %edx\n"
"	cmp $5, %eax\n jl 1f\n add $1, %edx\n"
"1:	cmp %ebx, %ecx\n .byte 0x0f, 0x8f\n .long 2f - . - 4\n add $2, %edx\n"   /* jg rel32 */
"2:	test %eax, %eax\n jz 3f\n add $4, %edx\n"
"3:	.byte 0xe9\n .long 4f - . - 4\n add $100, %edx\n"                         /* jmp rel32 */
"4:	jmp 5f\n add $200, %edx\n"
"5:	mov $5, %ecx\n"
"6:	add %ecx, %edx\n loop 6b\n"
"	mov $3, %ecx\n"
"7:	dec %ebx\n cmp $100, %ebx\n loopnz 7b\n"
"	xor %ecx, %ecx\n jecxz 8f\n add $300, %edx\n"
"8:	mov $2, %ecx\n"
"9:	cmp %ecx, %ecx\n loopz 9b\n"
"	test %edx, %edx\n .byte 0x0f, 0x88\n .long 10f - . - 4\n add $8, %edx\n"   /* js rel32 */
"10:	ret\n"
".size corpus_branches, . - corpus_branches\n"

".globl corpus_indirect\n.type corpus_indirect, @function\n"
"corpus_indirect:\n"
"	mov $1f, %ecx\n jmp *%ecx\n add $1000, %eax\n"
"1:	mov $corpus_helper_inc, %ebx\n call *%ebx\n"
"	mov $corpus_helper_inc, %ecx\n mov %ecx, 60(%edi)\n call *60(%edi)\n"
"	mov $2f, %ecx\n mov %ecx, 56(%edi)\n jmp *56(%edi)\n add $1000, %eax\n"
"2:	call corpus_helper_inc\n"
"	push $7\n call corpus_helper_ret4\n add %edx, %eax\n"
"	ret\n"
".size corpus_indirect, . - corpus_indirect\n"

".globl corpus_helper_inc\n.type corpus_helper_inc, @function\n"
"corpus_helper_inc:\n"
"	inc %eax\n ret\n"
".size corpus_helper_inc, . - corpus_helper_inc\n"

".globl corpus_helper_ret4\n.type corpus_helper_ret4, @function\n"
"corpus_helper_ret4:\n"
"	mov 4(%esp), %edx\n add %edx, %ebx\n ret $4\n"
".size corpus_helper_ret4, . - corpus_helper_ret4\n"

".globl corpus_stack\n.type corpus_stack, @function\n"
"corpus_stack:\n"
"	mov %eax, 4(%esp)\n addl $3, 8(%esp)\n push %esp\n pop %esi\n"  /* the caller's area */
"	enter $16, $0\n mov %eax, -4(%ebp)\n mov %ebx, -8(%ebp)\n push $0x12345678\n"
"	push $-5\n pop %ecx\n pop %edx\n pushl -4(%ebp)\n popl (%edi)\n pusha\n"
"	xor %eax, %eax\n popa\n add -8(%ebp), %eax\n leave\n"
"	ret\n"
".size corpus_stack, . - corpus_stack\n"

".globl corpus_misc\n.type corpus_misc, @function\n"
"corpus_misc:\n"
"	mov %esi, %ebx\n and $0xf, %eax\n xlat\n nop\n lea 0(%esi), %esi\n"
"	.byte 0x66, 0x90\n mov %eax, %edx\n xor %eax, %eax\n cpuid\n"
"	mov %edx, %eax\n"
"	ret\n"
".size corpus_misc, . - corpus_misc\n"

".popsection\n");

void corpus_arith(void), corpus_muldiv(void), corpus_shifts(void), corpus_flags(void);
void corpus_mem(void), corpus_string(void), corpus_branches(void), corpus_indirect(void);
void corpus_helper_inc(void), corpus_helper_ret4(void), corpus_stack(void);
void corpus_misc(void);

const struct asm_corpus_fn asm_corpus[] = {
	{ "corpus_arith", corpus_arith },
	{ "corpus_muldiv", corpus_muldiv },
	{ "corpus_shifts", corpus_shifts },
	{ "corpus_flags", corpus_flags },
	{ "corpus_mem", corpus_mem },
	{ "corpus_string", corpus_string },
	{ "corpus_branches", corpus_branches },
	{ "corpus_indirect", corpus_indirect },
	{ "corpus_stack", corpus_stack },
	{ "corpus_misc", corpus_misc },
};
const unsigned asm_corpus_count = ARRAY_SIZE(asm_corpus);
