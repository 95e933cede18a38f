// Non-blocking IPv4 sockets for the traffic tools, each owned by a UniqueFd.
// Failures throw std::system_error naming the call and the endpoint.
#pragma once

#include <sys/resource.h>

#include <cstddef>

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
Endpoint local_endpoint(int fd);
// Sets the receive buffer; returns what the kernel granted (it may clamp).
int set_receive_buffer(int fd, int bytes);

// Raises the RLIMIT_NOFILE soft limit to at least `wanted` (within the hard
// limit); returns the soft limit in force afterwards.
rlim_t raise_fd_limit(rlim_t wanted);

}  // namespace napilab::net
