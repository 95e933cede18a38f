// napitop: a live view of one NIC's interrupts and NAPI at work.
//
//   napitop -i eth0 [-d SECONDS] [-n COUNT] [--json]
//
// Every interval: IRQ/s of the NIC's lines, packets/s, packets per IRQ,
// softnet squeezes, and, when the driver exports NAPI counters in ethtool -S
// (e1k_napi does), polls/s and the share of polls that used the whole
// budget: the moment NAPI switches to polling under load, and back at idle.
#include <fmt/format.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <thread>

#include "napilab/sampler.hpp"

namespace {

// Which mode NAPI is in over an interval, judged from the counters.
std::string napi_mode(const napilab::Rates& r) {
  if (r.budget_exhausted_pct) {
    if (*r.budget_exhausted_pct >= 50.0) {
      return "polling";
    }
    return r.irqs_per_s > 0 ? "interrupt" : "idle";
  }
  if (!r.packets_per_irq) {
    return "idle";
  }
  return *r.packets_per_irq >= 8.0 ? "batching" : "interrupt";
}

nlohmann::json to_json(const std::string& iface, double t, const napilab::Rates& r) {
  nlohmann::json j = {{"iface", iface},
                      {"t", t},
                      {"seconds", r.seconds},
                      {"irqs_per_s", r.irqs_per_s},
                      {"rx_pps", r.rx_pps},
                      {"tx_pps", r.tx_pps},
                      {"squeezes_per_s", r.squeezes_per_s},
                      {"softnet_drops_per_s", r.softnet_drops_per_s},
                      {"mode", napi_mode(r)}};
  j["packets_per_irq"] = r.packets_per_irq ? nlohmann::json(*r.packets_per_irq) : nullptr;
  j["polls_per_s"] = r.polls_per_s ? nlohmann::json(*r.polls_per_s) : nullptr;
  j["budget_exhausted_pct"] =
      r.budget_exhausted_pct ? nlohmann::json(*r.budget_exhausted_pct) : nullptr;
  return j;
}

std::string opt(const std::optional<double>& v, const char* spec) {
  return v ? fmt::format(fmt::runtime(spec), *v) : std::string("-");
}

int run(int argc, char** argv) {
  CLI::App app{"napitop: live view of a NIC's interrupts and NAPI polling"};
  std::string iface;
  double interval = 1.0;
  long count = 0;
  bool json = false;
  app.add_option("-i,--interface", iface, "network interface, e.g. eth0")->required();
  app.add_option("-d,--delay", interval, "seconds between samples (0.1 .. 3600)")
      ->check(CLI::Range(0.1, 3600.0));
  app.add_option("-n,--count", count, "samples to print, 0 = until interrupted")
      ->check(CLI::NonNegativeNumber);
  app.add_flag("--json", json, "one JSON object per interval, one per line");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int rc = app.exit(e);
    return rc == 0 ? 0 : 2;
  }

  auto sampler = napilab::Sampler::create(iface);
  if (!sampler) {
    fmt::print(stderr, "napitop: {}\n", sampler.error().to_string());
    return 1;
  }
  auto previous = sampler.value().take();
  if (!previous) {
    fmt::print(stderr, "napitop: {}\n", previous.error().to_string());
    return 1;
  }
  if (!json) {
    fmt::print("napitop: {} (IRQ {}){}\n", iface, fmt::join(sampler.value().irqs(), ","),
               sampler.value().has_ethtool() ? "" : " - no ethtool stats");
    fmt::print("{:>7} {:>9} {:>9} {:>9} {:>9} {:>8} {:>9} {:>8}  {}\n", "time", "IRQ/s", "rx pps",
               "tx pps", "pkts/IRQ", "squeeze", "polls/s", "budget%", "mode");
  }
  const auto start = previous.value().when;
  for (long n = 0; count == 0 || n < count; ++n) {
    std::this_thread::sleep_for(std::chrono::duration<double>(interval));
    auto current = sampler.value().take();
    if (!current) {
      fmt::print(stderr, "napitop: {}\n", current.error().to_string());
      return 1;
    }
    const napilab::Rates r = napilab::rates_between(previous.value(), current.value());
    const double t = std::chrono::duration<double>(current.value().when - start).count();
    if (json) {
      fmt::print("{}\n", to_json(iface, t, r).dump());
    } else {
      fmt::print("{:7.1f} {:9.0f} {:9.0f} {:9.0f} {:>9} {:8.1f} {:>9} {:>8}  {}\n", t, r.irqs_per_s,
                 r.rx_pps, r.tx_pps, opt(r.packets_per_irq, "{:.1f}"), r.squeezes_per_s,
                 opt(r.polls_per_s, "{:.0f}"), opt(r.budget_exhausted_pct, "{:.1f}"), napi_mode(r));
    }
    if (std::fflush(stdout) != 0) {
      return 1;  // stdout closed (e.g. a pipe reader quit)
    }
    previous = std::move(current);
  }
  return 0;
}
}  // namespace

int main(int argc, char** argv) {
  try {
    return run(argc, argv);
  } catch (const std::exception& e) {
    fmt::print(stderr, "napitop: {}\n", e.what());
    return 1;
  }
}
