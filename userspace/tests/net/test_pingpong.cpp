// napi-pingpong: the options and their refusals (pure), the client against
// a crafted server (malformed, unknown, duplicate replies), client and
// server end to end on loopback for each wait mode, and the binary's exit
// codes (bad usage and a refused busy-poll option exit 2).
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "napilab/net/pingpong.hpp"
#include "napilab/net/pingpong_client.hpp"
#include "napilab/net/pingpong_server.hpp"
#include "napilab/net/sequence.hpp"
#include "napilab/process.hpp"

using napilab::net::PingConfig;
using napilab::net::PingOptions;
using napilab::net::Protocol;
using napilab::net::Role;
using napilab::net::to_config;
using napilab::net::WaitMode;

namespace {

PingOptions client_options() {
  PingOptions options;
  options.endpoint = "127.0.0.1:9000";
  return options;
}

// The error to_config gives, or "" when it accepts the options.
std::string refusal(const PingOptions& options) {
  const auto config = to_config(options);
  return config ? "" : config.error().message;
}

}  // namespace

TEST(PingOptions, DefaultsAreAnEpollBackToBackUdpClient) {
  const auto config = to_config(client_options());
  ASSERT_TRUE(config) << config.error().message;
  EXPECT_EQ(config.value().role, Role::client);
  EXPECT_EQ(config.value().protocol, Protocol::udp);
  EXPECT_EQ(config.value().size, 64U);
  EXPECT_EQ(config.value().inflight, 1U);
  EXPECT_EQ(config.value().rate, 0U);
  EXPECT_EQ(config.value().wait, WaitMode::epoll);
  EXPECT_EQ(config.value().duration, std::chrono::seconds(5));
  EXPECT_EQ(config.value().timeout, std::chrono::seconds(1));
}

TEST(PingOptions, UnitsAndLimitsAreAccepted) {
  PingOptions options = client_options();
  options.proto = "tcp";
  options.size = "1M";  // 10^6 < 1 MiB
  options.rate = "20k";
  options.inflight = "4096";
  options.count = "1M";
  options.duration = "60m";
  options.timeout = "250ms";
  options.busy_poll = "50";
  options.busy_poll_budget = "64";
  options.prefer_busy_poll = true;
  options.wait = "epoll";
  options.trigger = "edge";
  const auto config = to_config(options);
  ASSERT_TRUE(config) << config.error().message;
  EXPECT_EQ(config.value().size, 1'000'000U);
  EXPECT_EQ(config.value().rate, 20'000U);
  EXPECT_EQ(config.value().count, 1'000'000U);
  EXPECT_EQ(config.value().timeout, std::chrono::milliseconds(250));
  EXPECT_EQ(config.value().busy_poll.usec, 50U);
  EXPECT_EQ(config.value().busy_poll.budget, 64U);
  EXPECT_TRUE(config.value().busy_poll.prefer);
}

TEST(PingOptions, NonsenseIsRefusedNamingTheOption) {
  struct Case {
    void (*change)(PingOptions&);
    const char* says;
  };
  const std::vector<Case> cases = {
      {[](PingOptions& o) { o.rate = "-5"; }, "--rate '-5': must not be negative"},
      {[](PingOptions& o) { o.rate = "0"; }, "leave --rate out for back-to-back"},
      {[](PingOptions& o) { o.rate = "3M"; }, "--rate 3000000: must be 1..2000000"},
      {[](PingOptions& o) { o.size = "0"; }, "--size 0: a UDP message must be 24..65507"},
      {[](PingOptions& o) { o.size = "23"; }, "--size 23"},
      {[](PingOptions& o) { o.size = "65508"; }, "--size 65508: a UDP message must be 24..65507"},
      {[](PingOptions& o) { o.size = "-64"; }, "--size '-64': must not be negative"},
      {[](PingOptions& o) { o.size = "64x"; }, "--size '64x': unknown multiplier"},
      {[](PingOptions& o) {
         o.proto = "tcp";
         o.size = "2M";
       },
       "a TCP message must be 24..1048576"},
      {[](PingOptions& o) {
         o.trigger = "edge";
         o.wait = "poll";
       },
       "--trigger edge needs --wait epoll"},
      {[](PingOptions& o) {
         o.trigger = "edge";
         o.wait = "recv";
       },
       "--trigger edge needs --wait epoll"},
      {[](PingOptions& o) { o.wait = "select"; }, "--wait 'select': recv, poll or epoll"},
      {[](PingOptions& o) { o.proto = "sctp"; }, "--proto 'sctp'"},
      {[](PingOptions& o) { o.duration = "0"; }, "--duration '0': must be more than 0"},
      {[](PingOptions& o) { o.duration = "-1s"; }, "--duration '-1s': must not be negative"},
      {[](PingOptions& o) { o.duration = "5x"; }, "--duration '5x': unknown unit"},
      {[](PingOptions& o) { o.duration = "2h"; }, "--duration '2h': unknown unit 'h'"},
      {[](PingOptions& o) { o.duration = "61m"; },
       "--duration '61m': must be more than 0 and at most 60m"},
      {[](PingOptions& o) { o.timeout = "0ms"; }, "--timeout '0ms': must be more than 0"},
      {[](PingOptions& o) { o.timeout = "2m"; },
       "--timeout '2m': must be more than 0 and at most 60s"},
      {[](PingOptions& o) { o.inflight = "0"; }, "--inflight 0: must be 1..4096"},
      {[](PingOptions& o) { o.inflight = "5000"; }, "--inflight 5000: must be 1..4096"},
      {[](PingOptions& o) { o.count = "0"; }, "--count 0"},
      {[](PingOptions& o) { o.busy_poll = "-1"; }, "--busy-poll '-1': must not be negative"},
      {[](PingOptions& o) { o.busy_poll = "2000000"; }, "--busy-poll 2000000: must be 0..1000000"},
      {[](PingOptions& o) { o.busy_poll = "50us"; }, "--busy-poll '50us': unknown multiplier"},
      {[](PingOptions& o) { o.busy_poll_budget = "8"; }, "give --busy-poll USEC"},
      {[](PingOptions& o) { o.prefer_busy_poll = true; }, "give --busy-poll USEC"},
      {[](PingOptions& o) {
         o.busy_poll = "0";
         o.prefer_busy_poll = true;
       },
       "give --busy-poll USEC"},
      {[](PingOptions& o) {
         o.busy_poll = "50";
         o.busy_poll_budget = "0";
       },
       "--busy-poll-budget 0"},
      {[](PingOptions& o) {
         o.busy_poll = "50";
         o.busy_poll_budget = "70000";
       },
       "1..65535"},
      {[](PingOptions& o) {
         o.wait = "recv";
         o.rate = "1k";
       },
       "--rate needs --wait poll or epoll"},
      {[](PingOptions& o) { o.endpoint = "192.0.2.1:9000"; }, "pass --allow-any-destination"},
      {[](PingOptions& o) { o.endpoint = "127.0.0.1:0"; }, "--connect port 0"},
      {[](PingOptions& o) { o.endpoint = "localhost:9000"; }, "--connect 'localhost'"},
  };
  for (const Case& c : cases) {
    PingOptions options = client_options();
    c.change(options);
    const std::string said = refusal(options);
    EXPECT_NE(said.find(c.says), std::string::npos)
        << "expected '" << c.says << "', got '" << said << "'";
  }
}

TEST(PingOptions, ServerTakesAnyBindAndIgnoresClientLoad) {
  PingOptions options;
  options.role = Role::server;
  options.endpoint = "0.0.0.0:0";
  options.rate = "-5";  // the server has no --rate: not read
  EXPECT_EQ(refusal(options), "");
  options.trigger = "edge";
  options.wait = "poll";
  EXPECT_NE(refusal(options), "");
  PingOptions anywhere = client_options();
  anywhere.endpoint = "192.0.2.1:9000";
  anywhere.allow_any_destination = true;
  EXPECT_EQ(refusal(anywhere), "");
}

namespace {

const napilab::net::Endpoint kLoopbackAnyPort{0x7f000001, 0};

struct Flavor {
  Protocol protocol;
  WaitMode wait;
  napilab::net::Trigger trigger;
  std::uint64_t rate;
  std::uint32_t inflight;
};

std::string flavor_name(const ::testing::TestParamInfo<Flavor>& info) {
  const Flavor& f = info.param;
  return std::string(to_string(f.protocol)) + "_" + std::string(to_string(f.wait)) + "_" +
         std::string(to_string(f.trigger)) + (f.rate != 0 ? "_rate" : "_b2b") +
         std::to_string(f.inflight);
}

class PingPongLoopback : public ::testing::TestWithParam<Flavor> {};

}  // namespace

// Server and client in this process, 127.0.0.1 only, about 0.8 s a flavor.
TEST_P(PingPongLoopback, EveryRequestIsAnsweredOrLost) {
  const Flavor& flavor = GetParam();
  PingConfig server_config;
  server_config.role = Role::server;
  server_config.protocol = flavor.protocol;
  server_config.endpoint = kLoopbackAnyPort;
  server_config.size = 100;
  server_config.duration = std::chrono::milliseconds(800);
  server_config.wait = flavor.wait;
  server_config.trigger = flavor.trigger;
  napilab::net::PingServer server(server_config);

  PingConfig client_config = server_config;
  client_config.role = Role::client;
  client_config.endpoint = server.local();
  client_config.duration = std::chrono::milliseconds(300);
  client_config.timeout = std::chrono::milliseconds(200);
  client_config.rate = flavor.rate;
  client_config.inflight = flavor.inflight;

  napilab::net::ServerStats served;
  std::thread server_thread([&] { served = server.run(); });
  const auto stats = napilab::net::PingClient(client_config).run();
  server_thread.join();

  const auto& replies = stats.replies;
  EXPECT_GT(replies.sent, 10U);
  EXPECT_EQ(replies.sent, replies.received() + replies.lost());
  EXPECT_GE(replies.received(), replies.sent * 9 / 10);
  EXPECT_EQ(replies.duplicates, 0U);
  EXPECT_EQ(replies.unknown + stats.malformed, 0U);
  EXPECT_EQ(stats.rtt.count(), replies.on_time);
  EXPECT_GT(stats.rtt.min(), 0U);
  EXPECT_LE(stats.rtt.max(), 200'000'000U) << "on-time RTTs are within --timeout";
  EXPECT_LE(stats.rtt.percentile(0.5), stats.rtt.percentile(0.99));
  EXPECT_GE(stats.elapsed, client_config.duration);
  EXPECT_GE(stats.cpu.user_s + stats.cpu.sys_s, 0.0);
  EXPECT_GE(served.echoed, replies.received());
  EXPECT_EQ(served.refused_peers, 0U);
  if (flavor.rate != 0) {
    // 2000/s for 0.3 s: the schedule, not the replies, sets the count.
    EXPECT_LE(replies.sent, 601U);
    EXPECT_GE(replies.sent, 500U);
  }
}

INSTANTIATE_TEST_SUITE_P(
    Flavors, PingPongLoopback,
    ::testing::Values(Flavor{Protocol::udp, WaitMode::epoll, napilab::net::Trigger::level, 0, 1},
                      Flavor{Protocol::udp, WaitMode::recv, napilab::net::Trigger::level, 0, 4},
                      Flavor{Protocol::udp, WaitMode::epoll, napilab::net::Trigger::edge, 2000, 8},
                      Flavor{Protocol::udp, WaitMode::poll, napilab::net::Trigger::level, 2000, 1},
                      Flavor{Protocol::tcp, WaitMode::poll, napilab::net::Trigger::level, 0, 8},
                      Flavor{Protocol::tcp, WaitMode::recv, napilab::net::Trigger::level, 0, 1},
                      Flavor{Protocol::tcp, WaitMode::epoll, napilab::net::Trigger::edge, 0, 4}),
    flavor_name);

// A crafted UDP server answers request 0 with a short datagram, one that
// is not ours, one for a sequence never sent and the right reply; request
// 1 with request 0's reply again (a duplicate) and its own.
TEST(PingClient, CountsMalformedUnknownAndDuplicateReplies) {
  napilab::UniqueFd fake_server = napilab::net::udp_bound(kLoopbackAnyPort);
  napilab::net::set_blocking_with_timeout(fake_server.get(), std::chrono::seconds(2));
  PingConfig config;
  config.endpoint = napilab::net::local_endpoint(fake_server.get());
  config.count = 2;
  config.duration = std::chrono::seconds(2);
  config.timeout = std::chrono::milliseconds(500);
  napilab::net::ClientStats stats;
  std::thread client_thread([&] { stats = napilab::net::PingClient(config).run(); });

  std::array<std::array<std::byte, 64>, 2> requests{};
  std::array<sockaddr_in, 2> from{};
  for (std::size_t i = 0; i < 2; ++i) {
    socklen_t length = sizeof(from[i]);
    ASSERT_EQ(::recvfrom(fake_server.get(), requests[i].data(), 64, 0,
                         reinterpret_cast<sockaddr*>(&from[i]), &length),
              64);
    const auto answer = [&](const void* data, std::size_t size) {
      ASSERT_EQ(::sendto(fake_server.get(), data, size, 0,
                         reinterpret_cast<const sockaddr*>(&from[i]), sizeof(from[i])),
                static_cast<ssize_t>(size));
    };
    if (i == 0) {
      answer(requests[0].data(), 10);  // short
      std::array<std::byte, 64> foreign{};
      answer(foreign.data(), foreign.size());  // no SeqHeader
      std::array<std::byte, 64> stranger = requests[0];
      const auto header = napilab::net::decode_seq_header(requests[0]);
      napilab::net::encode_seq_header(stranger, {header->seq + 1000, header->send_ns});
      answer(stranger.data(), stranger.size());
    } else {
      answer(requests[0].data(), 64);  // request 0's reply again
    }
    answer(requests[i].data(), 64);
  }
  client_thread.join();
  EXPECT_EQ(stats.replies.sent, 2U);
  EXPECT_EQ(stats.replies.on_time, 2U);
  EXPECT_EQ(stats.replies.lost(), 0U);
  EXPECT_EQ(stats.malformed, 2U);  // the short one (wrong size) and the foreign one
  EXPECT_EQ(stats.replies.unknown, 1U);
  EXPECT_EQ(stats.replies.duplicates, 1U);
  EXPECT_EQ(stats.rtt.count(), 2U);
}

namespace {

napilab::ProcessOutput pingpong(const std::vector<std::string>& args) {
  auto out = napilab::run_process(NAPI_PINGPONG, args, std::chrono::seconds(10));
  EXPECT_TRUE(out.ok()) << (out.ok() ? "" : out.error().to_string());
  return out.ok() ? out.value() : napilab::ProcessOutput{"", -1, false};
}

}  // namespace

TEST(NapiPingpongCli, BadUsageExits2AndSendsNothing) {
  const std::vector<std::vector<std::string>> refused = {
      {},
      {"client"},  // no --connect
      {"client", "--connect", "127.0.0.1:9", "--rate", "-5"},
      {"client", "--connect", "127.0.0.1:9", "--size", "70000"},
      {"client", "--connect", "127.0.0.1:9", "--wait", "poll", "--trigger", "edge"},
      {"client", "--connect", "192.0.2.1:9"},
      {"server", "--duration", "61m"},
      {"server", "--inflight", "4"},  // a client option
  };
  for (const auto& args : refused) {
    const auto out = pingpong(args);
    EXPECT_EQ(out.exit_status, 2) << ::testing::PrintToString(args);
    EXPECT_EQ(out.stdout_text, "") << ::testing::PrintToString(args);
  }
}

TEST(NapiPingpongCli, HelpListsTheJsonKeys) {
  const auto out = pingpong({"--help"});
  EXPECT_EQ(out.exit_status, 0);
  for (const char* key :
       {"rtt_ns {count, min, p50, p90, p99, p999, max, mean}", "cpu {user_s, sys_s}",
        "CAP_NET_ADMIN", "coordinated omission", "NAPI id"}) {
    EXPECT_NE(out.stdout_text.find(key), std::string::npos) << key;
  }
}

// SO_PREFER_BUSY_POLL needs CAP_NET_ADMIN (on every kernel, unlike raising
// SO_BUSY_POLL): without it the client must exit 2 before sending. As root
// the capability is dropped with setpriv, where there is one.
TEST(NapiPingpongCli, BusyPollWithoutPermissionExits2) {
  std::vector<std::string> args = {"client", "--connect",          "127.0.0.1:9", "--busy-poll",
                                   "50",     "--prefer-busy-poll", "--duration",  "100ms"};
  std::string program = NAPI_PINGPONG;
  if (::geteuid() == 0) {
    if (!std::filesystem::exists("/usr/bin/setpriv")) {
      GTEST_SKIP() << "root and no setpriv to drop CAP_NET_ADMIN";
    }
    args.insert(args.begin(), {"--inh-caps=-net_admin", "--bounding-set=-net_admin", program});
    program = "/usr/bin/setpriv";
  }
  const auto out = napilab::run_process(program, args, std::chrono::seconds(10));
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(out.value().exit_status, 2);
  EXPECT_EQ(out.value().stdout_text, "");
}
