// Text for a terminal: UTF-8 decoding, display widths (wide and zero-width characters), cutting
// to a width, and removing control characters from untrusted text.

#include "text.hpp"

#include <algorithm>
#include <array>
#include <cstdint>

namespace asc::text {

namespace {
constexpr std::string_view k_ellipsis = "…";
} // namespace

// ---------------------------------------------------------------------------------------------
// UTF-8

// Decodes one code point at `i`; returns its length in bytes, or 0 if the bytes there are not
// valid UTF-8 (overlong forms, surrogates and values past U+10FFFF are invalid).
std::size_t decode_utf8(std::string_view s, std::size_t i, char32_t& cp) {
    const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
    const unsigned char b0 = byte(i);
    if (b0 < 0x80) {
        cp = b0;
        return 1;
    }
    std::size_t len = 0;
    char32_t min = 0;
    if ((b0 & 0xE0U) == 0xC0U) {
        len = 2;
        cp = b0 & 0x1FU;
        min = 0x80;
    } else if ((b0 & 0xF0U) == 0xE0U) {
        len = 3;
        cp = b0 & 0x0FU;
        min = 0x800;
    } else if ((b0 & 0xF8U) == 0xF0U) {
        len = 4;
        cp = b0 & 0x07U;
        min = 0x10000;
    } else {
        return 0;
    }
    if (s.size() - i < len) {
        return 0;
    }
    for (std::size_t k = 1; k < len; ++k) {
        const unsigned char b = byte(i + k);
        if ((b & 0xC0U) != 0x80U) {
            return 0;
        }
        cp = (cp << 6U) | (b & 0x3FU);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
        return 0;
    }
    return len;
}

// Terminal columns of a code point: 0 for combining marks and zero-width characters, 2 for East
// Asian wide and fullwidth characters and most emoji, else 1.
int code_point_width(char32_t cp) {
    struct Range {
        char32_t first;
        char32_t last;
    };
    constexpr std::array k_zero{
        Range{0x0300, 0x036F}, Range{0x0483, 0x0489}, Range{0x0591, 0x05BD}, Range{0x0610, 0x061A},
        Range{0x064B, 0x065F}, Range{0x200B, 0x200F}, Range{0x202A, 0x202E}, Range{0x2060, 0x2064},
        Range{0x20D0, 0x20FF}, Range{0xFE00, 0xFE0F}, Range{0xFE20, 0xFE2F}, Range{0xFEFF, 0xFEFF},
    };
    constexpr std::array k_wide{
        Range{0x1100, 0x115F},   Range{0x231A, 0x231B},   Range{0x2329, 0x232A},   Range{0x23E9, 0x23EC},
        Range{0x25FD, 0x25FE},   Range{0x2614, 0x2615},   Range{0x2648, 0x2653},   Range{0x26AA, 0x26AB},
        Range{0x26BD, 0x26BE},   Range{0x26C4, 0x26C5},   Range{0x26F2, 0x26F5},   Range{0x2705, 0x2705},
        Range{0x270A, 0x270B},   Range{0x2753, 0x2755},   Range{0x2795, 0x2797},   Range{0x2B1B, 0x2B1C},
        Range{0x2E80, 0x303E},   Range{0x3041, 0x33FF},   Range{0x3400, 0x4DBF},   Range{0x4E00, 0x9FFF},
        Range{0xA000, 0xA4CF},   Range{0xA960, 0xA97F},   Range{0xAC00, 0xD7A3},   Range{0xF900, 0xFAFF},
        Range{0xFE10, 0xFE19},   Range{0xFE30, 0xFE6F},   Range{0xFF00, 0xFF60},   Range{0xFFE0, 0xFFE6},
        Range{0x1F300, 0x1F64F}, Range{0x1F680, 0x1F6FF}, Range{0x1F900, 0x1F9FF}, Range{0x1FA70, 0x1FAFF},
        Range{0x20000, 0x2FFFD}, Range{0x30000, 0x3FFFD},
    };
    const auto in = [cp](const auto& ranges) {
        return std::any_of(ranges.begin(), ranges.end(),
                           [cp](const Range& r) { return cp >= r.first && cp <= r.last; });
    };
    if (in(k_zero)) {
        return 0;
    }
    return in(k_wide) ? 2 : 1;
}

// Display width of text that strip_control has already cleaned (valid UTF-8).
std::size_t display_width(std::string_view s) {
    std::size_t width = 0;
    for (std::size_t i = 0; i < s.size();) {
        char32_t cp = 0;
        std::size_t len = decode_utf8(s, i, cp);
        if (len == 0) {
            len = 1;
            cp = 0xFFFD;
        }
        width += static_cast<std::size_t>(code_point_width(cp));
        i += len;
    }
    return width;
}

// The longest prefix of `s` that fits in `width` columns, ending with "…" when it had to cut.
// Never cuts inside a UTF-8 sequence.
std::string truncate_to_width(std::string_view s, std::size_t width) {
    if (display_width(s) <= width) {
        return std::string(s);
    }
    if (width == 0) {
        return {};
    }
    const std::size_t room = width - 1; // the ellipsis takes one column
    std::size_t used = 0;
    std::size_t end = 0;
    while (end < s.size()) {
        char32_t cp = 0;
        std::size_t len = decode_utf8(s, end, cp);
        if (len == 0) {
            len = 1;
            cp = 0xFFFD;
        }
        const auto w = static_cast<std::size_t>(code_point_width(cp));
        if (used + w > room) {
            break;
        }
        used += w;
        end += len;
    }
    return std::string(s.substr(0, end)) + std::string(k_ellipsis);
}

void append_replacement(std::string& out) {
    out += "\xEF\xBF\xBD";
}

// Removes control characters and repairs invalid UTF-8. `keep_whitespace` keeps tab, newline and
// carriage return as they are (for TSV, which escapes them); otherwise they become a space.
// ANSI CSI sequences ("ESC [ ... final") are dropped whole; any other ESC is dropped alone.
std::string clean_text(std::string_view text, bool keep_whitespace) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size();) {
        char32_t cp = 0;
        const std::size_t len = decode_utf8(text, i, cp);
        if (len == 0) {
            append_replacement(out);
            ++i;
            continue;
        }
        if (cp == 0x1B) {
            ++i;
            if (i < text.size() && text[i] == '[') {
                // CSI: parameter and intermediate bytes 0x20-0x3F, then one final byte 0x40-0x7E.
                std::size_t j = i + 1;
                while (j < text.size() && text[j] >= 0x20 && text[j] <= 0x3F) {
                    ++j;
                }
                if (j < text.size() && text[j] >= 0x40 && text[j] <= 0x7E) {
                    i = j + 1;
                }
            }
            continue;
        }
        if (cp == '\t' || cp == '\n' || cp == '\r') {
            out += keep_whitespace ? static_cast<char>(cp) : ' ';
        } else if (cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp <= 0x9F)) {
            // dropped: C0, DEL, C1
        } else {
            out.append(text.substr(i, len));
        }
        i += len;
    }
    return out;
}

} // namespace asc::text
