#include <gtest/gtest.h>
#include <linux/ethtool.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include "napilab/netdev.hpp"

namespace {

TEST(Netdev, SysfsCounter) {
  EXPECT_EQ(napilab::parse_sysfs_counter("12345\n").value(), 12345U);
  EXPECT_EQ(napilab::parse_sysfs_counter("18446744073709551615").value(), 18446744073709551615ULL);
  EXPECT_FALSE(napilab::parse_sysfs_counter("").ok());
  EXPECT_FALSE(napilab::parse_sysfs_counter("12a\n").ok());
  EXPECT_FALSE(napilab::parse_sysfs_counter("18446744073709551616").ok());
  EXPECT_FALSE(napilab::parse_sysfs_counter("-5").ok());
}

TEST(Netdev, ReadsAStatisticsTree) {
  namespace fs = std::filesystem;
  const fs::path root = fs::temp_directory_path() / ("napilab-sysfs-" + std::to_string(::getpid()));
  fs::create_directories(root / "eth9" / "statistics");
  std::ofstream(root / "eth9" / "statistics" / "rx_packets") << "42\n";
  std::ofstream(root / "eth9" / "statistics" / "tx_packets") << "7\n";
  auto stats = napilab::read_netdev_stats("eth9", root.string());
  ASSERT_TRUE(stats.ok()) << stats.error().to_string();
  EXPECT_EQ(stats.value().at("rx_packets"), 42U);
  EXPECT_EQ(stats.value().at("tx_packets"), 7U);

  std::ofstream(root / "eth9" / "statistics" / "rx_bytes") << "garbage\n";
  auto bad = napilab::read_netdev_stats("eth9", root.string());
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("rx_bytes"), std::string::npos);
  fs::remove_all(root);
}

TEST(Netdev, UnknownInterfaceIsAClearError) {
  auto stats = napilab::read_netdev_stats("no-such-if0");
  ASSERT_FALSE(stats.ok());
  EXPECT_NE(stats.error().message.find("no-such-if0"), std::string::npos);
}

TEST(Netdev, EthtoolStringsPairWithValues) {
  std::string strings(std::size_t{2} * ETH_GSTRING_LEN, '\0');
  strings.replace(0, 10, "rx_packets");
  strings.replace(ETH_GSTRING_LEN, 10, "napi_polls");
  auto stats = napilab::parse_ethtool_stats(strings, {5, 9});
  ASSERT_TRUE(stats.ok()) << stats.error().to_string();
  EXPECT_EQ(stats.value().at("rx_packets"), 5U);
  EXPECT_EQ(stats.value().at("napi_polls"), 9U);
  EXPECT_FALSE(napilab::parse_ethtool_stats(strings, {5}).ok());  // size mismatch
  EXPECT_FALSE(napilab::parse_ethtool_stats(std::string(ETH_GSTRING_LEN, '\0'), {1}).ok());
}

TEST(Netdev, LoopbackHasNoEthtoolStatistics) {
  auto stats = napilab::read_ethtool_stats("lo");
  ASSERT_FALSE(stats.ok());
  EXPECT_NE(stats.error().message.find("lo"), std::string::npos);
  EXPECT_FALSE(napilab::read_ethtool_stats("").ok());
  EXPECT_FALSE(napilab::read_ethtool_stats("a-name-much-too-long-for-ifnamsiz").ok());
}

}  // namespace
