// An IPv4 address and port ("10.77.0.2:9000"), and the rule of where the
// traffic tools may send: loopback and the test bed's subnet only.
#pragma once

#include <netinet/in.h>

#include <cstdint>
#include <string>
#include <string_view>

#include "napilab/result.hpp"

namespace napilab::net {

struct Endpoint {
  std::uint32_t address = 0;  // host byte order
  std::uint16_t port = 0;

  [[nodiscard]] sockaddr_in to_sockaddr() const;
  [[nodiscard]] std::string to_string() const;
  static Endpoint from_sockaddr(const sockaddr_in& addr);
};

// "A.B.C.D:PORT" (port 0..65535; 0 asks the kernel for one when binding).
Result<Endpoint> parse_endpoint(std::string_view text);

// 127.0.0.0/8 and the test bed's 10.77.0.0/24: traffic stays on this machine
// or inside the network namespaces the test bed made.
bool is_lab_destination(const Endpoint& endpoint);

}  // namespace napilab::net
