/* SPDX-License-Identifier: MIT */
/*
 * A toy network path for the jprobe demo: the function the 2004 patch's "Sample Usage"
 * probes, ip_queue_xmit(skb, ipfragok), with a small struct sk_buff (samples/net_demo.c).
 */
#ifndef JUMPER_NET_DEMO_H
#define JUMPER_NET_DEMO_H

#include "compiler.h"

struct sk_buff {
	unsigned int len;          /* bytes of data */
	unsigned short protocol;   /* ETH_P_IP = 0x0800 */
	unsigned char ttl;
	u32 saddr, daddr;          /* IPv4 addresses, host order */
	const char *dev;           /* the device it leaves by */
};

/* "Queues" skb for transmission: counts it and returns 0, or -EINVAL for a NULL skb. */
int ip_queue_xmit(struct sk_buff *skb, int ipfragok);
/* Packets queued since boot. */
extern unsigned long ip_packets_queued;

#endif
