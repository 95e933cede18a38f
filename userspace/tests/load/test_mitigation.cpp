// Load tests that run inside the guest with e1k_napi loaded (started by
// tests/vm/load-*.sh through the test bed). They judge NAPI and interrupt
// throttling by counters, never by clocks, and print the figures they
// measured. Every claim made from the driver's own counters (ethtool -S) is
// checked against a count the driver does not control, over the same
// window: /proc/interrupts by IRQ number (the kernel's count of the line),
// the napi:napi_poll and irq:irq_handler_entry tracepoints (napi-observe
// --json, the BPF observer), QEMU's own frame counters (TPR/TPT, which the
// driver's hw_*_total_packets only copy) and the peer's counts (iperf3).
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <future>
#include <iomanip>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "guest_env.hpp"
#include "napilab/iperf.hpp"
#include "napilab/sampler.hpp"

namespace napilab::load {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

// The value, or the test stops here: GoogleTest reports the exception with
// the error's text (a counter that cannot be read is never a zero).
template <class T>
T need(Result<T> result) {
  if (!result) {
    throw std::runtime_error(result.error().to_string());
  }
  return std::move(result).value();
}

// How much slower than Debian's the guest's kernel is (the debug kernel,
// KASAN under TCG: 5): waits that depend on the kernel's speed scale by it.
int time_scale() { return std::max(1, std::atoi(env("NAPILAB_TIME_SCALE").c_str())); }

::testing::AssertionResult ran_ok(const Command& command) {
  if (command.started && !command.timed_out && command.exit_status == 0) {
    return ::testing::AssertionSuccess();
  }
  return ::testing::AssertionFailure() << command.what();
}

// It ran to its end and said no (a refused setting), rather than not
// starting, overrunning or dying of a signal.
::testing::AssertionResult refused(const Command& command) {
  if (command.started && !command.timed_out && command.exit_status > 0 &&
      command.exit_status < 128) {
    return ::testing::AssertionSuccess() << command.what();
  }
  return ::testing::AssertionFailure() << command.what() << " (expected a refusal)";
}

class Mitigation : public ::testing::Test {
 protected:
  void SetUp() override {
    iface_ = env("IFACE");
    if (iface_.empty() || env("PEER").empty()) {
      GTEST_SKIP() << "not in the test bed's guest (IFACE/PEER unset): run via qemu/run-vm";
    }
    const Command info = run({"ethtool", "-i", iface_});
    ASSERT_TRUE(ran_ok(info));
    ASSERT_NE(info.output.find("driver: e1k_napi\n"), std::string::npos) << info.output;
  }
  void TearDown() override {
    if (iface_.empty() || env("PEER").empty()) {
      return;  // skipped: nothing was changed
    }
    // Leave the interface as the bed configured it for the next test.
    EXPECT_TRUE(ran_ok(run({"ethtool", "-C", iface_, "adaptive-rx", "off", "rx-usecs", "0"})));
    EXPECT_TRUE(ran_ok(run({"ethtool", "-G", iface_, "rx", "256", "tx", "256"})));
    EXPECT_TRUE(ran_ok(run({"ethtool", "-K", iface_, "tso", "on", "sg", "on", "tx", "on"})));
  }

  std::string iface_;
};

// `driver`, the driver's count, agrees with `independent`, another source's
// count of the same window: within `pct` % of the larger, plus `slack`
// counts for small numbers.
::testing::AssertionResult agree(std::uint64_t driver, std::uint64_t independent, double pct,
                                 std::uint64_t slack) {
  const double d = static_cast<double>(driver);
  const double i = static_cast<double>(independent);
  const double allowed = pct / 100.0 * std::max(d, i) + static_cast<double>(slack);
  if (std::abs(d - i) <= allowed) {
    return ::testing::AssertionSuccess();
  }
  return ::testing::AssertionFailure()
         << "the driver counted " << driver << ", the other source " << independent << ": "
         << std::abs(d - i) << " apart, more than the " << allowed << " allowed (" << pct << " % + "
         << slack << ")";
}

// "A vs B (+x.x %)": B's difference from A, for the printed figures.
std::string versus(std::uint64_t a, std::uint64_t b) {
  const double pct =
      a ? 100.0 * (static_cast<double>(b) - static_cast<double>(a)) / static_cast<double>(a) : 0.0;
  std::ostringstream text;
  text << a << " vs " << b << " (" << std::showpos << std::fixed << std::setprecision(1) << pct
       << " %)";
  return text.str();
}

double per(std::uint64_t n, std::uint64_t d) {
  return d ? static_cast<double>(n) / static_cast<double>(d) : 0.0;
}

// One window as the driver counts it (ethtool -S, /sys/class/net) and as the
// kernel counts the NIC's interrupt line (/proc/interrupts by IRQ number,
// through the library's Sampler), read back to back at either end.
class CounterWindow {
 public:
  explicit CounterWindow(std::string iface)
      : iface_(std::move(iface)), sampler_(need(Sampler::create(iface_))) {}

  void open() {
    before_ = need(read_counters(iface_));
    first_ = need(sampler_.take());
  }
  void close() {
    last_ = need(sampler_.take());
    after_ = need(read_counters(iface_));
  }
  [[nodiscard]] std::uint64_t driver(const std::string& name) const {
    return need(delta(before_, after_, name));
  }
  // The line's interrupts (all CPUs) between open() and close().
  [[nodiscard]] std::uint64_t proc_irqs() const {
    const Rates rates = rates_between(first_, last_);
    return static_cast<std::uint64_t>(std::llround(rates.irqs_per_s * rates.seconds));
  }
  [[nodiscard]] double seconds() const {
    return std::chrono::duration<double>(last_.when - first_.when).count();
  }
  [[nodiscard]] Clock::time_point opened() const { return first_.when; }
  [[nodiscard]] Clock::time_point closed() const { return last_.when; }

 private:
  std::string iface_;
  Sampler sampler_;
  CounterMap before_, after_;
  Snapshot first_, last_;
};

// napi-observe --json's intervals, summed: the tracepoints' counts.
struct TracepointCounts {
  double seconds = 0;
  std::uint64_t polls = 0;
  std::uint64_t budget_exhausted = 0;  // work == budget
  std::uint64_t over_budget = 0;
  std::uint64_t interrupts = 0;  // irq:irq_handler_entry on the NIC's lines
  std::uint64_t work = 0;
  std::map<std::string, std::uint64_t> polls_by_work;  // histogram bucket ("0", "1", "2-3"...)
  double attach_s = 0;  // how long it took to start sampling (measured)

  [[nodiscard]] std::uint64_t polls_with_work(const std::string& bucket) const {
    const auto it = polls_by_work.find(bucket);
    return it == polls_by_work.end() ? 0 : it->second;
  }
  [[nodiscard]] std::uint64_t polls_with_work_above_one() const {
    std::uint64_t n = 0;
    for (const auto& [bucket, count] : polls_by_work) {
      n += bucket == "0" || bucket == "1" ? 0 : count;
    }
    return n;
  }
};

// Pure: napi-observe --json's output, one interval per line, summed.
Result<TracepointCounts> sum_observer_lines(std::string_view jsonl) {
  TracepointCounts sum;
  std::istringstream lines{std::string(jsonl)};
  std::string line;
  int intervals = 0;
  while (std::getline(lines, line)) {
    if (line.empty()) {
      continue;
    }
    ++intervals;
    try {
      const nlohmann::json j = nlohmann::json::parse(line);
      sum.seconds += j.at("seconds").get<double>();
      sum.polls += j.at("polls").get<std::uint64_t>();
      sum.budget_exhausted += j.at("budget_exhausted").get<std::uint64_t>();
      sum.over_budget += j.at("over_budget").get<std::uint64_t>();
      sum.interrupts += j.at("interrupts").get<std::uint64_t>();
      sum.work += j.at("work").get<std::uint64_t>();
      for (const nlohmann::json& bucket : j.at("work_hist")) {
        sum.polls_by_work[bucket.at("work").get<std::string>()] +=
            bucket.at("polls").get<std::uint64_t>();
      }
    } catch (const nlohmann::json::exception& e) {
      return Error{"napi-observe --json, interval " + std::to_string(intervals) + ": " + e.what()};
    }
  }
  if (intervals == 0) {
    return Error{"napi-observe --json printed no interval"};
  }
  return sum;
}

// The tracepoints over a window that covers the load: napi-observe starts
// first, is given kAttach to load its programs, samples in 0.5 s steps for
// `span` and ends after the load. That its intervals did cover the load is
// checked (from when it started and ended), not assumed; outside the load
// the NIC is idle, so the margins add next to nothing.
class TracepointWindow {
 public:
  // Measured: see the attach time each test prints. A slow kernel (the
  // debug kernel: NAPILAB_TIME_SCALE) gets it scaled.
  static constexpr auto kAttach = 2500ms;

  TracepointWindow(const std::string& iface, std::chrono::milliseconds span) {
    const std::string observe = env("NAPILAB_BUILD") + "/userspace/bpf/napi-observe";
    const auto attach = kAttach * time_scale();
    const auto intervals = (attach + span) / 500ms + 1;
    const Argv argv{observe, "-i", iface, "-d", "0.5", "-n", std::to_string(intervals), "--json"};
    const int timeout_s = static_cast<int>(intervals / 2 + 60);
    ran_ = std::async(std::launch::async, [argv, timeout_s] {
      Ran ran;
      ran.started = Clock::now();
      ran.command = run(argv, timeout_s);
      ran.ended = Clock::now();
      return ran;
    });
    std::this_thread::sleep_for(attach);
  }

  // Once it has ended: its counts, or an error when it failed or its
  // intervals did not cover [from, to].
  Result<TracepointCounts> counts(Clock::time_point from, Clock::time_point to) {
    const Ran ran = ran_.get();
    if (!ran.command.started || ran.command.timed_out || ran.command.exit_status != 0) {
      return Error{"the BPF observer failed: " + ran.command.what()};
    }
    auto sum = sum_observer_lines(ran.command.output);
    if (!sum) {
      return sum.error();
    }
    // Its first interval began once it had attached, so no later than its
    // end minus the intervals' length; the last ended no earlier than its
    // start plus that length.
    const auto span = std::chrono::duration_cast<Clock::duration>(
        std::chrono::duration<double>(sum.value().seconds));
    sum.value().attach_s = std::chrono::duration<double>(ran.ended - ran.started - span).count();
    if (ran.ended - span > from || ran.started + span < to) {
      return Error{"the BPF observer's " + std::to_string(sum.value().seconds) +
                   " s of intervals did not cover the load (it took up to " +
                   std::to_string(sum.value().attach_s) + " s to attach and exit)"};
    }
    return sum;
  }

 private:
  struct Ran {
    Command command;
    Clock::time_point started, ended;
  };
  std::future<Ran> ran_;
};

// One TCP peer->guest flood (iperf3 -R, 4 s) counted by the driver, by
// /proc/interrupts, by the tracepoints and by QEMU.
struct FloodFigures {
  double mbps = 0;
  std::uint64_t rx = 0;     // driver
  std::uint64_t tx = 0;     // driver
  std::uint64_t hw_rx = 0;  // QEMU's TPR: frames its e1000 received
  std::uint64_t irqs = 0;   // driver
  std::uint64_t proc_irqs = 0;
  std::uint64_t polls = 0;  // driver
  std::uint64_t budget_exhausted = 0;
  TracepointCounts tracepoint;

  // Driver-independent: QEMU's received frames per interrupt of the line.
  [[nodiscard]] double rx_per_irq() const { return per(hw_rx, proc_irqs); }
  // The share of the tracepoint's polls that used the whole budget.
  [[nodiscard]] double exhausted_pct() const {
    return 100.0 * per(tracepoint.budget_exhausted, tracepoint.polls);
  }

  void print(const char* what) const {
    std::printf(
        "%s, TCP peer->guest: %.0f Mb/s; rx packets driver/QEMU %s; interrupts driver//proc %s, "
        "driver/tracepoint %s; polls driver/tracepoint %s; budget-exhausted driver/tracepoint %s "
        "(%.1f %% of the tracepoint's polls); %.1f rx frames per interrupt (QEMU, /proc); "
        "observer attached in %.2f s\n",
        what, mbps, versus(rx, hw_rx).c_str(), versus(irqs, proc_irqs).c_str(),
        versus(irqs, tracepoint.interrupts).c_str(), versus(polls, tracepoint.polls).c_str(),
        versus(budget_exhausted, tracepoint.budget_exhausted).c_str(), exhausted_pct(),
        rx_per_irq(), tracepoint.attach_s);
  }
};

FloodFigures tcp_flood(const std::string& iface) {
  CounterWindow window(iface);
  TracepointWindow tracepoint(iface, 7s);  // 4 s of flood, ~1 s to connect, margin
  window.open();
  const IperfResult result = iperf3({"-R", "-t", "4"});
  window.close();
  EXPECT_TRUE(result.ok) << result.error;
  FloodFigures f;
  f.tracepoint = need(tracepoint.counts(window.opened(), window.closed()));
  f.mbps = result.mbps;
  f.rx = window.driver("rx_packets");
  f.tx = window.driver("tx_packets");
  f.hw_rx = window.driver("hw_rx_total_packets");
  f.irqs = window.driver("interrupts");
  f.proc_irqs = window.proc_irqs();
  f.polls = window.driver("napi_polls");
  f.budget_exhausted = window.driver("napi_budget_exhausted");
  return f;
}

// Tolerances between independent counts of one window. Measured over 3
// runs (the figures each test prints): the driver's rx count and QEMU's TPR
// equal, /proc/interrupts and the driver's interrupts equal, the
// tracepoints' polls, budget-exhausted polls and interrupts within 0.4 %
// of the driver's (their window is a little wider: idle margins). 5 % is
// over 10x that; a driver that miscounts by more fails.
constexpr double kFramesPct = 1.0;
constexpr double kCountsPct = 5.0;
constexpr std::uint64_t kSlack = 5;

void expect_counts_agree(const FloodFigures& f) {
  EXPECT_TRUE(agree(f.rx, f.hw_rx, kFramesPct, kSlack)) << "rx packets vs QEMU's TPR";
  EXPECT_TRUE(agree(f.irqs, f.proc_irqs, kCountsPct, kSlack)) << "interrupts vs /proc/interrupts";
  EXPECT_TRUE(agree(f.irqs, f.tracepoint.interrupts, kCountsPct, kSlack))
      << "interrupts vs irq:irq_handler_entry";
  EXPECT_TRUE(agree(f.polls, f.tracepoint.polls, kCountsPct, kSlack)) << "polls vs napi:napi_poll";
  EXPECT_TRUE(agree(f.budget_exhausted, f.tracepoint.budget_exhausted, kCountsPct, kSlack))
      << "budget-exhausted polls vs napi:napi_poll's work == budget";
  EXPECT_EQ(f.tracepoint.over_budget, 0U) << "a poll did more work than its budget";
}

// NAPI under a TCP flood: batches (many frames per interrupt: measured
// 45-3143) and stays in polling mode, i.e. a good share of its polls use
// the whole budget. Measured 74-98 % over 4 runs, and 31 % once, in a CI
// run whose flood reached only 736 Mb/s (45 frames per interrupt) while a
// compiler shared the host: the bar, 20 %, sits 1.5x below that lowest
// figure, yet a driver that completes early and re-enables its interrupt
// after each short poll gives ~0 % (as mode=irq and the idle pings do).
constexpr double kMinRxPerIrq = 8.0;
constexpr double kMinExhaustedPct = 20.0;

TEST_F(Mitigation, NapiBatchesUnderTcpLoadAndStaysInPolling) {
  const FloodFigures f = tcp_flood(iface_);
  f.print("NAPI");
  expect_counts_agree(f);
  EXPECT_GE(f.rx_per_irq(), kMinRxPerIrq);
  EXPECT_GE(f.exhausted_pct(), kMinExhaustedPct) << "NAPI did not stay in polling mode";
  EXPECT_GE(100.0 * per(f.budget_exhausted, f.polls), kMinExhaustedPct) << "by the driver's count";
}

TEST_F(Mitigation, LowRateReturnsToOneInterruptPerPacket) {
  // 10 pings/s: each reply is received alone. One RX interrupt per packet
  // shows in the tracepoint: every poll that received anything received
  // exactly one frame, as many such polls as frames QEMU delivered, and
  // every poll completed (back to interrupt mode), so each began with an
  // interrupt of its own. The TX completions take polls of work 0.
  CounterWindow window(iface_);
  TracepointWindow tracepoint(iface_, 4s);
  window.open();
  ASSERT_TRUE(ran_ok(run({"ping", "-c", "30", "-i", "0.1", "-q", env("PEER")})));
  window.close();
  const TracepointCounts tp = need(tracepoint.counts(window.opened(), window.closed()));
  const auto rx = window.driver("rx_packets");
  const auto hw_rx = window.driver("hw_rx_total_packets");
  const auto irqs = window.driver("interrupts");
  const auto completes = window.driver("napi_complete");
  const auto polls = window.driver("napi_polls");
  const auto exhausted = window.driver("napi_budget_exhausted");
  const std::uint64_t rx_polls = tp.polls_with_work("1");
  std::printf(
      "10 pings/s: rx packets driver/QEMU %s; interrupts driver//proc %s, driver/tracepoint %s; "
      "polls driver/tracepoint %s, %llu returned to interrupt mode; tracepoint: %llu polls took "
      "one frame, %llu took none, %llu took more; %llu used the whole budget\n",
      versus(rx, hw_rx).c_str(), versus(irqs, window.proc_irqs()).c_str(),
      versus(irqs, tp.interrupts).c_str(), versus(polls, tp.polls).c_str(),
      static_cast<unsigned long long>(completes), static_cast<unsigned long long>(rx_polls),
      static_cast<unsigned long long>(tp.polls_with_work("0")),
      static_cast<unsigned long long>(tp.polls_with_work_above_one()),
      static_cast<unsigned long long>(exhausted));
  ASSERT_GE(hw_rx, 30U);
  // One frame may be in flight (counted by QEMU, not yet by the driver).
  EXPECT_TRUE(agree(rx, hw_rx, 0, 1)) << "rx packets vs QEMU's TPR";
  EXPECT_EQ(tp.polls_with_work_above_one(), 0U) << "a poll took more than one frame";
  // The observer's window is a little wider (idle: an ARP at most).
  EXPECT_TRUE(agree(rx_polls, hw_rx, 0, 2)) << "polls with one frame vs frames received";
  EXPECT_EQ(completes, polls) << "a poll did not go back to interrupt mode";
  EXPECT_TRUE(agree(polls, tp.polls, 0, 3)) << "polls vs napi:napi_poll";
  EXPECT_TRUE(agree(irqs, window.proc_irqs(), 0, 2)) << "interrupts vs /proc/interrupts";
  EXPECT_GE(tp.interrupts + 3, tp.polls) << "a poll without an interrupt";
  EXPECT_EQ(exhausted, 0U);
  EXPECT_EQ(tp.budget_exhausted, 0U);
}

TEST_F(Mitigation, RxUsecsSweepRaisesPacketsPerInterruptWithoutLoss) {
  // UDP at ~9.8k pps of 256 bytes: a rate the guest sustains. Under TCG
  // the guest already takes ~3-15 packets per interrupt with ITR off (more
  // on a busy host), so the sweep goes on to 4000 us, where the cap (250/s)
  // means >= 39 packets per interrupt. The sweep runs twice, interleaved,
  // and each setting is judged on both passes' counters together: one TCG
  // stall in one 3 s flow moves a single pass by 15 %.
  const std::vector<int> sweep = {0, 50, 125, 250, 4000};
  constexpr int kPasses = 2;
  std::vector<std::uint64_t> irqs(sweep.size());
  std::vector<std::uint64_t> proc_irqs(sweep.size());
  std::vector<std::uint64_t> rx(sweep.size());
  std::vector<double> seconds(sweep.size());
  std::printf("%4s %8s %10s %10s %10s %12s %8s\n", "pass", "rx-usecs", "IRQs", "/proc", "rx pkts",
              "pkts/IRQ", "lost");
  for (int pass = 1; pass <= kPasses; ++pass) {
    for (std::size_t i = 0; i < sweep.size(); ++i) {
      ASSERT_TRUE(ran_ok(run({"ethtool", "-C", iface_, "rx-usecs", std::to_string(sweep[i])})));
      CounterWindow window(iface_);
      window.open();
      const IperfResult result = iperf3({"-R", "-u", "-l", "256", "-b", "20M", "-t", "3"});
      window.close();
      ASSERT_TRUE(result.ok) << result.error;
      const auto pass_irqs = window.driver("interrupts");
      const auto pass_rx = window.driver("rx_packets");
      irqs[i] += pass_irqs;
      proc_irqs[i] += window.proc_irqs();
      rx[i] += pass_rx;
      seconds[i] += window.seconds();
      std::printf("%4d %8d %10llu %10llu %10llu %12.2f %8llu\n", pass, sweep[i],
                  static_cast<unsigned long long>(pass_irqs),
                  static_cast<unsigned long long>(window.proc_irqs()),
                  static_cast<unsigned long long>(pass_rx), per(pass_rx, pass_irqs),
                  static_cast<unsigned long long>(result.lost_packets));
      // The NIC received every datagram the peer sent (the control
      // connection adds a few).
      EXPECT_GE(pass_rx + 5, result.packets) << "packets lost at rx-usecs " << sweep[i];
    }
  }
  std::vector<double> per_irq;
  std::printf("both passes:");
  for (std::size_t i = 0; i < sweep.size(); ++i) {
    per_irq.push_back(per(rx[i], irqs[i]));
    std::printf(" %d us %.2f (%.0f IRQ/s by /proc)%s", sweep[i], per_irq.back(),
                static_cast<double>(proc_irqs[i]) / seconds[i], i + 1 < sweep.size() ? "," : "\n");
  }
  for (std::size_t i = 0; i < sweep.size(); ++i) {
    EXPECT_TRUE(agree(irqs[i], proc_irqs[i], kCountsPct, kSlack))
        << "interrupts vs /proc/interrupts at rx-usecs " << sweep[i];
    // What QEMU enforces, counted by the kernel: at most one interrupt per
    // max(rx-usecs, 128 us), all causes included; 10 % for the edges of
    // the window and the timer's rounding.
    const double cap_per_s = 1e6 / std::max(sweep[i], 128);
    EXPECT_LE(static_cast<double>(proc_irqs[i]) / seconds[i], cap_per_s * 1.1)
        << "more interrupts than rx-usecs " << sweep[i] << " allows";
  }
  // Monotonic within TCG's noise, each setting against the best of those
  // below it (not a chain of steps, which compounds): from 0 to 250 us the
  // guest's own poll cycle, not ITR, sets the batch (QEMU never delays less
  // than 128 us, and ~1-1.7k IRQ/s is under the 7.8k/s and 4k/s caps), so
  // those steps only move with the noise: measured down to 0.88x the best
  // setting below (3 runs), hence 35 % of slack. The setting that binds,
  // 4000 us (250/s: >= 39 frames per interrupt at 9.8k pps), batched
  // 4.7-6.7x ITR off (which takes 3-15 under TCG): at least 2x.
  constexpr double kSweepNoise = 0.35;
  constexpr double kSweepGain = 2.0;
  double best_below = per_irq.front();
  for (std::size_t i = 1; i < per_irq.size(); ++i) {
    EXPECT_GE(per_irq[i], best_below * (1.0 - kSweepNoise)) << "at rx-usecs " << sweep[i];
    best_below = std::max(best_below, per_irq[i]);
  }
  EXPECT_GE(per_irq.back(), per_irq.front() * kSweepGain)
      << "4000 us did not batch " << kSweepGain << "x as much as ITR off";
}

// The longest run of reporting intervals (s) that carried next to nothing:
// less than 5 % of the median interval's bytes (a stalled TCP flow still
// trickles out what its window allowed).
double longest_gap_s(const std::vector<IperfInterval>& intervals) {
  if (intervals.empty()) {
    return 0;
  }
  std::vector<std::uint64_t> bytes;
  bytes.reserve(intervals.size());
  for (const IperfInterval& interval : intervals) {
    bytes.push_back(interval.bytes);
  }
  std::nth_element(bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(bytes.size() / 2),
                   bytes.end());
  const std::uint64_t stalled_below = bytes[bytes.size() / 2] / 20;
  double longest = 0;
  double gap = 0;
  for (const IperfInterval& interval : intervals) {
    gap = interval.bytes <= stalled_below ? gap + (interval.end - interval.start) : 0;
    longest = std::max(longest, gap);
  }
  return longest;
}

TEST_F(Mitigation, ReconfigureUnderTrafficKeepsItFlowing) {
  // Guest -> peer TCP for 10 s, while the rings, rx-usecs and the offloads
  // change under it about a second apart; a refused change ends the series.
  // iperf3 reports every 0.5 s: traffic must flow through every change, not
  // only in total (which the first second alone could make).
  struct Change {
    std::chrono::milliseconds after;  // since the previous one
    Argv ethtool;
  };
  const std::vector<Change> changes{
      {1500ms, {"ethtool", "-G", iface_, "rx", "512", "tx", "512"}},
      {1000ms, {"ethtool", "-C", iface_, "rx-usecs", "50"}},
      {1000ms, {"ethtool", "-K", iface_, "tso", "off"}},
      {1000ms, {"ethtool", "-K", iface_, "tx", "off"}},
      {1000ms, {"ethtool", "-G", iface_, "rx", "128", "tx", "128"}},
      {1000ms, {"ethtool", "-K", iface_, "tso", "on", "tx", "on"}},
      {0ms, {"ethtool", "-C", iface_, "rx-usecs", "250"}},
  };
  const CounterMap before = need(read_counters(iface_));
  auto load = std::async(std::launch::async, [] {
    return measure_iperf3({"-c", env("PEER"), "-t", "10", "-i", "0.5"}, 60s);
  });
  std::size_t made = 0;
  for (const Change& change : changes) {
    std::this_thread::sleep_for(change.after);
    const ::testing::AssertionResult set = ran_ok(run(change.ethtool));
    EXPECT_TRUE(set);
    if (!set) {
      break;
    }
    ++made;
  }
  const Result<IperfReport> flow = load.get();
  const CounterMap after = need(read_counters(iface_));
  const auto tx = need(delta(before, after, "tx_packets"));
  const auto hw_tx = need(delta(before, after, "hw_tx_total_packets"));
  ASSERT_TRUE(flow) << flow.error().to_string();
  const std::vector<IperfInterval>& intervals = flow.value().intervals;
  std::ostringstream series;
  series << std::fixed << std::setprecision(0);
  for (const IperfInterval& interval : intervals) {
    series << ' ' << interval.bits_per_second / 1e6;
  }
  const double gap = longest_gap_s(intervals);
  std::printf(
      "reconfigure under iperf3: %zu of %zu changes made, %.0f Mb/s, tx packets driver/QEMU %s, "
      "Mb/s per 0.5 s:%s; longest gap %.1f s\n",
      made, changes.size(), flow.value().received.bits_per_second / 1e6, versus(tx, hw_tx).c_str(),
      series.str().c_str(), gap);
  // A ring change restarts the receiver, which QEMU then refuses for 1 s
  // (ACKs lost: TCP waits out a retransmission timeout): measured one or
  // two stalled 0.5 s intervals per run (3 runs), never two in a row.
  // 2.5 s (5x) fails a change that stops the flow for good or for seconds.
  constexpr double kMaxGapS = 2.5;
  EXPECT_GE(intervals.size(), 18U) << "iperf3 reported fewer than 18 of its 20 intervals";
  EXPECT_LE(gap, kMaxGapS * time_scale()) << "traffic stopped for " << gap << " s";
  EXPECT_GT(tx, 10000U);
  // A ring change frees the TX descriptors still on the ring: frames QEMU
  // had sent, never counted by the driver (measured 1.7-1.8 % of them over
  // this series). Never more than QEMU sent, and at most 5 % fewer.
  EXPECT_LE(tx, hw_tx + kSlack) << "tx packets: more than QEMU's TPT";
  EXPECT_TRUE(agree(tx, hw_tx, 5.0, kSlack)) << "tx packets vs QEMU's TPT";
  EXPECT_EQ(need(delta(before, after, "tx_timeouts")), 0U);
}

TEST_F(Mitigation, BadValuesAreRefusedAndChangeNothing) {
  const Command before_c = run({"ethtool", "-c", iface_});
  const Command before_g = run({"ethtool", "-g", iface_});
  ASSERT_TRUE(ran_ok(before_c));
  ASSERT_TRUE(ran_ok(before_g));
  EXPECT_TRUE(refused(run({"ethtool", "-C", iface_, "rx-usecs", "20000"})));
  EXPECT_TRUE(refused(run({"ethtool", "-G", iface_, "rx", "7"})));
  EXPECT_TRUE(refused(run({"ethtool", "-G", iface_, "tx", "100000"})));
  const Command after_c = run({"ethtool", "-c", iface_});
  const Command after_g = run({"ethtool", "-g", iface_});
  ASSERT_TRUE(ran_ok(after_c));
  ASSERT_TRUE(ran_ok(after_g));
  EXPECT_EQ(before_c.output, after_c.output);
  EXPECT_EQ(before_g.output, after_g.output);
}

// Median round-trip time of 30 pings (ms): the median, not the average,
// because one TCG stall can add milliseconds to a single ping. An error
// when ping did not run or no reply came.
Result<double> ping_median_ms(const std::string& peer) {
  const Command ping = run({"ping", "-c", "30", "-i", "0.05", peer});
  if (!ping.started || ping.timed_out) {
    return Error{ping.what()};
  }
  std::vector<double> rtts;
  for (std::size_t at = ping.output.find("time="); at != std::string::npos;
       at = ping.output.find("time=", at + 1)) {
    rtts.push_back(std::atof(ping.output.c_str() + at + 5));
  }
  if (rtts.empty()) {
    return Error{ping.what() + ", no reply"};
  }
  std::sort(rtts.begin(), rtts.end());
  return rtts[rtts.size() / 2];
}

// adaptive-rx (net_dim): at a moderate load at most half the interrupts of
// ITR off, no packet lost; at idle back to ITR off (the register says so)
// and the median ping within 2x of ITR off.
TEST_F(Mitigation, AdaptiveRxKeepsEveryPacketAndIdleLatency) {
  // UDP 50 Mb/s peer->guest (~4.3k pps of 1448 bytes): a moderate load.
  // Interrupts are judged by the kernel's count of the line, the driver's
  // must agree; packets by the peer's count of what it sent.
  const Argv flow{"-R", "-u", "-b", "50M", "-t", "4"};
  ASSERT_TRUE(ran_ok(run({"ethtool", "-C", iface_, "adaptive-rx", "off", "rx-usecs", "0"})));
  CounterWindow window_off(iface_);
  window_off.open();
  const IperfResult off = iperf3(flow);
  window_off.close();
  ASSERT_TRUE(off.ok) << off.error;
  const auto irqs_off = window_off.proc_irqs();
  const auto rx_off = window_off.driver("rx_packets");

  ASSERT_TRUE(ran_ok(run({"ethtool", "-C", iface_, "adaptive-rx", "on"})));
  const IperfResult settle =
      iperf3({"-R", "-u", "-b", "50M", "-t", "2"});  // net_dim picks a profile
  ASSERT_TRUE(settle.ok) << settle.error;
  // The interval net_dim chose: ITR (the 6th register of ethtool -d's dump)
  // x 256 ns, read 2 s into the flow (from a second thread) and at idle.
  const Argv dump_itr{"ethtool", "-d", iface_, "raw", "on"};
  constexpr std::size_t kItrRegister = 5;
  auto itr_under_load = std::async(std::launch::async, [&dump_itr] {
    std::this_thread::sleep_for(2s);
    return run(dump_itr);
  });
  CounterWindow window_on(iface_);
  window_on.open();
  const IperfResult on = iperf3(flow);
  window_on.close();
  const Command dump_load = itr_under_load.get();
  ASSERT_TRUE(on.ok) << on.error;
  ASSERT_TRUE(ran_ok(dump_load));
  const auto irqs_on = window_on.proc_irqs();
  const auto rx_on = window_on.driver("rx_packets");
  const std::uint32_t itr_load = need(dumped_register(dump_load.output, kItrRegister));
  // Idle again: back to ITR off.
  ASSERT_TRUE(ran_ok(run({"ping", "-c", "20", "-i", "0.02", "-q", env("PEER")})));
  const Command dump_idle = run(dump_itr);
  ASSERT_TRUE(ran_ok(dump_idle));
  const std::uint32_t itr_idle = need(dumped_register(dump_idle.output, kItrRegister));
  const double rtt_on = need(ping_median_ms(env("PEER")));
  // ITR off measured right after, at idle too: minutes apart, the host's
  // load (not the driver) moved the two medians by up to 1.8x.
  ASSERT_TRUE(ran_ok(run({"ethtool", "-C", iface_, "adaptive-rx", "off"})));
  const double rtt_off = need(ping_median_ms(env("PEER")));

  std::printf(
      "UDP 50 Mb/s: ITR off %llu IRQs (driver/proc %s) for %llu packets (sent %llu); adaptive-rx "
      "%llu IRQs (driver//proc %s) for %llu packets (sent %llu), ITR interval under load %u, at "
      "idle %u (x 256 ns); idle ping median %.3f ms off, %.3f ms adaptive\n",
      static_cast<unsigned long long>(irqs_off),
      versus(window_off.driver("interrupts"), irqs_off).c_str(),
      static_cast<unsigned long long>(rx_off), static_cast<unsigned long long>(off.packets),
      static_cast<unsigned long long>(irqs_on),
      versus(window_on.driver("interrupts"), irqs_on).c_str(),
      static_cast<unsigned long long>(rx_on), static_cast<unsigned long long>(on.packets), itr_load,
      itr_idle, rtt_off, rtt_on);
  EXPECT_TRUE(agree(window_off.driver("interrupts"), irqs_off, kCountsPct, kSlack))
      << "ITR off: interrupts vs /proc/interrupts";
  EXPECT_TRUE(agree(window_on.driver("interrupts"), irqs_on, kCountsPct, kSlack))
      << "adaptive-rx: interrupts vs /proc/interrupts";
  EXPECT_GE(rx_off + 5, off.packets) << "the NIC lost packets with ITR off";
  EXPECT_GE(rx_on + 5, on.packets) << "the NIC lost packets with adaptive-rx";
  EXPECT_EQ(itr_idle, 0U) << "adaptive-rx did not go back to ITR off at idle";
  EXPECT_LE(rtt_on, 2.0 * rtt_off);
  EXPECT_LE(2 * irqs_on, irqs_off) << "adaptive-rx did not halve the interrupts (/proc)";
}

// One ping-pong run of adaptive-rx's latency test: what the client on the
// peer measured and what the ITR register held meanwhile.
struct PingPongRun {
  std::uint64_t received = 0;
  double messages_per_s = 0;
  double p50_us = 0;
  double p99_us = 0;
  std::size_t itr_samples = 0;
  std::size_t itr_zero = 0;  // samples with the ITR interval 0 (no throttling)
};

// A UDP ping-pong from the peer (napi-pingpong client, 64 B, one in flight,
// `seconds` long) against the server listening on GUEST_IP:9100, with ITR
// (ethtool -d's 6th register) read every 200 ms from a second thread.
PingPongRun ping_pong_from_peer(const std::string& iface, int seconds) {
  const std::string net = env("NAPILAB_BUILD") + "/userspace/net";
  std::atomic<bool> done{false};
  auto sampler = std::async(std::launch::async, [&iface, &done] {
    std::pair<std::size_t, std::size_t> counts{0, 0};
    while (!done.load()) {
      const Command dump = run({"ethtool", "-d", iface, "raw", "on"});
      if (ran_ok(dump)) {
        const auto itr = dumped_register(dump.output, 5);
        if (itr) {
          ++counts.first;
          counts.second += itr.value() == 0 ? 1 : 0;
        }
      }
      std::this_thread::sleep_for(200ms);
    }
    return counts;
  });
  const Command client =
      run({env("NAPILAB_ROOT") + "/qemu/peer-run", "--timeout", std::to_string(seconds + 20), "--",
           net + "/napi-pingpong", "client", "--connect", env("GUEST_IP") + ":9100", "--size", "64",
           "--duration", std::to_string(seconds) + "s", "--json"},
          seconds + 30);
  done = true;
  const auto [samples, zero] = sampler.get();
  if (!ran_ok(client)) {
    throw std::runtime_error("the ping-pong failed: " + client.what());
  }
  const auto report = nlohmann::json::parse(client.output);
  PingPongRun result;
  result.received = report.at("received").get<std::uint64_t>();
  result.messages_per_s = report.at("messages_per_s").get<double>();
  result.p50_us = report.at("rtt_ns").at("p50").get<double>() / 1000.0;
  result.p99_us = report.at("rtt_ns").at("p99").get<double>() / 1000.0;
  result.itr_samples = samples;
  result.itr_zero = zero;
  return result;
}

// adaptive-rx must not moderate a request/response flow: holding its
// interrupt back batches nothing (the next request waits for our reply) and
// lengthens every round trip. A UDP ping-pong, alone and beside a 20 Mb/s
// stream (1472 B at 1.7k pps), runs with adaptive-rx on; the ITR register
// must read 0 (no throttling) in nearly every sample. Messages/s and RTTs
// against ITR off are printed, not judged (the host's load moves one run's
// rate by 2x). Measured (TCG, host loaded by three other VMs): with net_dim
// alone (before the latency class) ITR 0 in 13 of 17 samples alone and 8 of
// 19 beside the stream (p50 2.75 ms vs 0.38 ms ITR off); with the latency
// class 17/17 and 16/16 alone, 20/20 and 21/21 beside (2 runs). The bars:
// 90 % of the samples alone, 80 % beside the stream (a burst of the stream
// may lift a 100 ms window over the bulk threshold).
TEST_F(Mitigation, AdaptiveRxLeavesRequestResponseUnmoderated) {
  const std::string net = env("NAPILAB_BUILD") + "/userspace/net";
  constexpr int kSeconds = 4;
  auto server = std::async(std::launch::async, [&net] {
    return run({net + "/napi-pingpong", "server", "--bind", env("GUEST_IP") + ":9100", "--duration",
                "60s"},
               90);
  });
  auto sink = std::async(std::launch::async, [&net] {
    return run({net + "/napi-sink", "--proto", "udp", "--bind", env("GUEST_IP") + ":9000",
                "--duration", "60s"},
               90);
  });
  std::this_thread::sleep_for(1s * time_scale());  // both bound their sockets
  const auto stream = [&net](int seconds) {
    return std::async(std::launch::async, [&net, seconds] {
      return run({env("NAPILAB_ROOT") + "/qemu/peer-run", "--timeout", "40", "--",
                  net + "/napi-blast", "--dest", env("GUEST_IP") + ":9000", "--rate", "1700",
                  "--size", "1472", "--duration", std::to_string(seconds) + "s"},
                 60);
    });
  };

  ASSERT_TRUE(ran_ok(run({"ethtool", "-C", iface_, "adaptive-rx", "off", "rx-usecs", "0"})));
  const PingPongRun off = ping_pong_from_peer(iface_, kSeconds);
  ASSERT_TRUE(ran_ok(run({"ethtool", "-C", iface_, "adaptive-rx", "on"})));
  const PingPongRun alone = ping_pong_from_peer(iface_, kSeconds);
  auto blaster = stream(kSeconds + 3);
  std::this_thread::sleep_for(1500ms);  // the stream runs first
  const PingPongRun beside = ping_pong_from_peer(iface_, kSeconds);
  EXPECT_TRUE(ran_ok(blaster.get()));
  ASSERT_TRUE(ran_ok(run({"ethtool", "-C", iface_, "adaptive-rx", "off"})));
  auto blaster_off = stream(kSeconds + 3);
  std::this_thread::sleep_for(1500ms);
  const PingPongRun beside_off = ping_pong_from_peer(iface_, kSeconds);
  EXPECT_TRUE(ran_ok(blaster_off.get()));
  // The servers end at their --duration; stop waiting for them here.
  run({"pkill", "-f", "napi-pingpong server"});
  run({"pkill", "-f", "napi-sink --proto udp --bind"});
  server.wait();
  sink.wait();

  const auto print = [](const char* name, const PingPongRun& r) {
    std::printf("%s: %.0f msg/s, RTT p50 %.0f us, p99 %.0f us; ITR 0 in %zu of %zu samples\n", name,
                r.messages_per_s, r.p50_us, r.p99_us, r.itr_zero, r.itr_samples);
  };
  print("ping-pong, ITR off", off);
  print("ping-pong, adaptive-rx", alone);
  print("ping-pong beside 20 Mb/s, adaptive-rx", beside);
  print("ping-pong beside 20 Mb/s, ITR off", beside_off);
  for (const PingPongRun* r : {&off, &alone, &beside, &beside_off}) {
    EXPECT_GT(r->received, 0U) << "a ping-pong got no reply";
  }
  ASSERT_GE(alone.itr_samples, 10U);
  ASSERT_GE(beside.itr_samples, 10U);
  EXPECT_GE(alone.itr_zero * 10, alone.itr_samples * 9)
      << "adaptive-rx throttled a lone ping-pong in " << alone.itr_samples - alone.itr_zero
      << " of " << alone.itr_samples << " samples";
  EXPECT_GE(beside.itr_zero * 10, beside.itr_samples * 8)
      << "adaptive-rx throttled a ping-pong beside a 20 Mb/s stream in "
      << beside.itr_samples - beside.itr_zero << " of " << beside.itr_samples << " samples";
}

// The contrast, in one guest: the same TCP flood with NAPI and with
// mode=irq (no NAPI, all work in hard-IRQ context, no throttling).
TEST_F(Mitigation, NapiVersusIrqMode) {
  const FloodFigures napi = tcp_flood(iface_);
  ASSERT_TRUE(ran_ok(reload_driver("mode=irq"))) << "cannot reload e1k_napi with mode=irq";
  const FloodFigures irq = tcp_flood(iface_);
  ASSERT_TRUE(ran_ok(reload_driver(""))) << "cannot reload e1k_napi with defaults";
  napi.print("NAPI");
  irq.print("mode=irq");
  expect_counts_agree(napi);
  expect_counts_agree(irq);
  // NAPI batches and stays in polling; mode=irq takes one interrupt per
  // received frame (it re-raises RXT0 while frames are waiting) and the
  // napi:napi_poll tracepoint never fires.
  EXPECT_GE(napi.rx_per_irq(), kMinRxPerIrq);
  EXPECT_GE(napi.exhausted_pct(), kMinExhaustedPct);
  EXPECT_EQ(irq.polls, 0U);
  EXPECT_EQ(irq.tracepoint.polls, 0U) << "napi:napi_poll fired in mode=irq";
  EXPECT_LE(irq.rx_per_irq(), 1.5);
  EXPECT_GT(irq.rx_per_irq(), 0.0);
}

}  // namespace
}  // namespace napilab::load
