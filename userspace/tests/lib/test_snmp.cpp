#include <gtest/gtest.h>

#include "fixture.hpp"
#include "napilab/snmp.hpp"

using napilab::parse_snmp;

namespace {

TEST(Snmp, HostCaptureHasEveryProtocol) {
  auto table = parse_snmp(fixture("snmp-host.txt"));
  ASSERT_TRUE(table.ok()) << table.error().to_string();
  for (const char* proto : {"Ip", "Icmp", "IcmpMsg", "Tcp", "Udp", "UdpLite"}) {
    EXPECT_TRUE(table.value().count(proto)) << proto;
  }
  const auto& udp = table.value().at("Udp");
  EXPECT_EQ(udp.at("InDatagrams"), 38U);
  EXPECT_EQ(udp.at("OutDatagrams"), 39U);
  EXPECT_EQ(udp.size(), 9U);
  // Tcp MaxConn is -1 (a limit): left out; the counters around it stay.
  const auto& tcp = table.value().at("Tcp");
  EXPECT_FALSE(tcp.count("MaxConn"));
  EXPECT_EQ(tcp.at("RtoMax"), 120000U);
  EXPECT_EQ(tcp.at("ActiveOpens"), 17U);
}

TEST(Snmp, UdpCountersFromTheCapture) {
  auto table = parse_snmp(fixture("snmp-host.txt"));
  ASSERT_TRUE(table.ok()) << table.error().to_string();
  auto udp = napilab::udp_counters(table.value());
  ASSERT_TRUE(udp.ok()) << udp.error().to_string();
  EXPECT_EQ(udp.value().in_datagrams, 38U);
  EXPECT_EQ(udp.value().in_errors, 0U);
  EXPECT_EQ(udp.value().rcvbuf_errors, 0U);
}

TEST(Snmp, GuestCaptureAfterAUdpFlood) {
  // Two 3 s floods of 64 B datagrams at 30 Mb/s into the guest's iperf3: the
  // socket's buffer overflowed for most of them.
  auto table = parse_snmp(fixture("snmp-2cpu-e1k_napi-udp-flood.txt"));
  ASSERT_TRUE(table.ok()) << table.error().to_string();
  auto udp = napilab::udp_counters(table.value());
  ASSERT_TRUE(udp.ok()) << udp.error().to_string();
  EXPECT_EQ(udp.value().in_datagrams, 127687U);
  EXPECT_EQ(udp.value().in_errors, 109420U);
  EXPECT_EQ(udp.value().rcvbuf_errors, 109420U);
}

TEST(Snmp, UdpCountersByName) {
  auto table = parse_snmp(
      "Udp: InErrors RcvbufErrors InDatagrams\n"
      "Udp: 7 5 1000\n");
  ASSERT_TRUE(table.ok()) << table.error().to_string();
  auto udp = napilab::udp_counters(table.value());
  ASSERT_TRUE(udp.ok()) << udp.error().to_string();
  EXPECT_EQ(udp.value().in_datagrams, 1000U);
  EXPECT_EQ(udp.value().in_errors, 7U);
  EXPECT_EQ(udp.value().rcvbuf_errors, 5U);
}

TEST(Snmp, MissingUdpIsAnError) {
  auto no_udp = parse_snmp("Ip: Forwarding\nIp: 1\n");
  ASSERT_TRUE(no_udp.ok());
  EXPECT_FALSE(napilab::udp_counters(no_udp.value()).ok());

  auto no_rcvbuf = parse_snmp("Udp: InDatagrams InErrors\nUdp: 1 2\n");
  ASSERT_TRUE(no_rcvbuf.ok());
  auto udp = napilab::udp_counters(no_rcvbuf.value());
  ASSERT_FALSE(udp.ok());
  EXPECT_NE(udp.error().message.find("RcvbufErrors"), std::string::npos);
}

TEST(Snmp, MalformedInputIsAnErrorNamingTheLine) {
  EXPECT_FALSE(parse_snmp("").ok());
  EXPECT_FALSE(parse_snmp("\n\n").ok());

  auto no_values = parse_snmp("Ip: Forwarding\nIp: 1\nUdp: InDatagrams\n");
  ASSERT_FALSE(no_values.ok());
  EXPECT_EQ(no_values.error().line, 3U);

  auto other_proto = parse_snmp("Udp: InDatagrams\nTcp: 5\n");
  ASSERT_FALSE(other_proto.ok());
  EXPECT_EQ(other_proto.error().line, 2U);

  auto count_mismatch = parse_snmp("Udp: InDatagrams NoPorts\nUdp: 5\n");
  ASSERT_FALSE(count_mismatch.ok());
  EXPECT_NE(count_mismatch.error().message.find("2 names but 1 values"), std::string::npos);

  auto not_a_number = parse_snmp("Udp: InDatagrams\nUdp: 5x\n");
  ASSERT_FALSE(not_a_number.ok());
  EXPECT_NE(not_a_number.error().message.find("'5x'"), std::string::npos);

  EXPECT_FALSE(parse_snmp("Udp: InDatagrams\nUdp: -\n").ok());
  EXPECT_FALSE(parse_snmp("no colon here\nUdp: 1\n").ok());

  // Cut in the middle of the value line: fewer values than names.
  const std::string whole = fixture("snmp-host.txt");
  const std::size_t cut = whole.find("Udp: 38") + 8;
  EXPECT_FALSE(parse_snmp(whole.substr(0, cut)).ok());
}

TEST(Snmp, LiveSystemHasUdp) {
  auto udp = napilab::read_udp_counters();
  ASSERT_TRUE(udp.ok()) << udp.error().to_string();
  EXPECT_GE(udp.value().in_errors, udp.value().rcvbuf_errors);  // InErrors counts them too
}

}  // namespace
