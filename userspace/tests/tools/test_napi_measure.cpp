// napi-measure's command line, run as the built binary: refusals exit 2 and
// run nothing, a missing counter source exits 1, and on a live NIC the
// command's status maps to the documented exit codes.
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "napilab/file.hpp"
#include "napilab/process.hpp"

namespace {

using std::chrono::seconds;

napilab::ProcessOutput napi_measure(const std::vector<std::string>& args) {
  auto out = napilab::run_process(NAPI_MEASURE, args, seconds(30));
  EXPECT_TRUE(out.ok()) << (out.ok() ? "" : out.error().to_string());
  return out.ok() ? out.value() : napilab::ProcessOutput{"", -1, false};
}

// A NIC with a device in sysfs (the ones napi-measure counts), if any.
std::string some_nic() {
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator("/sys/class/net", ec)) {
    if (std::filesystem::exists(entry.path() / "device" / "irq") ||
        std::filesystem::exists(entry.path() / "device" / ".." / "irq")) {
      return entry.path().filename().string();
    }
  }
  return "";
}

TEST(NapiMeasureCli, BadUsageExits2AndRunsNothing) {
  const std::string marker = std::string(NAPILAB_TEST_TMP) + "/napi-measure-ran";
  std::filesystem::remove(marker);
  const std::vector<std::vector<std::string>> refused = {
      {},                                                   // no -i
      {"-i", "eth0"},                                       // neither a command nor --snapshot
      {"-i", "eth0", "--snapshot", "--", "touch", marker},  // both
      {"-i", "eth0", "--timeout", "0", "--", "touch", marker},
      {"-i", "eth0", "--timeout", "soon", "--", "touch", marker},
      {"-i", "eth0", "--no-such-flag", "--", "touch", marker},
      {"--snapshot", "--output", "x"}};
  for (const auto& args : refused) {
    const auto out = napi_measure(args);
    EXPECT_EQ(out.exit_status, 2) << ::testing::PrintToString(args);
    EXPECT_EQ(out.stdout_text, "") << ::testing::PrintToString(args);
  }
  EXPECT_FALSE(std::filesystem::exists(marker));
}

TEST(NapiMeasureCli, HelpNamesTheExitCodes) {
  const auto out = napi_measure({"--help"});
  EXPECT_EQ(out.exit_status, 0);
  EXPECT_NE(out.stdout_text.find("124 COMMAND overran --timeout"), std::string::npos);
  EXPECT_NE(out.stdout_text.find("2 bad usage"), std::string::npos);
}

TEST(NapiMeasureCli, InterfaceWithoutDeviceIsAnErrorNotZeros) {
  for (const char* iface : {"lo", "no-such-if0"}) {
    const auto out = napi_measure({"-i", iface, "--snapshot", "--json"});
    EXPECT_EQ(out.exit_status, 1) << iface;
    EXPECT_EQ(out.stdout_text, "") << iface;
  }
}

TEST(NapiMeasureCli, SnapshotOfALiveNic) {
  const std::string nic = some_nic();
  if (nic.empty()) {
    GTEST_SKIP() << "no interface with a PCI/virtio device here";
  }
  const auto out = napi_measure({"-i", nic, "--snapshot", "--json"});
  ASSERT_EQ(out.exit_status, 0);
  const auto j = nlohmann::json::parse(out.stdout_text);
  EXPECT_EQ(j["iface"], nic);
  ASSERT_FALSE(j["irq_numbers"].empty());
  std::uint64_t sum = 0;
  for (const auto& [irq, count] : j["irqs_by_number"].items()) {
    sum += count.get<std::uint64_t>();
  }
  EXPECT_EQ(j["irqs"].get<std::uint64_t>(), sum);
  // The sysfs value itself, read independently (it can only have grown).
  auto rx = napilab::read_file("/sys/class/net/" + nic + "/statistics/rx_packets");
  ASSERT_TRUE(rx.ok());
  EXPECT_LE(j["netdev"]["rx_packets"].get<std::uint64_t>(), std::stoull(rx.value()));
  for (const char* key : {"user", "nice", "system", "idle", "iowait", "irq", "softirq"}) {
    EXPECT_TRUE(j["cpu"][key].is_number_unsigned()) << key;
  }
  for (const char* key : {"processed", "dropped", "time_squeeze"}) {
    EXPECT_TRUE(j["softnet"][key].is_number_unsigned()) << key;
  }
  for (const char* key : {"InDatagrams", "InErrors", "RcvbufErrors"}) {
    EXPECT_TRUE(j["udp"][key].is_number_unsigned()) << key;
  }
  EXPECT_TRUE(j.contains("ethtool"));
}

TEST(NapiMeasureCli, CommandStatusMapsToTheDocumentedExitCodes) {
  const std::string nic = some_nic();
  if (nic.empty()) {
    GTEST_SKIP() << "no interface with a PCI/virtio device here";
  }
  const auto ok = napi_measure({"-i", nic, "--json", "--", "sleep", "0.2"});
  ASSERT_EQ(ok.exit_status, 0);
  const auto j = nlohmann::json::parse(ok.stdout_text);
  EXPECT_EQ(j["exit_code"], 0);
  EXPECT_EQ(j["timed_out"], false);
  EXPECT_GE(j["seconds"].get<double>(), 0.2);
  EXPECT_LT(j["seconds"].get<double>(), 10.0);
  EXPECT_EQ(j["command"], nlohmann::json({"sleep", "0.2"}));
  for (const char* key : {"irqs", "irqs_by_number", "netdev", "ethtool", "cpu", "softnet", "udp"}) {
    EXPECT_TRUE(j["counts"].contains(key)) << key;
  }
  EXPECT_FALSE(j["rates"].contains("cpu"));
  EXPECT_TRUE(j["cpu_percent"].contains("softirq"));
  EXPECT_TRUE(j["counts"]["cpu"]["total"].get<std::uint64_t>() > 0);

  const auto failed = napi_measure({"-i", nic, "--json", "--", "sh", "-c", "exit 7"});
  EXPECT_EQ(failed.exit_status, 3);
  EXPECT_EQ(nlohmann::json::parse(failed.stdout_text)["exit_code"], 7);

  const auto overran = napi_measure({"-i", nic, "--json", "--timeout", "0.3", "--", "sleep", "20"});
  EXPECT_EQ(overran.exit_status, 124);
  EXPECT_EQ(nlohmann::json::parse(overran.stdout_text)["timed_out"], true);

  const auto missing = napi_measure({"-i", nic, "--", "/no/such/program"});
  EXPECT_EQ(missing.exit_status, 127);
}

TEST(NapiMeasureCli, CommandOutputGoesToOutputFile) {
  const std::string nic = some_nic();
  if (nic.empty()) {
    GTEST_SKIP() << "no interface with a PCI/virtio device here";
  }
  const std::string file = std::string(NAPILAB_TEST_TMP) + "/napi-measure-out.txt";
  const auto out =
      napi_measure({"-i", nic, "--json", "--output", file, "--", "echo", "it's \"quoted\" $HOME"});
  ASSERT_EQ(out.exit_status, 0);
  EXPECT_TRUE(nlohmann::json::accept(out.stdout_text));  // stdout: the JSON only
  auto text = napilab::read_file(file);
  ASSERT_TRUE(text.ok());
  EXPECT_EQ(text.value(), "it's \"quoted\" $HOME\n");  // argv, no shell

  const auto unwritable = napi_measure({"-i", nic, "--output", "/no/such/dir/x", "--", "true"});
  EXPECT_EQ(unwritable.exit_status, 1);
}

}  // namespace
