// SinkServer: a TCP or UDP server on the EventLoop that discards (sink) or
// returns (echo) what it receives, and counts it. UDP payloads that carry
// the blaster's SeqHeader also feed a SequenceTracker.
#pragma once

#include <sys/socket.h>
#include <sys/uio.h>

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "napilab/net/endpoint.hpp"
#include "napilab/net/event_loop.hpp"
#include "napilab/net/sequence.hpp"
#include "napilab/unique_fd.hpp"

namespace napilab::net {

enum class Protocol { tcp, udp };
enum class SinkMode { sink, echo };

struct SinkConfig {
  Endpoint bind;
  Protocol protocol = Protocol::udp;
  SinkMode mode = SinkMode::sink;
};

struct SinkStats {
  std::uint64_t bytes = 0;
  std::uint64_t messages = 0;  // UDP datagrams, or TCP reads that returned data
  std::uint64_t connections = 0;
  std::uint64_t echoed_bytes = 0;
  std::uint64_t unsequenced = 0;  // UDP datagrams without a SeqHeader
  std::uint64_t errors = 0;       // failed accept/recv/send other than EAGAIN
  SequenceStats sequence;
};

class SinkServer {
 public:
  SinkServer(EventLoop& loop, const SinkConfig& config);
  SinkServer(const SinkServer&) = delete;
  SinkServer& operator=(const SinkServer&) = delete;
  SinkServer(SinkServer&&) = delete;
  SinkServer& operator=(SinkServer&&) = delete;
  ~SinkServer();

  [[nodiscard]] Endpoint local() const { return local_; }
  [[nodiscard]] SinkStats stats() const;
  [[nodiscard]] std::size_t open_connections() const { return connections_.size(); }

  // Reads every queued datagram (recvmmsg until EAGAIN): the UDP receive
  // path, exposed for the benchmark. Returns how many it read.
  std::size_t drain_udp();

 private:
  struct Connection {
    UniqueFd fd;
    std::string unsent;           // echo bytes the socket did not take yet
    bool wants_writable = false;  // kWritable is in the registered mask
  };

  void on_accept();
  void on_connection(int fd, std::uint32_t events);
  bool read_connection(Connection& connection);
  bool flush(Connection& connection);
  void want_writable(Connection& connection, bool wanted);
  void close_connection(int fd);
  void count_datagram(std::size_t index, std::size_t length);

  EventLoop& loop_;
  SinkConfig config_;
  UniqueFd socket_;
  Endpoint local_;
  std::unordered_map<int, Connection> connections_;
  std::vector<std::byte> buffers_;
  std::vector<iovec> iovecs_;
  std::vector<mmsghdr> messages_;
  std::vector<sockaddr_in> sources_;
  SinkStats stats_;
  SequenceTracker sequence_;
};

}  // namespace napilab::net
