// run_process: output, exit status, arguments without a shell, a missing
// program, the timeout's SIGTERM then SIGKILL to the child's process group,
// nothing of the group left afterwards, and signals interrupting the wait.
#include <gtest/gtest.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <string>
#include <utility>
#include <vector>

#include "alarm_storm.hpp"
#include "napilab/process.hpp"

namespace {

using std::chrono::milliseconds;

// A run_process that must start: what it returned and how long it took.
struct TimedRun {
  napilab::ProcessOutput output;
  std::chrono::steady_clock::duration took{};
};

TimedRun run_timed(const std::string& program, const std::vector<std::string>& args,
                   milliseconds timeout) {
  const auto start = std::chrono::steady_clock::now();
  auto run = napilab::run_process(program, args, timeout);
  const auto took = std::chrono::steady_clock::now() - start;
  EXPECT_TRUE(run.ok()) << (run.ok() ? "" : run.error().to_string());
  return {run.ok() ? std::move(run).value() : napilab::ProcessOutput{}, took};
}

TEST(RunProcess, CollectsOutputAndExitCode) {
  auto run = napilab::run_process("sh", {"-c", "printf 'one\\ntwo'; exit 3"}, milliseconds(5000));
  ASSERT_TRUE(run.ok()) << run.error().to_string();
  EXPECT_EQ(run.value().stdout_text, "one\ntwo");
  EXPECT_EQ(run.value().exit_status, 3);
  EXPECT_FALSE(run.value().timed_out);
}

TEST(RunProcess, ExitZero) {
  const TimedRun run = run_timed("true", {}, milliseconds(5000));
  EXPECT_EQ(run.output.exit_status, 0);
  EXPECT_EQ(run.output.stdout_text, "");
  EXPECT_FALSE(run.output.timed_out);
}

TEST(RunProcess, KilledBySignalIs128PlusSignal) {
  const TimedRun run = run_timed("sh", {"-c", "echo before; kill -KILL $$"}, milliseconds(5000));
  EXPECT_EQ(run.output.exit_status, 128 + SIGKILL);
  EXPECT_EQ(run.output.stdout_text, "before\n");
  EXPECT_FALSE(run.output.timed_out);
}

TEST(RunProcess, ArgumentsAreNotShellWords) {
  auto run =
      napilab::run_process("printf", {"%s|", "a b", "$HOME", ";", "it's"}, milliseconds(5000));
  ASSERT_TRUE(run.ok()) << run.error().to_string();
  EXPECT_EQ(run.value().stdout_text, "a b|$HOME|;|it's|");
}

TEST(RunProcess, LargeOutputArrivesWhole) {
  auto run = napilab::run_process("head", {"-c", "1000000", "/dev/zero"}, milliseconds(5000));
  ASSERT_TRUE(run.ok()) << run.error().to_string();
  EXPECT_EQ(run.value().stdout_text.size(), 1000000U);
}

TEST(RunProcess, StandardInputIsEmpty) {
  const TimedRun run = run_timed("wc", {"-c"}, milliseconds(5000));
  EXPECT_EQ(run.output.stdout_text, "0\n");
  EXPECT_FALSE(run.output.timed_out);
}

TEST(RunProcess, MissingProgramIsAClearError) {
  auto run = napilab::run_process("napilab-no-such-program", {}, milliseconds(1000));
  ASSERT_FALSE(run.ok());
  EXPECT_EQ(run.error().message,
            "cannot start napilab-no-such-program: No such file or directory (is it installed "
            "and on PATH?)");
}

TEST(RunProcess, TimeoutStopsWithSigterm) {
  const TimedRun run = run_timed("sleep", {"30"}, milliseconds(200));
  EXPECT_TRUE(run.output.timed_out);
  EXPECT_EQ(run.output.exit_status, 128 + SIGTERM);
  EXPECT_LT(run.took, std::chrono::seconds(2));
}

TEST(RunProcess, TimeoutEscalatesToSigkill) {
  // An ignored signal stays ignored across exec: sleep shrugs off SIGTERM.
  const TimedRun run = run_timed("sh", {"-c", "trap '' TERM; exec sleep 30"}, milliseconds(200));
  EXPECT_TRUE(run.output.timed_out);
  EXPECT_EQ(run.output.exit_status, 128 + SIGKILL);
  EXPECT_LT(run.took, std::chrono::seconds(3));
}

// The process group's tests. Processes of the group that outlive the child
// are reparented to init, and kill(-pgid, 0) counts their zombies until init
// reaps them, which a container's PID 1 may never do: this test process is
// made a subreaper, so they come to it and run_process reaps them.
class RunProcessGroup : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { ASSERT_EQ(::prctl(PR_SET_CHILD_SUBREAPER, 1), 0); }
  static void TearDownTestSuite() { (void)::prctl(PR_SET_CHILD_SUBREAPER, 0); }

  // The group's id from the first line of a command that starts with
  // `echo $$` (the child leads its group), or 0.
  static pid_t group_in(const std::string& output) {
    const pid_t pgid = static_cast<pid_t>(std::atoi(output.c_str()));
    EXPECT_GT(pgid, 1) << "no pid in the output: " << output;
    EXPECT_NE(pgid, ::getpgrp());
    return pgid > 1 && pgid != ::getpgrp() ? pgid : 0;
  }

  static bool group_is_gone(pid_t pgid) {
    errno = 0;
    return pgid != 0 && ::kill(-pgid, 0) == -1 && errno == ESRCH;
  }
};

TEST_F(RunProcessGroup, ChildLeadsItsOwnGroup) {
  // Field 5 of /proc/PID/stat is the process group (bash's comm has no blank).
  const TimedRun run =
      run_timed("bash", {"-c", "echo $$ $(cut -d' ' -f5 /proc/$$/stat)"}, milliseconds(5000));
  const pid_t pgid = group_in(run.output.stdout_text);
  EXPECT_EQ(run.output.stdout_text, std::to_string(pgid) + " " + std::to_string(pgid) + "\n");
  EXPECT_TRUE(group_is_gone(pgid));
}

TEST_F(RunProcessGroup, TimeoutStopsEveryProcessOfTheGroup) {
  // bash, a background sleep and a foreground one: SIGTERM reaches all three.
  const TimedRun run =
      run_timed("bash", {"-c", "echo $$; sleep 100 & sleep 100"}, milliseconds(300));
  const pid_t pgid = group_in(run.output.stdout_text);
  EXPECT_EQ(run.output.stdout_text, std::to_string(pgid) + "\n");
  EXPECT_TRUE(run.output.timed_out);
  EXPECT_EQ(run.output.exit_status, 128 + SIGTERM);
  EXPECT_TRUE(group_is_gone(pgid));
  EXPECT_LT(run.took, std::chrono::seconds(2));
}

TEST_F(RunProcessGroup, TimeoutKillsWhatIgnoresSigterm) {
  // The background job ignores SIGTERM and outlives bash: SIGKILL after the
  // child's exit finishes it, with no second wait.
  const TimedRun run = run_timed(
      "bash", {"-c", "echo $$; (trap '' TERM; sleep 100; :) & sleep 100"}, milliseconds(300));
  const pid_t pgid = group_in(run.output.stdout_text);
  EXPECT_TRUE(run.output.timed_out);
  EXPECT_EQ(run.output.exit_status, 128 + SIGTERM);
  EXPECT_TRUE(group_is_gone(pgid));
  EXPECT_LT(run.took, std::chrono::seconds(2));
}

TEST_F(RunProcessGroup, BackgroundJobEndsWithTheCommand) {
  // The job holds the output pipe too: run_process returns when bash exits,
  // with bash's status, and the job is gone with it.
  const TimedRun run =
      run_timed("bash", {"-c", "echo $$; sleep 100 & echo started; exit 4"}, milliseconds(10000));
  const pid_t pgid = group_in(run.output.stdout_text);
  EXPECT_EQ(run.output.stdout_text, std::to_string(pgid) + "\nstarted\n");
  EXPECT_EQ(run.output.exit_status, 4);
  EXPECT_FALSE(run.output.timed_out);
  EXPECT_TRUE(group_is_gone(pgid));
  EXPECT_LT(run.took, std::chrono::seconds(2));
}

TEST_F(RunProcessGroup, OutputOfTheGroupBeforeTheEndIsKept) {
  // A job's output written before the command exits arrives with bash's own.
  const TimedRun run = run_timed("bash", {"-c", "(echo job; sleep 100) & sleep 0.5; echo done"},
                                 milliseconds(10000));
  EXPECT_EQ(run.output.stdout_text, "job\ndone\n");
  EXPECT_EQ(run.output.exit_status, 0);
  EXPECT_LT(run.took, std::chrono::seconds(2));
}

TEST(RunProcess, SignalsInterruptingTheWaitChangeNothing) {
  // SIGALRM every 2 ms: poll, read and waitpid see EINTR.
  napilab::ProcessOutput finished;
  napilab::ProcessOutput stopped;
  {
    const napilab::test_support::AlarmStorm storm(std::chrono::microseconds(2000));
    ASSERT_TRUE(storm.armed());
    auto run = napilab::run_process(
        "sh", {"-c", "printf one; sleep 0.3; printf two; sleep 0.2; exit 3"}, milliseconds(5000));
    auto timed_out = napilab::run_process("sleep", {"30"}, milliseconds(300));
    ASSERT_TRUE(run.ok()) << run.error().to_string();
    ASSERT_TRUE(timed_out.ok()) << timed_out.error().to_string();
    finished = std::move(run).value();
    stopped = std::move(timed_out).value();
  }
  EXPECT_GT(napilab::test_support::AlarmStorm::alarms(), 0);
  EXPECT_EQ(finished.stdout_text, "onetwo");
  EXPECT_EQ(finished.exit_status, 3);
  EXPECT_FALSE(finished.timed_out);
  EXPECT_TRUE(stopped.timed_out);
  EXPECT_EQ(stopped.exit_status, 128 + SIGTERM);
}

}  // namespace
