#include "napilab/procstat.hpp"

#include <array>
#include <vector>

#include "napilab/file.hpp"
#include "napilab/parse_util.hpp"

namespace napilab {

Result<CpuTimes> parse_proc_stat_cpu(std::string_view text) {
  const std::vector<std::string_view> lines = split_lines(text);
  for (std::size_t n = 0; n < lines.size(); ++n) {
    const std::vector<std::string_view> fields = split_blanks(lines[n]);
    if (fields.empty() || fields[0] != "cpu") {
      continue;  // cpuN, intr, ctxt, ...
    }
    constexpr std::size_t kRequired = 7;  // user nice system idle iowait irq softirq
    if (fields.size() < 1 + kRequired) {
      return Error{"the cpu line has " + std::to_string(fields.size() - 1) +
                       " columns, expected at least 7 (user .. softirq)",
                   n + 1};
    }
    std::array<std::uint64_t, 8> values{};
    for (std::size_t i = 0; i < values.size() && i + 1 < fields.size(); ++i) {
      auto value = parse_u64(fields[i + 1]);
      if (!value) {
        return Error{"cpu column " + std::to_string(i + 1) + " '" + std::string(fields[i + 1]) +
                         "' is not an unsigned number",
                     n + 1};
      }
      values[i] = *value;
    }
    return CpuTimes{values[0], values[1], values[2], values[3],
                    values[4], values[5], values[6], values[7]};
  }
  return Error{"no aggregate 'cpu' line (is this /proc/stat?)"};
}

Result<CpuTimes> read_proc_stat_cpu(const std::string& path) {
  return read_and_parse(path, [](std::string_view text) { return parse_proc_stat_cpu(text); });
}

}  // namespace napilab
