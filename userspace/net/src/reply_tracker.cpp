#include "napilab/net/reply_tracker.hpp"

namespace napilab::net {

ReplyTracker::ReplyTracker(std::uint64_t timeout_ns) : timeout_ns_(timeout_ns), slots_(kWindow) {}

bool ReplyTracker::can_send() const { return next_seq_ - oldest_ < kWindow; }

std::uint64_t ReplyTracker::on_send(std::uint64_t scheduled_ns) {
  const std::uint64_t seq = next_seq_++;
  slot_of(seq) = {seq, scheduled_ns, State::in_flight};
  ++in_flight_;
  ++counts_.sent;
  return seq;
}

ReplyOutcome ReplyTracker::on_reply(std::uint64_t seq, std::uint64_t echoed_send_ns,
                                    std::uint64_t now_ns) {
  Slot& slot = slot_of(seq);
  if (seq >= next_seq_ || slot.seq != seq || slot.state == State::free ||
      slot.sent_ns != echoed_send_ns) {
    ++counts_.unknown;
    return {ReplyKind::unknown, 0};
  }
  if (slot.state == State::answered) {
    ++counts_.duplicates;
    return {ReplyKind::duplicate, 0};
  }
  // A clock that went backwards (it should not: CLOCK_MONOTONIC) reads 0.
  const std::uint64_t rtt_ns = now_ns > slot.sent_ns ? now_ns - slot.sent_ns : 0;
  const bool was_in_flight = slot.state == State::in_flight;
  slot.state = State::answered;
  if (was_in_flight) {
    --in_flight_;
    skip_settled();
  }
  // Late either way: expired already, or past the timeout before expire() ran.
  if (!was_in_flight || rtt_ns > timeout_ns_) {
    ++counts_.late;
    return {ReplyKind::late, rtt_ns};
  }
  ++counts_.on_time;
  return {ReplyKind::on_time, rtt_ns};
}

// Moves oldest_ past the requests that are no longer in flight. Amortised
// O(1): each sequence number is passed once.
void ReplyTracker::skip_settled() {
  while (oldest_ < next_seq_ && slot_of(oldest_).state != State::in_flight) {
    ++oldest_;
  }
}

std::uint64_t ReplyTracker::expire(std::uint64_t now_ns) {
  std::uint64_t expired = 0;
  skip_settled();
  // Requests go out in the order of their scheduled times, so the oldest in
  // flight is the first to time out.
  while (oldest_ < next_seq_) {
    Slot& slot = slot_of(oldest_);
    if (now_ns < slot.sent_ns || now_ns - slot.sent_ns <= timeout_ns_) {
      break;
    }
    slot.state = State::expired;
    --in_flight_;
    ++expired;
    skip_settled();
  }
  return expired;
}

std::optional<std::uint64_t> ReplyTracker::next_expiry_ns() const {
  if (in_flight_ == 0) {
    return std::nullopt;
  }
  // oldest_ is in flight whenever any is (skip_settled runs on each change).
  return slot_of(oldest_).sent_ns + timeout_ns_;
}

}  // namespace napilab::net
