// napi_xdp.bpf.c itself, run by the kernel on frames built here
// (BPF_PROG_TEST_RUN): the verdict and the protocol each frame is counted
// under, through VLAN tags, IPv4 options, IPv6 extension headers, fragments
// and cut headers. Needs root (loading BPF); skipped, saying so, without.
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <initializer_list>
#include <memory>
#include <vector>

#include "libbpf_util.hpp"
#include "napi_xdp.skel.h"
#include "napilab/bpf/xdp_stats.hpp"

namespace {

using Frame = std::vector<std::uint8_t>;

constexpr std::uint16_t kDropPort = 9001;
constexpr std::uint16_t kOtherPort = 9002;

// XDP's verdicts (include/uapi/linux/bpf.h).
constexpr std::uint32_t kDrop = XDP_DROP;
constexpr std::uint32_t kPass = XDP_PASS;

void put16(Frame& f, std::uint16_t v) {
  f.push_back(static_cast<std::uint8_t>(v >> 8));
  f.push_back(static_cast<std::uint8_t>(v & 0xFF));
}

void append(Frame& f, const Frame& more) { f.insert(f.end(), more.begin(), more.end()); }

// Destination and source MAC, then the Ethernet type (or a tag's TPID).
Frame ethernet(std::initializer_list<std::uint16_t> types) {
  Frame f(12, 0x02);
  for (const std::uint16_t type : types) {
    put16(f, type);
    if (type == 0x8100 || type == 0x88A8) {
      put16(f, 0x0064);  // the tag's TCI (VLAN 100); the next value is the inner type
    }
  }
  return f;
}

// An IPv4 header of IHL 32-bit words; frag_offset in 8-byte units.
Frame ipv4(std::uint8_t protocol, std::uint8_t ihl = 5, std::uint16_t frag_offset = 0) {
  Frame f(static_cast<std::size_t>(ihl) * 4, 0);
  f[0] = static_cast<std::uint8_t>(0x40 | ihl);
  f[6] = static_cast<std::uint8_t>(frag_offset >> 8);
  f[7] = static_cast<std::uint8_t>(frag_offset & 0xFF);
  f[8] = 64;  // TTL
  f[9] = protocol;
  return f;
}

Frame ipv6(std::uint8_t next_header) {
  Frame f(40, 0);
  f[0] = 0x60;
  f[6] = next_header;
  f[7] = 64;  // hop limit
  return f;
}

// An 8-byte IPv6 extension header (hop-by-hop, routing, destination options).
Frame ipv6_option(std::uint8_t next_header) {
  Frame f(8, 0);
  f[0] = next_header;
  return f;
}

// An IPv6 fragment header; offset in 8-byte units.
Frame ipv6_fragment(std::uint8_t next_header, std::uint16_t offset) {
  Frame f(8, 0);
  f[0] = next_header;
  const auto field = static_cast<std::uint16_t>(offset << 3);
  f[2] = static_cast<std::uint8_t>(field >> 8);
  f[3] = static_cast<std::uint8_t>(field & 0xFF);
  return f;
}

Frame udp(std::uint16_t dest) {
  Frame f;
  put16(f, 40000);
  put16(f, dest);
  put16(f, 8 + 18);
  put16(f, 0);
  f.resize(f.size() + 18, 0);  // payload
  return f;
}

Frame tcp() { return Frame(20, 0); }

Frame frame(std::initializer_list<Frame> parts) {
  Frame f;
  for (const Frame& part : parts) {
    append(f, part);
  }
  return f;
}

struct SkeletonDeleter {
  void operator()(napi_xdp_bpf* skeleton) const { napi_xdp_bpf__destroy(skeleton); }
};

class XdpProgram : public ::testing::Test {
 protected:
  void SetUp() override {
    if (geteuid() != 0) {
      GTEST_SKIP() << "loading BPF needs root";
    }
    load(kDropPort);
  }
  // Opens and loads the program with DROP_PORT; a skip here (from SetUp)
  // keeps the test body from running.
  void load(std::uint16_t drop_port) {
    skeleton_.reset(napi_xdp_bpf__open());
    ASSERT_NE(skeleton_, nullptr) << "cannot open the BPF object";
    skeleton_->rodata->drop_udp_port = drop_port;
    const int err = napi_xdp_bpf__load(skeleton_.get());
    if (err == -EPERM) {
      // Root without CAP_BPF/CAP_SYS_ADMIN (an unprivileged container).
      GTEST_SKIP() << "the kernel refused BPF to this process (EPERM)";
    }
    ASSERT_EQ(err, 0) << "the kernel refused napi_xdp.bpf.c: "
                      << napilab::bpf::detail::errno_text(err);
  }

  // The verdict on FRAME, and what it was counted under.
  std::uint32_t run(const Frame& frame) {
    bpf_test_run_opts opts{};
    opts.sz = sizeof opts;
    opts.data_in = frame.data();
    opts.data_size_in = static_cast<std::uint32_t>(frame.size());
    opts.repeat = 1;
    const int err = bpf_prog_test_run_opts(bpf_program__fd(skeleton_->progs.napi_xdp_count), &opts);
    EXPECT_EQ(err, 0) << "BPF_PROG_TEST_RUN: " << napilab::bpf::detail::errno_text(err);
    return opts.retval;
  }

  napi_xdp_counters counters() {
    auto per_cpu =
        napilab::bpf::detail::read_per_cpu<napi_xdp_counters>(skeleton_->maps.counters, 0);
    EXPECT_TRUE(per_cpu.ok()) << per_cpu.error().to_string();
    return per_cpu ? napilab::bpf::sum_per_cpu(per_cpu.value()) : napi_xdp_counters{};
  }

  // Runs FRAME and expects VERDICT, and one frame of its length more
  // under PROTO (and in the drops when dropped).
  void expect(const Frame& frame, std::uint32_t verdict, napi_xdp_proto proto) {
    const napi_xdp_counters before = counters();
    EXPECT_EQ(run(frame), verdict);
    const napi_xdp_counters after = counters();
    for (std::size_t p = 0; p < NAPI_XDP_PROTOS; ++p) {
      const std::uint64_t more = p == static_cast<std::size_t>(proto) ? 1 : 0;
      EXPECT_EQ(after.proto[p].frames - before.proto[p].frames, more)
          << napilab::bpf::kXdpProtoNames[p];
      EXPECT_EQ(after.proto[p].bytes - before.proto[p].bytes, more * frame.size())
          << napilab::bpf::kXdpProtoNames[p];
    }
    const std::uint64_t dropped = verdict == kDrop ? 1 : 0;
    EXPECT_EQ(after.dropped.frames - before.dropped.frames, dropped);
    EXPECT_EQ(after.dropped.bytes - before.dropped.bytes, dropped * frame.size());
  }

  std::unique_ptr<napi_xdp_bpf, SkeletonDeleter> skeleton_;
};

TEST_F(XdpProgram, DropsUdpToTheChosenPortOnly) {
  expect(frame({ethernet({0x0800}), ipv4(17), udp(kDropPort)}), kDrop, NAPI_XDP_IPV4_UDP);
  expect(frame({ethernet({0x0800}), ipv4(17), udp(kOtherPort)}), kPass, NAPI_XDP_IPV4_UDP);
  expect(frame({ethernet({0x86DD}), ipv6(17), udp(kDropPort)}), kDrop, NAPI_XDP_IPV6_UDP);
  expect(frame({ethernet({0x86DD}), ipv6(17), udp(kOtherPort)}), kPass, NAPI_XDP_IPV6_UDP);
}

TEST_F(XdpProgram, CountsEachProtocol) {
  expect(frame({ethernet({0x0800}), ipv4(6), tcp()}), kPass, NAPI_XDP_IPV4_TCP);
  expect(frame({ethernet({0x0800}), ipv4(1), Frame(8, 0)}), kPass, NAPI_XDP_IPV4_ICMP);
  expect(frame({ethernet({0x0800}), ipv4(47), Frame(8, 0)}), kPass, NAPI_XDP_IPV4_OTHER);
  expect(frame({ethernet({0x86DD}), ipv6(6), tcp()}), kPass, NAPI_XDP_IPV6_TCP);
  expect(frame({ethernet({0x86DD}), ipv6(58), Frame(8, 0)}), kPass, NAPI_XDP_IPV6_ICMP);
  expect(frame({ethernet({0x86DD}), ipv6(47), Frame(8, 0)}), kPass, NAPI_XDP_IPV6_OTHER);
  expect(frame({ethernet({0x0806}), Frame(28, 0)}), kPass, NAPI_XDP_ARP);
  expect(frame({ethernet({0x88CC}), Frame(46, 0)}), kPass, NAPI_XDP_OTHER);  // LLDP
}

TEST_F(XdpProgram, FindsUdpBehindVlanTagsOptionsAndExtensionHeaders) {
  expect(frame({ethernet({0x8100, 0x0800}), ipv4(17), udp(kDropPort)}), kDrop, NAPI_XDP_IPV4_UDP);
  expect(frame({ethernet({0x88A8, 0x8100, 0x86DD}), ipv6(17), udp(kDropPort)}), kDrop,
         NAPI_XDP_IPV6_UDP);
  expect(frame({ethernet({0x0800}), ipv4(17, 6), udp(kDropPort)}), kDrop, NAPI_XDP_IPV4_UDP);
  expect(frame({ethernet({0x86DD}), ipv6(0), ipv6_option(60), ipv6_option(17), udp(kDropPort)}),
         kDrop, NAPI_XDP_IPV6_UDP);
  expect(frame({ethernet({0x86DD}), ipv6(44), ipv6_fragment(17, 0), udp(kDropPort)}), kDrop,
         NAPI_XDP_IPV6_UDP);
  EXPECT_EQ(counters().vlan_frames, 2U);
}

TEST_F(XdpProgram, LaterFragmentsAndCutHeadersAreCountedNotDropped) {
  // A later fragment's payload is not a UDP header, whatever it holds.
  expect(frame({ethernet({0x0800}), ipv4(17, 5, 185), udp(kDropPort)}), kPass, NAPI_XDP_IPV4_UDP);
  expect(frame({ethernet({0x86DD}), ipv6(44), ipv6_fragment(17, 185), udp(kDropPort)}), kPass,
         NAPI_XDP_IPV6_UDP);
  // The UDP header cut after 4 bytes: UDP, port unknown.
  Frame cut_udp = frame({ethernet({0x0800}), ipv4(17)});
  append(cut_udp, Frame{0x9C, 0x40, 0x23, 0x29});
  expect(cut_udp, kPass, NAPI_XDP_IPV4_UDP);
  // An IP header cut short, or with an IHL below 5: its family's other.
  expect(frame({ethernet({0x0800}), Frame{0x45, 0, 0, 0, 0, 0, 0, 0, 64, 17}}), kPass,
         NAPI_XDP_IPV4_OTHER);
  expect(frame({ethernet({0x0800}), ipv4(17, 4), udp(kDropPort)}), kPass, NAPI_XDP_IPV4_OTHER);
  expect(frame({ethernet({0x86DD}), Frame(20, 0x60)}), kPass, NAPI_XDP_IPV6_OTHER);
  // A VLAN tag cut after its TPID.
  Frame cut_tag(12, 0x02);
  put16(cut_tag, 0x8100);
  put16(cut_tag, 0x0064);
  cut_tag.resize(cut_tag.size() + 1, 0);  // one byte of the inner type
  expect(cut_tag, kPass, NAPI_XDP_OTHER);
}

TEST_F(XdpProgram, PortZeroDropsNothing) {
  load(0);
  if (IsSkipped()) {
    return;
  }
  expect(frame({ethernet({0x0800}), ipv4(17), udp(0)}), kPass, NAPI_XDP_IPV4_UDP);
  expect(frame({ethernet({0x0800}), ipv4(17), udp(kDropPort)}), kPass, NAPI_XDP_IPV4_UDP);
}

}  // namespace
