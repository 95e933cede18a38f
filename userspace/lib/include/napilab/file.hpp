// Whole-file reads for the thin I/O wrappers around the pure parsers.
#pragma once

#include <string>
#include <string_view>

#include "napilab/result.hpp"

namespace napilab {

// Reads a (proc, sysfs or regular) file completely; the error names the
// path and the errno text.
Result<std::string> read_file(const std::string& path);

// Reads a file and runs a pure parser over it; errors name the path.
template <class Parser>
auto read_and_parse(const std::string& path, Parser parse) -> decltype(parse(std::string_view())) {
  auto text = read_file(path);
  if (!text) {
    return text.error();
  }
  auto parsed = parse(std::string_view(text.value()));
  if (!parsed) {
    return Error{path + ": " + parsed.error().to_string()};
  }
  return parsed;
}

}  // namespace napilab
