// The XDP counter's numbers: per-CPU counters summed into a snapshot, the
// counts and rates between two snapshots, and their text and JSON. Pure: no
// BPF, no I/O, unit-tested. napi-xdp computes its intervals and totals here
// and nowhere else.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <span>
#include <string_view>

#include "napi_xdp.h"

namespace napilab::bpf {

// Each protocol's name, the JSON key and text column, by enum napi_xdp_proto.
inline constexpr std::array<std::string_view, NAPI_XDP_PROTOS> kXdpProtoNames{
    "ipv4_tcp", "ipv4_udp",  "ipv4_icmp",  "ipv4_other", "ipv6_tcp",
    "ipv6_udp", "ipv6_icmp", "ipv6_other", "arp",        "other"};

struct XdpSnapshot {
  std::chrono::steady_clock::time_point when{};
  napi_xdp_counters counters{};  // summed over CPUs
};

// The sum of the per-CPU values of the map's one entry.
napi_xdp_counters sum_per_cpu(std::span<const napi_xdp_counters> per_cpu);

struct XdpRates {
  double seconds = 0;
  napi_xdp_counters counts{};  // in the interval
  napi_xdp_count all{};        // every frame, the sum over the protocols
  napi_xdp_count udp{};        // IPv4 + IPv6 UDP, dropped ones included
  double frames_per_s = 0;     // all.frames over the interval; 0 when it has no length
  double dropped_per_s = 0;
};

// Pure: the counts and rates between two snapshots of the same program. A
// counter that went backwards (the program was loaded anew) counts from zero.
XdpRates rates_between(const XdpSnapshot& before, const XdpSnapshot& after);

// One interval (or the total) as JSON: {"seconds", "frames_per_s",
// "dropped_per_s", "all": {"frames", "bytes"}, "udp": {...}, "dropped": {...},
// "vlan_frames", "protocols": {"ipv4_tcp": {"frames", "bytes"}, ...}} with
// every protocol of kXdpProtoNames.
nlohmann::json to_json(const XdpRates& rates);

}  // namespace napilab::bpf
