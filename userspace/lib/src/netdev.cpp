#include "napilab/netdev.hpp"

#include <linux/ethtool.h>
#include <linux/sockios.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <memory>

#include "napilab/file.hpp"
#include "napilab/parse_util.hpp"
#include "napilab/unique_fd.hpp"

namespace napilab {

namespace fs = std::filesystem;

Result<std::uint64_t> parse_sysfs_counter(std::string_view text) {
  const std::string_view digits = trim(text);
  auto value = parse_u64(digits);
  if (!value) {
    return Error{"'" + std::string(digits) + "' is not an unsigned 64-bit counter"};
  }
  return *value;
}

Result<CounterMap> read_netdev_stats(const std::string& iface, const std::string& sysfs_root) {
  const fs::path dir = fs::path(sysfs_root) / iface / "statistics";
  std::error_code ec;
  fs::directory_iterator it(dir, ec);
  if (ec) {
    return Error{"cannot list " + dir.string() + ": " + ec.message() + " (is '" + iface +
                 "' an interface?)"};
  }
  CounterMap counters;
  for (const auto& entry : it) {
    auto text = read_file(entry.path().string());
    if (!text) {
      return text.error();
    }
    auto value = parse_sysfs_counter(text.value());
    if (!value) {
      return Error{entry.path().string() + ": " + value.error().message};
    }
    counters[entry.path().filename().string()] = value.value();
  }
  return counters;
}

Result<CounterMap> parse_ethtool_stats(std::string_view strings,
                                       const std::vector<std::uint64_t>& values) {
  if (strings.size() != values.size() * ETH_GSTRING_LEN) {
    return Error{"ethtool strings block has " + std::to_string(strings.size()) + " bytes for " +
                 std::to_string(values.size()) + " values"};
  }
  CounterMap counters;
  for (std::size_t i = 0; i < values.size(); ++i) {
    std::string_view name = strings.substr(i * ETH_GSTRING_LEN, ETH_GSTRING_LEN);
    name = name.substr(0, name.find('\0'));
    name = trim(name);
    if (name.empty()) {
      return Error{"ethtool statistic " + std::to_string(i) + " has no name"};
    }
    counters[std::string(name)] = values[i];
  }
  return counters;
}

namespace {

// One SIOCETHTOOL request; returns 0 or the errno.
int ethtool_ioctl(const UniqueFd& sock, const std::string& iface, void* request) {
  ifreq ifr{};
  std::strncpy(ifr.ifr_name, iface.c_str(), IFNAMSIZ - 1);
  ifr.ifr_data = static_cast<char*>(request);
  return ::ioctl(sock.get(), SIOCETHTOOL, &ifr) < 0 ? errno : 0;
}

}  // namespace

Result<CounterMap> read_ethtool_stats(const std::string& iface) {
  if (iface.empty() || iface.size() >= IFNAMSIZ) {
    return Error{"'" + iface + "' is not a valid interface name"};
  }
  const UniqueFd sock(::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
  if (sock.get() < 0) {
    const int saved = errno;
    return Error{std::string("cannot open a socket for ethtool: ") + std::strerror(saved)};
  }

  // ETHTOOL_GSSET_INFO: how many statistics the driver has (one u32 follows
  // the header for the one set asked for).
  std::vector<std::uint8_t> sset_buf(sizeof(ethtool_sset_info) + sizeof(std::uint32_t));
  auto* sset = reinterpret_cast<ethtool_sset_info*>(sset_buf.data());
  sset->cmd = ETHTOOL_GSSET_INFO;
  sset->sset_mask = 1ULL << ETH_SS_STATS;
  if (int err = ethtool_ioctl(sock, iface, sset); err != 0) {
    return Error{"ethtool statistics of " + iface + ": " + std::strerror(err) +
                 (err == EOPNOTSUPP ? " (the driver has none)" : "")};
  }
  std::uint32_t count = 0;
  if (sset->sset_mask != 0) {
    std::memcpy(&count, sset_buf.data() + sizeof(ethtool_sset_info), sizeof(count));
  }
  if (count == 0) {
    return Error{"ethtool statistics of " + iface + ": not supported by its driver"};
  }

  // ETHTOOL_GSTRINGS and ETHTOOL_GSTATS: the names, then the values.
  const std::size_t strings_bytes = std::size_t{count} * ETH_GSTRING_LEN;
  std::vector<std::uint8_t> strings_buf(sizeof(ethtool_gstrings) + strings_bytes);
  auto* gstrings = reinterpret_cast<ethtool_gstrings*>(strings_buf.data());
  gstrings->cmd = ETHTOOL_GSTRINGS;
  gstrings->string_set = ETH_SS_STATS;
  gstrings->len = count;
  if (int err = ethtool_ioctl(sock, iface, gstrings); err != 0) {
    return Error{"ETHTOOL_GSTRINGS on " + iface + ": " + std::strerror(err)};
  }
  std::vector<std::uint8_t> stats_buf(sizeof(ethtool_stats) + count * sizeof(std::uint64_t));
  auto* gstats = reinterpret_cast<ethtool_stats*>(stats_buf.data());
  gstats->cmd = ETHTOOL_GSTATS;
  gstats->n_stats = count;
  if (int err = ethtool_ioctl(sock, iface, gstats); err != 0) {
    return Error{"ETHTOOL_GSTATS on " + iface + ": " + std::strerror(err)};
  }
  std::vector<std::uint64_t> values(count);
  std::memcpy(values.data(), stats_buf.data() + sizeof(ethtool_stats),
              count * sizeof(std::uint64_t));
  const std::string_view strings(reinterpret_cast<const char*>(gstrings->data), strings_bytes);
  return parse_ethtool_stats(strings, values);
}

Result<std::vector<std::string>> nic_irqs(const std::string& iface, const std::string& sysfs_root) {
  std::error_code ec;
  fs::path dev = fs::canonical(fs::path(sysfs_root) / iface / "device", ec);
  if (ec) {
    return Error{iface + " has no device in sysfs (" + ec.message() + ")"};
  }
  // virtio-net's netdev hangs off a virtio device; the IRQs are its parent's.
  if (!fs::exists(dev / "msi_irqs") && !fs::exists(dev / "irq")) {
    dev = dev.parent_path();
  }
  std::vector<std::string> irqs;
  if (fs::is_directory(dev / "msi_irqs", ec)) {
    for (const auto& entry : fs::directory_iterator(dev / "msi_irqs", ec)) {
      irqs.push_back(entry.path().filename().string());
    }
  }
  if (irqs.empty()) {
    auto text = read_file((dev / "irq").string());
    if (!text) {
      return text.error();
    }
    irqs.emplace_back(trim(text.value()));
  }
  // In numeric order (a directory lists them in any order; "100" < "99"
  // as text).
  std::sort(irqs.begin(), irqs.end(), [](const std::string& a, const std::string& b) {
    return a.size() != b.size() ? a.size() < b.size() : a < b;
  });
  return irqs;
}

}  // namespace napilab
