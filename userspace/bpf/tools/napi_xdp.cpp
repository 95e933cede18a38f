// napi-xdp: an XDP program of our own on one interface: frames and bytes
// by protocol, and UDP to one chosen port dropped.
//
//   napi-xdp -i eth0 [--mode native|generic|auto] [--drop-udp-port N]
//            [--interval 1s] [--duration 10s] [--json] [--verbose]
//
// Attaches napi_xdp.bpf.c through a BPF link, prints the counts of every
// interval and, at the end (--duration, SIGINT or SIGTERM), the total, then
// detaches: the link's fd is the attachment, so the program goes with the
// process however it ends. Exits 1 with the reason when the program cannot
// attach (no such interface, a mode the driver lacks, an XDP program
// already there, not root), 2 on bad arguments.
#include <fmt/format.h>

#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "napilab/bpf/xdp_counter.hpp"
#include "napilab/live.hpp"
#include "napilab/stop_signal.hpp"
#include "napilab/tool_main.hpp"

namespace {

namespace nb = napilab::bpf;

struct Options {
  nb::XdpCounterOptions counter;
  double interval = 1.0;  // seconds
  double duration = 0;    // seconds, 0 = until interrupted
  bool json = false;
  bool verbose = false;
};

std::string drop_text(std::uint16_t port) {
  return port == 0 ? std::string("dropping nothing") : fmt::format("dropping UDP to port {}", port);
}

void print_header(const nb::XdpCounter& counter, std::FILE* to) {
  fmt::print(to, "napi-xdp: attached to {} (ifindex {}) in {} mode (program id {}), {}\n",
             counter.iface(), counter.ifindex(), nb::mode_name(counter.mode()),
             counter.program_id(), drop_text(counter.drop_udp_port()));
}

void print_columns() {
  fmt::print("{:>7} {:>9} {:>8} {:>6}", "time", "frames/s", "dropped", "Mb/s");
  for (const std::string_view name : nb::kXdpProtoNames) {
    fmt::print(" {:>10}", name);
  }
  fmt::print("\n");
}

void print_row(const std::string& when, const nb::XdpRates& r) {
  const double mbits = r.seconds > 0 ? static_cast<double>(r.all.bytes) * 8 / r.seconds / 1e6 : 0;
  fmt::print("{:>7} {:9.0f} {:8} {:6.1f}", when, r.frames_per_s, r.counts.dropped.frames, mbits);
  for (const napi_xdp_count& count : r.counts.proto) {
    fmt::print(" {:10}", count.frames);
  }
  fmt::print("\n");
}

void print_json(const char* kind, double t, const nb::XdpCounter& counter, const nb::XdpRates& r) {
  nlohmann::json j = nb::to_json(r);
  j["kind"] = kind;
  j["t"] = t;
  j["iface"] = counter.iface();
  j["mode"] = nb::mode_name(counter.mode());
  j["drop_udp_port"] = counter.drop_udp_port();
  fmt::print("{}\n", j.dump());
}

// Attached: the counts of every interval, then the total. 1 when the
// counters cannot be read.
int count(const Options& options, nb::XdpCounter counter) {
  auto intervals = napilab::Intervals<nb::XdpCounter>::start(std::move(counter));
  if (!intervals) {
    fmt::print(stderr, "napi-xdp: {}\n", intervals.error().to_string());
    return 1;
  }
  auto& live = intervals.value();
  print_header(live.source(), options.json ? stderr : stdout);
  if (!options.json) {
    print_columns();
  }
  const int rc = napilab::run_intervals_for(options.interval, options.duration, [&] {
    auto rates = live.next();
    if (!rates) {
      fmt::print(stderr, "napi-xdp: {}\n", rates.error().to_string());
      return false;
    }
    if (options.json) {
      print_json("interval", live.elapsed(), live.source(), rates.value());
    } else {
      print_row(fmt::format("{:.1f}", live.elapsed()), rates.value());
    }
    return true;
  });
  if (options.json) {
    print_json("total", live.elapsed(), live.source(), live.total());
  } else {
    print_row("total", live.total());
  }
  (void)std::fflush(stdout);
  return rc;
}

int run(int argc, char** argv) {
  CLI::App app{
      "napi-xdp: an XDP program of our own on one interface: frames and bytes by protocol,\n"
      "UDP to one chosen port dropped"};
  Options options;
  int drop_port = 0;
  const std::map<std::string, nb::XdpMode> modes{{"auto", nb::XdpMode::kAuto},
                                                 {"native", nb::XdpMode::kNative},
                                                 {"generic", nb::XdpMode::kGeneric}};
  app.add_option("-i,--iface,--interface", options.counter.iface, "network interface, e.g. eth0")
      ->required();
  std::string mode = "auto";
  app.add_option("--mode", mode,
                 "native (in the driver's napi_poll; the driver must have XDP), generic (on the\n"
                 "skb, any interface) or auto (native where the driver has it)")
      ->check(CLI::IsMember(modes))
      ->capture_default_str();
  app.add_option("--drop-udp-port", drop_port,
                 "drop UDP (IPv4 and IPv6) to this destination port; 0 = drop nothing")
      ->check(CLI::Range(0, 65535))
      ->default_str("0");
  app.add_option("--interval", options.interval,
                 "time between rows: 0.5 (seconds), 500ms, 2s (0.1 s .. 3600 s)")
      ->transform(napilab::duration_in_seconds())
      ->check(CLI::Range(0.1, 3600.0))
      ->default_str("1s");
  app.add_option("--duration", options.duration,
                 "how long to stay attached: 10s, 2m (<= 24 h); 0 = until SIGINT/SIGTERM")
      ->transform(napilab::duration_in_seconds())
      ->check(CLI::Range(0.0, 86400.0))
      ->default_str("0");
  app.add_flag("--json", options.json,
               "one JSON object per interval (\"kind\": \"interval\"), then the total\n"
               "(\"kind\": \"total\"); the attach line goes to stderr");
  app.add_flag("-v,--verbose", options.verbose, "show libbpf's log (verifier output)");
  app.footer(
      "Rows: frames/s of the interval, frames dropped (XDP_DROP), Mb/s, and the frames of\n"
      "each protocol: IPv4 and IPv6 by TCP, UDP, ICMP and other, ARP, other Ethernet\n"
      "types (after up to two VLAN tags). Dropped frames count in their protocol too.\n"
      "--json: \"all\", \"udp\" (IPv4 + IPv6), \"dropped\" and each of \"protocols\" as\n"
      "{\"frames\", \"bytes\"}, with \"seconds\", \"frames_per_s\", \"dropped_per_s\",\n"
      "\"vlan_frames\", \"mode\" (the mode the kernel attached in), \"drop_udp_port\".\n"
      "exit: 0 ran --duration or was stopped by SIGINT/SIGTERM (the total printed, the\n"
      "program detached); 1 the program could not attach (no such interface, a mode the\n"
      "driver lacks, an XDP program already on it, not root) or the counters could not be\n"
      "read; 2 bad usage.\n");
  if (const auto rc = napilab::parse_command_line(app, argc, argv)) {
    return *rc;
  }
  options.counter.mode = modes.at(mode);
  options.counter.drop_udp_port = static_cast<std::uint16_t>(drop_port);

  // Before the attach: a signal from then on ends the loop, not the
  // process, so the total is printed and the link closed.
  napilab::install_stop_handlers();
  nb::XdpCounter::set_libbpf_log(options.verbose);
  auto counter = nb::XdpCounter::attach(options.counter);
  if (!counter) {
    fmt::print(stderr, "napi-xdp: {}\n", counter.error().to_string());
    return 1;
  }
  const int rc = count(options, std::move(counter).value());
  fmt::print(stderr, "napi-xdp: detached from {}\n", options.counter.iface);
  return rc;
}

}  // namespace

int main(int argc, char** argv) { return napilab::tool_main("napi-xdp", argc, argv, run); }
