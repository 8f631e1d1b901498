#pragma once
// Part `output` (asc_output): renderers (table, json, jsonl, csv, tsv, ids) and order records.
// May use: base, model.
//
// Renderers: table / json / jsonl / csv / tsv / ids. A record is an ordered JSON object with
// stable snake_case keys; money is {"amount":"19.99","currency":"USD"}, times RFC 3339 UTC.
// Renderers stream: each row is written as it comes (a terminal table buffers a screenful to
// size its columns, then keeps those widths).

#include <functional>
#include <iosfwd>
#include <memory>
#include <nlohmann/json.hpp>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace asc {

using Record = nlohmann::ordered_json;

enum class Format { Table, Json, Jsonl, Csv, Tsv, Ids };
std::optional<Format> parse_format(std::string_view text);
std::string_view to_string(Format f);

// What a column holds; it decides how a table may fit it to a width and its JSON type.
//   Id, Status, Money, Date, Reason, Code, Count, Flag: never cut (a cut id or amount is wrong,
//     not short); a table may only leave the whole column out.
//   Text: free text (titles, names, messages): may be shortened with an ellipsis.
//   List: an array (a table joins it with ", "; shortened like text).
enum class ColumnKind { Text, Id, Status, Money, Date, Reason, Code, Count, Flag, List };

// The JSON type of a kind, for `asc help fields`: "string", "object", "integer", ...
std::string_view json_type(ColumnKind kind);

// A column kept however narrow the table gets.
constexpr int k_always = 100;

struct Field {
    std::string key{};    // snake_case JSON key; CSV/TSV headers and --fields use it
    std::string label{};  // a documented short table header; empty: the key in capitals with spaces
    ColumnKind kind = ColumnKind::Text;
    // When a table must fit a width, the column with the lowest priority is left out first;
    // k_always: never left out.
    int priority = 50;
    std::string help{};   // one line for `asc help fields`
    // A shorter form of the value for tables (e.g. a long batch id); the full value elsewhere.
    std::string (*table_form)(std::string_view value) = nullptr;
};

// The table header of a field: its label, or its key in capitals with spaces.
std::string table_header(const Field& field);

struct RenderOptions {
    Format format = Format::Table;
    bool headers = true;        // --no-headers turns them off
    // Table only: true draws the table (a terminal, or -o table asked for in a pipe); false turns
    // it into TSV without a header (the implicit default in a pipe).
    bool terminal = false;
    bool color = false;
    int width = 0;              // columns to fit a table in; 0 = unlimited
    bool wide = false;          // -o wide: every column, nothing shortened
    bool drop_columns = true;   // a table may leave out low-priority columns (false with --fields)
    std::string id_key = "order_id";  // what -o ids prints
    bool json_array = true;     // Json: the whole output is one array (false: one object)
    // Called once, before the first row is drawn, with the keys a table left out to fit.
    std::function<void(const std::vector<std::string>& hidden)> on_hidden;
};

// How a table fits its width: which fields it shows, in order, and how wide each column is.
struct TableLayout {
    std::vector<std::size_t> shown;   // indexes into the fields
    std::vector<std::size_t> widths;  // per shown column, in terminal columns
    std::vector<std::string> hidden;  // keys of the fields left out
    bool fits = true;                 // false: even the columns kept are wider than the width
    bool text_cut = false;            // some text column is narrower than its longest cell
};

// The table cells of one record, one per field (table forms applied, control characters removed).
std::vector<std::string> table_cells(const std::vector<Field>& fields, const Record& record);
// Plans a table of `rows` (cells from table_cells) under `options` (width, headers, wide,
// drop_columns): drops the lowest-priority columns until what is left fits with its text columns
// at a readable width, then shortens text columns only.
TableLayout layout_table(const RenderOptions& options, const std::vector<Field>& fields,
                         const std::vector<std::vector<std::string>>& rows);

// One value of a row given without a Record (Renderer::row_cells): what a record would hold under
// that field's key. Views borrowed from the caller until row_cells returns.
struct CellValue {
    enum class Type : std::uint8_t { Null, Text, Integer, Flag, Money };
    Type type = Type::Null;
    std::string_view text{};     // Text; Money: the amount as a decimal string ("-3.99")
    std::string_view currency{}; // Money
    long long integer = 0;       // Integer
    bool flag = false;           // Flag
};

class Renderer {
  public:
    virtual ~Renderer() = default;
    virtual void row(const Record& record) = 0;
    // The line row(record) writes for a record of these values, one cell per field in order,
    // without building the record (what a long CSV listing costs most). Returns false, writing
    // nothing, when this renderer takes records only: then call row(record).
    virtual bool row_cells(std::span<const CellValue> /*cells*/) { return false; }
    // Flushes buffered rows and closes the document (e.g. the JSON array's ']').
    virtual void finish() = 0;
};

// `fields` are the columns in order; records may hold more keys (JSON formats keep only `fields`).
// A record key "_warn" (true, or an array of field keys) draws that row, or those cells, in the
// warning color in a colored table; no format prints it.
std::unique_ptr<Renderer> make_renderer(const RenderOptions& options, std::vector<Field> fields,
                                        std::ostream& out);

// Picks fields by key from `available`; an unknown key throws Error(Usage) listing the valid keys.
std::vector<Field> select_fields(const std::vector<Field>& available, std::string_view csv_keys);

// Removes C0/C1 control characters (tabs and newlines become spaces) and invalid UTF-8.
std::string strip_control(std::string_view text);

// One cell as text: strings as-is, money "19.99 USD", bools "yes"/"no", null "", arrays joined.
std::string cell_text(const Record& value);
// Terminal columns of cleaned text (wide characters count two).
std::size_t text_width(std::string_view text);
// The longest prefix of cleaned text that fits `width` columns, ending with "…" when cut.
std::string fit_text(std::string_view text, std::size_t width);
// The value is money: {"amount": "...", "currency": "..."}.
bool is_money(const Record& value);
// The ANSI color of a status, outcome or tracking status (any spelling); empty for none.
std::string_view status_color(std::string_view value);
// The ANSI sequences tables use: bold (headers, titles), the warning color, reset.
inline constexpr std::string_view k_ansi_bold = "\x1b[1m";
inline constexpr std::string_view k_ansi_warn = "\x1b[1;33m";
inline constexpr std::string_view k_ansi_reset = "\x1b[0m";

// RFC 4180 quoting plus formula neutralizing (a leading = + - @ gets a ' prefix) unless `number`
// (a plain decimal such as -3.99 stays a number a spreadsheet can sum).
std::string csv_cell(std::string_view text, bool number = false);
// TSV: backslash escapes for \t, \n, \r and backslash.
std::string tsv_cell(std::string_view text);

} // namespace asc
