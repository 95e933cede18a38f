// The XDP counter's pure maths: the per-CPU sum, the counts and rates of an
// interval, a reload's reset, the JSON of an interval.
#include <gtest/gtest.h>

#include <chrono>
#include <vector>

#include "napilab/bpf/xdp_stats.hpp"

namespace {

using napilab::bpf::XdpSnapshot;
using std::chrono::milliseconds;

XdpSnapshot at(milliseconds t, const napi_xdp_counters& counters) {
  XdpSnapshot s;
  s.when = std::chrono::steady_clock::time_point(t);
  s.counters = counters;
  return s;
}

// FRAMES of PROTO, each BYTES long; DROPPED of them dropped.
napi_xdp_counters frames(napi_xdp_proto proto, std::uint64_t count, std::uint64_t bytes,
                         std::uint64_t dropped = 0) {
  napi_xdp_counters c{};
  c.proto[proto] = {count, count * bytes};
  c.dropped = {dropped, dropped * bytes};
  return c;
}

TEST(XdpSumPerCpu, AddsEveryProtocolTheDropsAndTheVlanFrames) {
  std::vector<napi_xdp_counters> cpus{frames(NAPI_XDP_IPV4_UDP, 10, 106, 4),
                                      frames(NAPI_XDP_IPV4_UDP, 5, 106, 1),
                                      frames(NAPI_XDP_ARP, 2, 60)};
  cpus[1].proto[NAPI_XDP_IPV6_TCP] = {3, 300};
  cpus[2].vlan_frames = 7;
  const napi_xdp_counters sum = napilab::bpf::sum_per_cpu(cpus);
  EXPECT_EQ(sum.proto[NAPI_XDP_IPV4_UDP].frames, 15U);
  EXPECT_EQ(sum.proto[NAPI_XDP_IPV4_UDP].bytes, 15U * 106);
  EXPECT_EQ(sum.proto[NAPI_XDP_IPV6_TCP].frames, 3U);
  EXPECT_EQ(sum.proto[NAPI_XDP_IPV6_TCP].bytes, 300U);
  EXPECT_EQ(sum.proto[NAPI_XDP_ARP].frames, 2U);
  EXPECT_EQ(sum.proto[NAPI_XDP_OTHER].frames, 0U);
  EXPECT_EQ(sum.dropped.frames, 5U);
  EXPECT_EQ(sum.dropped.bytes, 5U * 106);
  EXPECT_EQ(sum.vlan_frames, 7U);
}

TEST(XdpSumPerCpu, NoCpusIsZero) {
  const napi_xdp_counters sum = napilab::bpf::sum_per_cpu({});
  EXPECT_EQ(sum.dropped.frames, 0U);
  for (const napi_xdp_count& count : sum.proto) {
    EXPECT_EQ(count.frames, 0U);
  }
}

TEST(XdpRates, TheIntervalsCountsTotalsAndRates) {
  napi_xdp_counters before = frames(NAPI_XDP_IPV4_UDP, 100, 106, 40);
  before.proto[NAPI_XDP_IPV6_UDP] = {10, 1000};
  napi_xdp_counters after = frames(NAPI_XDP_IPV4_UDP, 300, 106, 140);
  after.proto[NAPI_XDP_IPV6_UDP] = {30, 3000};
  after.proto[NAPI_XDP_IPV4_TCP] = {50, 5000};
  after.vlan_frames = 4;
  const auto r =
      napilab::bpf::rates_between(at(milliseconds(1000), before), at(milliseconds(3000), after));
  EXPECT_DOUBLE_EQ(r.seconds, 2.0);
  EXPECT_EQ(r.counts.proto[NAPI_XDP_IPV4_UDP].frames, 200U);
  EXPECT_EQ(r.counts.proto[NAPI_XDP_IPV4_UDP].bytes, 200U * 106);
  EXPECT_EQ(r.counts.proto[NAPI_XDP_IPV4_TCP].frames, 50U);
  EXPECT_EQ(r.counts.dropped.frames, 100U);
  EXPECT_EQ(r.counts.vlan_frames, 4U);
  // UDP: both families, the dropped frames among them.
  EXPECT_EQ(r.udp.frames, 220U);
  EXPECT_EQ(r.udp.bytes, 200U * 106 + 2000);
  EXPECT_EQ(r.all.frames, 270U);
  EXPECT_EQ(r.all.bytes, 200U * 106 + 2000 + 5000);
  EXPECT_DOUBLE_EQ(r.frames_per_s, 135.0);
  EXPECT_DOUBLE_EQ(r.dropped_per_s, 50.0);
}

TEST(XdpRates, ACounterThatWentBackwardsCountsFromZero) {
  // A program loaded anew starts its map at zero.
  const auto r =
      napilab::bpf::rates_between(at(milliseconds(0), frames(NAPI_XDP_IPV4_UDP, 1000, 100, 500)),
                                  at(milliseconds(1000), frames(NAPI_XDP_IPV4_UDP, 30, 100, 10)));
  EXPECT_EQ(r.counts.proto[NAPI_XDP_IPV4_UDP].frames, 30U);
  EXPECT_EQ(r.counts.dropped.frames, 10U);
}

TEST(XdpRates, AnIntervalWithoutLengthHasNoRate) {
  const auto snap = at(milliseconds(500), frames(NAPI_XDP_ARP, 3, 60));
  const auto r = napilab::bpf::rates_between(snap, snap);
  EXPECT_EQ(r.seconds, 0.0);
  EXPECT_EQ(r.all.frames, 0U);
  EXPECT_EQ(r.frames_per_s, 0.0);
}

TEST(XdpJson, EveryProtocolAndTheTotals) {
  const auto r =
      napilab::bpf::rates_between(at(milliseconds(0), napi_xdp_counters{}),
                                  at(milliseconds(500), frames(NAPI_XDP_IPV6_UDP, 8, 100, 2)));
  const nlohmann::json j = napilab::bpf::to_json(r);
  ASSERT_EQ(j["protocols"].size(), static_cast<std::size_t>(NAPI_XDP_PROTOS));
  for (const std::string_view name : napilab::bpf::kXdpProtoNames) {
    EXPECT_TRUE(j["protocols"].contains(std::string(name))) << name;
  }
  EXPECT_EQ(j["protocols"]["ipv6_udp"]["frames"], 8);
  EXPECT_EQ(j["protocols"]["ipv6_udp"]["bytes"], 800);
  EXPECT_EQ(j["protocols"]["ipv4_udp"]["frames"], 0);
  EXPECT_EQ(j["udp"]["frames"], 8);
  EXPECT_EQ(j["all"]["bytes"], 800);
  EXPECT_EQ(j["dropped"]["frames"], 2);
  EXPECT_DOUBLE_EQ(j["seconds"].get<double>(), 0.5);
  EXPECT_DOUBLE_EQ(j["frames_per_s"].get<double>(), 16.0);
  EXPECT_DOUBLE_EQ(j["dropped_per_s"].get<double>(), 4.0);
  EXPECT_EQ(j["vlan_frames"], 0);
}

}  // namespace
