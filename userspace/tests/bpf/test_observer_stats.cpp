// The observer's pure maths: per-CPU sums, interval rates, histogram buckets
// and their labels, where the polls ran, the JSON of an interval.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <string_view>
#include <vector>

#include "napilab/bpf/observer_stats.hpp"

namespace {

using napilab::bpf::ObserverSnapshot;
using std::chrono::milliseconds;

ObserverSnapshot at(milliseconds t, const napi_obs_counters& counters) {
  ObserverSnapshot s;
  s.when = std::chrono::steady_clock::time_point(t);
  s.counters = counters;
  return s;
}

napi_obs_counters polls(std::uint64_t count, std::uint64_t work, std::uint64_t exhausted,
                        std::uint64_t interrupts) {
  napi_obs_counters c{};
  c.polls = count;
  c.work = work;
  c.budget_exhausted = exhausted;
  c.interrupts = interrupts;
  c.budget = 64;
  return c;
}

// COUNT polls, all in context WHERE; a busy poll also records its task.
napi_obs_counters polls_in(napi_obs_context where, std::uint64_t count) {
  napi_obs_counters c = polls(count, count, 0, 0);
  c.context_polls[where] = count;
  return c;
}

void set_busy_poller(napi_obs_counters& c, std::uint64_t ns, std::uint32_t tgid,
                     std::string_view comm) {
  c.busy_poll_ns = ns;
  c.busy_poll_tgid = tgid;
  std::memset(c.busy_poll_comm, 0, sizeof c.busy_poll_comm);
  std::memcpy(c.busy_poll_comm, comm.data(), std::min(comm.size(), sizeof c.busy_poll_comm));
}

TEST(WorkBucket, PowersOfTwo) {
  using napilab::bpf::work_bucket;
  EXPECT_EQ(work_bucket(0), 0U);
  EXPECT_EQ(work_bucket(1), 1U);
  EXPECT_EQ(work_bucket(2), 2U);
  EXPECT_EQ(work_bucket(3), 2U);
  EXPECT_EQ(work_bucket(4), 3U);
  EXPECT_EQ(work_bucket(63), 6U);
  EXPECT_EQ(work_bucket(64), 7U);
  EXPECT_EQ(work_bucket(1023), 10U);
  EXPECT_EQ(work_bucket(1024), 11U);
  EXPECT_EQ(work_bucket(~std::uint64_t{0}), NAPI_OBS_WORK_BUCKETS - 1U);
}

TEST(WorkBucket, LabelsMatchTheBuckets) {
  using napilab::bpf::bucket_label;
  EXPECT_EQ(bucket_label(0), "0");
  EXPECT_EQ(bucket_label(1), "1");
  EXPECT_EQ(bucket_label(2), "2-3");
  EXPECT_EQ(bucket_label(7), "64-127");
  EXPECT_EQ(bucket_label(NAPI_OBS_WORK_BUCKETS - 1), "1024+");
}

TEST(SumPerCpu, AddsCountsAndKeepsTheLargestMaxima) {
  std::vector<napi_obs_counters> cpus(3);
  cpus[0] = polls(10, 100, 1, 4);
  cpus[0].work_hist[7] = 1;
  cpus[0].work_max = 64;
  cpus[1] = polls(5, 20, 0, 5);
  cpus[1].work_hist[3] = 5;
  cpus[1].work_max = 7;
  cpus[1].over_budget = 2;
  cpus[2] = napi_obs_counters{};  // a CPU that saw nothing
  const napi_obs_counters sum = napilab::bpf::sum_per_cpu(cpus);
  EXPECT_EQ(sum.polls, 15U);
  EXPECT_EQ(sum.work, 120U);
  EXPECT_EQ(sum.budget_exhausted, 1U);
  EXPECT_EQ(sum.over_budget, 2U);
  EXPECT_EQ(sum.interrupts, 9U);
  EXPECT_EQ(sum.work_hist[7], 1U);
  EXPECT_EQ(sum.work_hist[3], 5U);
  EXPECT_EQ(sum.work_max, 64U);
  EXPECT_EQ(sum.budget, 64U);
}

TEST(SumPerCpu, NoCpusIsZero) {
  const napi_obs_counters sum = napilab::bpf::sum_per_cpu({});
  EXPECT_EQ(sum.polls, 0U);
  EXPECT_EQ(sum.work_max, 0U);
}

TEST(RatesBetween, PollingUnderLoad) {
  // 2 s: 2000 polls, 1900 of them used the whole budget, 20 interrupts.
  auto before = polls(1000, 50000, 900, 100);
  auto after = polls(3000, 50000 + 1900 * 64 + 100 * 10, 2800, 120);
  after.work_hist[7] = 1900;
  after.work_hist[4] = 100;
  after.work_max = 64;
  const auto r =
      napilab::bpf::rates_between(at(milliseconds(1000), before), at(milliseconds(3000), after));
  EXPECT_DOUBLE_EQ(r.seconds, 2.0);
  EXPECT_EQ(r.polls, 2000U);
  EXPECT_DOUBLE_EQ(r.polls_per_s, 1000.0);
  EXPECT_DOUBLE_EQ(r.interrupts_per_s, 10.0);
  ASSERT_TRUE(r.budget_exhausted_pct);
  EXPECT_DOUBLE_EQ(*r.budget_exhausted_pct, 95.0);
  ASSERT_TRUE(r.interrupts_per_poll);
  EXPECT_DOUBLE_EQ(*r.interrupts_per_poll, 0.01);
  ASSERT_TRUE(r.work_per_poll);
  EXPECT_DOUBLE_EQ(*r.work_per_poll, (1900.0 * 64 + 100 * 10) / 2000);
  EXPECT_EQ(r.work_hist[7], 1900U);
  EXPECT_EQ(r.work_max, 64U);
  EXPECT_EQ(r.budget, 64U);
}

TEST(RatesBetween, InterruptModeHasOneInterruptPerPoll) {
  const auto r = napilab::bpf::rates_between(at(milliseconds(0), polls(0, 0, 0, 0)),
                                             at(milliseconds(1000), polls(10, 10, 0, 10)));
  ASSERT_TRUE(r.interrupts_per_poll);
  EXPECT_DOUBLE_EQ(*r.interrupts_per_poll, 1.0);
  EXPECT_DOUBLE_EQ(*r.budget_exhausted_pct, 0.0);
}

TEST(RatesBetween, NoPollsNoRatios) {
  const auto same = polls(7, 70, 1, 7);
  const auto r =
      napilab::bpf::rates_between(at(milliseconds(0), same), at(milliseconds(500), same));
  EXPECT_EQ(r.polls, 0U);
  EXPECT_DOUBLE_EQ(r.polls_per_s, 0.0);
  EXPECT_FALSE(r.work_per_poll);
  EXPECT_FALSE(r.budget_exhausted_pct);
  EXPECT_FALSE(r.interrupts_per_poll);
}

TEST(RatesBetween, ZeroIntervalGivesNoRates) {
  const auto r = napilab::bpf::rates_between(at(milliseconds(5), polls(0, 0, 0, 0)),
                                             at(milliseconds(5), polls(4, 4, 0, 4)));
  EXPECT_EQ(r.polls, 4U);
  EXPECT_DOUBLE_EQ(r.polls_per_s, 0.0);
}

TEST(RatesBetween, ACounterThatWentBackwardsCountsFromZero) {
  // The map entry was re-created between the snapshots.
  const auto r = napilab::bpf::rates_between(at(milliseconds(0), polls(500, 5000, 10, 400)),
                                             at(milliseconds(1000), polls(3, 30, 0, 3)));
  EXPECT_EQ(r.polls, 3U);
  EXPECT_EQ(r.interrupts, 3U);
}

TEST(SumPerCpu, AddsContextsAndKeepsTheLatestBusyPoller) {
  std::vector<napi_obs_counters> cpus(3);
  cpus[0] = polls_in(NAPI_OBS_SOFTIRQ, 90);
  cpus[0].context_polls[NAPI_OBS_BUSY_POLL] = 4;
  set_busy_poller(cpus[0], 2000, 41, "sockperf");
  cpus[1] = polls_in(NAPI_OBS_THREAD, 7);
  cpus[1].context_polls[NAPI_OBS_BUSY_POLL] = 1;
  set_busy_poller(cpus[1], 3000, 42, "napi-pingpong");  // the latest
  cpus[2] = polls_in(NAPI_OBS_KSOFTIRQD, 3);
  set_busy_poller(cpus[2], 1000, 43, "old");
  const napi_obs_counters sum = napilab::bpf::sum_per_cpu(cpus);
  EXPECT_EQ(sum.context_polls[NAPI_OBS_SOFTIRQ], 90U);
  EXPECT_EQ(sum.context_polls[NAPI_OBS_KSOFTIRQD], 3U);
  EXPECT_EQ(sum.context_polls[NAPI_OBS_THREAD], 7U);
  EXPECT_EQ(sum.context_polls[NAPI_OBS_BUSY_POLL], 5U);
  EXPECT_EQ(sum.busy_poll_ns, 3000U);
  EXPECT_EQ(sum.busy_poll_tgid, 42U);
  EXPECT_STREQ(sum.busy_poll_comm, "napi-pingpong");
}

TEST(SumPerCpu, NoBusyPollNoPoller) {
  std::vector<napi_obs_counters> cpus{polls_in(NAPI_OBS_SOFTIRQ, 5), polls_in(NAPI_OBS_THREAD, 5)};
  const napi_obs_counters sum = napilab::bpf::sum_per_cpu(cpus);
  EXPECT_EQ(sum.busy_poll_ns, 0U);
  EXPECT_EQ(sum.busy_poll_tgid, 0U);
  EXPECT_EQ(sum.busy_poll_comm[0], '\0');
}

TEST(RatesBetween, CountsEachContextInTheInterval) {
  auto before = polls(100, 100, 0, 0);
  before.context_polls[NAPI_OBS_SOFTIRQ] = 100;
  auto after = polls(400, 400, 0, 0);
  after.context_polls[NAPI_OBS_SOFTIRQ] = 130;
  after.context_polls[NAPI_OBS_KSOFTIRQD] = 20;
  after.context_polls[NAPI_OBS_THREAD] = 250;
  const auto r =
      napilab::bpf::rates_between(at(milliseconds(0), before), at(milliseconds(1000), after));
  EXPECT_EQ(r.context_polls[NAPI_OBS_SOFTIRQ], 30U);
  EXPECT_EQ(r.context_polls[NAPI_OBS_KSOFTIRQD], 20U);
  EXPECT_EQ(r.context_polls[NAPI_OBS_THREAD], 250U);
  EXPECT_EQ(r.context_polls[NAPI_OBS_BUSY_POLL], 0U);
  EXPECT_FALSE(r.busy_poller);
  EXPECT_EQ(napilab::bpf::format_context_shares(r), "10/7/83/0");
}

TEST(RatesBetween, BusyPollerOnlyWhenTheIntervalHadBusyPolls) {
  auto first = polls_in(NAPI_OBS_BUSY_POLL, 10);
  set_busy_poller(first, 5000, 1234, "napi-pingpong");
  auto second = first;
  second.polls += 10;
  second.context_polls[NAPI_OBS_SOFTIRQ] += 10;  // softirq only: same poller
  const auto busy = napilab::bpf::rates_between(at(milliseconds(0), polls(0, 0, 0, 0)),
                                                at(milliseconds(1000), first));
  ASSERT_TRUE(busy.busy_poller);
  EXPECT_EQ(busy.busy_poller->tgid, 1234U);
  EXPECT_EQ(busy.busy_poller->comm, "napi-pingpong");
  EXPECT_EQ(napilab::bpf::format_context_shares(busy), "0/0/0/100");
  const auto idle =
      napilab::bpf::rates_between(at(milliseconds(1000), first), at(milliseconds(2000), second));
  EXPECT_EQ(idle.context_polls[NAPI_OBS_BUSY_POLL], 0U);
  EXPECT_FALSE(idle.busy_poller);
}

TEST(RatesBetween, AContextCounterThatWentBackwardsCountsFromZero) {
  // The map entry was re-created: every counter restarts, contexts too.
  auto before = polls_in(NAPI_OBS_SOFTIRQ, 500);
  before.context_polls[NAPI_OBS_BUSY_POLL] = 40;
  set_busy_poller(before, 9000, 7, "before");
  auto after = polls_in(NAPI_OBS_THREAD, 6);
  after.context_polls[NAPI_OBS_BUSY_POLL] = 2;
  after.polls = 8;
  set_busy_poller(after, 100, 8, "after");
  const auto r =
      napilab::bpf::rates_between(at(milliseconds(0), before), at(milliseconds(1000), after));
  EXPECT_EQ(r.context_polls[NAPI_OBS_SOFTIRQ], 0U);
  EXPECT_EQ(r.context_polls[NAPI_OBS_THREAD], 6U);
  EXPECT_EQ(r.context_polls[NAPI_OBS_BUSY_POLL], 2U);
  ASSERT_TRUE(r.busy_poller);
  EXPECT_EQ(r.busy_poller->tgid, 8U);
  EXPECT_EQ(r.busy_poller->comm, "after");
}

// A kernel whose BTF shows no softirq count: the thread's polls are still
// placed, the others are unknown, and the shares do not pretend otherwise.
TEST(RatesBetween, UnknownContextIsCountedApart) {
  std::vector<napi_obs_counters> cpus{polls_in(NAPI_OBS_UNKNOWN, 30), polls_in(NAPI_OBS_THREAD, 60),
                                      polls_in(NAPI_OBS_UNKNOWN, 10)};
  const auto r =
      napilab::bpf::rates_between(at(milliseconds(0), polls(0, 0, 0, 0)),
                                  at(milliseconds(1000), napilab::bpf::sum_per_cpu(cpus)));
  EXPECT_EQ(r.polls, 100U);
  EXPECT_EQ(r.context_polls[NAPI_OBS_UNKNOWN], 40U);
  EXPECT_EQ(r.context_polls[NAPI_OBS_THREAD], 60U);
  EXPECT_EQ(napilab::bpf::format_context_shares(r), "0/0/60/0");
  const auto j = napilab::bpf::to_json(r);
  EXPECT_EQ(j.at("context").at("unknown"), 40);
  EXPECT_EQ(j.at("context").at("softirq"), 0);
  EXPECT_TRUE(j.at("context").at("busy_poll_tgid").is_null());
}

TEST(RatesBetween, NoPollsNoContextShares) {
  const auto same = polls_in(NAPI_OBS_SOFTIRQ, 7);
  const auto r =
      napilab::bpf::rates_between(at(milliseconds(0), same), at(milliseconds(500), same));
  for (const std::uint64_t count : r.context_polls) {
    EXPECT_EQ(count, 0U);
  }
  EXPECT_EQ(napilab::bpf::format_context_shares(r), "-");
}

TEST(CommText, StopsAtTheNulAndEscapesOtherBytes) {
  using napilab::bpf::comm_text;
  const char plain[NAPI_OBS_COMM_LEN] = "iperf3";
  EXPECT_EQ(comm_text(plain), "iperf3");
  // A comm of all 16 bytes, no NUL (the kernel terminates it, but the
  // reader does not rely on that).
  const char full[NAPI_OBS_COMM_LEN] = {'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h',
                                        'i', 'j', 'k', 'l', 'm', 'n', 'o', 'p'};
  EXPECT_EQ(comm_text(full), "abcdefghijklmnop");
  // prctl(PR_SET_NAME) takes any bytes: not valid UTF-8, not for JSON as is.
  const char odd[NAPI_OBS_COMM_LEN] = {'x', '\xff', '\n', 'y'};
  EXPECT_EQ(comm_text(odd), "x\\xff\\x0ay");
  EXPECT_EQ(comm_text({}), "");
}

TEST(FormatHistogram, OnlyNonEmptyBuckets) {
  napilab::bpf::WorkHistogram hist{};
  EXPECT_EQ(napilab::bpf::format_histogram(hist), "-");
  hist[0] = 3;
  hist[2] = 5;
  hist[7] = 1071;
  EXPECT_EQ(napilab::bpf::format_histogram(hist), "0:3 2-3:5 64-127:1071");
}

TEST(ToJson, NamesEveryFieldAndNullsMissingRatios) {
  napilab::bpf::ObserverRates r;
  r.polls = 2;
  r.work_hist[1] = 2;
  r.work_per_poll = 1.0;
  const auto j = napilab::bpf::to_json(r);
  EXPECT_EQ(j.at("polls"), 2);
  ASSERT_EQ(j.at("work_hist").size(), static_cast<std::size_t>(NAPI_OBS_WORK_BUCKETS));
  EXPECT_EQ(j.at("work_hist").at(1).at("work"), "1");
  EXPECT_EQ(j.at("work_hist").at(1).at("polls"), 2);
  EXPECT_EQ(j.at("work_hist").at(2).at("work"), "2-3");
  EXPECT_EQ(j.at("work_per_poll"), 1.0);
  EXPECT_TRUE(j.at("budget_exhausted_pct").is_null());
  EXPECT_TRUE(j.at("interrupts_per_poll").is_null());
}

TEST(ToJson, ContextCountsAndNoBusyPoller) {
  napilab::bpf::ObserverRates r;
  r.polls = 10;
  r.context_polls[NAPI_OBS_SOFTIRQ] = 6;
  r.context_polls[NAPI_OBS_KSOFTIRQD] = 3;
  r.context_polls[NAPI_OBS_THREAD] = 1;
  const auto j = napilab::bpf::to_json(r);
  const auto& context = j.at("context");
  EXPECT_EQ(context.size(), 7U);
  EXPECT_EQ(context.at("softirq"), 6);
  EXPECT_EQ(context.at("ksoftirqd"), 3);
  EXPECT_EQ(context.at("thread"), 1);
  EXPECT_EQ(context.at("busy_poll"), 0);
  EXPECT_EQ(context.at("unknown"), 0);
  EXPECT_TRUE(context.at("busy_poll_tgid").is_null());
  EXPECT_TRUE(context.at("busy_poll_comm").is_null());
  EXPECT_EQ(j.at("polls"), 10);  // the existing keys stay
}

TEST(ToJson, BusyPollerWithAnOddCommStillDumps) {
  napilab::bpf::ObserverRates r;
  r.polls = 1;
  r.context_polls[NAPI_OBS_BUSY_POLL] = 1;
  const char comm[NAPI_OBS_COMM_LEN] = {'b', '\xc3', 'p'};
  r.busy_poller = napilab::bpf::BusyPoller{77, napilab::bpf::comm_text(comm)};
  const auto j = napilab::bpf::to_json(r);
  EXPECT_EQ(j.at("context").at("busy_poll"), 1);
  EXPECT_EQ(j.at("context").at("busy_poll_tgid"), 77);
  EXPECT_EQ(j.at("context").at("busy_poll_comm"), "b\\xc3p");
  EXPECT_NO_THROW((void)j.dump());
}

}  // namespace
