/* SPDX-License-Identifier: MIT */
/* What a plain boot (no "selftest" on the command line) shows: samples/demo.c. */
#ifndef JUMPER_DEMO_H
#define JUMPER_DEMO_H

/* The boot demo: the int3/pt_regs walk-through, then demo_net. */
void demo_main(void);
/* The 2004 patch's sample: a jprobe on ip_queue_xmit printing its arguments. */
void demo_net(void);
/* Two CPU-bound threads preempted by the timer (probe "schedule" first to watch). */
void demo_sched(void);
/* A probe's pre handler faults; its fault_handler recovers. */
void demo_fault(void);

#endif
