// The tools' command line: CLI11 included once (with its GCC 12 warning
// kept out), and the one parse -> exit code rule every tool follows, with
// --version from the project's one version.
#pragma once

// GCC 12 sees a "potential null pointer dereference" inside CLI11's vector
// option code (CLI::detail::split, inlined); it is in the header, not ours.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wnull-dereference"
#include <CLI/CLI.hpp>
#pragma GCC diagnostic pop
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "napilab/net/units.hpp"
#include "napilab/version.hpp"

namespace napilab {

// Exit code of a tool for arguments it refuses, during parsing or after.
inline constexpr int kExitBadUsage = 2;

// For a duration option held in seconds (a double): reads the text with the
// traffic tools' one duration parser ("0.5", "500ms", "5s", "2m" - a bare
// number is seconds) and hands CLI11 the seconds. Checks such as
// CLI::Range run after it, on the seconds.
inline CLI::Validator duration_in_seconds() {
  return {[](std::string& text) -> std::string {
            auto parsed = net::parse_duration(text);
            if (!parsed) {
              return parsed.error().message;
            }
            text = std::to_string(std::chrono::duration<double>(parsed.value()).count());
            return {};
          },
          "DURATION", "duration"};
}

// What --version prints: "NAME (napilab) VERSION", the form help2man reads.
inline std::string version_line(std::string_view argv0) {
  const auto slash = argv0.rfind('/');
  const std::string_view name = slash == std::string_view::npos ? argv0 : argv0.substr(slash + 1);
  return std::string(name) + " (napilab) " + std::string(kProjectVersion);
}

// Parses the command line, with --version and --help-all (every
// subcommand's options too: what the man pages are made from) added.
// Returns the exit code when the tool should stop here (0 after a help or
// --version, kExitBadUsage for bad arguments, with CLI11's message on
// stderr), else nullopt: go on.
inline std::optional<int> parse_command_line(CLI::App& app, int argc, char** argv) {
  app.set_version_flag("--version", version_line(argc > 0 ? argv[0] : "napilab"),
                       "print the tool's name and napilab's version, and exit");
  app.set_help_all_flag("--help-all", "print this help with every subcommand's options, and exit");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    return app.exit(error) == 0 ? 0 : kExitBadUsage;
  }
  return std::nullopt;
}

}  // namespace napilab
