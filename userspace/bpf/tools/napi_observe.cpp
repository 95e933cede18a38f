// napi-observe: NAPI polls and interrupts of one NIC, seen by BPF.
//
//   napi-observe -i eth0 [-d SECONDS] [-n COUNT] [--json] [--verbose]
//
// Every interval: polls/s, work per poll, the share of polls that used the
// whole budget (NAPI stayed in polling mode), IRQ/s of the NIC's lines,
// interrupts per poll (about 1 in interrupt mode, near 0 while polling),
// where the polls ran (the shares of softirq, ksoftirqd, threaded-NAPI
// kthread and busy poll, with the latest busy-polling process) and the
// histogram of work per poll; for a NIC with several IRQ lines (MSI-X: a
// line per queue) also each line's IRQ/s, named by its handler. Needs root
// and a kernel with BTF; exits 1 with the reason when BPF is unavailable, 2
// on bad arguments.
#include <fmt/format.h>

#include <chrono>
#include <nlohmann/json.hpp>

#include "napilab/bpf/napi_observer.hpp"
#include "napilab/live.hpp"
#include "napilab/tool_main.hpp"

namespace {

using napilab::format_optional;

namespace nb = napilab::bpf;

void print_header(const nb::NapiObserver& observer) {
  const nb::ObserverTarget& target = observer.target();
  std::string lines;
  for (std::size_t i = 0; i < target.irqs.size(); ++i) {
    lines +=
        fmt::format("{}{}: {}", lines.empty() ? "" : ", ", target.irqs[i], target.irq_names[i]);
  }
  fmt::print("napi-observe: {} (ifindex {}, IRQ {}) on napi:napi_poll, irq:irq_handler_entry\n",
             target.iface, target.ifindex, lines);
  if (!observer.context_note().empty()) {
    fmt::print("napi-observe: {}\n", observer.context_note());
  }
  fmt::print("{:>7} {:>9} {:>9} {:>8} {:>8} {:>8} {:>6} {:>15}  {}{}\n", "time", "polls/s",
             "work/poll", "budget%", "IRQ/s", "IRQ/poll", "budget", "where% s/k/t/b",
             "work per poll: bucket:polls", target.irqs.size() > 1 ? "  | IRQ/s per line" : "");
}

// An MSI-X NIC's IRQ/s per line: " | rx-0 1200 tx-0 310 eth0 0" (the
// handler's name without the interface's prefix); empty for one line.
std::string per_line_column(const nb::ObserverTarget& target, const nb::ObserverRates& r) {
  if (target.irqs.size() < 2 || r.seconds <= 0) {
    return "";
  }
  std::string column = "  |";
  const std::string prefix = target.iface + "-";
  for (std::size_t i = 0; i < target.irqs.size() && i < r.interrupts_by_line.size(); ++i) {
    std::string name =
        target.irq_names[i].empty() ? std::to_string(target.irqs[i]) : target.irq_names[i];
    if (name.rfind(prefix, 0) == 0) {
      name.erase(0, prefix.size());
    }
    column +=
        fmt::format(" {} {:.0f}", name, static_cast<double>(r.interrupts_by_line[i]) / r.seconds);
  }
  return column;
}

void print_row(double t, const nb::ObserverTarget& target, const nb::ObserverRates& r) {
  std::string flag;
  if (r.over_budget != 0) {
    flag = fmt::format("  OVER BUDGET: {} polls", r.over_budget);
  }
  if (r.context_polls[NAPI_OBS_UNKNOWN] != 0) {
    flag += fmt::format("  context unknown: {} polls", r.context_polls[NAPI_OBS_UNKNOWN]);
  }
  if (r.busy_poller) {
    flag += fmt::format("  busy poll: {}[{}]", r.busy_poller->comm, r.busy_poller->tgid);
  }
  fmt::print("{:7.1f} {:9.0f} {:>9} {:>8} {:8.0f} {:>8} {:6} {:>15}  {}{}{}\n", t, r.polls_per_s,
             format_optional(r.work_per_poll, "{:.1f}"),
             format_optional(r.budget_exhausted_pct, "{:.1f}"), r.interrupts_per_s,
             format_optional(r.interrupts_per_poll, "{:.2f}"), r.budget,
             nb::format_context_shares(r), nb::format_histogram(r.work_hist),
             per_line_column(target, r), flag);
}

int run(int argc, char** argv) {
  CLI::App app{"napi-observe: NAPI polls and interrupts of a NIC, seen by BPF"};
  napilab::LiveOptions options;
  bool verbose = false;
  app.footer(
      "where% s/k/t/b: each context's share of the interval's polls: the NET_RX softirq on\n"
      "any task but ksoftirqd (s), the NET_RX softirq on ksoftirqd/N (k), the device's\n"
      "threaded-NAPI kthread (t), process context (b: busy poll from SO_BUSY_POLL or\n"
      "net.core.busy_read/busy_poll, or netpoll); then the latest busy-polling process as\n"
      "comm[tgid]. The napi_poll program tells them apart by the CPU's softirq count: x86\n"
      "per-CPU __preempt_count (as on Linux 6.1) or the task's (PREEMPT_RT). Where the\n"
      "kernel shows neither (not in its BTF, or __preempt_count refused: kallsyms without\n"
      "data symbols, CONFIG_KALLSYMS_ALL=n) the observer still loads, says why in its\n"
      "header (on stderr with --json), and counts the polls outside the thread as context\n"
      "unknown (\"context unknown: N polls\" in the row).\n"
      "--json: \"context\": {\"softirq\": N, \"ksoftirqd\": N, \"thread\": N, \"busy_poll\": N,\n"
      "\"unknown\": N, \"busy_poll_tgid\": N, \"busy_poll_comm\": S}, counts of the interval\n"
      "(tgid and comm null when it had no busy poll; unknown 0 where the count is read).\n");
  napilab::add_live_options(app, options);
  app.add_flag("-v,--verbose", verbose, "show libbpf's log (verifier output)");
  if (const auto rc = napilab::parse_command_line(app, argc, argv)) {
    return *rc;
  }

  nb::NapiObserver::set_libbpf_log(verbose);
  auto observer = nb::NapiObserver::attach(options.iface);
  if (!observer) {
    fmt::print(stderr, "napi-observe: {}\n", observer.error().to_string());
    return 1;
  }
  auto intervals = napilab::Intervals<nb::NapiObserver>::start(std::move(observer).value());
  if (!intervals) {
    fmt::print(stderr, "napi-observe: {}\n", intervals.error().to_string());
    return 1;
  }
  if (!options.json) {
    print_header(intervals.value().source());
  } else if (const std::string& note = intervals.value().source().context_note(); !note.empty()) {
    fmt::print(stderr, "napi-observe: {}\n", note);
  }
  return napilab::run_every_interval(options, [&] {
    auto rates = intervals.value().next();
    if (!rates) {
      fmt::print(stderr, "napi-observe: {}\n", rates.error().to_string());
      return false;
    }
    const double t = intervals.value().elapsed();
    if (options.json) {
      const nb::ObserverTarget& target = intervals.value().source().target();
      nlohmann::json j = nb::to_json(rates.value());
      j["iface"] = options.iface;
      j["interrupts_by_irq"] = nb::interrupts_by_irq_json(rates.value(), target.irqs);
      j["t"] = t;
      fmt::print("{}\n", j.dump());
    } else {
      print_row(t, intervals.value().source().target(), rates.value());
    }
    return true;
  });
}

}  // namespace

int main(int argc, char** argv) { return napilab::tool_main("napi-observe", argc, argv, run); }
