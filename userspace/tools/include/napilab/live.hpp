// What the live views (napitop, napi-observe) share: the options -i IFACE,
// -d SECONDS, -n COUNT, --json, and the loop that samples once per interval.
// Header-only: the tools that include it link CLI11 and fmt themselves.
#pragma once

#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>
#include <optional>
#include <string>
#include <thread>

namespace napilab {

struct LiveOptions {
  std::string iface;
  double interval = 1.0;  // seconds between samples
  long count = 0;         // samples to print, 0 = until interrupted
  bool json = false;      // one JSON object per interval
};

inline void add_live_options(CLI::App& app, LiveOptions& options) {
  app.add_option("-i,--interface", options.iface, "network interface, e.g. eth0")->required();
  app.add_option("-d,--delay", options.interval, "seconds between samples (0.1 .. 3600)")
      ->check(CLI::Range(0.1, 3600.0));
  app.add_option("-n,--count", options.count, "samples to print, 0 = until interrupted")
      ->check(CLI::NonNegativeNumber);
  app.add_flag("--json", options.json, "one JSON object per interval, one per line");
}

// A column that may have no value this interval: formatted with `spec`
// (a fmt format string such as "{:.1f}"), or "-".
inline std::string format_optional(const std::optional<double>& value, const char* spec) {
  return value ? fmt::format(fmt::runtime(spec), *value) : std::string("-");
}

// Parses the command line. Returns the exit code when the tool should stop
// here (0 after --help, 2 for bad arguments, with CLI11's message), else -1.
inline int parse_live_options(CLI::App& app, int argc, char** argv) {
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;
  }
  return -1;
}

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

}  // namespace napilab
