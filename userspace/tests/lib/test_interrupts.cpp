#include <gtest/gtest.h>

#include <cctype>
#include <cstdint>
#include <string>
#include <vector>

#include "fixture.hpp"
#include "napilab/interrupts.hpp"

using napilab::parse_interrupts;

namespace {

struct FixtureCase {
  const char* file;
  unsigned cpus;
  const char* nic_irq;   // the NIC's IRQ line in the capture
  const char* nic_name;  // its handler name
};

class InterruptsFixture : public ::testing::TestWithParam<FixtureCase> {};

TEST_P(InterruptsFixture, ParsesRealCapture) {
  const FixtureCase& c = GetParam();
  auto table = parse_interrupts(fixture(c.file));
  ASSERT_TRUE(table.ok()) << table.error().to_string();
  EXPECT_EQ(table.value().cpus, c.cpus);
  const napilab::IrqLine* loc = table.value().find("LOC");
  ASSERT_NE(loc, nullptr);
  EXPECT_FALSE(loc->numeric);
  EXPECT_EQ(loc->per_cpu.size(), c.cpus);
  EXPECT_EQ(loc->description, "Local timer interrupts");
  const napilab::IrqLine* err = table.value().find("ERR");
  ASSERT_NE(err, nullptr);
  EXPECT_EQ(err->per_cpu.size(), 1U);
  if (c.nic_irq[0] != '\0') {
    const napilab::IrqLine* nic = table.value().find(c.nic_irq);
    ASSERT_NE(nic, nullptr);
    EXPECT_TRUE(nic->numeric);
    EXPECT_EQ(nic->per_cpu.size(), c.cpus);
    ASSERT_FALSE(nic->devices.empty());
    EXPECT_EQ(nic->devices.back(), c.nic_name);
    EXPECT_GT(nic->total(), 0U);
  }
}

INSTANTIATE_TEST_SUITE_P(
    Captures, InterruptsFixture,
    ::testing::Values(FixtureCase{"interrupts-host-2cpu.txt", 2, "", ""},
                      FixtureCase{"interrupts-1cpu-e1000-inbox.txt", 1, "10", "eth0"},
                      FixtureCase{"interrupts-2cpu-e1k_napi.txt", 2, "10", "eth0"},
                      FixtureCase{"interrupts-4cpu-e1000-inbox.txt", 4, "10", "eth0"},
                      FixtureCase{"interrupts-2cpu-virtio.txt", 2, "31", "virtio3-input.0"},
                      FixtureCase{"interrupts-2cpu-e1000e.txt", 2, "30", "eth0-rx-0"}),
    [](const ::testing::TestParamInfo<FixtureCase>& param_info) {
      std::string name = param_info.param.file;
      for (char& ch : name) {
        if (std::isalnum(static_cast<unsigned char>(ch)) == 0) {
          ch = '_';
        }
      }
      return name;
    });

TEST(Interrupts, SplitsChipHwirqAndSharedDevices) {
  auto table = parse_interrupts(
      "           CPU0       CPU1\n"
      " 11:        120        340   IO-APIC  11-fasteoi   uhci_hcd:usb1, eth0\n"
      " 12:          0          0   IO-APIC  12-edge\n"
      "NMI:          0          0   Non-maskable interrupts\n"
      "ERR:          0\n");
  ASSERT_TRUE(table.ok()) << table.error().to_string();
  const auto* line = table.value().find("11");
  ASSERT_NE(line, nullptr);
  EXPECT_EQ(line->chip, "IO-APIC");
  EXPECT_EQ(line->hwirq, "11-fasteoi");
  ASSERT_EQ(line->devices.size(), 2U);
  EXPECT_EQ(line->devices[0], "uhci_hcd:usb1");
  EXPECT_EQ(line->devices[1], "eth0");
  EXPECT_EQ(line->total(), 460U);
  EXPECT_TRUE(table.value().find("12")->devices.empty());
}

TEST(Interrupts, CountsBeyond32BitsAreKept) {
  auto table = parse_interrupts("  CPU0\n 5: 18446744073709551615 IO-APIC 5-edge x\n");
  ASSERT_TRUE(table.ok()) << table.error().to_string();
  EXPECT_EQ(table.value().find("5")->per_cpu[0], 18446744073709551615ULL);
}

struct Malformed {
  const char* name;
  const char* text;
  const char* message;  // part of the expected error
};

class InterruptsMalformed : public ::testing::TestWithParam<Malformed> {};

TEST_P(InterruptsMalformed, IsAClearError) {
  auto table = parse_interrupts(GetParam().text);
  ASSERT_FALSE(table.ok());
  EXPECT_NE(table.error().to_string().find(GetParam().message), std::string::npos)
      << table.error().to_string();
}

INSTANTIATE_TEST_SUITE_P(
    Inputs, InterruptsMalformed,
    ::testing::Values(
        Malformed{"empty", "", "empty input"},
        Malformed{"header_only", "   CPU0   CPU1\n", "no IRQ lines"},
        Malformed{"bad_header", "   CPU0   GPU1\n 1: 0 0 x y z\n", "not CPUn"},
        Malformed{"no_colon", "  CPU0\n 10   5 IO-APIC 10-edge eth0\n", "line 2: no ':'"},
        Malformed{"truncated", "  CPU0  CPU1\n 10:   5\n", "1 counts for 2 CPUs"},
        Malformed{"non_numeric", "  CPU0\n 10: abc IO-APIC 10-edge eth0\n", "no counts"},
        Malformed{"overflow", "  CPU0\n 10: 99999999999999999999 IO-APIC 1-edge e\n",
                  "does not fit in 64 bits"},
        Malformed{"empty_name", "  CPU0\n : 5 IO-APIC 1-edge e\n", "empty IRQ name"}),
    [](const ::testing::TestParamInfo<Malformed>& param_info) {
      return std::string(param_info.param.name);
    });

// An MSI-X NIC (QEMU's e1000e, in-tree e1000e, after iperf3 both ways): a
// line per queue and one for the other causes, picked by number from sysfs.
TEST(NicIrqLines, MsixNicHasALinePerQueueInNumericOrder) {
  auto table = parse_interrupts(fixture("interrupts-2cpu-e1000e.txt"));
  ASSERT_TRUE(table.ok()) << table.error().to_string();
  auto lines = napilab::nic_irq_lines(table.value(), {"32", "30", "31"});
  ASSERT_TRUE(lines.ok()) << lines.error().to_string();
  ASSERT_EQ(lines.value().size(), 3U);
  EXPECT_EQ(lines.value()[0].number, "30");
  EXPECT_EQ(lines.value()[0].name, "eth0-rx-0");
  EXPECT_EQ(lines.value()[1].name, "eth0-tx-0");
  EXPECT_EQ(lines.value()[2].name, "eth0");
  // The counts as captured: rx-0 on CPU1, tx-0 on CPU0.
  EXPECT_EQ(lines.value()[0].per_cpu, (std::vector<std::uint64_t>{0, 7732}));
  EXPECT_EQ(lines.value()[1].per_cpu, (std::vector<std::uint64_t>{11050, 0}));
  EXPECT_EQ(lines.value()[2].per_cpu, (std::vector<std::uint64_t>{0, 1}));
}

TEST(NicIrqLines, NumericNotTextOrderAndSharedHandlersJoined) {
  auto table = parse_interrupts(
      "  CPU0\n"
      " 99:  1 PCI-MSI 1-edge eth1-rx-0\n"
      "100:  2 PCI-MSI 2-edge eth1-tx-0\n"
      " 11:  3 IO-APIC 11-fasteoi uhci_hcd:usb1, eth0\n");
  ASSERT_TRUE(table.ok()) << table.error().to_string();
  auto lines = napilab::nic_irq_lines(table.value(), {"100", "99"});
  ASSERT_TRUE(lines.ok()) << lines.error().to_string();
  ASSERT_EQ(lines.value().size(), 2U);
  EXPECT_EQ(lines.value()[0].number, "99");
  EXPECT_EQ(lines.value()[1].number, "100");
  auto shared = napilab::nic_irq_lines(table.value(), {"11"});
  ASSERT_TRUE(shared.ok());
  EXPECT_EQ(shared.value()[0].name, "uhci_hcd:usb1,eth0");
}

TEST(NicIrqLines, ALineTheKernelDoesNotPrintIsLeftOut) {
  auto table = parse_interrupts(fixture("interrupts-2cpu-e1000e.txt"));
  ASSERT_TRUE(table.ok());
  auto lines = napilab::nic_irq_lines(table.value(), {"30", "77"});
  ASSERT_TRUE(lines.ok()) << lines.error().to_string();
  ASSERT_EQ(lines.value().size(), 1U);
  EXPECT_EQ(lines.value()[0].number, "30");
}

TEST(NicIrqLines, NotAnIrqNumberIsAnError) {
  auto table = parse_interrupts(fixture("interrupts-2cpu-e1000e.txt"));
  ASSERT_TRUE(table.ok());
  for (const char* bad : {"eth0", "NMI", "", "-30", "30 ", "99999999999999999999"}) {
    auto lines = napilab::nic_irq_lines(table.value(), {"30", bad});
    ASSERT_FALSE(lines.ok()) << "'" << bad << "' was taken";
    EXPECT_NE(lines.error().to_string().find("is not an IRQ number"), std::string::npos)
        << lines.error().to_string();
  }
}

// A truncated MSI-X line (one CPU's count missing) in an otherwise real
// capture fails the whole parse, naming the line.
TEST(NicIrqLines, TruncatedMsixLineFailsTheParse) {
  std::string text = fixture("interrupts-2cpu-e1000e.txt");
  const std::string line = " 31:      11050          0   PCI-MSI 81921-edge      eth0-tx-0";
  const auto at = text.find(line);
  ASSERT_NE(at, std::string::npos);
  text.replace(at, line.size(), " 31:      11050   PCI-MSI 81921-edge      eth0-tx-0");
  auto table = parse_interrupts(text);
  ASSERT_FALSE(table.ok());
  EXPECT_NE(table.error().to_string().find("IRQ 31 has 1 counts for 2 CPUs"), std::string::npos)
      << table.error().to_string();
}

TEST(Interrupts, LiveFileParses) {
  auto table = napilab::read_interrupts();
  ASSERT_TRUE(table.ok()) << table.error().to_string();
  EXPECT_GE(table.value().cpus, 1U);
  EXPECT_NE(table.value().find("LOC"), nullptr);
}

TEST(Interrupts, MissingFileNamesThePath) {
  auto table = napilab::read_interrupts("/nonexistent/interrupts");
  ASSERT_FALSE(table.ok());
  EXPECT_NE(table.error().message.find("/nonexistent/interrupts"), std::string::npos);
}

}  // namespace
