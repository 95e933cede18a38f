// What the load tests need from the guest: the test bed's environment, the
// NIC's counters (read with the library's sampler) and bounded external commands
// (run_process: an argv, no shell, nothing left running afterwards).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "napilab/netdev.hpp"
#include "napilab/result.hpp"

namespace napilab::load {

// The test bed's variable, or the empty string.
std::string env(const char* name);

// A command as execve gets it: the program, then its arguments, each one
// word whatever it holds (blanks, quotes); no shell.
using Argv = std::vector<std::string>;

// What one command did.
struct Command {
  std::string line;        // the argv joined by blanks, for messages
  bool started = false;    // false: `error` says why
  int exit_status = -1;    // the exit code, or 128 + the signal that ended it
  bool timed_out = false;  // stopped: SIGTERM at the timeout, SIGKILL 1 s later
  std::string output;      // its standard output (stderr goes to the test's)
  std::string error;

  // "LINE: exit 3", "LINE: overran its timeout…", "LINE: cannot start…".
  [[nodiscard]] std::string what() const;
};

// Runs argv (argv[0] looked up on PATH) in a process group of its own,
// bounded by `timeout_s`.
Command run(const Argv& argv, int timeout_s = 60);

// ethtool -S and /sys/class/net/IFACE/statistics merged (ethtool wins); an
// error when either cannot be read.
Result<CounterMap> read_counters(const std::string& iface);

// napilab::checked_delta (the library's one strict delta) under the name the
// load tests use: after - before of one counter of read_counters(); an error
// when either side lacks it or it went back.
Result<std::uint64_t> delta(const CounterMap& before, const CounterMap& after,
                            const std::string& name);

// Pure: the 32-bit register at `index` of `ethtool -d IFACE raw on`'s dump
// (the driver's register array, in the machine's byte order).
Result<std::uint32_t> dumped_register(std::string_view raw_dump, std::size_t index);

struct IperfResult {
  double mbps = 0;
  std::uint64_t packets = 0;       // UDP: datagrams the sender sent
  std::uint64_t lost_packets = 0;  // UDP: lost on the way to the receiver's socket
  bool ok = false;
  std::string error;
};

// iperf3 -J -c $PEER with the given extra arguments.
IperfResult iperf3(const Argv& args, int timeout_s = 60);

// Reloads e1k_napi with module parameters (blank-separated, as insmod takes
// them) and brings the interface back as the bed configured it: the first
// step that failed, else the last one.
Command reload_driver(const std::string& params);

}  // namespace napilab::load
