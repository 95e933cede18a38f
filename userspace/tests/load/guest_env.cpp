#include "guest_env.hpp"

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <utility>

#include "napilab/iperf.hpp"
#include "napilab/parse_util.hpp"
#include "napilab/process.hpp"
#include "napilab/sampler.hpp"

namespace napilab::load {

std::string env(const char* name) {
  const char* value = std::getenv(name);
  return value ? value : "";
}

std::string Command::what() const {
  if (!started) {
    return line + ": " + error;
  }
  if (timed_out) {
    return line + ": overran its timeout and was stopped (status " + std::to_string(exit_status) +
           ")";
  }
  return line + ": exit " + std::to_string(exit_status);
}

Command run(const Argv& argv, int timeout_s) {
  Command command;
  for (const std::string& word : argv) {
    command.line += (command.line.empty() ? "" : " ") + word;
  }
  if (argv.empty()) {
    command.error = "no program given";
    return command;
  }
  auto process = run_process(argv.front(), Argv(argv.begin() + 1, argv.end()),
                             std::chrono::seconds(timeout_s));
  if (!process) {
    command.error = process.error().to_string();
    return command;
  }
  command.started = true;
  command.exit_status = process.value().exit_status;
  command.timed_out = process.value().timed_out;
  command.output = std::move(process.value().stdout_text);
  return command;
}

Result<CounterMap> read_counters(const std::string& iface) {
  auto counters = read_netdev_stats(iface);
  if (!counters) {
    return counters.error();
  }
  auto ethtool = read_ethtool_stats(iface);
  if (!ethtool) {
    return ethtool.error();
  }
  for (const auto& [name, value] : ethtool.value()) {
    counters.value()[name] = value;
  }
  return counters;
}

Result<std::uint64_t> delta(const CounterMap& before, const CounterMap& after,
                            const std::string& name) {
  return checked_delta(before, after, name);
}

Result<std::uint32_t> dumped_register(std::string_view raw_dump, std::size_t index) {
  std::uint32_t value = 0;
  if (raw_dump.size() / sizeof value <= index) {
    return Error{"the register dump has " + std::to_string(raw_dump.size()) +
                 " bytes, no register " + std::to_string(index)};
  }
  std::memcpy(&value, raw_dump.data() + index * sizeof value, sizeof value);
  return value;
}

IperfResult iperf3(const Argv& args, int timeout_s) {
  Argv argv{"-c", env("PEER")};
  argv.insert(argv.end(), args.begin(), args.end());
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

Command reload_driver(const std::string& params) {
  const std::string root = env("NAPILAB_ROOT");
  Argv insmod{"insmod", root + "/driver/e1k_napi.ko"};
  for (const std::string_view word : split_blanks(params)) {
    insmod.emplace_back(word);
  }
  // configure_nic is a shell function of the bed's: a fixed script sources
  // the file, whose path arrives as $1, never spliced into the script.
  const std::vector<Argv> steps{
      {"rmmod", "e1k_napi"},
      insmod,
      {"bash", "-c", ". \"$1\" && configure_nic", "net-setup", root + "/qemu/guest/net-setup"}};
  Command step_run;
  for (const Argv& step : steps) {
    step_run = run(step, 60);
    if (step_run.exit_status != 0 || step_run.timed_out) {
      break;
    }
  }
  return step_run;
}

}  // namespace napilab::load
