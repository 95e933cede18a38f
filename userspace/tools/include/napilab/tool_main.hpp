// The one main of every napilab tool: it runs the tool's run(argc, argv) and
// turns an exception that escaped it (CLI11, fmt on a closed stdout, an
// allocation) into "NAME: what went wrong" on stderr and exit 1. Bad
// arguments are the tool's own business (CLI11's exit 2), not this one's.
// Header-only, without fmt: the tools that include it link what they print with.
#pragma once

#include <cstdio>
#include <exception>
#include <string_view>

namespace napilab {

inline int tool_main(std::string_view name, int argc, char** argv, int (*run)(int, char**)) {
  try {
    return run(argc, argv);
  } catch (const std::exception& error) {
    (void)std::fprintf(stderr, "%.*s: %s\n", static_cast<int>(name.size()), name.data(),
                       error.what());
    return 1;
  }
}

}  // namespace napilab
