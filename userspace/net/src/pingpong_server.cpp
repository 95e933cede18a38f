#include "napilab/net/pingpong_server.hpp"

#include <sys/socket.h>

#include <algorithm>
#include <cerrno>

#include "napilab/net/socket.hpp"
#include "pingpong_io.hpp"

namespace napilab::net {
namespace {

// Every wait and blocking call returns at least this often, so that the
// deadline is checked.
constexpr std::chrono::milliseconds kSlice{100};

std::chrono::nanoseconds until(std::uint64_t deadline_ns) {
  const std::uint64_t now_ns = monotonic_ns();
  const std::uint64_t left_ns = deadline_ns > now_ns ? deadline_ns - now_ns : 0;
  return std::min<std::chrono::nanoseconds>(std::chrono::nanoseconds(left_ns), kSlice);
}

}  // namespace

PingServer::PingServer(const PingConfig& config)
    : config_(config),
      socket_(config.protocol == Protocol::udp ? udp_bound(config.endpoint)
                                               : tcp_listener(config.endpoint)),
      local_(local_endpoint(socket_.get())),
      waiter_(std::make_unique<SocketWaiter>(config.wait, config.trigger)) {
  prepare_socket(socket_.get(), config_, kSlice);
  if (config_.protocol == Protocol::udp) {
    datagram_.resize(kMaxUdpMessage + 1);
  }
}

PingServer::~PingServer() = default;

bool PingServer::done(std::uint64_t deadline_ns) const {
  return monotonic_ns() >= deadline_ns || (config_.count != 0 && stats_.echoed >= config_.count) ||
         (config_.stop != nullptr && *config_.stop != 0);
}

ServerStats PingServer::run() {
  const CpuTime cpu_start = process_cpu_time();
  const std::uint64_t start_ns = monotonic_ns();
  const std::uint64_t deadline_ns = start_ns + static_cast<std::uint64_t>(config_.duration.count());
  if (config_.protocol == Protocol::udp) {
    serve_udp(deadline_ns);
  } else {
    serve_tcp(deadline_ns);
  }
  stats_.elapsed = std::chrono::nanoseconds(monotonic_ns() - start_ns);
  stats_.cpu = process_cpu_time() - cpu_start;
  return stats_;
}

// Answers a datagram of `length` bytes in datagram_; false when the loop
// should stop (the count is reached).
bool PingServer::echo_datagram(std::size_t length, const sockaddr_in& source) {
  ++stats_.received;
  if (!config_.allow_any_peer && !is_lab_destination(Endpoint::from_sockaddr(source))) {
    ++stats_.refused_peers;
    return true;
  }
  const ssize_t sent = ::sendto(socket_.get(), datagram_.data(), length, MSG_DONTWAIT,
                                reinterpret_cast<const sockaddr*>(&source), sizeof(source));
  if (sent == static_cast<ssize_t>(length)) {
    ++stats_.echoed;
  } else {
    ++stats_.errors;  // ENOBUFS and friends: the client counts it lost
  }
  return config_.count == 0 || stats_.echoed < config_.count;
}

void PingServer::serve_udp(std::uint64_t deadline_ns) {
  waiter_->watch(socket_.get(), event::kReadable);
  while (!done(deadline_ns)) {
    (void)waiter_->wait(until(deadline_ns));
    // recv mode: the first recvfrom blocks up to kSlice. Every mode then
    // reads until the queue is empty (edge-triggered epoll needs it).
    int flags = waiter_->blocking() ? 0 : MSG_DONTWAIT;
    for (;;) {
      sockaddr_in source{};
      socklen_t source_length = sizeof(source);
      const ssize_t got = ::recvfrom(socket_.get(), datagram_.data(), datagram_.size(), flags,
                                     reinterpret_cast<sockaddr*>(&source), &source_length);
      const int saved_errno = errno;
      flags = MSG_DONTWAIT;
      if (got < 0) {
        if (saved_errno == EINTR) {
          continue;
        }
        if (saved_errno != EAGAIN) {
          ++stats_.errors;
        }
        break;
      }
      if (!echo_datagram(static_cast<std::size_t>(got), source)) {
        break;
      }
    }
  }
  waiter_->unwatch(socket_.get());
}

void PingServer::serve_tcp(std::uint64_t deadline_ns) {
  while (!done(deadline_ns)) {
    waiter_->watch(socket_.get(), event::kReadable);
    (void)waiter_->wait(until(deadline_ns));
    // recv mode: accept blocks up to kSlice (SO_RCVTIMEO on the listener).
    const int flags = SOCK_CLOEXEC | (waiter_->blocking() ? 0 : SOCK_NONBLOCK);
    sockaddr_in peer{};
    socklen_t peer_length = sizeof(peer);
    UniqueFd connection(
        ::accept4(socket_.get(), reinterpret_cast<sockaddr*>(&peer), &peer_length, flags));
    const int saved_errno = errno;
    if (!connection.valid()) {
      if (saved_errno != EAGAIN && saved_errno != EINTR && saved_errno != ECONNABORTED) {
        ++stats_.errors;
      }
      continue;
    }
    if (!config_.allow_any_peer && !is_lab_destination(Endpoint::from_sockaddr(peer))) {
      ++stats_.refused_peers;
      continue;
    }
    ++stats_.connections;
    prepare_socket(connection.get(), config_, kSlice);
    MessageChannel channel(std::move(connection), Protocol::tcp, config_.size);
    waiter_->unwatch(socket_.get());
    serve_connection(channel, deadline_ns);
  }
  waiter_->unwatch(socket_.get());
}

// Echoes whole messages until the client closes or the run ends. While
// part of a message is pending nothing more is read: the client's unread
// replies cost the server one message of memory, not an unbounded buffer.
void PingServer::serve_connection(MessageChannel& channel, std::uint64_t deadline_ns) {
  const int fd = channel.fd();
  const auto echo = [this, &channel](std::span<const std::byte> message) {
    ++stats_.received;
    if (channel.send(message) == SendResult::failed) {
      return false;
    }
    ++stats_.echoed;
    return !channel.pending() && (config_.count == 0 || stats_.echoed < config_.count);
  };
  while (!done(deadline_ns)) {
    if (channel.pending()) {
      if (!channel.flush()) {
        break;
      }
      if (channel.pending()) {
        waiter_->watch(fd, event::kWritable);
        (void)waiter_->wait(until(deadline_ns));
        continue;
      }
    }
    const ReadEnd end = channel.read_messages(echo, waiter_->blocking());
    if (end == ReadEnd::closed) {
      break;
    }
    if (end == ReadEnd::drained) {
      waiter_->watch(fd, event::kReadable);
      (void)waiter_->wait(until(deadline_ns));
    }
  }
  stats_.errors += channel.errors();
  waiter_->unwatch(fd);
}

}  // namespace napilab::net
