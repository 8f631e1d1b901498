// Renderers and the text hygiene in front of them: every format, field selection, and the control
// characters Amazon text may carry.

#include "asc/base/errors.hpp"
#include "asc/output/output.hpp"

#include <doctest/doctest.h>
#include <sstream>

namespace {

using asc::Field;
using asc::Format;
using asc::Record;
using asc::RenderOptions;

using K = asc::ColumnKind;
const std::vector<Field> k_fields{
    {"order_id", "", K::Id, asc::k_always},
    {"status", "", K::Status, asc::k_always},
    {"total", "", K::Money, asc::k_always},
};

Record order(const std::string& id, const std::string& status, const std::string& amount) {
    Record r;
    r["order_id"] = id;
    r["status"] = status;
    r["total"] = {{"amount", amount}, {"currency", "USD"}};
    r["extra"] = "not selected";
    return r;
}

std::string render(const RenderOptions& options, const std::vector<Field>& fields,
                   const std::vector<Record>& rows) {
    std::ostringstream out;
    auto renderer = asc::make_renderer(options, fields, out);
    for (const auto& r : rows) {
        renderer->row(r);
    }
    renderer->finish();
    return out.str();
}

RenderOptions with_format(Format f) {
    RenderOptions o;
    o.format = f;
    return o;
}

RenderOptions terminal_table(int width = 0, bool color = false) {
    RenderOptions o;
    o.format = Format::Table;
    o.terminal = true;
    o.width = width;
    o.color = color;
    return o;
}

} // namespace

TEST_SUITE_BEGIN("core::output");

TEST_CASE("output: parse_format and to_string") {
    CHECK(asc::parse_format("table") == Format::Table);
    CHECK(asc::parse_format("JSON") == Format::Json);
    CHECK(asc::parse_format("jsonl") == Format::Jsonl);
    CHECK(asc::parse_format("csv") == Format::Csv);
    CHECK(asc::parse_format("tsv") == Format::Tsv);
    CHECK(asc::parse_format("ids") == Format::Ids);
    CHECK_FALSE(asc::parse_format("yaml").has_value());
    for (auto f : {Format::Table, Format::Json, Format::Jsonl, Format::Csv, Format::Tsv, Format::Ids}) {
        CHECK(asc::parse_format(asc::to_string(f)) == f);
    }
}

TEST_CASE("output: cell_text") {
    CHECK(asc::cell_text(Record("abc")) == "abc");
    CHECK(asc::cell_text(Record(42)) == "42");
    CHECK(asc::cell_text(Record(-7)) == "-7");
    CHECK(asc::cell_text(Record(true)) == "yes");
    CHECK(asc::cell_text(Record(false)) == "no");
    CHECK(asc::cell_text(Record()) == "");
    CHECK(asc::cell_text(Record{{"amount", "19.99"}, {"currency", "USD"}}) == "19.99 USD");
    CHECK(asc::cell_text(Record::array({"a", 1, true})) == "a, 1, yes");
    CHECK(asc::cell_text(Record{{"carrier", "UPS"}}) == R"({"carrier":"UPS"})");
}

TEST_CASE("output: select_fields keeps the user's order and lists valid fields on a typo") {
    const auto picked = asc::select_fields(k_fields, " total , order_id,,");
    REQUIRE(picked.size() == 2);
    CHECK(picked[0].key == "total");
    CHECK(picked[1].key == "order_id");
    CHECK(asc::select_fields(k_fields, "status,status").size() == 1);
    try {
        (void)asc::select_fields(k_fields, "order_id,totl");
        FAIL("expected an error");
    } catch (const asc::Error& e) {
        CHECK(e.kind() == asc::ErrorKind::Usage);
        CHECK(std::string(e.what()) == "unknown field 'totl'");
        CHECK(e.hint() == "valid fields: order_id, status, total");
    }
}

TEST_CASE("output: strip_control") {
    SUBCASE("keeps UTF-8 text intact") {
        CHECK(asc::strip_control("Café — 350 ml") == "Café — 350 ml");
        CHECK(asc::strip_control("日本語のタイトル") == "日本語のタイトル");
    }
    SUBCASE("ANSI escapes cannot reach a terminal") {
        const auto s = asc::strip_control("\x1b[31mred\x1b[0m \x1b]0;title\x07x");
        CHECK(s.find('\x1b') == std::string::npos);
        CHECK(s.find('\x07') == std::string::npos);
        CHECK(s.rfind("red ", 0) == 0);
    }
    SUBCASE("C0, DEL and C1 are removed; tab and newlines become spaces") {
        CHECK(asc::strip_control(std::string("a\0b\x01\x7f"
                                             "c",
                                             6)) == "abc");
        CHECK(asc::strip_control("a\tb\nc\rd") == "a b c d");
        CHECK(asc::strip_control("x\xC2\x9B"
                                 "31my") == "x31my");    // C1 CSI
        CHECK(asc::strip_control("x\xC2\x85y") == "xy"); // NEL
    }
    SUBCASE("invalid UTF-8 becomes U+FFFD") {
        CHECK(asc::strip_control("a\xFF"
                                 "b") == "a\xEF\xBF\xBD"
                                         "b");
        CHECK(asc::strip_control("\xC3") == "\xEF\xBF\xBD");                 // truncated sequence
        CHECK(asc::strip_control("\xC0\xAF") == "\xEF\xBF\xBD\xEF\xBF\xBD"); // overlong
        CHECK(asc::strip_control("\xED\xA0\x80") != "\xED\xA0\x80");         // surrogate
    }
}

TEST_CASE("output: csv_cell quoting and formula neutralizing") {
    CHECK(asc::csv_cell("plain") == "plain");
    CHECK(asc::csv_cell("a,b") == "\"a,b\"");
    CHECK(asc::csv_cell("say \"hi\"") == "\"say \"\"hi\"\"\"");
    CHECK(asc::csv_cell("two\nlines") == "\"two\nlines\"");
    CHECK(asc::csv_cell("=1+2") == "'=1+2");
    CHECK(asc::csv_cell("+1") == "'+1");
    CHECK(asc::csv_cell("-5.00 USD") == "'-5.00 USD");
    CHECK(asc::csv_cell("@SUM(A1)") == "'@SUM(A1)");
    CHECK(asc::csv_cell("\tx") == "'\tx");
    CHECK(asc::csv_cell("=HYPERLINK(\"x\",\"y\")") == "\"'=HYPERLINK(\"\"x\"\",\"\"y\"\")\"");
    CHECK(asc::csv_cell("") == "");
}

TEST_CASE("output: tsv_cell escaping") {
    CHECK(asc::tsv_cell("a\tb") == "a\\tb");
    CHECK(asc::tsv_cell("a\nb\rc") == "a\\nb\\rc");
    CHECK(asc::tsv_cell("back\\slash") == "back\\\\slash");
    CHECK(asc::tsv_cell("Café") == "Café");
}

TEST_CASE("output: csv renderer") {
    const auto text =
        render(with_format(Format::Csv), k_fields,
               {order("111-1", "Unshipped", "19.99"), order("111-2", "Shipped, late", "-5.00")});
    // Money is two columns: a plain decimal (no formula guard: a spreadsheet sums it) and the
    // currency.
    CHECK(text == "order_id,status,total_amount,total_currency\n"
                  "111-1,Unshipped,19.99,USD\n"
                  "111-2,\"Shipped, late\",-5.00,USD\n");
    SUBCASE("without headers") {
        auto o = with_format(Format::Csv);
        o.headers = false;
        CHECK(render(o, k_fields, {order("1", "x", "1.00")}) == "1,x,1.00,USD\n");
    }
    SUBCASE("an empty list still has the header") {
        CHECK(render(with_format(Format::Csv), k_fields, {}) == "order_id,status,total_amount,total_currency\n");
    }
    SUBCASE("control characters are stripped before quoting; text keeps the formula guard") {
        Record r = order("1", "\x1b[31m=evil\x1b[0m", "1.00");
        CHECK(render(with_format(Format::Csv), k_fields, {r}) ==
              "order_id,status,total_amount,total_currency\n1,'=evil,1.00,USD\n");
        Record minus = order("-1", "-x", "-2.50");
        minus["n"] = -3;
        const std::vector<Field> with_count{{"order_id"}, {"status"}, {"total", "", K::Money}, {"n", "", K::Count}};
        CHECK(render(with_format(Format::Csv), with_count, {minus}) ==
              "order_id,status,total_amount,total_currency,n\n'-1,'-x,-2.50,USD,-3\n");
    }
    SUBCASE("a null amount leaves both cells empty") {
        Record r = order("1", "x", "1.00");
        r["total"] = nullptr;
        CHECK(render(with_format(Format::Csv), k_fields, {r}) == "order_id,status,total_amount,total_currency\n1,x,,\n");
    }
    SUBCASE("money found in an undeclared field is split too") {
        CHECK(render(with_format(Format::Csv), {}, {order("1", "x", "1.00")}) ==
              "order_id,status,total_amount,total_currency,extra\n1,x,1.00,USD,not selected\n");
    }
}

TEST_CASE("output: tsv renderer escapes tabs and newlines inside values") {
    Record r = order("1", "a\tb\nc\\d\x1b[1m", "2.50");
    CHECK(render(with_format(Format::Tsv), k_fields, {r}) ==
          "order_id\tstatus\ttotal_amount\ttotal_currency\n1\ta\\tb\\nc\\\\d\t2.50\tUSD\n");
}

TEST_CASE("output: table off a terminal is TSV without a header") {
    const std::vector<Record> rows{order("111-1", "Unshipped", "19.99"), order("111-2", "a\tb", "1.00")};
    auto tsv = with_format(Format::Tsv);
    tsv.headers = false;
    const auto table = render(with_format(Format::Table), k_fields, rows);
    CHECK(table == render(tsv, k_fields, rows));
    CHECK(table == "111-1\tUnshipped\t19.99\tUSD\n111-2\ta\\tb\t1.00\tUSD\n");
}

TEST_CASE("output: json renderer streams an array of the selected fields") {
    const auto text = render(with_format(Format::Json), asc::select_fields(k_fields, "order_id,total"),
                             {order("111-1", "Unshipped", "19.99"), order("111-2", "Shipped", "5.00")});
    CHECK(text == R"([
  {
    "order_id": "111-1",
    "total": {
      "amount": "19.99",
      "currency": "USD"
    }
  },
  {
    "order_id": "111-2",
    "total": {
      "amount": "5.00",
      "currency": "USD"
    }
  }
]
)");
    const auto parsed = nlohmann::json::parse(text);
    CHECK(parsed.size() == 2);
    CHECK_FALSE(parsed[0].contains("extra"));
    CHECK_FALSE(parsed[0].contains("status"));

    SUBCASE("an empty list is []") {
        CHECK(render(with_format(Format::Json), k_fields, {}) == "[]\n");
    }
    SUBCASE("one object when json_array is false") {
        auto o = with_format(Format::Json);
        o.json_array = false;
        CHECK(render(o, {{"order_id", "ORDER ID"}}, {order("9", "x", "1")}) ==
              "{\n  \"order_id\": \"9\"\n}\n");
    }
    SUBCASE("control characters are escaped as JSON, not stripped") {
        Record r;
        r["order_id"] = "a\x1b"
                        "b\n";
        CHECK(render(with_format(Format::Jsonl), {{"order_id", "ID"}}, {r}) ==
              "{\"order_id\":\"a\\u001bb\\n\"}\n");
    }
}

TEST_CASE("output: jsonl renderer writes one compact object per line") {
    const auto text = render(with_format(Format::Jsonl), asc::select_fields(k_fields, "status,order_id"),
                             {order("1", "Unshipped", "1.00"), order("2", "Shipped", "2.00")});
    CHECK(text == "{\"status\":\"Unshipped\",\"order_id\":\"1\"}\n"
                  "{\"status\":\"Shipped\",\"order_id\":\"2\"}\n");
    CHECK(render(with_format(Format::Jsonl), k_fields, {}) == "");
    SUBCASE("money is two keys, the amount still an exact decimal string") {
        CHECK(render(with_format(Format::Jsonl), k_fields, {order("1", "Shipped", "-3.99")}) ==
              "{\"order_id\":\"1\",\"status\":\"Shipped\",\"total_amount\":\"-3.99\",\"total_currency\":\"USD\"}\n");
    }
}

TEST_CASE("output: ids renderer prints one id per line") {
    auto o = with_format(Format::Ids);
    CHECK(render(o, k_fields, {order("111-1", "x", "1"), order("111-2", "y", "2")}) == "111-1\n111-2\n");
    o.id_key = "status";
    CHECK(render(o, k_fields, {order("111-1", "x", "1")}) == "x\n");
}

TEST_CASE("output: a table that must fit leaves out the least useful columns first, then shortens text") {
    const std::vector<Field> fields{{"order_id", "", K::Id, asc::k_always},
                                    {"channel", "", K::Text, 10},
                                    {"status", "", K::Status, asc::k_always},
                                    {"title", "", K::Text, 90},
                                    {"marketplace", "", K::Id, 20},
                                    {"total", "", K::Money, asc::k_always}};
    Record r;
    r["order_id"] = "112-1234567-1234567";
    r["channel"] = "Amazon.com";
    r["status"] = "PartiallyShipped";
    r["title"] = "Stainless steel vacuum flask, 500 ml, keeps drinks hot for 12 hours";
    r["marketplace"] = "ATVPDKIKX0DER";
    r["total"] = {{"amount", "214.93"}, {"currency", "USD"}};
    std::vector<std::string> hidden;
    auto options = terminal_table(100);
    options.on_hidden = [&hidden](const std::vector<std::string>& h) { hidden = h; };

    SUBCASE("at 100 columns: the channel goes first, the title is shortened") {
        const auto text = render(options, fields, {r});
        CHECK(hidden == std::vector<std::string>{"channel", "marketplace"});
        CHECK(text.find("PartiallyShipped") != std::string::npos);
        CHECK(text.find("214.93 USD") != std::string::npos);
        CHECK(text.find("Stainless steel") != std::string::npos);
        CHECK(text.find("…") != std::string::npos);
    }
    SUBCASE("at 60 columns: only what is never left out") {
        options.width = 60;
        const auto text = render(options, fields, {r});
        CHECK(hidden == std::vector<std::string>{"channel", "marketplace", "title"});
        CHECK(text == "ORDER ID             STATUS                 TOTAL\n"
                      "112-1234567-1234567  PartiallyShipped  214.93 USD\n");
    }
    SUBCASE("wide: every column, nothing shortened, nothing reported") {
        options.wide = true;
        const auto text = render(options, fields, {r});
        CHECK(hidden.empty());
        CHECK(text.find("keeps drinks hot for 12 hours") != std::string::npos);
        CHECK(text.find("Amazon.com") != std::string::npos);
    }
    SUBCASE("columns the user picked (--fields) are kept; only text is shortened") {
        options.drop_columns = false;
        const auto text = render(options, fields, {r});
        CHECK(hidden.empty());
        CHECK(text.find("Amazon.com") != std::string::npos);
        CHECK(text.find("ATVPDKIKX0DER") != std::string::npos);
    }
    SUBCASE("layout_table tells whether text was cut") {
        const auto layout = asc::layout_table(options, fields, {asc::table_cells(fields, r)});
        CHECK(layout.fits);
        CHECK(layout.text_cut);
        CHECK(layout.shown == std::vector<std::size_t>{0, 2, 3, 5});
        CHECK(layout.hidden == std::vector<std::string>{"channel", "marketplace"});
    }
}

TEST_CASE("output: table forms and the warning color") {
    const std::vector<Field> fields{
        {"batch_id", "BATCH", K::Id, asc::k_always, "",
         [](std::string_view id) { return std::string(id.substr(id.rfind('-') + 1)); }},
        {"ship_by", "", K::Date, asc::k_always}};
    Record r;
    r["batch_id"] = "b20261126T151700Z-1a2b3c";
    r["ship_by"] = "2026-11-20T10:00:00Z";
    r["_warn"] = Record::array({"ship_by"});
    const auto colored = render(terminal_table(0, true), fields, {r});
    CHECK(colored.find("1a2b3c  \x1b[1;33m2026-11-20T10:00:00Z\x1b[0m") != std::string::npos);
    CHECK(colored.find("b20261126") == std::string::npos);
    // Every other format prints the whole id and never the _warn key.
    const auto json = render(with_format(Format::Jsonl), fields, {r});
    CHECK(json == "{\"batch_id\":\"b20261126T151700Z-1a2b3c\",\"ship_by\":\"2026-11-20T10:00:00Z\"}\n");
    CHECK(render(with_format(Format::Jsonl), {}, {r}).find("_warn") == std::string::npos);
}

TEST_CASE("output: table on a terminal") {
    SUBCASE("aligned columns, headers from the keys, two spaces between columns, amounts right-aligned") {
        const auto text = render(terminal_table(), k_fields,
                                 {order("111-1", "Unshipped", "19.99"), order("111-22", "Shipped", "5.00")});
        CHECK(text == "ORDER ID  STATUS         TOTAL\n"
                      "111-1     Unshipped  19.99 USD\n"
                      "111-22    Shipped     5.00 USD\n");
    }
    SUBCASE("--no-headers") {
        auto o = terminal_table();
        o.headers = false;
        CHECK(render(o, k_fields, {order("1", "Shipped", "1.00")}) == "1  Shipped  1.00 USD\n");
    }
    SUBCASE("no output for no rows") {
        CHECK(render(terminal_table(), k_fields, {}) == "");
    }
    SUBCASE("truncates the widest column with an ellipsis to fit the width") {
        const std::vector<Field> fields{{"order_id", "ID", K::Id}, {"title"}};
        Record r;
        r["order_id"] = "111-1";
        r["title"] = "A very long product title that does not fit";
        const auto text = render(terminal_table(30), fields, {r});
        CHECK(text == "ID     TITLE\n"
                      "111-1  A very long product ti…\n");
        std::istringstream lines(text);
        for (std::string line; std::getline(lines, line);) {
            CHECK(line.size() <= 32); // "…" is 3 bytes, 1 column
        }
    }
    SUBCASE("shortens text, never an id") {
        const std::vector<Field> fields{{"order_id", "", K::Id, asc::k_always}, {"title", "", K::Text, asc::k_always}};
        Record r;
        r["order_id"] = "112-1234567-1234567";
        r["title"] = "A long title";
        const auto text = render(terminal_table(30), fields, {r});
        CHECK(text == "ORDER ID             TITLE\n"
                      "112-1234567-1234567  A long t…\n");
    }
    SUBCASE("never cuts a UTF-8 character in the middle") {
        const std::vector<Field> fields{{"title", "T", K::Text, asc::k_always}};
        Record r;
        r["title"] = "ééééé";
        const auto text = render(terminal_table(4), fields, {r});
        CHECK(text == "T\nééé…\n");
        CHECK(asc::strip_control(text) == "T ééé… "); // still valid UTF-8: nothing replaced
    }
    SUBCASE("wide characters count as two columns") {
        const std::vector<Field> fields{{"title", "T"}, {"n", "N"}};
        Record r;
        r["title"] = "日本";
        r["n"] = 1;
        Record r2;
        r2["title"] = "abcd";
        r2["n"] = 2;
        CHECK(render(terminal_table(), fields, {r, r2}) == "T     N\n日本  1\nabcd  2\n");
    }
    SUBCASE("cells are stripped of control characters") {
        const auto text = render(terminal_table(), k_fields, {order("1\x1b[2J", "Shipped\n", "1.00")});
        CHECK(text.find('\x1b') == std::string::npos);
        CHECK(text == "ORDER ID  STATUS       TOTAL\n1         Shipped   1.00 USD\n");
    }
    SUBCASE("no color codes when color is off, colors that keep alignment when on") {
        const std::vector<Record> rows{order("1", "Unshipped", "1.00"), order("2", "Canceled", "2.00")};
        const auto plain = render(terminal_table(), k_fields, rows);
        CHECK(plain.find('\x1b') == std::string::npos);
        const auto colored = render(terminal_table(0, true), k_fields, rows);
        CHECK(colored.find("\x1b[33mUnshipped\x1b[0m") != std::string::npos);
        CHECK(colored.find("\x1b[31mCanceled\x1b[0m") != std::string::npos);
        CHECK(colored.find("\x1b[1mORDER ID\x1b[0m") != std::string::npos);
        // Removing the color codes gives back the plain table.
        std::string stripped;
        for (std::size_t i = 0; i < colored.size(); ++i) {
            if (colored[i] == '\x1b') {
                i = colored.find('m', i);
                continue;
            }
            stripped += colored[i];
        }
        CHECK(stripped == plain);
    }
    SUBCASE("widths are fixed after 200 buffered rows") {
        std::vector<Record> rows(200, order("1", "Shipped", "1.00"));
        rows.push_back(order("1234567890", "Shipped", "1.00"));
        const auto text = render(terminal_table(), k_fields, rows);
        CHECK(text.find("1234567…  Shipped  1.00 USD\n") != std::string::npos);
    }
}

TEST_SUITE_END();
