// What the live views (napitop, napi-observe, napi-xdp) share: the options -i IFACE,
// -d SECONDS, -n COUNT, --json; Intervals, the rates between each snapshot
// of a counter source and the one before; and the loop that steps once per
// interval. Header-only: the tools that include it link CLI11 and fmt.
#pragma once

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <optional>
#include <string>
#include <thread>
#include <utility>

#include "napilab/cli.hpp"
#include "napilab/result.hpp"
#include "napilab/stop_signal.hpp"

namespace napilab {

struct LiveOptions {
  std::string iface;
  double interval = 1.0;  // seconds between samples
  long count = 0;         // samples to print, 0 = until interrupted
  bool json = false;      // one JSON object per interval
};

inline void add_live_options(CLI::App& app, LiveOptions& options) {
  app.add_option("-i,--interface", options.iface, "network interface, e.g. eth0")->required();
  app.add_option("-d,--delay", options.interval,
                 "time between samples: 0.5 (seconds), 500ms, 2s (0.1 s .. 3600 s)")
      ->transform(duration_in_seconds())
      ->check(CLI::Range(0.1, 3600.0));
  app.add_option("-n,--count", options.count, "samples to print, 0 = until interrupted")
      ->check(CLI::NonNegativeNumber);
  app.add_flag("--json", options.json, "one JSON object per interval, one per line");
  app.footer(
      "exit: 0 printed --count samples; 1 a counter source missing or unreadable (napi-observe:\n"
      "BPF cannot attach: no root, BTF or tracefs), or stdout closed; 2 bad usage. Without\n"
      "--count it runs until interrupted.\n");
}

// A column that may have no value this interval: formatted with `spec`
// (a fmt format string such as "{:.1f}"), or "-".
inline std::string format_optional(const std::optional<double>& value, const char* spec) {
  return value ? fmt::format(fmt::runtime(spec), *value) : std::string("-");
}

// Successive intervals of a counter source: Source::take() returns a
// Result<snapshot> with a `when`, and rates_between(before, after) (found
// next to the snapshot type) turns two into rates. napilab::Sampler and
// napilab::bpf::NapiObserver are such sources.
template <class Source>
class Intervals {
 public:
  using Snapshot = typename decltype(std::declval<const Source&>().take())::value_type;
  using Rates =
      decltype(rates_between(std::declval<const Snapshot&>(), std::declval<const Snapshot&>()));

  // Takes the first snapshot: the start of the first interval.
  static Result<Intervals> start(Source source) {
    auto first = source.take();
    if (!first) {
      return first.error();
    }
    return Intervals(std::move(source), std::move(first).value());
  }

  // The rates since the previous call (or start()); that snapshot then
  // starts the next interval. An error leaves the interval open.
  Result<Rates> next() {
    auto current = source_.take();
    if (!current) {
      return current.error();
    }
    Rates rates = rates_between(previous_, current.value());
    previous_ = std::move(current).value();
    return rates;
  }

  // The rates from start() to the end of the last interval: the total.
  [[nodiscard]] Rates total() const { return rates_between(first_, previous_); }

  // Seconds from start() to the end of the last interval.
  [[nodiscard]] double elapsed() const {
    return std::chrono::duration<double>(previous_.when - first_.when).count();
  }
  [[nodiscard]] const Source& source() const { return source_; }

 private:
  Intervals(Source source, Snapshot first)
      : source_(std::move(source)), first_(first), previous_(std::move(first)) {}
  Source source_;
  Snapshot first_;
  Snapshot previous_;
};

// Sleeps an interval and calls step(), options.count times (or until
// interrupted when 0). Returns 0, or 1 once step() returns false or stdout
// is closed (e.g. the reader of a pipe quit).
template <typename Step>
int run_every_interval(const LiveOptions& options, Step step) {
  for (long n = 0; options.count == 0 || n < options.count; ++n) {
    std::this_thread::sleep_for(std::chrono::duration<double>(options.interval));
    if (!step()) {
      return 1;
    }
    if (std::fflush(stdout) != 0) {
      return 1;
    }
  }
  return 0;
}

// Calls step() at the end of every interval of `interval` seconds until
// `duration` seconds have passed (0: no limit) or SIGINT/SIGTERM asked to
// stop (install_stop_handlers()); an interval cut short by either is
// stepped too, so nothing counted goes unreported. The signal is seen
// within 0.1 s. Returns 0, or 1 once step() returns false or stdout is
// closed.
template <typename Step>
int run_intervals_for(double interval, double duration, Step step) {
  using clock = std::chrono::steady_clock;
  const auto seconds = [](double s) {
    return std::chrono::duration_cast<clock::duration>(std::chrono::duration<double>(s));
  };
  const auto start = clock::now();
  const auto end = duration > 0 ? start + seconds(duration) : clock::time_point::max();
  for (long n = 1;; ++n) {
    const auto next = std::min(start + seconds(interval * static_cast<double>(n)), end);
    while (!stop_requested() && clock::now() < next) {
      std::this_thread::sleep_for(std::min<clock::duration>(next - clock::now(), seconds(0.1)));
    }
    if (!step() || std::fflush(stdout) != 0) {
      return 1;
    }
    if (stop_requested() || next >= end) {
      return 0;
    }
  }
}

}  // namespace napilab
