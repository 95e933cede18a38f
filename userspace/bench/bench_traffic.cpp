// The traffic tools' own per-packet cost on loopback, so their overhead can
// be told apart from what they measure: the blaster's send path (header
// stamping + one sendmmsg per batch) and the sink's UDP receive path
// (recvmmsg + header decode + sequence accounting).
#include <benchmark/benchmark.h>

#include "napilab/net/blaster.hpp"
#include "napilab/net/event_loop.hpp"
#include "napilab/net/sink.hpp"

namespace {

using napilab::net::Backend;
using napilab::net::BlastConfig;
using napilab::net::Blaster;
using napilab::net::EventLoop;
using napilab::net::Protocol;
using napilab::net::SinkMode;
using napilab::net::SinkServer;
using napilab::net::Trigger;

const napilab::net::Endpoint kLoopbackAnyPort{0x7f000001, 0};

BlastConfig blast_to(const napilab::net::Endpoint& destination, std::size_t batch) {
  BlastConfig config;
  config.destination = destination;
  config.payload_size = 64;
  config.batch = batch;
  return config;
}

// The send path: once the receiver's buffer is full the kernel drops at the
// socket, which is the cheap end of delivery; the sender's cost is the same.
void BM_BlastSendPath(benchmark::State& state) {
  EventLoop loop(napilab::net::make_poller(Backend::epoll, Trigger::level));
  SinkServer sink(loop, {kLoopbackAnyPort, Protocol::udp, SinkMode::sink});
  const auto batch = static_cast<std::size_t>(state.range(0));
  Blaster blaster(blast_to(sink.local(), batch));
  std::int64_t sent = 0;
  for (auto _ : state) {  // NOLINT(clang-analyzer-deadcode.DeadStores)
    sent += static_cast<std::int64_t>(blaster.send_batch(batch));
  }
  state.SetItemsProcessed(sent);
  state.counters["ns_per_packet"] = benchmark::Counter(
      static_cast<double>(sent), benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}

// The receive path: 64 datagrams queued (untimed), then drained (timed).
void BM_SinkReceivePath(benchmark::State& state) {
  EventLoop loop(napilab::net::make_poller(Backend::epoll, Trigger::level));
  SinkServer sink(loop, {kLoopbackAnyPort, Protocol::udp, SinkMode::sink});
  constexpr std::size_t kQueued = 64;
  Blaster feeder(blast_to(sink.local(), kQueued));
  std::int64_t received = 0;
  for (auto _ : state) {  // NOLINT(clang-analyzer-deadcode.DeadStores)
    state.PauseTiming();
    feeder.send_batch(kQueued);
    state.ResumeTiming();
    received += static_cast<std::int64_t>(sink.drain_udp());
  }
  state.SetItemsProcessed(received);
  state.counters["ns_per_packet"] = benchmark::Counter(
      static_cast<double>(received), benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
  if (sink.stats().sequence.lost != 0) {
    state.SkipWithError("datagrams lost on loopback: the receive buffer is too small");
  }
}

BENCHMARK(BM_BlastSendPath)->Arg(1)->Arg(32);
BENCHMARK(BM_SinkReceivePath);

}  // namespace

BENCHMARK_MAIN();
