#include "libbpf_util.hpp"

#include <unistd.h>

#include <atomic>
#include <cstdarg>
#include <cstdio>
#include <cstring>

namespace napilab::bpf::detail {

namespace {

std::atomic<bool> libbpf_log_enabled{false};

int libbpf_print(enum libbpf_print_level /*level*/, const char* format, va_list args) {
  if (!libbpf_log_enabled.load(std::memory_order_relaxed)) {
    return 0;
  }
  return std::vfprintf(stderr, format, args);
}

}  // namespace

void route_libbpf_log() { libbpf_set_print(libbpf_print); }

void set_libbpf_log(bool enabled) { libbpf_log_enabled.store(enabled, std::memory_order_relaxed); }

std::string errno_text(int err) { return std::strerror(err < 0 ? -err : err); }

std::string explain(std::string_view tool, const std::string& step, int err) {
  err = err < 0 ? -err : err;
  std::string why = step + ": " + errno_text(err);
  if (err == EPERM || err == EACCES) {
    why += geteuid() != 0 ? " - not root: BPF needs root (CAP_BPF and CAP_PERFMON)"
                          : " - the kernel refused BPF (lockdown or a security module?)";
  } else {
    why += " (" + std::string(tool) + " --verbose shows libbpf's log)";
  }
  return why;
}

}  // namespace napilab::bpf::detail
