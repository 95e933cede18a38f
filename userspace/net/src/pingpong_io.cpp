#include "pingpong_io.hpp"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <system_error>

#include "napilab/net/socket.hpp"

namespace napilab::net {
namespace {
constexpr std::size_t kStreamChunk = std::size_t{64} * 1024;  // bytes one TCP read asks for at most
}

void prepare_socket(int fd, const PingConfig& config, std::chrono::microseconds slice) {
  set_busy_poll(fd, config.busy_poll);
  if (config.protocol == Protocol::tcp) {
    const int on = 1;
    if (::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof(on)) != 0) {
      throw std::system_error(errno, std::generic_category(), "setsockopt TCP_NODELAY");
    }
  }
  if (config.wait == WaitMode::recv) {
    set_blocking_with_timeout(fd, slice);
  }
}

SocketWaiter::SocketWaiter(WaitMode mode, Trigger trigger) {
  if (mode != WaitMode::recv) {
    poller_ = make_poller(mode == WaitMode::epoll ? Backend::epoll : Backend::poll, trigger);
  }
}

void SocketWaiter::watch(int fd, std::uint32_t events) {
  if (blocking()) {
    return;
  }
  const auto found = watched_.find(fd);
  if (found == watched_.end()) {
    poller_->add(fd, events);
    watched_.emplace(fd, events);
  } else if (found->second != events) {
    poller_->modify(fd, events);
    found->second = events;
  }
}

void SocketWaiter::unwatch(int fd) {
  if (!blocking() && watched_.erase(fd) != 0) {
    poller_->remove(fd);
  }
}

const std::vector<ReadyEvent>& SocketWaiter::wait(std::chrono::nanoseconds timeout) {
  ready_.clear();
  if (!blocking()) {
    const auto timeout_ms =
        std::chrono::ceil<std::chrono::milliseconds>(std::max(timeout, timeout.zero()));
    poller_->wait(timeout_ms, ready_);
  }
  return ready_;
}

MessageChannel::MessageChannel(UniqueFd fd, Protocol protocol, std::size_t size)
    : fd_(std::move(fd)),
      protocol_(protocol),
      size_(size),
      rx_(protocol == Protocol::udp ? size : std::max(size, kStreamChunk)) {
  tx_pending_.reserve(size);
}

SendResult MessageChannel::send(std::span<const std::byte> message) {
  for (;;) {
    const ssize_t sent = ::send(fd_.get(), message.data(), message.size(), MSG_NOSIGNAL);
    const int saved_errno = errno;
    if (sent >= 0) {
      if (static_cast<std::size_t>(sent) < message.size()) {
        // UDP sends whole datagrams; only a stream takes part of one.
        tx_pending_.assign(message.begin() + sent, message.end());
        tx_sent_ = 0;
      }
      return SendResult::sent;
    }
    if (saved_errno == EINTR) {
      continue;
    }
    if (saved_errno == EAGAIN || saved_errno == ENOBUFS) {
      if (protocol_ == Protocol::udp) {
        return SendResult::would_block;
      }
      tx_pending_.assign(message.begin(), message.end());
      tx_sent_ = 0;
      return SendResult::sent;
    }
    ++errors_;
    return SendResult::failed;
  }
}

bool MessageChannel::flush() {
  while (pending()) {
    const std::size_t left = tx_pending_.size() - tx_sent_;
    const ssize_t sent = ::send(fd_.get(), &tx_pending_[tx_sent_], left, MSG_NOSIGNAL);
    const int saved_errno = errno;
    if (sent >= 0) {
      tx_sent_ += static_cast<std::size_t>(sent);
      continue;
    }
    if (saved_errno == EINTR) {
      continue;
    }
    if (saved_errno == EAGAIN) {
      return true;
    }
    ++errors_;
    return false;
  }
  tx_pending_.clear();
  tx_sent_ = 0;
  return true;
}

ReadEnd MessageChannel::read_messages(const OnMessage& on_message, bool first_blocks) {
  return protocol_ == Protocol::udp ? read_datagrams(on_message, first_blocks)
                                    : read_stream(on_message, first_blocks);
}

ReadEnd MessageChannel::read_datagrams(const OnMessage& on_message, bool first_blocks) {
  int flags = first_blocks ? 0 : MSG_DONTWAIT;
  for (;;) {
    // MSG_TRUNC: the datagram's real length, so that a longer one is seen.
    const ssize_t got = ::recv(fd_.get(), rx_.data(), rx_.size(), flags | MSG_TRUNC);
    const int saved_errno = errno;
    flags = MSG_DONTWAIT;
    if (got < 0) {
      if (saved_errno == EINTR) {
        continue;
      }
      if (saved_errno == EAGAIN) {
        return ReadEnd::drained;
      }
      ++errors_;  // ECONNREFUSED: an earlier datagram met a closed port
      continue;
    }
    if (static_cast<std::size_t>(got) != size_) {
      ++malformed_;
      continue;
    }
    if (!on_message(rx_)) {
      return ReadEnd::stopped;
    }
  }
}

// Hands out the whole frames at the front of rx_ and keeps the part of a
// frame that is left; false when on_message asked to stop (the frames it
// did not take stay for the next call).
bool MessageChannel::hand_out_frames(const OnMessage& on_message) {
  std::size_t offset = 0;
  bool go_on = true;
  while (go_on && rx_used_ - offset >= size_) {
    go_on = on_message(std::span<const std::byte>(&rx_[offset], size_));
    offset += size_;
  }
  std::memmove(rx_.data(), &rx_[offset], rx_used_ - offset);
  rx_used_ -= offset;
  return go_on;
}

ReadEnd MessageChannel::read_stream(const OnMessage& on_message, bool first_blocks) {
  int flags = first_blocks ? 0 : MSG_DONTWAIT;
  for (;;) {
    if (!hand_out_frames(on_message)) {
      return ReadEnd::stopped;
    }
    // rx_ holds less than a frame here, and a frame fits in it: room is left.
    const ssize_t got = ::recv(fd_.get(), &rx_[rx_used_], rx_.size() - rx_used_, flags);
    const int saved_errno = errno;
    flags = MSG_DONTWAIT;
    if (got == 0) {
      return ReadEnd::closed;
    }
    if (got < 0) {
      if (saved_errno == EINTR) {
        continue;
      }
      if (saved_errno == EAGAIN) {
        return ReadEnd::drained;
      }
      ++errors_;
      return ReadEnd::closed;
    }
    rx_used_ += static_cast<std::size_t>(got);
  }
}

}  // namespace napilab::net
