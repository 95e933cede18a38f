#include "napilab/interrupts.hpp"

#include <algorithm>
#include <numeric>
#include <utility>

#include "napilab/file.hpp"
#include "napilab/parse_util.hpp"

namespace napilab {

std::uint64_t IrqLine::total() const {
  return std::accumulate(per_cpu.begin(), per_cpu.end(), std::uint64_t{0});
}

const IrqLine* InterruptsTable::find(std::string_view id) const {
  for (const auto& line : lines) {
    if (line.id == id) {
      return &line;
    }
  }
  return nullptr;
}

namespace {

bool is_all_digits(std::string_view text) {
  return !text.empty() && text.find_first_not_of("0123456789") == std::string_view::npos;
}

// Handler names are joined with ", " when several devices share a line.
std::vector<std::string> split_devices(std::string_view text) {
  std::vector<std::string> devices;
  std::size_t pos = 0;
  while (pos <= text.size()) {
    std::size_t end = text.find(',', pos);
    if (end == std::string_view::npos) {
      end = text.size();
    }
    std::string_view name = trim(text.substr(pos, end - pos));
    if (!name.empty()) {
      devices.emplace_back(name);
    }
    pos = end + 1;
  }
  return devices;
}

// Parses one "ID: counts... rest" line of a table with `cpus` columns.
Result<IrqLine> parse_line(std::string_view text, unsigned cpus, std::size_t line_no) {
  const std::size_t colon = text.find(':');
  if (colon == std::string_view::npos) {
    return Error{"no ':' after the IRQ name", line_no};
  }
  IrqLine line;
  line.id = std::string(trim(text.substr(0, colon)));
  if (line.id.empty()) {
    return Error{"empty IRQ name", line_no};
  }
  line.numeric = is_all_digits(line.id);

  std::vector<std::string_view> fields = split_blanks(text.substr(colon + 1));
  std::size_t i = 0;
  for (; i < fields.size() && i < cpus && is_all_digits(fields[i]); ++i) {
    auto count = parse_u64(fields[i]);
    if (!count) {
      return Error{"count '" + std::string(fields[i]) + "' does not fit in 64 bits", line_no};
    }
    line.per_cpu.push_back(*count);
  }
  if (line.per_cpu.empty()) {
    return Error{"no counts for IRQ " + line.id, line_no};
  }
  if (line.numeric && line.per_cpu.size() != cpus) {
    return Error{"IRQ " + line.id + " has " + std::to_string(line.per_cpu.size()) + " counts for " +
                     std::to_string(cpus) + " CPUs",
                 line_no};
  }

  // The rest: "CHIP HWIRQ-TYPE [dev, dev]" for numeric lines, else free text.
  const std::size_t rest_begin = i < fields.size() ? fields[i].data() - text.data() : text.size();
  const std::string_view rest = trim(text.substr(rest_begin));
  if (!line.numeric) {
    line.description = std::string(rest);
    return line;
  }
  std::vector<std::string_view> words = split_blanks(rest);
  if (!words.empty()) {
    line.chip = std::string(words[0]);
  }
  if (words.size() >= 2) {
    line.hwirq = std::string(words[1]);
    const std::size_t devices_begin = words[1].data() + words[1].size() - rest.data();
    line.devices = split_devices(rest.substr(devices_begin));
  }
  return line;
}

}  // namespace

Result<InterruptsTable> parse_interrupts(std::string_view text) {
  const std::vector<std::string_view> lines = split_lines(text);
  if (lines.empty() || trim(lines[0]).empty()) {
    return Error{"empty input: expected the CPU header line", 1};
  }
  InterruptsTable table;
  for (std::string_view cpu : split_blanks(lines[0])) {
    if (cpu.substr(0, 3) != "CPU" || !is_all_digits(cpu.substr(3))) {
      return Error{"header field '" + std::string(cpu) + "' is not CPUn", 1};
    }
    ++table.cpus;
  }
  for (std::size_t n = 1; n < lines.size(); ++n) {
    if (trim(lines[n]).empty()) {
      continue;
    }
    auto line = parse_line(lines[n], table.cpus, n + 1);
    if (!line) {
      return line.error();
    }
    table.lines.push_back(std::move(line).value());
  }
  if (table.lines.empty()) {
    return Error{"no IRQ lines after the header", 2};
  }
  return table;
}

Result<std::vector<NicIrqLine>> nic_irq_lines(const InterruptsTable& table,
                                              const std::vector<std::string>& irqs) {
  std::vector<std::pair<std::uint64_t, NicIrqLine>> found;
  for (const std::string& number : irqs) {
    const auto value = is_all_digits(number) ? parse_u64(number) : std::nullopt;
    if (!value) {
      return Error{"IRQ '" + number + "' is not an IRQ number"};
    }
    const IrqLine* line = table.find(number);
    if (line == nullptr) {
      continue;
    }
    std::string name;
    for (const std::string& device : line->devices) {
      name += (name.empty() ? "" : ",") + device;
    }
    found.emplace_back(*value, NicIrqLine{number, std::move(name), line->per_cpu});
  }
  std::sort(found.begin(), found.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<NicIrqLine> lines;
  lines.reserve(found.size());
  for (auto& [value, line] : found) {
    lines.push_back(std::move(line));
  }
  return lines;
}

Result<InterruptsTable> read_interrupts(const std::string& path) {
  return read_and_parse(path, [](std::string_view text) { return parse_interrupts(text); });
}

}  // namespace napilab
