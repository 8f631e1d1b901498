// The table: columns planned to fit a width (low-priority columns left out first, then free text
// shortened; ids, statuses, amounts, dates and reasons never cut), aligned, colored on request.

#include "table.hpp"

#include "asc/base/strings.hpp"
#include "text.hpp"

#include <algorithm>
#include <array>
#include <numeric>
#include <ostream>

namespace asc {

namespace {

using text::display_width;
using text::truncate_to_width;

constexpr std::size_t k_table_buffer_rows = 200;
// A text column keeps at least this many columns before a lower-priority column is left out, and
// is shortened below it only when nothing is left to leave out.
constexpr std::size_t k_text_floor = 16;
constexpr std::size_t k_text_min = 3; // room for "ab…"
constexpr std::size_t k_gap = 2;

bool is_status_key(std::string_view key) {
    return key == "status" || key == "outcome" || key == "result" || key == "state";
}

bool shortenable(ColumnKind kind) { return kind == ColumnKind::Text || kind == ColumnKind::List; }

bool right_aligned(ColumnKind kind) { return kind == ColumnKind::Money || kind == ColumnKind::Count; }

// The value of `key` in `record`, or null.
const Record& value_of(const Record& record, const std::string& key) {
    static const Record k_null;
    if (record.is_object()) {
        if (auto it = record.find(key); it != record.end()) {
            return *it;
        }
    }
    return k_null;
}

// Which cells of a record are drawn in the warning color (see "_warn" in output.hpp).
std::vector<bool> warned_cells(const std::vector<Field>& fields, const Record& record) {
    std::vector<bool> warned(fields.size(), false);
    const Record& warn = value_of(record, "_warn");
    for (std::size_t i = 0; i < fields.size(); ++i) {
        if (warn.is_boolean()) {
            warned[i] = warn.get<bool>();
        } else if (warn.is_array()) {
            warned[i] = std::find(warn.begin(), warn.end(), Record(fields[i].key)) != warn.end();
        }
    }
    return warned;
}

class TableRenderer : public Renderer {
  public:
    TableRenderer(const RenderOptions& options, std::vector<Field> fields, std::ostream& out)
        : m_options(options), m_fields(std::move(fields)), m_out(out) {}

    void row(const Record& record) override {
        if (m_fields.empty()) {
            m_fields = fields_of_record(record);
        }
        Row r{table_cells(m_fields, record), warned_cells(m_fields, record)};
        if (!m_planned) {
            m_buffer.push_back(std::move(r));
            if (m_buffer.size() >= k_table_buffer_rows) {
                flush_buffer();
            }
        } else {
            write_row(r.cells, r.warned, false);
        }
    }

    void finish() override {
        if (!m_planned && !m_buffer.empty()) {
            flush_buffer();
        }
        m_out.flush();
    }

  private:
    struct Row {
        std::vector<std::string> cells;
        std::vector<bool> warned;
    };

    void flush_buffer() {
        std::vector<std::vector<std::string>> cells;
        cells.reserve(m_buffer.size());
        for (const auto& r : m_buffer) {
            cells.push_back(r.cells);
        }
        m_layout = layout_table(m_options, m_fields, cells);
        m_planned = true;
        if (!m_layout.hidden.empty() && m_options.on_hidden) {
            m_options.on_hidden(m_layout.hidden);
        }
        if (m_options.headers) {
            std::vector<std::string> header;
            for (const auto& f : m_fields) {
                header.push_back(table_header(f));
            }
            write_row(header, std::vector<bool>(m_fields.size(), false), true);
        }
        for (const auto& r : m_buffer) {
            write_row(r.cells, r.warned, false);
        }
        m_buffer.clear();
    }

    void write_row(const std::vector<std::string>& cells, const std::vector<bool>& warned, bool is_header) {
        std::string line;
        const auto& shown = m_layout.shown;
        for (std::size_t s = 0; s < shown.size(); ++s) {
            const std::size_t i = shown[s];
            const Field& f = m_fields[i];
            const std::size_t width = m_layout.widths[s];
            const std::string text = truncate_to_width(i < cells.size() ? cells[i] : std::string(), width);
            const std::size_t used = display_width(text);
            const std::size_t pad = width > used ? width - used : 0;
            const bool last = s + 1 == shown.size();
            if (right_aligned(f.kind)) {
                line.append(pad, ' ');
            }
            std::string_view color;
            if (m_options.color) {
                if (is_header) {
                    color = k_ansi_bold;
                } else if (is_status_key(f.key) && !status_color(text).empty()) {
                    color = status_color(text);
                } else if (warned[i]) {
                    color = k_ansi_warn;
                }
            }
            if (!color.empty() && !text.empty()) {
                line += color;
                line += text;
                line += k_ansi_reset;
            } else {
                line += text;
            }
            if (!last) {
                if (!right_aligned(f.kind)) {
                    line.append(pad, ' ');
                }
                line.append(k_gap, ' ');
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
    std::vector<Row> m_buffer;
    TableLayout m_layout;
    bool m_planned = false;
};

// The shown column with the lowest priority below k_always (the rightmost among equals), or
// layout.shown.size() when every column shown is kept always.
std::size_t lowest_priority(const std::vector<Field>& fields, const TableLayout& layout) {
    std::size_t victim = layout.shown.size();
    for (std::size_t s = 0; s < layout.shown.size(); ++s) {
        const Field& f = fields[layout.shown[s]];
        if (f.priority < k_always &&
            (victim == layout.shown.size() || f.priority <= fields[layout.shown[victim]].priority)) {
            victim = s;
        }
    }
    return victim;
}

// Leaves out columns until the table fits, in two rounds. First, while the columns at their full
// width are too wide, the lowest-priority column goes, as long as it is less useful than the most
// useful text column that could be shortened instead. Then, while even the text columns at
// k_text_floor are too wide, the lowest-priority column goes, whatever it is.
void drop_columns(const RenderOptions& options, const std::vector<Field>& fields,
                  const std::vector<std::size_t>& natural, std::size_t limit, TableLayout& layout) {
    if (!options.drop_columns || options.wide) {
        return;
    }
    const auto need = [&](bool text_at_floor) {
        std::size_t total = layout.shown.empty() ? 0 : k_gap * (layout.shown.size() - 1);
        for (const std::size_t i : layout.shown) {
            const bool shorten = text_at_floor && shortenable(fields[i].kind);
            total += shorten ? std::min(natural[i], k_text_floor) : natural[i];
        }
        return total;
    };
    const auto drop = [&](std::size_t victim) {
        layout.hidden.push_back(fields[layout.shown[victim]].key);
        layout.shown.erase(layout.shown.begin() + static_cast<std::ptrdiff_t>(victim));
    };
    while (need(false) > limit) {
        const std::size_t victim = lowest_priority(fields, layout);
        int best_text = -1;
        for (const std::size_t i : layout.shown) {
            if (shortenable(fields[i].kind) && natural[i] > k_text_floor) {
                best_text = std::max(best_text, fields[i].priority);
            }
        }
        if (victim == layout.shown.size() || fields[layout.shown[victim]].priority >= best_text) {
            break;
        }
        drop(victim);
    }
    while (need(true) > limit) {
        const std::size_t victim = lowest_priority(fields, layout);
        if (victim == layout.shown.size()) {
            return;
        }
        drop(victim);
    }
}

// Narrows the widest text column, one column at a time, first down to k_text_floor, then (when
// nothing else can give) down to k_text_min.
void shorten_text(const std::vector<Field>& fields, const std::vector<std::size_t>& natural, std::size_t limit,
                  TableLayout& layout) {
    auto total = std::accumulate(layout.widths.begin(), layout.widths.end(),
                                 layout.widths.empty() ? std::size_t{0} : k_gap * (layout.widths.size() - 1));
    for (const std::size_t floor : {k_text_floor, k_text_min}) {
        while (total > limit) {
            std::size_t widest = layout.shown.size();
            for (std::size_t s = 0; s < layout.shown.size(); ++s) {
                if (shortenable(fields[layout.shown[s]].kind) && layout.widths[s] > floor &&
                    (widest == layout.shown.size() || layout.widths[s] > layout.widths[widest])) {
                    widest = s;
                }
            }
            if (widest == layout.shown.size()) {
                break;
            }
            --layout.widths[widest];
            --total;
        }
    }
    layout.fits = total <= limit;
    for (std::size_t s = 0; s < layout.shown.size(); ++s) {
        layout.text_cut = layout.text_cut || layout.widths[s] < natural[layout.shown[s]];
    }
}

} // namespace

std::string_view status_color(std::string_view value) {
    std::string v = lower_ascii(value);
    std::erase_if(v, [](char c) { return c == '_' || c == ' '; });
    struct Entry {
        std::string_view value;
        std::string_view color;
    };
    constexpr std::string_view red = "\x1b[31m";
    constexpr std::string_view green = "\x1b[32m";
    constexpr std::string_view yellow = "\x1b[33m";
    constexpr std::string_view blue = "\x1b[34m";
    constexpr std::string_view magenta = "\x1b[35m";
    constexpr std::string_view cyan = "\x1b[36m";
    constexpr std::string_view dim = "\x1b[2m";
    constexpr std::array k_colors{
        Entry{"pending", cyan},           Entry{"pendingavailability", cyan}, Entry{"unshipped", yellow},
        Entry{"partiallyshipped", magenta}, Entry{"shipped", green},        Entry{"canceled", red},
        Entry{"cancelled", red},          Entry{"unfulfillable", red},        Entry{"refused", red},
        Entry{"failed", red},             Entry{"failure", red},              Entry{"error", red},
        Entry{"notfound", red},           Entry{"alreadycancelled", dim},     Entry{"alreadycanceled", dim},
        Entry{"wouldcancel", yellow},     Entry{"ok", green},                 Entry{"success", green},
        Entry{"done", green},             Entry{"delivered", green},          Entry{"intransit", blue},
        Entry{"outfordelivery", blue},    Entry{"notdelivered", red},         Entry{"returned", red},
        Entry{"planned", cyan},           Entry{"submitting", cyan},          Entry{"submitted", cyan},
        Entry{"undeliverable", red},      Entry{"delayed", yellow},           Entry{"lost", red},
    };
    for (const auto& e : k_colors) {
        if (e.value == v) {
            return e.color;
        }
    }
    return {};
}

std::string_view json_type(ColumnKind kind) {
    switch (kind) {
    case ColumnKind::Money:
        return "object {amount, currency}";
    case ColumnKind::Count:
        return "integer";
    case ColumnKind::Flag:
        return "boolean";
    case ColumnKind::List:
        return "array";
    case ColumnKind::Date:
        return "string (RFC 3339 UTC)";
    case ColumnKind::Text:
    case ColumnKind::Id:
    case ColumnKind::Status:
    case ColumnKind::Reason:
    case ColumnKind::Code:
        return "string";
    }
    return "string";
}

std::string table_header(const Field& field) {
    if (!field.label.empty()) {
        return field.label;
    }
    std::string header = upper_ascii(field.key);
    std::replace(header.begin(), header.end(), '_', ' ');
    return header;
}

std::vector<Field> fields_of_record(const Record& record) {
    std::vector<Field> fields;
    if (record.is_object()) {
        for (const auto& [key, value] : record.items()) {
            if (!key.starts_with('_')) {
                fields.push_back(Field{key, "", is_money(value) ? ColumnKind::Money : ColumnKind::Text});
            }
        }
    }
    return fields;
}

std::vector<std::string> table_cells(const std::vector<Field>& fields, const Record& record) {
    std::vector<std::string> cells;
    cells.reserve(fields.size());
    for (const auto& f : fields) {
        std::string text = strip_control(cell_text(value_of(record, f.key)));
        if (f.table_form != nullptr && !text.empty()) {
            text = f.table_form(text);
        }
        cells.push_back(std::move(text));
    }
    return cells;
}

TableLayout layout_table(const RenderOptions& options, const std::vector<Field>& fields,
                         const std::vector<std::vector<std::string>>& rows) {
    std::vector<std::size_t> natural(fields.size(), 0);
    for (std::size_t i = 0; i < fields.size(); ++i) {
        if (options.headers) {
            natural[i] = display_width(table_header(fields[i]));
        }
        for (const auto& cells : rows) {
            if (i < cells.size()) {
                natural[i] = std::max(natural[i], display_width(cells[i]));
            }
        }
    }
    TableLayout layout;
    layout.shown.resize(fields.size());
    std::iota(layout.shown.begin(), layout.shown.end(), std::size_t{0});
    const bool fitted = options.width > 0 && !options.wide;
    const auto limit = static_cast<std::size_t>(std::max(options.width, 0));
    if (fitted) {
        drop_columns(options, fields, natural, limit, layout);
    }
    for (const std::size_t i : layout.shown) {
        layout.widths.push_back(natural[i]);
    }
    if (fitted) {
        shorten_text(fields, natural, limit, layout);
    }
    return layout;
}

std::unique_ptr<Renderer> make_table_renderer(const RenderOptions& options, std::vector<Field> fields,
                                              std::ostream& out) {
    return std::make_unique<TableRenderer>(options, std::move(fields), out);
}

} // namespace asc
