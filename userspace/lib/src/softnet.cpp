#include "napilab/softnet.hpp"

#include "napilab/file.hpp"
#include "napilab/parse_util.hpp"

namespace napilab {

Result<std::vector<SoftnetCpu>> parse_softnet_stat(std::string_view text) {
  std::vector<SoftnetCpu> cpus;
  const std::vector<std::string_view> lines = split_lines(text);
  for (std::size_t n = 0; n < lines.size(); ++n) {
    const std::vector<std::string_view> fields = split_blanks(lines[n]);
    if (fields.empty()) {
      continue;
    }
    if (fields.size() < 3) {
      return Error{"expected at least 3 hex columns, got " + std::to_string(fields.size()), n + 1};
    }
    std::vector<std::uint64_t> values;
    for (std::string_view field : fields) {
      auto value = parse_u64(field, 16);
      if (!value) {
        return Error{"column '" + std::string(field) + "' is not a 64-bit hex number", n + 1};
      }
      values.push_back(*value);
    }
    SoftnetCpu cpu;
    cpu.columns = static_cast<unsigned>(values.size());
    cpu.processed = values[0];
    cpu.dropped = values[1];
    cpu.time_squeeze = values[2];
    if (values.size() > 9) {
      cpu.received_rps = values[9];
    }
    if (values.size() > 10) {
      cpu.flow_limit = values[10];
    }
    cpu.cpu =
        values.size() > 12 ? static_cast<unsigned>(values[12]) : static_cast<unsigned>(cpus.size());
    cpus.push_back(cpu);
  }
  if (cpus.empty()) {
    return Error{"empty input: no CPU lines"};
  }
  return cpus;
}

SoftnetTotals softnet_totals(const std::vector<SoftnetCpu>& cpus) {
  SoftnetTotals totals;
  for (const auto& cpu : cpus) {
    totals.processed += cpu.processed;
    totals.dropped += cpu.dropped;
    totals.time_squeeze += cpu.time_squeeze;
  }
  return totals;
}

Result<std::vector<SoftnetCpu>> read_softnet_stat(const std::string& path) {
  return read_and_parse(path, [](std::string_view text) { return parse_softnet_stat(text); });
}

}  // namespace napilab
