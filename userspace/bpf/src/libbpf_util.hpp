// What the loaders of napilab_bpf share: libbpf's log behind one switch,
// errors in words that say what to do, and the read of a per-CPU map entry.
// Internal to napilab_bpf.
#pragma once

#include <bpf/libbpf.h>

#include <cerrno>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "napilab/result.hpp"

namespace napilab::bpf::detail {

// Routes libbpf's log through the switch below (call before libbpf's first
// use); off until set_libbpf_log(true).
void route_libbpf_log();
void set_libbpf_log(bool enabled);

// strerror of an errno value given either way round (libbpf returns -errno).
std::string errno_text(int err);

// "STEP: <strerror>" and what to do: not root, a kernel that refuses BPF,
// else where TOOL's --verbose shows libbpf's log.
std::string explain(std::string_view tool, const std::string& step, int err);

// The values of one entry of a per-CPU map, one per possible CPU; empty
// when the map has no such entry (a hash map before its first event).
template <class Value>
Result<std::vector<Value>> read_per_cpu(const bpf_map* map, std::uint32_t key) {
  const int cpus = libbpf_num_possible_cpus();
  if (cpus <= 0) {
    return Error{"cannot count the possible CPUs: " + errno_text(cpus)};
  }
  // The kernel copies each CPU's value in an 8-byte slot.
  static_assert(sizeof(Value) % 8 == 0);
  std::vector<Value> per_cpu(static_cast<std::size_t>(cpus));
  const int err = bpf_map__lookup_elem(map, &key, sizeof key, per_cpu.data(),
                                       per_cpu.size() * sizeof(Value), 0);
  if (err == -ENOENT) {
    return std::vector<Value>{};
  }
  if (err != 0) {
    return Error{std::string("cannot read the map ") + bpf_map__name(map) + ": " + errno_text(err)};
  }
  return per_cpu;
}

}  // namespace napilab::bpf::detail
