// /proc/net/snmp: the IP, ICMP, TCP and UDP MIB counters, as pairs of lines
// ("Udp: InDatagrams NoPorts ..." then "Udp: 38 0 ...").
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "napilab/counter_map.hpp"
#include "napilab/result.hpp"

namespace napilab {

// Protocol ("Udp", "Tcp", ...) -> counter name -> value.
using SnmpTable = std::map<std::string, CounterMap, std::less<>>;

// Pure: the file's text. A header without its value line, a value line
// whose protocol differs from the header's, a count of values that differs
// from the count of names, or a value that is not a number is an error
// naming the line. Negative values (Tcp MaxConn -1: a limit, not a counter)
// are left out of the table.
Result<SnmpTable> parse_snmp(std::string_view text);

// The UDP receive counters the tools report.
struct UdpCounters {
  std::uint64_t in_datagrams = 0;   // InDatagrams: delivered to a socket
  std::uint64_t in_errors = 0;      // InErrors: dropped on receive (includes RcvbufErrors)
  std::uint64_t rcvbuf_errors = 0;  // RcvbufErrors: the socket's receive buffer was full
};

// Pure: UdpCounters from a parsed table; an error naming what is missing.
Result<UdpCounters> udp_counters(const SnmpTable& table);

// Reads and parses the file, then picks the UDP counters.
Result<UdpCounters> read_udp_counters(const std::string& path = "/proc/net/snmp");

}  // namespace napilab
