// The pingpong sides' I/O, below PingClient and PingServer: how a side
// waits (SocketWaiter), how its socket is set up for that (prepare_socket),
// and a connected socket that carries fixed-size messages (MessageChannel).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <unordered_map>
#include <vector>

#include "clock.hpp"
#include "napilab/net/pingpong.hpp"
#include "napilab/net/poller.hpp"
#include "napilab/unique_fd.hpp"

namespace napilab::net {

// Sets `fd` up for the config's wait mode and busy polling: busy-poll
// options (BusyPollRefused when the kernel says no), TCP_NODELAY for TCP,
// and for --wait recv a blocking socket whose every recv, send and accept
// returns after `slice` at the latest, so that the loops stay bounded.
void prepare_socket(int fd, const PingConfig& config, std::chrono::microseconds slice);

// Waiting for the side's fds: recv mode has no poller (the socket's own
// calls block), poll and epoll go through the Poller.
class SocketWaiter {
 public:
  SocketWaiter(WaitMode mode, Trigger trigger);

  [[nodiscard]] bool blocking() const { return poller_ == nullptr; }
  // Registers `fd` for `events`, or changes them; no syscall when unchanged.
  void watch(int fd, std::uint32_t events);
  void unwatch(int fd);
  // Waits up to `timeout` and returns the ready fds; in recv mode, nothing
  // at once.
  const std::vector<ReadyEvent>& wait(std::chrono::nanoseconds timeout);

 private:
  std::unique_ptr<Poller> poller_;
  std::unordered_map<int, std::uint32_t> watched_;
  std::vector<ReadyEvent> ready_;
};

enum class SendResult { sent, would_block, failed };
enum class ReadEnd { drained, closed, stopped };

// A connected UDP or TCP socket that carries messages of `size` bytes:
// datagrams, or `size`-byte frames of the TCP stream. A TCP message the
// socket takes only in part is committed: the rest waits in pending() and
// goes with flush(); a side sends nothing new while some is pending.
class MessageChannel {
 public:
  // Called with each whole message; false stops the reading.
  using OnMessage = std::function<bool(std::span<const std::byte>)>;

  MessageChannel(UniqueFd fd, Protocol protocol, std::size_t size);

  [[nodiscard]] int fd() const { return fd_.get(); }
  [[nodiscard]] bool pending() const { return tx_sent_ < tx_pending_.size(); }
  // UDP: would_block when the socket buffer or queue is full (EAGAIN,
  // ENOBUFS); failed for other errors (ECONNREFUSED: ICMP came back).
  // TCP: never would_block (the rest is pending); failed when the
  // connection broke.
  SendResult send(std::span<const std::byte> message);
  // Sends what is pending; false when the connection broke.
  bool flush();
  // Reads until nothing more is queued (EAGAIN, or a blocking socket's
  // timeout), the peer closed (TCP), or on_message returned false. With
  // first_blocks, the first read may block (recv mode), the others do not.
  ReadEnd read_messages(const OnMessage& on_message, bool first_blocks);

  [[nodiscard]] std::uint64_t malformed() const { return malformed_; }  // UDP, wrong size
  [[nodiscard]] std::uint64_t errors() const { return errors_; }

 private:
  ReadEnd read_datagrams(const OnMessage& on_message, bool first_blocks);
  ReadEnd read_stream(const OnMessage& on_message, bool first_blocks);
  bool hand_out_frames(const OnMessage& on_message);

  UniqueFd fd_;
  Protocol protocol_;
  std::size_t size_;
  std::vector<std::byte> rx_;
  std::size_t rx_used_ = 0;  // TCP: bytes of rx_ not yet handed out
  std::vector<std::byte> tx_pending_;
  std::size_t tx_sent_ = 0;
  std::uint64_t malformed_ = 0;
  std::uint64_t errors_ = 0;
};

}  // namespace napilab::net
