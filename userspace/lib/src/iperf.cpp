#include "napilab/iperf.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <limits>
#include <nlohmann/json.hpp>
#include <span>
#include <thread>
#include <utility>

#include "napilab/parse_util.hpp"
#include "napilab/unique_fd.hpp"

namespace napilab {

namespace {

using Json = nlohmann::json;

// Typed reads of one JSON object's members. The first problem is kept as the
// error, naming the member by its path ("end.sum_sent.bytes"); reads after it
// return defaults, so a parser reads on and checks the error once at the end.
class ObjectReader {
 public:
  ObjectReader(const Json* object, std::string path, std::optional<Error>* error)
      : object_(object), path_(std::move(path)), error_(error) {
    if (object_ != nullptr && !object_->is_object()) {
      fail(path_ + " is not an object");
      object_ = nullptr;
    }
  }

  [[nodiscard]] bool has(const char* key) const {
    if (object_ == nullptr) {
      return false;
    }
    const auto it = object_->find(key);
    return it != object_->end() && !it->is_null();
  }

  // A member that must be an object.
  ObjectReader object(const char* key) {
    const Json* member = find(key, true);
    return {member, path_ + "." + key, error_};
  }

  // A member that must be an array; null after an error.
  const Json* array(const char* key) {
    const Json* member = find(key, true);
    if (member != nullptr && !member->is_array()) {
      fail(path_ + "." + key + " is not an array");
      return nullptr;
    }
    return member;
  }

  double number(const char* key) {
    const Json* member = find(key, true);
    if (member == nullptr) {
      return 0;
    }
    if (!member->is_number()) {
      fail(path_ + "." + key + " is not a number");
      return 0;
    }
    return member->get<double>();
  }

  // A count: a non-negative integer. cJSON prints large doubles with an
  // exponent, so integral floats below 2^64 are counts too.
  std::uint64_t count(const char* key) { return count_of(find(key, true), key); }

  std::optional<std::uint64_t> optional_count(const char* key) {
    if (!has(key)) {
      return std::nullopt;
    }
    return count_of(find(key, true), key);
  }

  std::string text(const char* key) {
    const Json* member = find(key, true);
    if (member == nullptr) {
      return {};
    }
    if (!member->is_string()) {
      fail(path_ + "." + key + " is not a string");
      return {};
    }
    return member->get<std::string>();
  }

  // iperf3 prints flags as true/false or as 0/1; absent means false.
  bool flag(const char* key) {
    const Json* member = find(key, false);
    if (member == nullptr || member->is_null()) {
      return false;
    }
    if (member->is_boolean()) {
      return member->get<bool>();
    }
    if (member->is_number_integer()) {
      return member->get<std::int64_t>() != 0;
    }
    fail(path_ + "." + key + " is neither true/false nor 0/1");
    return false;
  }

 private:
  const Json* find(const char* key, bool required) {
    if (object_ == nullptr) {
      return nullptr;
    }
    const auto it = object_->find(key);
    if (it == object_->end()) {
      if (required) {
        fail(path_ + "." + key + " is missing");
      }
      return nullptr;
    }
    return &*it;
  }

  std::uint64_t count_of(const Json* member, const char* key) {
    if (member == nullptr) {
      return 0;
    }
    if (member->is_number_unsigned()) {
      return member->get<std::uint64_t>();
    }
    constexpr double kTwoTo64 = 18446744073709551616.0;
    if (member->is_number_float()) {
      const double value = member->get<double>();
      if (value >= 0 && value < kTwoTo64 && std::floor(value) == value) {
        return static_cast<std::uint64_t>(value);
      }
    }
    fail(path_ + "." + key + " is not a count (a non-negative integer below 2^64)");
    return 0;
  }

  void fail(std::string message) {
    if (!*error_) {
      *error_ = Error{std::move(message)};
    }
  }

  const Json* object_;
  std::string path_;
  std::optional<Error>* error_;
};

IperfTotal read_total(ObjectReader total) {
  IperfTotal result;
  result.seconds = total.number("seconds");
  result.bytes = total.count("bytes");
  result.bits_per_second = total.number("bits_per_second");
  return result;
}

IperfUdp read_udp(ObjectReader sum) {
  IperfUdp udp;
  udp.packets = sum.count("packets");
  udp.lost_packets = sum.count("lost_packets");
  udp.lost_percent = sum.number("lost_percent");
  udp.jitter_ms = sum.number("jitter_ms");
  return udp;
}

std::vector<IperfInterval> read_intervals(const Json* intervals, std::optional<Error>* error) {
  std::vector<IperfInterval> series;
  if (intervals == nullptr) {
    return series;
  }
  for (std::size_t i = 0; i < intervals->size() && !*error; ++i) {
    ObjectReader sum =
        ObjectReader(&(*intervals)[i], "intervals[" + std::to_string(i) + "]", error).object("sum");
    IperfInterval interval;
    interval.start = sum.number("start");
    interval.end = sum.number("end");
    interval.bytes = sum.count("bytes");
    interval.bits_per_second = sum.number("bits_per_second");
    interval.retransmits = sum.optional_count("retransmits");
    interval.packets = sum.optional_count("packets");
    interval.omitted = sum.flag("omitted");
    series.push_back(interval);
  }
  return series;
}

Result<IperfReport> read_report(const Json& doc) {
  std::optional<Error> error;
  ObjectReader top(&doc, "report", &error);
  if (top.has("error")) {
    // iperf3's own verdict: a refused connection, a server gone mid-test...
    const std::string reason = top.text("error");
    return error ? *error : Error{"iperf3 reported an error: " + reason};
  }

  IperfReport report;
  ObjectReader test = top.object("start").object("test_start");
  const std::string protocol = test.text("protocol");
  if (!error && protocol != "TCP" && protocol != "UDP") {
    return Error{"protocol '" + protocol + "' is not supported (TCP and UDP are)"};
  }
  report.protocol = protocol == "UDP" ? IperfProtocol::kUdp : IperfProtocol::kTcp;
  report.reverse = test.flag("reverse");
  const std::uint64_t streams = test.count("num_streams");
  if (!error && (streams == 0 || streams > 128)) {
    return Error{"start.test_start.num_streams " + std::to_string(streams) + " is not 1..128"};
  }
  report.streams = static_cast<unsigned>(streams);
  report.duration = test.number("duration");

  ObjectReader end = top.object("end");
  if (report.protocol == IperfProtocol::kUdp) {
    report.udp = read_udp(end.object("sum"));
  }
  // UDP reports before iperf 3.10 carry only end.sum, the receiver's view.
  const bool has_sides = end.has("sum_sent") || report.protocol == IperfProtocol::kTcp;
  report.sent = read_total(end.object(has_sides ? "sum_sent" : "sum"));
  report.received = read_total(end.object(has_sides ? "sum_received" : "sum"));
  if (report.protocol == IperfProtocol::kTcp) {
    report.retransmits = end.object("sum_sent").optional_count("retransmits");
  }
  report.intervals = read_intervals(top.array("intervals"), &error);
  if (error) {
    return Error{"not a complete iperf3 report: " + error->message};
  }
  return report;
}

}  // namespace

Result<IperfReport> parse_iperf3_json(std::string_view text) {
  if (trim(text).empty()) {
    return Error{
        "empty output: iperf3 printed no report (killed before the end, or run without -J?)"};
  }
  Json doc;
  try {
    doc = Json::parse(text);
  } catch (const Json::exception& e) {
    return Error{"iperf3 output is not valid JSON (truncated?): " + std::string(e.what())};
  }
  if (!doc.is_object()) {
    return Error{"iperf3 output is JSON but not a report: the top level is not an object"};
  }
  return read_report(doc);
}

std::optional<std::string> iperf3_client_host(const std::vector<std::string>& args) {
  // iperf3's short options that take a value (its getopt string, 3.12).
  constexpr std::string_view kWithValue = "pficbtnklPwBMSLOFATCIX";
  std::optional<std::string> host;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg == "--") {
      break;
    }
    if (arg == "--client") {
      if (i + 1 < args.size()) {
        host = args[++i];
      }
      continue;
    }
    if (arg.rfind("--client=", 0) == 0) {
      host = arg.substr(std::strlen("--client="));
      continue;
    }
    if (arg.size() < 2 || arg[0] != '-' || arg[1] == '-') {
      continue;
    }
    // A cluster of short options ("-Rc", "-c10.77.0.1", "-t5"): as getopt
    // reads it, an option with a value takes the rest, else the next word.
    for (std::size_t pos = 1; pos < arg.size(); ++pos) {
      const char option = arg[pos];
      if (kWithValue.find(option) == std::string_view::npos) {
        continue;
      }
      std::optional<std::string> value;
      if (pos + 1 < arg.size()) {
        value = arg.substr(pos + 1);
      } else if (i + 1 < args.size()) {
        value = args[++i];
      }
      if (option == 'c') {
        host = value;
      }
      break;
    }
  }
  return host;
}

namespace {

// A spawned process, killed and reaped on every path out of run_process.
class ChildProcess {
 public:
  explicit ChildProcess(pid_t pid) : pid_(pid) {}
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;
  ChildProcess(ChildProcess&&) = delete;
  ChildProcess& operator=(ChildProcess&&) = delete;
  ~ChildProcess() {
    if (!status_) {
      signal(SIGKILL);
      wait(0);
    }
  }

  void signal(int sig) const {
    if (!status_) {
      ::kill(pid_, sig);
    }
  }

  // Reaps the process; WNOHANG when `options` says so. Its wait status once
  // it has exited, nullopt while it runs.
  std::optional<int> wait(int options) {
    while (!status_) {
      int status = 0;
      const pid_t reaped = ::waitpid(pid_, &status, options);
      if (reaped == pid_) {
        status_ = status;
      } else if (reaped < 0 && errno == EINTR) {
        continue;
      } else if (reaped < 0) {
        // ECHILD: reaped elsewhere (the caller ignores SIGCHLD), so its
        // status is lost; report exit 255 and never signal the pid again.
        status_ = 255 << 8;
      } else {
        break;  // still running (WNOHANG)
      }
    }
    return status_;
  }

 private:
  pid_t pid_;
  std::optional<int> status_;
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

// The child starts with no signals blocked and the default action for the
// ones we stop it with, whatever the caller (a test runner) has set up.
void reset_signals(SpawnAttributes& attr) {
  sigset_t none;
  sigset_t defaults;
  sigemptyset(&none);
  sigemptyset(&defaults);
  for (const int sig : {SIGTERM, SIGINT, SIGPIPE, SIGHUP}) {
    sigaddset(&defaults, sig);
  }
  ::posix_spawnattr_setsigmask(attr.get(), &none);
  ::posix_spawnattr_setsigdefault(attr.get(), &defaults);
  ::posix_spawnattr_setflags(attr.get(), POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
}

int shell_status(int wait_status) {
  if (WIFEXITED(wait_status)) {
    return WEXITSTATUS(wait_status);
  }
  return WIFSIGNALED(wait_status) ? 128 + WTERMSIG(wait_status) : 255;
}

// Waits up to `wait` for `fd` to be readable and reads once: the byte count
// (0 at end of file), nullopt when nothing came in time or a signal
// interrupted the wait, or the errno text.
Result<std::optional<std::size_t>> read_within(const UniqueFd& fd, std::chrono::milliseconds wait,
                                               std::span<char> buffer) {
  pollfd pfd{fd.get(), POLLIN, 0};
  const int ready = ::poll(
      &pfd, 1,
      static_cast<int>(std::min<std::int64_t>(wait.count(), std::numeric_limits<int>::max())));
  if (ready == 0) {
    return std::optional<std::size_t>();
  }
  const ssize_t n = ready < 0 ? -1 : ::read(fd.get(), buffer.data(), buffer.size());
  if (n < 0) {
    const int saved = errno;
    if (saved == EINTR) {
      return std::optional<std::size_t>();
    }
    return Error{std::strerror(saved)};
  }
  return std::optional<std::size_t>(static_cast<std::size_t>(n));
}

constexpr std::size_t kMaxOutput = std::size_t{64} << 20;
constexpr auto kTermGrace = std::chrono::seconds(1);
constexpr auto kExitPoll = std::chrono::milliseconds(10);

}  // namespace

Result<ProcessOutput> run_process(const std::string& program, const std::vector<std::string>& args,
                                  std::chrono::milliseconds timeout) {
  std::array<int, 2> fds{-1, -1};
  if (::pipe2(fds.data(), O_CLOEXEC) != 0) {
    const int saved = errno;
    return Error{"cannot make a pipe for " + program + ": " + std::strerror(saved)};
  }
  const UniqueFd read_end(fds[0]);
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

  SpawnActions actions;
  ::posix_spawn_file_actions_adddup2(actions.get(), write_end.get(), STDOUT_FILENO);
  SpawnAttributes attr;
  reset_signals(attr);
  pid_t pid = 0;
  const int err =
      ::posix_spawnp(&pid, program.c_str(), actions.get(), attr.get(), argv.data(), environ);
  if (err != 0) {
    return Error{"cannot start " + program + ": " + std::strerror(err) +
                 (err == ENOENT ? " (is it installed and on PATH?)" : "")};
  }
  ChildProcess child(pid);
  write_end.reset();  // the child holds the only write end now: EOF when it exits

  // Stop escalates: SIGTERM at the timeout, SIGKILL kTermGrace later.
  ProcessOutput output;
  auto deadline = std::chrono::steady_clock::now() + timeout;
  bool killed = false;
  const auto escalate = [&] {
    if (!output.timed_out) {
      output.timed_out = true;
      child.signal(SIGTERM);
      deadline = std::chrono::steady_clock::now() + kTermGrace;
    } else if (!killed) {
      killed = true;
      child.signal(SIGKILL);
      deadline = std::chrono::steady_clock::now() + kTermGrace;
    }
  };

  std::array<char, 65536> buffer{};
  bool eof = false;
  while (!eof) {
    const auto left =
        std::chrono::ceil<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      if (killed) {
        break;  // SIGKILLed yet the pipe stays open: something else holds it
      }
      escalate();
      continue;
    }
    auto chunk = read_within(read_end, left, buffer);
    if (!chunk) {
      return Error{"cannot read " + program + "'s output: " + chunk.error().message};
    }
    if (!chunk.value()) {
      continue;  // nothing yet
    }
    const std::size_t n = *chunk.value();
    if (n == 0) {
      eof = true;
    } else if (output.stdout_text.size() + n > kMaxOutput) {
      return Error{program + " wrote more than " + std::to_string(kMaxOutput >> 20) +
                   " MiB; stopped it"};
    } else {
      output.stdout_text.append(buffer.data(), n);
    }
  }

  // Output closed: the process is exiting, or must be made to.
  std::optional<int> status;
  while (!(status = child.wait(WNOHANG))) {
    if (killed) {
      status = child.wait(0);  // SIGKILL cannot be caught: this returns
      break;
    }
    if (std::chrono::steady_clock::now() >= deadline) {
      escalate();
      continue;
    }
    std::this_thread::sleep_for(kExitPoll);
  }
  output.exit_status = status ? shell_status(*status) : 255;
  return output;
}

Result<ProcessOutput> run_iperf3(std::vector<std::string> args, std::chrono::milliseconds timeout) {
  const bool has_json = std::any_of(args.begin(), args.end(), [](const std::string& arg) {
    return arg == "-J" || arg == "--json";
  });
  if (!has_json) {
    args.insert(args.begin(), "-J");
  }
  return run_process("iperf3", args, timeout);
}

Result<IperfReport> measure_iperf3(const std::vector<std::string>& args,
                                   std::chrono::milliseconds timeout) {
  std::string command = "iperf3";
  for (const std::string& arg : args) {
    command += " " + arg;
  }
  auto run = run_iperf3(args, timeout);
  if (!run) {
    return run.error();
  }
  auto report = parse_iperf3_json(run.value().stdout_text);
  if (run.value().timed_out) {
    return Error{command + ": overran its " + std::to_string(timeout.count()) +
                 " ms timeout and was stopped" +
                 (report ? std::string() : " (" + report.error().message + ")")};
  }
  if (!report) {
    return Error{command + ": " + report.error().message};
  }
  if (run.value().exit_status != 0) {
    return Error{command + ": exited " + std::to_string(run.value().exit_status) +
                 " after a complete report"};
  }
  return report;
}

}  // namespace napilab
