// The traffic tools' reports: JSON (nlohmann) and one-line-per-figure text.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "napilab/net/blaster.hpp"
#include "napilab/net/pingpong.hpp"
#include "napilab/net/sink.hpp"

namespace napilab::net {

nlohmann::json to_json(const BlastConfig& config, const BlastStats& stats);
nlohmann::json to_json(const SinkStats& stats, Protocol protocol);
// Text for people: error categories appear only when non-zero.
std::string to_text(const BlastConfig& config, const BlastStats& stats);
std::string to_text(const SinkStats& stats, Protocol protocol);
// napi-pingpong's: the keys are listed in napi_pingpong.cpp's --help; the
// server's report has the client's keys too, null where only a client
// measures (inflight, rate, lost, late, duplicates, unknown, rtt_ns).
nlohmann::json to_json(const PingConfig& config, const ClientStats& stats);
nlohmann::json to_json(const PingConfig& config, const ServerStats& stats);
std::string to_text(const PingConfig& config, const ClientStats& stats);
std::string to_text(const PingConfig& config, const ServerStats& stats);

}  // namespace napilab::net
