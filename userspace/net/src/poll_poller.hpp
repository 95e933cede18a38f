// The poll(2) backend: a dense pollfd array plus an fd -> slot index, so add
// and remove are O(1) and each wait hands the kernel one contiguous array.
#pragma once

#include <poll.h>

#include <unordered_map>
#include <vector>

#include "napilab/net/poller.hpp"

namespace napilab::net {

class PollPoller final : public Poller {
 public:
  void add(int fd, std::uint32_t events) override;
  void modify(int fd, std::uint32_t events) override;
  void remove(int fd) override;
  void wait(std::chrono::milliseconds timeout, std::vector<ReadyEvent>& ready) override;
  [[nodiscard]] Backend backend() const override { return Backend::poll; }
  [[nodiscard]] Trigger trigger() const override { return Trigger::level; }

 private:
  std::size_t slot_of(int fd) const;

  std::vector<pollfd> fds_;
  std::unordered_map<int, std::size_t> slots_;
};

}  // namespace napilab::net
