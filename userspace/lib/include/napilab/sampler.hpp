// Snapshots of a NIC's counters and of the system's CPU, softnet and UDP
// counters; the counts between two of them (the one place counter deltas
// are taken) and the rates derived from those counts.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "napilab/interrupts.hpp"
#include "napilab/netdev.hpp"
#include "napilab/procstat.hpp"
#include "napilab/result.hpp"
#include "napilab/snmp.hpp"
#include "napilab/softnet.hpp"

namespace napilab {

struct Snapshot {
  std::chrono::steady_clock::time_point when{};
  // Per-CPU counts of the NIC's IRQ lines, keyed by IRQ number: matching by
  // number keeps working when the line's handler name changes. A line the
  // kernel does not print (an IRQ without handler that never fired) has
  // no entry: its count is 0.
  std::map<std::string, std::vector<std::uint64_t>> irq_counts;
  CounterMap netdev;                  // /sys/class/net/IFACE/statistics
  std::optional<CounterMap> ethtool;  // ethtool -S; none when the driver has no statistics
  SoftnetTotals softnet;              // /proc/net/softnet_stat, summed over CPUs
  CpuTimes cpu;                       // /proc/stat's cpu line, jiffies
  UdpCounters udp;                    // /proc/net/snmp's Udp line

  // The IRQ lines' counts summed over CPUs and lines.
  [[nodiscard]] std::uint64_t irq_total() const;
};

// What happened between two snapshots: the deltas of every counter, over
// the measured (monotonic clock) seconds.
struct Counts {
  double seconds = 0;
  std::uint64_t irqs = 0;  // all of the NIC's lines
  std::map<std::string, std::uint64_t> irqs_by_number;
  CounterMap netdev;                  // every statistic present in both
  std::optional<CounterMap> ethtool;  // every counter present in both; none without ethtool -S
  SoftnetTotals softnet;
  CpuTimes cpu;
  UdpCounters udp;
};

// The per-second view of Counts that napitop and napi-iperf print.
struct Rates {
  double seconds = 0;
  double irqs_per_s = 0;
  std::map<std::string, double> irqs_per_s_by_number;  // each of the NIC's lines
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

// Pure: the delta of one named counter over a window where no reset is
// expected (a test's): an error when either reading lacks it (a driver that
// stopped reporting it must not pass for zero) or it went backwards.
Result<std::uint64_t> checked_delta(const CounterMap& before, const CounterMap& after,
                                    std::string_view name);

// Pure: the counts between two snapshots of the same interface.
Counts counts_between(const Snapshot& before, const Snapshot& after);

// Pure: the rates of those counts (a window of 0 s counts as 1 s).
Rates rates_of(const Counts& counts);

// rates_of(counts_between(before, after)).
Rates rates_between(const Snapshot& before, const Snapshot& after);

// Pure: a snapshot from already-read inputs (used by Sampler and tests);
// cpu and udp stay 0 for the caller to fill.
Snapshot make_snapshot(std::chrono::steady_clock::time_point when, const InterruptsTable& table,
                       const std::vector<std::string>& irqs, CounterMap netdev,
                       std::optional<CounterMap> ethtool, const std::vector<SoftnetCpu>& softnet);

// Reads the live system for one interface. Every source is required but
// ethtool -S, which only drivers with statistics have (whether it does is
// settled at create()); a source that cannot be read is an error.
class Sampler {
 public:
  static Result<Sampler> create(const std::string& iface);
  Result<Snapshot> take() const;
  [[nodiscard]] const std::string& iface() const { return iface_; }
  [[nodiscard]] const std::vector<std::string>& irqs() const { return irqs_; }
  // The handler names of the NIC's lines when it was created, by IRQ
  // number ("30" -> "eth0-rx-0"): which queue each line serves.
  [[nodiscard]] const std::map<std::string, std::string>& irq_names() const { return irq_names_; }
  [[nodiscard]] bool has_ethtool() const { return has_ethtool_; }

 private:
  Sampler(std::string iface, std::vector<std::string> irqs,
          std::map<std::string, std::string> irq_names, bool has_ethtool)
      : iface_(std::move(iface)),
        irqs_(std::move(irqs)),
        irq_names_(std::move(irq_names)),
        has_ethtool_(has_ethtool) {}
  std::string iface_;
  std::vector<std::string> irqs_;
  std::map<std::string, std::string> irq_names_;
  bool has_ethtool_;
};

}  // namespace napilab
