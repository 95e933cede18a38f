// napi-sink: TCP or UDP sink/echo server on the event loop, for a bounded
// time; reports bytes, messages, connections and, for the blaster's UDP,
// delivered/lost/reordered/duplicate sequence numbers.
#include <fmt/format.h>

#include <csignal>
#include <cstdio>

#include "napilab/cli.hpp"
#include "napilab/net/event_loop.hpp"
#include "napilab/net/report.hpp"
#include "napilab/net/sink.hpp"
#include "napilab/net/socket.hpp"
#include "napilab/net/units.hpp"
#include "napilab/stop_signal.hpp"
#include "napilab/tool_main.hpp"

namespace {

using napilab::kExitBadUsage;
constexpr std::chrono::hours kMaxSinkDuration{1};
constexpr rlim_t kWantedFds = 65536;

struct Options {
  std::string proto = "udp";
  std::string mode = "sink";
  std::string backend = "epoll";
  std::string trigger = "level";
  std::string bind = "0.0.0.0:9000";
  std::string port;  // iperf3's -p: the port on every address
  std::string duration = "10s";
  bool json = false;
};

struct Setup {
  napilab::net::SinkConfig sink;
  napilab::net::Backend backend = napilab::net::Backend::epoll;
  napilab::net::Trigger trigger = napilab::net::Trigger::level;
  std::chrono::nanoseconds duration{0};
};

napilab::Result<Setup> to_setup(const Options& options) {
  using namespace napilab::net;
  Setup setup;
  auto bind = parse_endpoint(options.port.empty() ? options.bind : "0.0.0.0:" + options.port);
  if (!bind) {
    return napilab::Error{(options.port.empty() ? "--bind " : "-p ") + bind.error().message};
  }
  setup.sink.bind = bind.value();
  setup.sink.protocol = options.proto == "tcp" ? Protocol::tcp : Protocol::udp;
  setup.sink.mode = options.mode == "echo" ? SinkMode::echo : SinkMode::sink;
  setup.backend = parse_backend(options.backend).value_or(Backend::epoll);
  setup.trigger = parse_trigger(options.trigger).value_or(Trigger::level);
  if (setup.backend == Backend::poll && setup.trigger == Trigger::edge) {
    return napilab::Error{"--trigger edge needs --backend epoll (poll(2) is level-triggered)"};
  }
  auto duration = parse_duration(options.duration);
  if (!duration) {
    return napilab::Error{"--duration " + duration.error().message};
  }
  if (duration.value() <= std::chrono::nanoseconds::zero() || duration.value() > kMaxSinkDuration) {
    return napilab::Error{"--duration must be more than 0 and at most 1 hour"};
  }
  setup.duration = duration.value();
  return setup;
}

int serve(const Setup& setup, bool json) {
  using namespace napilab::net;
  raise_fd_limit(kWantedFds);
  EventLoop loop(make_poller(setup.backend, setup.trigger));
  SinkServer server(loop, setup.sink);
  // Tests wait for this line before they send.
  fmt::print(stderr, "napi-sink: listening on {} ({}, {}, {})\n", server.local().to_string(),
             setup.sink.protocol == Protocol::udp ? "udp" : "tcp", to_string(setup.backend),
             to_string(setup.trigger));
  const auto deadline =
      std::chrono::steady_clock::now() +
      std::chrono::duration_cast<std::chrono::steady_clock::duration>(setup.duration);
  while (!napilab::stop_requested() && std::chrono::steady_clock::now() < deadline) {
    loop.run_until(
        std::min(deadline, std::chrono::steady_clock::now() + std::chrono::milliseconds(100)));
  }
  const SinkStats stats = server.stats();
  if (json) {
    fmt::print("{}\n", to_json(stats, setup.sink.protocol).dump(2));
  } else {
    fmt::print("{}", to_text(stats, setup.sink.protocol));
  }
  return 0;
}

int run(int argc, char** argv) {
  CLI::App app{"napi-sink: TCP/UDP sink or echo server on the epoll/poll event loop"};
  Options options;
  app.add_option("--proto", options.proto, "tcp or udp")->check(CLI::IsMember({"tcp", "udp"}));
  app.add_option("--mode", options.mode, "sink (discard) or echo")
      ->check(CLI::IsMember({"sink", "echo"}));
  app.add_option("--backend", options.backend, "epoll or poll")
      ->check(CLI::IsMember({"epoll", "poll"}));
  app.add_option("--trigger", options.trigger, "level or edge (epoll only)")
      ->check(CLI::IsMember({"level", "edge"}));
  auto* bind =
      app.add_option("--bind", options.bind, "ADDRESS:PORT to listen on")->capture_default_str();
  app.add_option("-p,--port", options.port, "PORT to listen on, every address (as iperf3 -s -p)")
      ->excludes(bind);
  app.add_option("-t,--duration", options.duration,
                 "how long to serve: 10 or 10s, 0.5, 500ms (<= 1h)")
      ->capture_default_str();
  app.add_flag("--json", options.json, "report as JSON");
  app.footer(
      "SIGINT or SIGTERM ends the run early, with its report.\n"
      "exit: 0 served until --duration or a signal (the report printed); 1 a run-time failure\n"
      "(socket, bind); 2 bad usage.\n"
      "example: napi-sink --proto udp --bind 127.0.0.1:9000 --duration 10s --json\n");
  if (const auto rc = napilab::parse_command_line(app, argc, argv)) {
    return *rc;
  }

  auto setup = to_setup(options);
  if (!setup) {
    fmt::print(stderr, "napi-sink: {}\n", setup.error().message);
    return kExitBadUsage;
  }
  napilab::install_stop_handlers();
  return serve(setup.value(), options.json);
}

}  // namespace

int main(int argc, char** argv) { return napilab::tool_main("napi-sink", argc, argv, run); }
