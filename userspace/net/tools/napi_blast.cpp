// napi-blast: UDP at a fixed packet rate and size for a bounded time, to
// loopback or the test bed's subnet; reports what it sent.
#include <fmt/format.h>

#include <cstdio>

#include "napilab/cli.hpp"
#include "napilab/net/blaster.hpp"
#include "napilab/net/report.hpp"
#include "napilab/net/units.hpp"
#include "napilab/tool_main.hpp"

namespace {

using napilab::kExitBadUsage;

struct Options {
  std::string destination;
  std::string host;  // iperf3's -c HOST -p PORT, the other spelling of --dest
  std::string port = "9000";
  std::string rate = "10k";
  std::string bitrate;
  std::string duration = "5s";
  std::size_t size = 64;
  std::size_t batch = 32;
  bool allow_any_destination = false;
  bool json = false;
};

// The options as a BlastConfig, or an error saying which one is wrong.
napilab::Result<napilab::net::BlastConfig> to_config(const Options& options) {
  using namespace napilab::net;
  if (options.destination.empty() == options.host.empty()) {
    return napilab::Error{"give the receiver once: --dest ADDRESS:PORT or -c ADDRESS [-p PORT]"};
  }
  const std::string where = options.host.empty() ? "--dest " : "-c/-p ";
  auto destination = parse_endpoint(options.host.empty() ? options.destination
                                                         : options.host + ":" + options.port);
  if (!destination) {
    return napilab::Error{where + destination.error().message};
  }
  auto rate = parse_count(options.rate);
  if (!rate) {
    return napilab::Error{"--rate " + rate.error().message};
  }
  if (!options.bitrate.empty()) {
    auto bits = parse_count(options.bitrate);
    if (!bits) {
      return napilab::Error{"--bitrate " + bits.error().message};
    }
    rate = packets_per_second_for_bitrate(bits.value(), options.size);
    if (!rate) {
      return napilab::Error{"--bitrate: " + rate.error().message};
    }
  }
  auto duration = parse_duration(options.duration);
  if (!duration) {
    return napilab::Error{"--duration " + duration.error().message};
  }
  BlastConfig config{destination.value(), rate.value(), options.size, duration.value(),
                     options.batch};
  if (auto invalid = validate(config, options.allow_any_destination)) {
    return *invalid;
  }
  return config;
}

int run(int argc, char** argv) {
  CLI::App app{"napi-blast: paced UDP blaster (sendmmsg, sequence-numbered payloads)"};
  Options options;
  auto* dest = app.add_option("--dest", options.destination,
                              "receiver ADDRESS:PORT (loopback or 10.77.0.0/24)");
  auto* host =
      app.add_option("-c,--client", options.host, "receiver ADDRESS, as iperf3 -c")->excludes(dest);
  app.add_option("-p,--port", options.port, "receiver PORT with -c")
      ->capture_default_str()
      ->needs(host);
  auto* rate =
      app.add_option("--rate", options.rate, "packets per second, units k/K/M (e.g. 20k, 1.5k)");
  app.add_option("-b,--bitrate", options.bitrate,
                 "payload bits per second instead of --rate, units K/M/G (e.g. 20M)")
      ->excludes(rate);
  app.add_option("-l,--size", options.size, "UDP payload bytes (>= 24, the sequence header)");
  app.add_option("-t,--duration", options.duration,
                 "how long to send: 5 or 5s, 0.5, 500ms (<= 300s)");
  app.add_option("--batch", options.batch, "datagrams per sendmmsg at most");
  app.add_flag("--allow-any-destination", options.allow_any_destination,
               "also send outside loopback and the test bed's subnet");
  app.add_flag("--json", options.json, "report as JSON");
  app.footer(
      "exit: 0 sent at least one datagram (the report printed); 1 none sent, or a run-time\n"
      "failure (socket); 2 bad usage or a refused destination.\n"
      "example: napi-blast --dest 127.0.0.1:9000 --rate 20k --size 64 --duration 5s --json\n"
      "         napi-blast -c 127.0.0.1 -p 9000 -b 20M -l 1250 -t 5\n");
  if (const auto rc = napilab::parse_command_line(app, argc, argv)) {
    return *rc;
  }

  auto config = to_config(options);
  if (!config) {
    fmt::print(stderr, "napi-blast: {}\n", config.error().message);
    return kExitBadUsage;
  }
  napilab::net::Blaster blaster(config.value());
  const auto stats = blaster.run();
  if (options.json) {
    fmt::print("{}\n", napilab::net::to_json(config.value(), stats).dump(2));
  } else {
    fmt::print("{}", napilab::net::to_text(config.value(), stats));
  }
  return stats.packets > 0 ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) { return napilab::tool_main("napi-blast", argc, argv, run); }
