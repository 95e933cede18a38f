// PingClient: sends sequence-numbered, timestamped messages to a pingpong
// server and times each reply.
//
// Back-to-back (rate 0): keeps `inflight` requests outstanding, sending the
// next as soon as a reply (or a timeout) frees a place. With a rate: open
// loop, request i is due at start + i / rate whatever the replies do, at
// most `inflight` outstanding; a request that has to wait for a place goes
// out late but carries - and its RTT is measured from - its scheduled time,
// so a stalled server shows in the RTTs rather than hiding behind fewer
// sends (no coordinated omission).
//
// Sending stops at `duration` or after `count` requests; the client then
// waits up to `timeout` for the replies still outstanding. A reply after
// `timeout` is late: counted, not in the histogram (which therefore holds
// RTTs up to `timeout` only); a request never answered is lost.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "napilab/net/pingpong.hpp"
#include "napilab/unique_fd.hpp"

namespace napilab::net {

class MessageChannel;
class SocketWaiter;

class PingClient {
 public:
  // Connects to config.endpoint (to_config() first). Throws
  // BusyPollRefused when the busy-poll options are refused, and
  // std::system_error when the socket cannot be set up.
  explicit PingClient(const PingConfig& config);
  PingClient(const PingClient&) = delete;
  PingClient& operator=(const PingClient&) = delete;
  PingClient(PingClient&&) = delete;
  PingClient& operator=(PingClient&&) = delete;
  ~PingClient();

  ClientStats run();

 private:
  void send_due();
  [[nodiscard]] std::uint64_t scheduled_ns(std::uint64_t index) const;
  void arm_schedule(std::uint64_t due_ns);
  void wait_and_receive(std::uint64_t now_ns, std::uint64_t phase_end_ns);
  void receive(bool first_blocks);
  bool on_reply(std::span<const std::byte> message);

  PingConfig config_;
  std::unique_ptr<MessageChannel> channel_;
  std::unique_ptr<SocketWaiter> waiter_;
  UniqueFd schedule_timer_;  // a timerfd, with a rate in poll/epoll mode
  std::uint64_t armed_ns_ = 0;
  ReplyTracker tracker_;
  ClientStats stats_;
  std::vector<std::byte> message_;
  std::uint64_t start_ns_ = 0;
  std::uint64_t send_end_ns_ = 0;
  bool sending_ = true;
};

}  // namespace napilab::net
