// SPDX-License-Identifier: MIT
/* Functions the kretprobes tests probe: plain, unblacklisted, never inlined. */
#include "kretprobe_targets.h"
#include "kallsyms.h"
#include "ktest_helpers.h"
#include "sched.h"
#include "string.h"

int __noipa krp_add(int a, int b)
{
	return a + b;
}

int __noipa krp_caller(int a, int b)
{
	return krp_add(a, b) + 1;
}

/* Through a volatile pointer, so gcc cannot turn the recursion into a loop. */
static int (*volatile krp_recurse_ptr)(int) = krp_recurse;

int __noipa krp_recurse(int n)
{
	if (n <= 0)
		return 0;
	return n + krp_recurse_ptr(n - 1);
}

int __noipa krp_sleep(int x)
{
	yield();
	return 2 * x;
}

int __noipa krp_block(volatile int *go)
{
	while (!*go)
		schedule_timeout(1);
	return 42;
}

unsigned long __noipa krp_tick(unsigned long x)
{
	return x + 1;
}

int __noipa krp_spin(unsigned long ticks)
{
	spin_ticks(ticks);
	return 7;
}

void __noipa krp_exit_inside(int code)
{
	kthread_exit(code);
}

int __noipa krp_longjmp(jmp_buf env)
{
	longjmp(env, 5);
}

int (*krp_h_hook)(void);

int __noipa krp_h(void)
{
	return krp_h_hook ? krp_h_hook() : 0;
}

int __noipa krp_g(void)
{
	return krp_h() + 1;
}

int __noipa krp_f(void)
{
	return krp_g() + 1;
}

int __noipa __attribute__((stdcall)) krp_stdcall(int a, int b)
{
	return a + b;
}

int __noipa krp_stdcall_caller(int x)
{
	return krp_stdcall(x, 4);
}

__asm__(".text\n"
	".globl krp_regs_target\n"
	".type krp_regs_target, @function\n"
	"krp_regs_target:\n"
	"	movl $0x11111111, %ecx\n"
	"	movl $0x22222222, %edx\n"
	"	movl $0x12345678, %eax\n"
	"	stc\n"
	"	ret\n"
	".size krp_regs_target, . - krp_regs_target\n");

bool in_function(unsigned long addr, const char *name)
{
	char buf[KSYM_NAME_LEN + 32];
	size_t n = strlen(name);

	sprint_symbol(buf, sizeof(buf), addr);
	return !strncmp(buf, name, n) && buf[n] == '+';
}
