// The JSON form of the sampler's snapshots and counts, one for every tool
// that prints them (napi-measure, napi-iperf): the keys are documented in
// userspace/tools/napi_measure.cpp's header and stay stable.
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "napilab/sampler.hpp"

namespace napilab {

// null when absent, so scripts see every key.
template <class T>
nlohmann::json optional_json(const std::optional<T>& value) {
  return value ? nlohmann::json(*value) : nlohmann::json(nullptr);
}

// Absolute values: {"irqs", "irqs_by_number", "netdev", "ethtool", "cpu",
// "softnet", "udp"}.
nlohmann::json snapshot_json(const Snapshot& snapshot);

// The same keys, as deltas (integers) over the window.
nlohmann::json counts_json(const Counts& counts);

// The same keys but "cpu", each value per second of counts.seconds.
nlohmann::json rates_json(const Counts& counts);

// The cpu split as percent of the window's CPU time; every value null when
// the window holds no CPU time at all.
nlohmann::json cpu_percent_json(const CpuTimes& cpu);

// The NIC's IRQ lines for a header: "10: eth0", or per queue
// "30: eth0-rx-0, 31: eth0-tx-0, 32: eth0" (a line without handler: its
// number alone).
std::string irq_lines_label(const std::vector<std::string>& irqs,
                            const std::map<std::string, std::string>& names);

// {"a": {"b": 1}} -> "a.b 1" lines (for the tools' text output).
std::vector<std::pair<std::string, nlohmann::json>> flatten_json(const nlohmann::json& tree);

}  // namespace napilab
