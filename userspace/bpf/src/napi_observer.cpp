#include "napilab/bpf/napi_observer.hpp"

#include <bpf/libbpf.h>
#include <fmt/format.h>
#include <net/if.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <filesystem>
#include <utility>

#include "libbpf_util.hpp"
#include "napi_observer.skel.h"
#include "napilab/interrupts.hpp"
#include "napilab/netdev.hpp"

namespace napilab::bpf {

namespace {

constexpr const char* kBtfPath = "/sys/kernel/btf/vmlinux";

using detail::errno_text;

// Why loading or attaching failed, in words that say what to do.
std::string explain(const std::string& step, int err) {
  if ((err == ENOENT || err == -ENOENT) && step.find("attach") != std::string::npos) {
    return step + ": " + errno_text(err) +
           " - the tracepoint is missing, or tracefs is not mounted"
           " (mount -t tracefs nodev /sys/kernel/tracing)";
  }
  return detail::explain("napi-observe", step, err);
}

// The interface's index and IRQ lines: the numbers from sysfs, each checked
// against /proc/interrupts, which also names the handlers on the line.
Result<ObserverTarget> find_target(const std::string& iface) {
  ObserverTarget target;
  target.iface = iface;
  target.ifindex = if_nametoindex(iface.c_str());
  if (target.ifindex == 0) {
    return Error{"no interface " + iface + " (" + errno_text(errno) + ")"};
  }
  // A virtual interface (lo, veth) has no device and no IRQ lines: only
  // its polls are counted.
  std::error_code no_device;
  if (!std::filesystem::exists("/sys/class/net/" + iface + "/device", no_device)) {
    return target;
  }
  auto irqs = nic_irqs(iface);
  if (!irqs) {
    return Error{"cannot find the IRQ lines of " + iface + ": " + irqs.error().to_string()};
  }
  auto table = read_interrupts();
  if (!table) {
    return Error{"/proc/interrupts: " + table.error().to_string()};
  }
  auto lines = nic_irq_lines(table.value(), irqs.value());
  if (!lines) {
    return Error{iface + ": " + lines.error().to_string()};
  }
  for (const std::string& id : irqs.value()) {
    if (table.value().find(id) == nullptr) {
      return Error{
          fmt::format("{}: IRQ {} is not in /proc/interrupts (is the interface up?)", iface, id)};
    }
  }
  for (const NicIrqLine& line : lines.value()) {
    int irq = 0;
    const auto [end, ec] =
        std::from_chars(line.number.data(), line.number.data() + line.number.size(), irq);
    if (ec != std::errc{} || end != line.number.data() + line.number.size()) {
      return Error{fmt::format("{}: IRQ '{}' does not fit an int", iface, line.number)};
    }
    target.irqs.push_back(irq);
    target.irq_names.push_back(line.name);
  }
  if (target.irqs.size() > NAPI_OBS_MAX_IRQS) {
    return Error{iface + " has " + std::to_string(target.irqs.size()) +
                 " IRQ lines, the observer counts at most " + std::to_string(NAPI_OBS_MAX_IRQS)};
  }
  return target;
}

}  // namespace

void NapiObserver::SkeletonDeleter::operator()(napi_observer_bpf* skeleton) const {
  napi_observer_bpf__destroy(skeleton);  // detaches, unloads, frees; takes nullptr
}

NapiObserver::NapiObserver(Skeleton skeleton, ObserverTarget target, std::string context_note)
    : skeleton_(std::move(skeleton)),
      target_(std::move(target)),
      context_note_(std::move(context_note)) {}
NapiObserver::NapiObserver(NapiObserver&&) noexcept = default;
NapiObserver& NapiObserver::operator=(NapiObserver&&) noexcept = default;
NapiObserver::~NapiObserver() = default;

void NapiObserver::set_libbpf_log(bool enabled) { detail::set_libbpf_log(enabled); }

Result<NapiObserver> NapiObserver::attach(const std::string& iface) {
  detail::route_libbpf_log();
  auto target = find_target(iface);
  if (!target) {
    return target.error();
  }
  if (access(kBtfPath, R_OK) != 0) {
    return Error{std::string("the kernel has no BTF (") + kBtfPath + ": " + errno_text(errno) +
                 "): CO-RE cannot relocate the program; it needs CONFIG_DEBUG_INFO_BTF=y"};
  }

  // 1.-3. open, set the tunables, load: with the napi_poll program that
  // reads __preempt_count, else (the kernel refused it) with the one that
  // does not, whose polls outside the NAPI thread are context unknown.
  // The same program but for that read: if the second loads, the read was
  // what the kernel refused, and the first error names why.
  bool reads_preempt_count = true;
  auto loaded = load(target.value(), reads_preempt_count);
  std::string context_note;
  if (!loaded) {
    reads_preempt_count = false;
    auto fallback = load(target.value(), reads_preempt_count);
    if (!fallback) {
      return loaded.error();
    }
    context_note =
        "where the polls ran is unknown outside the NAPI thread: the kernel refused to read"
        " __preempt_count (" +
        loaded.error().to_string() + ")";
    loaded = std::move(fallback);
  }
  Skeleton skeleton = std::move(loaded).value();
  // 4. attach each program, so the error names the tracepoint. These two
  // only: each attach patches the tracepoint's site into the kernel's text,
  // and where the polls ran is read inside the napi_poll program.
  auto& progs = skeleton->progs;
  auto& links = skeleton->links;
  const struct {
    bpf_program* program;
    bpf_link** link;
    const char* tracepoint;
  } attachments[] = {
      {reads_preempt_count ? progs.on_napi_poll : progs.on_napi_poll_no_preempt_count,
       reads_preempt_count ? &links.on_napi_poll : &links.on_napi_poll_no_preempt_count,
       "napi:napi_poll"},
      {skeleton->progs.on_irq_handler_entry, &skeleton->links.on_irq_handler_entry,
       "irq:irq_handler_entry"},
  };
  for (const auto& a : attachments) {
    *a.link = bpf_program__attach(a.program);
    if (*a.link == nullptr) {
      return Error{explain(std::string("cannot attach to the tracepoint ") + a.tracepoint, errno)};
    }
  }
  return NapiObserver(std::move(skeleton), std::move(target).value(), std::move(context_note));
}

Result<NapiObserver::Skeleton> NapiObserver::load(const ObserverTarget& target,
                                                  bool read_preempt_count) {
  // 1. open: parse the embedded object, nothing in the kernel yet.
  Skeleton skeleton(napi_observer_bpf__open());
  if (!skeleton) {
    return Error{explain("cannot open the BPF object", errno)};
  }
  // 2. the tunables, frozen into .rodata at load, and which napi_poll
  // program goes into the kernel.
  auto* rodata = skeleton->rodata;
  rodata->filter_ifindex = target.ifindex;
  rodata->irq_count = static_cast<__u32>(target.irqs.size());
  for (std::size_t i = 0; i < target.irqs.size(); ++i) {
    rodata->irqs[i] = target.irqs[i];
  }
  bpf_program__set_autoload(skeleton->progs.on_napi_poll, read_preempt_count);
  bpf_program__set_autoload(skeleton->progs.on_napi_poll_no_preempt_count, !read_preempt_count);
  // 3. load: create the map, relocate (CO-RE) and verify the programs.
  if (const int err = napi_observer_bpf__load(skeleton.get()); err != 0) {
    return Error{explain("cannot load the BPF programs", err)};
  }
  return skeleton;
}

Result<ObserverSnapshot> NapiObserver::take() const {
  ObserverSnapshot snapshot;
  snapshot.when = std::chrono::steady_clock::now();
  auto per_cpu = detail::read_per_cpu<napi_obs_counters>(skeleton_->maps.counters, target_.ifindex);
  if (!per_cpu) {
    return per_cpu.error();
  }
  snapshot.counters = sum_per_cpu(per_cpu.value());  // zero before the first event
  return snapshot;
}

}  // namespace napilab::bpf
