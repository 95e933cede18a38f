#include "napilab/sampler.hpp"

namespace napilab {

std::uint64_t counter_delta(std::uint64_t before, std::uint64_t after, unsigned width_bits) {
  if (after >= before) {
    return after - before;
  }
  if (width_bits < 64) {
    const std::uint64_t modulus = std::uint64_t{1} << width_bits;
    if (before < modulus) {
      return modulus - before + after;
    }
  }
  return after;  // reset: the counter started again from zero
}

namespace {

std::uint64_t map_delta(const CounterMap& before, const CounterMap& after, std::string_view name) {
  auto b = before.find(name);
  auto a = after.find(name);
  if (b == before.end() || a == after.end()) {
    return 0;
  }
  return counter_delta(b->second, a->second, 64);
}

bool has_counter(const CounterMap& before, const CounterMap& after, std::string_view name) {
  return before.find(name) != before.end() && after.find(name) != after.end();
}

}  // namespace

Rates rates_between(const Snapshot& before, const Snapshot& after) {
  Rates rates;
  rates.seconds = std::chrono::duration<double>(after.when - before.when).count();
  const double secs = rates.seconds > 0 ? rates.seconds : 1.0;

  std::uint64_t irqs = 0;
  for (const auto& [irq, counts_after] : after.irq_counts) {
    auto it = before.irq_counts.find(irq);
    if (it == before.irq_counts.end() || it->second.size() != counts_after.size()) {
      continue;  // the line appeared or changed shape: no honest delta
    }
    for (std::size_t cpu = 0; cpu < counts_after.size(); ++cpu) {
      // /proc/interrupts prints unsigned int per CPU: 32-bit wrap.
      irqs += counter_delta(it->second[cpu], counts_after[cpu], 32);
    }
  }
  const std::uint64_t rx = map_delta(before.netdev, after.netdev, "rx_packets");
  const std::uint64_t tx = map_delta(before.netdev, after.netdev, "tx_packets");
  rates.irqs_per_s = static_cast<double>(irqs) / secs;
  rates.rx_pps = static_cast<double>(rx) / secs;
  rates.tx_pps = static_cast<double>(tx) / secs;
  if (irqs > 0) {
    rates.packets_per_irq = static_cast<double>(rx + tx) / static_cast<double>(irqs);
  }
  rates.squeezes_per_s = static_cast<double>(counter_delta(before.softnet.time_squeeze,
                                                           after.softnet.time_squeeze, 64)) /
                         secs;
  rates.softnet_drops_per_s =
      static_cast<double>(counter_delta(before.softnet.dropped, after.softnet.dropped, 64)) / secs;

  if (has_counter(before.ethtool, after.ethtool, "napi_polls")) {
    const auto polls = map_delta(before.ethtool, after.ethtool, "napi_polls");
    rates.polls_per_s = static_cast<double>(polls) / secs;
    if (has_counter(before.ethtool, after.ethtool, "napi_budget_exhausted")) {
      const auto exhausted = map_delta(before.ethtool, after.ethtool, "napi_budget_exhausted");
      rates.budget_exhausted_pct =
          polls ? 100.0 * static_cast<double>(exhausted) / static_cast<double>(polls) : 0.0;
    }
    if (has_counter(before.ethtool, after.ethtool, "napi_complete")) {
      rates.complete_per_s =
          static_cast<double>(map_delta(before.ethtool, after.ethtool, "napi_complete")) / secs;
    }
  }
  return rates;
}

Snapshot make_snapshot(std::chrono::steady_clock::time_point when, const InterruptsTable& table,
                       const std::vector<std::string>& irqs, CounterMap netdev, CounterMap ethtool,
                       const std::vector<SoftnetCpu>& softnet) {
  Snapshot snap;
  snap.when = when;
  for (const auto& irq : irqs) {
    if (const IrqLine* line = table.find(irq)) {
      snap.irq_counts[irq] = line->per_cpu;
    }
  }
  snap.netdev = std::move(netdev);
  snap.ethtool = std::move(ethtool);
  snap.softnet = softnet_totals(softnet);
  return snap;
}

Result<Sampler> Sampler::create(const std::string& iface) {
  auto irqs = nic_irqs(iface);
  if (!irqs) {
    return irqs.error();
  }
  auto stats = read_netdev_stats(iface);
  if (!stats) {
    return stats.error();
  }
  const bool has_ethtool = read_ethtool_stats(iface).ok();
  return Sampler(iface, std::move(irqs).value(), has_ethtool);
}

Result<Snapshot> Sampler::take() const {
  const auto when = std::chrono::steady_clock::now();
  auto table = read_interrupts();
  if (!table) {
    return table.error();
  }
  auto netdev = read_netdev_stats(iface_);
  if (!netdev) {
    return netdev.error();
  }
  CounterMap ethtool;
  if (has_ethtool_) {
    auto stats = read_ethtool_stats(iface_);
    if (!stats) {
      return stats.error();
    }
    ethtool = std::move(stats).value();
  }
  auto softnet = read_softnet_stat();
  if (!softnet) {
    return softnet.error();
  }
  return make_snapshot(when, table.value(), irqs_, std::move(netdev).value(), std::move(ethtool),
                       softnet.value());
}

}  // namespace napilab
