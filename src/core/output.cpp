// Renderers: table / json / jsonl / csv / tsv / ids. Text from Amazon is untrusted: every cell that
// can reach a terminal goes through strip_control, and JSON output replaces invalid UTF-8 instead of
// failing halfway through a stream.

#include "asc/output.hpp"

#include "asc/errors.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <fmt/format.h>
#include <numeric>
#include <ostream>

namespace asc {

namespace {

using json_error = nlohmann::detail::error_handler_t;

constexpr std::size_t k_table_buffer_rows = 200;
constexpr std::string_view k_ellipsis = "…";

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

std::string upper_ascii(std::string_view s) {
    std::string out(s);
    for (char& c : out) {
        if (c >= 'a' && c <= 'z') {
            c = static_cast<char>(c - 'a' + 'A');
        }
    }
    return out;
}

std::string lower_ascii(std::string_view s) {
    std::string out(s);
    for (char& c : out) {
        if (c >= 'A' && c <= 'Z') {
            c = static_cast<char>(c - 'A' + 'a');
        }
    }
    return out;
}

std::string trim(std::string_view s) {
    constexpr std::string_view k_space = " \t\r\n";
    const auto begin = s.find_first_not_of(k_space);
    if (begin == std::string_view::npos) {
        return {};
    }
    const auto end = s.find_last_not_of(k_space);
    return std::string(s.substr(begin, end - begin + 1));
}

std::string dump_compact(const Record& value) {
    return value.dump(-1, ' ', false, json_error::replace);
}

// ---------------------------------------------------------------------------------------------
// Color

constexpr std::string_view k_reset = "\x1b[0m";
constexpr std::string_view k_bold = "\x1b[1m";

// The color of a status or outcome value; empty for none. Order statuses as sellers know them
// (any case, Amazon's v2026 spellings too) and batch outcomes.
std::string_view status_color(std::string_view value) {
    std::string v = lower_ascii(value);
    v.erase(std::remove(v.begin(), v.end(), '_'), v.end());
    struct Entry {
        std::string_view value;
        std::string_view color;
    };
    constexpr std::string_view red = "\x1b[31m";
    constexpr std::string_view green = "\x1b[32m";
    constexpr std::string_view yellow = "\x1b[33m";
    constexpr std::string_view magenta = "\x1b[35m";
    constexpr std::string_view cyan = "\x1b[36m";
    constexpr std::string_view dim = "\x1b[2m";
    constexpr std::array k_colors{
        Entry{"pending", cyan},
        Entry{"pendingavailability", cyan},
        Entry{"unshipped", yellow},
        Entry{"partiallyshipped", magenta},
        Entry{"shipped", green},
        Entry{"canceled", red},
        Entry{"cancelled", red},
        Entry{"unfulfillable", red},
        Entry{"refused", red},
        Entry{"failed", red},
        Entry{"failure", red},
        Entry{"error", red},
        Entry{"notfound", red},
        Entry{"alreadycancelled", dim},
        Entry{"alreadycanceled", dim},
        Entry{"wouldcancel", yellow},
        Entry{"ok", green},
        Entry{"success", green},
        Entry{"done", green},
        Entry{"delivered", green},
    };
    for (const auto& e : k_colors) {
        if (e.value == v) {
            return e.color;
        }
    }
    return {};
}

bool is_status_key(std::string_view key) {
    return key == "status" || key == "outcome" || key == "result";
}

// ---------------------------------------------------------------------------------------------
// Renderers

// The value of `key` in `record`, or null.
const Record& field_value(const Record& record, const std::string& key) {
    static const Record k_null;
    if (record.is_object()) {
        if (auto it = record.find(key); it != record.end()) {
            return *it;
        }
    }
    return k_null;
}

// Fields from a record's own keys, for callers that passed none.
std::vector<Field> fields_of(const Record& record) {
    std::vector<Field> fields;
    if (record.is_object()) {
        for (const auto& [key, value] : record.items()) {
            std::string header = key;
            std::replace(header.begin(), header.end(), '_', ' ');
            fields.push_back(Field{key, header});
        }
    }
    return fields;
}

const std::string& header_of(const Field& f) {
    return f.header.empty() ? f.key : f.header;
}

class DelimitedRenderer : public Renderer {
  public:
    DelimitedRenderer(bool csv, bool headers, std::vector<Field> fields, std::ostream& out)
        : m_csv(csv), m_headers(headers), m_fields(std::move(fields)), m_out(out) {}

    void row(const Record& record) override {
        if (m_fields.empty()) {
            m_fields = fields_of(record);
        }
        start();
        std::vector<std::string> cells;
        cells.reserve(m_fields.size());
        for (const auto& f : m_fields) {
            cells.push_back(cell_text(field_value(record, f.key)));
        }
        write_line(cells);
    }

    void finish() override {
        start();
        m_out.flush();
    }

  private:
    void start() {
        if (m_started) {
            return;
        }
        m_started = true;
        if (m_headers && !m_fields.empty()) {
            std::vector<std::string> cells;
            cells.reserve(m_fields.size());
            // Machine formats name columns by their stable JSON keys; only tables use the
            // human headers.
            for (const auto& f : m_fields) {
                cells.push_back(f.key);
            }
            write_line(cells);
        }
    }

    void write_line(const std::vector<std::string>& cells) {
        std::string line;
        for (std::size_t i = 0; i < cells.size(); ++i) {
            if (i > 0) {
                line += m_csv ? ',' : '\t';
            }
            line += m_csv ? csv_cell(strip_control(cells[i]))
                          : tsv_cell(clean_text(cells[i], /*keep_whitespace=*/true));
        }
        line += '\n';
        m_out << line;
    }

    bool m_csv;
    bool m_headers;
    std::vector<Field> m_fields;
    std::ostream& m_out;
    bool m_started = false;
};

class TableRenderer : public Renderer {
  public:
    TableRenderer(const RenderOptions& options, std::vector<Field> fields, std::ostream& out)
        : m_options(options), m_fields(std::move(fields)), m_out(out) {}

    void row(const Record& record) override {
        if (m_fields.empty()) {
            m_fields = fields_of(record);
        }
        std::vector<std::string> cells;
        cells.reserve(m_fields.size());
        for (const auto& f : m_fields) {
            cells.push_back(strip_control(cell_text(field_value(record, f.key))));
        }
        if (m_widths.empty()) {
            m_buffer.push_back(std::move(cells));
            if (m_buffer.size() >= k_table_buffer_rows) {
                flush_buffer();
            }
        } else {
            write_row(cells, false);
        }
    }

    void finish() override {
        if (m_widths.empty() && !m_buffer.empty()) {
            flush_buffer();
        }
        m_out.flush();
    }

  private:
    void flush_buffer() {
        std::vector<std::string> header;
        header.reserve(m_fields.size());
        for (const auto& f : m_fields) {
            header.push_back(upper_ascii(strip_control(header_of(f))));
        }
        m_widths.assign(m_fields.size(), 0);
        const auto measure = [&](const std::vector<std::string>& cells) {
            for (std::size_t i = 0; i < cells.size(); ++i) {
                m_widths[i] = std::max(m_widths[i], display_width(cells[i]));
            }
        };
        if (m_options.headers) {
            measure(header);
        }
        for (const auto& cells : m_buffer) {
            measure(cells);
        }
        fit_width();
        if (m_options.headers) {
            write_row(header, true);
        }
        for (const auto& cells : m_buffer) {
            write_row(cells, false);
        }
        m_buffer.clear();
        // An empty table still needs non-empty widths so later rows don't buffer again.
        if (m_widths.empty()) {
            m_widths.push_back(0);
        }
    }

    // Narrows the widest columns, one column at a time, until the row fits the terminal. Id
    // columns (order_id, ..._id) are narrowed last: a cut id is useless for copy and paste.
    void fit_width() {
        if (m_options.width <= 0 || m_widths.empty()) {
            return;
        }
        const auto limit = static_cast<std::size_t>(m_options.width);
        const std::size_t gaps = 2 * (m_widths.size() - 1);
        constexpr std::size_t k_min_column = 3; // room for "ab…"
        auto total = std::accumulate(m_widths.begin(), m_widths.end(), gaps);
        const auto is_id = [this](std::size_t i) {
            const std::string& key = m_fields[i].key;
            return key == "id" || (key.size() > 3 && key.compare(key.size() - 3, 3, "_id") == 0);
        };
        for (const bool ids_too : {false, true}) {
            while (total > limit) {
                std::size_t widest = m_widths.size();
                for (std::size_t i = 0; i < m_widths.size(); ++i) {
                    if ((ids_too || !is_id(i)) && (widest == m_widths.size() || m_widths[i] > m_widths[widest])) {
                        widest = i;
                    }
                }
                if (widest == m_widths.size() || m_widths[widest] <= k_min_column) {
                    break; // nothing left to narrow: let the terminal wrap
                }
                --m_widths[widest];
                --total;
            }
        }
    }

    void write_row(const std::vector<std::string>& cells, bool is_header) {
        std::string line;
        for (std::size_t i = 0; i < cells.size(); ++i) {
            const std::size_t width = i < m_widths.size() ? m_widths[i] : 0;
            const std::string text = truncate_to_width(cells[i], width);
            const bool last = i + 1 == cells.size();
            std::string_view color;
            if (m_options.color) {
                color = is_header
                            ? k_bold
                            : (is_status_key(m_fields[i].key) ? status_color(text) : std::string_view{});
            }
            if (!color.empty()) {
                line += color;
                line += text;
                line += k_reset;
            } else {
                line += text;
            }
            if (!last) {
                const std::size_t used = display_width(text);
                line.append(width > used ? width - used : 0, ' ');
                line += "  ";
            }
        }
        // No trailing spaces (an empty last cell would leave the gap of the previous column).
        while (!line.empty() && line.back() == ' ') {
            line.pop_back();
        }
        line += '\n';
        m_out << line;
    }

    RenderOptions m_options;
    std::vector<Field> m_fields;
    std::ostream& m_out;
    std::vector<std::vector<std::string>> m_buffer;
    std::vector<std::size_t> m_widths;
};

class JsonRenderer : public Renderer {
  public:
    JsonRenderer(bool array, bool lines, std::vector<Field> fields, std::ostream& out)
        : m_array(array), m_lines(lines), m_fields(std::move(fields)), m_out(out) {}

    void row(const Record& record) override {
        const Record selected = select(record);
        if (m_lines) {
            m_out << dump_compact(selected) << '\n';
            return;
        }
        const std::string text = selected.dump(2, ' ', false, json_error::replace);
        if (!m_array) {
            m_out << text << '\n';
            return;
        }
        // Streamed, but byte for byte what dumping the whole array with indent 2 would give.
        m_out << (m_rows == 0 ? "[\n" : ",\n") << indent(text);
        ++m_rows;
    }

    void finish() override {
        if (m_array && !m_lines) {
            m_out << (m_rows == 0 ? "[]\n" : "\n]\n");
        }
        m_out.flush();
    }

  private:
    [[nodiscard]] Record select(const Record& record) const {
        if (m_fields.empty() || !record.is_object()) {
            return record;
        }
        Record out = Record::object();
        for (const auto& f : m_fields) {
            out[f.key] = field_value(record, f.key);
        }
        return out;
    }

    static std::string indent(std::string_view text) {
        std::string out = "  ";
        for (char c : text) {
            out += c;
            if (c == '\n') {
                out += "  ";
            }
        }
        return out;
    }

    bool m_array;
    bool m_lines;
    std::vector<Field> m_fields;
    std::ostream& m_out;
    std::size_t m_rows = 0;
};

class IdsRenderer : public Renderer {
  public:
    IdsRenderer(std::string key, std::ostream& out) : m_key(std::move(key)), m_out(out) {}

    void row(const Record& record) override {
        const std::string id = strip_control(cell_text(field_value(record, m_key)));
        if (!id.empty()) {
            m_out << id << '\n';
        }
    }

    void finish() override { m_out.flush(); }

  private:
    std::string m_key;
    std::ostream& m_out;
};

constexpr std::array<std::pair<Format, std::string_view>, 6> k_formats{{
    {Format::Table, "table"},
    {Format::Json, "json"},
    {Format::Jsonl, "jsonl"},
    {Format::Csv, "csv"},
    {Format::Tsv, "tsv"},
    {Format::Ids, "ids"},
}};

} // namespace

std::optional<Format> parse_format(std::string_view text) {
    const std::string lower = lower_ascii(trim(text));
    for (const auto& [format, name] : k_formats) {
        if (name == lower) {
            return format;
        }
    }
    return std::nullopt;
}

std::string_view to_string(Format f) {
    for (const auto& [format, name] : k_formats) {
        if (format == f) {
            return name;
        }
    }
    return "table";
}

std::unique_ptr<Renderer> make_renderer(const RenderOptions& options, std::vector<Field> fields,
                                        std::ostream& out) {
    switch (options.format) {
    case Format::Table:
        if (!options.terminal) {
            return std::make_unique<DelimitedRenderer>(false, false, std::move(fields), out);
        }
        return std::make_unique<TableRenderer>(options, std::move(fields), out);
    case Format::Json:
        return std::make_unique<JsonRenderer>(options.json_array, false, std::move(fields), out);
    case Format::Jsonl:
        return std::make_unique<JsonRenderer>(false, true, std::move(fields), out);
    case Format::Csv:
        return std::make_unique<DelimitedRenderer>(true, options.headers, std::move(fields), out);
    case Format::Tsv:
        return std::make_unique<DelimitedRenderer>(false, options.headers, std::move(fields), out);
    case Format::Ids:
        return std::make_unique<IdsRenderer>(options.id_key, out);
    }
    throw Error(ErrorKind::Internal, "unknown output format");
}

std::vector<Field> select_fields(const std::vector<Field>& available, std::string_view csv_keys) {
    std::vector<Field> selected;
    std::size_t start = 0;
    bool any_key = false;
    while (start <= csv_keys.size()) {
        auto comma = csv_keys.find(',', start);
        if (comma == std::string_view::npos) {
            comma = csv_keys.size();
        }
        const std::string key = trim(csv_keys.substr(start, comma - start));
        start = comma + 1;
        if (key.empty()) {
            continue;
        }
        any_key = true;
        const auto it =
            std::find_if(available.begin(), available.end(), [&](const Field& f) { return f.key == key; });
        if (it == available.end()) {
            std::string valid;
            for (const auto& f : available) {
                valid += valid.empty() ? f.key : ", " + f.key;
            }
            throw Error(ErrorKind::Usage, fmt::format("unknown field '{}'", strip_control(key)),
                        "valid fields: " + valid);
        }
        const bool duplicate =
            std::any_of(selected.begin(), selected.end(), [&](const Field& f) { return f.key == key; });
        if (!duplicate) {
            selected.push_back(*it);
        }
    }
    return any_key ? selected : available;
}

std::string strip_control(std::string_view text) {
    return clean_text(text, false);
}

std::string cell_text(const Record& value) {
    switch (value.type()) {
    case nlohmann::json::value_t::null:
    case nlohmann::json::value_t::discarded:
        return {};
    case nlohmann::json::value_t::string:
        return value.get_ref<const std::string&>();
    case nlohmann::json::value_t::boolean:
        return value.get<bool>() ? "yes" : "no";
    case nlohmann::json::value_t::number_integer:
    case nlohmann::json::value_t::number_unsigned:
    case nlohmann::json::value_t::number_float:
        return value.dump();
    case nlohmann::json::value_t::array: {
        std::string out;
        bool first = true;
        for (const auto& element : value) {
            if (!first) {
                out += ", ";
            }
            first = false;
            out += cell_text(element);
        }
        return out;
    }
    case nlohmann::json::value_t::object:
        if (value.contains("amount") && value.contains("currency")) {
            return cell_text(value["amount"]) + " " + cell_text(value["currency"]);
        }
        return dump_compact(value);
    case nlohmann::json::value_t::binary:
        return dump_compact(value);
    }
    return {};
}

std::string csv_cell(std::string_view text) {
    std::string cell;
    if (!text.empty() && (text[0] == '=' || text[0] == '+' || text[0] == '-' || text[0] == '@' ||
                          text[0] == '\t' || text[0] == '\r')) {
        cell += '\'';
    }
    cell += text;
    if (cell.find_first_of(",\"\r\n") == std::string::npos) {
        return cell;
    }
    std::string quoted = "\"";
    for (char c : cell) {
        if (c == '"') {
            quoted += '"';
        }
        quoted += c;
    }
    quoted += '"';
    return quoted;
}

std::string tsv_cell(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (char c : text) {
        switch (c) {
        case '\t':
            out += "\\t";
            break;
        case '\n':
            out += "\\n";
            break;
        case '\r':
            out += "\\r";
            break;
        case '\\':
            out += "\\\\";
            break;
        default:
            out += c;
        }
    }
    return out;
}

} // namespace asc
