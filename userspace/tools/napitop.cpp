// napitop: a live view of one NIC's interrupts and NAPI at work.
//
//   napitop -i eth0 [-d SECONDS] [-n COUNT] [--json]
//
// Every interval: IRQ/s of the NIC's lines (all of them; an MSI-X NIC's also
// per line, that is per queue, at the end of the row), packets/s, packets per IRQ,
// softnet squeezes, and, when the driver exports NAPI counters in ethtool -S
// (e1k_napi does), polls/s and the share of polls that used the whole
// budget: the moment NAPI switches to polling under load, and back at idle.
// When the BPF observer loads (root, BTF), its own poll rate and share of
// budget-exhausted polls from napi:napi_poll sit next to the driver's; when
// it does not, the header says "bpf: unavailable: <reason>".
#include <fmt/format.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "napilab/bpf/observer_stats.hpp"
#include "napilab/counts_json.hpp"
#include "napilab/live.hpp"
#include "napilab/sampler.hpp"
#include "napilab/tool_main.hpp"
#ifdef NAPILAB_HAVE_BPF
#include "napilab/bpf/napi_observer.hpp"
#endif

namespace {

using napilab::format_optional;

// Which mode NAPI is in over an interval, judged from the counters: the
// share of budget-exhausted polls from the driver's counters, else from the
// BPF observer (any driver), else packets per interrupt.
std::string napi_mode(const napilab::Rates& r, std::optional<double> bpf_budget_exhausted_pct) {
  const std::optional<double> budget_exhausted_pct =
      r.budget_exhausted_pct ? r.budget_exhausted_pct : bpf_budget_exhausted_pct;
  if (budget_exhausted_pct) {
    if (*budget_exhausted_pct >= 50.0) {
      return "polling";
    }
    return r.irqs_per_s > 0 ? "interrupt" : "idle";
  }
  if (!r.packets_per_irq) {
    return "idle";
  }
  return *r.packets_per_irq >= 8.0 ? "batching" : "interrupt";
}

// NAPI as the BPF observer sees it: loaded when it can be, else the reason
// why not, which the header shows; the rest of napitop works either way.
class BpfColumns {
 public:
  explicit BpfColumns(const std::string& iface) {
#ifdef NAPILAB_HAVE_BPF
    auto observer = napilab::bpf::NapiObserver::attach(iface);
    if (!observer) {
      unavailable_ = observer.error().to_string();
      return;
    }
    auto intervals =
        napilab::Intervals<napilab::bpf::NapiObserver>::start(std::move(observer).value());
    if (!intervals) {
      unavailable_ = intervals.error().to_string();
      return;
    }
    intervals_.emplace(std::move(intervals).value());
#else
    (void)iface;
    unavailable_ = "napitop was built without it (needs clang, bpftool, libbpf-dev and BTF)";
#endif
  }

  [[nodiscard]] std::string status() const {
    return unavailable_.empty() ? "bpf: napi:napi_poll" : "bpf: unavailable: " + unavailable_;
  }

  // Why the observer is not there; empty when it is.
  [[nodiscard]] const std::string& unavailable() const { return unavailable_; }

  // The rates since the previous call; none while unavailable.
  std::optional<napilab::bpf::ObserverRates> next() {
#ifdef NAPILAB_HAVE_BPF
    if (!intervals_) {
      return std::nullopt;
    }
    auto rates = intervals_->next();
    if (!rates) {
      unavailable_ = rates.error().to_string();
      intervals_.reset();
      return std::nullopt;
    }
    return rates.value();
#else
    return std::nullopt;
#endif
  }

 private:
#ifdef NAPILAB_HAVE_BPF
  std::optional<napilab::Intervals<napilab::bpf::NapiObserver>> intervals_;
#endif
  std::string unavailable_;
};

// An MSI-X NIC's IRQ/s per line, named by the line's handler without the
// interface's prefix: "rx-0 1200 tx-0 310 eth0 0"; empty for a single line.
std::string per_line_column(const napilab::Sampler& nic, const napilab::Rates& r) {
  if (nic.irqs().size() < 2) {
    return "";
  }
  std::string column;
  const std::string prefix = nic.iface() + "-";
  for (const std::string& irq : nic.irqs()) {
    const auto name_it = nic.irq_names().find(irq);
    std::string name =
        name_it != nic.irq_names().end() && !name_it->second.empty() ? name_it->second : irq;
    if (name.rfind(prefix, 0) == 0) {
      name.erase(0, prefix.size());
    }
    const auto rate_it = r.irqs_per_s_by_number.find(irq);
    const double rate = rate_it != r.irqs_per_s_by_number.end() ? rate_it->second : 0.0;
    column += fmt::format("{}{} {:.0f}", column.empty() ? "" : " ", name, rate);
  }
  return column;
}

nlohmann::json to_json(const std::string& iface, double t, const napilab::Rates& r,
                       const std::optional<napilab::bpf::ObserverRates>& bpf,
                       const BpfColumns& bpf_columns) {
  nlohmann::json j = {{"iface", iface},
                      {"t", t},
                      {"seconds", r.seconds},
                      {"irqs_per_s", r.irqs_per_s},
                      {"irqs_per_s_by_number", r.irqs_per_s_by_number},
                      {"rx_pps", r.rx_pps},
                      {"tx_pps", r.tx_pps},
                      {"squeezes_per_s", r.squeezes_per_s},
                      {"softnet_drops_per_s", r.softnet_drops_per_s},
                      {"mode", napi_mode(r, bpf ? bpf->budget_exhausted_pct : std::nullopt)}};
  j["packets_per_irq"] = r.packets_per_irq ? nlohmann::json(*r.packets_per_irq) : nullptr;
  j["polls_per_s"] = r.polls_per_s ? nlohmann::json(*r.polls_per_s) : nullptr;
  j["budget_exhausted_pct"] =
      r.budget_exhausted_pct ? nlohmann::json(*r.budget_exhausted_pct) : nullptr;
  // The BPF observer's interval (napi-observe --json's fields), or why not.
  j["bpf"] = bpf ? napilab::bpf::to_json(*bpf) : nullptr;
  j["bpf_unavailable"] = bpf_columns.unavailable().empty()
                             ? nlohmann::json(nullptr)
                             : nlohmann::json(bpf_columns.unavailable());
  return j;
}

int run(int argc, char** argv) {
  CLI::App app{"napitop: live view of a NIC's interrupts and NAPI polling"};
  napilab::LiveOptions options;
  napilab::add_live_options(app, options);
  if (const auto rc = napilab::parse_command_line(app, argc, argv)) {
    return *rc;
  }
  const std::string& iface = options.iface;

  auto sampler = napilab::Sampler::create(iface);
  if (!sampler) {
    fmt::print(stderr, "napitop: {}\n", sampler.error().to_string());
    return 1;
  }
  BpfColumns bpf_columns(iface);  // before the first sample: loading takes a while
  auto intervals = napilab::Intervals<napilab::Sampler>::start(std::move(sampler).value());
  if (!intervals) {
    fmt::print(stderr, "napitop: {}\n", intervals.error().to_string());
    return 1;
  }
  const napilab::Sampler& nic = intervals.value().source();
  if (!options.json) {
    fmt::print("napitop: {} (IRQ {}){} - {}\n", iface,
               napilab::irq_lines_label(nic.irqs(), nic.irq_names()),
               nic.has_ethtool() ? "" : " - no ethtool stats", bpf_columns.status());
    fmt::print("{:>7} {:>9} {:>9} {:>9} {:>9} {:>8} {:>9} {:>8} {:>9} {:>8}  {}\n", "time", "IRQ/s",
               "rx pps", "tx pps", "pkts/IRQ", "squeeze", "polls/s", "budget%", "bpf pl/s",
               "bpf bud%", nic.irqs().size() > 1 ? "mode       IRQ/s per line" : "mode");
  }
  return napilab::run_every_interval(options, [&] {
    auto rates = intervals.value().next();
    if (!rates) {
      fmt::print(stderr, "napitop: {}\n", rates.error().to_string());
      return false;
    }
    const napilab::Rates& r = rates.value();
    const auto bpf = bpf_columns.next();
    const double t = intervals.value().elapsed();
    if (options.json) {
      fmt::print("{}\n", to_json(iface, t, r, bpf, bpf_columns).dump());
    } else {
      const std::optional<double> bpf_polls_per_s =
          bpf ? std::optional<double>(bpf->polls_per_s) : std::nullopt;
      const std::optional<double> bpf_budget_pct = bpf ? bpf->budget_exhausted_pct : std::nullopt;
      const std::string per_line = per_line_column(nic, r);
      const std::string mode = napi_mode(r, bpf_budget_pct);
      fmt::print("{:7.1f} {:9.0f} {:9.0f} {:9.0f} {:>9} {:8.1f} {:>9} {:>8} {:>9} {:>8}  {}\n", t,
                 r.irqs_per_s, r.rx_pps, r.tx_pps, format_optional(r.packets_per_irq, "{:.1f}"),
                 r.squeezes_per_s, format_optional(r.polls_per_s, "{:.0f}"),
                 format_optional(r.budget_exhausted_pct, "{:.1f}"),
                 format_optional(bpf_polls_per_s, "{:.0f}"),
                 format_optional(bpf_budget_pct, "{:.1f}"),
                 per_line.empty() ? mode : fmt::format("{:9}  {}", mode, per_line));
    }
    return true;
  });
}
}  // namespace

int main(int argc, char** argv) { return napilab::tool_main("napitop", argc, argv, run); }
