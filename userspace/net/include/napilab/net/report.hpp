// The traffic tools' reports: JSON (nlohmann) and one-line-per-figure text.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "napilab/net/blaster.hpp"
#include "napilab/net/sink.hpp"

namespace napilab::net {

nlohmann::json to_json(const BlastConfig& config, const BlastStats& stats);
nlohmann::json to_json(const SinkStats& stats, Protocol protocol);
// Text for people: error categories appear only when non-zero.
std::string to_text(const BlastConfig& config, const BlastStats& stats);
std::string to_text(const SinkStats& stats, Protocol protocol);

}  // namespace napilab::net
