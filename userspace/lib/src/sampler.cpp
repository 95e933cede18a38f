#include "napilab/sampler.hpp"

#include <algorithm>

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

Result<std::uint64_t> checked_delta(const CounterMap& before, const CounterMap& after,
                                    std::string_view name) {
  const auto b = before.find(name);
  const auto a = after.find(name);
  if (b == before.end() || a == after.end()) {
    return Error{"counter '" + std::string(name) + "' is missing from the " +
                 (b == before.end() ? "first" : "second") + " reading"};
  }
  if (a->second < b->second) {
    return Error{"counter '" + std::string(name) + "' went backwards: " +
                 std::to_string(b->second) + " then " + std::to_string(a->second)};
  }
  return a->second - b->second;
}

namespace {

// /proc/interrupts prints an unsigned int per CPU: 32-bit wrap. A CPU (or a
// whole line) missing before counts from 0.
std::uint64_t irq_line_delta(const std::vector<std::uint64_t>* before,
                             const std::vector<std::uint64_t>& after) {
  std::uint64_t sum = 0;
  for (std::size_t cpu = 0; cpu < after.size(); ++cpu) {
    const std::uint64_t was = before && cpu < before->size() ? (*before)[cpu] : 0;
    sum += counter_delta(was, after[cpu], 32);
  }
  return sum;
}

// Every counter present in both maps (64-bit: a smaller value is a reset).
CounterMap map_deltas(const CounterMap& before, const CounterMap& after) {
  CounterMap deltas;
  for (const auto& [name, value] : after) {
    if (const auto it = before.find(name); it != before.end()) {
      deltas.emplace(name, counter_delta(it->second, value, 64));
    }
  }
  return deltas;
}

std::optional<std::uint64_t> find(const CounterMap& counters, std::string_view name) {
  const auto it = counters.find(name);
  return it == counters.end() ? std::nullopt : std::optional<std::uint64_t>(it->second);
}

std::uint64_t delta64(std::uint64_t before, std::uint64_t after) {
  return counter_delta(before, after, 64);
}

}  // namespace

std::uint64_t Snapshot::irq_total() const {
  std::uint64_t sum = 0;
  for (const auto& [irq, per_cpu] : irq_counts) {
    for (const std::uint64_t count : per_cpu) {
      sum += count;
    }
  }
  return sum;
}

Counts counts_between(const Snapshot& before, const Snapshot& after) {
  Counts counts;
  counts.seconds = std::chrono::duration<double>(after.when - before.when).count();
  for (const auto& [irq, per_cpu] : after.irq_counts) {
    const auto it = before.irq_counts.find(irq);
    const std::uint64_t n =
        irq_line_delta(it == before.irq_counts.end() ? nullptr : &it->second, per_cpu);
    counts.irqs_by_number[irq] = n;
    counts.irqs += n;
  }
  for (const auto& [irq, per_cpu] : before.irq_counts) {
    counts.irqs_by_number.try_emplace(irq, 0);  // gone after: no handler any more
  }
  counts.netdev = map_deltas(before.netdev, after.netdev);
  if (before.ethtool && after.ethtool) {
    counts.ethtool = map_deltas(*before.ethtool, *after.ethtool);
  }
  counts.softnet = {delta64(before.softnet.processed, after.softnet.processed),
                    delta64(before.softnet.dropped, after.softnet.dropped),
                    delta64(before.softnet.time_squeeze, after.softnet.time_squeeze)};
  const CpuTimes& b = before.cpu;
  const CpuTimes& a = after.cpu;
  counts.cpu = {delta64(b.user, a.user),       delta64(b.nice, a.nice),
                delta64(b.system, a.system),   delta64(b.idle, a.idle),
                delta64(b.iowait, a.iowait),   delta64(b.irq, a.irq),
                delta64(b.softirq, a.softirq), delta64(b.steal, a.steal)};
  counts.udp = {delta64(before.udp.in_datagrams, after.udp.in_datagrams),
                delta64(before.udp.in_errors, after.udp.in_errors),
                delta64(before.udp.rcvbuf_errors, after.udp.rcvbuf_errors)};
  return counts;
}

Rates rates_of(const Counts& counts) {
  Rates rates;
  rates.seconds = counts.seconds;
  const double secs = counts.seconds > 0 ? counts.seconds : 1.0;
  const auto per_s = [secs](std::uint64_t n) { return static_cast<double>(n) / secs; };

  const std::uint64_t rx = find(counts.netdev, "rx_packets").value_or(0);
  const std::uint64_t tx = find(counts.netdev, "tx_packets").value_or(0);
  rates.irqs_per_s = per_s(counts.irqs);
  for (const auto& [irq, n] : counts.irqs_by_number) {
    rates.irqs_per_s_by_number[irq] = per_s(n);
  }
  rates.rx_pps = per_s(rx);
  rates.tx_pps = per_s(tx);
  if (counts.irqs > 0) {
    rates.packets_per_irq = static_cast<double>(rx + tx) / static_cast<double>(counts.irqs);
  }
  rates.squeezes_per_s = per_s(counts.softnet.time_squeeze);
  rates.softnet_drops_per_s = per_s(counts.softnet.dropped);

  if (!counts.ethtool) {
    return rates;
  }
  const auto polls = find(*counts.ethtool, "napi_polls");
  if (!polls) {
    return rates;
  }
  rates.polls_per_s = per_s(*polls);
  if (const auto exhausted = find(*counts.ethtool, "napi_budget_exhausted")) {
    rates.budget_exhausted_pct =
        *polls ? 100.0 * static_cast<double>(*exhausted) / static_cast<double>(*polls) : 0.0;
  }
  if (const auto complete = find(*counts.ethtool, "napi_complete")) {
    rates.complete_per_s = per_s(*complete);
  }
  return rates;
}

Rates rates_between(const Snapshot& before, const Snapshot& after) {
  return rates_of(counts_between(before, after));
}

Snapshot make_snapshot(std::chrono::steady_clock::time_point when, const InterruptsTable& table,
                       const std::vector<std::string>& irqs, CounterMap netdev,
                       std::optional<CounterMap> ethtool, const std::vector<SoftnetCpu>& softnet) {
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
  auto table = read_interrupts();
  if (!table) {
    return table.error();
  }
  auto lines = nic_irq_lines(table.value(), irqs.value());
  if (!lines) {
    return lines.error();
  }
  std::map<std::string, std::string> irq_names;
  std::vector<std::string> numbers;  // in numeric order, as nic_irq_lines sorts them
  for (const NicIrqLine& line : lines.value()) {
    irq_names[line.number] = line.name;
    numbers.push_back(line.number);
  }
  for (const std::string& irq : irqs.value()) {  // not printed yet: no handler
    if (irq_names.find(irq) == irq_names.end()) {
      numbers.push_back(irq);
    }
  }
  const bool has_ethtool = read_ethtool_stats(iface).ok();
  return Sampler(iface, std::move(numbers), std::move(irq_names), has_ethtool);
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
  std::optional<CounterMap> ethtool;
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
  auto cpu = read_proc_stat_cpu();
  if (!cpu) {
    return cpu.error();
  }
  auto udp = read_udp_counters();
  if (!udp) {
    return udp.error();
  }
  Snapshot snap = make_snapshot(when, table.value(), irqs_, std::move(netdev).value(),
                                std::move(ethtool), softnet.value());
  snap.cpu = cpu.value();
  snap.udp = udp.value();
  return snap;
}

}  // namespace napilab
