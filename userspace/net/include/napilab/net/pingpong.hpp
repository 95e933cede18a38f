// napi-pingpong's configuration and results: a request/response latency
// test over UDP or TCP between a client, which times each reply, and a
// server, which echoes each message back.
//
// A message is `size` bytes that start with the blaster's SeqHeader
// (sequence.hpp): the client's sequence number and its send time
// (CLOCK_MONOTONIC); the server sends each message back unchanged, so the
// client reads the RTT off the reply. With a rate the send times are the
// schedule's, not the moments the sends happened (see PingClient).
#pragma once

#include <chrono>
#include <csignal>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "napilab/net/endpoint.hpp"
#include "napilab/net/histogram.hpp"
#include "napilab/net/poller.hpp"
#include "napilab/net/reply_tracker.hpp"
#include "napilab/net/sink.hpp"
#include "napilab/net/socket.hpp"
#include "napilab/result.hpp"

namespace napilab::net {

enum class Role { server, client };

// How a side waits for its socket: blocked in recv(2) itself (the socket
// made blocking, each call bounded by SO_RCVTIMEO), or in poll(2) or
// epoll_wait(2) on a non-blocking socket through the Poller.
enum class WaitMode { recv, poll, epoll };

std::optional<WaitMode> parse_wait_mode(std::string_view name);
std::string_view to_string(WaitMode mode);
std::string_view to_string(Role role);
std::string_view to_string(Protocol protocol);

struct PingConfig {
  Role role = Role::client;
  Protocol protocol = Protocol::udp;
  Endpoint endpoint;      // the client's server, the server's bind address
  std::size_t size = 64;  // message bytes, the SeqHeader's 24 included
  std::uint32_t inflight = 1;
  std::uint64_t rate = 0;  // messages per second; 0: back-to-back
  std::chrono::nanoseconds duration = std::chrono::seconds(5);
  std::uint64_t count = 0;  // messages at most (client: sent, server: echoed); 0: no limit
  std::chrono::nanoseconds timeout = std::chrono::seconds(1);
  WaitMode wait = WaitMode::epoll;
  Trigger trigger = Trigger::level;
  BusyPoll busy_poll;
  bool allow_any_peer = false;  // send outside loopback and the test bed
  // Set (non-zero) by a signal handler to end the run early: the client
  // stops sending and waits for the replies in flight as at the end of its
  // duration, the server stops; both report. nullptr: run to the end.
  const volatile std::sig_atomic_t* stop = nullptr;
};

// Bounds that keep a typo from turning into a flood or an endless run.
inline constexpr std::size_t kMaxUdpMessage = 65'507;  // largest IPv4 UDP payload
inline constexpr std::size_t kMaxTcpMessage = 1 << 20;
inline constexpr std::uint32_t kMaxInflight = 4096;  // well inside ReplyTracker::kWindow
inline constexpr std::uint64_t kMaxPingRate = 2'000'000;
inline constexpr std::chrono::hours kMaxPingDuration{1};
inline constexpr std::chrono::seconds kMaxPingTimeout{60};
inline constexpr std::uint32_t kMaxBusyPollUsec = 1'000'000;
inline constexpr std::uint32_t kMaxBusyPollBudget = 65'535;  // the kernel's U16_MAX

// The command line as typed, before any of it is checked: every number is
// text, so that to_config() can say what is wrong with it in one voice.
// An empty optional value means the option was not given.
struct PingOptions {
  Role role = Role::client;
  std::string proto = "udp";
  std::string endpoint;  // --connect or --bind
  std::string size = "64";
  std::string inflight = "1";
  std::string rate;  // empty: back-to-back
  std::string duration = "5s";
  std::string count;
  std::string timeout = "1s";
  std::string wait = "epoll";
  std::string trigger = "level";
  std::string busy_poll;
  std::string busy_poll_budget;
  bool prefer_busy_poll = false;
  bool allow_any_destination = false;
};

// The options as a checked PingConfig, or an error that names the option,
// what is wrong with it and, where it helps, what to give instead.
Result<PingConfig> to_config(const PingOptions& options);

struct CpuTime {
  double user_s = 0;
  double sys_s = 0;
};

// The process's user and system CPU time so far (getrusage RUSAGE_SELF).
CpuTime process_cpu_time();
CpuTime operator-(const CpuTime& end, const CpuTime& start);

struct ClientStats {
  std::chrono::nanoseconds elapsed{0};  // first send to the last reply waited for
  ReplyCounts replies;
  std::uint64_t malformed = 0;    // replies of the wrong size or without a SeqHeader
  std::uint64_t send_errors = 0;  // sends the kernel refused (ECONNREFUSED, ENOBUFS...)
  LatencyHistogram rtt;           // on-time replies only
  CpuTime cpu;
  [[nodiscard]] double messages_per_s() const;
};

struct ServerStats {
  std::chrono::nanoseconds elapsed{0};
  std::uint64_t received = 0;       // UDP datagrams, TCP messages of `size` bytes
  std::uint64_t echoed = 0;         // messages sent back whole
  std::uint64_t refused_peers = 0;  // datagrams or connections from outside the lab
  std::uint64_t connections = 0;    // TCP
  std::uint64_t errors = 0;         // failed recv/send/accept other than EAGAIN
  CpuTime cpu;
  [[nodiscard]] double messages_per_s() const;
};

}  // namespace napilab::net
