// An order's packages (with their items) and the money lines of its total, packed into one JSON
// text column each of the orders row (schema 11, store_schema.cpp says why). The texts are arrays
// of arrays, so that a seller's own SQL can still read them with SQLite's json_each or
// PostgreSQL's json_array_elements:
//   money_lines: [[type, minor, scale, currency], ...]            e.g. [["ITEM",1999,2,"USD"]]
//   packages:    [[reference_id, carrier, shipping_service, tracking_number, ship_time, status,
//                  [[order_item_id, quantity], ...]], ...]          ship_time: unix seconds or null
// Money stays exact: minor units and their scale as JSON integers, never a decimal number. An
// empty list is stored as NULL. A text may hold null where a string goes (the migration from the
// old tables writes their NULLs so): it reads as "".

#include "asc/base/json_pull.hpp"
#include "asc/base/errors.hpp"
#include "store_internal.hpp"

#include <fmt/format.h>

namespace asc::store_rows {

namespace {

// The length of the valid UTF-8 sequence (RFC 3629) at s[i], or 0 when the bytes there are not one.
std::size_t utf8_length(std::string_view s, std::size_t i) {
    const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
    const unsigned char c = byte(i);
    std::size_t n = 0;
    unsigned char lo = 0x80;
    unsigned char hi = 0xBF;
    if (c >= 0xC2 && c <= 0xDF) {
        n = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
        n = 3;
        lo = c == 0xE0 ? 0xA0 : 0x80; // no overlong form
        hi = c == 0xED ? 0x9F : 0xBF; // no surrogate
    } else if (c >= 0xF0 && c <= 0xF4) {
        n = 4;
        lo = c == 0xF0 ? 0x90 : 0x80;
        hi = c == 0xF4 ? 0x8F : 0xBF; // nothing past U+10FFFF
    } else {
        return 0;
    }
    if (i + n > s.size() || byte(i + 1) < lo || byte(i + 1) > hi) {
        return 0;
    }
    for (std::size_t k = 2; k < n; ++k) {
        if (byte(i + k) < 0x80 || byte(i + k) > 0xBF) {
            return 0;
        }
    }
    return n;
}

// A JSON string of `s`. Texts from Amazon's JSON are valid UTF-8 already; one from elsewhere (an
// order report's TSV) could hold a stray byte, which becomes U+FFFD, so that the column always
// reads back.
void append_string(std::string& out, std::string_view s) {
    out += '"';
    for (std::size_t i = 0; i < s.size();) {
        const auto c = static_cast<unsigned char>(s[i]);
        if (c == '"' || c == '\\') {
            out += '\\';
            out += static_cast<char>(c);
            ++i;
        } else if (c < 0x20) {
            out += fmt::format("\\u{:04x}", c);
            ++i;
        } else if (c < 0x80) {
            out += static_cast<char>(c);
            ++i;
        } else if (const std::size_t n = utf8_length(s, i); n > 0) {
            out.append(s.substr(i, n));
            i += n;
        } else {
            out += "\\ufffd";
            ++i;
        }
    }
    out += '"';
}

void append_int(std::string& out, std::int64_t v) {
    fmt::format_to(std::back_inserter(out), "{}", v);
}

// Reads one packed column: the events it expects, and a message naming the order when the text
// is not what this asc writes (a damaged store, or one written by something else).
class Unpacker {
  public:
    Unpacker(std::string_view text, std::string_view column, std::string_view order_id)
        : m_json(text, 8), m_column(column), m_order_id(order_id) {}

    [[noreturn]] void fail() const {
        throw Error(ErrorKind::Config,
                    fmt::format("the order store holds unreadable {} for order {}", m_column, m_order_id),
                    "run `asc orders sync --full` to fetch the order again, or move the store away");
    }
    void open() {
        if (m_json.next() != JsonPull::Event::ArrayStart) {
            fail();
        }
    }
    // True at the start of another array element that is an array; false at the end of the array.
    bool next_row() {
        const auto e = m_json.next();
        if (e == JsonPull::Event::ArrayEnd) {
            return false;
        }
        if (e != JsonPull::Event::ArrayStart) {
            fail();
        }
        return true;
    }
    void close() {
        if (m_json.next() != JsonPull::Event::ArrayEnd) {
            fail();
        }
    }
    std::string text() {
        const auto e = m_json.next();
        if (e == JsonPull::Event::String) {
            return std::string(m_json.text());
        }
        if (e != JsonPull::Event::Null) {
            fail();
        }
        return {};
    }
    std::optional<std::int64_t> optional_int() {
        const auto e = m_json.next();
        if (e == JsonPull::Event::Null) {
            return std::nullopt;
        }
        if (e != JsonPull::Event::Integer ||
            m_json.magnitude() > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
            fail();
        }
        const auto v = static_cast<std::int64_t>(m_json.magnitude());
        return m_json.negative() ? -v : v;
    }
    std::int64_t integer(std::int64_t min, std::int64_t max) {
        const auto v = optional_int();
        if (!v || *v < min || *v > max) {
            fail();
        }
        return *v;
    }
    void end() {
        if (m_json.next() != JsonPull::Event::End) {
            fail();
        }
    }

  private:
    JsonPull m_json;
    std::string_view m_column;
    std::string_view m_order_id;
};

constexpr std::int64_t k_max_int = std::numeric_limits<std::int64_t>::max();
constexpr std::int64_t k_max_int32 = std::numeric_limits<int>::max();

} // namespace

std::optional<std::string> pack_money_lines(const std::vector<MoneyLine>& lines) {
    if (lines.empty()) {
        return std::nullopt;
    }
    std::string out = "[";
    for (const auto& line : lines) {
        out += out.size() == 1 ? "[" : ",[";
        append_string(out, line.type);
        out += ',';
        append_int(out, line.amount.minor);
        out += ',';
        append_int(out, line.amount.scale);
        out += ',';
        append_string(out, line.amount.currency);
        out += ']';
    }
    out += ']';
    return out;
}

std::optional<std::string> pack_packages(const std::vector<Package>& packages) {
    if (packages.empty()) {
        return std::nullopt;
    }
    std::string out = "[";
    for (const auto& p : packages) {
        out += out.size() == 1 ? "[" : ",[";
        for (const auto* text : {&p.reference_id, &p.carrier, &p.shipping_service, &p.tracking_number}) {
            append_string(out, *text);
            out += ',';
        }
        if (p.ship_time) {
            append_int(out, to_unix(*p.ship_time));
        } else {
            out += "null";
        }
        out += ',';
        append_string(out, p.status);
        out += ",[";
        for (std::size_t i = 0; i < p.items.size(); ++i) {
            out += i == 0 ? "[" : ",[";
            append_string(out, p.items[i].order_item_id);
            out += ',';
            append_int(out, p.items[i].quantity);
            out += ']';
        }
        out += "]]";
    }
    out += ']';
    return out;
}

std::vector<MoneyLine> unpack_money_lines(std::string_view json, std::string_view order_id) {
    std::vector<MoneyLine> out;
    Unpacker in(json, "money lines", order_id);
    in.open();
    while (in.next_row()) {
        MoneyLine line;
        line.type = in.text();
        line.amount.minor = in.integer(-k_max_int, k_max_int);
        line.amount.scale = static_cast<int>(in.integer(0, 18));
        line.amount.currency = in.text();
        in.close();
        out.push_back(std::move(line));
    }
    in.end();
    return out;
}

std::vector<Package> unpack_packages(std::string_view json, std::string_view order_id) {
    std::vector<Package> out;
    Unpacker in(json, "packages", order_id);
    in.open();
    while (in.next_row()) {
        Package p;
        p.reference_id = in.text();
        p.carrier = in.text();
        p.shipping_service = in.text();
        p.tracking_number = in.text();
        if (const auto t = in.optional_int()) {
            p.ship_time = from_unix(*t);
        }
        p.status = in.text();
        in.open();
        while (in.next_row()) {
            PackageItem item;
            item.order_item_id = in.text();
            item.quantity = static_cast<int>(in.integer(-k_max_int32, k_max_int32));
            in.close();
            p.items.push_back(std::move(item));
        }
        in.close();
        out.push_back(std::move(p));
    }
    in.end();
    return out;
}

} // namespace asc::store_rows
