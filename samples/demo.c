// SPDX-License-Identifier: MIT
/*
 * The demo a plain boot runs: a guided look at the trap machinery the probes stand on
 * (an int3 caught on the die notifier chain, the pt_regs it built), then the 2004
 * patch's own sample: a jprobe on ip_queue_xmit printing the arguments of each call.
 */
#include "demo.h"
#include "init.h"
#include "printk.h"
#include "processor.h"
#include "traps.h"
#include "sched.h"
#include "timer.h"
#include "jprobes.h"
#include "net_demo.h"

static unsigned long demo_eip, demo_esp, demo_flags;

static int demo_notifier(struct notifier_block *nb, unsigned long val, void *data)
{
	struct die_args *args = data;

	(void)nb;
	if (val != DIE_INT3)
		return NOTIFY_DONE;
	demo_eip = args->regs->eip;
	demo_esp = kernel_stack_pointer(args->regs);
	demo_flags = native_save_fl();
	printk("demo: int3 trapped; the pt_regs the entry stub built:\n");
	show_registers(args->regs);
	return NOTIFY_STOP;
}

static struct notifier_block demo_nb = { .notifier_call = demo_notifier, .priority = 0 };

/* The reference's "Sample Usage", live: same name, same prototype as the probed function. */
static int jip_queue_xmit(struct sk_buff *skb, int ipfragok)
{
	printk("jprobe: ip_queue_xmit(skb=%p, ipfragok=%d): len %u proto 0x%04x ttl %u "
	       "%u.%u.%u.%u -> %u.%u.%u.%u dev %s\n", (void *)skb, ipfragok, skb->len,
	       skb->protocol, skb->ttl, skb->saddr >> 24, (skb->saddr >> 16) & 255,
	       (skb->saddr >> 8) & 255, skb->saddr & 255, skb->daddr >> 24,
	       (skb->daddr >> 16) & 255, (skb->daddr >> 8) & 255, skb->daddr & 255, skb->dev);
	jprobe_return();
}

static struct jprobe jp = {
	.kp.symbol_name = "ip_queue_xmit",
	.entry = jip_queue_xmit,
};

void demo_net(void)
{
	static struct sk_buff skbs[3] = {
		{ 60, 0x0800, 64, 0x0a000002, 0x0a000001, "eth0" },
		{ 1400, 0x0800, 63, 0xc0a80105, 0x08080808, "eth0" },
		{ 3000, 0x0800, 32, 0x7f000001, 0x7f000001, "lo" },
	};
	int ret;

	int registered = register_jprobe(&jp);

	printk("demo: register_jprobe(ip_queue_xmit -> jip_queue_xmit) = %d\n", registered);
	for (int i = 0; i < 3; i++) {
		ret = ip_queue_xmit(&skbs[i], i == 1);
		printk("demo: ip_queue_xmit returned %d\n", ret);
	}
	if (registered == 0)
		unregister_jprobe(&jp);
	printk("demo: %lu packets queued, jprobe missed %lu hits\n", ip_packets_queued,
	       jp.kp.nmissed);
}

void demo_main(void)
{
	unsigned long esp_before;

	printk("demo: registering a die notifier and executing int3\n");
	register_die_notifier(&demo_nb);
	__asm__ volatile("movl %%esp, %0\n\tint3" : "=&r"(esp_before) : : "memory");
	unregister_die_notifier(&demo_nb);
	printk("demo: esp before int3 %08lx, &regs->esp in the handler %08lx (%s)\n",
	       esp_before, demo_esp, esp_before == demo_esp ? "equal" : "DIFFERENT");
	printk("demo: IF inside the handler: %s (vector 3 is an interrupt gate)\n",
	       (demo_flags & X86_EFLAGS_IF) ? "on" : "off");
	demo_net();
}
/* A plain boot, or "demo" on the command line (before "monitor", if both are there). */
BOOT_PROGRAM_DEFAULT(50, "demo", demo_main);

/* ---- demo sched: preemption, seen through the scheduler's own functions ---- */

static volatile bool sched_demo_stop;

static int sched_demo_spin(void *arg)
{
	volatile unsigned long *count = arg;

	while (!sched_demo_stop)
		(*count)++;      /* never yields: only the timer can take the CPU away */
	return 0;
}

void demo_sched(void)
{
	static volatile unsigned long counts[2];
	struct task_struct *t[2];
	unsigned long start = jiffies;

	printk("demo sched: two threads that never yield, %d-tick slices, for 20 ticks\n",
	       SCHED_SLICE);
	sched_demo_stop = false;
	counts[0] = counts[1] = 0;
	t[0] = kthread_run(sched_demo_spin, (void *)&counts[0], "spin-a");
	t[1] = kthread_run(sched_demo_spin, (void *)&counts[1], "spin-b");
	if (!t[0] || !t[1]) {
		printk("demo sched: cannot create threads\n");
		sched_demo_stop = true;
		return;
	}
	schedule_timeout(20);
	show_threads();
	sched_demo_stop = true;
	unsigned long pre[2] = { t[0]->nivcsw, t[1]->nivcsw };
	kthread_join(t[0]);
	kthread_join(t[1]);
	printk("demo sched: spin-a counted %lu (preempted %lu times), spin-b %lu (%lu), "
	       "%lu ticks\n", counts[0], pre[0], counts[1], pre[1], jiffies - start);
}

/* ---- demo fault: a probe handler faults, its fault_handler recovers ---- */

/* Loads *p with a known instruction (mov (%eax),%eax = 8b 00) at demo_load + 4. */
unsigned long demo_load(const unsigned long *p);
__asm__(".pushsection .text\n"
	".globl demo_load\n.type demo_load, @function\n"
	"demo_load:\n"
	"	movl 4(%esp), %eax\n"
	"	.byte 0x8b, 0x00\n"
	"	ret\n"
	".size demo_load, . - demo_load\n"
	".popsection\n");

static int fault_demo_pre(struct kprobe *p, struct pt_regs *regs)
{
	(void)p;
	(void)regs;
	printk("demo fault: pre handler reads through a NULL pointer...\n");
	demo_load(NULL);
	printk("demo fault: ...and carries on after its fault_handler fixed things\n");
	return 0;
}

static int fault_demo_handler(struct kprobe *p, struct pt_regs *regs, int trapnr)
{
	(void)p;
	if (regs->eip != (unsigned long)demo_load + 4)
		return 0;                  /* not the fault we know how to handle */
	printk("demo fault: fault_handler: %s at %08lx (cr2 %08lx); skipping the load\n",
	       trap_name((unsigned)trapnr), regs->eip, read_cr2());
	regs->eip += 2;
	regs->eax = 0;
	return 1;
}

void demo_fault(void)
{
	static struct kprobe kp = {
		.symbol_name = "ip_queue_xmit",
		.pre_handler = fault_demo_pre,
		.fault_handler = fault_demo_handler,
	};
	static struct sk_buff skb = { 100, 0x0800, 64, 0x0a000002, 0x0a000001, "eth0" };
	int ret = register_kprobe(&kp);

	if (ret) {
		printk("demo fault: register_kprobe: %d\n", ret);
		return;
	}
	ret = ip_queue_xmit(&skb, 0);
	unregister_kprobe(&kp);
	printk("demo fault: ip_queue_xmit returned %d; the probe was hit once, the kernel "
	       "lives on\n", ret);
}
