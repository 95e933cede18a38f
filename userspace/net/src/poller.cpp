#include "napilab/net/poller.hpp"

#include <stdexcept>

#include "epoll_poller.hpp"
#include "poll_poller.hpp"

namespace napilab::net {

std::optional<Backend> parse_backend(std::string_view name) {
  if (name == "epoll") {
    return Backend::epoll;
  }
  if (name == "poll") {
    return Backend::poll;
  }
  return std::nullopt;
}

std::optional<Trigger> parse_trigger(std::string_view name) {
  if (name == "level") {
    return Trigger::level;
  }
  if (name == "edge") {
    return Trigger::edge;
  }
  return std::nullopt;
}

std::string_view to_string(Backend backend) { return backend == Backend::epoll ? "epoll" : "poll"; }

std::string_view to_string(Trigger trigger) { return trigger == Trigger::level ? "level" : "edge"; }

std::unique_ptr<Poller> make_poller(Backend backend, Trigger trigger) {
  if (backend == Backend::epoll) {
    return std::make_unique<EpollPoller>(trigger);
  }
  if (trigger == Trigger::edge) {
    throw std::invalid_argument("poll(2) is level-triggered only; use --backend epoll for edge");
  }
  return std::make_unique<PollPoller>();
}

}  // namespace napilab::net
