// iperf3 as a building block of the load tests: a pure parser of its -J
// report and a bounded runner that starts it (run_process: no shell) and
// keeps its output.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "napilab/process.hpp"
#include "napilab/result.hpp"

namespace napilab {

enum class IperfProtocol { kTcp, kUdp };

// One end-of-test total (end.sum_sent or end.sum_received).
struct IperfTotal {
  double seconds = 0;
  std::uint64_t bytes = 0;
  double bits_per_second = 0;
};

// UDP's loss and jitter as the receiver saw them (end.sum).
struct IperfUdp {
  std::uint64_t packets = 0;  // datagrams sent
  std::uint64_t lost_packets = 0;
  double lost_percent = 0;
  double jitter_ms = 0;
};

// One reporting interval (-i), summed over the streams.
struct IperfInterval {
  double start = 0;  // seconds since the test started
  double end = 0;
  std::uint64_t bytes = 0;
  double bits_per_second = 0;
  std::optional<std::uint64_t> retransmits;  // TCP, on the sending side only
  std::optional<std::uint64_t> packets;      // UDP
  bool omitted = false;                      // inside the -O warm-up
};

struct IperfReport {
  IperfProtocol protocol = IperfProtocol::kTcp;
  bool reverse = false;  // -R: the server sent, the client received
  unsigned streams = 1;
  double duration = 0;                       // the requested -t, seconds
  IperfTotal sent;                           // the sender's side, whichever host that was
  IperfTotal received;                       // the receiver's side
  std::optional<std::uint64_t> retransmits;  // TCP, when the sender's OS reports them
  std::optional<IperfUdp> udp;
  std::vector<IperfInterval> intervals;
};

// Pure: iperf3's -J output. Empty, truncated or malformed JSON, a report
// without its end totals, and a report carrying iperf3's own "error" (refused
// connection, server gone mid-test) are errors that say which it was.
Result<IperfReport> parse_iperf3_json(std::string_view text);

// Pure: the host given to -c/--client in iperf3 arguments, if any.
std::optional<std::string> iperf3_client_host(const std::vector<std::string>& args);

// run_process for iperf3, with -J added when `args` lack it.
Result<ProcessOutput> run_iperf3(std::vector<std::string> args, std::chrono::milliseconds timeout);

// run_iperf3 and parse_iperf3_json in one step: an error when iperf3 could not
// start, reported an error, overran the timeout or exited non-zero.
Result<IperfReport> measure_iperf3(const std::vector<std::string>& args,
                                   std::chrono::milliseconds timeout);

}  // namespace napilab
