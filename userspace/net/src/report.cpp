#include "napilab/net/report.hpp"

#include <fmt/format.h>

#include <chrono>
#include <string_view>
#include <utility>
#include <vector>

namespace napilab::net {
namespace {

double seconds(std::chrono::nanoseconds duration) {
  return std::chrono::duration<double>(duration).count();
}

// Error categories with a non-zero count, in a fixed order.
std::vector<std::pair<std::string_view, std::uint64_t>> nonzero_errors(const SendErrors& errors) {
  std::vector<std::pair<std::string_view, std::uint64_t>> out;
  for (const auto& category :
       {std::pair<std::string_view, std::uint64_t>{"no_buffer", errors.no_buffer},
        {"refused", errors.refused},
        {"unreachable", errors.unreachable},
        {"other", errors.other}}) {
    if (category.second != 0) {
      out.push_back(category);
    }
  }
  return out;
}

// What both pingpong sides report alike: the setup, the time, the CPU.
nlohmann::json ping_common_json(const PingConfig& config, std::chrono::nanoseconds elapsed,
                                const CpuTime& cpu, double messages_per_s) {
  return {
      {"role", to_string(config.role)},
      {"protocol", to_string(config.protocol)},
      {"size", config.size},
      {"wait", to_string(config.wait)},
      {"trigger", to_string(config.trigger)},
      {"busy_poll",
       {{"usec", config.busy_poll.usec},
        {"prefer", config.busy_poll.prefer},
        {"budget", config.busy_poll.budget}}},
      {"duration_s", seconds(elapsed)},
      {"messages_per_s", messages_per_s},
      {"cpu", {{"user_s", cpu.user_s}, {"sys_s", cpu.sys_s}}},
  };
}

std::string ping_setup_text(const PingConfig& config) {
  std::string out =
      fmt::format("{} {} {}, {} B", to_string(config.role), to_string(config.protocol),
                  config.endpoint.to_string(), config.size);
  if (config.role == Role::client) {
    out += fmt::format(
        ", {} in flight, {}", config.inflight,
        config.rate == 0 ? std::string("back-to-back") : fmt::format("{} msg/s", config.rate));
  }
  out += fmt::format(", wait {} ({})", to_string(config.wait), to_string(config.trigger));
  if (config.busy_poll.usec != 0) {
    out += fmt::format(", busy poll {} us{}", config.busy_poll.usec,
                       config.busy_poll.prefer ? " preferred" : "");
    if (config.busy_poll.budget != 0) {
      out += fmt::format(" budget {}", config.busy_poll.budget);
    }
  }
  return out + "\n";
}

std::string cpu_text(const CpuTime& cpu) {
  return fmt::format("cpu: user {:.3f} s, sys {:.3f} s\n", cpu.user_s, cpu.sys_s);
}

}  // namespace

nlohmann::json to_json(const PingConfig& config, const ClientStats& stats) {
  nlohmann::json out = ping_common_json(config, stats.elapsed, stats.cpu, stats.messages_per_s());
  const LatencyHistogram& rtt = stats.rtt;
  out.update({
      {"inflight", config.inflight},
      {"rate", config.rate},
      {"sent", stats.replies.sent},
      {"received", stats.replies.received()},
      {"lost", stats.replies.lost()},
      {"late", stats.replies.late},
      {"duplicates", stats.replies.duplicates},
      {"unknown", stats.replies.unknown + stats.malformed},
      {"send_errors", stats.send_errors},
      {"rtt_ns",
       {{"count", rtt.count()},
        {"min", rtt.min()},
        {"p50", rtt.percentile(0.5)},
        {"p90", rtt.percentile(0.9)},
        {"p99", rtt.percentile(0.99)},
        {"p999", rtt.percentile(0.999)},
        {"max", rtt.max()},
        {"mean", rtt.mean()}}},
  });
  return out;
}

nlohmann::json to_json(const PingConfig& config, const ServerStats& stats) {
  nlohmann::json out = ping_common_json(config, stats.elapsed, stats.cpu, stats.messages_per_s());
  for (const char* client_only :
       {"inflight", "rate", "lost", "late", "duplicates", "unknown", "rtt_ns"}) {
    out[client_only] = nullptr;
  }
  out.update({
      {"sent", stats.echoed},
      {"received", stats.received},
      {"refused_peers", stats.refused_peers},
      {"errors", stats.errors},
  });
  if (config.protocol == Protocol::tcp) {
    out["connections"] = stats.connections;
  }
  return out;
}

std::string to_text(const PingConfig& config, const ClientStats& stats) {
  const ReplyCounts& replies = stats.replies;
  std::string out = ping_setup_text(config);
  out += fmt::format("sent {}, received {} ({} late), lost {} in {:.3f} s: {:.0f} msg/s\n",
                     replies.sent, replies.received(), replies.late, replies.lost(),
                     seconds(stats.elapsed), stats.messages_per_s());
  if (replies.duplicates + replies.unknown + stats.malformed + stats.send_errors != 0) {
    out += fmt::format("duplicates {}, unknown {}, send errors {}\n", replies.duplicates,
                       replies.unknown + stats.malformed, stats.send_errors);
  }
  const LatencyHistogram& rtt = stats.rtt;
  const auto us = [](std::uint64_t ns) { return static_cast<double>(ns) / 1e3; };
  out += fmt::format(
      "rtt us (on time: {}): min {:.1f} p50 {:.1f} p90 {:.1f} p99 {:.1f} p99.9 {:.1f} max {:.1f} "
      "mean {:.1f}\n",
      rtt.count(), us(rtt.min()), us(rtt.percentile(0.5)), us(rtt.percentile(0.9)),
      us(rtt.percentile(0.99)), us(rtt.percentile(0.999)), us(rtt.max()), rtt.mean() / 1e3);
  return out + cpu_text(stats.cpu);
}

std::string to_text(const PingConfig& config, const ServerStats& stats) {
  std::string out = ping_setup_text(config);
  out += fmt::format("received {}, echoed {} in {:.3f} s: {:.0f} msg/s\n", stats.received,
                     stats.echoed, seconds(stats.elapsed), stats.messages_per_s());
  if (config.protocol == Protocol::tcp) {
    out += fmt::format("connections {}\n", stats.connections);
  }
  if (stats.refused_peers + stats.errors != 0) {
    out += fmt::format("refused peers {}, errors {}\n", stats.refused_peers, stats.errors);
  }
  return out + cpu_text(stats.cpu);
}

nlohmann::json to_json(const BlastConfig& config, const BlastStats& stats) {
  nlohmann::json send_errors = nlohmann::json::object();
  for (const auto& [name, count] : nonzero_errors(stats.errors)) {
    send_errors[std::string(name)] = count;
  }
  return {
      {"destination", config.destination.to_string()},
      {"rate_pps", config.rate_pps},
      {"payload_bytes", config.payload_size},
      {"duration_s", seconds(config.duration)},
      {"packets", stats.packets},
      {"bytes", stats.bytes},
      {"elapsed_s", seconds(stats.elapsed)},
      {"achieved_pps", stats.achieved_pps()},
      {"send_errors", send_errors},
  };
}

nlohmann::json to_json(const SinkStats& stats, Protocol protocol) {
  nlohmann::json out = {
      {"protocol", protocol == Protocol::udp ? "udp" : "tcp"},
      {"bytes", stats.bytes},
      {"messages", stats.messages},
      {"echoed_bytes", stats.echoed_bytes},
      {"errors", stats.errors},
  };
  if (protocol == Protocol::tcp) {
    out["connections"] = stats.connections;
  } else {
    out["unsequenced"] = stats.unsequenced;
    out["sequence"] = {
        {"delivered", stats.sequence.delivered},
        {"lost", stats.sequence.lost},
        {"reordered", stats.sequence.reordered},
        {"duplicates", stats.sequence.duplicates},
    };
  }
  return out;
}

std::string to_text(const BlastConfig& config, const BlastStats& stats) {
  std::string out =
      fmt::format("sent {} packets ({} bytes) to {} in {:.3f} s: {:.0f} pps of {} asked\n",
                  stats.packets, stats.bytes, config.destination.to_string(),
                  seconds(stats.elapsed), stats.achieved_pps(), config.rate_pps);
  for (const auto& [name, count] : nonzero_errors(stats.errors)) {
    out += fmt::format("send errors, {}: {}\n", name, count);
  }
  return out;
}

std::string to_text(const SinkStats& stats, Protocol protocol) {
  std::string out;
  if (protocol == Protocol::tcp) {
    out = fmt::format("received {} bytes in {} reads over {} connections\n", stats.bytes,
                      stats.messages, stats.connections);
  } else {
    out = fmt::format("received {} datagrams, {} bytes\n", stats.messages, stats.bytes);
  }
  if (protocol == Protocol::udp && stats.messages != stats.unsequenced) {
    out += fmt::format("sequenced: delivered {}, lost {}, reordered {}, duplicates {}\n",
                       stats.sequence.delivered, stats.sequence.lost, stats.sequence.reordered,
                       stats.sequence.duplicates);
  }
  if (stats.errors != 0) {
    out += fmt::format("errors: {}\n", stats.errors);
  }
  return out;
}

}  // namespace napilab::net
