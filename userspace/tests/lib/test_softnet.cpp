#include <gtest/gtest.h>

#include "fixture.hpp"
#include "napilab/softnet.hpp"

using napilab::parse_softnet_stat;

namespace {

TEST(Softnet, HostCaptureHasOneLinePerCpu) {
  auto cpus = parse_softnet_stat(fixture("softnet-host-2cpu.txt"));
  ASSERT_TRUE(cpus.ok()) << cpus.error().to_string();
  ASSERT_EQ(cpus.value().size(), 2U);
  EXPECT_EQ(cpus.value()[0].processed, 0x00309911U);
  EXPECT_EQ(cpus.value()[1].cpu.value_or(99), 1U);
  EXPECT_EQ(cpus.value()[0].columns, 15U);
}

TEST(Softnet, GuestCaptureUnderLoad) {
  auto cpus = parse_softnet_stat(fixture("softnet-2cpu-e1k_napi.txt"));
  ASSERT_TRUE(cpus.ok()) << cpus.error().to_string();
  ASSERT_EQ(cpus.value().size(), 2U);
  EXPECT_EQ(cpus.value()[0].columns, 13U);  // kernel 6.1
  EXPECT_GT(napilab::softnet_totals(cpus.value()).processed, 0U);
}

TEST(Softnet, OldKernelWithThreeColumns) {
  auto cpus = parse_softnet_stat("0000ffff 00000001 0000000a\n");
  ASSERT_TRUE(cpus.ok()) << cpus.error().to_string();
  EXPECT_EQ(cpus.value()[0].processed, 0xffffU);
  EXPECT_EQ(cpus.value()[0].time_squeeze, 10U);
  EXPECT_EQ(cpus.value()[0].cpu.value_or(99), 0U);
  EXPECT_EQ(cpus.value()[0].received_rps, 0U);
}

TEST(Softnet, Totals) {
  auto cpus = parse_softnet_stat("00000010 00000001 00000002\n00000020 00000003 00000004\n");
  ASSERT_TRUE(cpus.ok());
  const auto t = napilab::softnet_totals(cpus.value());
  EXPECT_EQ(t.processed, 0x30U);
  EXPECT_EQ(t.dropped, 4U);
  EXPECT_EQ(t.time_squeeze, 6U);
}

TEST(Softnet, MalformedInputIsAClearError) {
  EXPECT_FALSE(parse_softnet_stat("").ok());
  EXPECT_FALSE(parse_softnet_stat("\n\n").ok());
  auto short_line = parse_softnet_stat("00000001 00000002\n");
  ASSERT_FALSE(short_line.ok());
  EXPECT_NE(short_line.error().to_string().find("at least 3"), std::string::npos);
  auto not_hex = parse_softnet_stat("00000001 0000zz02 00000003\n");
  ASSERT_FALSE(not_hex.ok());
  EXPECT_EQ(not_hex.error().line, 1U);
  EXPECT_FALSE(parse_softnet_stat("1 2 11112222333344445\n").ok());  // > 64 bits
  EXPECT_FALSE(parse_softnet_stat("-1 2 3\n").ok());
}

}  // namespace
