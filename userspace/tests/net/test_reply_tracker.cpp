// ReplyTracker on a clock the test drives: on time, late, lost, duplicate
// and unknown replies, expiry order, and the ring's reuse of slots.
#include <gtest/gtest.h>

#include "napilab/net/reply_tracker.hpp"

using napilab::net::ReplyKind;
using napilab::net::ReplyTracker;

TEST(ReplyTracker, OnTimeReplyCarriesItsRtt) {
  ReplyTracker tracker(1000);
  const auto seq = tracker.on_send(100);
  EXPECT_EQ(seq, 0U);
  EXPECT_EQ(tracker.in_flight(), 1U);
  const auto outcome = tracker.on_reply(seq, 100, 150);
  EXPECT_EQ(outcome.kind, ReplyKind::on_time);
  EXPECT_EQ(outcome.rtt_ns, 50U);
  EXPECT_EQ(tracker.in_flight(), 0U);
  EXPECT_EQ(tracker.counts().received(), 1U);
  EXPECT_EQ(tracker.counts().lost(), 0U);
}

TEST(ReplyTracker, ExpiredThenAnsweredIsLateNotLost) {
  ReplyTracker tracker(1000);
  tracker.on_send(0);
  EXPECT_EQ(tracker.next_expiry_ns(), 1000U);
  EXPECT_EQ(tracker.expire(1000), 0U);  // exactly the timeout: still on time
  EXPECT_EQ(tracker.expire(1001), 1U);
  EXPECT_EQ(tracker.in_flight(), 0U);
  EXPECT_FALSE(tracker.next_expiry_ns().has_value());
  EXPECT_EQ(tracker.counts().lost(), 1U);  // until the reply comes
  const auto outcome = tracker.on_reply(0, 0, 2500);
  EXPECT_EQ(outcome.kind, ReplyKind::late);
  EXPECT_EQ(outcome.rtt_ns, 2500U);
  EXPECT_EQ(tracker.counts().late, 1U);
  EXPECT_EQ(tracker.counts().lost(), 0U);
  EXPECT_EQ(tracker.on_reply(0, 0, 2600).kind, ReplyKind::duplicate);
}

TEST(ReplyTracker, PastTheTimeoutBeforeExpiryIsLateToo) {
  ReplyTracker tracker(1000);
  tracker.on_send(0);
  EXPECT_EQ(tracker.on_reply(0, 0, 1001).kind, ReplyKind::late);
  EXPECT_EQ(tracker.in_flight(), 0U);
  EXPECT_EQ(tracker.counts().on_time, 0U);
}

TEST(ReplyTracker, DuplicatesAndUnknownsAreCountedApart) {
  ReplyTracker tracker(1000);
  tracker.on_send(10);
  tracker.on_send(20);
  EXPECT_EQ(tracker.on_reply(1, 20, 30).kind, ReplyKind::on_time);
  EXPECT_EQ(tracker.on_reply(1, 20, 31).kind, ReplyKind::duplicate);
  EXPECT_EQ(tracker.on_reply(7, 0, 32).kind, ReplyKind::unknown);   // never sent
  EXPECT_EQ(tracker.on_reply(0, 99, 33).kind, ReplyKind::unknown);  // not the time we sent
  EXPECT_EQ(tracker.in_flight(), 1U);                               // seq 0 still is
  const auto& counts = tracker.counts();
  EXPECT_EQ(counts.sent, 2U);
  EXPECT_EQ(counts.duplicates, 1U);
  EXPECT_EQ(counts.unknown, 2U);
  EXPECT_EQ(counts.lost(), 1U);
  EXPECT_EQ(counts.sent, counts.received() + counts.lost());
}

TEST(ReplyTracker, ExpiresOldestFirstPastAnsweredOnes) {
  ReplyTracker tracker(100);
  tracker.on_send(0);
  tracker.on_send(10);
  tracker.on_send(20);
  tracker.on_reply(0, 0, 50);
  EXPECT_EQ(tracker.next_expiry_ns(), 110U);  // seq 1 is the oldest in flight
  EXPECT_EQ(tracker.expire(115), 1U);
  EXPECT_EQ(tracker.next_expiry_ns(), 120U);
  EXPECT_EQ(tracker.expire(1000), 1U);
  EXPECT_EQ(tracker.in_flight(), 0U);
}

TEST(ReplyTracker, RingWaitsForItsOldestSlotAndForgetsReusedOnes) {
  ReplyTracker tracker(1000);
  tracker.on_send(0);  // seq 0 stays in flight
  for (std::uint64_t i = 1; i < ReplyTracker::kWindow; ++i) {
    tracker.on_reply(tracker.on_send(0), 0, 1);
  }
  EXPECT_FALSE(tracker.can_send()) << "seq kWindow would reuse seq 0's slot";
  tracker.expire(5000);
  ASSERT_TRUE(tracker.can_send());
  tracker.on_send(6000);  // seq kWindow, in seq 0's slot
  EXPECT_EQ(tracker.on_reply(0, 0, 7000).kind, ReplyKind::unknown);
  EXPECT_EQ(tracker.on_reply(ReplyTracker::kWindow, 6000, 7000).kind, ReplyKind::on_time);
}
