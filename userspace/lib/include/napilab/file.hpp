// Whole-file reads for the thin I/O wrappers around the pure parsers.
#pragma once

#include <string>

#include "napilab/result.hpp"

namespace napilab {

// Reads a (proc, sysfs or regular) file completely; the error names the
// path and the errno text.
Result<std::string> read_file(const std::string& path);

}  // namespace napilab
