#include "napilab/net/blaster.hpp"

#include <cerrno>
#include <ctime>
#include <span>
#include <string>

#include "clock.hpp"
#include "napilab/net/sequence.hpp"
#include "napilab/net/socket.hpp"

namespace napilab::net {
namespace {

void sleep_until_ns(std::uint64_t deadline_ns) {
  timespec deadline{};
  deadline.tv_sec = static_cast<time_t>(deadline_ns / 1'000'000'000U);
  deadline.tv_nsec = static_cast<long>(deadline_ns % 1'000'000'000U);
  // EINTR only shortens the sleep; the pacing loop re-reads the clock.
  ::clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &deadline, nullptr);
}

}  // namespace

std::optional<Error> validate(const BlastConfig& config, bool allow_any_destination) {
  if (!allow_any_destination && !is_lab_destination(config.destination)) {
    return Error{"destination " + config.destination.to_string() +
                 " is outside loopback (127.0.0.0/8) and the test bed (10.77.0.0/24); "
                 "pass --allow-any-destination if you really mean it"};
  }
  if (config.destination.port == 0) {
    return Error{"destination port 0: give the receiver's port, e.g. 10.77.0.2:9000"};
  }
  if (config.rate_pps == 0 || config.rate_pps > kMaxRatePps) {
    return Error{"rate " + std::to_string(config.rate_pps) + " pps: must be 1.." +
                 std::to_string(kMaxRatePps)};
  }
  if (config.duration <= std::chrono::nanoseconds::zero() || config.duration > kMaxBlastDuration) {
    return Error{"duration must be more than 0 and at most " +
                 std::to_string(kMaxBlastDuration.count()) + " s"};
  }
  if (config.payload_size < kSeqHeaderSize || config.payload_size > kMaxPayload) {
    return Error{"size " + std::to_string(config.payload_size) + ": UDP payload must be " +
                 std::to_string(kSeqHeaderSize) + ".." + std::to_string(kMaxPayload) +
                 " bytes (the sequence header takes " + std::to_string(kSeqHeaderSize) + ")"};
  }
  if (config.batch == 0 || config.batch > 1024) {
    return Error{"batch must be 1..1024"};
  }
  return std::nullopt;
}

double BlastStats::achieved_pps() const {
  const double seconds = std::chrono::duration<double>(elapsed).count();
  return seconds > 0 ? static_cast<double>(packets) / seconds : 0.0;
}

Blaster::Blaster(const BlastConfig& config)
    : config_(config),
      socket_(udp_connected(config.destination)),
      payloads_(config.batch * config.payload_size),
      iovecs_(config.batch),
      messages_(config.batch) {
  for (std::size_t i = 0; i < config_.batch; ++i) {
    iovecs_[i] = {&payloads_[i * config_.payload_size], config_.payload_size};
    messages_[i] = {};
    messages_[i].msg_hdr.msg_iov = &iovecs_[i];
    messages_[i].msg_hdr.msg_iovlen = 1;
  }
}

void Blaster::count_error(int saved_errno) {
  switch (saved_errno) {
    case ENOBUFS:
    case EAGAIN:
      ++stats_.errors.no_buffer;
      break;
    case ECONNREFUSED:
      ++stats_.errors.refused;
      break;
    case ENETUNREACH:
    case EHOSTUNREACH:
      ++stats_.errors.unreachable;
      break;
    default:
      ++stats_.errors.other;
      break;
  }
}

std::size_t Blaster::send_batch(std::size_t count) {
  count = std::min(count, config_.batch);
  const std::uint64_t now_ns = monotonic_ns();
  for (std::size_t i = 0; i < count; ++i) {
    encode_seq_header(std::span(&payloads_[i * config_.payload_size], kSeqHeaderSize),
                      {next_seq_ + i, now_ns});
  }
  const int sent = ::sendmmsg(socket_.get(), messages_.data(), static_cast<unsigned>(count), 0);
  const int saved_errno = errno;
  if (sent < 0) {
    if (saved_errno != EINTR) {
      count_error(saved_errno);
    }
    return 0;
  }
  // Sequence numbers advance only for datagrams the kernel took, so the
  // receiver's loss is loss after the send.
  next_seq_ += static_cast<std::uint64_t>(sent);
  stats_.packets += static_cast<std::uint64_t>(sent);
  stats_.bytes += static_cast<std::uint64_t>(sent) * config_.payload_size;
  return static_cast<std::size_t>(sent);
}

BlastStats Blaster::run() {
  const std::uint64_t start_ns = monotonic_ns();
  const auto duration_ns = static_cast<std::uint64_t>(config_.duration.count());
  const std::uint64_t end_ns = start_ns + duration_ns;
  // Pacing counts attempts (sent or failed) so that errors do not turn into
  // a burst once the queue drains.
  std::uint64_t attempts = 0;
  for (std::uint64_t now_ns = start_ns; now_ns < end_ns; now_ns = monotonic_ns()) {
    // No overflow: validate() bounds duration (300 s) and rate (2M pps), so
    // the products stay below 2^60.
    const std::uint64_t due = (now_ns - start_ns) * config_.rate_pps / 1'000'000'000U + 1;
    if (attempts < due) {
      const std::size_t wanted = std::min<std::uint64_t>(due - attempts, config_.batch);
      const std::size_t sent = send_batch(wanted);
      attempts += sent == 0 ? 1 : sent;
      continue;
    }
    const std::uint64_t next_due_ns = attempts * 1'000'000'000U / config_.rate_pps;
    sleep_until_ns(std::min(start_ns + next_due_ns, end_ns));
  }
  stats_.elapsed = std::chrono::nanoseconds(monotonic_ns() - start_ns);
  return stats_;
}

}  // namespace napilab::net
