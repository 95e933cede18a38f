// The seed's poll vs epoll claim, measured: the cost of one wait call over n
// watched eventfds of which 1 % are readable, for poll(2), epoll
// level-triggered and epoll edge-triggered. Each iteration does the same I/O
// for all three (one write to and one read from each active eventfd), so the
// difference between them is the wait itself.
#include <benchmark/benchmark.h>
#include <poll.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cstdio>
#include <vector>

#include "napilab/unique_fd.hpp"

namespace {

static_assert(EPOLLIN == POLLIN, "one readiness mask serves poll and epoll");

struct Watched {
  std::vector<napilab::UniqueFd> fds;
  std::size_t active = 0;  // the first `active` fds get an event each round

  explicit Watched(std::size_t n) {
    for (std::size_t i = 0; i < n; ++i) {
      napilab::UniqueFd fd(::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC));
      if (!fd.valid()) {
        std::perror("eventfd");
        break;
      }
      fds.push_back(std::move(fd));
    }
    active = n / 100 > 0 ? n / 100 : 1;
  }
  [[nodiscard]] bool complete(std::size_t n) const { return fds.size() == n; }

  void make_ready() const {
    const std::uint64_t one = 1;
    for (std::size_t i = 0; i < active; ++i) {
      benchmark::DoNotOptimize(::write(fds[i].get(), &one, sizeof(one)));
    }
  }
  void drain() const {
    std::uint64_t value = 0;
    for (std::size_t i = 0; i < active; ++i) {
      benchmark::DoNotOptimize(::read(fds[i].get(), &value, sizeof(value)));
    }
  }
};

void raise_fd_limit() {
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
    limit.rlim_cur = limit.rlim_max;
    ::setrlimit(RLIMIT_NOFILE, &limit);
  }
}

void BM_Poll(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  Watched watched(n);
  if (!watched.complete(n)) {
    state.SkipWithError("cannot create the eventfds (RLIMIT_NOFILE?)");
    return;
  }
  std::vector<pollfd> fds(n);
  for (std::size_t i = 0; i < n; ++i) {
    fds[i] = {watched.fds[i].get(), POLLIN, 0};
  }
  for (auto _ : state) {  // NOLINT(clang-analyzer-deadcode.DeadStores)
    watched.make_ready();
    const int ready = ::poll(fds.data(), fds.size(), 0);
    benchmark::DoNotOptimize(ready);
    watched.drain();
  }
  state.counters["fds"] = static_cast<double>(n);
}

void epoll_wait_bench(benchmark::State& state, std::uint32_t trigger) {
  const auto n = static_cast<std::size_t>(state.range(0));
  Watched watched(n);
  napilab::UniqueFd epfd(::epoll_create1(EPOLL_CLOEXEC));
  if (!watched.complete(n) || !epfd.valid()) {
    state.SkipWithError("cannot create the eventfds or the epoll instance");
    return;
  }
  for (std::size_t i = 0; i < n; ++i) {
    epoll_event ev{};
    ev.events = EPOLLIN | trigger;
    ev.data.u64 = i;
    if (::epoll_ctl(epfd.get(), EPOLL_CTL_ADD, watched.fds[i].get(), &ev) != 0) {
      state.SkipWithError("epoll_ctl failed");
      return;
    }
  }
  std::vector<epoll_event> events(watched.active + 1);
  for (auto _ : state) {  // NOLINT(clang-analyzer-deadcode.DeadStores)
    watched.make_ready();
    const int ready = ::epoll_wait(epfd.get(), events.data(), static_cast<int>(events.size()), 0);
    benchmark::DoNotOptimize(ready);
    watched.drain();
  }
  state.counters["fds"] = static_cast<double>(n);
}

// The I/O alone (1 % of the eventfds written and read, no wait): subtract it
// from the three above to get the wait call's own cost.
void BM_ActiveIoOnly(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  Watched watched(n);
  if (!watched.complete(n)) {
    state.SkipWithError("cannot create the eventfds (RLIMIT_NOFILE?)");
    return;
  }
  for (auto _ : state) {  // NOLINT(clang-analyzer-deadcode.DeadStores)
    watched.make_ready();
    watched.drain();
  }
  state.counters["fds"] = static_cast<double>(n);
}

void BM_EpollLevel(benchmark::State& state) { epoll_wait_bench(state, 0); }
void BM_EpollEdge(benchmark::State& state) { epoll_wait_bench(state, EPOLLET); }

void sizes(benchmark::internal::Benchmark* b) {
  for (int n : {10, 100, 1000, 10000}) {
    b->Arg(n);
  }
}

BENCHMARK(BM_Poll)->Apply(sizes);
BENCHMARK(BM_EpollLevel)->Apply(sizes);
BENCHMARK(BM_EpollEdge)->Apply(sizes);
BENCHMARK(BM_ActiveIoOnly)->Apply(sizes);

}  // namespace

int main(int argc, char** argv) {
  raise_fd_limit();
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) {
    return 2;
  }
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
