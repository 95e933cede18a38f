#include "napilab/net/event_loop.hpp"

#include <algorithm>

namespace napilab::net {

EventLoop::EventLoop(std::unique_ptr<Poller> poller) : poller_(std::move(poller)) {}

void EventLoop::watch(int fd, std::uint32_t events, Handler handler) {
  poller_->add(fd, events);
  handlers_[fd] = std::make_shared<Handler>(std::move(handler));
}

void EventLoop::change(int fd, std::uint32_t events) { poller_->modify(fd, events); }

void EventLoop::unwatch(int fd) {
  if (handlers_.erase(fd) != 0) {
    poller_->remove(fd);
  }
}

std::size_t EventLoop::run_once(std::chrono::milliseconds timeout) {
  poller_->wait(timeout, ready_);
  std::size_t dispatched = 0;
  for (const ReadyEvent& ready : ready_) {
    // An earlier handler of this round may have unwatched this fd.
    const auto found = handlers_.find(ready.fd);
    if (found == handlers_.end()) {
      continue;
    }
    const std::shared_ptr<Handler> handler = found->second;
    (*handler)(ready.events);
    ++dispatched;
  }
  return dispatched;
}

void EventLoop::run_until(std::chrono::steady_clock::time_point deadline) {
  using std::chrono::milliseconds;
  // Short waits keep stop() requested from a signal handler responsive.
  constexpr milliseconds kMaxWait(100);
  stopped_ = false;
  while (!stopped_) {
    const auto left = deadline - std::chrono::steady_clock::now();
    if (left <= std::chrono::steady_clock::duration::zero()) {
      break;
    }
    const auto left_ms = std::chrono::ceil<milliseconds>(left);
    run_once(std::min(left_ms, kMaxWait));
  }
}

}  // namespace napilab::net
