#include "napilab/net/sink.hpp"

#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <span>

#include "napilab/net/socket.hpp"

namespace napilab::net {
namespace {
constexpr std::size_t kBatch = 64;
constexpr std::size_t kBufferSize = 9216;  // a jumbo frame's payload fits
constexpr int kReceiveBuffer = 4 << 20;
}  // namespace

SinkServer::SinkServer(EventLoop& loop, const SinkConfig& config)
    : loop_(loop),
      config_(config),
      socket_(config.protocol == Protocol::udp ? udp_bound(config.bind)
                                               : tcp_listener(config.bind)),
      local_(local_endpoint(socket_.get())),
      buffers_(kBatch * kBufferSize),
      iovecs_(kBatch),
      messages_(kBatch),
      sources_(kBatch) {
  if (config_.protocol == Protocol::udp) {
    set_receive_buffer(socket_.get(), kReceiveBuffer);
    loop_.watch(socket_.get(), event::kReadable, [this](std::uint32_t) { drain_udp(); });
  } else {
    loop_.watch(socket_.get(), event::kReadable, [this](std::uint32_t) { on_accept(); });
  }
}

SinkServer::~SinkServer() {
  for (auto& [fd, connection] : connections_) {
    loop_.unwatch(fd);
  }
  loop_.unwatch(socket_.get());
}

SinkStats SinkServer::stats() const {
  SinkStats stats = stats_;
  stats.sequence = sequence_.stats();
  return stats;
}

void SinkServer::count_datagram(std::size_t index, std::size_t length) {
  ++stats_.messages;
  stats_.bytes += length;
  const std::size_t stored = std::min(length, kBufferSize);
  const auto header =
      decode_seq_header(std::span(&buffers_[index * kBufferSize], stored).subspan(0, stored));
  if (header) {
    sequence_.observe(header->seq);
  } else {
    ++stats_.unsequenced;
  }
  if (config_.mode == SinkMode::echo) {
    const ssize_t sent =
        ::sendto(socket_.get(), &buffers_[index * kBufferSize], stored, MSG_DONTWAIT,
                 reinterpret_cast<const sockaddr*>(&sources_[index]), sizeof(sockaddr_in));
    if (sent > 0) {
      stats_.echoed_bytes += static_cast<std::uint64_t>(sent);
    } else {
      ++stats_.errors;
    }
  }
}

std::size_t SinkServer::drain_udp() {
  std::size_t total = 0;
  for (;;) {
    for (std::size_t i = 0; i < kBatch; ++i) {
      iovecs_[i] = {&buffers_[i * kBufferSize], kBufferSize};
      messages_[i] = {};
      messages_[i].msg_hdr.msg_iov = &iovecs_[i];
      messages_[i].msg_hdr.msg_iovlen = 1;
      messages_[i].msg_hdr.msg_name = &sources_[i];
      messages_[i].msg_hdr.msg_namelen = sizeof(sockaddr_in);
    }
    // MSG_TRUNC: msg_len is the datagram's real length even when it was cut.
    const int received =
        ::recvmmsg(socket_.get(), messages_.data(), kBatch, MSG_DONTWAIT | MSG_TRUNC, nullptr);
    const int saved_errno = errno;
    if (received < 0) {
      if (saved_errno == EINTR) {
        continue;
      }
      if (saved_errno != EAGAIN) {
        ++stats_.errors;
      }
      return total;
    }
    for (int i = 0; i < received; ++i) {
      count_datagram(static_cast<std::size_t>(i), messages_[i].msg_len);
    }
    total += static_cast<std::size_t>(received);
    if (static_cast<std::size_t>(received) < kBatch) {
      return total;  // the queue is empty: an edge-triggered wait re-arms
    }
  }
}

void SinkServer::on_accept() {
  for (;;) {
    UniqueFd fd(::accept4(socket_.get(), nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC));
    const int saved_errno = errno;
    if (!fd.valid()) {
      if (saved_errno == EINTR || saved_errno == ECONNABORTED) {
        continue;
      }
      if (saved_errno != EAGAIN) {
        ++stats_.errors;  // EMFILE and friends: the listener stays readable
      }
      return;
    }
    const int raw = fd.get();
    connections_.emplace(raw, Connection{std::move(fd), {}});
    loop_.watch(raw, event::kReadable | event::kPeerClosed,
                [this, raw](std::uint32_t events) { on_connection(raw, events); });
    ++stats_.connections;
  }
}

void SinkServer::on_connection(int fd, std::uint32_t events) {
  const auto found = connections_.find(fd);
  if (found == connections_.end()) {
    return;
  }
  Connection& connection = found->second;
  bool open = true;
  if ((events & event::kWritable) != 0) {
    open = flush(connection);
  }
  if (open && (events & (event::kReadable | event::kPeerClosed | event::kHangup | event::kError))) {
    open = read_connection(connection);
  }
  if (!open) {
    close_connection(fd);
  }
}

// Reads until EAGAIN (edge-triggered needs it; level-triggered is fine with
// it). Returns false when the peer closed or the connection failed.
bool SinkServer::read_connection(Connection& connection) {
  std::span<std::byte> buffer(buffers_.data(), kBufferSize);
  for (;;) {
    const ssize_t got = ::read(connection.fd.get(), buffer.data(), buffer.size());
    const int saved_errno = errno;
    if (got > 0) {
      ++stats_.messages;
      stats_.bytes += static_cast<std::uint64_t>(got);
      if (config_.mode == SinkMode::echo) {
        connection.unsent.append(reinterpret_cast<const char*>(buffer.data()),
                                 static_cast<std::size_t>(got));
        if (!flush(connection)) {
          return false;
        }
      }
      continue;
    }
    if (got == 0) {
      return false;
    }
    if (saved_errno == EINTR) {
      continue;
    }
    if (saved_errno == EAGAIN) {
      return true;
    }
    ++stats_.errors;
    return false;
  }
}

// Writes what the echo owes; asks for writability while some is left.
bool SinkServer::flush(Connection& connection) {
  while (!connection.unsent.empty()) {
    const ssize_t sent = ::send(connection.fd.get(), connection.unsent.data(),
                                connection.unsent.size(), MSG_NOSIGNAL);
    const int saved_errno = errno;
    if (sent > 0) {
      stats_.echoed_bytes += static_cast<std::uint64_t>(sent);
      connection.unsent.erase(0, static_cast<std::size_t>(sent));
      continue;
    }
    if (sent < 0 && saved_errno == EINTR) {
      continue;
    }
    if (sent < 0 && saved_errno == EAGAIN) {
      want_writable(connection, true);
      return true;
    }
    ++stats_.errors;
    return false;
  }
  want_writable(connection, false);
  return true;
}

// Changes the registration only when the wish changes: no syscall per echo.
void SinkServer::want_writable(Connection& connection, bool wanted) {
  if (connection.wants_writable == wanted) {
    return;
  }
  const std::uint32_t events = event::kReadable | event::kPeerClosed;
  loop_.change(connection.fd.get(), wanted ? events | event::kWritable : events);
  connection.wants_writable = wanted;
}

void SinkServer::close_connection(int fd) {
  loop_.unwatch(fd);
  connections_.erase(fd);
}

}  // namespace napilab::net
