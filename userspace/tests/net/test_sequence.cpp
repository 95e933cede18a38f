#include <gtest/gtest.h>

#include <array>
#include <initializer_list>

#include "napilab/net/sequence.hpp"

using napilab::net::decode_seq_header;
using napilab::net::encode_seq_header;
using napilab::net::kSeqHeaderSize;
using napilab::net::SequenceStats;
using napilab::net::SequenceTracker;

namespace {

SequenceStats track(std::initializer_list<std::uint64_t> arrivals) {
  SequenceTracker tracker;
  for (const std::uint64_t seq : arrivals) {
    tracker.observe(seq);
  }
  return tracker.stats();
}

}  // namespace

TEST(SeqHeader, RoundTripsBigEndian) {
  std::array<std::byte, 64> payload{};
  encode_seq_header(payload, {0x0102030405060708U, 42});
  EXPECT_EQ(payload[0], std::byte{'N'});
  EXPECT_EQ(payload[8], std::byte{0x01});
  EXPECT_EQ(payload[15], std::byte{0x08});
  const auto decoded = decode_seq_header(payload);
  ASSERT_TRUE(decoded.has_value());
  EXPECT_EQ(decoded->seq, 0x0102030405060708U);
  EXPECT_EQ(decoded->send_ns, 42U);
}

TEST(SeqHeader, ForeignOrShortPayloadIsNotOurs) {
  std::array<std::byte, kSeqHeaderSize> payload{};
  EXPECT_FALSE(decode_seq_header(payload).has_value());  // zero magic
  encode_seq_header(payload, {1, 2});
  EXPECT_FALSE(decode_seq_header(std::span(payload).first(kSeqHeaderSize - 1)).has_value());
  payload[7] = std::byte{9};  // unknown version
  EXPECT_FALSE(decode_seq_header(payload).has_value());
}

TEST(SequenceTracker, InOrderHasNoLoss) {
  const auto stats = track({0, 1, 2, 3, 4});
  EXPECT_EQ(stats.delivered, 5U);
  EXPECT_EQ(stats.lost, 0U);
  EXPECT_EQ(stats.reordered, 0U);
  EXPECT_EQ(stats.duplicates, 0U);
}

TEST(SequenceTracker, GapsAreLost) {
  const auto stats = track({0, 1, 4, 5, 9});
  EXPECT_EQ(stats.delivered, 5U);
  EXPECT_EQ(stats.lost, 5U);  // 2 3 6 7 8
}

TEST(SequenceTracker, FirstPacketsMissingAreLost) { EXPECT_EQ(track({3, 4}).lost, 3U); }

TEST(SequenceTracker, LateArrivalIsReorderedNotLost) {
  const auto stats = track({0, 2, 1, 3});
  EXPECT_EQ(stats.delivered, 4U);
  EXPECT_EQ(stats.lost, 0U);
  EXPECT_EQ(stats.reordered, 1U);
}

TEST(SequenceTracker, DuplicatesCountedOnce) {
  const auto stats = track({0, 1, 1, 2, 0, 2});
  EXPECT_EQ(stats.delivered, 3U);
  EXPECT_EQ(stats.duplicates, 3U);
  EXPECT_EQ(stats.lost, 0U);
}

TEST(SequenceTracker, SlotReuseAcrossTheWindowIsNotADuplicate) {
  // seq and seq + kWindow share a slot; the jump must clear it.
  SequenceTracker tracker;
  tracker.observe(5);
  tracker.observe(5 + SequenceTracker::kWindow);
  tracker.observe(6 + SequenceTracker::kWindow);
  const auto stats = tracker.stats();
  EXPECT_EQ(stats.duplicates, 0U);
  EXPECT_EQ(stats.delivered, 3U);
  EXPECT_EQ(stats.lost, SequenceTracker::kWindow + 7 - 3);
}

TEST(SequenceTracker, TooOldCountsAsReordered) {
  SequenceTracker tracker;
  tracker.observe(2 * SequenceTracker::kWindow);
  tracker.observe(1);
  EXPECT_EQ(tracker.stats().reordered, 1U);
  EXPECT_EQ(tracker.stats().delivered, 2U);
}
