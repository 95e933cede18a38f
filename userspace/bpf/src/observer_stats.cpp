#include "napilab/bpf/observer_stats.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <iterator>

#include "napilab/sampler.hpp"

namespace napilab::bpf {

namespace {

std::optional<double> ratio(std::uint64_t numerator, std::uint64_t denominator, double scale) {
  if (denominator == 0) {
    return std::nullopt;
  }
  return scale * static_cast<double>(numerator) / static_cast<double>(denominator);
}

std::uint64_t delta(std::uint64_t before, std::uint64_t after) {
  return counter_delta(before, after, 64);
}

}  // namespace

napi_obs_counters sum_per_cpu(std::span<const napi_obs_counters> per_cpu) {
  napi_obs_counters sum{};
  for (const napi_obs_counters& cpu : per_cpu) {
    sum.polls += cpu.polls;
    sum.work += cpu.work;
    sum.budget_exhausted += cpu.budget_exhausted;
    sum.over_budget += cpu.over_budget;
    sum.interrupts += cpu.interrupts;
    for (std::size_t b = 0; b < NAPI_OBS_WORK_BUCKETS; ++b) {
      sum.work_hist[b] += cpu.work_hist[b];
    }
    for (std::size_t c = 0; c < NAPI_OBS_CONTEXTS; ++c) {
      sum.context_polls[c] += cpu.context_polls[c];
    }
    sum.work_max = std::max(sum.work_max, cpu.work_max);
    sum.budget = std::max(sum.budget, cpu.budget);
    if (cpu.busy_poll_ns > sum.busy_poll_ns) {
      sum.busy_poll_ns = cpu.busy_poll_ns;
      sum.busy_poll_tgid = cpu.busy_poll_tgid;
      std::copy(std::begin(cpu.busy_poll_comm), std::end(cpu.busy_poll_comm),
                std::begin(sum.busy_poll_comm));
    }
  }
  return sum;
}

ObserverRates rates_between(const ObserverSnapshot& before, const ObserverSnapshot& after) {
  const napi_obs_counters& a = before.counters;
  const napi_obs_counters& b = after.counters;
  ObserverRates r;
  r.seconds = std::chrono::duration<double>(after.when - before.when).count();
  r.polls = delta(a.polls, b.polls);
  r.work = delta(a.work, b.work);
  r.budget_exhausted = delta(a.budget_exhausted, b.budget_exhausted);
  r.over_budget = delta(a.over_budget, b.over_budget);
  r.interrupts = delta(a.interrupts, b.interrupts);
  for (std::size_t i = 0; i < r.work_hist.size(); ++i) {
    r.work_hist[i] = delta(a.work_hist[i], b.work_hist[i]);
  }
  for (std::size_t c = 0; c < r.context_polls.size(); ++c) {
    r.context_polls[c] = delta(a.context_polls[c], b.context_polls[c]);
  }
  if (r.context_polls[NAPI_OBS_BUSY_POLL] != 0 && b.busy_poll_ns != 0) {
    r.busy_poller = BusyPoller{b.busy_poll_tgid, comm_text(b.busy_poll_comm)};
  }
  r.work_max = b.work_max;
  r.budget = b.budget;
  if (r.seconds > 0) {
    r.polls_per_s = static_cast<double>(r.polls) / r.seconds;
    r.interrupts_per_s = static_cast<double>(r.interrupts) / r.seconds;
  }
  r.work_per_poll = ratio(r.work, r.polls, 1.0);
  r.budget_exhausted_pct = ratio(r.budget_exhausted, r.polls, 100.0);
  r.interrupts_per_poll = ratio(r.interrupts, r.polls, 1.0);
  return r;
}

std::size_t work_bucket(std::uint64_t work) {
  std::size_t bucket = 0;
  while (work != 0 && bucket + 1 < NAPI_OBS_WORK_BUCKETS) {
    work >>= 1U;
    ++bucket;
  }
  return bucket;
}

std::string bucket_label(std::size_t bucket) {
  if (bucket == 0) {
    return "0";
  }
  const std::uint64_t low = std::uint64_t{1} << (bucket - 1);
  if (bucket + 1 >= NAPI_OBS_WORK_BUCKETS) {
    return fmt::format("{}+", low);
  }
  if (bucket == 1) {
    return "1";
  }
  return fmt::format("{}-{}", low, 2 * low - 1);
}

std::string format_histogram(const WorkHistogram& hist) {
  std::string out;
  for (std::size_t b = 0; b < hist.size(); ++b) {
    if (hist[b] == 0) {
      continue;
    }
    if (!out.empty()) {
      out += ' ';
    }
    out += fmt::format("{}:{}", bucket_label(b), hist[b]);
  }
  return out.empty() ? "-" : out;
}

std::string comm_text(std::span<const char> comm) {
  std::string text;
  for (const char byte : comm) {
    if (byte == '\0') {
      break;
    }
    const auto code = static_cast<unsigned char>(byte);
    if (code >= 0x20 && code < 0x7f) {
      text += byte;
    } else {
      text += fmt::format("\\x{:02x}", code);
    }
  }
  return text;
}

std::string format_context_shares(const ObserverRates& r) {
  std::string out;
  for (const ContextName& name : kContextNames) {
    const std::optional<double> pct = ratio(r.context_polls[name.context], r.polls, 100.0);
    if (!pct) {
      return "-";
    }
    out += fmt::format("{}{:.0f}", out.empty() ? "" : "/", *pct);
  }
  return out;
}

nlohmann::json to_json(const ObserverRates& r) {
  const auto optional = [](const std::optional<double>& v) {
    return v ? nlohmann::json(*v) : nlohmann::json(nullptr);
  };
  nlohmann::json hist = nlohmann::json::array();
  for (std::size_t b = 0; b < r.work_hist.size(); ++b) {
    hist.push_back({{"work", bucket_label(b)}, {"polls", r.work_hist[b]}});
  }
  nlohmann::json context = nlohmann::json::object();
  for (const ContextName& name : kContextNames) {
    context[name.key] = r.context_polls[name.context];
  }
  context["unknown"] = r.context_polls[NAPI_OBS_UNKNOWN];
  context["busy_poll_tgid"] = r.busy_poller ? nlohmann::json(r.busy_poller->tgid) : nullptr;
  context["busy_poll_comm"] = r.busy_poller ? nlohmann::json(r.busy_poller->comm) : nullptr;
  return {{"seconds", r.seconds},
          {"polls", r.polls},
          {"work", r.work},
          {"budget_exhausted", r.budget_exhausted},
          {"over_budget", r.over_budget},
          {"interrupts", r.interrupts},
          {"work_hist", hist},
          {"work_max", r.work_max},
          {"budget", r.budget},
          {"polls_per_s", r.polls_per_s},
          {"interrupts_per_s", r.interrupts_per_s},
          {"work_per_poll", optional(r.work_per_poll)},
          {"budget_exhausted_pct", optional(r.budget_exhausted_pct)},
          {"interrupts_per_poll", optional(r.interrupts_per_poll)},
          {"context", context}};
}

}  // namespace napilab::bpf
