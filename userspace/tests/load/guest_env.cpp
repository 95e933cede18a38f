#include "guest_env.hpp"

#include <sys/wait.h>

#include <array>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string_view>
#include <vector>

#include "napilab/iperf.hpp"
#include "napilab/parse_util.hpp"

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
  std::vector<std::string> argv{"-c", env("PEER")};
  for (const std::string_view word : split_blanks(args)) {
    argv.emplace_back(word);
  }
  IperfResult result;
  auto report = measure_iperf3(argv, std::chrono::seconds(timeout_s));
  if (!report) {
    result.error = report.error().to_string();
    return result;
  }
  // What arrived: the receiver's rate, whichever way the traffic went.
  result.mbps = report.value().received.bits_per_second / 1e6;
  if (const auto& udp = report.value().udp) {
    result.packets = udp->packets;
    result.lost_packets = udp->lost_packets;
  }
  result.ok = true;
  return result;
}

bool reload_driver(const std::string& params) {
  const std::string root = env("NAPILAB_ROOT");
  return run("rmmod e1k_napi && insmod " + root + "/driver/e1k_napi.ko " + params + " && . " +
                 root + "/qemu/guest/net-setup && configure_nic",
             nullptr, 60) == 0;
}

}  // namespace napilab::load
