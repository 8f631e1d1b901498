// ListCells + Renderer::row_cells, the way a CSV or TSV listing prints orders without building a
// record per row: byte for byte the lines that rendering list_record gives, for every field, for
// orders with values missing, and for text that must be quoted, guarded or cleaned.

#include "asc/model/model.hpp"
#include "asc/output/order_records.hpp"
#include "asc/output/output.hpp"

#include "asc/base/time.hpp"

#include <doctest/doctest.h>
#include <random>
#include <sstream>

namespace {

asc::Order full_order() {
    asc::Order o;
    o.order_id = "113-1234567-1234567";
    o.status = asc::Status::PartiallyShipped;
    o.fulfilled_by = asc::FulfilledBy::Merchant;
    o.purchase_date = asc::Timestamp(std::chrono::seconds(1'790'000'000));
    o.last_updated = asc::Timestamp(std::chrono::seconds(1'790'003'600));
    o.ship_by.latest = asc::Timestamp(std::chrono::seconds(1'790'086'400));
    o.marketplace_id = "ATVPDKIKX0DER";
    o.marketplace_name = "Amazon.com";
    o.sales_channel = "Amazon";
    o.ship_service_level = "Std US D2D Dom";
    o.total = asc::Money::parse("-1234.50", "USD");
    o.is_prime = true;
    o.seller_order_id = "=SUM(A1:A2)";
    asc::OrderItem item;
    item.quantity_ordered = 3;
    item.quantity_shipped = 1;
    item.quantity_unshipped = 2;
    o.items.push_back(item);
    return o;
}

// Orders whose text needs every kind of care: quoting, formula guards, control characters,
// invalid UTF-8, backslashes and tabs (TSV), and values that are absent.
std::vector<asc::Order> orders() {
    std::vector<asc::Order> out{full_order()};
    asc::Order bare;
    bare.order_id = "114-0000000-0000001";
    out.push_back(bare);
    asc::Order odd = full_order();
    odd.marketplace_name = "Shop, \"Best\"\tEU\n\x1b[31mred\x1b[0m \xff caf\xc3\xa9 \\";
    odd.ship_service_level = "+44 \r\n";
    odd.seller_order_id = "@x";
    odd.fulfilled_by = asc::FulfilledBy::Amazon;
    odd.total.reset();
    odd.is_business = true;
    out.push_back(odd);
    asc::Order channel_only = full_order();
    channel_only.marketplace_name.clear();
    channel_only.sales_channel = "-Non-Amazon";
    out.push_back(channel_only);
    return out;
}

std::string rendered(asc::Format format, const std::vector<asc::Field>& fields, bool cells) {
    std::ostringstream out;
    asc::RenderOptions options;
    options.format = format;
    auto renderer = asc::make_renderer(options, fields, out);
    asc::ListCells list_cells(fields);
    for (const auto& o : orders()) {
        if (cells) {
            REQUIRE(renderer->row_cells(list_cells.of(o)));
        } else {
            renderer->row(asc::list_record(o));
        }
    }
    renderer->finish();
    return out.str();
}

} // namespace

TEST_SUITE_BEGIN("core::output");

TEST_CASE("list rows from cells are byte for byte the rows of list_record, in CSV and TSV") {
    std::vector<asc::Field> reordered_fields(asc::list_fields().rbegin(), asc::list_fields().rend());
    // A key no order has is an empty cell either way.
    reordered_fields.push_back({"no_such_key", "", asc::ColumnKind::Text});
    const std::vector<asc::Field>& reordered = reordered_fields;
    for (const auto* fields : {&asc::list_default_fields(), &asc::list_fields(), &reordered}) {
        for (const auto format : {asc::Format::Csv, asc::Format::Tsv, asc::Format::Table}) {
            CAPTURE(asc::to_string(format));
            CAPTURE(fields->size());
            const std::string by_record = rendered(format, *fields, false);
            CHECK(rendered(format, *fields, true) == by_record);
            CHECK(by_record.find("113-1234567-1234567") != std::string::npos); // the rows were written
        }
    }
}

TEST_CASE("a money column that starts without money still splits later amounts like records do") {
    // total not declared money: the first row decides (here: none), as with records.
    const std::vector<asc::Field> fields{{"order_id", "", asc::ColumnKind::Id}, {"total", "", asc::ColumnKind::Text}};
    std::vector<asc::Order> list{asc::Order{}, full_order()};
    list[0].order_id = "114-0000000-0000001";
    std::string by_cells;
    std::string by_record;
    for (const bool cells : {true, false}) {
        std::ostringstream out;
        asc::RenderOptions options;
        options.format = asc::Format::Csv;
        auto renderer = asc::make_renderer(options, fields, out);
        asc::ListCells list_cells(fields);
        for (const auto& o : list) {
            if (cells) {
                CHECK(renderer->row_cells(list_cells.of(o)));
            } else {
                renderer->row(asc::list_record(o));
            }
        }
        renderer->finish();
        (cells ? by_cells : by_record) = out.str();
    }
    CHECK(by_cells == by_record);
    // As text, an amount that starts with '-' gets the formula guard, as any text does.
    CHECK(by_cells == "order_id,total\n114-0000000-0000001,\n113-1234567-1234567,'-1234.50 USD\n");
}

TEST_CASE("list cells write times as format_rfc3339 does, for any year") {
    const std::vector<asc::Field> fields{{"purchase_date", "", asc::ColumnKind::Date}};
    asc::ListCells cells(fields);
    std::mt19937_64 rng(3);
    std::vector<long long> seconds{0, -1, 86'399, 86'400, 951'782'400 /* 2000-02-29 */, 4'107'542'399,
                                   -62'167'219'200 /* year 0 */, 253'402'300'799 /* 9999-12-31T23:59:59 */,
                                   253'402'300'800 /* year 10000 */, -62'167'219'201 /* year -1 */};
    for (int i = 0; i < 2000; ++i) {
        seconds.push_back(static_cast<long long>(rng() % 315'569'520'000ULL) - 62'167'219'200LL);
    }
    for (const long long s : seconds) {
        asc::Order o;
        o.purchase_date = asc::Timestamp(std::chrono::seconds(s));
        CAPTURE(s);
        const auto row = cells.of(o);
        REQUIRE(row.size() == 1);
        CHECK(row[0].text == asc::format_rfc3339(o.purchase_date));
    }
}

TEST_CASE("renderers that need records refuse cells") {
    asc::ListCells list_cells(asc::list_default_fields());
    for (const auto format : {asc::Format::Json, asc::Format::Jsonl, asc::Format::Ids}) {
        std::ostringstream out;
        asc::RenderOptions options;
        options.format = format;
        auto renderer = asc::make_renderer(options, asc::list_default_fields(), out);
        CHECK_FALSE(renderer->row_cells(list_cells.of(full_order())));
        renderer->finish();
    }
    std::ostringstream out;
    asc::RenderOptions table;
    table.terminal = true;
    auto renderer = asc::make_renderer(table, asc::list_default_fields(), out);
    CHECK_FALSE(renderer->row_cells(list_cells.of(full_order())));
}

TEST_SUITE_END();
