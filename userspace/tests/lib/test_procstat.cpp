#include <gtest/gtest.h>

#include "fixture.hpp"
#include "napilab/procstat.hpp"

using napilab::parse_proc_stat_cpu;

namespace {

TEST(ProcStat, HostCaptureAggregateLine) {
  // cpu  28309 10409 9989 27222 519 0 198 49 0 0
  auto cpu = parse_proc_stat_cpu(fixture("stat-host-2cpu.txt"));
  ASSERT_TRUE(cpu.ok()) << cpu.error().to_string();
  EXPECT_EQ(cpu.value().user, 28309U);
  EXPECT_EQ(cpu.value().nice, 10409U);
  EXPECT_EQ(cpu.value().system, 9989U);
  EXPECT_EQ(cpu.value().idle, 27222U);
  EXPECT_EQ(cpu.value().iowait, 519U);
  EXPECT_EQ(cpu.value().irq, 0U);
  EXPECT_EQ(cpu.value().softirq, 198U);
  EXPECT_EQ(cpu.value().steal, 49U);
  EXPECT_EQ(cpu.value().total(), 28309U + 10409 + 9989 + 27222 + 519 + 0 + 198 + 49);
}

TEST(ProcStat, GuestCaptureKernel61) {
  // cpu  178 0 1064 1149 0 0 431 0 0 0 (10 columns on 6.1, no steal under TCG)
  auto cpu = parse_proc_stat_cpu(fixture("stat-2cpu-e1k_napi.txt"));
  ASSERT_TRUE(cpu.ok()) << cpu.error().to_string();
  EXPECT_EQ(cpu.value().system, 1064U);
  EXPECT_EQ(cpu.value().softirq, 431U);
  EXPECT_EQ(cpu.value().total(), 178U + 1064 + 1149 + 431);
}

TEST(ProcStat, OldKernelWithSevenColumnsHasNoSteal) {
  auto cpu = parse_proc_stat_cpu("cpu  1 2 3 4 5 6 7\ncpu0 1 2 3 4 5 6 7\n");
  ASSERT_TRUE(cpu.ok()) << cpu.error().to_string();
  EXPECT_EQ(cpu.value().softirq, 7U);
  EXPECT_EQ(cpu.value().steal, 0U);
  EXPECT_EQ(cpu.value().total(), 28U);
}

TEST(ProcStat, PerCpuLinesAreNotTheAggregate) {
  auto cpu = parse_proc_stat_cpu("cpu0 1 2 3 4 5 6 7 8\nintr 5\n");
  ASSERT_FALSE(cpu.ok());
  EXPECT_NE(cpu.error().message.find("no aggregate 'cpu' line"), std::string::npos);
}

TEST(ProcStat, MalformedInputIsAnErrorNamingTheLine) {
  auto short_line = parse_proc_stat_cpu("intr 1\ncpu  1 2 3 4 5 6\n");
  ASSERT_FALSE(short_line.ok());
  EXPECT_EQ(short_line.error().line, 2U);
  EXPECT_NE(short_line.error().message.find("6 columns"), std::string::npos);

  auto not_a_number = parse_proc_stat_cpu("cpu  1 2 3 x 5 6 7 8\n");
  ASSERT_FALSE(not_a_number.ok());
  EXPECT_NE(not_a_number.error().message.find("'x'"), std::string::npos);

  EXPECT_FALSE(parse_proc_stat_cpu("").ok());
  EXPECT_FALSE(parse_proc_stat_cpu("cpu  1 2 3 -4 5 6 7\n").ok());
  EXPECT_FALSE(parse_proc_stat_cpu("cpu  1 2 3 99999999999999999999 5 6 7\n").ok());
}

TEST(ProcStat, LiveSystemInvariants) {
  auto first = napilab::read_proc_stat_cpu();
  ASSERT_TRUE(first.ok()) << first.error().to_string();
  auto second = napilab::read_proc_stat_cpu();
  ASSERT_TRUE(second.ok()) << second.error().to_string();
  EXPECT_GT(first.value().total(), 0U);
  EXPECT_GE(second.value().total(), first.value().total());  // jiffies never go back
}

}  // namespace
