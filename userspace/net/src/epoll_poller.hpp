// The epoll(7) backend: one epoll instance, owned; edge-triggered mode adds
// EPOLLET to every registration.
#pragma once

#include <sys/epoll.h>

#include <vector>

#include "napilab/net/poller.hpp"
#include "napilab/unique_fd.hpp"

namespace napilab::net {

class EpollPoller final : public Poller {
 public:
  explicit EpollPoller(Trigger trigger);
  void add(int fd, std::uint32_t events) override;
  void modify(int fd, std::uint32_t events) override;
  void remove(int fd) override;
  void wait(std::chrono::milliseconds timeout, std::vector<ReadyEvent>& ready) override;
  [[nodiscard]] Backend backend() const override { return Backend::epoll; }
  [[nodiscard]] Trigger trigger() const override { return trigger_; }

 private:
  void control(int operation, int fd, std::uint32_t events);

  UniqueFd epoll_fd_;
  Trigger trigger_;
  std::vector<epoll_event> events_;
  std::size_t registered_ = 0;
};

}  // namespace napilab::net
