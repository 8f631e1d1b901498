#pragma once
// How wide the terminal is: the one rule every table, help page and progress line follows.
// COLUMNS wins when it is a plain positive number (as POSIX's sh describes it: the user's width
// for the output); else the width of the terminal on `fd`; else the caller's default.

#include <optional>
#include <string>
#include <string_view>

namespace asc::cli {

// COLUMNS read strictly: digits only, 1 to 9999; anything else ("80x", "-1", "", "wide") is
// ignored, not half-read as atoi would.
std::optional<int> parse_columns(std::string_view text);

// `columns_env`: COLUMNS as the Context's environment has it. 0 when neither says.
int terminal_columns(const std::optional<std::string>& columns_env, int fd);

} // namespace asc::cli
