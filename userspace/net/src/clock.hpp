// CLOCK_MONOTONIC in nanoseconds: the clock the traffic tools pace and
// timestamp with (a sender's send_ns, the pingpong client's RTTs).
#pragma once

#include <time.h>

#include <cstdint>

namespace napilab::net {

inline std::uint64_t monotonic_ns() {
  timespec now{};
  ::clock_gettime(CLOCK_MONOTONIC, &now);
  return static_cast<std::uint64_t>(now.tv_sec) * 1'000'000'000U +
         static_cast<std::uint64_t>(now.tv_nsec);
}

}  // namespace napilab::net
