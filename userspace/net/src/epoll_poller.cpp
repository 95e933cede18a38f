#include "epoll_poller.hpp"

#include <cerrno>
#include <system_error>

namespace napilab::net {
namespace {
constexpr std::size_t kInitialEvents = 64;
}

EpollPoller::EpollPoller(Trigger trigger)
    : epoll_fd_(::epoll_create1(EPOLL_CLOEXEC)), trigger_(trigger), events_(kInitialEvents) {
  if (!epoll_fd_.valid()) {
    throw std::system_error(errno, std::generic_category(), "epoll_create1");
  }
}

void EpollPoller::control(int operation, int fd, std::uint32_t events) {
  epoll_event event{};
  event.events = events | (trigger_ == Trigger::edge ? EPOLLET : 0U);
  event.data.fd = fd;
  if (::epoll_ctl(epoll_fd_.get(), operation, fd, &event) != 0) {
    throw std::system_error(errno, std::generic_category(), "epoll_ctl");
  }
}

void EpollPoller::add(int fd, std::uint32_t events) {
  control(EPOLL_CTL_ADD, fd, events);
  ++registered_;
}

void EpollPoller::modify(int fd, std::uint32_t events) { control(EPOLL_CTL_MOD, fd, events); }

void EpollPoller::remove(int fd) {
  control(EPOLL_CTL_DEL, fd, 0);
  --registered_;
}

void EpollPoller::wait(std::chrono::milliseconds timeout, std::vector<ReadyEvent>& ready) {
  ready.clear();
  const int count = ::epoll_wait(epoll_fd_.get(), events_.data(), static_cast<int>(events_.size()),
                                 static_cast<int>(timeout.count()));
  const int saved_errno = errno;
  if (count < 0) {
    if (saved_errno == EINTR) {
      return;
    }
    throw std::system_error(saved_errno, std::generic_category(), "epoll_wait");
  }
  for (int i = 0; i < count; ++i) {
    ready.push_back({events_[i].data.fd, events_[i].events & ~static_cast<std::uint32_t>(EPOLLET)});
  }
  // A full array means more may be waiting: grow so the next call sees them
  // all, up to the number of registered fds.
  if (static_cast<std::size_t>(count) == events_.size() && events_.size() < registered_) {
    events_.resize(events_.size() * 2);
  }
}

}  // namespace napilab::net
