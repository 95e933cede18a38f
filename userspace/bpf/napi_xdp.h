/* napi_xdp.h: what the XDP counter (napi_xdp.bpf.c) and its loader share.
 * Plain C with fixed-width kernel types: the BPF side sees them through
 * vmlinux.h, the C++ side through <linux/types.h>. */
#ifndef NAPILAB_NAPI_XDP_H
#define NAPILAB_NAPI_XDP_H

#ifndef __VMLINUX_H__
#include <linux/types.h>
#endif

/* What a frame carries, as far as the program parses it: the Ethernet type
 * (after up to two VLAN tags), then for IPv4 and IPv6 the transport. A
 * frame too short for the header it announces counts as that family's
 * "other" (or NAPI_XDP_OTHER when the Ethernet header itself is cut). */
enum napi_xdp_proto {
  NAPI_XDP_IPV4_TCP,
  NAPI_XDP_IPV4_UDP,
  NAPI_XDP_IPV4_ICMP,
  NAPI_XDP_IPV4_OTHER,
  NAPI_XDP_IPV6_TCP,
  NAPI_XDP_IPV6_UDP,
  NAPI_XDP_IPV6_ICMP, /* ICMPv6 */
  NAPI_XDP_IPV6_OTHER,
  NAPI_XDP_ARP,
  NAPI_XDP_OTHER, /* any other Ethernet type, or a cut Ethernet header */
  NAPI_XDP_PROTOS
};

/* Frames and their bytes (the frame from the Ethernet header on, as XDP
 * sees it: no FCS). */
struct napi_xdp_count {
  __u64 frames;
  __u64 bytes;
};

/* The one entry of the per-CPU array "counters"; the loader sums the CPUs. */
struct napi_xdp_counters {
  /* every frame the program saw, by enum napi_xdp_proto, dropped ones too */
  struct napi_xdp_count proto[NAPI_XDP_PROTOS];
  /* the frames returned XDP_DROP: UDP (v4 or v6) to drop_udp_port */
  struct napi_xdp_count dropped;
  /* frames that carried one or two VLAN tags (counted in proto[] too) */
  __u64 vlan_frames;
};

#endif /* NAPILAB_NAPI_XDP_H */
