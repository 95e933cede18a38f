// The blaster's payload header (magic, sequence number, send time) and the
// receiver's accounting of delivered, lost, reordered and duplicate packets.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

namespace napilab::net {

struct SeqHeader {
  std::uint64_t seq = 0;
  std::uint64_t send_ns = 0;  // CLOCK_MONOTONIC of the sender (its own clock)
};

// Big-endian on the wire: magic (4) | version (4) | seq (8) | send_ns (8).
inline constexpr std::size_t kSeqHeaderSize = 24;
inline constexpr std::uint32_t kSeqMagic = 0x4e41504c;  // "NAPL"
inline constexpr std::uint32_t kSeqVersion = 1;

// Writes the header into the first kSeqHeaderSize bytes; `out` must hold them.
void encode_seq_header(std::span<std::byte> out, const SeqHeader& header);
// nullopt when the payload is too short or not ours (magic or version).
std::optional<SeqHeader> decode_seq_header(std::span<const std::byte> payload);

struct SequenceStats {
  std::uint64_t delivered = 0;   // distinct sequence numbers received
  std::uint64_t lost = 0;        // sequence numbers below the highest never received
  std::uint64_t reordered = 0;   // arrived after a higher sequence number
  std::uint64_t duplicates = 0;  // a sequence number seen again
};

// Sequence numbers start at 0. Duplicates are recognised within a window of
// the most recent kWindow numbers; anything older counts as reordered.
class SequenceTracker {
 public:
  static constexpr std::uint64_t kWindow = 1U << 16;

  SequenceTracker();
  void observe(std::uint64_t seq);
  [[nodiscard]] SequenceStats stats() const;

 private:
  [[nodiscard]] bool seen(std::uint64_t seq) const;
  void mark(std::uint64_t seq, bool value);
  void advance_to(std::uint64_t seq);

  std::vector<std::uint64_t> window_bits_;
  std::uint64_t next_expected_ = 0;  // highest seen + 1
  std::uint64_t delivered_ = 0;
  std::uint64_t reordered_ = 0;
  std::uint64_t duplicates_ = 0;
};

}  // namespace napilab::net
