#include "napilab/net/units.hpp"

#include <array>
#include <limits>
#include <string>
#include <utility>

#include "napilab/parse_util.hpp"

namespace napilab::net {
namespace {

struct Split {
  std::string_view digits;
  std::string_view suffix;
};

Split split_number(std::string_view text) {
  std::size_t end = 0;
  while (end < text.size() && text[end] >= '0' && text[end] <= '9') {
    ++end;
  }
  return {text.substr(0, end), text.substr(end)};
}

// number * multiplier, or an error naming the option text when either is
// malformed or the product does not fit in 64 bits.
Result<std::uint64_t> scaled(std::string_view text, std::string_view digits,
                             std::uint64_t multiplier) {
  const auto number = parse_u64(digits);
  if (digits.empty() || !number) {
    return Error{"'" + std::string(text) + "': expected a whole number, e.g. 20k or 500ms"};
  }
  if (*number > std::numeric_limits<std::uint64_t>::max() / multiplier) {
    return Error{"'" + std::string(text) + "': too large"};
  }
  return *number * multiplier;
}

}  // namespace

Result<std::uint64_t> parse_count(std::string_view text) {
  static constexpr std::array<std::pair<std::string_view, std::uint64_t>, 4> kMultipliers{{
      {"", 1},
      {"k", 1'000},
      {"M", 1'000'000},
      {"G", 1'000'000'000},
  }};
  const auto [digits, suffix] = split_number(text);
  for (const auto& [name, multiplier] : kMultipliers) {
    if (suffix == name) {
      return scaled(text, digits, multiplier);
    }
  }
  return Error{"'" + std::string(text) + "': unknown multiplier '" + std::string(suffix) +
               "' (use k or M, e.g. 20k)"};
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
  const auto [digits, suffix] = split_number(text);
  for (const auto& [name, ns_per_unit] : kUnits) {
    if (suffix != name) {
      continue;
    }
    auto ns = scaled(text, digits, ns_per_unit);
    if (!ns) {
      return ns.error();
    }
    if (ns.value() > static_cast<std::uint64_t>(std::chrono::nanoseconds::max().count())) {
      return Error{"'" + std::string(text) + "': too long"};
    }
    return std::chrono::nanoseconds(static_cast<std::int64_t>(ns.value()));
  }
  return Error{"'" + std::string(text) + "': unknown unit '" + std::string(suffix) +
               "' (use ms, s, us, ns or m, e.g. 500ms)"};
}

}  // namespace napilab::net
