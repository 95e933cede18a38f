#include "napilab/counts_json.hpp"

namespace napilab {

namespace {

nlohmann::json cpu_json(const CpuTimes& cpu) {
  return {{"user", cpu.user},       {"nice", cpu.nice},     {"system", cpu.system},
          {"idle", cpu.idle},       {"iowait", cpu.iowait}, {"irq", cpu.irq},
          {"softirq", cpu.softirq}, {"steal", cpu.steal},   {"total", cpu.total()}};
}

nlohmann::json softnet_json(const SoftnetTotals& softnet) {
  return {{"processed", softnet.processed},
          {"dropped", softnet.dropped},
          {"time_squeeze", softnet.time_squeeze}};
}

nlohmann::json udp_json(const UdpCounters& udp) {
  return {{"InDatagrams", udp.in_datagrams},
          {"InErrors", udp.in_errors},
          {"RcvbufErrors", udp.rcvbuf_errors}};
}

// Every number of a (nested) object divided by `seconds`.
nlohmann::json per_second(const nlohmann::json& tree, double seconds) {
  if (tree.is_object()) {
    nlohmann::json out = nlohmann::json::object();
    for (const auto& [key, value] : tree.items()) {
      out[key] = per_second(value, seconds);
    }
    return out;
  }
  if (tree.is_number()) {
    return tree.get<double>() / seconds;
  }
  return tree;  // null stays null
}

void flatten_into(const nlohmann::json& tree, const std::string& prefix,
                  std::vector<std::pair<std::string, nlohmann::json>>& out) {
  if (tree.is_object() && !tree.empty()) {
    for (const auto& [key, value] : tree.items()) {
      std::string name = prefix;
      if (!name.empty()) {
        name += '.';
      }
      name += key;
      flatten_into(value, name, out);
    }
    return;
  }
  out.emplace_back(prefix, tree);
}

}  // namespace

std::string irq_lines_label(const std::vector<std::string>& irqs,
                            const std::map<std::string, std::string>& names) {
  std::string label;
  for (const std::string& irq : irqs) {
    label += label.empty() ? "" : ", ";
    label += irq;
    if (const auto it = names.find(irq); it != names.end() && !it->second.empty()) {
      label += ": " + it->second;
    }
  }
  return label;
}

nlohmann::json snapshot_json(const Snapshot& snapshot) {
  nlohmann::json irqs_by_number = nlohmann::json::object();
  for (const auto& [irq, per_cpu] : snapshot.irq_counts) {
    std::uint64_t sum = 0;
    for (const std::uint64_t count : per_cpu) {
      sum += count;
    }
    irqs_by_number[irq] = sum;
  }
  return {{"irqs", snapshot.irq_total()},  {"irqs_by_number", irqs_by_number},
          {"netdev", snapshot.netdev},     {"ethtool", optional_json(snapshot.ethtool)},
          {"cpu", cpu_json(snapshot.cpu)}, {"softnet", softnet_json(snapshot.softnet)},
          {"udp", udp_json(snapshot.udp)}};
}

nlohmann::json counts_json(const Counts& counts) {
  return {{"irqs", counts.irqs},         {"irqs_by_number", counts.irqs_by_number},
          {"netdev", counts.netdev},     {"ethtool", optional_json(counts.ethtool)},
          {"cpu", cpu_json(counts.cpu)}, {"softnet", softnet_json(counts.softnet)},
          {"udp", udp_json(counts.udp)}};
}

nlohmann::json rates_json(const Counts& counts) {
  nlohmann::json rates = counts_json(counts);
  rates.erase("cpu");
  return per_second(rates, counts.seconds > 0 ? counts.seconds : 1.0);
}

nlohmann::json cpu_percent_json(const CpuTimes& cpu) {
  const std::uint64_t total = cpu.total();
  nlohmann::json out = cpu_json(cpu);
  out.erase("total");
  for (auto& value : out) {
    value = total ? nlohmann::json(100.0 * value.get<double>() / static_cast<double>(total))
                  : nlohmann::json(nullptr);
  }
  return out;
}

std::vector<std::pair<std::string, nlohmann::json>> flatten_json(const nlohmann::json& tree) {
  std::vector<std::pair<std::string, nlohmann::json>> out;
  flatten_into(tree, "", out);
  return out;
}

}  // namespace napilab
