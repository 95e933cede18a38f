// Blaster: sends UDP datagrams at a fixed packet rate for a bounded time,
// in sendmmsg batches paced against CLOCK_MONOTONIC. Each payload starts
// with a SeqHeader so the receiver can count loss by sequence number.
#pragma once

#include <sys/socket.h>
#include <sys/uio.h>

#include <chrono>
#include <cstdint>
#include <optional>
#include <vector>

#include "napilab/net/endpoint.hpp"
#include "napilab/result.hpp"
#include "napilab/unique_fd.hpp"

namespace napilab::net {

struct BlastConfig {
  Endpoint destination;
  std::uint64_t rate_pps = 10'000;
  std::size_t payload_size = 64;  // UDP payload bytes, header included
  std::chrono::nanoseconds duration = std::chrono::seconds(5);
  std::size_t batch = 32;  // datagrams per sendmmsg at most
};

// Limits that keep a typo from turning into a flood or an endless run.
inline constexpr std::uint64_t kMaxRatePps = 2'000'000;
inline constexpr std::chrono::seconds kMaxBlastDuration{300};
inline constexpr std::size_t kMaxPayload = 65'507;  // largest IPv4 UDP payload

// An error when the config is out of bounds, or the destination is outside
// loopback and the test bed's subnet and `allow_any_destination` is false.
std::optional<Error> validate(const BlastConfig& config, bool allow_any_destination);

struct SendErrors {
  std::uint64_t no_buffer = 0;    // ENOBUFS, EAGAIN: the queue or socket buffer is full
  std::uint64_t refused = 0;      // ECONNREFUSED: ICMP port unreachable came back
  std::uint64_t unreachable = 0;  // ENETUNREACH, EHOSTUNREACH
  std::uint64_t other = 0;
  [[nodiscard]] std::uint64_t total() const { return no_buffer + refused + unreachable + other; }
};

struct BlastStats {
  std::uint64_t packets = 0;
  std::uint64_t bytes = 0;
  std::chrono::nanoseconds elapsed{0};
  SendErrors errors;
  [[nodiscard]] double achieved_pps() const;
};

class Blaster {
 public:
  // Opens a socket connected to config.destination (validate() first).
  explicit Blaster(const BlastConfig& config);

  // Sends at config.rate_pps until config.duration has passed.
  BlastStats run();
  // One sendmmsg of up to `count` (<= batch) datagrams, numbered from the
  // next sequence number; returns how many the kernel took. The send path
  // that run() paces, exposed for the benchmark.
  std::size_t send_batch(std::size_t count);
  [[nodiscard]] const BlastStats& stats() const { return stats_; }

 private:
  void count_error(int saved_errno);

  BlastConfig config_;
  UniqueFd socket_;
  std::vector<std::byte> payloads_;
  std::vector<iovec> iovecs_;
  std::vector<mmsghdr> messages_;
  std::uint64_t next_seq_ = 0;
  BlastStats stats_;
};

}  // namespace napilab::net
