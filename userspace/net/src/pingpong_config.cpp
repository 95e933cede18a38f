// napi-pingpong's options -> PingConfig: pure, every refusal in one place.
#include <sys/resource.h>

#include <limits>

#include "napilab/net/pingpong.hpp"
#include "napilab/net/sequence.hpp"
#include "napilab/net/units.hpp"

namespace napilab::net {
namespace {

// A count option ("64", "10k") within [low, high], or an error naming it.
Result<std::uint64_t> count_in(std::string_view option, std::string_view text, std::uint64_t low,
                               std::uint64_t high) {
  const std::string name(option);
  if (!text.empty() && text.front() == '-') {
    return Error{name + " '" + std::string(text) + "': must not be negative"};
  }
  auto value = parse_count(text);
  if (!value) {
    return Error{name + " " + value.error().message};
  }
  if (value.value() < low || value.value() > high) {
    return Error{name + " " + std::to_string(value.value()) + ": must be " + std::to_string(low) +
                 ".." + std::to_string(high)};
  }
  return value.value();
}

// A duration option ("500ms", "2s") in (0, high], or an error naming it.
Result<std::chrono::nanoseconds> duration_in(std::string_view option, std::string_view text,
                                             std::chrono::nanoseconds high,
                                             std::string_view high_text) {
  const std::string name(option);
  if (!text.empty() && text.front() == '-') {
    return Error{name + " '" + std::string(text) + "': must not be negative"};
  }
  auto value = parse_duration(text);
  if (!value) {
    return Error{name + " " + value.error().message};
  }
  if (value.value() <= std::chrono::nanoseconds::zero() || value.value() > high) {
    return Error{name + " '" + std::string(text) + "': must be more than 0 and at most " +
                 std::string(high_text)};
  }
  return value.value();
}

std::optional<Error> check_size(Protocol protocol, std::size_t size) {
  const std::size_t most = protocol == Protocol::udp ? kMaxUdpMessage : kMaxTcpMessage;
  if (size < kSeqHeaderSize || size > most) {
    return Error{"--size " + std::to_string(size) + ": a " +
                 std::string(protocol == Protocol::udp ? "UDP" : "TCP") + " message must be " +
                 std::to_string(kSeqHeaderSize) + ".." + std::to_string(most) +
                 " bytes (the sequence number and send time take " +
                 std::to_string(kSeqHeaderSize) + ")"};
  }
  return std::nullopt;
}

std::optional<Error> parse_busy_poll(const PingOptions& options, BusyPoll& busy_poll) {
  if (!options.busy_poll.empty()) {
    auto usec = count_in("--busy-poll", options.busy_poll, 0, kMaxBusyPollUsec);
    if (!usec) {
      return usec.error();
    }
    busy_poll.usec = static_cast<std::uint32_t>(usec.value());
  }
  if (!options.busy_poll_budget.empty()) {
    auto budget = count_in("--busy-poll-budget", options.busy_poll_budget, 1, kMaxBusyPollBudget);
    if (!budget) {
      return budget.error();
    }
    busy_poll.budget = static_cast<std::uint32_t>(budget.value());
  }
  busy_poll.prefer = options.prefer_busy_poll;
  if (busy_poll.usec == 0 && (busy_poll.prefer || busy_poll.budget != 0)) {
    return Error{
        "--prefer-busy-poll and --busy-poll-budget tune busy polling: give --busy-poll "
        "USEC (more than 0) too"};
  }
  return std::nullopt;
}

// The options only the client takes: rate, in flight, count, timeout.
std::optional<Error> parse_client_load(const PingOptions& options, PingConfig& config) {
  auto inflight = count_in("--inflight", options.inflight, 1, kMaxInflight);
  if (!inflight) {
    return inflight.error();
  }
  config.inflight = static_cast<std::uint32_t>(inflight.value());
  if (!options.rate.empty()) {
    auto rate = count_in("--rate", options.rate, 1, kMaxPingRate);
    if (!rate) {
      return Error{rate.error().message + " (leave --rate out for back-to-back)"};
    }
    config.rate = rate.value();
  }
  if (config.rate != 0 && config.wait == WaitMode::recv) {
    return Error{
        "--rate needs --wait poll or epoll: a client blocked in recv cannot send on "
        "schedule (leave --rate out for back-to-back with --wait recv)"};
  }
  auto timeout = duration_in("--timeout", options.timeout, kMaxPingTimeout, "60s");
  if (!timeout) {
    return timeout.error();
  }
  config.timeout = timeout.value();
  return std::nullopt;
}

}  // namespace

std::optional<WaitMode> parse_wait_mode(std::string_view name) {
  if (name == "recv") {
    return WaitMode::recv;
  }
  if (name == "poll") {
    return WaitMode::poll;
  }
  if (name == "epoll") {
    return WaitMode::epoll;
  }
  return std::nullopt;
}

std::string_view to_string(WaitMode mode) {
  switch (mode) {
    case WaitMode::recv:
      return "recv";
    case WaitMode::poll:
      return "poll";
    case WaitMode::epoll:
      return "epoll";
  }
  return "?";
}

std::string_view to_string(Role role) { return role == Role::server ? "server" : "client"; }

std::string_view to_string(Protocol protocol) { return protocol == Protocol::udp ? "udp" : "tcp"; }

Result<PingConfig> to_config(const PingOptions& options) {
  PingConfig config;
  config.role = options.role;
  config.allow_any_peer = options.allow_any_destination;
  if (options.proto != "udp" && options.proto != "tcp") {
    return Error{"--proto '" + options.proto + "': udp or tcp"};
  }
  config.protocol = options.proto == "udp" ? Protocol::udp : Protocol::tcp;

  const std::string endpoint_option = options.role == Role::client ? "--connect" : "--bind";
  auto endpoint = parse_endpoint(options.endpoint);
  if (!endpoint) {
    return Error{endpoint_option + " " + endpoint.error().message};
  }
  config.endpoint = endpoint.value();
  if (options.role == Role::client) {
    if (config.endpoint.port == 0) {
      return Error{"--connect port 0: give the server's port, e.g. 127.0.0.1:9000"};
    }
    if (!config.allow_any_peer && !is_lab_destination(config.endpoint)) {
      return Error{"--connect " + config.endpoint.to_string() +
                   " is outside loopback (127.0.0.0/8) and the test bed (10.77.0.0/24); "
                   "pass --allow-any-destination if you really mean it"};
    }
  }

  auto size = count_in("--size", options.size, 0, std::numeric_limits<std::uint32_t>::max());
  if (!size) {
    return size.error();
  }
  config.size = static_cast<std::size_t>(size.value());
  if (auto invalid = check_size(config.protocol, config.size)) {
    return *invalid;
  }

  auto wait = parse_wait_mode(options.wait);
  if (!wait) {
    return Error{"--wait '" + options.wait + "': recv, poll or epoll"};
  }
  config.wait = *wait;
  auto trigger = parse_trigger(options.trigger);
  if (!trigger) {
    return Error{"--trigger '" + options.trigger + "': level or edge"};
  }
  config.trigger = *trigger;
  if (config.trigger == Trigger::edge && config.wait != WaitMode::epoll) {
    return Error{
        "--trigger edge needs --wait epoll (recv and poll(2) have no edge-triggered mode)"};
  }

  auto duration = duration_in("--duration", options.duration, kMaxPingDuration, "60m");
  if (!duration) {
    return duration.error();
  }
  config.duration = duration.value();
  if (!options.count.empty()) {
    auto count = count_in("--count", options.count, 1, std::numeric_limits<std::uint64_t>::max());
    if (!count) {
      return count.error();
    }
    config.count = count.value();
  }
  if (auto invalid = parse_busy_poll(options, config.busy_poll)) {
    return *invalid;
  }
  if (config.role == Role::client) {
    if (auto invalid = parse_client_load(options, config)) {
      return *invalid;
    }
  }
  return config;
}

CpuTime process_cpu_time() {
  rusage usage{};
  ::getrusage(RUSAGE_SELF, &usage);
  const auto seconds = [](const timeval& time) {
    return static_cast<double>(time.tv_sec) + static_cast<double>(time.tv_usec) / 1e6;
  };
  return {seconds(usage.ru_utime), seconds(usage.ru_stime)};
}

CpuTime operator-(const CpuTime& end, const CpuTime& start) {
  return {end.user_s - start.user_s, end.sys_s - start.sys_s};
}

namespace {
double per_second(std::uint64_t messages, std::chrono::nanoseconds elapsed) {
  const double seconds = std::chrono::duration<double>(elapsed).count();
  return seconds > 0 ? static_cast<double>(messages) / seconds : 0.0;
}
}  // namespace

double ClientStats::messages_per_s() const { return per_second(replies.received(), elapsed); }

double ServerStats::messages_per_s() const { return per_second(echoed, elapsed); }

}  // namespace napilab::net
