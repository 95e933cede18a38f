// What the load tests need from the guest: the test bed's environment, the
// NIC's counters (read with napilab_counters) and bounded external commands.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "napilab/netdev.hpp"

namespace napilab::load {

// The test bed's variable, or the empty string.
std::string env(const char* name);

// Runs `bash -c command`, bounded by `timeout_s`; returns its exit status
// and puts its standard output in *output.
int run(const std::string& command, std::string* output = nullptr, int timeout_s = 60);

// ethtool -S and /sys/class/net/IFACE/statistics merged (ethtool wins).
CounterMap read_counters(const std::string& iface);

std::uint64_t delta(const CounterMap& before, const CounterMap& after, const std::string& name);

struct IperfResult {
  double mbps = 0;
  std::uint64_t packets = 0;       // UDP: datagrams the sender sent
  std::uint64_t lost_packets = 0;  // UDP: lost on the way to the receiver's socket
  bool ok = false;
  std::string error;
};

// iperf3 -J against $PEER with the given extra arguments.
IperfResult iperf3(const std::string& args, int timeout_s = 60);

// Reload e1k_napi with module parameters and bring the interface back.
bool reload_driver(const std::string& params);

}  // namespace napilab::load
