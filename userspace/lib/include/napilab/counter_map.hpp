// CounterMap: named counters (sysfs statistics, ethtool -S, a MIB's line).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>

namespace napilab {

using CounterMap = std::map<std::string, std::uint64_t, std::less<>>;

}  // namespace napilab
