// Times as users type them and as Amazon wants them. g++ 12 has the C++20 calendar types but not
// std::chrono::parse, so the parsing here is by hand and strict: a time that does not exist on the
// calendar ("2026-02-30") is rejected, never normalized.

#include "asc/base/time.hpp"

#include "asc/base/errors.hpp"
#include "asc/base/strings.hpp"

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <fmt/format.h>
#include <limits>

namespace asc {

namespace {

using std::chrono::days;
using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::seconds;

// A cursor over the text with the few primitives the formats need.
class Scanner {
  public:
    explicit Scanner(std::string_view text) : m_text(text) {}

    [[nodiscard]] bool done() const { return m_pos == m_text.size(); }
    [[nodiscard]] char peek() const { return done() ? '\0' : m_text[m_pos]; }
    void skip() { ++m_pos; }

    // Exactly `n` ASCII digits.
    bool digits(std::size_t n, int& out) {
        if (m_text.size() - m_pos < n) {
            return false;
        }
        int value = 0;
        for (std::size_t i = 0; i < n; ++i) {
            const char c = m_text[m_pos + i];
            if (c < '0' || c > '9') {
                return false;
            }
            value = value * 10 + (c - '0');
        }
        m_pos += n;
        out = value;
        return true;
    }

    bool literal(char c) {
        if (peek() != c || done()) {
            return false;
        }
        ++m_pos;
        return true;
    }

  private:
    std::string_view m_text;
    std::size_t m_pos = 0;
};

constexpr std::int64_t k_day = 86400;
constexpr std::int64_t k_week = 7 * k_day;

bool is_digit(char c) {
    return c >= '0' && c <= '9';
}

// "YYYY-MM-DD" at the scanner's position; false if malformed or not a calendar date.
bool scan_date(Scanner& s, std::chrono::sys_days& out) {
    int y = 0;
    int m = 0;
    int d = 0;
    if (!s.digits(4, y) || !s.literal('-') || !s.digits(2, m) || !s.literal('-') || !s.digits(2, d)) {
        return false;
    }
    const std::chrono::year_month_day ymd{std::chrono::year{y}, std::chrono::month{static_cast<unsigned>(m)},
                                          std::chrono::day{static_cast<unsigned>(d)}};
    if (!ymd.ok()) {
        return false;
    }
    out = std::chrono::sys_days{ymd};
    return true;
}

[[noreturn]] void throw_bad_time(std::string_view text) {
    throw Error(ErrorKind::Usage, fmt::format("invalid time '{}'", text),
                "use RFC 3339 (2026-11-01T10:00:00Z), a date (2026-11-01), today, yesterday, or a "
                "duration back from now (90m, 24h, 7d)");
}

[[noreturn]] void throw_bad_duration(std::string_view text) {
    throw Error(ErrorKind::Usage, fmt::format("invalid duration '{}'", text),
                "use a number and a unit: 30s, 90m, 24h, 7d or 2w");
}

std::string plural(std::int64_t n, std::string_view unit) {
    return fmt::format("{} {}{}", n, unit, n == 1 ? "" : "s");
}

} // namespace

std::optional<Timestamp> parse_rfc3339(std::string_view text) {
    Scanner s(text);
    std::chrono::sys_days date{};
    if (!scan_date(s, date)) {
        return std::nullopt;
    }
    const char sep = s.peek();
    if (s.done() || (sep != 'T' && sep != 't' && sep != ' ')) {
        return std::nullopt;
    }
    s.skip();
    int hh = 0;
    int mm = 0;
    int ss = 0;
    if (!s.digits(2, hh) || !s.literal(':') || !s.digits(2, mm) || !s.literal(':') || !s.digits(2, ss)) {
        return std::nullopt;
    }
    // 60 is a leap second: RFC 3339 allows it, and it lands on the next minute's first second.
    if (hh > 23 || mm > 59 || ss > 60) {
        return std::nullopt;
    }
    if (s.literal('.')) {
        if (!is_digit(s.peek())) {
            return std::nullopt;
        }
        while (is_digit(s.peek())) {
            s.skip(); // truncated: Timestamp has whole seconds
        }
    }
    seconds offset{0};
    const char zone = s.peek();
    if (zone == 'Z' || zone == 'z') {
        s.skip();
    } else if (zone == '+' || zone == '-') {
        s.skip();
        int oh = 0;
        int om = 0;
        if (!s.digits(2, oh) || !s.literal(':') || !s.digits(2, om) || oh > 23 || om > 59) {
            return std::nullopt;
        }
        offset = hours{oh} + minutes{om};
        if (zone == '-') {
            offset = -offset;
        }
    } else {
        return std::nullopt;
    }
    if (!s.done()) {
        return std::nullopt;
    }
    // Local time minus its offset is UTC.
    return Timestamp{date} + hours{hh} + minutes{mm} + seconds{ss} - offset;
}

std::chrono::seconds parse_duration(std::string_view text) {
    // One or more "<number><unit>" parts: "90m", "2w", also "1h30m".
    if (text.empty()) {
        throw_bad_duration(text);
    }
    constexpr std::int64_t k_max_seconds = std::int64_t{1} << 40; // ~34,000 years: plenty
    std::int64_t total = 0;
    std::size_t i = 0;
    while (i < text.size()) {
        if (!is_digit(text[i])) {
            throw_bad_duration(text);
        }
        std::int64_t n = 0;
        while (i < text.size() && is_digit(text[i])) {
            n = n * 10 + (text[i] - '0');
            if (n > k_max_seconds) {
                throw_bad_duration(text);
            }
            ++i;
        }
        if (i == text.size()) {
            throw_bad_duration(text); // a bare number: the unit is not optional
        }
        std::int64_t unit = 0;
        switch (text[i]) {
        case 's':
            unit = 1;
            break;
        case 'm':
            unit = 60;
            break;
        case 'h':
            unit = 3600;
            break;
        case 'd':
            unit = k_day;
            break;
        case 'w':
            unit = k_week;
            break;
        default:
            throw_bad_duration(text);
        }
        ++i;
        total += n * unit;
        if (total > k_max_seconds) {
            throw_bad_duration(text);
        }
    }
    return seconds{total};
}

std::chrono::seconds parse_duration_or_seconds(std::string_view text) {
    if (!text.empty() && std::all_of(text.begin(), text.end(), is_digit)) {
        return parse_duration(std::string(text) + "s");
    }
    return parse_duration(text);
}

std::string format_duration(std::chrono::seconds d) {
    std::int64_t s = std::max<std::int64_t>(d.count(), 0);
    const bool with_seconds = s < 3600;
    if (s < 60) {
        return fmt::format("{}s", s);
    }
    std::string out;
    for (const auto& [unit, size] : {std::pair{"d", k_day}, std::pair{"h", std::int64_t{3600}}, std::pair{"m", std::int64_t{60}}}) {
        if (s >= size) {
            out += fmt::format("{}{}", s / size, unit);
            s %= size;
        }
    }
    if (s > 0 && with_seconds) {
        out += fmt::format("{}s", s);
    }
    return out;
}

Timestamp parse_time_arg(std::string_view text, Timestamp now) {
    if (auto t = parse_rfc3339(text)) {
        return *t;
    }
    const std::string word = lower_ascii(trim(text));
    if (word == "now") {
        return now;
    }
    if (word == "today") {
        return Timestamp{std::chrono::floor<days>(now)};
    }
    if (word == "yesterday") {
        return Timestamp{std::chrono::floor<days>(now) - days{1}};
    }
    if (text.size() == 10) {
        Scanner s(text);
        std::chrono::sys_days date{};
        if (scan_date(s, date) && s.done()) {
            return Timestamp{date};
        }
        throw_bad_time(text);
    }
    if (!text.empty() && is_digit(text.front())) {
        try {
            return now - parse_duration(text);
        } catch (const Error&) {
            throw_bad_time(text);
        }
    }
    throw_bad_time(text);
}

std::string format_rfc3339(Timestamp t) {
    const auto day = std::chrono::floor<days>(t);
    const std::chrono::year_month_day ymd{day};
    const std::chrono::hh_mm_ss hms{t - day};
    return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z", static_cast<int>(ymd.year()),
                       static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                       hms.hours().count(), hms.minutes().count(), hms.seconds().count());
}

std::string format_relative(Timestamp t, Timestamp now) {
    const bool future = t > now;
    const std::int64_t secs = future ? (t - now).count() : (now - t).count();
    if (secs < 60) {
        return "just now";
    }
    std::string amount;
    if (secs < 3600) {
        amount = plural(secs / 60, "minute");
    } else if (secs < k_day) {
        amount = plural(secs / 3600, "hour");
    } else if (secs < 60 * k_day) {
        amount = plural(secs / k_day, "day");
    } else if (secs < 365 * k_day) {
        amount = plural(secs / (30 * k_day), "month");
    } else {
        amount = plural(secs / (365 * k_day), "year");
    }
    return future ? "in " + amount : amount + " ago";
}

Timestamp now_seconds() {
    return std::chrono::floor<seconds>(std::chrono::system_clock::now());
}

} // namespace asc
