// The strict JSON reader of json_pull.hpp.

#include "asc/base/json_pull.hpp"

#include <cmath>
#include <cstdlib>
#include <cstring>

namespace asc {

namespace {

bool is_space(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

bool is_digit(char c) {
    return c >= '0' && c <= '9';
}

// 0..15, or -1 for anything that is not a hex digit.
int hex_value(char c) {
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

// Whether the 8 bytes at `p` are all plain string bytes: printable ASCII other than '"' and '\\'
// (no end, no escape, no control character, no UTF-8 sequence to check). Word-at-a-time tests
// (the "has a zero byte" / "has a byte less than n" identities): each is exact as a yes/no.
bool plain8(const char* p) {
    std::uint64_t x = 0;
    std::memcpy(&x, p, sizeof x);
    constexpr std::uint64_t ones = 0x0101010101010101ULL;
    constexpr std::uint64_t highs = 0x8080808080808080ULL;
    const auto has_zero = [](std::uint64_t v) { return (v - ones) & ~v & highs; };
    const std::uint64_t special = has_zero(x ^ (ones * '"')) | has_zero(x ^ (ones * '\\')) |
                                  ((x - ones * 0x20) & ~x & highs) | (x & highs);
    return special == 0;
}

// A string byte that needs no look: printable ASCII other than '"' and '\\' (DEL included).
bool plain_byte(char c) {
    const auto u = static_cast<unsigned char>(c);
    return u >= 0x20 && u < 0x80 && u != '"' && u != '\\';
}

void append_utf8(std::string& out, std::uint32_t cp) {
    if (cp < 0x80) {
        out += static_cast<char>(cp);
    } else if (cp < 0x800) {
        out += static_cast<char>(0xC0 | (cp >> 6));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        out += static_cast<char>(0xE0 | (cp >> 12));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
        out += static_cast<char>(0xF0 | (cp >> 18));
        out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    }
}

} // namespace

JsonPull::JsonPull(std::string_view text, std::size_t max_depth)
    : m_begin(text.data()), m_end(text.data() + text.size()), m_max_depth(max_depth) {
    // A UTF-8 byte order mark before the value is skipped, as nlohmann's lexer does.
    if (text.starts_with("\xEF\xBB\xBF")) {
        m_pos = 3;
    }
}

JsonPull::Event JsonPull::fail(const char* what) {
    if (m_error == nullptr) {
        m_error = what;
    }
    m_expect = Expect::Done;
    return Event::Error;
}

// Inline: called before every event, and a page usually has no whitespace at all.
inline void JsonPull::skip_space() {
    while (m_begin + m_pos < m_end && is_space(m_begin[m_pos])) {
        ++m_pos;
    }
}

JsonPull::Event JsonPull::next() {
    if (m_error != nullptr) {
        return Event::Error;
    }
    for (;;) {
        skip_space();
        if (m_begin + m_pos == m_end) {
            return m_expect == Expect::Done ? Event::End : fail("the text ends before the value does");
        }
        const char c = m_begin[m_pos];
        switch (m_expect) {
        case Expect::Done:
            return fail("more follows the value");
        case Expect::CommaOrClose:
            if (c == ',') {
                ++m_pos;
                m_expect = m_stack.back() ? Expect::Key : Expect::Value;
                continue;
            }
            return close(c);
        case Expect::KeyOrClose:
            if (c == '}') {
                return close(c);
            }
            [[fallthrough]];
        case Expect::Key: {
            if (c != '"') {
                return fail("a member name (a string) was expected");
            }
            const Event key = string(Event::Key);
            if (key == Event::Error) {
                return key;
            }
            skip_space();
            if (m_begin + m_pos == m_end || m_begin[m_pos] != ':') {
                return fail("':' was expected after the member name");
            }
            ++m_pos;
            m_expect = Expect::Value;
            return key;
        }
        case Expect::ValueOrClose:
            if (c == ']') {
                return close(c);
            }
            [[fallthrough]];
        case Expect::Value:
            return value();
        }
    }
}

JsonPull::Event JsonPull::close(char bracket) {
    const bool object = !m_stack.empty() && m_stack.back();
    if (m_stack.empty() || bracket != (object ? '}' : ']')) {
        return fail(object ? "',' or '}' was expected" : "',' or ']' was expected");
    }
    ++m_pos;
    m_stack.pop_back();
    after_value();
    return object ? Event::ObjectEnd : Event::ArrayEnd;
}

JsonPull::Event JsonPull::value() {
    const char c = m_begin[m_pos];
    switch (c) {
    case '{':
    case '[':
        if (m_stack.size() >= m_max_depth) {
            return fail("nested too deeply");
        }
        ++m_pos;
        m_stack.push_back(c == '{');
        m_expect = c == '{' ? Expect::KeyOrClose : Expect::ValueOrClose;
        return c == '{' ? Event::ObjectStart : Event::ArrayStart;
    case '"': {
        const Event e = string(Event::String);
        if (e != Event::Error) {
            after_value();
        }
        return e;
    }
    case 't':
        return literal("true", Event::True);
    case 'f':
        return literal("false", Event::False);
    case 'n':
        return literal("null", Event::Null);
    default:
        if (c == '-' || is_digit(c)) {
            return number();
        }
        return fail("a value was expected");
    }
}

JsonPull::Event JsonPull::literal(std::string_view word, Event kind) {
    if (static_cast<std::size_t>(m_end - (m_begin + m_pos)) < word.size() ||
        std::string_view(m_begin + m_pos, word.size()) != word) {
        return fail("a value was expected");
    }
    m_pos += word.size();
    after_value();
    return kind;
}

// At the opening quote. Plain runs are not copied: text() views the buffer until the first
// backslash, after which the string is built in the scratch buffer (the runs between escapes
// appended whole). Plain bytes are skipped a word at a time, then byte by byte up to the next
// byte that needs a look: the end, an escape, a control character or a UTF-8 sequence.
JsonPull::Event JsonPull::string(Event kind) {
    const std::size_t start = ++m_pos;
    bool copying = false;
    std::size_t run = start; // copying: where the bytes not yet in the scratch buffer begin
    for (;;) {
        while (m_end - (m_begin + m_pos) >= 8 && plain8(m_begin + m_pos)) {
            m_pos += 8;
        }
        while (m_begin + m_pos < m_end && plain_byte(m_begin[m_pos])) {
            ++m_pos;
        }
        if (m_begin + m_pos == m_end) {
            return fail("a string is not closed");
        }
        const auto c = static_cast<unsigned char>(m_begin[m_pos]);
        if (c == '"') {
            if (copying) {
                m_scratch.append(m_begin + run, m_pos - run);
                m_text = m_scratch;
            } else {
                m_text = std::string_view(m_begin + start, m_pos - start);
            }
            ++m_pos;
            return kind;
        }
        if (c == '\\') {
            if (!copying) {
                m_scratch.clear();
                copying = true;
            }
            m_scratch.append(m_begin + run, m_pos - run);
            if (!escape()) {
                return Event::Error;
            }
            run = m_pos;
            continue;
        }
        if (c < 0x20) {
            return fail("a control character in a string (it must be escaped)");
        }
        if (!utf8()) { // consumed, and part of the run
            return Event::Error;
        }
    }
}

// At a byte of 0x80 or more: one well-formed UTF-8 sequence (RFC 3629's table), consumed.
bool JsonPull::utf8() {
    const auto* p = reinterpret_cast<const unsigned char*>(m_begin + m_pos);
    const auto left = static_cast<std::size_t>(m_end - (m_begin + m_pos));
    const unsigned char b0 = p[0];
    std::size_t length = 0;
    unsigned lo = 0x80;
    unsigned hi = 0xBF; // the range of the second byte
    if (b0 >= 0xC2 && b0 <= 0xDF) {
        length = 2;
    } else if (b0 >= 0xE0 && b0 <= 0xEF) {
        length = 3;
        lo = b0 == 0xE0 ? 0xA0 : 0x80;
        hi = b0 == 0xED ? 0x9F : 0xBF;
    } else if (b0 >= 0xF0 && b0 <= 0xF4) {
        length = 4;
        lo = b0 == 0xF0 ? 0x90 : 0x80;
        hi = b0 == 0xF4 ? 0x8F : 0xBF;
    } else {
        fail("invalid UTF-8 in a string");
        return false;
    }
    if (left < length || p[1] < lo || p[1] > hi) {
        fail("invalid UTF-8 in a string");
        return false;
    }
    for (std::size_t i = 2; i < length; ++i) {
        if (p[i] < 0x80 || p[i] > 0xBF) {
            fail("invalid UTF-8 in a string");
            return false;
        }
    }
    m_pos += length;
    return true;
}

// At a backslash: one escape, appended to the scratch buffer.
bool JsonPull::escape() {
    const auto hex4 = [this](std::size_t at) -> long {
        if (static_cast<std::size_t>(m_end - m_begin) < at + 4) {
            return -1;
        }
        long v = 0;
        for (std::size_t i = 0; i < 4; ++i) {
            const int h = hex_value(m_begin[at + i]);
            if (h < 0) {
                return -1;
            }
            v = v * 16 + h;
        }
        return v;
    };
    if (m_begin + m_pos + 1 >= m_end) {
        fail("a string is not closed");
        return false;
    }
    const char c = m_begin[m_pos + 1];
    const char* simple = nullptr;
    switch (c) {
    case '"': simple = "\""; break;
    case '\\': simple = "\\"; break;
    case '/': simple = "/"; break;
    case 'b': simple = "\b"; break;
    case 'f': simple = "\f"; break;
    case 'n': simple = "\n"; break;
    case 'r': simple = "\r"; break;
    case 't': simple = "\t"; break;
    case 'u': break;
    default:
        fail("an invalid escape in a string");
        return false;
    }
    if (simple != nullptr) {
        m_scratch += *simple;
        m_pos += 2;
        return true;
    }
    const long first = hex4(m_pos + 2);
    if (first < 0) {
        fail("\\u must be followed by four hex digits");
        return false;
    }
    m_pos += 6;
    auto cp = static_cast<std::uint32_t>(first);
    if (cp >= 0xDC00 && cp <= 0xDFFF) {
        fail("a low surrogate (\\uDC00-\\uDFFF) without a high one before it");
        return false;
    }
    if (cp >= 0xD800 && cp <= 0xDBFF) {
        const bool marked = m_begin + m_pos + 1 < m_end && m_begin[m_pos] == '\\' && m_begin[m_pos + 1] == 'u';
        const long second = marked ? hex4(m_pos + 2) : -1;
        if (second < 0xDC00 || second > 0xDFFF) {
            fail("a high surrogate (\\uD800-\\uDBFF) must be followed by a low one (\\uDC00-\\uDFFF)");
            return false;
        }
        m_pos += 6;
        cp = 0x10000 + ((cp - 0xD800) << 10) + (static_cast<std::uint32_t>(second) - 0xDC00);
    }
    append_utf8(m_scratch, cp);
    return true;
}

// -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
JsonPull::Event JsonPull::number() {
    const std::size_t start = m_pos;
    const auto digit_at = [this](std::size_t at) { return m_begin + at < m_end && is_digit(m_begin[at]); };
    m_negative = m_begin[m_pos] == '-';
    if (m_negative) {
        ++m_pos;
    }
    if (!digit_at(m_pos)) {
        return fail("a digit was expected");
    }
    bool overflow = false;
    std::uint64_t n = 0;
    if (m_begin[m_pos] == '0') {
        ++m_pos;
    } else {
        while (digit_at(m_pos)) {
            const auto d = static_cast<std::uint64_t>(m_begin[m_pos] - '0');
            overflow = overflow || n > (UINT64_MAX - d) / 10;
            n = n * 10 + d;
            ++m_pos;
        }
    }
    bool integral = true;
    if (m_begin + m_pos < m_end && m_begin[m_pos] == '.') {
        integral = false;
        if (!digit_at(++m_pos)) {
            return fail("a digit was expected after '.'");
        }
        while (digit_at(m_pos)) {
            ++m_pos;
        }
    }
    if (m_begin + m_pos < m_end && (m_begin[m_pos] == 'e' || m_begin[m_pos] == 'E')) {
        integral = false;
        ++m_pos;
        if (m_begin + m_pos < m_end && (m_begin[m_pos] == '+' || m_begin[m_pos] == '-')) {
            ++m_pos;
        }
        if (!digit_at(m_pos)) {
            return fail("a digit was expected in the exponent");
        }
        while (digit_at(m_pos)) {
            ++m_pos;
        }
    }
    m_text = std::string_view(m_begin + start, m_pos - start);
    // A digit right after "0" ("01") is a second value where none may be: next() reports it.
    after_value();
    if (integral && !overflow && (!m_negative || n <= std::uint64_t{1} << 63)) {
        m_magnitude = n;
        return Event::Integer;
    }
    // As nlohmann: an integer out of 64-bit range is a double; a double must be finite.
    const std::string literal(m_text);
    if (!std::isfinite(std::strtod(literal.c_str(), nullptr))) {
        return fail("a number out of range");
    }
    return Event::Float;
}

} // namespace asc
