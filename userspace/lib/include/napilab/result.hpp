// Result<T>: a value or a ParseError, for parsers that must never throw or
// invoke undefined behaviour on malformed input.
#pragma once

#include <cstddef>
#include <string>
#include <utility>
#include <variant>

namespace napilab {

struct Error {
  std::string message;   // what was wrong and, where it helps, what to do
  std::size_t line = 0;  // 1-based line of the input, 0 when not line-bound
  [[nodiscard]] std::string to_string() const {
    return line ? "line " + std::to_string(line) + ": " + message : message;
  }
};

template <class T>
class Result {
 public:
  using value_type = T;
  Result(T value) : data_(std::move(value)) {}      // NOLINT(google-explicit-constructor)
  Result(Error error) : data_(std::move(error)) {}  // NOLINT(google-explicit-constructor)

  [[nodiscard]] bool ok() const { return std::holds_alternative<T>(data_); }
  explicit operator bool() const { return ok(); }
  [[nodiscard]] const T& value() const& { return std::get<T>(data_); }
  [[nodiscard]] T& value() & { return std::get<T>(data_); }
  [[nodiscard]] T&& value() && { return std::get<T>(std::move(data_)); }
  [[nodiscard]] const Error& error() const { return std::get<Error>(data_); }

 private:
  std::variant<T, Error> data_;
};

}  // namespace napilab
