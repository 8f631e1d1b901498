// Lists read one item per line (order cancel --from): a byte order mark, binary input and
// input without end.

#include "asc/base/errors.hpp"
#include "asc/base/line_input.hpp"

#include <doctest/doctest.h>
#include <sstream>
#include <string>
#include <vector>

TEST_SUITE_BEGIN("core::line_input");

namespace {

std::vector<std::string> items(const std::string& text, const asc::LineLimits& limits = {}) {
    std::istringstream in(text);
    return asc::read_line_items(in, "--from ids.txt", limits);
}

std::string usage_error(const std::string& text, const asc::LineLimits& limits = {}) {
    try {
        (void)items(text, limits);
    } catch (const asc::Error& e) {
        CHECK(e.kind() == asc::ErrorKind::Usage);
        return e.what();
    }
    return "(no error)";
}

} // namespace

TEST_CASE("read_line_items: one per line, comments, blanks, CRLF") {
    CHECK(items("111-1111111-1111111\n  222-2222222-2222222 \r\n\n# a comment\n333-3333333-3333333 # why\n") ==
          std::vector<std::string>{"111-1111111-1111111", "222-2222222-2222222", "333-3333333-3333333"});
    CHECK(items("444-4444444-4444444").size() == 1); // no final newline
    CHECK(items("").empty());
}

TEST_CASE("read_line_items drops a UTF-8 byte order mark before the first id") {
    CHECK(items("\xEF\xBB\xBF" "111-1111111-1111111\r\n222-2222222-2222222\r\n") ==
          std::vector<std::string>{"111-1111111-1111111", "222-2222222-2222222"});
    // Only at the start of the input: elsewhere it stays part of the line.
    CHECK(items("a\n\xEF\xBB\xBF" "b\n").at(1) == "\xEF\xBB\xBF" "b");
}

TEST_CASE("read_line_items stops at its bounds with a message naming them") {
    CHECK(usage_error(std::string(600, '1')) == "--from ids.txt: line 1 is longer than 512 bytes");
    CHECK(usage_error("a\nb\nc\nd\n", {.max_lines = 3}) == "--from ids.txt has more than 3 lines");
    CHECK(usage_error(std::string(3 << 20U, '\n'), {.max_lines = 10'000'000, .max_total_bytes = 2U << 20U}) ==
          "--from ids.txt is larger than 2 MiB");
    CHECK(usage_error("111-1111111-1111111\n\x01\x02\xff") ==
          "--from ids.txt: line 2 holds the control byte 0x01: not a list of order ids");
    CHECK(usage_error(std::string("ab\0c", 4)).find("control byte 0x00") != std::string::npos);
}

TEST_SUITE_END();
