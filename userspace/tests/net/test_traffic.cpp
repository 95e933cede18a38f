// The blaster and the UDP sink on loopback: pacing judged by packet count,
// loss accounting on crafted sequence numbers.
#include <gtest/gtest.h>
#include <sys/socket.h>

#include <array>
#include <thread>

#include "napilab/net/blaster.hpp"
#include "napilab/net/event_loop.hpp"
#include "napilab/net/sequence.hpp"
#include "napilab/net/sink.hpp"
#include "napilab/net/socket.hpp"

using napilab::net::Backend;
using napilab::net::EventLoop;
using napilab::net::make_poller;
using napilab::net::Protocol;
using napilab::net::SinkMode;
using napilab::net::SinkServer;
using napilab::net::Trigger;

namespace {
const napilab::net::Endpoint kLoopbackAnyPort{0x7f000001, 0};
}

TEST(Blaster, PacesToTheAskedRateOnLoopback) {
  EventLoop loop(make_poller(Backend::epoll, Trigger::edge));
  SinkServer sink(loop, {kLoopbackAnyPort, Protocol::udp, SinkMode::sink});
  napilab::net::BlastConfig config;
  config.destination = sink.local();
  config.rate_pps = 20'000;
  config.duration = std::chrono::milliseconds(500);
  ASSERT_FALSE(napilab::net::validate(config, false).has_value());

  napilab::net::BlastStats sent;
  std::thread blaster_thread([&] { sent = napilab::net::Blaster(config).run(); });
  loop.run_until(std::chrono::steady_clock::now() + std::chrono::milliseconds(800));
  blaster_thread.join();
  loop.run_once(std::chrono::milliseconds(100));

  // Judged by count, with bounds wide enough for a loaded host.
  EXPECT_GE(sent.packets, 9'000U);
  EXPECT_LE(sent.packets, 11'000U);
  EXPECT_EQ(sent.bytes, sent.packets * config.payload_size);
  const auto received = sink.stats();
  EXPECT_EQ(received.unsequenced, 0U);
  EXPECT_EQ(received.sequence.duplicates, 0U);
  EXPECT_LE(received.sequence.delivered, sent.packets);
  EXPECT_GE(received.sequence.delivered, sent.packets * 9 / 10);
  EXPECT_EQ(received.sequence.delivered + received.sequence.lost, sent.packets)
      << "the last packets were not received";
}

TEST(Blaster, CountsRefusedSendsByCategory) {
  // Nobody listens on this port: loopback answers with ICMP port
  // unreachable, which a connected UDP socket reports as ECONNREFUSED.
  napilab::UniqueFd placeholder = napilab::net::udp_bound(kLoopbackAnyPort);
  napilab::net::BlastConfig config;
  config.destination = napilab::net::local_endpoint(placeholder.get());
  placeholder.reset();
  config.rate_pps = 1000;
  config.duration = std::chrono::milliseconds(50);
  const auto stats = napilab::net::Blaster(config).run();
  EXPECT_GT(stats.errors.refused, 0U);
  EXPECT_EQ(stats.errors.other, 0U);
}

TEST(SinkServer, CountsCraftedSequenceNumbers) {
  EventLoop loop(make_poller(Backend::poll, Trigger::level));
  SinkServer sink(loop, {kLoopbackAnyPort, Protocol::udp, SinkMode::sink});
  napilab::UniqueFd sender = napilab::net::udp_connected(sink.local());
  for (const std::uint64_t seq : {0, 1, 3, 2, 2, 5}) {
    std::array<std::byte, 64> payload{};
    napilab::net::encode_seq_header(payload, {seq, 0});
    ASSERT_EQ(::send(sender.get(), payload.data(), payload.size(), 0), 64);
  }
  ASSERT_EQ(::send(sender.get(), "hello", 5, 0), 5);
  for (int i = 0; i < 100 && sink.stats().messages < 7; ++i) {
    loop.run_once(std::chrono::milliseconds(10));
  }
  const auto stats = sink.stats();
  EXPECT_EQ(stats.messages, 7U);
  EXPECT_EQ(stats.bytes, 6U * 64 + 5);
  EXPECT_EQ(stats.unsequenced, 1U);
  EXPECT_EQ(stats.sequence.delivered, 5U);
  EXPECT_EQ(stats.sequence.lost, 1U);
  EXPECT_EQ(stats.sequence.reordered, 1U);
  EXPECT_EQ(stats.sequence.duplicates, 1U);
}
