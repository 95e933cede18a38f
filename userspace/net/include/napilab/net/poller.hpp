// Poller: one interface over readiness notification, with epoll (level- or
// edge-triggered) and poll(2) backends chosen at run time.
#pragma once

#include <poll.h>
#include <sys/epoll.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string_view>
#include <vector>

namespace napilab::net {

// One event mask serves both backends because Linux gives the epoll and poll
// bits the same values; the backends pass the mask through unchanged.
static_assert(EPOLLIN == POLLIN, "epoll and poll masks must agree");
static_assert(EPOLLPRI == POLLPRI, "epoll and poll masks must agree");
static_assert(EPOLLOUT == POLLOUT, "epoll and poll masks must agree");
static_assert(EPOLLERR == POLLERR, "epoll and poll masks must agree");
static_assert(EPOLLHUP == POLLHUP, "epoll and poll masks must agree");
static_assert(EPOLLRDHUP == POLLRDHUP, "epoll and poll masks must agree");

namespace event {
inline constexpr std::uint32_t kReadable = EPOLLIN;
inline constexpr std::uint32_t kWritable = EPOLLOUT;
inline constexpr std::uint32_t kPeerClosed = EPOLLRDHUP;
inline constexpr std::uint32_t kError = EPOLLERR;
inline constexpr std::uint32_t kHangup = EPOLLHUP;
}  // namespace event

enum class Backend { epoll, poll };
enum class Trigger { level, edge };

std::optional<Backend> parse_backend(std::string_view name);
std::optional<Trigger> parse_trigger(std::string_view name);
std::string_view to_string(Backend backend);
std::string_view to_string(Trigger trigger);

struct ReadyEvent {
  int fd = -1;
  std::uint32_t events = 0;
};

class Poller {
 public:
  Poller() = default;
  Poller(const Poller&) = delete;
  Poller& operator=(const Poller&) = delete;
  Poller(Poller&&) = delete;
  Poller& operator=(Poller&&) = delete;
  virtual ~Poller() = default;

  // add/modify/remove throw std::system_error when the kernel refuses.
  virtual void add(int fd, std::uint32_t events) = 0;
  virtual void modify(int fd, std::uint32_t events) = 0;
  virtual void remove(int fd) = 0;
  // Waits up to `timeout` (negative: forever) and replaces `ready` with the
  // fds that have events. A signal (EINTR) returns with `ready` empty.
  virtual void wait(std::chrono::milliseconds timeout, std::vector<ReadyEvent>& ready) = 0;
  [[nodiscard]] virtual Backend backend() const = 0;
  [[nodiscard]] virtual Trigger trigger() const = 0;
};

// poll(2) has no edge-triggered mode: asking for it throws
// std::invalid_argument rather than silently running level-triggered.
std::unique_ptr<Poller> make_poller(Backend backend, Trigger trigger);

}  // namespace napilab::net
