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
// Polls by enum napi_obs_context.
using ContextPolls = std::array<std::uint64_t, NAPI_OBS_CONTEXTS>;

// The contexts a poll can be placed in, in the order the views show them
// (s/k/t/b), each with its JSON key and its letter in the text column.
// NAPI_OBS_UNKNOWN is not one of them: it is reported on its own.
struct ContextName {
  napi_obs_context context;
  const char* key;
  char letter;
};
inline constexpr std::array<ContextName, NAPI_OBS_UNKNOWN> kContextNames{{
    {NAPI_OBS_SOFTIRQ, "softirq", 's'},
    {NAPI_OBS_KSOFTIRQD, "ksoftirqd", 'k'},
    {NAPI_OBS_THREAD, "thread", 't'},
    {NAPI_OBS_BUSY_POLL, "busy_poll", 'b'},
}};

// The task that busy-polled last.
struct BusyPoller {
  std::uint32_t tgid = 0;
  std::string comm;  // printable ASCII; other bytes as \xNN
};

struct ObserverSnapshot {
  std::chrono::steady_clock::time_point when{};
  napi_obs_counters counters{};  // summed over CPUs
};

// The sum of one map entry's per-CPU values (work_max and budget: the
// largest; the busy poller: the CPU's with the latest busy_poll_ns).
napi_obs_counters sum_per_cpu(std::span<const napi_obs_counters> per_cpu);

struct ObserverRates {
  double seconds = 0;
  // Counts in the interval.
  std::uint64_t polls = 0;
  std::uint64_t work = 0;
  std::uint64_t budget_exhausted = 0;  // work == budget: stayed in polling mode
  std::uint64_t over_budget = 0;       // work > budget: a driver bug
  std::uint64_t interrupts = 0;
  WorkHistogram work_hist{};
  ContextPolls context_polls{};  // by enum napi_obs_context
  // The latest busy-polling task; absent when the interval had no busy poll.
  std::optional<BusyPoller> busy_poller;
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

// A task's comm as text: up to the first NUL, bytes outside printable ASCII
// as \xNN (a comm is any bytes a task set; JSON needs valid UTF-8).
std::string comm_text(std::span<const char> comm);

// Each context's share of the interval's polls in whole percent, in
// kContextNames order: "97/3/0/0"; "-" when there were no polls.
std::string format_context_shares(const ObserverRates& rates);

// One interval as a JSON object; work_hist lists every bucket in order as
// {"work": label, "polls": count}; context is {"softirq": N, "ksoftirqd": N,
// "thread": N, "busy_poll": N, "unknown": N, "busy_poll_tgid": N|null,
// "busy_poll_comm": "..."|null}.
nlohmann::json to_json(const ObserverRates& rates);

}  // namespace napilab::bpf
