// Non-blocking IPv4 sockets for the traffic tools, each owned by a UniqueFd.
// Failures throw std::system_error naming the call and the endpoint.
#pragma once

#include <sys/resource.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <stdexcept>

#include "napilab/net/endpoint.hpp"
#include "napilab/unique_fd.hpp"

namespace napilab::net {

UniqueFd udp_bound(const Endpoint& local);
UniqueFd udp_connected(const Endpoint& remote);
UniqueFd tcp_listener(const Endpoint& local);
// Connects (blocking, so tests and clients know it succeeded), then switches
// the socket to non-blocking.
UniqueFd tcp_connected(const Endpoint& remote);
void set_nonblocking(int fd);
// Clears O_NONBLOCK and bounds each blocking recv/send (and accept) by
// `timeout` (SO_RCVTIMEO, SO_SNDTIMEO; the kernel rounds up to a jiffy).
void set_blocking_with_timeout(int fd, std::chrono::microseconds timeout);
Endpoint local_endpoint(int fd);
// Sets the receive buffer; returns what the kernel granted (it may clamp).
int set_receive_buffer(int fd, int bytes);

// Busy polling of a socket (socket(7)): recv and read spin on the device's
// NAPI context for up to `usec` before sleeping. 0 leaves the socket as the
// kernel made it. prefer asks that busy polling be preferred over the
// device's interrupts; budget is the packets one busy poll may take (0: the
// kernel's default, 8).
struct BusyPoll {
  std::uint32_t usec = 0;
  bool prefer = false;
  std::uint32_t budget = 0;
};

// The kernel refused a busy-poll option: the message names the option, the
// value and what to do (EPERM: CAP_NET_ADMIN). The tools exit 2 on it.
class BusyPollRefused : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Sets SO_BUSY_POLL, SO_PREFER_BUSY_POLL and SO_BUSY_POLL_BUDGET as asked;
// throws BusyPollRefused when the kernel says no.
void set_busy_poll(int fd, const BusyPoll& busy_poll);

// Raises the RLIMIT_NOFILE soft limit to at least `wanted` (within the hard
// limit); returns the soft limit in force afterwards.
rlim_t raise_fd_limit(rlim_t wanted);

}  // namespace napilab::net
