#include "poll_poller.hpp"

#include <cerrno>
#include <system_error>

namespace napilab::net {

std::size_t PollPoller::slot_of(int fd) const {
  const auto found = slots_.find(fd);
  if (found == slots_.end()) {
    throw std::system_error(ENOENT, std::generic_category(), "poll: fd not registered");
  }
  return found->second;
}

void PollPoller::add(int fd, std::uint32_t events) {
  if (fd < 0) {
    throw std::system_error(EBADF, std::generic_category(), "poll: add");
  }
  if (!slots_.emplace(fd, fds_.size()).second) {
    throw std::system_error(EEXIST, std::generic_category(), "poll: add");
  }
  fds_.push_back({fd, static_cast<short>(events), 0});
}

void PollPoller::modify(int fd, std::uint32_t events) {
  fds_[slot_of(fd)].events = static_cast<short>(events);
}

void PollPoller::remove(int fd) {
  // Move the last pollfd into the freed slot to keep the array dense.
  const std::size_t slot = slot_of(fd);
  fds_[slot] = fds_.back();
  slots_[fds_[slot].fd] = slot;
  fds_.pop_back();
  slots_.erase(fd);
}

void PollPoller::wait(std::chrono::milliseconds timeout, std::vector<ReadyEvent>& ready) {
  ready.clear();
  const int count = ::poll(fds_.data(), fds_.size(), static_cast<int>(timeout.count()));
  const int saved_errno = errno;
  if (count < 0) {
    if (saved_errno == EINTR) {
      return;
    }
    throw std::system_error(saved_errno, std::generic_category(), "poll");
  }
  for (const pollfd& entry : fds_) {
    if (ready.size() == static_cast<std::size_t>(count)) {
      break;
    }
    if (entry.revents != 0) {
      ready.push_back({entry.fd, static_cast<std::uint16_t>(entry.revents)});
    }
  }
}

}  // namespace napilab::net
