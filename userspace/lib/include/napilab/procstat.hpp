// /proc/stat: the CPU time split (the aggregate "cpu" line), in jiffies
// (USER_HZ ticks) summed over all CPUs.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "napilab/result.hpp"

namespace napilab {

struct CpuTimes {
  std::uint64_t user = 0;
  std::uint64_t nice = 0;
  std::uint64_t system = 0;
  std::uint64_t idle = 0;
  std::uint64_t iowait = 0;
  std::uint64_t irq = 0;
  std::uint64_t softirq = 0;
  std::uint64_t steal = 0;  // 0 on kernels that print fewer than 8 columns

  // All of the above: the window's whole CPU time (guest and guest_nice are
  // already inside user and nice, so they are not added again).
  [[nodiscard]] std::uint64_t total() const {
    return user + nice + system + idle + iowait + irq + softirq + steal;
  }
};

// Pure: the "cpu " line of /proc/stat's text (at least the 7 columns user ..
// softirq, as every kernel since 2.6 prints). No such line, fewer columns or
// a non-number are errors naming the line.
Result<CpuTimes> parse_proc_stat_cpu(std::string_view text);

Result<CpuTimes> read_proc_stat_cpu(const std::string& path = "/proc/stat");

}  // namespace napilab
