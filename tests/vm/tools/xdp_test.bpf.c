// SPDX-License-Identifier: GPL-2.0
/*
 * XDP programs for tests/vm/driver-xdp.sh (built by tests/CMakeLists.txt):
 * small fixed verdicts whose effect the test checks against counters the
 * driver does not keep. Not a tool: userspace/bpf holds those.
 *
 *   xdp_pass     every frame XDP_PASS (attach/replace/detach under traffic)
 *   xdp_reflect  UDP to port REFLECT_PORT goes back out (XDP_TX) to the
 *                sender's address and port SINK_PORT, where napi-sink on the
 *                peer counts it; everything else passes
 *   xdp_meta     puts 4 bytes of metadata in front of the frame, then
 *                XDP_PASS: the skb must start at the frame, not the metadata
 *   xdp_abort    UDP to REFLECT_PORT XDP_ABORTED, everything else passes
 *   xdp_mb       with frags support (multi-buffer frames at a jumbo MTU):
 *                UDP to REFLECT_PORT XDP_DROP, everything else passes
 *   xdp_mb_reflect  with frags support: xdp_reflect's XDP_TX, of frames of
 *                several buffers (the headers are in the first)
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/udp.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

#define REFLECT_PORT	9400
#define SINK_PORT	9401

/* The frame's UDP header if it is IPv4 UDP to REFLECT_PORT, else NULL. */
static __always_inline struct udphdr *udp_to_reflect(struct xdp_md *ctx, struct ethhdr **eth,
						     struct iphdr **ip)
{
	void *data_end = (void *)(long)ctx->data_end;
	void *data = (void *)(long)ctx->data;
	struct udphdr *udp;

	*eth = data;
	if ((void *)(*eth + 1) > data_end || (*eth)->h_proto != bpf_htons(ETH_P_IP))
		return NULL;
	*ip = (void *)(*eth + 1);
	if ((void *)(*ip + 1) > data_end || (*ip)->ihl != 5 || (*ip)->protocol != IPPROTO_UDP)
		return NULL;
	udp = (void *)(*ip + 1);
	if ((void *)(udp + 1) > data_end || udp->dest != bpf_htons(REFLECT_PORT))
		return NULL;
	return udp;
}

SEC("xdp")
int xdp_pass(struct xdp_md *ctx)
{
	return XDP_PASS;
}

/* Turn the datagram back to its sender's SINK_PORT, in place. */
static __always_inline void reflect(struct ethhdr *eth, struct iphdr *ip, struct udphdr *udp)
{
	unsigned char mac[ETH_ALEN];
	__be32 addr;

	/* Swapping the addresses keeps both checksums; the port change does
	 * not: UDP over IPv4 may go without one (0).
	 */
	__builtin_memcpy(mac, eth->h_dest, ETH_ALEN);
	__builtin_memcpy(eth->h_dest, eth->h_source, ETH_ALEN);
	__builtin_memcpy(eth->h_source, mac, ETH_ALEN);
	addr = ip->saddr;
	ip->saddr = ip->daddr;
	ip->daddr = addr;
	udp->source = bpf_htons(REFLECT_PORT);
	udp->dest = bpf_htons(SINK_PORT);
	udp->check = 0;
}

/* XDP_TX for UDP to REFLECT_PORT, turned back; XDP_PASS for the rest. */
static __always_inline int reflect_or_pass(struct xdp_md *ctx)
{
	struct ethhdr *eth;
	struct udphdr *udp;
	struct iphdr *ip;

	udp = udp_to_reflect(ctx, &eth, &ip);
	if (!udp)
		return XDP_PASS;
	reflect(eth, ip, udp);
	return XDP_TX;
}

SEC("xdp")
int xdp_reflect(struct xdp_md *ctx)
{
	return reflect_or_pass(ctx);
}

SEC("xdp")
int xdp_meta(struct xdp_md *ctx)
{
	__u32 *meta;

	if (bpf_xdp_adjust_meta(ctx, -(int)sizeof(*meta)))
		return XDP_ABORTED;
	meta = (void *)(long)ctx->data_meta;
	if ((void *)(meta + 1) > (void *)(long)ctx->data)
		return XDP_ABORTED;
	*meta = 0x600d;
	return XDP_PASS;
}

SEC("xdp")
int xdp_abort(struct xdp_md *ctx)
{
	struct ethhdr *eth;
	struct iphdr *ip;

	return udp_to_reflect(ctx, &eth, &ip) ? XDP_ABORTED : XDP_PASS;
}

SEC("xdp.frags")
int xdp_mb(struct xdp_md *ctx)
{
	struct ethhdr *eth;
	struct iphdr *ip;

	/* The headers are in the first buffer: direct access reaches it */
	return udp_to_reflect(ctx, &eth, &ip) ? XDP_DROP : XDP_PASS;
}

SEC("xdp.frags")
int xdp_mb_reflect(struct xdp_md *ctx)
{
	/* The headers are in the first buffer: direct access reaches it */
	return reflect_or_pass(ctx);
}

char LICENSE[] SEC("license") = "GPL";
