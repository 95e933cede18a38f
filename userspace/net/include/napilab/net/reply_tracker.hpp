// ReplyTracker: the pingpong client's account of its requests - which are
// in flight, answered in time, answered late, or never answered - in
// constant memory, with the clock passed in so that it is pure.
//
//   on_send       seq n is in flight from its scheduled send time
//   on_reply      in flight and within the timeout: on time (its RTT goes
//                 to the histogram); past the timeout: late (counted, not
//                 in the histogram); answered before: duplicate; never
//                 sent or no longer remembered: unknown
//   expire        requests older than the timeout stop counting as in
//                 flight, so that the client may send others in their place
//   lost()        sent, never answered (neither on time nor late)
//
// Requests live in a ring of kWindow slots, slot = seq % kWindow. A reply
// for a request kWindow or more sequence numbers older than the newest is
// unknown: its slot has been reused. can_send() is false while the slot the
// next request needs still holds one in flight.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

namespace napilab::net {

enum class ReplyKind { on_time, late, duplicate, unknown };

struct ReplyOutcome {
  ReplyKind kind = ReplyKind::unknown;
  std::uint64_t rtt_ns = 0;  // now - scheduled send time, for on_time and late
};

struct ReplyCounts {
  std::uint64_t sent = 0;
  std::uint64_t on_time = 0;
  std::uint64_t late = 0;
  std::uint64_t duplicates = 0;
  std::uint64_t unknown = 0;
  [[nodiscard]] std::uint64_t received() const { return on_time + late; }
  [[nodiscard]] std::uint64_t lost() const { return sent - received(); }
};

class ReplyTracker {
 public:
  static constexpr std::uint64_t kWindow = std::uint64_t{1} << 16;

  explicit ReplyTracker(std::uint64_t timeout_ns);

  [[nodiscard]] bool can_send() const;
  // Returns the request's sequence number. Call only when can_send().
  std::uint64_t on_send(std::uint64_t scheduled_ns);
  // `echoed_send_ns` is the send time the reply carries: it must match the
  // request's, else the reply is unknown (not ours, or corrupted).
  ReplyOutcome on_reply(std::uint64_t seq, std::uint64_t echoed_send_ns, std::uint64_t now_ns);
  // Gives up on the requests older than the timeout; returns how many.
  std::uint64_t expire(std::uint64_t now_ns);
  // When the oldest request in flight times out; nullopt when none is.
  [[nodiscard]] std::optional<std::uint64_t> next_expiry_ns() const;

  [[nodiscard]] std::uint64_t next_seq() const { return next_seq_; }
  [[nodiscard]] std::uint64_t in_flight() const { return in_flight_; }
  [[nodiscard]] const ReplyCounts& counts() const { return counts_; }

 private:
  enum class State : std::uint8_t { free, in_flight, answered, expired };
  struct Slot {
    std::uint64_t seq = 0;
    std::uint64_t sent_ns = 0;
    State state = State::free;
  };

  Slot& slot_of(std::uint64_t seq) { return slots_[seq % kWindow]; }
  [[nodiscard]] const Slot& slot_of(std::uint64_t seq) const { return slots_[seq % kWindow]; }
  void skip_settled();

  std::uint64_t timeout_ns_;
  std::vector<Slot> slots_;
  std::uint64_t next_seq_ = 0;
  std::uint64_t oldest_ = 0;  // no request below it is in flight
  std::uint64_t in_flight_ = 0;
  ReplyCounts counts_;
};

}  // namespace napilab::net
