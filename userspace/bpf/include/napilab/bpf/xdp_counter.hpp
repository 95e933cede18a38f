// XdpCounter: the XDP counter (napi_xdp.bpf.c) loaded and attached to one
// interface through a BPF link. RAII: the skeleton (program and map) and
// the link's fd are owned here; destroying the counter closes the link,
// which detaches the program. The link is not pinned, so the kernel also
// detaches it when the process dies by any signal: nothing is left behind.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "napilab/bpf/xdp_stats.hpp"
#include "napilab/result.hpp"
#include "napilab/unique_fd.hpp"

struct napi_xdp_bpf;  // the generated skeleton (napi_xdp.skel.h)

namespace napilab::bpf {

// Where the program runs: native in the driver's napi_poll (the driver's
// ndo_bpf), generic in the kernel on the skb the driver built (any
// interface), auto: native where the driver has it, else generic.
enum class XdpMode { kAuto, kNative, kGeneric };

// "auto", "native", "generic".
std::string_view mode_name(XdpMode mode);

struct XdpCounterOptions {
  std::string iface;
  XdpMode mode = XdpMode::kAuto;
  std::uint16_t drop_udp_port = 0;  // 0: drop nothing
};

class XdpCounter {
 public:
  // Loads the program with its drop port and attaches it to the interface
  // in the mode asked. The error names the cause: no such interface, a
  // mode the driver lacks, an XDP program already there, not root, ...
  static Result<XdpCounter> attach(const XdpCounterOptions& options);

  XdpCounter(XdpCounter&&) noexcept;
  XdpCounter& operator=(XdpCounter&&) noexcept;
  XdpCounter(const XdpCounter&) = delete;
  XdpCounter& operator=(const XdpCounter&) = delete;
  ~XdpCounter();

  // The counters now, summed over CPUs.
  [[nodiscard]] Result<XdpSnapshot> take() const;
  [[nodiscard]] const std::string& iface() const { return iface_; }
  [[nodiscard]] unsigned ifindex() const { return ifindex_; }
  // The mode the kernel attached the program in: kNative or kGeneric.
  [[nodiscard]] XdpMode mode() const { return mode_; }
  [[nodiscard]] std::uint16_t drop_udp_port() const { return drop_udp_port_; }
  [[nodiscard]] std::uint32_t program_id() const { return program_id_; }

  // Let libbpf's own log (verifier output, warnings) through to stderr.
  static void set_libbpf_log(bool enabled);

 private:
  struct SkeletonDeleter {
    void operator()(napi_xdp_bpf* skeleton) const;
  };
  using Skeleton = std::unique_ptr<napi_xdp_bpf, SkeletonDeleter>;

  XdpCounter(Skeleton skeleton, UniqueFd link, const XdpCounterOptions& options, unsigned ifindex,
             XdpMode mode, std::uint32_t program_id);

  // Declared in this order so the link closes (detach) before the
  // skeleton goes (program and map).
  Skeleton skeleton_;
  UniqueFd link_;
  std::string iface_;
  unsigned ifindex_ = 0;
  XdpMode mode_ = XdpMode::kAuto;
  std::uint16_t drop_udp_port_ = 0;
  std::uint32_t program_id_ = 0;
};

}  // namespace napilab::bpf
