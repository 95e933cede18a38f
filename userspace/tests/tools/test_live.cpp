// Intervals, the one sampling loop of the live views, over a fake source,
// and the loops that step it.
#include <gtest/gtest.h>

#include <chrono>
#include <vector>

#include "napilab/live.hpp"

namespace fake {

struct Snap {
  std::chrono::steady_clock::time_point when{};
  int count = 0;
};

struct Rates {
  double seconds = 0;
  int count = 0;
};

// Found by Intervals through argument-dependent lookup, as for the real sources.
Rates rates_between(const Snap& before, const Snap& after) {
  return {std::chrono::duration<double>(after.when - before.when).count(),
          after.count - before.count};
}

// Hands out the readings it was given, an error past the last one.
class Source {
 public:
  explicit Source(std::vector<int> counts) : counts_(std::move(counts)) {}
  [[nodiscard]] napilab::Result<Snap> take() const {
    if (next_ >= counts_.size()) {
      return napilab::Error{"source gone"};
    }
    const auto t = std::chrono::steady_clock::time_point(std::chrono::seconds(next_));
    return Snap{t, counts_[next_++]};
  }

 private:
  std::vector<int> counts_;
  mutable std::size_t next_ = 0;
};

}  // namespace fake

namespace {

TEST(Intervals, EachIntervalIsTheDeltaToThePreviousSnapshot) {
  auto intervals = napilab::Intervals<fake::Source>::start(fake::Source({10, 15, 40}));
  ASSERT_TRUE(intervals.ok());
  auto first = intervals.value().next();
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(first.value().count, 5);
  EXPECT_DOUBLE_EQ(first.value().seconds, 1.0);
  auto second = intervals.value().next();
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(second.value().count, 25);
  EXPECT_DOUBLE_EQ(intervals.value().elapsed(), 2.0);
  auto gone = intervals.value().next();
  ASSERT_FALSE(gone.ok());
  EXPECT_EQ(gone.error().message, "source gone");
}

TEST(Intervals, TheTotalRunsFromTheStartToTheLastInterval) {
  auto intervals = napilab::Intervals<fake::Source>::start(fake::Source({10, 15, 40}));
  ASSERT_TRUE(intervals.ok());
  EXPECT_EQ(intervals.value().total().count, 0);
  ASSERT_TRUE(intervals.value().next().ok());
  ASSERT_TRUE(intervals.value().next().ok());
  EXPECT_EQ(intervals.value().total().count, 30);
  EXPECT_DOUBLE_EQ(intervals.value().total().seconds, 2.0);
}

// The steps of run_intervals_for are set by its deadlines, not by how long
// the sleeps took: the same count on a loaded machine.
TEST(RunIntervalsFor, StepsEveryIntervalAndTheCutLastOne) {
  napilab::g_stop_requested = 0;
  int steps = 0;
  EXPECT_EQ(napilab::run_intervals_for(0.1, 0.25, [&] { return ++steps > 0; }), 0);
  EXPECT_EQ(steps, 3);  // at 0.1, 0.2 and 0.25 s
}

TEST(RunIntervalsFor, AStopRequestEndsItAfterOneStep) {
  napilab::g_stop_requested = 1;
  int steps = 0;
  EXPECT_EQ(napilab::run_intervals_for(3600, 0, [&] { return ++steps > 0; }), 0);
  EXPECT_EQ(steps, 1);
  napilab::g_stop_requested = 0;
}

TEST(RunIntervalsFor, AFailedStepEndsItWithExit1) {
  napilab::g_stop_requested = 0;
  int steps = 0;
  EXPECT_EQ(napilab::run_intervals_for(0.1, 10, [&] { return ++steps < 2; }), 1);
  EXPECT_EQ(steps, 2);
}

TEST(Intervals, ASourceThatCannotStartIsAnError) {
  auto intervals = napilab::Intervals<fake::Source>::start(fake::Source({}));
  ASSERT_FALSE(intervals.ok());
  EXPECT_EQ(intervals.error().message, "source gone");
}

std::optional<int> parse(CLI::App& app, std::vector<std::string> words) {
  std::vector<char*> argv;
  argv.reserve(words.size());
  for (auto& word : words) {
    argv.push_back(word.data());
  }
  return napilab::parse_command_line(app, static_cast<int>(argv.size()), argv.data());
}

TEST(Cli, BadArgumentsExit2AndGoodOnesGoOn) {
  CLI::App app{"test"};
  int n = 0;
  app.add_option("-n", n)->check(CLI::Range(1, 5));
  ::testing::internal::CaptureStderr();
  EXPECT_EQ(parse(app, {"tool", "-n", "9"}), napilab::kExitBadUsage);
  EXPECT_NE(::testing::internal::GetCapturedStderr().find("-n"), std::string::npos);
  EXPECT_EQ(parse(app, {"tool", "-n", "3"}), std::nullopt);
  EXPECT_EQ(n, 3);
}

}  // namespace
