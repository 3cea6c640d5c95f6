// SPDX-License-Identifier: MIT
/* The toy ip_queue_xmit the jprobe demo probes (samples/net_demo.h). */
#include "net_demo.h"
#include "errno.h"

unsigned long ip_packets_queued;

__noipa int ip_queue_xmit(struct sk_buff *skb, int ipfragok)
{
	if (!skb)
		return -EINVAL;
	if (skb->len > 1500 && !ipfragok)
		return -E2BIG;          /* would need fragmenting, and that is not allowed */
	ip_packets_queued++;
	return 0;
}
