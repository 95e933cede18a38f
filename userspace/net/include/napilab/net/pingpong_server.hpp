// PingServer: echoes each message back to the pingpong client that sent
// it, for a bounded time (and count).
//
// UDP: each datagram goes back whole to its source. TCP: one connection at
// a time (the client opens one); the stream is cut into `size`-byte
// messages (give the server the client's --size), each echoed whole, with
// partial writes finished before more is read, so that a slow reader costs
// one message of memory. Messages from outside loopback and the test bed
// are not answered (refused_peers) unless config.allow_any_peer.
#pragma once

#include <netinet/in.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "napilab/net/pingpong.hpp"
#include "napilab/unique_fd.hpp"

namespace napilab::net {

class MessageChannel;
class SocketWaiter;

class PingServer {
 public:
  // Binds config.endpoint. Throws BusyPollRefused when the busy-poll
  // options are refused, std::system_error when the socket cannot be set up.
  explicit PingServer(const PingConfig& config);
  PingServer(const PingServer&) = delete;
  PingServer& operator=(const PingServer&) = delete;
  PingServer(PingServer&&) = delete;
  PingServer& operator=(PingServer&&) = delete;
  ~PingServer();

  [[nodiscard]] Endpoint local() const { return local_; }
  ServerStats run();

 private:
  [[nodiscard]] bool done(std::uint64_t deadline_ns) const;
  void serve_udp(std::uint64_t deadline_ns);
  bool echo_datagram(std::size_t length, const sockaddr_in& source);
  void serve_tcp(std::uint64_t deadline_ns);
  void accept_one();
  void serve_connection(MessageChannel& channel, std::uint64_t deadline_ns);

  PingConfig config_;
  UniqueFd socket_;  // the UDP socket, or the TCP listener
  Endpoint local_;
  std::unique_ptr<SocketWaiter> waiter_;
  std::vector<std::byte> datagram_;
  ServerStats stats_;
};

}  // namespace napilab::net
