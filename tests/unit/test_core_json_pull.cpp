// The strict JSON reader (asc::JsonPull) against nlohmann's parser, which the document decoder
// behind it uses: the same texts accepted and rejected (malformed inputs of every kind, and
// thousands of random mutations of a page), and for those accepted, the same values.

#include "asc/base/json_pull.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <vector>

using nlohmann::json;
using Event = asc::JsonPull::Event;

namespace {

// The reader's events as a JSON array of [kind, value] (null when it reported an error), built
// with the same value types nlohmann's parser gives, so the two can be compared.
json events(std::string_view text, std::string* error = nullptr) {
    asc::JsonPull in(text);
    json out = json::array();
    for (;;) {
        const Event e = in.next();
        switch (e) {
        case Event::End:
            return out;
        case Event::Error:
            if (error != nullptr) {
                *error = in.error();
            }
            CHECK(in.next() == Event::Error); // it stays failed
            return nullptr;
        case Event::Key:
            out.push_back({"key", std::string(in.text())});
            break;
        case Event::String:
            out.push_back({"string", std::string(in.text())});
            break;
        case Event::Integer:
            if (in.negative()) {
                out.push_back({"number", -static_cast<std::int64_t>(in.magnitude() - 1) - 1});
            } else {
                out.push_back({"number", in.magnitude()});
            }
            break;
        case Event::Float:
            out.push_back({"float", std::string(in.text())});
            break;
        default:
            out.push_back({static_cast<int>(e), nullptr});
            break;
        }
    }
}

// nlohmann's SAX events in the same shape (null: it rejected the text).
struct Recorder : nlohmann::json_sax<json> {
    json out = json::array();
    bool null() override { return add(static_cast<int>(Event::Null), nullptr); }
    bool boolean(bool b) override { return add(static_cast<int>(b ? Event::True : Event::False), nullptr); }
    bool number_integer(std::int64_t n) override { return add("number", n); }
    bool number_unsigned(std::uint64_t n) override { return add("number", n); }
    bool number_float(double, const std::string& s) override { return add("float", s); }
    bool string(std::string& s) override { return add("string", s); }
    bool binary(binary_t&) override { return false; }
    bool start_object(std::size_t) override { return add(static_cast<int>(Event::ObjectStart), nullptr); }
    bool key(std::string& s) override { return add("key", s); }
    bool end_object() override { return add(static_cast<int>(Event::ObjectEnd), nullptr); }
    bool start_array(std::size_t) override { return add(static_cast<int>(Event::ArrayStart), nullptr); }
    bool end_array() override { return add(static_cast<int>(Event::ArrayEnd), nullptr); }
    bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) override {
        return false;
    }
    bool add(json kind, json value) {
        out.push_back({std::move(kind), std::move(value)});
        return true;
    }
};

json nlohmann_events(std::string_view text) {
    Recorder r;
    if (!json::sax_parse(text.begin(), text.end(), &r)) {
        return nullptr;
    }
    return r.out;
}

const char* const k_page =
    R"({"orders":[{"orderId":"113-1234567-1234567","createdTime":"2026-10-28T14:05:09Z","programs":["PRIME"],)"
    R"("buyer":{"buyerName":"J\u00f6rg \"Jo\" M\u00fcller\\n","buyerEmail":"a\/b@example.com"},"n":-12,"f":1.5e3,)"
    R"("orderItems":[{"quantityOrdered":2,"x":[true,false,null,0,-0,18446744073709551615]}],"e":"\ud83d\ude00 ü"}],)"
    R"("pagination":{"nextToken":"abc+/=="}})";

} // namespace

TEST_SUITE_BEGIN("core::json_pull");

TEST_CASE("a page reads as the same events as nlohmann's, strings unescaped") {
    const json mine = events(k_page);
    REQUIRE_FALSE(mine.is_null());
    CHECK(mine == nlohmann_events(k_page));
    CHECK(mine.dump().find("J\u00f6rg \\\"Jo\\\" M\u00fcller\\\\n") != std::string::npos);
    CHECK(mine.dump().find("\xF0\x9F\x98\x80 \xC3\xBC") != std::string::npos); // the surrogate pair, decoded
    // Whitespace of every allowed kind, a byte order mark, scalars at the top.
    for (const char* ok : {" \t\r\n{ \"a\" : [ 1 , 2 ] } \n", "\xEF\xBB\xBF{}", "[]", "\"\"", "0", "-0.0e+1",
                           "1E-400", "null", "[{}]", "{\"\":{}}", "\"\\u0000\"", "123456789012345678901234567890"}) {
        CAPTURE(ok);
        CHECK_FALSE(events(ok).is_null());
        CHECK(events(ok) == nlohmann_events(ok));
    }
}

TEST_CASE("malformed texts are errors, as they are for nlohmann, with what is wrong") {
    const std::vector<std::string> bad = {
        "", " ", "{", "[", "{\"a\"", "{\"a\":", "{\"a\":1", "[1,", "[1 2]", "{\"a\" 1}", "{1:2}", "{,}", "[,1]",
        "[1,]", "{\"a\":1,}", "]", "}", "[}", "{]", "{} {}", "{} x", "nul", "tru", "falsey", "True", "NaN",
        "Infinity", // truncated and broken structure, bad literals
        "01", "-", "-a", "+1", ".5", "1.", "1.e5", "1e", "1e+", "0x10", "1e400", "-1e400", // numbers
        "\"abc", "\"\\x\"", "\"\\u12\"", "\"\\u12G4\"", "\"\\'\"", "\"\\", // strings cut short, bad escapes
        "\"\\ud800\"", "\"\\udc00\"", "\"\\ud800\\u0041\"", "\"\\ud800x\"", // unpaired surrogates
        std::string("\"a\tb\""), std::string("\"a\nb\""), std::string("\"\x01\""), std::string("\"\0\"", 3),
        "\"\x80\"", "\"\xC0\xAF\"", "\"\xC1\xBF\"", "\"\xE0\x80\xAF\"", "\"\xED\xA0\x80\"", // invalid UTF-8
        "\"\xF4\x90\x80\x80\"", "\"\xF5\x80\x80\x80\"", "\"\xFF\"", "\"\xC3\"", "\"\xE2\x82\"", "\xC3\xA9",
        "\xEF\xBB", "\xEF\xBB\xBF", // a byte order mark alone, or cut
    };
    for (const auto& text : bad) {
        CAPTURE(text);
        std::string error;
        CHECK(events(text, &error).is_null());
        CHECK_FALSE(error.empty());
        CHECK_FALSE(json::accept(text));
    }
    std::string error;
    CHECK(events("[1,]", &error).is_null());
    CHECK(error == std::string("a value was expected"));
    CHECK(events("\"\\ud800\"", &error).is_null());
    CHECK(error.find("surrogate") != std::string::npos);
    CHECK(events("\"\x80\"", &error).is_null());
    CHECK(error == std::string("invalid UTF-8 in a string"));
}

TEST_CASE("nesting deeper than the limit is an error, within it is not") {
    const std::string deep = std::string(1000, '[') + std::string(1000, ']');
    CHECK_FALSE(events(deep).is_null());
    std::string error;
    CHECK(events("[" + deep + "]", &error).is_null());
    CHECK(error == std::string("nested too deeply"));
    asc::JsonPull shallow("[[1]]", 1);
    CHECK(shallow.next() == Event::ArrayStart);
    CHECK(shallow.next() == Event::Error);
}

TEST_CASE("strings read a word at a time: every special byte at every position, as nlohmann reads them") {
    // Plain runs are skipped eight bytes at a time: a quote, backslash, control character or
    // UTF-8 byte anywhere in a word, or in the bytes after the last whole word, must still stop
    // the run (and an invalid one fail the text).
    const std::vector<std::string> specials{"\"", "\\\"", "\\n", "\\u00e9", "\x01", "\x1f", "\x7f", " ", "~",
                                            "\xc3\xa9", "\xe2\x82\xac", "\xf0\x9f\x98\x80", "\x80", "\xc3",
                                            "\xed\xa0\x80", "\xff"};
    for (std::size_t length = 0; length <= 20; ++length) {
        for (std::size_t at = 0; at <= length; ++at) {
            for (const auto& special : specials) {
                std::string inner(length, 'a');
                inner.insert(at, special);
                const std::string text = "[\"" + inner + "\",\"" + inner + "xyz0123\"]";
                CAPTURE(text);
                CHECK(events(text) == nlohmann_events(text));
            }
        }
    }
}

TEST_CASE("random mutations of a page: accepted and read exactly when nlohmann accepts and reads them") {
    std::mt19937 rng(17); // fixed: the same texts every run
    const std::string page = k_page;
    const std::string alphabet = "{}[]\":,\\/ \t\n-+.0123456789eEtrufalsn\x01\x7f\x80\xBF\xC3\xE2\xED\xF0\xF4\xFF";
    int agreed_ok = 0;
    int agreed_bad = 0;
    for (int round = 0; round < 20000; ++round) {
        std::string text = page;
        const int edits = 1 + static_cast<int>(rng() % 3);
        for (int e = 0; e < edits; ++e) {
            const std::size_t at = rng() % (text.size() + 1);
            const char c = alphabet[rng() % alphabet.size()];
            switch (rng() % 3) {
            case 0:
                text.insert(at, 1, c);
                break;
            case 1:
                if (at < text.size()) {
                    text.erase(at, 1);
                }
                break;
            default:
                if (at < text.size()) {
                    text[at] = c;
                }
                break;
            }
        }
        const json theirs = nlohmann_events(text);
        const json mine = events(text);
        CAPTURE(text);
        CHECK(mine == theirs);
        (theirs.is_null() ? agreed_bad : agreed_ok) += mine == theirs ? 1 : 0;
    }
    // Both outcomes were exercised.
    CHECK(agreed_ok > 1000);
    CHECK(agreed_bad > 1000);
}

TEST_SUITE_END();
