// Every table at 60, 80, 100, 120 and 200 columns, on orders with 12 items, CJK titles and JPY
// (tests/fixtures/output-orders.json): nothing passes the width, and no id, status, amount, date,
// reason, code or count is ever cut (its column is shown whole, or left out). Each table is also
// compared with a golden file in tests/fixtures/golden/ (ASC_UPDATE_GOLDEN=1 rewrites them).

#include "asc/amazon/orders_client.hpp"
#include "asc/base/time.hpp"
#include "asc/output/order_records.hpp"
#include "commands.hpp"
#include "cancel_output.hpp"

#include <algorithm>
#include <doctest/doctest.h>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace {

using asc::ColumnKind;
using asc::Field;
using asc::Record;

std::vector<asc::Order> fixture_orders() {
    std::ifstream in(std::filesystem::path(ASC_TEST_FIXTURES_DIR) / "output-orders.json");
    REQUIRE(in.good());
    const auto j = nlohmann::json::parse(in);
    std::vector<asc::Order> orders;
    for (const auto& o : j["orders"]) {
        orders.push_back(asc::order_from_v2026(o));
    }
    return orders;
}

const asc::Order& by_id(const std::vector<asc::Order>& orders, const std::string& id) {
    for (const auto& o : orders) {
        if (o.order_id == id) {
            return o;
        }
    }
    FAIL("no order " << id);
    return orders.front();
}

std::string render(const std::vector<Field>& fields, const std::vector<Record>& rows, int width) {
    asc::RenderOptions options;
    options.terminal = true;
    options.width = width;
    std::ostringstream out;
    auto renderer = asc::make_renderer(options, fields, out);
    for (const auto& r : rows) {
        renderer->row(r);
    }
    renderer->finish();
    return out.str();
}

bool never_cut(ColumnKind kind) { return kind != ColumnKind::Text && kind != ColumnKind::List; }

// The checks every table passes, then the golden file.
void check_table(const std::string& name, const std::vector<Field>& fields, const std::vector<Record>& rows) {
    for (const int width : {60, 80, 100, 120, 200}) {
        CAPTURE(name);
        CAPTURE(width);
        const std::string text = render(fields, rows, width);
        std::istringstream lines(text);
        std::vector<std::string> all;
        for (std::string line; std::getline(lines, line);) {
            CHECK(asc::text_width(line) <= static_cast<std::size_t>(width));
            all.push_back(line);
        }
        REQUIRE(all.size() == rows.size() + 1);
        const std::string& header = all.front();
        for (std::size_t r = 0; r < rows.size(); ++r) {
            const auto cells = asc::table_cells(fields, rows[r]);
            for (std::size_t i = 0; i < fields.size(); ++i) {
                if (!never_cut(fields[i].kind) || cells[i].empty()) {
                    continue;
                }
                const bool shown = (" " + header + " ").find(" " + asc::table_header(fields[i]) + " ") !=
                                   std::string::npos;
                if (fields[i].priority >= asc::k_always) {
                    CHECK_MESSAGE(shown, fields[i].key << " is always shown");
                }
                if (shown) {
                    CHECK_MESSAGE(all[r + 1].find(cells[i]) != std::string::npos,
                                  fields[i].key << " '" << cells[i] << "' whole in: " << all[r + 1]);
                }
            }
        }
        const auto golden = std::filesystem::path(ASC_TEST_FIXTURES_DIR) / "golden" /
                            (name + "-" + std::to_string(width) + ".txt");
        if (std::getenv("ASC_UPDATE_GOLDEN") != nullptr) {
            std::filesystem::create_directories(golden.parent_path());
            std::ofstream(golden) << text;
        }
        std::ifstream in(golden);
        std::stringstream expected;
        expected << in.rdbuf();
        CHECK_MESSAGE(text == expected.str(), "differs from " << golden.string());
    }
}

Record journal_row(const std::string& order_id, const std::string& reason, const std::string& state,
                   const std::string& code, const std::string& message) {
    asc::JournalEntry e;
    e.created_at = *asc::parse_rfc3339("2026-01-06T10:00:00Z");
    e.updated_at = *asc::parse_rfc3339("2026-01-06T10:05:00Z");
    e.order_id = order_id;
    e.reason = reason;
    e.state = asc::parse_journal_state(state).value();
    e.feed_id = "50012019000";
    e.result_code = code;
    e.result_message = message;
    e.run_by = "ops@warehouse-1";
    e.batch_id = "b20260106T100000Z-1a2b3c";
    e.message_id = 1;
    return asc::cli::journal_record(e);
}

} // namespace

TEST_SUITE_BEGIN("core::output");

TEST_CASE("widths: orders list, every table of order show, the reports and the journal fit 60 to 200 columns") {
    const auto orders = fixture_orders();
    REQUIRE(orders.size() == 6);

    std::vector<Record> list;
    std::vector<Record> late;
    for (const auto& o : orders) {
        list.push_back(asc::list_record(o));
        if (o.status == asc::Status::Unshipped || o.status == asc::Status::PartiallyShipped) {
            Record r = asc::list_record(o);
            r["overdue"] = true;
            late.push_back(r);
        }
    }
    check_table("orders-list", asc::list_default_fields(), list);
    check_table("orders-list-all-fields", asc::list_fields(), list);

    for (const auto& [name, id] : {std::pair{"items-12", "111-0000001-0000001"},
                                   std::pair{"items-cjk-jpy", "503-0000002-0000002"}}) {
        std::vector<Record> items;
        for (const auto& i : by_id(orders, id).items) {
            items.push_back(asc::item_record(i));
        }
        check_table(name, asc::item_fields(), items);
    }
    const auto& shipped = by_id(orders, "113-0000003-0000003");
    std::vector<Record> packages;
    for (const auto& p : shipped.packages) {
        Record r = asc::package_record(p, shipped);
        r["items"] = "SSD-1TB-U32 x1";
        packages.push_back(r);
    }
    check_table("tracking", asc::package_fields(), packages);

    check_table("report-late", asc::cli::late_fields(), late);
    std::vector<Record> summary;
    for (const auto& [dimension, value, currency, n, amount] :
         {std::tuple{"status", "PartiallyShipped", "USD", 1, "214.93"}, std::tuple{"status", "Unshipped", "JPY", 1, "23740"},
          std::tuple{"marketplace", "A1VC38T7YXB528", "JPY", 1, "23740"}, std::tuple{"currency", "USD", "USD", 3, "709.68"}}) {
        Record r;
        r["dimension"] = dimension;
        r["value"] = value;
        r["currency"] = currency;
        r["orders"] = n;
        r["total"] = {{"amount", amount}, {"currency", currency}};
        summary.push_back(r);
    }
    check_table("report-summary", asc::cli::summary_fields(), summary);
    const std::vector<Record> journal{
        journal_row("503-0000002-0000002", "NoInventory", "canceled", "", ""),
        journal_row("113-0000003-0000003", "RiskAssessmentInformationNotValid", "refused", "",
                    "the order is Shipped: a shipped order cannot be canceled"),
        journal_row("111-0000001-0000001", "BuyerCanceled", "failed", "5002",
                    "AmazonOrderItemCode '123' is invalid; it must be 14 digits.")};
    check_table("cancellations-list", asc::cli::journal_fields(), journal);
}

TEST_SUITE_END();
