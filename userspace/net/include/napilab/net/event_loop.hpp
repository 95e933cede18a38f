// EventLoop: a Poller plus one handler per watched fd. Handlers may watch
// and unwatch fds (their own included) while being dispatched.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <unordered_map>
#include <vector>

#include "napilab/net/poller.hpp"

namespace napilab::net {

class EventLoop {
 public:
  using Handler = std::function<void(std::uint32_t events)>;

  explicit EventLoop(std::unique_ptr<Poller> poller);

  void watch(int fd, std::uint32_t events, Handler handler);
  void change(int fd, std::uint32_t events);
  void unwatch(int fd);

  // One wait of at most `timeout`, then the handlers of the ready fds.
  // Returns how many handlers ran (0 on timeout or EINTR).
  std::size_t run_once(std::chrono::milliseconds timeout);
  // run_once until stop() or the deadline; bounded by the deadline always.
  void run_until(std::chrono::steady_clock::time_point deadline);
  void stop() { stopped_ = true; }

  [[nodiscard]] std::size_t watched() const { return handlers_.size(); }
  [[nodiscard]] const Poller& poller() const { return *poller_; }

 private:
  std::unique_ptr<Poller> poller_;
  // shared_ptr: a handler that unwatches itself stays alive until it returns.
  std::unordered_map<int, std::shared_ptr<Handler>> handlers_;
  std::vector<ReadyEvent> ready_;
  bool stopped_ = false;
};

}  // namespace napilab::net
