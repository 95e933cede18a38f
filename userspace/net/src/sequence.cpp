#include "napilab/net/sequence.hpp"

#include <algorithm>

namespace napilab::net {
namespace {

void put_be(std::span<std::byte> out, std::size_t offset, std::uint64_t value, std::size_t size) {
  for (std::size_t i = 0; i < size; ++i) {
    out[offset + i] = static_cast<std::byte>(value >> (8 * (size - 1 - i)));
  }
}

std::uint64_t get_be(std::span<const std::byte> in, std::size_t offset, std::size_t size) {
  std::uint64_t value = 0;
  for (std::size_t i = 0; i < size; ++i) {
    value = (value << 8) | std::to_integer<std::uint64_t>(in[offset + i]);
  }
  return value;
}

}  // namespace

void encode_seq_header(std::span<std::byte> out, const SeqHeader& header) {
  put_be(out, 0, kSeqMagic, 4);
  put_be(out, 4, kSeqVersion, 4);
  put_be(out, 8, header.seq, 8);
  put_be(out, 16, header.send_ns, 8);
}

std::optional<SeqHeader> decode_seq_header(std::span<const std::byte> payload) {
  if (payload.size() < kSeqHeaderSize || get_be(payload, 0, 4) != kSeqMagic ||
      get_be(payload, 4, 4) != kSeqVersion) {
    return std::nullopt;
  }
  return SeqHeader{get_be(payload, 8, 8), get_be(payload, 16, 8)};
}

SequenceTracker::SequenceTracker() : window_bits_(kWindow / 64) {}

bool SequenceTracker::seen(std::uint64_t seq) const {
  const std::uint64_t slot = seq % kWindow;
  return ((window_bits_[slot / 64] >> (slot % 64)) & 1U) != 0;
}

void SequenceTracker::mark(std::uint64_t seq, bool value) {
  const std::uint64_t slot = seq % kWindow;
  const std::uint64_t bit = std::uint64_t{1} << (slot % 64);
  window_bits_[slot / 64] =
      value ? (window_bits_[slot / 64] | bit) : (window_bits_[slot / 64] & ~bit);
}

// Numbers that leave the window are forgotten; numbers skipped over are
// cleared so their slots start as "not seen".
void SequenceTracker::advance_to(std::uint64_t seq) {
  const std::uint64_t skipped = std::min(seq - next_expected_, kWindow);
  for (std::uint64_t i = 0; i < skipped; ++i) {
    mark(seq - 1 - i, false);
  }
  next_expected_ = seq + 1;
}

void SequenceTracker::observe(std::uint64_t seq) {
  if (seq >= next_expected_) {
    advance_to(seq);
    mark(seq, true);
    ++delivered_;
    return;
  }
  if (next_expected_ - seq > kWindow) {
    ++reordered_;  // too old to tell a duplicate from a late arrival
    ++delivered_;
    return;
  }
  if (seen(seq)) {
    ++duplicates_;
    return;
  }
  mark(seq, true);
  ++reordered_;
  ++delivered_;
}

SequenceStats SequenceTracker::stats() const {
  const std::uint64_t lost = next_expected_ > delivered_ ? next_expected_ - delivered_ : 0;
  return {delivered_, lost, reordered_, duplicates_};
}

}  // namespace napilab::net
