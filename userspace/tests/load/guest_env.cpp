#include "guest_env.hpp"

#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <nlohmann/json.hpp>

namespace napilab::load {

std::string env(const char* name) {
  const char* value = std::getenv(name);
  return value ? value : "";
}

int run(const std::string& command, std::string* output, int timeout_s) {
  const std::string bounded =
      "timeout -s KILL " + std::to_string(timeout_s) + " bash -c '" + command + "'";
  struct PipeCloser {
    void operator()(FILE* f) const {
      if (f != nullptr) {
        pclose(f);
      }
    }
  };
  FILE* raw = popen(bounded.c_str(), "r");
  if (raw == nullptr) {
    return -1;
  }
  std::array<char, 4096> buffer{};
  std::string text;
  std::size_t n = 0;
  while ((n = std::fread(buffer.data(), 1, buffer.size(), raw)) > 0) {
    text.append(buffer.data(), n);
  }
  const int status = pclose(raw);
  if (output != nullptr) {
    *output = std::move(text);
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

CounterMap read_counters(const std::string& iface) {
  CounterMap counters;
  if (auto netdev = read_netdev_stats(iface)) {
    counters = std::move(netdev).value();
  }
  if (auto ethtool = read_ethtool_stats(iface)) {
    for (const auto& [name, value] : ethtool.value()) {
      counters[name] = value;
    }
  }
  return counters;
}

std::uint64_t delta(const CounterMap& before, const CounterMap& after, const std::string& name) {
  auto b = before.find(name);
  auto a = after.find(name);
  if (b == before.end() || a == after.end() || a->second < b->second) {
    return 0;
  }
  return a->second - b->second;
}

IperfResult iperf3(const std::string& args, int timeout_s) {
  IperfResult result;
  std::string out;
  const int rc = run("iperf3 -J -c " + env("PEER") + " " + args, &out, timeout_s);
  const nlohmann::json doc = nlohmann::json::parse(out, nullptr, false);
  if (doc.is_discarded() || !doc.contains("end")) {
    result.error = "iperf3 " + args + " exited " + std::to_string(rc) + " without a JSON result";
    return result;
  }
  if (doc.contains("error")) {
    result.error = doc["error"].get<std::string>();
    return result;
  }
  const auto& end = doc["end"];
  if (end.contains("sum") && end["sum"].contains("lost_packets")) {
    result.packets = end["sum"].value("packets", std::uint64_t{0});
    result.lost_packets = end["sum"].value("lost_packets", std::uint64_t{0});
    result.mbps = end["sum"].value("bits_per_second", 0.0) / 1e6;
  } else {
    result.mbps = end["sum_received"].value("bits_per_second", 0.0) / 1e6;
  }
  result.ok = rc == 0;
  return result;
}

bool reload_driver(const std::string& params) {
  const std::string root = env("NAPILAB_ROOT");
  return run("rmmod e1k_napi && insmod " + root + "/driver/e1k_napi.ko " + params + " && . " +
                 root + "/qemu/guest/net-setup && configure_nic",
             nullptr, 60) == 0;
}

}  // namespace napilab::load
