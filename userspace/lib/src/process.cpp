#include "napilab/process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <limits>
#include <optional>
#include <string>
#include <thread>
#include <utility>

#include "napilab/unique_fd.hpp"

namespace napilab {

namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

constexpr std::size_t kMaxOutput = std::size_t{64} << 20;
// From SIGTERM to SIGKILL; also the longest wait for a killed group to go and
// for the output pipe to close once the child has exited.
constexpr auto kTermGrace = std::chrono::seconds(1);
// How often the child is looked at where the kernel has no pidfd (< 5.3).
constexpr auto kExitSlice = milliseconds(10);
// How often a killed group is looked at until it has gone.
constexpr auto kGoneSlice = milliseconds(2);

// Calls `call` again while it fails with EINTR.
template <class Call>
auto retry_eintr(Call call) {
  auto result = call();
  while (result < 0 && errno == EINTR) {
    result = call();
  }
  return result;
}

// A pidfd of `pid`, readable once it has exited, or -1 (Linux < 5.3).
// Through syscall(): glibc 2.36's <sys/pidfd.h> lacks extern "C".
int open_pidfd(pid_t pid) { return static_cast<int>(::syscall(SYS_pidfd_open, pid, 0U)); }

// The spawned child and the process group it leads (same id). Every path out
// of run_process ends here: the group killed, the child reaped.
class ChildGroup {
 public:
  explicit ChildGroup(pid_t pid) : pid_(pid), exit_fd_(open_pidfd(pid)) {}
  ChildGroup(const ChildGroup&) = delete;
  ChildGroup& operator=(const ChildGroup&) = delete;
  ChildGroup(ChildGroup&&) = delete;
  ChildGroup& operator=(ChildGroup&&) = delete;
  ~ChildGroup() { (void)finish(); }

  // Readable once the child has exited; -1 without pidfds.
  [[nodiscard]] int exit_fd() const { return exit_fd_.get(); }

  // Signals every process of the group. Only while the child is unreaped:
  // until then its pid, the group's id, cannot be reused.
  void signal(int sig) const {
    if (!status_ && !lost_) {
      (void)::kill(-pid_, sig);
    }
  }

  // Whether the child has exited. It stays a zombie (WNOWAIT), so that
  // signal() still reaches its group and nothing else.
  bool exited() {
    if (status_ || lost_) {
      return true;
    }
    siginfo_t info{};
    if (retry_eintr([&] { return ::waitid(P_PID, pid_, &info, WEXITED | WNOHANG | WNOWAIT); }) !=
        0) {
      lost_ = true;  // ECHILD: reaped elsewhere (the caller ignores SIGCHLD)
      return true;
    }
    return info.si_pid == pid_;
  }

  // SIGKILL to whatever of the group is left, the child reaped, then up to
  // kTermGrace for the rest of the group to go. The child's wait status,
  // exit 255 when it was lost.
  int finish() {
    if (!status_ && !lost_) {
      signal(SIGKILL);
      int status = 0;
      if (retry_eintr([&] { return ::waitpid(pid_, &status, 0); }) == pid_) {
        status_ = status;
        wait_until_group_gone();
      } else {
        lost_ = true;
      }
    }
    return status_.value_or(255 << 8);
  }

 private:
  // Killed members that outlived the child are init's to reap, or ours when
  // the caller is a subreaper: those are reaped here (only this group's).
  void wait_until_group_gone() const {
    const auto give_up = Clock::now() + kTermGrace;
    for (;;) {
      int status = 0;
      while (::waitpid(-pid_, &status, WNOHANG) > 0) {
      }
      if (::kill(-pid_, 0) != 0 && errno == ESRCH) {
        return;
      }
      if (Clock::now() >= give_up) {
        return;
      }
      std::this_thread::sleep_for(kGoneSlice);
    }
  }

  pid_t pid_;
  UniqueFd exit_fd_;
  std::optional<int> status_;  // the wait status, once reaped
  bool lost_ = false;          // reaped by someone else: never signal it again
};

// Owns one posix_spawn object (file actions or attributes) from its init to
// its destroy.
template <class T, int (*Init)(T*), int (*Destroy)(T*)>
class SpawnObject {
 public:
  SpawnObject() { Init(&object_); }
  SpawnObject(const SpawnObject&) = delete;
  SpawnObject& operator=(const SpawnObject&) = delete;
  SpawnObject(SpawnObject&&) = delete;
  SpawnObject& operator=(SpawnObject&&) = delete;
  ~SpawnObject() { Destroy(&object_); }
  T* get() { return &object_; }

 private:
  T object_{};
};

using SpawnActions = SpawnObject<posix_spawn_file_actions_t, ::posix_spawn_file_actions_init,
                                 ::posix_spawn_file_actions_destroy>;
using SpawnAttributes =
    SpawnObject<posix_spawnattr_t, ::posix_spawnattr_init, ::posix_spawnattr_destroy>;

// The child leads a new process group, starts with no signals blocked and
// the default action for the ones we stop it with, whatever the caller (a
// test runner) has set up.
void set_attributes(SpawnAttributes& attr) {
  sigset_t none;
  sigset_t defaults;
  sigemptyset(&none);
  sigemptyset(&defaults);
  for (const int sig : {SIGTERM, SIGINT, SIGPIPE, SIGHUP}) {
    sigaddset(&defaults, sig);
  }
  ::posix_spawnattr_setsigmask(attr.get(), &none);
  ::posix_spawnattr_setsigdefault(attr.get(), &defaults);
  ::posix_spawnattr_setpgroup(attr.get(), 0);
  ::posix_spawnattr_setflags(
      attr.get(), POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETPGROUP);
}

int shell_status(int wait_status) {
  if (WIFEXITED(wait_status)) {
    return WEXITSTATUS(wait_status);
  }
  return WIFSIGNALED(wait_status) ? 128 + WTERMSIG(wait_status) : 255;
}

// The output pipe's read end and what came through it.
class OutputPipe {
 public:
  explicit OutputPipe(int fd) : fd_(fd) {}

  // -1 once at end of file, so that poll() passes over it.
  [[nodiscard]] int poll_fd() const { return eof_ ? -1 : fd_.get(); }
  [[nodiscard]] bool eof() const { return eof_; }
  std::string& text() { return text_; }

  // Reads once (poll said it would not block); an error past kMaxOutput.
  std::optional<Error> read_once(const std::string& program) {
    const ssize_t n =
        retry_eintr([&] { return ::read(fd_.get(), buffer_.data(), buffer_.size()); });
    if (n < 0) {
      const int saved = errno;
      return Error{"cannot read " + program + "'s output: " + std::strerror(saved)};
    }
    const auto size = static_cast<std::size_t>(n);
    if (text_.size() + size > kMaxOutput) {
      return Error{program + " wrote more than " + std::to_string(kMaxOutput >> 20) +
                   " MiB; stopped it"};
    }
    eof_ = size == 0;
    text_.append(buffer_.data(), size);
    return std::nullopt;
  }

 private:
  UniqueFd fd_;
  bool eof_ = false;
  std::string text_;
  std::array<char, 65536> buffer_{};
};

// Waits up to `wait` for the pipe (unless at end of file) or the child's
// exit fd (if any) and reads what the pipe has.
std::optional<Error> wait_and_read(OutputPipe& pipe, int exit_fd, milliseconds wait,
                                   const std::string& program) {
  std::array<pollfd, 2> fds{{{pipe.poll_fd(), POLLIN, 0}, {exit_fd, POLLIN, 0}}};
  const int ready = ::poll(
      fds.data(), fds.size(),
      static_cast<int>(std::clamp<std::int64_t>(wait.count(), 0, std::numeric_limits<int>::max())));
  if (ready < 0 && errno != EINTR) {
    const int saved = errno;
    return Error{"cannot wait for " + program + ": " + std::strerror(saved)};
  }
  if (ready > 0 && fds[0].revents != 0) {
    return pipe.read_once(program);
  }
  return std::nullopt;
}

milliseconds until(Clock::time_point deadline) {
  return std::chrono::ceil<milliseconds>(deadline - Clock::now());
}

}  // namespace

Result<ProcessOutput> run_process(const std::string& program, const std::vector<std::string>& args,
                                  std::chrono::milliseconds timeout) {
  std::array<int, 2> fds{-1, -1};
  if (::pipe2(fds.data(), O_CLOEXEC) != 0) {
    const int saved = errno;
    return Error{"cannot make a pipe for " + program + ": " + std::strerror(saved)};
  }
  OutputPipe pipe(fds[0]);
  UniqueFd write_end(fds[1]);

  // posix_spawnp wants char* const[]: the strings stay owned here.
  std::vector<std::string> words{program};
  words.insert(words.end(), args.begin(), args.end());
  std::vector<char*> argv;
  argv.reserve(words.size() + 1);
  for (std::string& word : words) {
    argv.push_back(word.data());
  }
  argv.push_back(nullptr);

  // Standard input from /dev/null: a child outside the terminal's foreground
  // group that read the terminal would be stopped (SIGTTIN).
  SpawnActions actions;
  ::posix_spawn_file_actions_adddup2(actions.get(), write_end.get(), STDOUT_FILENO);
  ::posix_spawn_file_actions_addopen(actions.get(), STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  SpawnAttributes attr;
  set_attributes(attr);
  pid_t pid = 0;
  const int err =
      ::posix_spawnp(&pid, program.c_str(), actions.get(), attr.get(), argv.data(), environ);
  if (err != 0) {
    return Error{"cannot start " + program + ": " + std::strerror(err) +
                 (err == ENOENT ? " (is it installed and on PATH?)" : "")};
  }
  ChildGroup child(pid);
  write_end.reset();  // the group holds the only write ends now

  // Until the child exits: its output collected, and at each deadline one
  // step of the stop, SIGTERM at the timeout, SIGKILL kTermGrace later.
  ProcessOutput output;
  auto deadline = Clock::now() + timeout;
  bool killed = false;
  while (!child.exited()) {
    milliseconds left = until(deadline);
    if (left.count() <= 0) {
      if (killed) {
        break;  // SIGKILLed and still there (uninterruptible): finish() waits
      }
      if (!output.timed_out) {
        output.timed_out = true;
        child.signal(SIGTERM);
        child.signal(SIGCONT);  // a stopped process acts on SIGTERM only once continued
      } else {
        killed = true;
        child.signal(SIGKILL);
      }
      deadline = Clock::now() + kTermGrace;
      continue;
    }
    if (child.exit_fd() < 0) {
      left = std::min<milliseconds>(left, kExitSlice);
    }
    if (auto error = wait_and_read(pipe, child.exit_fd(), left, program)) {
      return *error;
    }
  }
  const int status = child.finish();

  // What the group wrote before it ended is still in the pipe. End of file
  // comes at once, unless a process that left the group holds the pipe.
  const auto drain_deadline = Clock::now() + kTermGrace;
  for (milliseconds left = until(drain_deadline); !pipe.eof() && left.count() > 0;
       left = until(drain_deadline)) {
    if (auto error = wait_and_read(pipe, -1, left, program)) {
      return *error;
    }
  }
  output.stdout_text = std::move(pipe.text());
  output.exit_status = shell_status(status);
  return output;
}

}  // namespace napilab
