// napi-measure: a NIC's and the system's counters over one command's run.
//
//   napi-measure -i IFACE [--json] [--timeout SECONDS] [--output FILE] -- COMMAND [ARGS...]
//   napi-measure -i IFACE --snapshot [--json]
//
// Snapshots the counters, runs COMMAND (an argv, no shell; bounded by
// --timeout through run_process, which stops its whole process group),
// snapshots again and prints the deltas over the measured (monotonic clock)
// window. COMMAND's stdout goes to --output FILE; without it, to this
// tool's stdout in text mode and to its stderr with --json (stdout then
// holds only the JSON). --snapshot prints the absolute values instead: the
// shell tests' counter source (tests/vm/lib.sh).
//
// Sources: the NIC's IRQ lines of /proc/interrupts by IRQ number (all its
// MSI-X vectors, else its INTx line; found through sysfs by nic_irqs),
// /sys/class/net/IFACE/statistics, the driver's ethtool -S counters when it
// has any, /proc/stat's cpu line, /proc/net/softnet_stat summed over CPUs,
// /proc/net/snmp's Udp line. Every source but ethtool -S is required: one
// that cannot be read is an error (exit 1), never a 0.
//
// JSON (--json), stable keys; counts are integer deltas, rates per second:
//   snapshot: {"iface", "irq_numbers": ["10"] (ascending; an MSI-X NIC has one per vector),
//              "irq_names": {"10": "eth0"} (each line's handlers: "eth0-rx-0" for a queue's),
//              "irqs": N (all lines), "irqs_by_number": {"10": N},
//              "netdev": {"rx_packets", "tx_packets", "rx_bytes", "tx_bytes",
//                         "rx_dropped", "tx_dropped", ... every statistics file},
//              "ethtool": {NAME: N, ...} or null,
//              "cpu": {"user", "nice", "system", "idle", "iowait", "irq", "softirq",
//                      "steal", "total"} (jiffies, all CPUs),
//              "softnet": {"processed", "dropped", "time_squeeze"},
//              "udp": {"InDatagrams", "InErrors", "RcvbufErrors"}}
//   measure:  {"iface", "irq_numbers", "irq_names", "command": [argv], "exit_code": N (128 + signal
//   when
//              killed), "timed_out": bool, "seconds": S,
//              "counts": {the snapshot's keys from "irqs" on, as deltas},
//              "rates": {the same without "cpu", per second},
//              "cpu_percent": {"user" .. "steal": percent of the window's CPU time},
//              "packets_per_irq": (rx + tx packets) / irqs, or null without IRQs}
//
// Exit: 0 COMMAND exited 0; 1 napi-measure could not measure; 2 bad usage;
// 3 COMMAND exited non-zero or was killed; 124 COMMAND overran --timeout;
// 127 COMMAND could not be started. On 3 and 124 the measurement is printed.
#include <fmt/format.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "napilab/cli.hpp"
#include "napilab/counts_json.hpp"
#include "napilab/process.hpp"
#include "napilab/sampler.hpp"
#include "napilab/tool_main.hpp"

namespace {

constexpr int kCannotMeasure = 1;
using napilab::kExitBadUsage;
constexpr int kCommandFailed = 3;
constexpr int kCommandTimedOut = 124;
constexpr int kCommandNotStarted = 127;

constexpr const char* kExitCodes =
    "exit: 0 COMMAND exited 0; 1 napi-measure could not measure (a counter source missing or\n"
    "unreadable, --output not writable); 2 bad usage; 3 COMMAND exited non-zero or was\n"
    "killed (its status is \"exit_code\"); 124 COMMAND overran --timeout; 127 COMMAND could\n"
    "not be started. The measurement is printed on 0, 3 and 124.\n"
    "example: napi-measure -i eth0 --json --output iperf.json -- iperf3 -c 10.77.0.1 -t 3 -J\n";

struct Options {
  std::string iface;
  std::vector<std::string> command;
  double timeout_s = 120;
  std::string output;
  bool snapshot = false;
  bool json = false;
};

void fail(const std::string& message) { fmt::print(stderr, "napi-measure: {}\n", message); }

void print_snapshot(const napilab::Sampler& sampler, const napilab::Snapshot& snapshot, bool json) {
  nlohmann::json out = {{"iface", sampler.iface()},
                        {"irq_numbers", sampler.irqs()},
                        {"irq_names", sampler.irq_names()}};
  out.update(napilab::snapshot_json(snapshot));
  if (json) {
    fmt::print("{}\n", out.dump(2));
    return;
  }
  for (const auto& [key, value] : napilab::flatten_json(out)) {
    fmt::print("{} {}\n", key, value.is_string() ? value.get<std::string>() : value.dump());
  }
}

nlohmann::json measurement_json(const Options& options, const napilab::Sampler& sampler,
                                const napilab::ProcessOutput& process,
                                const napilab::Counts& counts) {
  const napilab::Rates rates = napilab::rates_of(counts);
  return {{"iface", options.iface},
          {"irq_numbers", sampler.irqs()},
          {"irq_names", sampler.irq_names()},
          {"command", options.command},
          {"exit_code", process.exit_status},
          {"timed_out", process.timed_out},
          {"seconds", counts.seconds},
          {"counts", napilab::counts_json(counts)},
          {"rates", napilab::rates_json(counts)},
          {"cpu_percent", napilab::cpu_percent_json(counts.cpu)},
          {"packets_per_irq", napilab::optional_json(rates.packets_per_irq)}};
}

// Text: one line per counter, its delta and its rate.
void print_measurement_text(const nlohmann::json& m) {
  fmt::print("napi-measure: {} (IRQ {}) over {:.3f} s: {} -> exit {}{}\n",
             m["iface"].get<std::string>(),
             napilab::irq_lines_label(m["irq_numbers"].get<std::vector<std::string>>(),
                                      m["irq_names"].get<std::map<std::string, std::string>>()),
             m["seconds"].get<double>(), fmt::join(m["command"], " "), m["exit_code"].dump(),
             m["timed_out"].get<bool>() ? " (timed out)" : "");
  std::map<std::string, nlohmann::json> rates;
  for (auto& [key, rate] : napilab::flatten_json(m["rates"])) {
    rates.emplace(key, std::move(rate));
  }
  for (auto& [key, pct] : napilab::flatten_json(m["cpu_percent"])) {
    rates.emplace("cpu." + key, std::move(pct));
  }
  for (const auto& [key, count] : napilab::flatten_json(m["counts"])) {
    const auto rate = rates.find(key);
    std::string shown;
    if (rate != rates.end() && rate->second.is_number()) {
      const double value = rate->second.get<double>();
      shown = key.rfind("cpu.", 0) == 0 ? fmt::format("{:.1f} %", value)
                                        : fmt::format("{:.1f}/s", value);
    }
    fmt::print("  {:<32} {:>14} {:>16}\n", key, count.dump(), shown);
  }
  const auto& ppi = m["packets_per_irq"];
  fmt::print("  {:<32} {:>14}\n", "packets_per_irq",
             ppi.is_number() ? fmt::format("{:.2f}", ppi.get<double>()) : "- (no IRQs)");
}

int exit_code_for(const napilab::ProcessOutput& process) {
  if (process.timed_out) {
    return kCommandTimedOut;
  }
  return process.exit_status == 0 ? 0 : kCommandFailed;
}

int measure(const Options& options, const napilab::Sampler& sampler) {
  std::ofstream output_file;
  if (!options.output.empty()) {
    output_file.open(options.output, std::ios::binary | std::ios::trunc);
    if (!output_file) {
      fail("cannot write --output " + options.output);
      return kCannotMeasure;
    }
  }
  auto before = sampler.take();
  if (!before) {
    fail(before.error().to_string());
    return kCannotMeasure;
  }
  const auto timeout = std::chrono::milliseconds(std::llround(options.timeout_s * 1000));
  auto process = napilab::run_process(
      options.command.front(),
      std::vector<std::string>(options.command.begin() + 1, options.command.end()), timeout);
  auto after = sampler.take();
  if (!process) {
    fail(process.error().to_string());
    return kCommandNotStarted;
  }
  if (!after) {
    fail(after.error().to_string());
    return kCannotMeasure;
  }
  const std::string& command_out = process.value().stdout_text;
  if (output_file.is_open()) {
    output_file << command_out;
    output_file.close();
    if (!output_file) {
      fail("cannot write --output " + options.output);
      return kCannotMeasure;
    }
  } else if (options.json) {
    (void)std::fwrite(command_out.data(), 1, command_out.size(), stderr);
  } else {
    (void)std::fwrite(command_out.data(), 1, command_out.size(), stdout);
  }
  const napilab::Counts counts = napilab::counts_between(before.value(), after.value());
  const nlohmann::json m = measurement_json(options, sampler, process.value(), counts);
  if (options.json) {
    fmt::print("{}\n", m.dump(2));
  } else {
    print_measurement_text(m);
  }
  if (std::fflush(stdout) != 0) {
    return kCannotMeasure;
  }
  return exit_code_for(process.value());
}

int run(int argc, char** argv) {
  CLI::App app{"napi-measure: a NIC's and the system's counters over one command's run"};
  Options options;
  app.add_option("-i,--interface", options.iface, "the NIC to count, e.g. eth0")->required();
  app.add_flag("--json", options.json, "one JSON object (keys: see the source's header)");
  app.add_flag("--snapshot", options.snapshot, "print the counters' absolute values, run nothing");
  app.add_option("--timeout", options.timeout_s,
                 "how long COMMAND may take before it is stopped: 30 (seconds), 30s, 500ms")
      ->transform(napilab::duration_in_seconds())
      ->check(CLI::Range(0.1, 86400.0));
  app.add_option("--output", options.output, "write COMMAND's stdout to FILE");
  app.add_option("command", options.command, "after --: the command to measure and its arguments");
  app.footer(kExitCodes);
  if (const auto rc = napilab::parse_command_line(app, argc, argv)) {
    return *rc;
  }
  if (options.snapshot && (!options.command.empty() || !options.output.empty())) {
    fail("--snapshot runs no command: give either --snapshot or -- COMMAND, not both");
    return kExitBadUsage;
  }
  if (!options.snapshot && options.command.empty()) {
    fail("no command to measure: napi-measure -i IFACE -- COMMAND [ARGS...], or --snapshot");
    return kExitBadUsage;
  }

  auto sampler = napilab::Sampler::create(options.iface);
  if (!sampler) {
    fail(sampler.error().to_string());
    return kCannotMeasure;
  }
  if (options.snapshot) {
    auto snapshot = sampler.value().take();
    if (!snapshot) {
      fail(snapshot.error().to_string());
      return kCannotMeasure;
    }
    print_snapshot(sampler.value(), snapshot.value(), options.json);
    return std::fflush(stdout) == 0 ? 0 : kCannotMeasure;
  }
  return measure(options, sampler.value());
}

}  // namespace

int main(int argc, char** argv) { return napilab::tool_main("napi-measure", argc, argv, run); }
