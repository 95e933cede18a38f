#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <chrono>
#include <future>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "fixture.hpp"
#include "napilab/iperf.hpp"
#include "napilab/unique_fd.hpp"

namespace {

using napilab::IperfProtocol;
using napilab::IperfReport;
using napilab::parse_iperf3_json;
using std::chrono::milliseconds;

IperfReport parse_fixture(const std::string& name) {
  auto report = parse_iperf3_json(fixture(name));
  EXPECT_TRUE(report.ok()) << name << ": " << (report.ok() ? "" : report.error().to_string());
  return report.ok() ? report.value() : IperfReport{};
}

// The error message of a parse that must fail ("" when it did not fail).
std::string parse_error(std::string_view text) {
  auto report = parse_iperf3_json(text);
  EXPECT_FALSE(report.ok()) << "parsed: " << text.substr(0, 200);
  return report.ok() ? std::string() : report.error().message;
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

const std::vector<std::string> kReportFixtures = {
    "iperf3-tcp-loopback.json", "iperf3-tcp-reverse-loopback.json", "iperf3-udp-10M-loopback.json",
    "iperf3-udp-64B-loopback.json", "iperf3-tcp-intervals-loopback.json"};

TEST(IperfParse, TcpClientSends) {
  const IperfReport r = parse_fixture("iperf3-tcp-loopback.json");
  EXPECT_EQ(r.protocol, IperfProtocol::kTcp);
  EXPECT_FALSE(r.reverse);
  EXPECT_EQ(r.streams, 1U);
  EXPECT_DOUBLE_EQ(r.duration, 1.0);
  EXPECT_EQ(r.sent.bytes, 1811415040U);
  EXPECT_DOUBLE_EQ(r.sent.bits_per_second, 14467477916.393782);
  EXPECT_EQ(r.received.bytes, 1811415040U);
  EXPECT_DOUBLE_EQ(r.received.bits_per_second, 14466077015.607763);
  EXPECT_DOUBLE_EQ(r.received.seconds, 1.001745);
  ASSERT_TRUE(r.retransmits.has_value());
  EXPECT_EQ(*r.retransmits, 4U);
  EXPECT_FALSE(r.udp.has_value());
  ASSERT_EQ(r.intervals.size(), 1U);
  EXPECT_EQ(r.intervals[0].retransmits, 4U);  // the client sent: it counts them
  EXPECT_FALSE(r.intervals[0].packets.has_value());
}

TEST(IperfParse, TcpReverseServerSends) {
  const IperfReport r = parse_fixture("iperf3-tcp-reverse-loopback.json");
  EXPECT_TRUE(r.reverse);
  EXPECT_EQ(r.sent.bytes, 1748500480U);
  EXPECT_EQ(r.received.bytes, 1741553664U);  // the rest was in flight at the end
  EXPECT_EQ(r.retransmits, 8U);              // the server's, relayed at the end
  ASSERT_EQ(r.intervals.size(), 1U);
  EXPECT_FALSE(r.intervals[0].retransmits.has_value());  // the client only received
  EXPECT_EQ(r.intervals[0].bytes, r.received.bytes);
}

TEST(IperfParse, UdpAtTenMegabits) {
  const IperfReport r = parse_fixture("iperf3-udp-10M-loopback.json");
  EXPECT_EQ(r.protocol, IperfProtocol::kUdp);
  EXPECT_FALSE(r.retransmits.has_value());
  ASSERT_TRUE(r.udp.has_value());
  EXPECT_EQ(r.udp->packets, 39U);
  EXPECT_EQ(r.udp->lost_packets, 0U);
  EXPECT_DOUBLE_EQ(r.udp->jitter_ms, 0.0449813445521902);
  EXPECT_NEAR(r.received.bits_per_second, 10e6, 0.05 * 10e6);
  ASSERT_EQ(r.intervals.size(), 1U);
  EXPECT_EQ(r.intervals[0].packets, 39U);
}

TEST(IperfParse, UdpSmallDatagrams) {
  const IperfReport r = parse_fixture("iperf3-udp-64B-loopback.json");
  ASSERT_TRUE(r.udp.has_value());
  EXPECT_EQ(r.udp->packets, 2047U);
  EXPECT_EQ(r.sent.bytes, r.udp->packets * 64);  // -l 64: 64-byte payloads
  EXPECT_EQ(r.received.bytes, 131008U);
  EXPECT_DOUBLE_EQ(r.udp->lost_percent, 0.0);
}

TEST(IperfParse, IntervalSeries) {
  const IperfReport r = parse_fixture("iperf3-tcp-intervals-loopback.json");
  EXPECT_DOUBLE_EQ(r.duration, 2.0);
  ASSERT_EQ(r.intervals.size(), 4U);  // -t 2 -i 0.5
  std::uint64_t bytes = 0;
  std::uint64_t retransmits = 0;
  for (std::size_t i = 0; i < r.intervals.size(); ++i) {
    const auto& interval = r.intervals[i];
    EXPECT_LT(interval.start, interval.end);
    EXPECT_GT(interval.bits_per_second, 0);
    EXPECT_FALSE(interval.omitted);
    if (i > 0) {
      EXPECT_DOUBLE_EQ(interval.start, r.intervals[i - 1].end);
    }
    bytes += interval.bytes;
    retransmits += interval.retransmits.value_or(0);
  }
  EXPECT_DOUBLE_EQ(r.intervals[1].start, 0.500092);
  EXPECT_EQ(r.intervals[0].bytes, 846725120U);
  EXPECT_EQ(bytes, r.sent.bytes);  // the sender's intervals add up to its total
  EXPECT_EQ(retransmits, r.retransmits);
}

TEST(IperfParse, RefusedConnectionIsIperfsOwnError) {
  const std::string message = parse_error(fixture("iperf3-refused.json"));
  EXPECT_TRUE(contains(message, "iperf3 reported an error")) << message;
  EXPECT_TRUE(contains(message, "unable to connect to server: Connection refused")) << message;
}

TEST(IperfParse, ServerGoneMidTestIsAnError) {
  const std::string message = parse_error(fixture("iperf3-server-killed.json"));
  EXPECT_TRUE(contains(message, "Connection reset by peer")) << message;
}

TEST(IperfParse, EmptyOutput) {
  EXPECT_TRUE(contains(parse_error(""), "empty output"));
  EXPECT_TRUE(contains(parse_error(" \n\t\n"), "empty output"));
}

TEST(IperfParse, EveryTruncationIsAnError) {
  for (const std::string& name : kReportFixtures) {
    const std::string text = fixture(name);
    const std::size_t complete = text.rfind('}');
    ASSERT_NE(complete, std::string::npos) << name;
    for (std::size_t length = 0; length < complete; ++length) {
      const auto report = parse_iperf3_json(std::string_view(text).substr(0, length));
      ASSERT_FALSE(report.ok()) << name << " cut at " << length;
      ASSERT_FALSE(report.error().message.empty()) << name << " cut at " << length;
    }
    EXPECT_TRUE(parse_iperf3_json(std::string_view(text).substr(0, complete + 1)).ok()) << name;
  }
  const std::string cut = fixture("iperf3-tcp-loopback.json").substr(0, 1000);
  EXPECT_TRUE(contains(parse_error(cut), "not valid JSON")) << parse_error(cut);
}

TEST(IperfParse, NotAReport) {
  EXPECT_TRUE(contains(parse_error("[1, 2]"), "not an object"));
  EXPECT_TRUE(contains(parse_error("42"), "not an object"));
  EXPECT_TRUE(contains(parse_error("null"), "not an object"));
  EXPECT_TRUE(contains(parse_error("{}"), "report.start is missing"));
  EXPECT_TRUE(contains(parse_error("Connecting to host 10.77.0.1, port 5201\n"), "not valid JSON"));
  EXPECT_TRUE(contains(parse_error(std::string("{\"a\":\0}", 7)), "not valid JSON"));
  EXPECT_TRUE(contains(parse_error("{\"x\": \"\xff\xfe\"}"), "not valid JSON"));
  EXPECT_TRUE(contains(parse_error("{\"error\": 5}"), "report.error is not a string"));
  const std::string deep = std::string(100000, '[') + std::string(100000, ']');
  EXPECT_TRUE(contains(parse_error(deep), "not an object"));
}

// A fixture with one member changed through `edit`; its parse error.
template <class Edit>
std::string edited_error(Edit edit) {
  auto doc = nlohmann::json::parse(fixture("iperf3-tcp-loopback.json"));
  edit(doc);
  return parse_error(doc.dump());
}

TEST(IperfParse, WrongMembersNameTheirPath) {
  using nlohmann::json;
  EXPECT_TRUE(contains(edited_error([](json& d) { d["end"]["sum_sent"]["bytes"] = "many"; }),
                       "end.sum_sent.bytes is not a count"));
  EXPECT_TRUE(contains(edited_error([](json& d) { d["end"]["sum_sent"]["bytes"] = -1; }),
                       "end.sum_sent.bytes is not a count"));
  EXPECT_TRUE(contains(edited_error([](json& d) { d["end"]["sum_sent"]["bytes"] = 1e30; }),
                       "end.sum_sent.bytes is not a count"));
  EXPECT_TRUE(contains(edited_error([](json& d) { d["end"]["sum_received"]["bytes"] = 1.5; }),
                       "end.sum_received.bytes is not a count"));
  EXPECT_TRUE(
      contains(edited_error([](json& d) { d["end"]["sum_received"]["bits_per_second"] = nullptr; }),
               "end.sum_received.bits_per_second is not a number"));
  EXPECT_TRUE(contains(edited_error([](json& d) { d["end"] = json::object(); }),
                       "end.sum_sent is missing"));
  EXPECT_TRUE(contains(edited_error([](json& d) { d.erase("end"); }), "report.end is missing"));
  EXPECT_TRUE(contains(edited_error([](json& d) { d["intervals"] = 3; }),
                       "report.intervals is not an array"));
  EXPECT_TRUE(contains(edited_error([](json& d) { d["intervals"][0] = "x"; }),
                       "intervals[0] is not an object"));
  EXPECT_TRUE(contains(edited_error([](json& d) { d["intervals"][0]["sum"].erase("end"); }),
                       "intervals[0].sum.end is missing"));
  EXPECT_TRUE(contains(edited_error([](json& d) { d["start"]["test_start"]["reverse"] = "yes"; }),
                       "reverse is neither"));
  EXPECT_TRUE(contains(edited_error([](json& d) { d["start"]["test_start"]["num_streams"] = 0; }),
                       "num_streams 0"));
  EXPECT_TRUE(contains(edited_error([](json& d) { d["start"]["test_start"]["protocol"] = "SCTP"; }),
                       "'SCTP'"));
}

TEST(IperfParse, LargeCountsAsCJsonPrintsThem) {
  auto doc = nlohmann::json::parse(fixture("iperf3-tcp-loopback.json"));
  doc["end"]["sum_sent"]["bytes"] = 1.8e19;  // cJSON: %1.15g above 2^53
  doc["end"]["sum_received"]["bytes"] = std::uint64_t{18446744073709551615U};
  auto report = parse_iperf3_json(doc.dump());
  ASSERT_TRUE(report.ok()) << report.error().to_string();
  EXPECT_EQ(report.value().sent.bytes, 18000000000000000000U);
  EXPECT_EQ(report.value().received.bytes, 18446744073709551615U);
}

TEST(IperfParse, UdpFromBeforeIperf310HasOnlyTheSum) {
  auto doc = nlohmann::json::parse(fixture("iperf3-udp-64B-loopback.json"));
  doc["end"].erase("sum_sent");
  doc["end"].erase("sum_received");
  auto report = parse_iperf3_json(doc.dump());
  ASSERT_TRUE(report.ok()) << report.error().to_string();
  EXPECT_EQ(report.value().received.bytes, 131008U);
  EXPECT_EQ(report.value().udp->packets, 2047U);
}

TEST(IperfArgs, ClientHost) {
  using Args = std::vector<std::string>;
  using napilab::iperf3_client_host;
  EXPECT_EQ(iperf3_client_host(Args{"-c", "10.77.0.1", "-t", "3"}), "10.77.0.1");
  EXPECT_EQ(iperf3_client_host(Args{"-R", "-c10.77.0.1"}), "10.77.0.1");
  EXPECT_EQ(iperf3_client_host(Args{"-Rc", "127.0.0.1"}), "127.0.0.1");
  EXPECT_EQ(iperf3_client_host(Args{"--client", "example.org"}), "example.org");
  EXPECT_EQ(iperf3_client_host(Args{"--client=1.2.3.4", "-u"}), "1.2.3.4");
  EXPECT_EQ(iperf3_client_host(Args{"-c", "a", "-c", "b"}), "b");  // getopt: the last wins
  // Values of other options are not hosts, even when they hold a 'c'.
  EXPECT_EQ(iperf3_client_host(Args{"-Tc", "-c", "10.77.0.1"}), "10.77.0.1");
  EXPECT_EQ(iperf3_client_host(Args{"-T", "-c", "-t", "3"}), std::nullopt);
  EXPECT_EQ(iperf3_client_host(Args{"-s", "-p", "5201"}), std::nullopt);
  EXPECT_EQ(iperf3_client_host(Args{"-t", "3", "--", "-c", "x"}), std::nullopt);
  EXPECT_EQ(iperf3_client_host(Args{"-c"}), std::nullopt);
  EXPECT_EQ(iperf3_client_host(Args{}), std::nullopt);
}

// A TCP port on 127.0.0.1 that was free a moment ago.
int free_loopback_port() {
  const napilab::UniqueFd sock(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof(addr);
  if (sock.get() < 0 || ::bind(sock.get(), reinterpret_cast<sockaddr*>(&addr), len) != 0 ||
      ::getsockname(sock.get(), reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    return -1;
  }
  return ntohs(addr.sin_port);
}

class IperfLive : public ::testing::Test {
 protected:
  void SetUp() override {
    auto version = napilab::run_process("iperf3", {"--version"}, milliseconds(5000));
    if (!version.ok()) {
      GTEST_SKIP() << "iperf3 is not installed (" << version.error().message
                   << "); apt-get install iperf3";
    }
    port_ = free_loopback_port();
    ASSERT_GT(port_, 0) << "no free TCP port on 127.0.0.1";
  }
  std::string port() const { return std::to_string(port_); }

 private:
  int port_ = -1;
};

TEST_F(IperfLive, LoopbackRun) {
  // A one-off server (-1) on loopback, bounded by its own timeout.
  auto server = std::async(std::launch::async, [port = port()] {
    return napilab::run_iperf3({"-s", "-1", "-B", "127.0.0.1", "-p", port}, milliseconds(20000));
  });
  napilab::Result<IperfReport> report = napilab::Error{"not run"};
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  do {  // until the server listens: a refused attempt does not use up -1
    std::this_thread::sleep_for(milliseconds(100));
    report = napilab::measure_iperf3({"-c", "127.0.0.1", "-p", port(), "-t", "1", "-i", "0.5"},
                                     milliseconds(15000));
  } while (!report.ok() && contains(report.error().message, "Connection refused") &&
           std::chrono::steady_clock::now() < give_up);
  ASSERT_TRUE(report.ok()) << report.error().to_string();
  const IperfReport& r = report.value();
  EXPECT_EQ(r.protocol, IperfProtocol::kTcp);
  EXPECT_FALSE(r.reverse);
  EXPECT_GT(r.received.bytes, 0U);
  EXPECT_LE(r.received.bytes, r.sent.bytes);
  EXPECT_GT(r.received.bits_per_second, 0);
  EXPECT_GE(r.intervals.size(), 2U);

  auto served = server.get();
  ASSERT_TRUE(served.ok()) << served.error().to_string();
  EXPECT_FALSE(served.value().timed_out);
  EXPECT_EQ(served.value().exit_status, 0);
  // The server's -J report reads the same way and saw the same bytes.
  auto server_report = parse_iperf3_json(served.value().stdout_text);
  ASSERT_TRUE(server_report.ok()) << server_report.error().to_string();
  EXPECT_EQ(server_report.value().received.bytes, r.received.bytes);
}

TEST_F(IperfLive, NoServerIsARefusal) {
  auto report =
      napilab::measure_iperf3({"-c", "127.0.0.1", "-p", port(), "-t", "1"}, milliseconds(10000));
  ASSERT_FALSE(report.ok());
  EXPECT_TRUE(contains(report.error().message, "Connection refused")) << report.error().message;
}

TEST_F(IperfLive, OverrunIsATimeoutError) {
  const auto start = std::chrono::steady_clock::now();
  auto report =
      napilab::measure_iperf3({"-s", "-1", "-B", "127.0.0.1", "-p", port()}, milliseconds(300));
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(3));
  ASSERT_FALSE(report.ok());
  EXPECT_TRUE(contains(report.error().message, "overran its 300 ms timeout"))
      << report.error().message;
}

}  // namespace
