#pragma once
// A strict JSON reader (RFC 8259) that hands out one event at a time from a buffer, for decoders
// that fill their own types without a document in between (orders_sax.cpp). Strings come as
// views into the buffer; only a string with a backslash is unescaped, into a scratch buffer.
//
// It accepts exactly what nlohmann::json's parser accepts (the document decoder behind it
// explains the faults): one value with optional whitespace around it and an optional UTF-8 byte
// order mark first; strings of valid UTF-8 (RFC 3629: no overlong forms, no surrogates, nothing
// past U+10FFFF) without control characters, whose escapes are the eight of the RFC and \uXXXX
// with surrogates in pairs; numbers of the RFC's grammar (no leading zeros, no '+', no bare '.'),
// where a number with a fraction or an exponent must be finite as a double. The one addition:
// nesting deeper than max_depth is an error here (nlohmann has no limit), so a decoder that
// gives up on an error falls back to the document parser for such a body.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace asc {

class JsonPull {
  public:
    enum class Event : std::uint8_t {
        ObjectStart, ObjectEnd, ArrayStart, ArrayEnd,
        Key,     // text(): the member name, unescaped
        String,  // text(): the value, unescaped
        Integer, // no fraction or exponent and within 64 bits: negative() and magnitude()
        Float,   // any other number (text(): as written)
        True, False, Null,
        End,   // the value is complete and only whitespace follows
        Error, // error() says what, offset() where; every later call returns Error again
    };

    explicit JsonPull(std::string_view text, std::size_t max_depth = 1000);

    Event next();

    // Valid until the next call of next().
    [[nodiscard]] std::string_view text() const { return m_text; }
    [[nodiscard]] bool negative() const { return m_negative; }
    // An Integer's absolute value (at most 2^63 when negative, so it fits an int64).
    [[nodiscard]] std::uint64_t magnitude() const { return m_magnitude; }
    [[nodiscard]] const char* error() const { return m_error; }
    [[nodiscard]] std::size_t offset() const { return m_pos; }

  private:
    enum class Expect : std::uint8_t { Value, ValueOrClose, Key, KeyOrClose, CommaOrClose, Done };

    Event fail(const char* what);
    Event value();
    Event string(Event kind);
    bool escape();
    bool utf8();
    Event number();
    Event literal(std::string_view word, Event kind);
    Event close(char bracket);
    void skip_space();
    void after_value() { m_expect = m_stack.empty() ? Expect::Done : Expect::CommaOrClose; }

    const char* m_begin;
    const char* m_end;
    std::size_t m_pos = 0;
    std::size_t m_max_depth;
    std::vector<bool> m_stack; // true: an object
    Expect m_expect = Expect::Value;
    std::string_view m_text;
    std::string m_scratch;
    bool m_negative = false;
    std::uint64_t m_magnitude = 0;
    const char* m_error = nullptr;
};

} // namespace asc
