// guest_env on the host: commands as argv (quotes and blanks are plain
// characters), their status, output and timeout; counter deltas that refuse
// a missing or shrinking counter; the register dump's decoding.
#include <gtest/gtest.h>

#include <chrono>
#include <csignal>
#include <cstdint>
#include <string>

#include "guest_env.hpp"

namespace {

using napilab::CounterMap;
using napilab::load::run;

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

TEST(LoadRun, ExitCodeAndOutput) {
  const auto command = run({"sh", "-c", "echo one; echo two >&2; exit 3", "sh"});
  EXPECT_TRUE(command.started);
  EXPECT_EQ(command.exit_status, 3);
  EXPECT_EQ(command.output, "one\n");  // stdout only: stderr goes to the test's own
  EXPECT_EQ(command.what(), "sh -c echo one; echo two >&2; exit 3 sh: exit 3");
  EXPECT_EQ(run({"true"}).exit_status, 0);
}

TEST(LoadRun, QuotesAndBlanksArePlainCharacters) {
  const auto command = run({"printf", "%s|", "it's", "a \"b\" c", "$(reboot)"});
  EXPECT_EQ(command.exit_status, 0);
  EXPECT_EQ(command.output, "it's|a \"b\" c|$(reboot)|");
}

TEST(LoadRun, KilledBySignalIs128PlusSignal) {
  EXPECT_EQ(run({"sh", "-c", "kill -KILL $$"}).exit_status, 128 + SIGKILL);
}

TEST(LoadRun, TimeoutStopsTheCommand) {
  const auto start = std::chrono::steady_clock::now();
  const auto command = run({"sleep", "30"}, 1);
  EXPECT_TRUE(command.timed_out);
  EXPECT_EQ(command.exit_status, 128 + SIGTERM);
  EXPECT_TRUE(contains(command.what(), "sleep 30: overran its timeout")) << command.what();
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(3));
}

TEST(LoadRun, MissingProgramDidNotStart) {
  const auto command = run({"napilab-no-such-program", "-x"});
  EXPECT_FALSE(command.started);
  EXPECT_EQ(command.what(),
            "napilab-no-such-program -x: cannot start napilab-no-such-program: No such file or "
            "directory (is it installed and on PATH?)");
  EXPECT_FALSE(run({}).started);
}

TEST(LoadCounters, DeltaOfACounterOnBothSides) {
  const CounterMap before{{"rx_packets", 10}};
  const CounterMap after{{"rx_packets", 25}};
  const auto rx = napilab::load::delta(before, after, "rx_packets");
  ASSERT_TRUE(rx.ok()) << rx.error().to_string();
  EXPECT_EQ(rx.value(), 15U);
}

TEST(LoadCounters, AMissingCounterIsAnErrorNotZero) {
  const CounterMap some{{"rx_packets", 10}};
  const CounterMap none;
  const auto lost_after = napilab::load::delta(some, none, "rx_packets");
  ASSERT_FALSE(lost_after.ok());
  EXPECT_TRUE(contains(lost_after.error().message, "'rx_packets' is missing from the second"));
  const auto never = napilab::load::delta(some, some, "napi_polls");
  ASSERT_FALSE(never.ok());
  EXPECT_TRUE(contains(never.error().message, "'napi_polls' is missing from the first"));
}

TEST(LoadCounters, ACounterGoingBackIsAnError) {
  const auto back = napilab::load::delta({{"interrupts", 9}}, {{"interrupts", 4}}, "interrupts");
  ASSERT_FALSE(back.ok());
  EXPECT_EQ(back.error().message, "counter 'interrupts' went backwards: 9 then 4");
}

TEST(LoadCounters, AnInterfaceThatIsNotThereIsAnError) {
  EXPECT_FALSE(napilab::load::read_counters("napilab-none0").ok());
}

TEST(LoadRegisterDump, RegisterByIndexInMachineOrder) {
  std::string dump(24, '\0');
  const std::uint32_t itr = 0x01020304;
  dump.replace(20, sizeof itr, reinterpret_cast<const char*>(&itr), sizeof itr);
  const auto value = napilab::load::dumped_register(dump, 5);
  ASSERT_TRUE(value.ok()) << value.error().to_string();
  EXPECT_EQ(value.value(), itr);
  const auto past_the_end = napilab::load::dumped_register(dump, 6);
  ASSERT_FALSE(past_the_end.ok());
  EXPECT_EQ(past_the_end.error().message, "the register dump has 24 bytes, no register 6");
}

}  // namespace
