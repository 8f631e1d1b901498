// Renderers: table / json / jsonl / csv / tsv / ids. Text from Amazon is untrusted: every cell that
// can reach a terminal goes through strip_control, and JSON output replaces invalid UTF-8 instead of
// failing halfway through a stream.

#include "asc/output/output.hpp"

#include "asc/base/errors.hpp"
#include "asc/base/strings.hpp"
#include "text.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <fmt/format.h>
#include <numeric>
#include <ostream>

namespace asc {

namespace {

using text::clean_text;
using text::display_width;
using text::truncate_to_width;
using json_error = nlohmann::detail::error_handler_t;

constexpr std::size_t k_table_buffer_rows = 200;
constexpr std::string_view k_ellipsis = "…";

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
