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

TEST(Sampler, RatesFromTwoSnapshots) {
  const auto t0 = steady_clock::now();
  std::vector<napilab::SoftnetCpu> softnet0(1);
  softnet0[0].processed = 10;
  softnet0[0].time_squeeze = 1;
  std::vector<napilab::SoftnetCpu> softnet1(1);
  softnet1[0].processed = 90;
  softnet1[0].time_squeeze = 5;
  auto a = napilab::make_snapshot(
      t0, table_with(100, 0xfffffffe, "eth0"), {"11"}, {{"rx_packets", 1000}, {"tx_packets", 0}},
      {{"napi_polls", 10}, {"napi_budget_exhausted", 0}, {"napi_complete", 10}}, softnet0);
  // The line was renamed and CPU1's 32-bit count wrapped: still 300 IRQs.
  auto b = napilab::make_snapshot(
      t0 + seconds(2), table_with(200, 198, "e1k-renamed"), {"11"},
      {{"rx_packets", 7000}, {"tx_packets", 600}},
      {{"napi_polls", 110}, {"napi_budget_exhausted", 80}, {"napi_complete", 30}}, softnet1);
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

TEST(Sampler, UnknownInterfaceIsAClearError) {
  auto sampler = napilab::Sampler::create("no-such-if0");
  ASSERT_FALSE(sampler.ok());
  EXPECT_NE(sampler.error().message.find("no-such-if0"), std::string::npos);
}

}  // namespace
