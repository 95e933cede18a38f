// The JSON form of the sampler's snapshots and counts, one for every tool
// that prints them (napi-measure, napi-iperf): the keys are documented in
// userspace/tools/napi_measure.cpp's header and stay stable.
#pragma once

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

// {"a": {"b": 1}} -> "a.b 1" lines (for the tools' text output).
std::vector<std::pair<std::string, nlohmann::json>> flatten_json(const nlohmann::json& tree);

}  // namespace napilab
