// The event loop over every backend: socketpairs for readiness semantics,
// loopback TCP/UDP through the SinkServer for accept, read, echo and close.
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "alarm_storm.hpp"
#include "napilab/net/event_loop.hpp"
#include "napilab/net/sink.hpp"
#include "napilab/net/socket.hpp"

using napilab::UniqueFd;
using napilab::net::Backend;
using napilab::net::EventLoop;
using napilab::net::make_poller;
using napilab::net::SinkServer;
using napilab::net::Trigger;
namespace event = napilab::net::event;

namespace {

struct Pair {
  UniqueFd near;
  UniqueFd far;
};

Pair socket_pair() {
  int fds[2] = {-1, -1};
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, fds) != 0) {
    throw std::runtime_error("socketpair failed");
  }
  return {UniqueFd(fds[0]), UniqueFd(fds[1])};
}

void send_text(int fd, const std::string& text) {
  ASSERT_EQ(::write(fd, text.data(), text.size()), static_cast<ssize_t>(text.size()));
}

// Runs the loop until `done` holds or 10 s pass; false on the timeout.
template <class Done>
bool run_until_done(EventLoop& loop, Done done) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline) {
      return false;
    }
    loop.run_once(std::chrono::milliseconds(10));
  }
  return true;
}

const napilab::net::Endpoint kLoopbackAnyPort{0x7f000001, 0};

struct Flavor {
  Backend backend;
  Trigger trigger;
};

std::string flavor_name(const testing::TestParamInfo<Flavor>& info) {
  return std::string(to_string(info.param.backend)) + "_" +
         std::string(to_string(info.param.trigger));
}

class EventLoopTest : public testing::TestWithParam<Flavor> {
 protected:
  EventLoop loop_{make_poller(GetParam().backend, GetParam().trigger)};
};

}  // namespace

TEST_P(EventLoopTest, ReadableSocketpairRunsItsHandler) {
  Pair pair = socket_pair();
  std::uint32_t seen = 0;
  loop_.watch(pair.near.get(), event::kReadable, [&](std::uint32_t events) { seen = events; });
  EXPECT_EQ(loop_.run_once(std::chrono::milliseconds(0)), 0U);
  send_text(pair.far.get(), "x");
  EXPECT_EQ(loop_.run_once(std::chrono::milliseconds(1000)), 1U);
  EXPECT_NE(seen & event::kReadable, 0U);
}

TEST_P(EventLoopTest, UnreadDataIsReportedAgainOnlyWhenLevelTriggered) {
  Pair pair = socket_pair();
  int calls = 0;
  loop_.watch(pair.near.get(), event::kReadable, [&](std::uint32_t) { ++calls; });
  send_text(pair.far.get(), "x");
  loop_.run_once(std::chrono::milliseconds(1000));
  loop_.run_once(std::chrono::milliseconds(0));
  EXPECT_EQ(calls, GetParam().trigger == Trigger::level ? 2 : 1);
  // New data re-arms edge-triggered readiness.
  send_text(pair.far.get(), "y");
  loop_.run_once(std::chrono::milliseconds(1000));
  EXPECT_EQ(calls, GetParam().trigger == Trigger::level ? 3 : 2);
}

TEST_P(EventLoopTest, HandlerMayUnwatchItselfAndOthers) {
  Pair first = socket_pair();
  Pair second = socket_pair();
  int first_calls = 0;
  int second_calls = 0;
  loop_.watch(first.near.get(), event::kReadable, [&](std::uint32_t) {
    ++first_calls;
    loop_.unwatch(first.near.get());
    loop_.unwatch(second.near.get());
  });
  loop_.watch(second.near.get(), event::kReadable, [&](std::uint32_t) {
    ++second_calls;
    loop_.unwatch(second.near.get());
    loop_.unwatch(first.near.get());
  });
  send_text(first.far.get(), "x");
  send_text(second.far.get(), "x");
  EXPECT_EQ(loop_.run_once(std::chrono::milliseconds(1000)), 1U);
  EXPECT_EQ(first_calls + second_calls, 1);
  EXPECT_EQ(loop_.watched(), 0U);
}

TEST_P(EventLoopTest, PeerCloseIsReported) {
  Pair pair = socket_pair();
  std::uint32_t seen = 0;
  loop_.watch(pair.near.get(), event::kReadable | event::kPeerClosed,
              [&](std::uint32_t events) { seen = events; });
  pair.far.reset();
  EXPECT_EQ(loop_.run_once(std::chrono::milliseconds(1000)), 1U);
  EXPECT_NE(seen & (event::kPeerClosed | event::kHangup), 0U);
}

TEST_P(EventLoopTest, TcpAcceptEchoAndClose) {
  SinkServer server(loop_,
                    {kLoopbackAnyPort, napilab::net::Protocol::tcp, napilab::net::SinkMode::echo});
  UniqueFd client = napilab::net::tcp_connected(server.local());
  send_text(client.get(), "hello napi");
  ASSERT_TRUE(run_until_done(loop_, [&] { return server.stats().echoed_bytes == 10; }));
  EXPECT_EQ(server.stats().connections, 1U);
  EXPECT_EQ(server.open_connections(), 1U);
  std::string echoed(10, '\0');
  ASSERT_TRUE(run_until_done(
      loop_, [&] { return ::recv(client.get(), echoed.data(), 10, MSG_PEEK) == 10; }));
  ASSERT_EQ(::read(client.get(), echoed.data(), echoed.size()), 10);
  EXPECT_EQ(echoed, "hello napi");
  client.reset();
  EXPECT_TRUE(run_until_done(loop_, [&] { return server.open_connections() == 0; }));
  EXPECT_EQ(server.stats().errors, 0U);
}

TEST_P(EventLoopTest, TcpEchoOfMoreThanTheSocketBuffersHold) {
  // 8 MiB does not fit in the socket buffers: the echo must wait for
  // writability and resume, while this test reads the echo back.
  SinkServer server(loop_,
                    {kLoopbackAnyPort, napilab::net::Protocol::tcp, napilab::net::SinkMode::echo});
  UniqueFd client = napilab::net::tcp_connected(server.local());
  const std::string block(std::size_t{64} * 1024, 'n');
  const std::size_t total = 8U << 20;
  std::size_t written = 0;
  std::size_t read_back = 0;
  std::string sink(block.size(), '\0');
  ASSERT_TRUE(run_until_done(loop_, [&] {
    if (written < total) {
      const ssize_t n =
          ::send(client.get(), block.data(), std::min(block.size(), total - written), MSG_NOSIGNAL);
      written += n > 0 ? static_cast<std::size_t>(n) : 0;
    }
    const ssize_t n = ::read(client.get(), sink.data(), sink.size());
    read_back += n > 0 ? static_cast<std::size_t>(n) : 0;
    return read_back == total;
  }));
  EXPECT_EQ(server.stats().bytes, total);
  EXPECT_EQ(server.stats().echoed_bytes, total);
}

TEST_P(EventLoopTest, UdpEcho) {
  SinkServer server(loop_,
                    {kLoopbackAnyPort, napilab::net::Protocol::udp, napilab::net::SinkMode::echo});
  UniqueFd client = napilab::net::udp_connected(server.local());
  send_text(client.get(), "ping");
  char reply[16] = {};
  ASSERT_TRUE(
      run_until_done(loop_, [&] { return ::recv(client.get(), reply, sizeof(reply), 0) == 4; }));
  EXPECT_EQ(std::string(reply, 4), "ping");
  EXPECT_EQ(server.stats().messages, 1U);
  EXPECT_EQ(server.stats().unsequenced, 1U);
}

TEST_P(EventLoopTest, TwoThousandConnections) {
  constexpr std::size_t kConnections = 2000;
  // Each connection costs two fds here (client and accepted end).
  if (napilab::net::raise_fd_limit(2 * kConnections + 64) < 2 * kConnections + 64) {
    GTEST_SKIP() << "RLIMIT_NOFILE hard limit is below " << 2 * kConnections + 64;
  }
  SinkServer server(loop_,
                    {kLoopbackAnyPort, napilab::net::Protocol::tcp, napilab::net::SinkMode::sink});
  std::vector<UniqueFd> clients;
  clients.reserve(kConnections);
  for (std::size_t i = 0; i < kConnections; ++i) {
    clients.push_back(napilab::net::tcp_connected(server.local()));
    send_text(clients.back().get(), "z");
    if (i % 100 == 99) {
      loop_.run_once(std::chrono::milliseconds(0));  // keep the accept queue short
    }
  }
  ASSERT_TRUE(run_until_done(loop_, [&] { return server.stats().bytes == kConnections; }))
      << "bytes " << server.stats().bytes;
  EXPECT_EQ(server.stats().connections, kConnections);
  EXPECT_EQ(server.open_connections(), kConnections);
  clients.clear();
  EXPECT_TRUE(run_until_done(loop_, [&] { return server.open_connections() == 0; }))
      << server.open_connections() << " still open";
}

TEST_P(EventLoopTest, SignalsDoNotBreakTheLoop) {
  // SIGALRM every 500 us: waits return EINTR often.
  const napilab::test_support::AlarmStorm storm(std::chrono::microseconds(500));
  ASSERT_TRUE(storm.armed());

  Pair pair = socket_pair();
  int reads = 0;
  loop_.watch(pair.near.get(), event::kReadable, [&](std::uint32_t) {
    char byte = 0;
    while (::read(pair.near.get(), &byte, 1) == 1) {
      ++reads;
    }
  });
  std::thread writer([&] {
    for (int i = 0; i < 20; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
      const char byte = 'a';
      (void)!::write(pair.far.get(), &byte, 1);
    }
  });
  // The writer never gets SIGALRM's EINTR in a way that matters: its write
  // is to a non-blocking socket with room. The loop thread does.
  const bool done = run_until_done(loop_, [&] { return reads == 20; });
  writer.join();
  EXPECT_TRUE(done) << "reads " << reads;
  EXPECT_GT(napilab::test_support::AlarmStorm::alarms(), 0);
}

INSTANTIATE_TEST_SUITE_P(Backends, EventLoopTest,
                         testing::Values(Flavor{Backend::epoll, Trigger::level},
                                         Flavor{Backend::epoll, Trigger::edge},
                                         Flavor{Backend::poll, Trigger::level}),
                         flavor_name);

TEST(Poller, PollHasNoEdgeTriggeredMode) {
  EXPECT_THROW(make_poller(Backend::poll, Trigger::edge), std::invalid_argument);
}

TEST(Poller, NamesParse) {
  EXPECT_EQ(napilab::net::parse_backend("poll"), Backend::poll);
  EXPECT_EQ(napilab::net::parse_trigger("edge"), Trigger::edge);
  EXPECT_FALSE(napilab::net::parse_backend("select").has_value());
  EXPECT_FALSE(napilab::net::parse_trigger("both").has_value());
}

TEST(Poller, RegisteringTwiceIsRefused) {
  for (const Backend backend : {Backend::epoll, Backend::poll}) {
    auto poller = make_poller(backend, Trigger::level);
    Pair pair = socket_pair();
    poller->add(pair.near.get(), event::kReadable);
    EXPECT_THROW(poller->add(pair.near.get(), event::kReadable), std::system_error);
    poller->remove(pair.near.get());
    EXPECT_THROW(poller->remove(pair.near.get()), std::system_error);
  }
}
