// The NAPI observer's numbers: per-CPU counters summed into a snapshot, and
// the rates between two snapshots. Pure: no BPF, no I/O, unit-tested.
#pragma once

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <span>
#include <string>

#include "napi_observer.h"

namespace napilab::bpf {

using WorkHistogram = std::array<std::uint64_t, NAPI_OBS_WORK_BUCKETS>;

struct ObserverSnapshot {
  std::chrono::steady_clock::time_point when{};
  napi_obs_counters counters{};  // summed over CPUs
};

// The sum of one map entry's per-CPU values (work_max and budget: the largest).
napi_obs_counters sum_per_cpu(std::span<const napi_obs_counters> per_cpu);

struct ObserverRates {
  double seconds = 0;
  // Counts in the interval.
  std::uint64_t polls = 0;
  std::uint64_t work = 0;
  std::uint64_t budget_exhausted = 0;  // work == budget: stayed in polling mode
  std::uint64_t over_budget = 0;       // work > budget: a driver bug
  std::uint64_t interrupts = 0;
  // Per IRQ line, in the order of the observer's target (ObserverTarget::irqs).
  std::array<std::uint64_t, NAPI_OBS_MAX_IRQS> interrupts_by_line{};
  WorkHistogram work_hist{};
  // Since the observer was attached.
  std::uint32_t work_max = 0;
  std::uint32_t budget = 0;
  // Rates; the ratios are absent when there were no polls.
  double polls_per_s = 0;
  double interrupts_per_s = 0;
  std::optional<double> work_per_poll;
  std::optional<double> budget_exhausted_pct;
  std::optional<double> interrupts_per_poll;
};

// Pure: the rates between two snapshots of the same interface. A counter
// that went backwards (the map entry was re-created) counts from zero.
ObserverRates rates_between(const ObserverSnapshot& before, const ObserverSnapshot& after);

// The histogram bucket of a work value, the same rule as the BPF program's.
std::size_t work_bucket(std::uint64_t work);

// "0", "1", "2-3", ..., "512-1023", "1024+".
std::string bucket_label(std::size_t bucket);

// The non-empty buckets as "label:count" separated by spaces, "-" if none.
std::string format_histogram(const WorkHistogram& hist);

// One interval as a JSON object; work_hist lists every bucket in order as
// {"work": label, "polls": count}.
nlohmann::json to_json(const ObserverRates& rates);

// The interrupts of each line, keyed by IRQ number: {"30": n, "31": m};
// `irqs` are the observer's lines in its order (at most NAPI_OBS_MAX_IRQS).
nlohmann::json interrupts_by_irq_json(const ObserverRates& rates, std::span<const int> irqs);

}  // namespace napilab::bpf
