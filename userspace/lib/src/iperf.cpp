#include "napilab/iperf.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <nlohmann/json.hpp>
#include <utility>

#include "napilab/parse_util.hpp"

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
