// NapiObserver: the libbpf NAPI observer (napi_observer.bpf.c) loaded and
// attached for one interface. RAII around the skeleton: open, set the
// read-only tunables (interface, IRQ lines), load, attach; every path out,
// failed or not, goes through the skeleton's one destroy.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "napilab/bpf/observer_stats.hpp"
#include "napilab/result.hpp"

struct napi_observer_bpf;  // the generated skeleton (napi_observer.skel.h)

namespace napilab::bpf {

// What the observer watches: found from sysfs and /proc/interrupts.
struct ObserverTarget {
  std::string iface;
  unsigned ifindex = 0;
  std::vector<int> irqs;               // the NIC's IRQ lines, ascending
  std::vector<std::string> irq_names;  // each line's handlers ("eth0-rx-0"), same order
};

class NapiObserver {
 public:
  // Loads and attaches the programs for IFACE. The error names the cause:
  // no such interface, no BTF, not root, a missing tracepoint, ...
  static Result<NapiObserver> attach(const std::string& iface);

  NapiObserver(NapiObserver&&) noexcept;
  NapiObserver& operator=(NapiObserver&&) noexcept;
  NapiObserver(const NapiObserver&) = delete;
  NapiObserver& operator=(const NapiObserver&) = delete;
  ~NapiObserver();

  // The interface's counters now, summed over CPUs (zero before any event).
  [[nodiscard]] Result<ObserverSnapshot> take() const;
  [[nodiscard]] const ObserverTarget& target() const { return target_; }
  // Empty when every poll's context is read; else why the polls outside the
  // NAPI thread are counted as unknown (the kernel refused the read of the
  // softirq count, e.g. no data symbols in kallsyms).
  [[nodiscard]] const std::string& context_note() const { return context_note_; }

  // Let libbpf's own log (verifier output, warnings) through to stderr;
  // off by default, the error messages name the cause.
  static void set_libbpf_log(bool enabled);

 private:
  struct SkeletonDeleter {
    void operator()(napi_observer_bpf* skeleton) const;
  };
  using Skeleton = std::unique_ptr<napi_observer_bpf, SkeletonDeleter>;

  NapiObserver(Skeleton skeleton, ObserverTarget target, std::string context_note);
  // Open, set the tunables, load with the napi_poll program that reads the
  // CPU's __preempt_count or with the one that does not.
  static Result<Skeleton> load(const ObserverTarget& target, bool read_preempt_count);

  Skeleton skeleton_;
  ObserverTarget target_;
  std::string context_note_;
};

}  // namespace napilab::bpf
