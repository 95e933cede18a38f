#include "napilab/net/socket.hpp"

#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <string>
#include <system_error>

namespace napilab::net {
namespace {

[[noreturn]] void fail(int saved_errno, const std::string& what, const Endpoint& endpoint) {
  throw std::system_error(saved_errno, std::generic_category(), what + " " + endpoint.to_string());
}

UniqueFd make_socket(int type, const Endpoint& endpoint) {
  UniqueFd fd(::socket(AF_INET, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  if (!fd.valid()) {
    fail(errno, "socket", endpoint);
  }
  return fd;
}

void bind_to(int fd, const Endpoint& local) {
  const sockaddr_in addr = local.to_sockaddr();
  if (::bind(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof(addr)) != 0) {
    fail(errno, "bind", local);
  }
}

}  // namespace

UniqueFd udp_bound(const Endpoint& local) {
  UniqueFd fd = make_socket(SOCK_DGRAM, local);
  bind_to(fd.get(), local);
  return fd;
}

UniqueFd udp_connected(const Endpoint& remote) {
  UniqueFd fd = make_socket(SOCK_DGRAM, remote);
  const sockaddr_in addr = remote.to_sockaddr();
  if (::connect(fd.get(), reinterpret_cast<const sockaddr*>(&addr), sizeof(addr)) != 0) {
    fail(errno, "connect", remote);
  }
  return fd;
}

UniqueFd tcp_listener(const Endpoint& local) {
  UniqueFd fd = make_socket(SOCK_STREAM, local);
  const int on = 1;
  if (::setsockopt(fd.get(), SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on)) != 0) {
    fail(errno, "setsockopt SO_REUSEADDR", local);
  }
  bind_to(fd.get(), local);
  if (::listen(fd.get(), SOMAXCONN) != 0) {
    fail(errno, "listen", local);
  }
  return fd;
}

UniqueFd tcp_connected(const Endpoint& remote) {
  UniqueFd fd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!fd.valid()) {
    fail(errno, "socket", remote);
  }
  const sockaddr_in addr = remote.to_sockaddr();
  int rc = 0;
  do {
    rc = ::connect(fd.get(), reinterpret_cast<const sockaddr*>(&addr), sizeof(addr));
  } while (rc != 0 && errno == EINTR);
  if (rc != 0) {
    fail(errno, "connect", remote);
  }
  set_nonblocking(fd.get());
  return fd;
}

void set_nonblocking(int fd) {
  const int flags = ::fcntl(fd, F_GETFL);
  if (flags < 0 || ::fcntl(fd, F_SETFL, flags | O_NONBLOCK) != 0) {
    throw std::system_error(errno, std::generic_category(), "fcntl O_NONBLOCK");
  }
}

void set_blocking_with_timeout(int fd, std::chrono::microseconds timeout) {
  const int flags = ::fcntl(fd, F_GETFL);
  if (flags < 0 || ::fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) != 0) {
    throw std::system_error(errno, std::generic_category(), "fcntl ~O_NONBLOCK");
  }
  const timeval limit{static_cast<time_t>(timeout.count() / 1'000'000),
                      static_cast<suseconds_t>(timeout.count() % 1'000'000)};
  for (const int option : {SO_RCVTIMEO, SO_SNDTIMEO}) {
    if (::setsockopt(fd, SOL_SOCKET, option, &limit, sizeof(limit)) != 0) {
      throw std::system_error(errno, std::generic_category(), "setsockopt SO_RCVTIMEO/SO_SNDTIMEO");
    }
  }
}

namespace {

std::string busy_poll_advice(int saved_errno) {
  switch (saved_errno) {
    case EPERM:
      return "this busy-poll option needs CAP_NET_ADMIN: run as root (or give the binary "
             "cap_net_admin), or leave the option out";
    case ENOPROTOOPT:
      return "this kernel has no busy polling (CONFIG_NET_RX_BUSY_POLL)";
    default:
      return "the kernel refused the value";
  }
}

void set_busy_poll_option(int fd, int option, const char* name, int value) {
  if (::setsockopt(fd, SOL_SOCKET, option, &value, sizeof(value)) != 0) {
    const int saved_errno = errno;
    throw BusyPollRefused("setsockopt " + std::string(name) + " " + std::to_string(value) + ": " +
                          std::strerror(saved_errno) + " - " + busy_poll_advice(saved_errno));
  }
}

}  // namespace

void set_busy_poll(int fd, const BusyPoll& busy_poll) {
  if (busy_poll.usec != 0) {
    set_busy_poll_option(fd, SO_BUSY_POLL, "SO_BUSY_POLL", static_cast<int>(busy_poll.usec));
  }
  if (busy_poll.prefer) {
    set_busy_poll_option(fd, SO_PREFER_BUSY_POLL, "SO_PREFER_BUSY_POLL", 1);
  }
  if (busy_poll.budget != 0) {
    set_busy_poll_option(fd, SO_BUSY_POLL_BUDGET, "SO_BUSY_POLL_BUDGET",
                         static_cast<int>(busy_poll.budget));
  }
}

Endpoint local_endpoint(int fd) {
  sockaddr_in addr{};
  socklen_t length = sizeof(addr);
  if (::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &length) != 0) {
    throw std::system_error(errno, std::generic_category(), "getsockname");
  }
  return Endpoint::from_sockaddr(addr);
}

int set_receive_buffer(int fd, int bytes) {
  // Best effort: the kernel clamps to net.core.rmem_max; report what we got.
  if (::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &bytes, sizeof(bytes)) != 0) {
    throw std::system_error(errno, std::generic_category(), "setsockopt SO_RCVBUF");
  }
  int granted = 0;
  socklen_t length = sizeof(granted);
  if (::getsockopt(fd, SOL_SOCKET, SO_RCVBUF, &granted, &length) != 0) {
    throw std::system_error(errno, std::generic_category(), "getsockopt SO_RCVBUF");
  }
  return granted;
}

rlim_t raise_fd_limit(rlim_t wanted) {
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) != 0) {
    throw std::system_error(errno, std::generic_category(), "getrlimit RLIMIT_NOFILE");
  }
  if (limit.rlim_cur >= wanted) {
    return limit.rlim_cur;
  }
  limit.rlim_cur = std::min(wanted, limit.rlim_max);
  if (::setrlimit(RLIMIT_NOFILE, &limit) != 0) {
    throw std::system_error(errno, std::generic_category(), "setrlimit RLIMIT_NOFILE");
  }
  return limit.rlim_cur;
}

}  // namespace napilab::net
