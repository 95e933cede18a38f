// SPDX-License-Identifier: GPL-2.0
/*
 * A tc ingress program for tests/vm/driver-xdp-paths.sh (built by
 * tests/CMakeLists.txt): it shows whether the metadata an XDP program put
 * in front of a frame (xdp_test.bpf.c's xdp_meta: 4 bytes, META_MAGIC)
 * reached the skb the driver built (skb_metadata_len(), which tc sees as
 * data_meta). Such an skb gets mark META_MAGIC, which an nftables counter
 * in the guest counts; every skb passes.
 */
#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>

#define META_MAGIC	0x600d

SEC("tc")
int tc_meta_mark(struct __sk_buff *skb)
{
	void *data = (void *)(long)skb->data;
	__u32 *meta = (void *)(long)skb->data_meta;

	/* The 4 bytes xdp_meta wrote start the metadata */
	if ((void *)(meta + 1) <= data && *meta == META_MAGIC)
		skb->mark = META_MAGIC;
	return TC_ACT_OK;
}

char LICENSE[] SEC("license") = "GPL";
