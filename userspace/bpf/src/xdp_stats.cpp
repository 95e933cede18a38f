#include "napilab/bpf/xdp_stats.hpp"

#include <string>

#include "napilab/sampler.hpp"

namespace napilab::bpf {

namespace {

napi_xdp_count add(napi_xdp_count sum, const napi_xdp_count& more) {
  sum.frames += more.frames;
  sum.bytes += more.bytes;
  return sum;
}

napi_xdp_count delta(const napi_xdp_count& before, const napi_xdp_count& after) {
  return {counter_delta(before.frames, after.frames, 64),
          counter_delta(before.bytes, after.bytes, 64)};
}

nlohmann::json count_json(const napi_xdp_count& count) {
  return {{"frames", count.frames}, {"bytes", count.bytes}};
}

}  // namespace

napi_xdp_counters sum_per_cpu(std::span<const napi_xdp_counters> per_cpu) {
  napi_xdp_counters sum{};
  for (const napi_xdp_counters& cpu : per_cpu) {
    for (std::size_t p = 0; p < NAPI_XDP_PROTOS; ++p) {
      sum.proto[p] = add(sum.proto[p], cpu.proto[p]);
    }
    sum.dropped = add(sum.dropped, cpu.dropped);
    sum.vlan_frames += cpu.vlan_frames;
  }
  return sum;
}

XdpRates rates_between(const XdpSnapshot& before, const XdpSnapshot& after) {
  const napi_xdp_counters& a = before.counters;
  const napi_xdp_counters& b = after.counters;
  XdpRates r;
  r.seconds = std::chrono::duration<double>(after.when - before.when).count();
  for (std::size_t p = 0; p < NAPI_XDP_PROTOS; ++p) {
    r.counts.proto[p] = delta(a.proto[p], b.proto[p]);
    r.all = add(r.all, r.counts.proto[p]);
  }
  r.counts.dropped = delta(a.dropped, b.dropped);
  r.counts.vlan_frames = counter_delta(a.vlan_frames, b.vlan_frames, 64);
  r.udp = add(r.counts.proto[NAPI_XDP_IPV4_UDP], r.counts.proto[NAPI_XDP_IPV6_UDP]);
  if (r.seconds > 0) {
    r.frames_per_s = static_cast<double>(r.all.frames) / r.seconds;
    r.dropped_per_s = static_cast<double>(r.counts.dropped.frames) / r.seconds;
  }
  return r;
}

nlohmann::json to_json(const XdpRates& r) {
  nlohmann::json protocols = nlohmann::json::object();
  for (std::size_t p = 0; p < NAPI_XDP_PROTOS; ++p) {
    protocols[std::string(kXdpProtoNames[p])] = count_json(r.counts.proto[p]);
  }
  return {{"seconds", r.seconds},
          {"frames_per_s", r.frames_per_s},
          {"dropped_per_s", r.dropped_per_s},
          {"all", count_json(r.all)},
          {"udp", count_json(r.udp)},
          {"dropped", count_json(r.counts.dropped)},
          {"vlan_frames", r.counts.vlan_frames},
          {"protocols", protocols}};
}

}  // namespace napilab::bpf
