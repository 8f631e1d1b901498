// One item per line, with bounds on the line, the count and the total.

#include "asc/base/line_input.hpp"

#include "asc/base/errors.hpp"

#include <fmt/format.h>

namespace asc {

namespace {

constexpr std::string_view k_bom = "\xEF\xBB\xBF";
constexpr std::string_view k_hint = "give one order id per line (# comments allowed), e.g. 112-1234567-1234567";

// The line without its comment and surrounding blanks.
std::string_view item_of(std::string_view line) {
    if (const auto hash = line.find('#'); hash != std::string_view::npos) {
        line = line.substr(0, hash);
    }
    const auto first = line.find_first_not_of(" \t\r");
    if (first == std::string_view::npos) {
        return {};
    }
    const auto last = line.find_last_not_of(" \t\r");
    return line.substr(first, last - first + 1);
}

} // namespace

std::vector<std::string> read_line_items(std::istream& in, std::string_view source, const LineLimits& limits) {
    std::vector<std::string> items;
    each_line_item(in, source, [&items](std::string_view item) { items.emplace_back(item); }, limits);
    return items;
}

void each_line_item(std::istream& in, std::string_view source, const std::function<void(std::string_view)>& sink,
                    const LineLimits& limits) {
    std::streambuf* buf = in.rdbuf();
    std::string line;
    std::size_t line_number = 0;
    std::size_t total = 0;
    bool at_end = buf == nullptr;
    while (!at_end) {
        line.clear();
        ++line_number;
        if (line_number > limits.max_lines) {
            throw Error(ErrorKind::Usage,
                        fmt::format("{} has more than {} lines", source, limits.max_lines),
                        "split the list into several runs");
        }
        for (;;) {
            const auto c = buf->sbumpc();
            if (c == std::char_traits<char>::eof()) {
                at_end = true;
                break;
            }
            if (++total > limits.max_total_bytes) {
                throw Error(ErrorKind::Usage,
                            fmt::format("{} is larger than {} MiB", source, limits.max_total_bytes >> 20U),
                            "split the list into several runs");
            }
            const char ch = std::char_traits<char>::to_char_type(c);
            if (ch == '\n') {
                break;
            }
            const auto byte = static_cast<unsigned char>(ch);
            if ((byte < 0x20 && ch != '\t' && ch != '\r') || byte == 0x7f) {
                throw Error(ErrorKind::Usage,
                            fmt::format("{}: line {} holds the control byte 0x{:02x}: not a list of order ids",
                                        source, line_number, byte),
                            std::string(k_hint));
            }
            if (line.size() >= limits.max_line_bytes) {
                throw Error(ErrorKind::Usage,
                            fmt::format("{}: line {} is longer than {} bytes", source, line_number,
                                        limits.max_line_bytes),
                            std::string(k_hint));
            }
            line += ch;
        }
        std::string_view text = line;
        if (line_number == 1 && text.starts_with(k_bom)) {
            text.remove_prefix(k_bom.size()); // Windows editors start UTF-8 files with one
        }
        if (const std::string_view item = item_of(text); !item.empty()) {
            sink(item);
        }
    }
}

} // namespace asc
