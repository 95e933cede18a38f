#include "napilab/net/pingpong_client.hpp"

#include <sys/timerfd.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <system_error>

#include "napilab/net/sequence.hpp"
#include "napilab/net/socket.hpp"
#include "pingpong_io.hpp"

namespace napilab::net {
namespace {

// A wait in poll/epoll returns at least this often, and in recv mode each
// recv: the timeouts and the end of the run are checked that often.
constexpr std::uint64_t kMaxWaitNs = 100'000'000;

UniqueFd connect_to(const PingConfig& config) {
  return config.protocol == Protocol::udp ? udp_connected(config.endpoint)
                                          : tcp_connected(config.endpoint);
}

std::chrono::microseconds recv_slice(const PingConfig& config) {
  const auto timeout = std::chrono::duration_cast<std::chrono::microseconds>(config.timeout);
  return std::clamp(timeout, std::chrono::microseconds(1000),
                    std::chrono::microseconds(kMaxWaitNs / 1000));
}

}  // namespace

PingClient::PingClient(const PingConfig& config)
    : config_(config),
      waiter_(std::make_unique<SocketWaiter>(config.wait, config.trigger)),
      tracker_(static_cast<std::uint64_t>(config.timeout.count())),
      message_(config.size) {
  UniqueFd socket = connect_to(config_);
  prepare_socket(socket.get(), config_, recv_slice(config_));
  channel_ = std::make_unique<MessageChannel>(std::move(socket), config_.protocol, config_.size);
  if (config_.rate != 0 && !waiter_->blocking()) {
    schedule_timer_ = UniqueFd(::timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC));
    if (!schedule_timer_.valid()) {
      throw std::system_error(errno, std::generic_category(), "timerfd_create");
    }
    waiter_->watch(schedule_timer_.get(), event::kReadable);
  }
}

PingClient::~PingClient() = default;

std::uint64_t PingClient::scheduled_ns(std::uint64_t index) const {
  // No overflow: to_config bounds rate (2M/s) and duration (1 h), so index
  // stays below 2^33 and index * 10^9 below 2^63.
  return start_ns_ + index * 1'000'000'000U / config_.rate;
}

// The timerfd wakes the wait when the next request is due (the Poller's
// timeout has only millisecond steps); armed again only when that changes.
void PingClient::arm_schedule(std::uint64_t due_ns) {
  if (!schedule_timer_.valid() || due_ns == armed_ns_) {
    return;
  }
  itimerspec when{};
  when.it_value.tv_sec = static_cast<time_t>(due_ns / 1'000'000'000U);
  when.it_value.tv_nsec = static_cast<long>(due_ns % 1'000'000'000U);
  if (::timerfd_settime(schedule_timer_.get(), TFD_TIMER_ABSTIME, &when, nullptr) != 0) {
    throw std::system_error(errno, std::generic_category(), "timerfd_settime");
  }
  armed_ns_ = due_ns;
}

// Sends every request that is due and has a place, until one is not.
void PingClient::send_due() {
  if (channel_->pending() && !channel_->flush()) {
    sending_ = false;  // the connection broke: what is outstanding is lost
    return;
  }
  for (;;) {
    const std::uint64_t index = tracker_.counts().sent;
    if (config_.count != 0 && index >= config_.count) {
      sending_ = false;
      return;
    }
    const std::uint64_t now_ns = monotonic_ns();
    const std::uint64_t due_ns = config_.rate != 0 ? scheduled_ns(index) : now_ns;
    if (now_ns >= send_end_ns_) {
      sending_ = false;
      return;
    }
    if (due_ns >= send_end_ns_) {
      return;  // the schedule is done: the run still lasts its duration
    }
    if (due_ns > now_ns) {
      arm_schedule(due_ns);
      return;
    }
    if (tracker_.in_flight() >= config_.inflight || !tracker_.can_send() || channel_->pending()) {
      return;
    }
    encode_seq_header(message_, {tracker_.next_seq(), due_ns});
    const SendResult result = channel_->send(message_);
    if (result == SendResult::failed) {
      ++stats_.send_errors;
      if (config_.protocol == Protocol::tcp) {
        sending_ = false;
      }
      return;
    }
    if (result == SendResult::would_block) {
      return;
    }
    tracker_.on_send(due_ns);
  }
}

bool PingClient::on_reply(std::span<const std::byte> message) {
  const auto header = decode_seq_header(message);
  if (!header) {
    ++stats_.malformed;
    return true;
  }
  const ReplyOutcome outcome = tracker_.on_reply(header->seq, header->send_ns, monotonic_ns());
  if (outcome.kind == ReplyKind::on_time) {
    stats_.rtt.record(outcome.rtt_ns);
  }
  return true;
}

void PingClient::receive(bool first_blocks) {
  const ReadEnd end = channel_->read_messages(
      [this](std::span<const std::byte> message) { return on_reply(message); }, first_blocks);
  if (end == ReadEnd::closed) {
    sending_ = false;  // the server went away
  }
}

// One wait for a reply, the schedule or a timeout, whichever comes first.
void PingClient::wait_and_receive(std::uint64_t now_ns, std::uint64_t phase_end_ns) {
  if (waiter_->blocking()) {
    receive(true);
    return;
  }
  std::uint64_t wait_ns = std::min(kMaxWaitNs, phase_end_ns > now_ns ? phase_end_ns - now_ns : 0);
  if (const auto expiry_ns = tracker_.next_expiry_ns()) {
    wait_ns = std::min(wait_ns, *expiry_ns > now_ns ? *expiry_ns - now_ns : 0);
  }
  const int socket = channel_->fd();
  waiter_->watch(socket, event::kReadable | (channel_->pending() ? event::kWritable : 0U));
  for (const ReadyEvent& ready : waiter_->wait(std::chrono::nanoseconds(wait_ns))) {
    if (ready.fd == schedule_timer_.get()) {
      std::uint64_t expirations = 0;
      (void)::read(ready.fd, &expirations, sizeof(expirations));
      armed_ns_ = 0;
    } else if (ready.fd == socket && (ready.events & event::kWritable) != 0) {
      (void)channel_->flush();  // a broken connection shows on the read
    }
  }
  // Read whether or not the socket was reported: a no-op when nothing is
  // queued, and what edge-triggered epoll needs after a wake-up for the timer.
  receive(false);
}

ClientStats PingClient::run() {
  const CpuTime cpu_start = process_cpu_time();
  start_ns_ = monotonic_ns();
  send_end_ns_ = start_ns_ + static_cast<std::uint64_t>(config_.duration.count());
  std::uint64_t drain_end_ns = 0;
  for (;;) {
    tracker_.expire(monotonic_ns());
    if (sending_ && config_.stop != nullptr && *config_.stop != 0) {
      sending_ = false;  // told to stop: as at the end of the duration
      drain_end_ns = monotonic_ns() + static_cast<std::uint64_t>(config_.timeout.count());
    }
    if (sending_) {
      send_due();
      if (!sending_) {
        drain_end_ns = monotonic_ns() + static_cast<std::uint64_t>(config_.timeout.count());
      }
    }
    const std::uint64_t now_ns = monotonic_ns();
    if (!sending_ && (tracker_.in_flight() == 0 || now_ns >= drain_end_ns)) {
      break;
    }
    wait_and_receive(now_ns, sending_ ? send_end_ns_ : drain_end_ns);
  }
  stats_.elapsed = std::chrono::nanoseconds(monotonic_ns() - start_ns_);
  stats_.replies = tracker_.counts();
  stats_.malformed += channel_->malformed();
  stats_.cpu = process_cpu_time() - cpu_start;
  return stats_;
}

}  // namespace napilab::net
