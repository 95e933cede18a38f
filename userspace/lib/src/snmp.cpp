#include "napilab/snmp.hpp"

#include <optional>
#include <utility>
#include <vector>

#include "napilab/file.hpp"
#include "napilab/parse_util.hpp"

namespace napilab {

namespace {

// "Udp: a b c" -> "Udp" and the fields after the colon; nullopt without one.
std::optional<std::pair<std::string_view, std::vector<std::string_view>>> split_mib_line(
    std::string_view line) {
  const std::size_t colon = line.find(':');
  if (colon == std::string_view::npos || colon == 0) {
    return std::nullopt;
  }
  return std::make_pair(line.substr(0, colon), split_blanks(line.substr(colon + 1)));
}

}  // namespace

Result<SnmpTable> parse_snmp(std::string_view text) {
  SnmpTable table;
  std::vector<std::string_view> lines = split_lines(text);
  while (!lines.empty() && trim(lines.back()).empty()) {
    lines.pop_back();
  }
  if (lines.empty()) {
    return Error{"empty input: no MIB lines"};
  }
  for (std::size_t n = 0; n < lines.size(); n += 2) {
    const auto header = split_mib_line(lines[n]);
    if (!header) {
      return Error{"expected 'Proto: Name ...', got '" + std::string(lines[n]) + "'", n + 1};
    }
    if (n + 1 == lines.size()) {
      return Error{"the " + std::string(header->first) + " header has no value line", n + 1};
    }
    const auto values = split_mib_line(lines[n + 1]);
    if (!values || values->first != header->first) {
      return Error{"expected the " + std::string(header->first) + " values, got '" +
                       std::string(lines[n + 1]) + "'",
                   n + 2};
    }
    if (values->second.size() != header->second.size()) {
      return Error{std::string(header->first) + " has " + std::to_string(header->second.size()) +
                       " names but " + std::to_string(values->second.size()) + " values",
                   n + 2};
    }
    CounterMap& counters = table[std::string(header->first)];
    for (std::size_t i = 0; i < values->second.size(); ++i) {
      const std::string_view value_text = values->second[i];
      if (value_text.size() > 1 && value_text[0] == '-' && parse_u64(value_text.substr(1))) {
        continue;  // a negative limit, not a counter
      }
      auto value = parse_u64(value_text);
      if (!value) {
        return Error{std::string(header->first) + " " + std::string(header->second[i]) + " '" +
                         std::string(value_text) + "' is not a number",
                     n + 2};
      }
      counters[std::string(header->second[i])] = *value;
    }
  }
  return table;
}

Result<UdpCounters> udp_counters(const SnmpTable& table) {
  const auto udp = table.find("Udp");
  if (udp == table.end()) {
    return Error{"no Udp lines"};
  }
  UdpCounters counters;
  const std::pair<const char*, std::uint64_t*> wanted[] = {
      {"InDatagrams", &counters.in_datagrams},
      {"InErrors", &counters.in_errors},
      {"RcvbufErrors", &counters.rcvbuf_errors}};
  for (const auto& [name, field] : wanted) {
    const auto it = udp->second.find(name);
    if (it == udp->second.end()) {
      return Error{std::string("no Udp ") + name + " counter"};
    }
    *field = it->second;
  }
  return counters;
}

Result<UdpCounters> read_udp_counters(const std::string& path) {
  auto table = read_and_parse(path, [](std::string_view text) { return parse_snmp(text); });
  if (!table) {
    return table.error();
  }
  auto udp = udp_counters(table.value());
  if (!udp) {
    return Error{path + ": " + udp.error().to_string()};
  }
  return udp;
}

}  // namespace napilab
