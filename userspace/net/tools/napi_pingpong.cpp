// napi-pingpong: request/response latency over UDP or TCP. The server
// echoes; the client sends sequence-numbered, timestamped messages
// (back-to-back or at a fixed rate, K in flight) for a bounded time and
// reports the RTT distribution, messages/s, lost and late replies and its
// CPU time.
#include <fmt/format.h>

#include <cstdio>

#include "napilab/cli.hpp"
#include "napilab/net/pingpong.hpp"
#include "napilab/net/pingpong_client.hpp"
#include "napilab/net/pingpong_server.hpp"
#include "napilab/net/report.hpp"
#include "napilab/stop_signal.hpp"
#include "napilab/tool_main.hpp"

namespace {

using napilab::kExitBadUsage;
// The server outlives a client started after it with the defaults.
constexpr const char* kServerDuration = "10s";
constexpr const char* kClientDuration = "5s";

constexpr const char* kFooter = R"(
Measuring: each message carries its sequence number and its send time (CLOCK_MONOTONIC);
the RTT is read off the reply. With --rate the schedule is fixed (open loop): a request
that waits for a place among --inflight goes out late but its RTT counts from its
scheduled time, so a stall shows in the RTTs (no coordinated omission). A reply after
--timeout is late: counted in "late" and "received", not in the RTT histogram (which holds
on-time replies only, so rtt_ns.max <= timeout); a request never answered is lost
(sent == received + lost). Percentiles come from a log-bucketed histogram: never below the
true value, at most 1/64 (1.6 %) above it.

Waiting: recv blocks in recv(2) (each call bounded by SO_RCVTIMEO); poll and epoll wait on
a non-blocking socket (--trigger edge: epoll only). --rate needs poll or epoll.
Busy polling (socket(7)): SO_BUSY_POLL drives blocking recv; poll(2) and epoll_wait(2)
busy-poll only when the sysctl net.core.busy_poll is non-zero. On 6.1 epoll_wait polls
the NAPI id of the socket that last became ready, for net.core.busy_poll us, with the
kernel's default budget (8), and ignores SO_PREFER_BUSY_POLL; recv and poll use the
socket's own settings. A socket's NAPI id is set by its first packet; loopback has none,
so busy polling changes nothing there. On 6.1, SO_PREFER_BUSY_POLL, raising SO_BUSY_POLL
and raising SO_BUSY_POLL_BUDGET need CAP_NET_ADMIN (newer kernels let anyone set
SO_BUSY_POLL); when the kernel refuses, napi-pingpong says which option and exits 2.

Addresses: the client connects, and the server answers, only inside loopback
(127.0.0.0/8) and the test bed (10.77.0.0/24) unless --allow-any-destination.
TCP: the server serves one connection at a time; give it the client's --size.

--json: one object. role, protocol, size, wait, trigger, busy_poll {usec, prefer, budget},
duration_s (measured), sent, received, messages_per_s (received / duration_s),
cpu {user_s, sys_s} (getrusage of the whole run). Client: inflight, rate (0 =
back-to-back), lost, late, duplicates, unknown (replies that match no request, wrong
size, not ours), send_errors, rtt_ns {count, min, p50, p90, p99, p999, max, mean}.
Server: sent = echoed, refused_peers, errors, connections (TCP); the client's keys null.

SIGINT or SIGTERM ends a run early (also a background job's, whose SIGINT a shell
ignores): the client stops sending and waits --timeout for the replies in flight, the
server stops; both print their report.

exit: 0 done (client: at least one reply); 1 a run-time failure (socket, connect; the
client got no reply); 2 bad usage, or busy polling refused (CAP_NET_ADMIN).
example: napi-pingpong server --bind 127.0.0.1:9000 --duration 10s &
         napi-pingpong client --connect 127.0.0.1:9000 --size 64 --duration 2s --json)";

// The options both sides take.
void add_common_options(CLI::App& side, napilab::net::PingOptions& options, bool& json,
                        const char* default_duration) {
  side.add_option("--proto", options.proto, "udp or tcp")->check(CLI::IsMember({"udp", "tcp"}));
  side.add_option("-l,--size", options.size, "message bytes, >= 24 (UDP <= 65507, TCP <= 1 MiB)")
      ->capture_default_str();
  side.add_option("-t,--duration", options.duration, "how long: 5 or 5s, 0.5, 500ms (<= 60m)")
      ->default_str(default_duration);
  side.add_option("--count", options.count,
                  "messages at most (client: sent, server: echoed), units k/M");
  side.add_option("--wait", options.wait, "recv, poll or epoll")->capture_default_str();
  side.add_option("--trigger", options.trigger, "level or edge (edge: --wait epoll only)")
      ->capture_default_str();
  side.add_option("--busy-poll", options.busy_poll, "SO_BUSY_POLL microseconds (0..1000000)");
  side.add_flag("--prefer-busy-poll", options.prefer_busy_poll,
                "SO_PREFER_BUSY_POLL (needs --busy-poll and CAP_NET_ADMIN)");
  side.add_option("--busy-poll-budget", options.busy_poll_budget,
                  "SO_BUSY_POLL_BUDGET packets per poll (1..65535; needs --busy-poll)");
  side.add_flag("--allow-any-destination", options.allow_any_destination,
                "also talk to peers outside loopback and the test bed's subnet");
  side.add_flag("--json", json, "report as one JSON object");
}

template <class Side>
int run_side(const napilab::net::PingConfig& config, bool json) {
  Side side(config);
  if constexpr (std::is_same_v<Side, napilab::net::PingServer>) {
    // Tests and scripts wait for this line before the client starts.
    fmt::print(stderr, "napi-pingpong: serving on {} ({}, wait {})\n", side.local().to_string(),
               to_string(config.protocol), to_string(config.wait));
  }
  const auto stats = side.run();
  fmt::print("{}", json ? napilab::net::to_json(config, stats).dump(2) + "\n"
                        : napilab::net::to_text(config, stats));
  if constexpr (std::is_same_v<Side, napilab::net::PingClient>) {
    return stats.replies.received() > 0 ? 0 : 1;
  }
  return 0;
}

int run(int argc, char** argv) {
  CLI::App app{"napi-pingpong: request/response latency (UDP/TCP echo, RTT histogram)"};
  app.footer(kFooter);
  app.require_subcommand(1);
  napilab::net::PingOptions options;
  bool json = false;

  // iperf3's spelling of the address: -c HOST -p PORT (client), -p PORT
  // (server, every address).
  std::string host;
  std::string port;
  CLI::App* server = app.add_subcommand("server", "echo every message back");
  options.endpoint = "0.0.0.0:9000";
  auto* bind = server->add_option("--bind", options.endpoint, "ADDRESS:PORT to serve on")
                   ->capture_default_str();
  server->add_option("-p,--port", port, "PORT to serve on, every address (as iperf3 -s -p)")
      ->excludes(bind);
  add_common_options(*server, options, json, kServerDuration);

  CLI::App* client = app.add_subcommand("client", "send, time the replies, report");
  auto* connect = client->add_option("--connect", options.endpoint, "server ADDRESS:PORT");
  auto* client_host =
      client->add_option("-c,--client", host, "server ADDRESS, as iperf3 -c")->excludes(connect);
  client->add_option("-p,--port", port, "server PORT with -c (9000)")->needs(client_host);
  client->add_option("--inflight", options.inflight, "requests outstanding at most (1..4096)")
      ->capture_default_str();
  client->add_option("--rate", options.rate,
                     "requests per second, units k/M (open loop); default back-to-back");
  client->add_option("--timeout", options.timeout, "a reply after it is late, e.g. 200ms")
      ->capture_default_str();
  add_common_options(*client, options, json, kClientDuration);

  if (const auto rc = napilab::parse_command_line(app, argc, argv)) {
    return *rc;
  }
  options.role = server->parsed() ? napilab::net::Role::server : napilab::net::Role::client;
  if (options.role == napilab::net::Role::client && client->count("--connect") == 0 &&
      host.empty()) {
    fmt::print(stderr,
               "napi-pingpong: client: give the server: --connect ADDRESS:PORT or -c ADDRESS\n");
    return kExitBadUsage;
  }
  if (!host.empty()) {
    options.endpoint = host + ":" + (port.empty() ? "9000" : port);
  } else if (!port.empty()) {
    options.endpoint = "0.0.0.0:" + port;
  }
  if (server->count("--duration") == 0 && client->count("--duration") == 0) {
    options.duration =
        options.role == napilab::net::Role::server ? kServerDuration : kClientDuration;
  }
  auto config = napilab::net::to_config(options);
  if (!config) {
    fmt::print(stderr, "napi-pingpong: {}\n", config.error().message);
    return kExitBadUsage;
  }
  // Ctrl-C or kill ends the run early, with its report.
  napilab::install_stop_handlers();
  config.value().stop = napilab::stop_flag();
  try {
    return options.role == napilab::net::Role::server
               ? run_side<napilab::net::PingServer>(config.value(), json)
               : run_side<napilab::net::PingClient>(config.value(), json);
  } catch (const napilab::net::BusyPollRefused& refused) {
    fmt::print(stderr, "napi-pingpong: {}\n", refused.what());
    return kExitBadUsage;
  }
}

}  // namespace

int main(int argc, char** argv) { return napilab::tool_main("napi-pingpong", argc, argv, run); }
