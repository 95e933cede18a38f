#include "napilab/net/units.hpp"

#include <array>
#include <limits>
#include <string>
#include <utility>

#include "napilab/parse_util.hpp"

namespace napilab::net {
namespace {

// "12.5ms" -> whole "12", fraction "5", suffix "ms".
struct Split {
  std::string_view whole;
  std::string_view fraction;
  std::string_view suffix;
  bool has_point = false;
};

std::size_t digits_at(std::string_view text, std::size_t from) {
  std::size_t end = from;
  while (end < text.size() && text[end] >= '0' && text[end] <= '9') {
    ++end;
  }
  return end;
}

Split split_number(std::string_view text) {
  Split split;
  const std::size_t whole_end = digits_at(text, 0);
  split.whole = text.substr(0, whole_end);
  std::size_t end = whole_end;
  if (end < text.size() && text[end] == '.') {
    split.has_point = true;
    const std::size_t fraction_end = digits_at(text, end + 1);
    split.fraction = text.substr(end + 1, fraction_end - end - 1);
    end = fraction_end;
  }
  split.suffix = text.substr(end);
  return split;
}

// At most 9 decimals: numerator and denominator below 10^9, so the
// fraction's arithmetic below stays inside 64 bits.
constexpr std::size_t kMaxDecimals = 9;

// The decimal number of `split` times `multiplier`, exactly, or an error
// naming the option text: malformed, not a whole number of the base unit
// (a count of 1.5, a duration of 0.1 ns), or too large for 64 bits.
Result<std::uint64_t> scaled(std::string_view text, const Split& split, std::uint64_t multiplier) {
  const auto whole = parse_u64(split.whole);
  const bool malformed = split.whole.empty() || !whole ||
                         (split.has_point && split.fraction.empty()) ||
                         split.fraction.size() > kMaxDecimals;
  if (malformed) {
    return Error{"'" + std::string(text) +
                 "': expected a number (at most 9 decimals), e.g. 20k, 0.5 or 500ms"};
  }
  if (*whole > std::numeric_limits<std::uint64_t>::max() / multiplier) {
    return Error{"'" + std::string(text) + "': too large"};
  }
  std::uint64_t value = *whole * multiplier;
  if (!split.fraction.empty()) {
    // numerator / denominator * multiplier, which must come out whole;
    // numerator < denominator <= 10^9, so neither product overflows.
    std::uint64_t denominator = 1;
    for (std::size_t i = 0; i < split.fraction.size(); ++i) {
      denominator *= 10;
    }
    const std::uint64_t numerator = parse_u64(split.fraction).value_or(0);
    const std::uint64_t part =
        multiplier / denominator * numerator + multiplier % denominator * numerator / denominator;
    if ((multiplier % denominator * numerator) % denominator != 0) {
      return Error{"'" + std::string(text) + "': finer than the smallest unit"};
    }
    if (part > std::numeric_limits<std::uint64_t>::max() - value) {
      return Error{"'" + std::string(text) + "': too large"};
    }
    value += part;
  }
  return value;
}

}  // namespace

Result<std::uint64_t> parse_count(std::string_view text) {
  static constexpr std::array<std::pair<std::string_view, std::uint64_t>, 5> kMultipliers{{
      {"", 1},
      {"k", 1'000},
      {"K", 1'000},
      {"M", 1'000'000},
      {"G", 1'000'000'000},
  }};
  const Split split = split_number(text);
  for (const auto& [name, multiplier] : kMultipliers) {
    if (split.suffix == name) {
      return scaled(text, split, multiplier);
    }
  }
  return Error{"'" + std::string(text) + "': unknown multiplier '" + std::string(split.suffix) +
               "' (use k, K, M or G, e.g. 20k)"};
}

Result<std::chrono::nanoseconds> parse_duration(std::string_view text) {
  static constexpr std::array<std::pair<std::string_view, std::uint64_t>, 6> kUnits{{
      {"", 1'000'000'000},
      {"s", 1'000'000'000},
      {"ms", 1'000'000},
      {"us", 1'000},
      {"ns", 1},
      {"m", 60'000'000'000},
  }};
  const Split split = split_number(text);
  for (const auto& [name, ns_per_unit] : kUnits) {
    if (split.suffix != name) {
      continue;
    }
    auto ns = scaled(text, split, ns_per_unit);
    if (!ns) {
      return ns.error();
    }
    if (ns.value() > static_cast<std::uint64_t>(std::chrono::nanoseconds::max().count())) {
      return Error{"'" + std::string(text) + "': too long"};
    }
    return std::chrono::nanoseconds(static_cast<std::int64_t>(ns.value()));
  }
  return Error{"'" + std::string(text) + "': unknown unit '" + std::string(split.suffix) +
               "' (use s, ms, us, ns or m; a bare number is seconds: 0.5, 5s, 500ms)"};
}

Result<std::uint64_t> packets_per_second_for_bitrate(std::uint64_t bits_per_second,
                                                     std::size_t payload_bytes) {
  if (payload_bytes == 0) {
    return Error{"a bitrate needs a payload size above 0"};
  }
  const std::uint64_t bits_per_packet = 8 * static_cast<std::uint64_t>(payload_bytes);
  const std::uint64_t packets = (bits_per_second + bits_per_packet - 1) / bits_per_packet;
  if (packets == 0) {
    return Error{"a bitrate of 0 sends nothing"};
  }
  return packets;
}

}  // namespace napilab::net
