// /proc/net/softnet_stat: per-CPU packet processing counters (hex columns).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "napilab/result.hpp"

namespace napilab {

struct SoftnetCpu {
  std::uint64_t processed = 0;     // packets taken from the backlog/NAPI
  std::uint64_t dropped = 0;       // backlog queue full
  std::uint64_t time_squeeze = 0;  // net_rx_action ran out of budget or time
  std::uint64_t received_rps = 0;  // column 10, 0 when the kernel has fewer columns
  std::uint64_t flow_limit = 0;    // column 11
  std::optional<unsigned> cpu;     // column 13 (5.10+), else the line's index
  unsigned columns = 0;            // how many columns this kernel printed
};

struct SoftnetTotals {
  std::uint64_t processed = 0;
  std::uint64_t dropped = 0;
  std::uint64_t time_squeeze = 0;
};

// Pure parser: one line per online CPU, at least 3 hex columns of <= 8..16 digits.
Result<std::vector<SoftnetCpu>> parse_softnet_stat(std::string_view text);
SoftnetTotals softnet_totals(const std::vector<SoftnetCpu>& cpus);
Result<std::vector<SoftnetCpu>> read_softnet_stat(
    const std::string& path = "/proc/net/softnet_stat");

}  // namespace napilab
