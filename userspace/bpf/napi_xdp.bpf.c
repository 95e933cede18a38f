// SPDX-License-Identifier: GPL-2.0
/* napi_xdp.bpf.c: an XDP program that counts frames and bytes by protocol
 * and drops UDP to one chosen destination port.
 *
 * It runs on every frame the interface receives, before any skb exists in
 * native mode (inside the driver's napi_poll), or in generic mode from
 * netif_receive_skb on the skb the driver built. Every frame is counted in
 * the one entry of a per-CPU array (no atomics: a CPU's entry is only
 * written by the program running on that CPU, with preemption off); the
 * loader sums the CPUs.
 *
 * Parsing is bounds-checked at every header against data_end, as the
 * verifier demands: a header that does not fit ends the parse, and the
 * frame counts as its family's "other". Up to two VLAN tags (802.1Q,
 * 802.1ad) are skipped; IPv6 extension headers (hop-by-hop, routing,
 * destination options, fragment) are followed up to four deep. Only a
 * first fragment carries the UDP header: later fragments count as UDP but
 * are never dropped (their port is unknown).
 *
 * drop_udp_port is const volatile (.rodata): the loader sets it between
 * open and load, and the verifier sees it as a constant. */
/* vmlinux.h first: it defines the kernel types the others use. */
// clang-format off
#include "vmlinux.h"
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>
#include "napi_xdp.h"
// clang-format on

char LICENSE[] SEC("license") = "GPL";

/* UDP destination port (host order) whose frames are dropped; 0 = none. */
const volatile __u16 drop_udp_port = 0;

struct {
  __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
  __uint(max_entries, 1);
  __type(key, __u32);
  __type(value, struct napi_xdp_counters);
} counters SEC(".maps");

/* include/uapi/linux/if_ether.h, in.h, in6.h, ip.h: macros are not in BTF,
 * so not in vmlinux.h. */
#define ETH_P_IP 0x0800
#define ETH_P_ARP 0x0806
#define ETH_P_8021Q 0x8100
#define ETH_P_8021AD 0x88A8
#define ETH_P_IPV6 0x86DD
#define NAPI_IPPROTO_ICMP 1
#define NAPI_IPPROTO_TCP 6
#define NAPI_IPPROTO_UDP 17
#define NAPI_IPPROTO_ICMPV6 58
#define NEXTHDR_HOP 0
#define NEXTHDR_ROUTING 43
#define NEXTHDR_FRAGMENT 44
#define NEXTHDR_DEST 60
#define IP_OFFSET 0x1FFF  /* IPv4 fragment offset, in 8-byte units */
#define IP6_OFFSET 0xFFF8 /* IPv6 fragment header: offset << 3 */

#define MAX_VLAN_TAGS 2
#define MAX_IPV6_EXT_HEADERS 4

/* What the parse found: the protocol, and the UDP destination port when
 * the frame's UDP header was there (0 otherwise). */
struct frame_class {
  enum napi_xdp_proto proto;
  __u16 udp_dest;
};

/* The UDP header at `at`, if the frame holds it: its destination port. */
static __always_inline __u16 udp_dest_port(void* at, void* data_end) {
  struct udphdr* udp = at;

  if ((void*)(udp + 1) > data_end) return 0;
  return bpf_ntohs(udp->dest);
}

static __always_inline struct frame_class classify_ipv4(void* at, void* data_end) {
  struct frame_class found = {.proto = NAPI_XDP_IPV4_OTHER};
  struct iphdr* ip = at;

  if ((void*)(ip + 1) > data_end || ip->ihl < 5) return found;
  switch (ip->protocol) {
    case NAPI_IPPROTO_TCP:
      found.proto = NAPI_XDP_IPV4_TCP;
      return found;
    case NAPI_IPPROTO_ICMP:
      found.proto = NAPI_XDP_IPV4_ICMP;
      return found;
    case NAPI_IPPROTO_UDP:
      found.proto = NAPI_XDP_IPV4_UDP;
      break;
    default:
      return found;
  }
  /* ihl is 4 bits: the offset is at most 60, which the verifier tracks. */
  if (!(ip->frag_off & bpf_htons(IP_OFFSET)))
    found.udp_dest = udp_dest_port(at + ip->ihl * 4, data_end);
  return found;
}

static __always_inline struct frame_class classify_ipv6(void* at, void* data_end) {
  struct frame_class found = {.proto = NAPI_XDP_IPV6_OTHER};
  struct ipv6hdr* ip6 = at;
  bool first_fragment = true;
  __u8 next;

  if ((void*)(ip6 + 1) > data_end) return found;
  next = ip6->nexthdr;
  at = ip6 + 1;
#pragma unroll
  for (int i = 0; i < MAX_IPV6_EXT_HEADERS; i++) {
    if (next == NEXTHDR_FRAGMENT) {
      struct frag_hdr* frag = at;

      if ((void*)(frag + 1) > data_end) return found;
      first_fragment = !(frag->frag_off & bpf_htons(IP6_OFFSET));
      next = frag->nexthdr;
      at = frag + 1;
    } else if (next == NEXTHDR_HOP || next == NEXTHDR_ROUTING || next == NEXTHDR_DEST) {
      struct ipv6_opt_hdr* opt = at;

      if ((void*)(opt + 1) > data_end) return found;
      next = opt->nexthdr;
      at += (opt->hdrlen + 1) * 8; /* hdrlen: 8-byte units after the first 8 */
    } else {
      break;
    }
  }
  switch (next) {
    case NAPI_IPPROTO_TCP:
      found.proto = NAPI_XDP_IPV6_TCP;
      break;
    case NAPI_IPPROTO_ICMPV6:
      found.proto = NAPI_XDP_IPV6_ICMP;
      break;
    case NAPI_IPPROTO_UDP:
      found.proto = NAPI_XDP_IPV6_UDP;
      if (first_fragment) found.udp_dest = udp_dest_port(at, data_end);
      break;
    default: /* an unknown or a fifth extension header */
      break;
  }
  return found;
}

static __always_inline struct frame_class classify(void* data, void* data_end, bool* vlan) {
  struct frame_class other = {.proto = NAPI_XDP_OTHER};
  struct ethhdr* eth = data;
  void* at;
  __u16 type;

  if ((void*)(eth + 1) > data_end) return other;
  type = eth->h_proto;
  at = eth + 1;
#pragma unroll
  for (int i = 0; i < MAX_VLAN_TAGS; i++) {
    struct vlan_hdr* tag = at;

    if (type != bpf_htons(ETH_P_8021Q) && type != bpf_htons(ETH_P_8021AD)) break;
    if ((void*)(tag + 1) > data_end) return other;
    *vlan = true;
    type = tag->h_vlan_encapsulated_proto;
    at = tag + 1;
  }
  if (type == bpf_htons(ETH_P_IP)) return classify_ipv4(at, data_end);
  if (type == bpf_htons(ETH_P_IPV6)) return classify_ipv6(at, data_end);
  if (type == bpf_htons(ETH_P_ARP)) other.proto = NAPI_XDP_ARP;
  return other;
}

SEC("xdp")
int napi_xdp_count(struct xdp_md* ctx) {
  void* data = (void*)(long)ctx->data;
  void* data_end = (void*)(long)ctx->data_end;
  __u64 bytes = data_end - data;
  struct napi_xdp_counters* c;
  struct frame_class found;
  bool vlan = false;
  __u32 key = 0;
  __u32 proto;

  c = bpf_map_lookup_elem(&counters, &key);
  if (!c) return XDP_PASS; /* cannot happen: an array's entry always exists */
  found = classify(data, data_end, &vlan);
  proto = found.proto;
  if (proto >= NAPI_XDP_PROTOS) proto = NAPI_XDP_OTHER; /* for the verifier */
  c->proto[proto].frames++;
  c->proto[proto].bytes += bytes;
  if (vlan) c->vlan_frames++;
  if (drop_udp_port != 0 && found.udp_dest == drop_udp_port) {
    c->dropped.frames++;
    c->dropped.bytes += bytes;
    return XDP_DROP;
  }
  return XDP_PASS;
}
