// Small pure helpers shared by the /proc and sysfs parsers.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace napilab {

// Unsigned decimal (base 10) or hexadecimal (base 16, no prefix) number that
// fits in 64 bits; nullopt for empty, non-digit or overflowing text.
std::optional<std::uint64_t> parse_u64(std::string_view text, int base = 10);

// Split on runs of blanks (spaces and tabs); no empty fields.
std::vector<std::string_view> split_blanks(std::string_view text);

// Lines of a text, without their '\n'; a final line without '\n' counts.
std::vector<std::string_view> split_lines(std::string_view text);

std::string_view trim(std::string_view text);

}  // namespace napilab
