// Option values with units, as the traffic tools take them on the command
// line: counts and rates ("10k", "2M") and durations ("500ms", "2s").
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "napilab/result.hpp"

namespace napilab::net {

// The one parser of counts, rates and durations for every tool, as iperf3
// writes them: a decimal number, with a fraction if it comes out whole.

// A number with an optional decimal multiplier: k or K (10^3), M (10^6),
// G (10^9). "20k", "20K" -> 20000, "1.5M" -> 1500000. Errors for empty text,
// other suffixes, a result that is not whole ("1.5"), overflow.
Result<std::uint64_t> parse_count(std::string_view text);

// A number with a unit: ns, us, ms, s, m (minutes); a bare number is
// seconds. "500ms", "0.5", "0.5s" -> 500 ms. Errors for empty text, unknown
// units, less than a nanosecond's fraction, overflow.
Result<std::chrono::nanoseconds> parse_duration(std::string_view text);

// The packet rate that carries `bits_per_second` of payload in packets of
// `payload_bytes` (iperf3's -b counts payload), rounded up. Errors for a
// size or a rate of 0.
Result<std::uint64_t> packets_per_second_for_bitrate(std::uint64_t bits_per_second,
                                                     std::size_t payload_bytes);

}  // namespace napilab::net
