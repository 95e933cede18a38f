// Interface counters: /sys/class/net/IFACE/statistics/* and ethtool -S.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "napilab/counter_map.hpp"
#include "napilab/result.hpp"

namespace napilab {

// Pure: the text of one sysfs counter file ("12345\n").
Result<std::uint64_t> parse_sysfs_counter(std::string_view text);

// Every counter in /sys/class/net/IFACE/statistics (sysfs_root for tests).
Result<CounterMap> read_netdev_stats(const std::string& iface,
                                     const std::string& sysfs_root = "/sys/class/net");

// Pure: the ETHTOOL_GSTRINGS block (count names of ETH_GSTRING_LEN bytes,
// NUL-padded) paired with the ETHTOOL_GSTATS values.
Result<CounterMap> parse_ethtool_stats(std::string_view strings,
                                       const std::vector<std::uint64_t>& values);

// ethtool statistics of an interface through the SIOCETHTOOL ioctl; works
// for any driver that has them (e1k_napi, e1000, virtio_net).
Result<CounterMap> read_ethtool_stats(const std::string& iface);

// The IRQ numbers of an interface's device: its MSI/MSI-X vectors, else its
// legacy INTx line (virtio-net's IRQs belong to the PCI parent device).
Result<std::vector<std::string>> nic_irqs(const std::string& iface,
                                          const std::string& sysfs_root = "/sys/class/net");

}  // namespace napilab
