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

}  // namespace

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
