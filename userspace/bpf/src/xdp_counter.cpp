#include "napilab/bpf/xdp_counter.hpp"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/if_link.h>
#include <net/if.h>

#include <cerrno>
#include <filesystem>
#include <system_error>
#include <utility>

#include "libbpf_util.hpp"
#include "napi_xdp.skel.h"

namespace napilab::bpf {

namespace {

using detail::errno_text;

constexpr std::string_view kTool = "napi-xdp";

// The kernel's flags for a mode (include/uapi/linux/if_link.h): none lets
// it choose, native where the driver has ndo_bpf, else generic.
__u32 mode_flags(XdpMode mode) {
  switch (mode) {
    case XdpMode::kNative:
      return XDP_FLAGS_DRV_MODE;
    case XdpMode::kGeneric:
      return XDP_FLAGS_SKB_MODE;
    case XdpMode::kAuto:
      break;
  }
  return 0;
}

// The name of the interface's driver, from sysfs ("e1000"); "no driver"
// for a virtual interface.
std::string driver_of(const std::string& iface) {
  std::error_code error;
  const auto link =
      std::filesystem::read_symlink("/sys/class/net/" + iface + "/device/driver", error);
  return error ? std::string("no driver") : link.filename().string();
}

// Why the link could not be created, in words that say what to do.
std::string explain_attach(const XdpCounterOptions& options, int err) {
  err = err < 0 ? -err : err;
  const std::string& iface = options.iface;
  const std::string step = "cannot attach XDP to " + iface + " in mode " +
                           std::string(mode_name(options.mode)) + ": " + errno_text(err);
  if (err == EOPNOTSUPP && options.mode == XdpMode::kNative) {
    return step + " - the driver of " + iface + " (" + driver_of(iface) +
           ") has no native XDP; --mode generic works on every interface";
  }
  if (err == EBUSY || err == EEXIST) {
    return step + " - " + iface + " already has an XDP program (ip link show " + iface +
           "; xdp-loader status); napi-xdp does not replace it";
  }
  return detail::explain(kTool, step, err);
}

// The mode the interface's XDP program runs in, and its id, from the
// kernel (the netlink XDP query).
Result<std::pair<XdpMode, std::uint32_t>> attached_mode(unsigned ifindex) {
  bpf_xdp_query_opts query{};
  query.sz = sizeof query;
  if (const int err = bpf_xdp_query(static_cast<int>(ifindex), 0, &query); err != 0) {
    return Error{"cannot query the interface's XDP program: " + errno_text(err)};
  }
  switch (query.attach_mode) {
    case XDP_ATTACHED_DRV:
      return std::pair{XdpMode::kNative, query.drv_prog_id};
    case XDP_ATTACHED_SKB:
      return std::pair{XdpMode::kGeneric, query.skb_prog_id};
    default:
      return Error{"the kernel reports XDP attach mode " + std::to_string(query.attach_mode) +
                   " after the attach, expected native or generic"};
  }
}

}  // namespace

std::string_view mode_name(XdpMode mode) {
  switch (mode) {
    case XdpMode::kNative:
      return "native";
    case XdpMode::kGeneric:
      return "generic";
    case XdpMode::kAuto:
      break;
  }
  return "auto";
}

void XdpCounter::SkeletonDeleter::operator()(napi_xdp_bpf* skeleton) const {
  napi_xdp_bpf__destroy(skeleton);  // unloads the program, frees the map; takes nullptr
}

XdpCounter::XdpCounter(Skeleton skeleton, UniqueFd link, const XdpCounterOptions& options,
                       unsigned ifindex, XdpMode mode, std::uint32_t program_id)
    : skeleton_(std::move(skeleton)),
      link_(std::move(link)),
      iface_(options.iface),
      ifindex_(ifindex),
      mode_(mode),
      drop_udp_port_(options.drop_udp_port),
      program_id_(program_id) {}
XdpCounter::XdpCounter(XdpCounter&&) noexcept = default;
XdpCounter& XdpCounter::operator=(XdpCounter&&) noexcept = default;
XdpCounter::~XdpCounter() = default;

void XdpCounter::set_libbpf_log(bool enabled) { detail::set_libbpf_log(enabled); }

Result<XdpCounter> XdpCounter::attach(const XdpCounterOptions& options) {
  detail::route_libbpf_log();
  const unsigned ifindex = if_nametoindex(options.iface.c_str());
  if (ifindex == 0) {
    return Error{"no interface " + options.iface + " (" + errno_text(errno) + ")"};
  }
  // 1. open: parse the embedded object, nothing in the kernel yet.
  Skeleton skeleton(napi_xdp_bpf__open());
  if (!skeleton) {
    return Error{detail::explain(kTool, "cannot open the BPF object", errno)};
  }
  // 2. the tunable, frozen into .rodata at load.
  skeleton->rodata->drop_udp_port = options.drop_udp_port;
  // 3. load: create the map, verify the program.
  if (const int err = napi_xdp_bpf__load(skeleton.get()); err != 0) {
    return Error{detail::explain(kTool, "cannot load the XDP program", err)};
  }
  // 4. attach through a link (not the netlink attach): its fd owns the
  // attachment, and closing it, or the process's end, detaches.
  bpf_link_create_opts link_options{};
  link_options.sz = sizeof link_options;
  link_options.flags = mode_flags(options.mode);
  UniqueFd link(bpf_link_create(bpf_program__fd(skeleton->progs.napi_xdp_count),
                                static_cast<int>(ifindex), BPF_XDP, &link_options));
  if (!link.valid()) {
    return Error{explain_attach(options, errno)};
  }
  auto attached = attached_mode(ifindex);
  if (!attached) {
    return attached.error();
  }
  const auto [mode, program_id] = attached.value();
  return XdpCounter(std::move(skeleton), std::move(link), options, ifindex, mode, program_id);
}

Result<XdpSnapshot> XdpCounter::take() const {
  XdpSnapshot snapshot;
  snapshot.when = std::chrono::steady_clock::now();
  auto per_cpu = detail::read_per_cpu<napi_xdp_counters>(skeleton_->maps.counters, 0);
  if (!per_cpu) {
    return per_cpu.error();
  }
  snapshot.counters = sum_per_cpu(per_cpu.value());
  return snapshot;
}

}  // namespace napilab::bpf
