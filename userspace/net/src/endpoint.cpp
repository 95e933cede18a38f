#include "napilab/net/endpoint.hpp"

#include <arpa/inet.h>

#include "napilab/parse_util.hpp"

namespace napilab::net {

sockaddr_in Endpoint::to_sockaddr() const {
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(address);
  addr.sin_port = htons(port);
  return addr;
}

std::string Endpoint::to_string() const {
  return std::to_string(address >> 24) + "." + std::to_string((address >> 16) & 0xff) + "." +
         std::to_string((address >> 8) & 0xff) + "." + std::to_string(address & 0xff) + ":" +
         std::to_string(port);
}

Endpoint Endpoint::from_sockaddr(const sockaddr_in& addr) {
  return {ntohl(addr.sin_addr.s_addr), ntohs(addr.sin_port)};
}

Result<Endpoint> parse_endpoint(std::string_view text) {
  const auto colon = text.rfind(':');
  if (colon == std::string_view::npos) {
    return Error{"'" + std::string(text) + "': expected ADDRESS:PORT, e.g. 10.77.0.2:9000"};
  }
  const std::string host(text.substr(0, colon));
  in_addr parsed{};
  if (::inet_pton(AF_INET, host.c_str(), &parsed) != 1) {
    return Error{"'" + host + "': not an IPv4 address (dotted quad, e.g. 127.0.0.1)"};
  }
  const auto port = parse_u64(text.substr(colon + 1));
  if (!port || *port > 65535 || colon + 1 == text.size()) {
    return Error{"'" + std::string(text.substr(colon + 1)) + "': port must be 0..65535"};
  }
  return Endpoint{ntohl(parsed.s_addr), static_cast<std::uint16_t>(*port)};
}

bool is_lab_destination(const Endpoint& endpoint) {
  constexpr std::uint32_t kLoopbackNet = 0x7f000000;  // 127.0.0.0/8
  constexpr std::uint32_t kLabNet = 0x0a4d0000;       // 10.77.0.0/24
  return (endpoint.address & 0xff000000U) == kLoopbackNet ||
         (endpoint.address & 0xffffff00U) == kLabNet;
}

}  // namespace napilab::net
