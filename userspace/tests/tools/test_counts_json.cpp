#include <gtest/gtest.h>

#include "napilab/counts_json.hpp"

namespace {

napilab::Counts two_seconds() {
  napilab::Counts c;
  c.seconds = 2.0;
  c.irqs = 100;
  c.irqs_by_number = {{"10", 100}};
  c.netdev = {{"rx_packets", 3000}, {"tx_packets", 1000}};
  c.cpu = {10, 0, 30, 150, 0, 0, 10, 0};
  c.softnet = {3000, 4, 2};
  c.udp = {2900, 6, 6};
  return c;
}

TEST(CountsJson, CountsAreIntegersUnderStableKeys) {
  const auto j = napilab::counts_json(two_seconds());
  EXPECT_EQ(j["irqs"], 100);
  EXPECT_EQ(j["irqs_by_number"]["10"], 100);
  EXPECT_EQ(j["netdev"]["rx_packets"], 3000);
  EXPECT_TRUE(j["ethtool"].is_null());  // no ethtool -S: null, not zeros
  EXPECT_EQ(j["cpu"]["softirq"], 10);
  EXPECT_EQ(j["cpu"]["total"], 200);
  EXPECT_EQ(j["softnet"]["time_squeeze"], 2);
  EXPECT_EQ(j["udp"]["RcvbufErrors"], 6);
  EXPECT_TRUE(j["udp"]["InDatagrams"].is_number_unsigned());
}

TEST(CountsJson, RatesArePerSecondWithoutCpu) {
  auto c = two_seconds();
  c.ethtool = napilab::CounterMap{{"napi_polls", 50}};
  const auto j = napilab::rates_json(c);
  EXPECT_DOUBLE_EQ(j["irqs"].get<double>(), 50.0);
  EXPECT_DOUBLE_EQ(j["netdev"]["rx_packets"].get<double>(), 1500.0);
  EXPECT_DOUBLE_EQ(j["ethtool"]["napi_polls"].get<double>(), 25.0);
  EXPECT_DOUBLE_EQ(j["udp"]["InDatagrams"].get<double>(), 1450.0);
  EXPECT_FALSE(j.contains("cpu"));
}

TEST(CountsJson, CpuPercentOfTheWindow) {
  const auto j = napilab::cpu_percent_json(two_seconds().cpu);
  EXPECT_DOUBLE_EQ(j["idle"].get<double>(), 75.0);
  EXPECT_DOUBLE_EQ(j["system"].get<double>(), 15.0);
  EXPECT_DOUBLE_EQ(j["softirq"].get<double>(), 5.0);
  EXPECT_FALSE(j.contains("total"));
  const auto empty = napilab::cpu_percent_json({});
  EXPECT_TRUE(empty["idle"].is_null());  // no CPU time in the window: no share
}

TEST(CountsJson, FlattenNamesNestedKeysWithDots) {
  const auto flat = napilab::flatten_json({{"a", {{"b", 1}, {"c", nullptr}}}, {"d", "x"}});
  ASSERT_EQ(flat.size(), 3U);
  EXPECT_EQ(flat[0].first, "a.b");
  EXPECT_EQ(flat[1].first, "a.c");
  EXPECT_TRUE(flat[1].second.is_null());
  EXPECT_EQ(flat[2].first, "d");
}

}  // namespace
