// Renderers: table / json / jsonl / csv / tsv / ids. Text from Amazon is untrusted: every cell that
// can reach a terminal goes through strip_control, and JSON output replaces invalid UTF-8 instead of
// failing halfway through a stream.

#include "asc/output/output.hpp"

#include "asc/base/errors.hpp"
#include "asc/base/strings.hpp"
#include "table.hpp"
#include "text.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cstdint>
#include <fmt/format.h>
#include <ostream>

namespace asc {

namespace {

using text::clean_text;
using json_error = nlohmann::detail::error_handler_t;

std::string dump_compact(const Record& value) {
    return value.dump(-1, ' ', false, json_error::replace);
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

// Whether `text` is printable ASCII only (0x20-0x7E): what strip_control and clean_text return
// unchanged, so the common cell needs no cleaning copy.
bool printable_ascii(std::string_view text) {
    return std::all_of(text.begin(), text.end(), [](char c) { return c >= 0x20 && c <= 0x7E; });
}

// csv_cell(text, number), appended to `line`.
void append_csv_cell(std::string& line, std::string_view text, bool number) {
    const bool guard = !number && !text.empty() &&
                       (text[0] == '=' || text[0] == '+' || text[0] == '-' || text[0] == '@' || text[0] == '\t' ||
                        text[0] == '\r');
    const bool quoted = std::any_of(text.begin(), text.end(),
                                    [](char c) { return c == ',' || c == '"' || c == '\r' || c == '\n'; });
    if (!quoted) {
        if (guard) {
            line += '\'';
        }
        line += text;
        return;
    }
    line += '"';
    if (guard) {
        line += '\'';
    }
    for (const char c : text) {
        if (c == '"') {
            line += '"';
        }
        line += c;
    }
    line += '"';
}

// tsv_cell(text), appended to `line`.
void append_tsv_cell(std::string& line, std::string_view text) {
    for (const char c : text) {
        switch (c) {
        case '\t':
            line += "\\t";
            break;
        case '\n':
            line += "\\n";
            break;
        case '\r':
            line += "\\r";
            break;
        case '\\':
            line += "\\\\";
            break;
        default:
            line += c;
        }
    }
}

// CSV and TSV: one line per record. Money takes two columns, <key>_amount (a plain decimal such
// as -3.99 that a spreadsheet or awk can sum) and <key>_currency. Each line is built in one
// buffer kept between rows and written at once.
class DelimitedRenderer : public Renderer {
  public:
    DelimitedRenderer(bool csv, bool headers, std::vector<Field> fields, std::ostream& out)
        : m_csv(csv), m_headers(headers), m_fields(std::move(fields)), m_out(out) {}

    void row(const Record& record) override {
        if (m_fields.empty()) {
            m_fields = fields_of_record(record);
        }
        start([&](std::size_t i) { return is_money(field_value(record, m_fields[i].key)); });
        m_line.clear();
        for (std::size_t i = 0; i < m_fields.size(); ++i) {
            const Record& value = field_value(record, m_fields[i].key);
            if (m_money[i]) {
                const bool money = is_money(value);
                add(money ? cell_text(value["amount"]) : std::string(), true);
                add(money ? cell_text(value["currency"]) : std::string(), false);
            } else {
                add(cell_text(value), value.is_number());
            }
        }
        end_line();
    }

    bool row_cells(std::span<const CellValue> cells) override {
        if (m_fields.empty() || cells.size() != m_fields.size()) {
            return false;
        }
        using T = CellValue::Type;
        start([&](std::size_t i) { return cells[i].type == T::Money; });
        m_line.clear();
        for (std::size_t i = 0; i < m_fields.size(); ++i) {
            const CellValue& c = cells[i];
            if (m_money[i]) {
                const bool money = c.type == T::Money;
                add(money ? c.text : std::string_view(), true);
                add(money ? c.currency : std::string_view(), false);
                continue;
            }
            switch (c.type) {
            case T::Null:
                add({}, false);
                break;
            case T::Text:
                add(c.text, false);
                break;
            case T::Integer: {
                std::array<char, 24> digits{};
                const auto end = std::to_chars(digits.begin(), digits.end(), c.integer).ptr;
                add(std::string_view(digits.data(), static_cast<std::size_t>(end - digits.data())), true);
                break;
            }
            case T::Flag:
                add(c.flag ? "yes" : "no", false);
                break;
            case T::Money:
                add(std::string(c.text) + " " + std::string(c.currency), false);
                break;
            }
        }
        end_line();
        return true;
    }

    void finish() override {
        start([](std::size_t) { return false; });
        m_out.flush();
    }

  private:
    // Decides which columns are money (declared so, or money in the first row: first_is_money)
    // and writes the header line of the JSON keys (only tables use the human headers).
    template <typename FirstIsMoney>
    void start(const FirstIsMoney& first_is_money) {
        if (m_started) {
            return;
        }
        m_started = true;
        for (std::size_t i = 0; i < m_fields.size(); ++i) {
            m_money.push_back(m_fields[i].kind == ColumnKind::Money || first_is_money(i));
        }
        if (m_headers && !m_fields.empty()) {
            m_line.clear();
            for (std::size_t i = 0; i < m_fields.size(); ++i) {
                if (m_money[i]) {
                    add(m_fields[i].key + "_amount", false);
                    add(m_fields[i].key + "_currency", false);
                } else {
                    add(m_fields[i].key, false);
                }
            }
            end_line();
        }
    }

    // One cell of the line being built: cleaned of control characters and quoted (CSV) or
    // escaped (TSV).
    void add(std::string_view text, bool number) {
        if (m_cells_in_line++ > 0) {
            m_line += m_csv ? ',' : '\t';
        }
        if (printable_ascii(text)) {
            m_csv ? append_csv_cell(m_line, text, number) : append_tsv_cell(m_line, text);
        } else if (m_csv) {
            append_csv_cell(m_line, strip_control(text), number);
        } else {
            append_tsv_cell(m_line, clean_text(text, /*keep_whitespace=*/true));
        }
    }

    void end_line() {
        m_line += '\n';
        m_cells_in_line = 0;
        m_out.write(m_line.data(), static_cast<std::streamsize>(m_line.size()));
        m_line.clear();
    }

    bool m_csv;
    bool m_headers;
    std::vector<Field> m_fields;
    std::vector<bool> m_money;
    std::ostream& m_out;
    bool m_started = false;
    std::string m_line;
    std::size_t m_cells_in_line = 0;
};

// Money as two keys, <key>_amount and <key>_currency, in place of {"amount","currency"} (JSONL is
// for line tools; JSON keeps the object).
Record split_money(const Record& record) {
    if (!record.is_object()) {
        return record;
    }
    Record out = Record::object();
    for (const auto& [key, value] : record.items()) {
        if (is_money(value)) {
            out[key + "_amount"] = value["amount"];
            out[key + "_currency"] = value["currency"];
        } else {
            out[key] = value;
        }
    }
    return out;
}

class JsonRenderer : public Renderer {
  public:
    JsonRenderer(bool array, bool lines, std::vector<Field> fields, std::ostream& out)
        : m_array(array), m_lines(lines), m_fields(std::move(fields)), m_out(out) {}

    void row(const Record& record) override {
        const Record selected = select(record);
        if (m_lines) {
            m_out << dump_compact(split_money(selected)) << '\n';
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
        if (!record.is_object()) {
            return record;
        }
        if (m_fields.empty()) {
            Record out = record;
            out.erase("_warn");
            return out;
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
        return make_table_renderer(options, std::move(fields), out);
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

std::size_t text_width(std::string_view text) { return text::display_width(text); }

std::string fit_text(std::string_view text, std::size_t width) { return text::truncate_to_width(text, width); }

bool is_money(const Record& value) {
    return value.is_object() && value.size() == 2 && value.contains("amount") && value.contains("currency");
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

std::string csv_cell(std::string_view text, bool number) {
    std::string cell;
    append_csv_cell(cell, text, number);
    return cell;
}

std::string tsv_cell(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    append_tsv_cell(out, text);
    return out;
}

} // namespace asc
