#pragma once
// Text for a terminal (internal to the output part): UTF-8 decoding, display widths, cutting to
// a width, and cleaning untrusted text.

#include <cstddef>
#include <string>
#include <string_view>

namespace asc::text {

// Decodes one code point at `i`; returns its length in bytes, or 0 if the bytes there are not
// valid UTF-8 (then `cp` is unspecified).
std::size_t decode_utf8(std::string_view s, std::size_t i, char32_t& cp);

// Terminal columns of a code point: 0 for combining marks and zero-width characters, 2 for East
// Asian wide and fullwidth characters and most emoji, else 1.
int code_point_width(char32_t cp);

// Display width of text that clean_text has already cleaned (valid UTF-8).
std::size_t display_width(std::string_view s);

// The longest prefix of `s` that fits in `width` columns, ending with "…" when it had to cut.
// Never cuts inside a UTF-8 sequence.
std::string truncate_to_width(std::string_view s, std::size_t width);

// Appends U+FFFD, the replacement for invalid UTF-8.
void append_replacement(std::string& out);

// Removes control characters and repairs invalid UTF-8. `keep_whitespace` keeps tab, newline and
// carriage return (TSV escapes them); otherwise they become spaces. ANSI CSI sequences are dropped
// whole; any other ESC is dropped alone.
std::string clean_text(std::string_view text, bool keep_whitespace);

} // namespace asc::text
