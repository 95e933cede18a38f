// SIGINT and SIGTERM as a request to stop, for the tools that must still
// report what they measured when told to stop early: install_stop_handlers()
// once, then the tool's loop checks stop_requested(). The handlers are
// installed over whatever disposition was inherited: a shell starts a
// background job with SIGINT ignored, and `kill -INT` must still end it.
// No SA_RESTART: a blocked wait returns EINTR at once and the loop sees the
// flag. Header-only, like tool_main.hpp.
#pragma once

#include <signal.h>

#include <csignal>

namespace napilab {

inline volatile std::sig_atomic_t g_stop_requested = 0;

}  // namespace napilab

extern "C" inline void napilab_request_stop(int /*signal*/) { napilab::g_stop_requested = 1; }

namespace napilab {

// The flag the handlers set (for a library loop that takes it as a pointer).
inline const volatile std::sig_atomic_t* stop_flag() { return &g_stop_requested; }

inline bool stop_requested() { return g_stop_requested != 0; }

inline void install_stop_handlers() {
  struct sigaction action {};
  action.sa_handler = napilab_request_stop;
  sigemptyset(&action.sa_mask);
  ::sigaction(SIGINT, &action, nullptr);
  ::sigaction(SIGTERM, &action, nullptr);
}

}  // namespace napilab
