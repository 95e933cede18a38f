// Snapshots of a NIC's counters and the rates between two of them.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "napilab/interrupts.hpp"
#include "napilab/netdev.hpp"
#include "napilab/result.hpp"
#include "napilab/softnet.hpp"

namespace napilab {

struct Snapshot {
  std::chrono::steady_clock::time_point when{};
  // Per-CPU counts of the NIC's IRQ lines, keyed by IRQ number: matching by
  // number keeps working when the line's handler name changes.
  std::map<std::string, std::vector<std::uint64_t>> irq_counts;
  CounterMap netdev;   // /sys/class/net/IFACE/statistics
  CounterMap ethtool;  // ethtool -S (empty when the driver has none)
  SoftnetTotals softnet;
};

struct Rates {
  double seconds = 0;
  double irqs_per_s = 0;
  double rx_pps = 0;
  double tx_pps = 0;
  std::optional<double> packets_per_irq;  // none without interrupts
  double squeezes_per_s = 0;
  double softnet_drops_per_s = 0;
  // From the driver's NAPI counters (e1k_napi's ethtool -S), when present.
  std::optional<double> polls_per_s;
  std::optional<double> budget_exhausted_pct;
  std::optional<double> complete_per_s;
};

// Difference of a counter that is `width_bits` wide: a smaller value after
// is a wrap for 32-bit counters and a reset (value counts from 0) for wider.
std::uint64_t counter_delta(std::uint64_t before, std::uint64_t after, unsigned width_bits);

// Pure: the rates between two snapshots of the same interface.
Rates rates_between(const Snapshot& before, const Snapshot& after);

// Pure: a snapshot from already-read inputs (used by Sampler and tests).
Snapshot make_snapshot(std::chrono::steady_clock::time_point when, const InterruptsTable& table,
                       const std::vector<std::string>& irqs, CounterMap netdev, CounterMap ethtool,
                       const std::vector<SoftnetCpu>& softnet);

// Reads the live system for one interface.
class Sampler {
 public:
  static Result<Sampler> create(const std::string& iface);
  Result<Snapshot> take() const;
  [[nodiscard]] const std::vector<std::string>& irqs() const { return irqs_; }
  [[nodiscard]] bool has_ethtool() const { return has_ethtool_; }

 private:
  Sampler(std::string iface, std::vector<std::string> irqs, bool has_ethtool)
      : iface_(std::move(iface)), irqs_(std::move(irqs)), has_ethtool_(has_ethtool) {}
  std::string iface_;
  std::vector<std::string> irqs_;
  bool has_ethtool_;
};

}  // namespace napilab
