#include <gtest/gtest.h>

#include <chrono>

#include "fixture.hpp"
#include "napilab/sampler.hpp"

namespace {

using std::chrono::seconds;
using std::chrono::steady_clock;

TEST(Sampler, CounterDeltaHandlesWrapAndReset) {
  EXPECT_EQ(napilab::counter_delta(10, 25, 32), 15U);
  EXPECT_EQ(napilab::counter_delta(0xfffffff0U, 0x10, 32), 0x20U);  // 32-bit wrap
  EXPECT_EQ(napilab::counter_delta(500, 20, 64), 20U);              // reset
  EXPECT_EQ(napilab::counter_delta(0x1'0000'0005ULL, 3, 32), 3U);   // not a 32-bit value
}

napilab::InterruptsTable table_with(std::uint64_t cpu0, std::uint64_t cpu1, const char* name) {
  auto table = napilab::parse_interrupts(std::string("  CPU0 CPU1\n 11: ") + std::to_string(cpu0) +
                                         " " + std::to_string(cpu1) + " IO-APIC 11-fasteoi " +
                                         name + "\nLOC: 1 1 Local timer interrupts\n");
  EXPECT_TRUE(table.ok());
  return table.value();
}

// softnet_stat lines from {processed, dropped, time_squeeze} per CPU.
std::vector<napilab::SoftnetCpu> softnet(std::initializer_list<napilab::SoftnetTotals> cpus) {
  std::vector<napilab::SoftnetCpu> lines;
  for (const auto& cpu : cpus) {
    napilab::SoftnetCpu line;
    line.processed = cpu.processed;
    line.dropped = cpu.dropped;
    line.time_squeeze = cpu.time_squeeze;
    lines.push_back(line);
  }
  return lines;
}

TEST(Sampler, RatesFromTwoSnapshots) {
  const auto t0 = steady_clock::now();
  const auto softnet0 = softnet({{10, 0, 1}});
  const auto softnet1 = softnet({{90, 0, 5}});
  auto a = napilab::make_snapshot(
      t0, table_with(100, 0xfffffffe, "eth0"), {"11"}, {{"rx_packets", 1000}, {"tx_packets", 0}},
      napilab::CounterMap{{"napi_polls", 10}, {"napi_budget_exhausted", 0}, {"napi_complete", 10}},
      softnet0);
  // The line was renamed and CPU1's 32-bit count wrapped: still 300 IRQs.
  auto b = napilab::make_snapshot(
      t0 + seconds(2), table_with(200, 198, "e1k-renamed"), {"11"},
      {{"rx_packets", 7000}, {"tx_packets", 600}},
      napilab::CounterMap{
          {"napi_polls", 110}, {"napi_budget_exhausted", 80}, {"napi_complete", 30}},
      softnet1);
  const napilab::Rates r = napilab::rates_between(a, b);
  EXPECT_DOUBLE_EQ(r.seconds, 2.0);
  EXPECT_DOUBLE_EQ(r.irqs_per_s, 150.0);
  EXPECT_DOUBLE_EQ(r.rx_pps, 3000.0);
  EXPECT_DOUBLE_EQ(r.tx_pps, 300.0);
  ASSERT_TRUE(r.packets_per_irq);
  EXPECT_DOUBLE_EQ(*r.packets_per_irq, 6600.0 / 300.0);
  EXPECT_DOUBLE_EQ(r.squeezes_per_s, 2.0);
  ASSERT_TRUE(r.polls_per_s && r.budget_exhausted_pct && r.complete_per_s);
  EXPECT_DOUBLE_EQ(*r.polls_per_s, 50.0);
  EXPECT_DOUBLE_EQ(*r.budget_exhausted_pct, 80.0);
  EXPECT_DOUBLE_EQ(*r.complete_per_s, 10.0);
}

TEST(Sampler, NoInterruptsMeansNoPacketsPerIrq) {
  const auto t0 = steady_clock::now();
  auto a =
      napilab::make_snapshot(t0, table_with(5, 5, "eth0"), {"11"}, {{"rx_packets", 1}}, {}, {});
  auto b = napilab::make_snapshot(t0 + seconds(1), table_with(5, 5, "eth0"), {"11"},
                                  {{"rx_packets", 1}}, {}, {});
  const napilab::Rates r = napilab::rates_between(a, b);
  EXPECT_FALSE(r.packets_per_irq);
  EXPECT_FALSE(r.polls_per_s);  // no NAPI counters from this driver
  EXPECT_DOUBLE_EQ(r.irqs_per_s, 0.0);
}

TEST(Sampler, MissingIrqLineIsNotCounted) {
  const auto t0 = steady_clock::now();
  auto a = napilab::make_snapshot(t0, table_with(5, 5, "eth0"), {"11", "12"}, {}, {}, {});
  auto b =
      napilab::make_snapshot(t0 + seconds(1), table_with(9, 5, "eth0"), {"11", "12"}, {}, {}, {});
  EXPECT_DOUBLE_EQ(napilab::rates_between(a, b).irqs_per_s, 4.0);
}

TEST(Sampler, CountsAreTheDeltasOfEverySource) {
  const auto t0 = steady_clock::now();
  const auto softnet0 = softnet({{5, 0, 0}, {0, 1, 0}});
  const auto softnet1 = softnet({{50, 0, 0}, {7, 4, 2}});
  auto a =
      napilab::make_snapshot(t0, table_with(10, 20, "eth0"), {"11"},
                             {{"rx_packets", 100}, {"rx_bytes", 6000}, {"rx_dropped", 0}},
                             napilab::CounterMap{{"napi_polls", 3}, {"old_counter", 9}}, softnet0);
  a.cpu = {100, 0, 50, 800, 0, 2, 8, 0};
  a.udp = {1000, 10, 4};
  auto b =
      napilab::make_snapshot(t0 + std::chrono::milliseconds(500), table_with(15, 30, "eth0"),
                             {"11"}, {{"rx_packets", 160}, {"rx_bytes", 9000}, {"rx_dropped", 2}},
                             napilab::CounterMap{{"napi_polls", 13}, {"new_counter", 1}}, softnet1);
  b.cpu = {130, 0, 60, 850, 0, 2, 18, 0};
  b.udp = {1400, 25, 19};
  const napilab::Counts c = napilab::counts_between(a, b);
  EXPECT_DOUBLE_EQ(c.seconds, 0.5);
  EXPECT_EQ(c.irqs, 15U);
  EXPECT_EQ(c.irqs_by_number.at("11"), 15U);
  EXPECT_EQ(c.netdev.at("rx_packets"), 60U);
  EXPECT_EQ(c.netdev.at("rx_bytes"), 3000U);
  EXPECT_EQ(c.netdev.at("rx_dropped"), 2U);
  ASSERT_TRUE(c.ethtool);
  EXPECT_EQ(c.ethtool->at("napi_polls"), 10U);
  EXPECT_FALSE(c.ethtool->count("old_counter"));  // only in one snapshot: no delta
  EXPECT_FALSE(c.ethtool->count("new_counter"));
  EXPECT_EQ(c.softnet.processed, 52U);
  EXPECT_EQ(c.softnet.dropped, 3U);
  EXPECT_EQ(c.softnet.time_squeeze, 2U);
  EXPECT_EQ(c.cpu.user, 30U);
  EXPECT_EQ(c.cpu.system, 10U);
  EXPECT_EQ(c.cpu.idle, 50U);
  EXPECT_EQ(c.cpu.softirq, 10U);
  EXPECT_EQ(c.cpu.total(), 100U);
  EXPECT_EQ(c.udp.in_datagrams, 400U);
  EXPECT_EQ(c.udp.in_errors, 15U);
  EXPECT_EQ(c.udp.rcvbuf_errors, 15U);
  const napilab::Rates r = napilab::rates_of(c);
  EXPECT_DOUBLE_EQ(r.rx_pps, 120.0);
  EXPECT_DOUBLE_EQ(r.irqs_per_s, 30.0);
  ASSERT_TRUE(r.polls_per_s);
  EXPECT_DOUBLE_EQ(*r.polls_per_s, 20.0);
  EXPECT_FALSE(r.budget_exhausted_pct);  // this driver has no such counter
}

TEST(Sampler, NoEthtoolMeansNoEthtoolCounts) {
  const auto t0 = steady_clock::now();
  auto a = napilab::make_snapshot(t0, table_with(1, 1, "eth0"), {"11"}, {}, std::nullopt, {});
  auto b = napilab::make_snapshot(t0 + seconds(1), table_with(2, 2, "eth0"), {"11"}, {},
                                  std::nullopt, {});
  EXPECT_FALSE(napilab::counts_between(a, b).ethtool);
}

TEST(Sampler, IrqLineThatAppearsCountsFromZero) {
  // The kernel leaves out an IRQ without handler that never fired: a line
  // that appears (the driver requested its IRQ) counts from 0.
  const auto t0 = steady_clock::now();
  auto empty = napilab::parse_interrupts("  CPU0 CPU1\nLOC: 1 1 Local timer interrupts\n");
  ASSERT_TRUE(empty.ok());
  auto a = napilab::make_snapshot(t0, empty.value(), {"11"}, {}, {}, {});
  auto b = napilab::make_snapshot(t0 + seconds(1), table_with(3, 4, "eth0"), {"11"}, {}, {}, {});
  EXPECT_EQ(a.irq_total(), 0U);
  EXPECT_EQ(b.irq_total(), 7U);
  EXPECT_EQ(napilab::counts_between(a, b).irqs, 7U);
  EXPECT_EQ(napilab::counts_between(b, a).irqs_by_number.at("11"), 0U);  // gone: no handler
}

TEST(Sampler, UnknownInterfaceIsAClearError) {
  auto sampler = napilab::Sampler::create("no-such-if0");
  ASSERT_FALSE(sampler.ok());
  EXPECT_NE(sampler.error().message.find("no-such-if0"), std::string::npos);
}

}  // namespace
