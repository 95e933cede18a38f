// napi-iperf: one iperf3 client run with the NIC's counters sampled around it.
//
//   napi-iperf -i eth0 [--json] [--timeout SECONDS] [--any-target] -- -c 10.77.0.1 -t 3 -R
//
// Runs iperf3 -J (bounded, no shell), then prints its throughput next to
// what the interface did meanwhile: packets, IRQs, packets per IRQ and, when
// the driver exports them in ethtool -S (e1k_napi does), NAPI polls and the
// share that used the whole budget. The building block of the load tests.
#include <arpa/inet.h>
#include <fmt/format.h>
#include <netdb.h>
#include <sys/socket.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "napilab/cli.hpp"
#include "napilab/counts_json.hpp"
#include "napilab/iperf.hpp"
#include "napilab/net/endpoint.hpp"
#include "napilab/sampler.hpp"
#include "napilab/tool_main.hpp"

namespace {

struct Options {
  std::string iface;
  std::vector<std::string> iperf_args;
  double timeout_s = 120;
  bool any_target = false;
  bool json = false;
};

// Every IPv4 address `host` resolves to must be one the traffic tools may
// send to (napilab::net::is_lab_destination); an error says why not.
std::optional<napilab::Error> check_target(const std::string& host) {
  addrinfo hints{};
  hints.ai_family = AF_INET;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  if (const int err = ::getaddrinfo(host.c_str(), nullptr, &hints, &found); err != 0) {
    return napilab::Error{"iperf3 target '" + host + "' does not resolve to IPv4 (" +
                          ::gai_strerror(err) + "); give an address, or --any-target"};
  }
  const std::unique_ptr<addrinfo, decltype(&::freeaddrinfo)> addresses(found, &::freeaddrinfo);
  for (const addrinfo* a = addresses.get(); a != nullptr; a = a->ai_next) {
    const auto* in = reinterpret_cast<const sockaddr_in*>(a->ai_addr);
    const auto endpoint = napilab::net::Endpoint::from_sockaddr(*in);
    if (!napilab::net::is_lab_destination(endpoint)) {
      char text[INET_ADDRSTRLEN] = {};
      ::inet_ntop(AF_INET, &in->sin_addr, text, sizeof(text));
      return napilab::Error{"iperf3 target " + host + " (" + text +
                            ") is outside loopback (127.0.0.0/8) and the test bed "
                            "(10.77.0.0/24); pass --any-target if you really mean it"};
    }
  }
  return std::nullopt;
}

std::optional<napilab::Error> validate(const Options& options) {
  const auto host = napilab::iperf3_client_host(options.iperf_args);
  if (!host) {
    return napilab::Error{
        "the iperf3 arguments name no server: napi-iperf runs the client, give -c HOST "
        "after --, e.g. napi-iperf -i eth0 -- -c 10.77.0.1 -t 3"};
  }
  return options.any_target ? std::nullopt : check_target(*host);
}

using napilab::optional_json;

// One counter's delta, 0 when the source does not have it.
std::uint64_t count_of(const napilab::CounterMap& counters, std::string_view name) {
  const auto it = counters.find(name);
  return it == counters.end() ? 0 : it->second;
}

nlohmann::json to_json(const napilab::IperfTotal& total) {
  return {{"seconds", total.seconds},
          {"bytes", total.bytes},
          {"bits_per_second", total.bits_per_second}};
}

nlohmann::json to_json(const napilab::IperfReport& report) {
  nlohmann::json intervals = nlohmann::json::array();
  for (const auto& interval : report.intervals) {
    intervals.push_back({{"start", interval.start},
                         {"end", interval.end},
                         {"bytes", interval.bytes},
                         {"bits_per_second", interval.bits_per_second},
                         {"retransmits", optional_json(interval.retransmits)},
                         {"packets", optional_json(interval.packets)},
                         {"omitted", interval.omitted}});
  }
  nlohmann::json j = {{"protocol", report.protocol == napilab::IperfProtocol::kUdp ? "UDP" : "TCP"},
                      {"reverse", report.reverse},
                      {"streams", report.streams},
                      {"duration", report.duration},
                      {"sent", to_json(report.sent)},
                      {"received", to_json(report.received)},
                      {"intervals", intervals}};
  j["retransmits"] = optional_json(report.retransmits);
  j["udp"] = nullptr;
  if (report.udp) {
    j["udp"] = {{"packets", report.udp->packets},
                {"lost_packets", report.udp->lost_packets},
                {"lost_percent", report.udp->lost_percent},
                {"jitter_ms", report.udp->jitter_ms}};
  }
  return j;
}

// The NIC over the run: the measured deltas next to their rates; "counts",
// "rates" and "cpu_percent" are napi-measure's (userspace/tools/napi_measure.cpp).
nlohmann::json to_json(const napilab::Counts& c) {
  const napilab::Rates r = napilab::rates_of(c);
  nlohmann::json j = {{"seconds", r.seconds},
                      {"irqs", c.irqs},
                      {"irqs_per_s", r.irqs_per_s},
                      {"rx_packets", count_of(c.netdev, "rx_packets")},
                      {"tx_packets", count_of(c.netdev, "tx_packets")},
                      {"rx_pps", r.rx_pps},
                      {"tx_pps", r.tx_pps},
                      {"packets_per_irq", optional_json(r.packets_per_irq)},
                      {"squeezes_per_s", r.squeezes_per_s},
                      {"softnet_drops_per_s", r.softnet_drops_per_s},
                      {"counts", napilab::counts_json(c)},
                      {"rates", napilab::rates_json(c)},
                      {"cpu_percent", napilab::cpu_percent_json(c.cpu)}};
  j["napi"] = nullptr;
  if (r.polls_per_s) {
    j["napi"] = {{"polls", count_of(*c.ethtool, "napi_polls")},
                 {"polls_per_s", *r.polls_per_s},
                 {"budget_exhausted_pct", optional_json(r.budget_exhausted_pct)},
                 {"complete_per_s", optional_json(r.complete_per_s)}};
  }
  return j;
}

void print_iperf(const napilab::IperfReport& report) {
  const bool udp = report.protocol == napilab::IperfProtocol::kUdp;
  fmt::print("iperf3: {} {}, {} stream{}, {:.1f} s\n", udp ? "UDP" : "TCP",
             report.reverse ? "server -> client (-R)" : "client -> server", report.streams,
             report.streams == 1 ? "" : "s", report.duration);
  fmt::print("  received {:10.2f} Mb/s {:12} bytes\n", report.received.bits_per_second / 1e6,
             report.received.bytes);
  fmt::print("  sent     {:10.2f} Mb/s {:12} bytes{}\n", report.sent.bits_per_second / 1e6,
             report.sent.bytes,
             report.retransmits ? fmt::format(", {} retransmits", *report.retransmits) : "");
  if (report.udp) {
    fmt::print("  UDP: {} datagrams, {} lost ({:.2f} %), jitter {:.3f} ms\n", report.udp->packets,
               report.udp->lost_packets, report.udp->lost_percent, report.udp->jitter_ms);
  }
}

void print_nic(const std::string& iface, const napilab::Counts& c) {
  const napilab::Rates r = napilab::rates_of(c);
  fmt::print("{}: over {:.2f} s\n", iface, r.seconds);
  fmt::print("  rx packets {:12} ({:.0f}/s)\n", count_of(c.netdev, "rx_packets"), r.rx_pps);
  fmt::print("  tx packets {:12} ({:.0f}/s)\n", count_of(c.netdev, "tx_packets"), r.tx_pps);
  fmt::print("  IRQs       {:12} ({:.0f}/s)\n", c.irqs, r.irqs_per_s);
  fmt::print("  packets/IRQ {:>11}\n",
             r.packets_per_irq ? fmt::format("{:.1f}", *r.packets_per_irq) : "- (no IRQs)");
  fmt::print("  softnet    {:.1f} squeezes/s, {:.1f} drops/s\n", r.squeezes_per_s,
             r.softnet_drops_per_s);
  if (!r.polls_per_s) {
    fmt::print("  NAPI: the driver exports no napi_polls counter in ethtool -S\n");
    return;
  }
  fmt::print("  NAPI polls {:12} ({:.0f}/s), budget exhausted {}, complete {}\n",
             count_of(*c.ethtool, "napi_polls"), *r.polls_per_s,
             r.budget_exhausted_pct ? fmt::format("{:.1f} %", *r.budget_exhausted_pct) : "-",
             r.complete_per_s ? fmt::format("{}", count_of(*c.ethtool, "napi_complete")) : "-");
}

int run(int argc, char** argv) {
  CLI::App app{"napi-iperf: an iperf3 client run with the NIC's counters sampled around it"};
  Options options;
  app.add_option("-i,--interface", options.iface, "the NIC to sample, e.g. eth0")->required();
  app.add_option("--timeout", options.timeout_s,
                 "how long iperf3 may take before it is stopped: 30 (seconds), 30s, 2m")
      ->transform(napilab::duration_in_seconds())
      ->check(CLI::Range(1.0, 3600.0));
  app.add_flag("--any-target", options.any_target,
               "also run against servers outside loopback and 10.77.0.0/24");
  app.add_flag("--json", options.json, "one JSON object: iperf3's results and the NIC's counters");
  app.add_option("iperf3-args", options.iperf_args, "after --: iperf3's arguments (-J is added)")
      ->required();
  app.footer(
      "exit: 0 done (the report printed); 1 a counter source missing or unreadable, iperf3\n"
      "failed, overran --timeout or printed no result; 2 bad usage or a refused target.\n"
      "iperf3's own options, its -i too, go after --: napi-iperf's -i is the NIC.\n"
      "example: napi-iperf -i eth0 -- -c 10.77.0.1 -t 3 -R\n");
  if (const auto rc = napilab::parse_command_line(app, argc, argv)) {
    return *rc;
  }
  if (auto invalid = validate(options)) {
    fmt::print(stderr, "napi-iperf: {}\n", invalid->message);
    return napilab::kExitBadUsage;
  }

  auto sampler = napilab::Sampler::create(options.iface);
  if (!sampler) {
    fmt::print(stderr, "napi-iperf: {}\n", sampler.error().to_string());
    return 1;
  }
  auto before = sampler.value().take();
  if (!before) {
    fmt::print(stderr, "napi-iperf: {}\n", before.error().to_string());
    return 1;
  }
  const auto timeout = std::chrono::milliseconds(std::llround(options.timeout_s * 1000));
  auto report = napilab::measure_iperf3(options.iperf_args, timeout);
  auto after = sampler.value().take();
  if (!report) {
    fmt::print(stderr, "napi-iperf: {}\n", report.error().to_string());
    return 1;
  }
  if (!after) {
    fmt::print(stderr, "napi-iperf: {}\n", after.error().to_string());
    return 1;
  }
  const napilab::Counts counts = napilab::counts_between(before.value(), after.value());

  if (options.json) {
    const nlohmann::json out = {{"iface", options.iface},
                                {"irqs", sampler.value().irqs()},
                                {"irq_names", sampler.value().irq_names()},
                                {"iperf3_args", options.iperf_args},
                                {"iperf3", to_json(report.value())},
                                {"nic", to_json(counts)}};
    fmt::print("{}\n", out.dump(2));
  } else {
    fmt::print("napi-iperf: {} (IRQ {}), iperf3 {}\n", options.iface,
               napilab::irq_lines_label(sampler.value().irqs(), sampler.value().irq_names()),
               fmt::join(options.iperf_args, " "));
    print_iperf(report.value());
    print_nic(options.iface, counts);
  }
  return std::fflush(stdout) == 0 ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) { return napilab::tool_main("napi-iperf", argc, argv, run); }
