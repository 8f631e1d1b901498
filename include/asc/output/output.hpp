#pragma once
// Part `output` (asc_output): renderers (table, json, jsonl, csv, tsv, ids) and order records.
// May use: base, model.
//
// Renderers: table / json / jsonl / csv / tsv / ids. A record is an ordered JSON object with
// stable snake_case keys; money is {"amount":"19.99","currency":"USD"}, times RFC 3339 UTC.
// Renderers stream: each row is written as it comes (a terminal table buffers a screenful to
// size its columns, then keeps those widths).

#include <iosfwd>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace asc {

using Record = nlohmann::ordered_json;

enum class Format { Table, Json, Jsonl, Csv, Tsv, Ids };
std::optional<Format> parse_format(std::string_view text);
std::string_view to_string(Format f);

struct Field {
    std::string key;      // snake_case JSON key
    std::string header;   // table/CSV header, e.g. "ORDER ID"
};

struct RenderOptions {
    Format format = Format::Table;
    bool headers = true;        // --no-headers turns them off
    bool terminal = false;      // stdout is a terminal: table stays a table, else it becomes TSV
    bool color = false;
    int width = 0;              // terminal columns; 0 = unlimited
    std::string id_key = "order_id";  // what -o ids prints
    bool json_array = true;     // Json: the whole output is one array (false: one object)
};

class Renderer {
  public:
    virtual ~Renderer() = default;
    virtual void row(const Record& record) = 0;
    // Flushes buffered rows and closes the document (e.g. the JSON array's ']').
    virtual void finish() = 0;
};

// `fields` are the columns in order; records may hold more keys (JSON formats keep only `fields`).
std::unique_ptr<Renderer> make_renderer(const RenderOptions& options, std::vector<Field> fields,
                                        std::ostream& out);

// Picks fields by key from `available`; an unknown key throws Error(Usage) listing the valid keys.
std::vector<Field> select_fields(const std::vector<Field>& available, std::string_view csv_keys);

// Removes C0/C1 control characters (tabs and newlines become spaces) and invalid UTF-8.
std::string strip_control(std::string_view text);

// One cell as text: strings as-is, money "19.99 USD", bools "yes"/"no", null "", arrays joined.
std::string cell_text(const Record& value);

// RFC 4180 quoting plus formula neutralizing (a leading = + - @ gets a ' prefix).
std::string csv_cell(std::string_view text);
// TSV: backslash escapes for \t, \n, \r and backslash.
std::string tsv_cell(std::string_view text);

} // namespace asc
