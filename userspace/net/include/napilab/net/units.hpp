// Option values with units, as the traffic tools take them on the command
// line: counts and rates ("10k", "2M") and durations ("500ms", "2s").
#pragma once

#include <chrono>
#include <cstdint>
#include <string_view>

#include "napilab/result.hpp"

namespace napilab::net {

// A whole number with an optional decimal multiplier: k (10^3), M (10^6),
// G (10^9). "20k" -> 20000. Errors for empty text, other suffixes, overflow.
Result<std::uint64_t> parse_count(std::string_view text);

// A whole number with a unit: ns, us, ms, s, m (minutes); a bare number is
// seconds. "500ms" -> 500 ms. Errors for empty text, unknown units, overflow.
Result<std::chrono::nanoseconds> parse_duration(std::string_view text);

}  // namespace napilab::net
