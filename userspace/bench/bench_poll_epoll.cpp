// The seed's poll vs epoll claim, measured: the cost of one wait call over n
// watched eventfds of which `ready` are readable.
//
//   BM_PollWait/n/ready, BM_EpollWait/n/ready: the wait call alone. The
//     ready eventfds are written once at set-up and never drained, so every
//     call reports the same `ready` fds (level-triggered) and the loop does
//     no other I/O. The ready count is held fixed (1, 10, 100) while n grows
//     10 ... 100 000 (or as far as RLIMIT_NOFILE allows), and grown
//     (1 ... 10 000) at n = 10 000: bench-report fits the cost's exponent in
//     n and in ready from these.
//   BM_EpollRoundLevel/n/ready, BM_EpollRoundEdge/n/ready: a full round
//     (write each ready fd, wait, read it back), the only way edge-triggered
//     epoll reports an fd again; the two do the same I/O, so their
//     difference is the trigger mode's.
#include <benchmark/benchmark.h>
#include <poll.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "napilab/unique_fd.hpp"

namespace {

static_assert(EPOLLIN == POLLIN, "one readiness mask serves poll and epoll");

// The largest n below, plus room for the epoll fd, stdio and the library's.
constexpr rlim_t kFdsNeeded = 100'000 + 64;

struct Watched {
  std::vector<napilab::UniqueFd> fds;
  std::size_t ready = 0;  // the first `ready` fds are the readable ones

  Watched(std::size_t n, std::size_t ready_count) : ready(ready_count) {
    fds.reserve(n);
    for (std::size_t i = 0; i < n; ++i) {
      napilab::UniqueFd fd(::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC));
      if (!fd.valid()) {
        break;
      }
      fds.push_back(std::move(fd));
    }
  }
  [[nodiscard]] bool complete(std::size_t n) const { return fds.size() == n; }

  void make_ready() const {
    const std::uint64_t one = 1;
    for (std::size_t i = 0; i < ready; ++i) {
      benchmark::DoNotOptimize(::write(fds[i].get(), &one, sizeof(one)));
    }
  }
  void drain() const {
    std::uint64_t value = 0;
    for (std::size_t i = 0; i < ready; ++i) {
      benchmark::DoNotOptimize(::read(fds[i].get(), &value, sizeof(value)));
    }
  }
};

// A benchmark's eventfds, or why there are none (said in the results).
bool set_up(benchmark::State& state, const Watched& watched, std::size_t n) {
  if (watched.complete(n)) {
    return true;
  }
  rlimit limit{};
  ::getrlimit(RLIMIT_NOFILE, &limit);
  const std::string why = "cannot create " + std::to_string(n) + " eventfds: RLIMIT_NOFILE is " +
                          std::to_string(limit.rlim_cur) + " (run as root, or raise ulimit -Hn)";
  state.SkipWithError(why.c_str());
  return false;
}

// Root may raise the hard limit too; anyone may raise the soft one to it.
void raise_fd_limit() {
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur >= kFdsNeeded) {
    return;
  }
  if (limit.rlim_max < kFdsNeeded) {
    const rlimit wanted{kFdsNeeded, kFdsNeeded};
    if (::setrlimit(RLIMIT_NOFILE, &wanted) == 0) {
      return;
    }
  }
  limit.rlim_cur = limit.rlim_max;
  ::setrlimit(RLIMIT_NOFILE, &limit);
}

std::size_t arg(const benchmark::State& state, int index) {
  return static_cast<std::size_t>(state.range(index));
}

void BM_PollWait(benchmark::State& state) {
  const std::size_t n = arg(state, 0);
  const Watched watched(n, arg(state, 1));
  if (!set_up(state, watched, n)) {
    return;
  }
  watched.make_ready();
  std::vector<pollfd> fds(n);
  for (std::size_t i = 0; i < n; ++i) {
    fds[i] = {watched.fds[i].get(), POLLIN, 0};
  }
  for (auto _ : state) {  // NOLINT(clang-analyzer-deadcode.DeadStores)
    const int ready = ::poll(fds.data(), fds.size(), 0);
    benchmark::DoNotOptimize(ready);
  }
}

// An epoll instance watching every fd of `watched`; invalid when it cannot.
napilab::UniqueFd watch_all(const Watched& watched, std::uint32_t trigger) {
  napilab::UniqueFd epfd(::epoll_create1(EPOLL_CLOEXEC));
  if (!epfd.valid()) {
    return epfd;
  }
  for (std::size_t i = 0; i < watched.fds.size(); ++i) {
    epoll_event ev{};
    ev.events = EPOLLIN | trigger;
    ev.data.u64 = i;
    if (::epoll_ctl(epfd.get(), EPOLL_CTL_ADD, watched.fds[i].get(), &ev) != 0) {
      return napilab::UniqueFd();
    }
  }
  return epfd;
}

void BM_EpollWait(benchmark::State& state) {
  const std::size_t n = arg(state, 0);
  const Watched watched(n, arg(state, 1));
  if (!set_up(state, watched, n)) {
    return;
  }
  const napilab::UniqueFd epfd = watch_all(watched, 0);
  if (!epfd.valid()) {
    state.SkipWithError("cannot create the epoll instance or add the eventfds");
    return;
  }
  watched.make_ready();
  std::vector<epoll_event> events(watched.ready + 1);
  for (auto _ : state) {  // NOLINT(clang-analyzer-deadcode.DeadStores)
    const int ready = ::epoll_wait(epfd.get(), events.data(), static_cast<int>(events.size()), 0);
    benchmark::DoNotOptimize(ready);
  }
}

void epoll_round(benchmark::State& state, std::uint32_t trigger) {
  const std::size_t n = arg(state, 0);
  const Watched watched(n, arg(state, 1));
  if (!set_up(state, watched, n)) {
    return;
  }
  const napilab::UniqueFd epfd = watch_all(watched, trigger);
  if (!epfd.valid()) {
    state.SkipWithError("cannot create the epoll instance or add the eventfds");
    return;
  }
  std::vector<epoll_event> events(watched.ready + 1);
  for (auto _ : state) {  // NOLINT(clang-analyzer-deadcode.DeadStores)
    watched.make_ready();
    const int ready = ::epoll_wait(epfd.get(), events.data(), static_cast<int>(events.size()), 0);
    benchmark::DoNotOptimize(ready);
    watched.drain();
  }
}

void BM_EpollRoundLevel(benchmark::State& state) { epoll_round(state, 0); }
void BM_EpollRoundEdge(benchmark::State& state) { epoll_round(state, EPOLLET); }

// The largest n this process may watch: 100 000, or what RLIMIT_NOFILE
// leaves of it (rounded down to two significant digits, room kept for the
// epoll fd and stdio). Without CAP_SYS_RESOURCE the hard limit stays.
int largest_n() {
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur >= kFdsNeeded) {
    return 100'000;
  }
  const auto usable = static_cast<int>(limit.rlim_cur) - 64;
  int scale = 1;
  while (usable / scale >= 100) {
    scale *= 10;
  }
  return usable / scale * scale;
}

// n grows 10 ... largest_n() at a fixed ready count (never more than n).
// Benchmarks register during static initialisation, before main: raise the
// limit here, first.
void fixed_ready(benchmark::internal::Benchmark* b) {
  raise_fd_limit();
  const int top = largest_n();
  std::vector<int> sizes;
  for (int n = 10; n <= 10'000 && n <= top; n *= 10) {
    sizes.push_back(n);
  }
  if (top > 10'000) {
    sizes.push_back(top);
  }
  for (const int ready : {1, 10, 100}) {
    for (const int n : sizes) {
      if (ready <= n) {
        b->Args({n, ready});
      }
    }
  }
}

// The ready count grows at n = 10 000 (1, 10, 100 are in fixed_ready).
void growing_ready(benchmark::internal::Benchmark* b) {
  for (const int ready : {1'000, 10'000}) {
    b->Args({10'000, ready});
  }
}

BENCHMARK(BM_PollWait)->Apply(fixed_ready);
BENCHMARK(BM_EpollWait)->Apply(fixed_ready)->Apply(growing_ready);
BENCHMARK(BM_EpollRoundLevel)->Args({10'000, 100});
BENCHMARK(BM_EpollRoundEdge)->Args({10'000, 100});

}  // namespace

int main(int argc, char** argv) {
  raise_fd_limit();
  if (const int top = largest_n(); top < 100'000) {
    (void)std::fprintf(stderr, "bench_poll_epoll: RLIMIT_NOFILE allows n up to %d, not 100000\n",
                       top);
  }
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) {
    return 2;
  }
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
