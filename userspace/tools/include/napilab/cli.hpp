// The tools' command line: CLI11 included once (with its GCC 12 warning
// kept out), and the one parse -> exit code rule every tool follows.
#pragma once

// GCC 12 sees a "potential null pointer dereference" inside CLI11's vector
// option code (CLI::detail::split, inlined); it is in the header, not ours.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wnull-dereference"
#include <CLI/CLI.hpp>
#pragma GCC diagnostic pop
#include <optional>

namespace napilab {

// Exit code of a tool for arguments it refuses, during parsing or after.
inline constexpr int kExitBadUsage = 2;

// Parses the command line. Returns the exit code when the tool should stop
// here (0 after --help, kExitBadUsage for bad arguments, with CLI11's
// message on stderr), else nullopt: go on.
inline std::optional<int> parse_command_line(CLI::App& app, int argc, char** argv) {
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    return app.exit(error) == 0 ? 0 : kExitBadUsage;
  }
  return std::nullopt;
}

}  // namespace napilab
