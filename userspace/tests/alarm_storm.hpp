// AlarmStorm: SIGALRM every `period` while it lives, with a handler installed
// without SA_RESTART, so that the test's blocking calls (poll, read, waitpid)
// see EINTR. It stops the timer and puts the previous handler back on exit.
#pragma once

#include <sys/time.h>

#include <atomic>
#include <chrono>
#include <csignal>

namespace napilab::test_support {

class AlarmStorm {
 public:
  explicit AlarmStorm(std::chrono::microseconds period) {
    struct sigaction action {};
    action.sa_handler = &AlarmStorm::on_alarm;
    sigemptyset(&action.sa_mask);
    const auto us = static_cast<suseconds_t>(period.count());
    const timeval every{us / 1000000, us % 1000000};
    const itimerval timer{every, every};
    armed_ = ::sigaction(SIGALRM, &action, &previous_) == 0 &&
             ::setitimer(ITIMER_REAL, &timer, nullptr) == 0;
  }
  AlarmStorm(const AlarmStorm&) = delete;
  AlarmStorm& operator=(const AlarmStorm&) = delete;
  AlarmStorm(AlarmStorm&&) = delete;
  AlarmStorm& operator=(AlarmStorm&&) = delete;
  ~AlarmStorm() {
    const itimerval stop{};
    (void)::setitimer(ITIMER_REAL, &stop, nullptr);
    (void)::sigaction(SIGALRM, &previous_, nullptr);
  }

  [[nodiscard]] bool armed() const { return armed_; }
  // Alarms delivered in this process so far.
  [[nodiscard]] static int alarms() { return alarms_.load(); }

 private:
  static void on_alarm(int /*signal*/) { alarms_.fetch_add(1); }

  inline static std::atomic<int> alarms_{0};
  struct sigaction previous_ {};
  bool armed_ = false;
};

}  // namespace napilab::test_support
