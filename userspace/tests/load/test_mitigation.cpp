// Load tests that run inside the guest with e1k_napi loaded (started by
// tests/vm/load-*.sh through the test bed). They judge NAPI and interrupt
// throttling by counters (ethtool -S, /sys/class/net statistics), never by
// clocks, and print the figures they measured.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "guest_env.hpp"
#include "napilab/parse_util.hpp"

namespace napilab::load {
namespace {

class Mitigation : public ::testing::Test {
 protected:
  void SetUp() override {
    iface_ = env("IFACE");
    if (iface_.empty() || env("PEER").empty()) {
      GTEST_SKIP() << "not in the test bed's guest (IFACE/PEER unset): run via qemu/run-vm";
    }
    std::string driver;
    run("ethtool -i " + iface_ + " | sed -n s/^driver:.//p", &driver);
    ASSERT_NE(driver.find("e1k_napi"), std::string::npos) << "driver is " << driver;
  }
  void TearDown() override {
    // Leave the interface as the bed configured it for the next test.
    run("ethtool -C " + iface_ + " adaptive-rx off rx-usecs 0; ethtool -G " + iface_ +
        " rx 256 tx 256; ethtool -K " + iface_ + " tso on sg on tx on");
  }

  std::string iface_;
};

// Packets per interrupt and NAPI counters over one TCP peer->guest flood.
struct FloodFigures {
  double packets_per_irq = 0;  // RX + TX packets per interrupt
  double rx_per_irq = 0;       // received packets per interrupt
  std::uint64_t irqs = 0;
  std::uint64_t polls = 0;
  std::uint64_t budget_exhausted = 0;
  double mbps = 0;
};

FloodFigures tcp_flood(const std::string& iface) {
  const CounterMap before = read_counters(iface);
  const IperfResult result = iperf3("-R -t 4");
  const CounterMap after = read_counters(iface);
  EXPECT_TRUE(result.ok) << result.error;
  FloodFigures f;
  f.irqs = delta(before, after, "interrupts");
  const std::uint64_t rx = delta(before, after, "rx_packets");
  const std::uint64_t packets = rx + delta(before, after, "tx_packets");
  const auto per_irq = [&f](std::uint64_t n) {
    return f.irqs ? static_cast<double>(n) / static_cast<double>(f.irqs) : 0.0;
  };
  f.packets_per_irq = per_irq(packets);
  f.rx_per_irq = per_irq(rx);
  f.polls = delta(before, after, "napi_polls");
  f.budget_exhausted = delta(before, after, "napi_budget_exhausted");
  f.mbps = result.mbps;
  return f;
}

TEST_F(Mitigation, NapiBatchesUnderTcpLoadAndStaysInPolling) {
  const FloodFigures f = tcp_flood(iface_);
  std::printf(
      "NAPI, TCP peer->guest: %.0f Mb/s, %llu interrupts, %.1f packets/IRQ, %llu polls, "
      "%llu used the whole budget\n",
      f.mbps, static_cast<unsigned long long>(f.irqs), f.packets_per_irq,
      static_cast<unsigned long long>(f.polls),
      static_cast<unsigned long long>(f.budget_exhausted));
  EXPECT_GE(f.packets_per_irq, 8.0);
  EXPECT_GT(f.budget_exhausted, 0U);
}

TEST_F(Mitigation, LowRateReturnsToOneInterruptPerPacket) {
  const CounterMap before = read_counters(iface_);
  ASSERT_EQ(run("ping -c 30 -i 0.1 -q " + env("PEER")), 0);
  const CounterMap after = read_counters(iface_);
  const auto irqs = delta(before, after, "interrupts");
  const auto rx = delta(before, after, "rx_packets");
  const auto completes = delta(before, after, "napi_complete");
  const auto polls = delta(before, after, "napi_polls");
  std::printf(
      "10 pings/s: %llu rx packets, %llu interrupts, %llu polls, %llu returned to "
      "interrupt mode, %llu used the whole budget\n",
      static_cast<unsigned long long>(rx), static_cast<unsigned long long>(irqs),
      static_cast<unsigned long long>(polls), static_cast<unsigned long long>(completes),
      static_cast<unsigned long long>(delta(before, after, "napi_budget_exhausted")));
  ASSERT_GE(rx, 30U);
  EXPECT_GE(irqs, rx);  // at least one interrupt per received packet
  EXPECT_EQ(delta(before, after, "napi_budget_exhausted"), 0U);
  EXPECT_EQ(completes, polls);  // every poll went back to interrupt mode
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
  std::vector<std::uint64_t> rx(sweep.size());
  std::printf("%4s %8s %10s %10s %12s %8s\n", "pass", "rx-usecs", "IRQs", "rx pkts", "pkts/IRQ",
              "lost");
  for (int pass = 1; pass <= kPasses; ++pass) {
    for (std::size_t i = 0; i < sweep.size(); ++i) {
      ASSERT_EQ(run("ethtool -C " + iface_ + " rx-usecs " + std::to_string(sweep[i])), 0);
      const CounterMap before = read_counters(iface_);
      const IperfResult result = iperf3("-R -u -l 256 -b 20M -t 3");
      const CounterMap after = read_counters(iface_);
      ASSERT_TRUE(result.ok) << result.error;
      const auto pass_irqs = delta(before, after, "interrupts");
      const auto pass_rx = delta(before, after, "rx_packets");
      irqs[i] += pass_irqs;
      rx[i] += pass_rx;
      std::printf("%4d %8d %10llu %10llu %12.2f %8llu\n", pass, sweep[i],
                  static_cast<unsigned long long>(pass_irqs),
                  static_cast<unsigned long long>(pass_rx),
                  pass_irqs ? static_cast<double>(pass_rx) / static_cast<double>(pass_irqs) : 0.0,
                  static_cast<unsigned long long>(result.lost_packets));
      // The NIC received every datagram sent (the control connection adds a few).
      EXPECT_GE(pass_rx + 5, result.packets) << "packets lost at rx-usecs " << sweep[i];
    }
  }
  std::vector<double> per_irq;
  std::printf("both passes:");
  for (std::size_t i = 0; i < sweep.size(); ++i) {
    per_irq.push_back(irqs[i] ? static_cast<double>(rx[i]) / static_cast<double>(irqs[i]) : 0.0);
    std::printf(" %d us %.2f%s", sweep[i], per_irq.back(), i + 1 < sweep.size() ? "," : "\n");
  }
  // Monotonic within TCG's noise. QEMU never delays less than 128 us, so
  // 50 and 125 us are the same setting to it; and at this load the guest
  // takes ~1-1.7k IRQ/s with ITR off, under both the 128 us (7.8k/s) and
  // 250 us (4k/s) caps, so from 0 to 250 us packets per interrupt follow
  // NAPI's poll cycle, not ITR: measured 0.83-1.1x from one step to the
  // next, in both passes of a run. Hence 40 % of slack there, and the
  // setting that does bind, 4000 us (250/s), must batch at least twice as
  // much as any of the others.
  for (std::size_t i = 1; i < per_irq.size(); ++i) {
    EXPECT_GE(per_irq[i], per_irq[i - 1] * 0.6) << "at rx-usecs " << sweep[i];
  }
  const double at_max = per_irq.back();
  const double below = *std::max_element(per_irq.begin(), per_irq.end() - 1);
  EXPECT_GT(at_max, below * 2.0) << "4000 us did not batch twice as much as 0-250 us";
}

TEST_F(Mitigation, ReconfigureUnderTrafficKeepsItFlowing) {
  const CounterMap before = read_counters(iface_);
  const std::string c = "ethtool -C " + iface_;
  const std::string g = "ethtool -G " + iface_;
  const std::string k = "ethtool -K " + iface_;
  std::string out;
  const int rc = run("iperf3 -c " + env("PEER") +
                         " -t 10 -J > /tmp/reconf.json & load=$!; "
                         "sleep 1.5; " +
                         g + " rx 512 tx 512 && sleep 1 && " + c + " rx-usecs 50 && sleep 1 && " +
                         k + " tso off && sleep 1 && " + k + " tx off && sleep 1 && " + g +
                         " rx 128 tx 128 && sleep 1 && " + k + " tso on tx on && " + c +
                         " rx-usecs 250; cfg=$?; wait $load; it=$?; "
                         "echo cfg=$cfg iperf=$it",
                     &out, 60);
  const CounterMap after = read_counters(iface_);
  std::printf("reconfigure under iperf3: %s", out.c_str());
  EXPECT_EQ(rc, 0);
  EXPECT_NE(out.find("cfg=0 iperf=0"), std::string::npos);
  EXPECT_GT(delta(before, after, "tx_packets"), 10000U);
  EXPECT_EQ(delta(before, after, "tx_timeouts"), 0U);
}

TEST_F(Mitigation, BadValuesAreRefusedAndChangeNothing) {
  std::string before_c;
  std::string before_g;
  run("ethtool -c " + iface_ + " | grep rx-usecs:", &before_c);
  run("ethtool -g " + iface_ + " | tail -n 4", &before_g);
  EXPECT_NE(run("ethtool -C " + iface_ + " rx-usecs 20000 2>/dev/null"), 0);
  EXPECT_NE(run("ethtool -G " + iface_ + " rx 7 2>/dev/null"), 0);
  EXPECT_NE(run("ethtool -G " + iface_ + " tx 100000 2>/dev/null"), 0);
  std::string after_c;
  std::string after_g;
  run("ethtool -c " + iface_ + " | grep rx-usecs:", &after_c);
  run("ethtool -g " + iface_ + " | tail -n 4", &after_g);
  EXPECT_EQ(before_c, after_c);
  EXPECT_EQ(before_g, after_g);
}

// Median round-trip time of 30 pings (ms), or -1: the median, not the
// average, because one TCG stall can add milliseconds to a single ping.
double ping_median_ms(const std::string& peer) {
  std::string out;
  run("ping -c 30 -i 0.05 " + peer + " | grep -o time=[0-9.]*", &out);
  std::vector<double> rtts;
  for (std::size_t at = out.find("time="); at != std::string::npos;
       at = out.find("time=", at + 1)) {
    rtts.push_back(std::atof(out.c_str() + at + 5));
  }
  if (rtts.empty()) {
    return -1.0;
  }
  std::sort(rtts.begin(), rtts.end());
  return rtts[rtts.size() / 2];
}

// adaptive-rx (net_dim): at a moderate load at most half the interrupts of
// ITR off, no packet lost; at idle back to ITR off (the register says so)
// and the median ping within 2x of ITR off.
TEST_F(Mitigation, AdaptiveRxKeepsEveryPacketAndIdleLatency) {
  // UDP 50 Mb/s peer->guest (~4.3k pps of 1448 bytes): a moderate load.
  const std::string flow = "-R -u -b 50M -t 4";
  ASSERT_EQ(run("ethtool -C " + iface_ + " adaptive-rx off rx-usecs 0"), 0);
  CounterMap before = read_counters(iface_);
  const IperfResult off = iperf3(flow);
  CounterMap after = read_counters(iface_);
  ASSERT_TRUE(off.ok) << off.error;
  const auto irqs_off = delta(before, after, "interrupts");
  const auto rx_off = delta(before, after, "rx_packets");

  ASSERT_EQ(run("ethtool -C " + iface_ + " adaptive-rx on"), 0);
  iperf3("-R -u -b 50M -t 2");  // let net_dim settle on a profile
  // The interval net_dim chose: ITR (6th register of ethtool -d's dump) x
  // 256 ns, read 2 s into the flow (in the background) and again at idle.
  const std::string itr_cmd = "ethtool -d " + iface_ + " raw on | od -An -tu4 -j 20 -N 4";
  const std::string itr_load_file = "/tmp/napilab-itr-load.txt";
  run("(sleep 2; " + itr_cmd + ") >" + itr_load_file + " 2>&1 &");
  before = read_counters(iface_);
  const IperfResult on = iperf3(flow);
  after = read_counters(iface_);
  ASSERT_TRUE(on.ok) << on.error;
  const auto irqs_on = delta(before, after, "interrupts");
  const auto rx_on = delta(before, after, "rx_packets");
  std::string itr_load;
  std::string itr_idle;
  run("cat " + itr_load_file, &itr_load);
  run("ping -c 20 -i 0.02 -q " + env("PEER"));  // idle again: back to ITR off
  run(itr_cmd, &itr_idle);
  const double rtt_on = ping_median_ms(env("PEER"));
  // ITR off measured right after, at idle too: minutes apart, the host's
  // load (not the driver) moved the two medians by up to 1.8x.
  run("ethtool -C " + iface_ + " adaptive-rx off");
  const double rtt_off = ping_median_ms(env("PEER"));

  std::printf(
      "UDP 50 Mb/s: ITR off %llu IRQs for %llu packets (sent %llu); adaptive-rx %llu IRQs "
      "for %llu packets (sent %llu), ITR interval under load %s, at idle %s (x 256 ns); "
      "idle ping median %.3f ms off, %.3f ms adaptive\n",
      static_cast<unsigned long long>(irqs_off), static_cast<unsigned long long>(rx_off),
      static_cast<unsigned long long>(off.packets), static_cast<unsigned long long>(irqs_on),
      static_cast<unsigned long long>(rx_on), static_cast<unsigned long long>(on.packets),
      std::string(trim(itr_load)).c_str(), std::string(trim(itr_idle)).c_str(), rtt_off, rtt_on);
  EXPECT_GE(rx_off + 5, off.packets) << "the NIC lost packets with ITR off";
  EXPECT_GE(rx_on + 5, on.packets) << "the NIC lost packets with adaptive-rx";
  ASSERT_GT(rtt_off, 0.0);
  ASSERT_GT(rtt_on, 0.0);
  EXPECT_EQ(std::string(trim(itr_idle)), "0") << "adaptive-rx did not go back to ITR off at idle";
  EXPECT_LE(rtt_on, 2.0 * rtt_off);
  EXPECT_LE(2 * irqs_on, irqs_off) << "adaptive-rx did not halve the interrupts";
}

// The contrast, in one guest: the same TCP flood with NAPI and with
// mode=irq (no NAPI, all work in hard-IRQ context, no throttling).
TEST_F(Mitigation, NapiVersusIrqMode) {
  const FloodFigures napi = tcp_flood(iface_);
  ASSERT_TRUE(reload_driver("mode=irq")) << "cannot reload e1k_napi with mode=irq";
  const FloodFigures irq = tcp_flood(iface_);
  ASSERT_TRUE(reload_driver("")) << "cannot reload e1k_napi with defaults";
  std::printf(
      "TCP peer->guest packets per interrupt (RX+TX / IRQ, RX / IRQ): "
      "NAPI %.1f, %.1f (%.0f Mb/s, %llu polls, %llu budget-exhausted); "
      "mode=irq %.2f, %.2f (%.0f Mb/s, %llu polls)\n",
      napi.packets_per_irq, napi.rx_per_irq, napi.mbps, static_cast<unsigned long long>(napi.polls),
      static_cast<unsigned long long>(napi.budget_exhausted), irq.packets_per_irq, irq.rx_per_irq,
      irq.mbps, static_cast<unsigned long long>(irq.polls));
  // NAPI batches; mode=irq takes one interrupt per received frame (it
  // re-raises RXT0 while frames are waiting) and never polls.
  EXPECT_GE(napi.rx_per_irq, 8.0);
  EXPECT_GT(napi.budget_exhausted, 0U);
  EXPECT_EQ(irq.polls, 0U);
  EXPECT_LE(irq.rx_per_irq, 1.5);
  EXPECT_GT(irq.rx_per_irq, 0.0);
}

}  // namespace
}  // namespace napilab::load
