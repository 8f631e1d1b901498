#pragma once
// Lists read from a file or stdin, one item per line (`order cancel --from FILE`), with bounds:
// whatever the input (a binary file, /dev/urandom, a file without newlines), reading stops with a
// message at a known size instead of growing until memory runs out.

#include <cstddef>
#include <functional>
#include <istream>
#include <string>
#include <string_view>
#include <vector>

namespace asc {

struct LineLimits {
    std::size_t max_line_bytes = 512;            // an order id is 19 bytes; room for a comment
    std::size_t max_lines = 1'000'000;           // far beyond any batch (a feed holds 100,000)
    std::size_t max_total_bytes = 64U << 20U;    // 64 MiB
};

// Reads one item per line from `in`: a UTF-8 byte order mark at the start is dropped, `#` starts
// a comment, blank lines are skipped, surrounding spaces, tabs and a CR are trimmed. Throws
// Error(Usage) naming `source` and the limit when a line, the line count or the total size goes
// over `limits`, or when a line holds a control byte (a binary file is not a list).
std::vector<std::string> read_line_items(std::istream& in, std::string_view source,
                                         const LineLimits& limits = {});
// The same, handing each item to `item` as it is read (the view is valid during the call).
void each_line_item(std::istream& in, std::string_view source, const std::function<void(std::string_view)>& item,
                    const LineLimits& limits = {});

} // namespace asc
