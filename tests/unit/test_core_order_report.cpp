// The streaming parser of the order report GET_FLAT_FILE_ALL_ORDERS_DATA_BY_LAST_UPDATE_GENERAL.

#include "asc/amazon/order_report.hpp"
#include "asc/base/errors.hpp"
#include "asc/base/time.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

using namespace asc;

namespace {

const std::string k_header =
    "amazon-order-id\tmerchant-order-id\tpurchase-date\tlast-updated-date\torder-status\tfulfillment-channel\t"
    "sales-channel\torder-channel\tship-service-level\tproduct-name\tsku\tasin\titem-status\tquantity\tcurrency\t"
    "item-price\titem-tax\tshipping-price\tshipping-tax\tgift-wrap-price\tgift-wrap-tax\titem-promotion-discount\t"
    "ship-promotion-discount\tship-city\tship-state\tship-postal-code\tship-country\tpromotion-ids\t"
    "is-business-order\tpurchase-order-number\tprice-designation\n";

std::string row(const std::string& id, const std::string& status, const std::string& sku, const std::string& qty,
                const std::string& price, const std::string& tax = "1.00", const std::string& discount = "0.00",
                const std::string& item_status = "Unshipped") {
    return id + "\tSO-1\t2026-10-01T10:00:00+00:00\t2026-10-02T11:30:00+00:00\t" + status +
           "\tMerchant\tAmazon.com\t\tSecondDay\tA product\t" + sku + "\tB000000001\t" + item_status + "\t" + qty +
           "\tUSD\t" + price + "\t" + tax + "\t4.99\t0.00\t0.00\t0.00\t" + discount +
           "\t0.00\tPortland\tOR\t97205\tUS\t\tfalse\t\t\n";
}

std::vector<Order> parse(const std::string& text, std::size_t chunk = 7) {
    std::vector<Order> out;
    OrderReportParser parser("ATVPDKIKX0DER", [&](Order&& o) { out.push_back(std::move(o)); });
    for (std::size_t i = 0; i < text.size(); i += chunk) {
        parser.feed(std::string_view(text).substr(i, chunk));
    }
    parser.finish();
    return out;
}

std::string error_of(const std::string& text) {
    try {
        parse(text);
    } catch (const Error& e) {
        CHECK(e.kind() == ErrorKind::Temporary);
        return e.what();
    }
    return "no error";
}

} // namespace

TEST_SUITE("order report") {

    TEST_CASE("rows of one order become one order with its items, whatever the chunk size") {
        const std::string text = k_header + row("111-0000001-0000001", "Unshipped", "SKU-A", "2", "20.00") +
                                 row("111-0000001-0000001", "Unshipped", "SKU-B", "1", "5.50", "0.50", "-1.00") +
                                 row("111-0000002-0000002", "Shipped", "SKU-C", "1", "9.99", "0.00", "0.00", "Shipped");
        for (const std::size_t chunk : {std::size_t{1}, std::size_t{7}, std::size_t{4096}}) {
            const auto orders = parse(text, chunk);
            REQUIRE(orders.size() == 2);
            const Order& o = orders[0];
            CHECK(o.order_id == "111-0000001-0000001");
            CHECK(o.seller_order_id == "SO-1");
            CHECK(o.status == Status::Unshipped);
            CHECK(o.fulfilled_by == FulfilledBy::Merchant);
            CHECK(o.marketplace_id == "ATVPDKIKX0DER");
            CHECK(o.marketplace_name == "Amazon.com");
            CHECK(o.sales_channel == "AMAZON");
            CHECK(o.ship_service_level == "SECOND_DAY");
            CHECK(format_rfc3339(o.purchase_date) == "2026-10-01T10:00:00Z");
            CHECK(format_rfc3339(o.last_updated) == "2026-10-02T11:30:00Z");
            REQUIRE(o.items.size() == 2);
            CHECK(o.items[0].sku == "SKU-A");
            CHECK(o.items[0].quantity_ordered == 2);
            CHECK(o.items[0].quantity_unshipped == 2);
            CHECK(o.items[0].unit_price->amount() == "10.00");
            CHECK(o.items[0].item_total->amount() == "20.00");
            CHECK(o.items[0].shipping_price->amount() == "4.99");
            CHECK(o.items[0].tax->amount() == "1.00");
            CHECK_FALSE(o.items[0].promotion_discount.has_value()); // zero parts are left out
            CHECK(o.items[0].proceeds_total->amount() == "25.99");
            CHECK(o.items[1].promotion_discount->amount() == "-1.00");
            // 20.00 + 4.99 + 1.00 + 5.50 + 4.99 + 0.50 - 1.00
            REQUIRE(o.total.has_value());
            CHECK(o.total->to_string() == "35.98 USD");
            REQUIRE(o.total_breakdown.size() == 4);
            CHECK(o.total_breakdown[0].type == "ITEM");
            CHECK(o.total_breakdown[0].amount.amount() == "25.50");
            CHECK(o.total_breakdown[3].type == "DISCOUNT");
            REQUIRE(o.ship_to.has_value());
            CHECK(o.ship_to->state == "OR");
            CHECK(o.ship_to->country_code == "US");
            CHECK(orders[1].status == Status::Shipped);
            CHECK(orders[1].items[0].quantity_shipped == 1);
        }
    }

    TEST_CASE("columns are found by name: reordered, extra and missing optional columns") {
        const std::string text = "extra\torder-status\tamazon-order-id\tlast-updated-date\tpurchase-date\tquantity\n"
                                 "x\tCancelled\t111-0000001-0000001\t2026-10-02T11:30:00Z\t2026-10-01T10:00:00Z\t3\n";
        const auto orders = parse(text);
        REQUIRE(orders.size() == 1);
        CHECK(orders[0].status == Status::Canceled);
        CHECK(orders[0].items[0].quantity_ordered == 3);
        CHECK_FALSE(orders[0].total.has_value());
        CHECK_FALSE(orders[0].fulfilled_by.has_value());
    }

    TEST_CASE("Amazon's spellings map to the model") {
        CHECK(service_level_code("Standard") == "STANDARD");
        CHECK(service_level_code("FreeEconomy") == "FREE_ECONOMY");
        CHECK(service_level_code("Std US D2D Dom") == "Std US D2D Dom");
        std::string text = k_header;
        text += row("111-0000001-0000001", "Shipping", "S", "1", "1.00");
        text += row("111-0000002-0000002", "Pending", "S", "1", "");
        std::string afn = row("111-0000003-0000003", "PartiallyShipped", "S", "1", "1.00");
        afn.replace(afn.find("Merchant"), 8, "Amazon");
        afn.replace(afn.find("Amazon.com"), 10, "Non-Amazon");
        text += afn;
        const auto orders = parse(text);
        REQUIRE(orders.size() == 3);
        CHECK(orders[0].status == Status::Unshipped);
        CHECK(orders[1].status == Status::Pending);
        CHECK_FALSE(orders[1].total.has_value()); // Pending: no prices yet
        CHECK_FALSE(orders[1].items[0].item_total.has_value());
        CHECK(orders[2].status == Status::PartiallyShipped);
        CHECK(orders[2].fulfilled_by == FulfilledBy::Amazon);
        CHECK(orders[2].sales_channel == "NON_AMAZON");
    }

    TEST_CASE("a row with a bad amount fails naming its line and column") {
        const std::string text = k_header + row("111-0000001-0000001", "Unshipped", "S", "1", "1.00") +
                                 row("111-0000002-0000002", "Unshipped", "S", "1", "12,50");
        const std::string e = error_of(text);
        CHECK(e.find("order report line 3") != std::string::npos);
        CHECK(e.find("item-price \"12,50\" is not an amount") != std::string::npos);
    }

    TEST_CASE("bad quantities, dates and statuses fail naming the line") {
        CHECK(error_of(k_header + row("111-0000001-0000001", "Unshipped", "S", "two", "1.00")).find("line 2: quantity") !=
              std::string::npos);
        CHECK(error_of(k_header + row("111-0000001-0000001", "Lost", "S", "1", "1.00")).find("line 2: order-status") !=
              std::string::npos);
        std::string bad_date = row("111-0000001-0000001", "Unshipped", "S", "1", "1.00");
        bad_date.replace(bad_date.find("2026-10-01T10:00:00+00:00"), 25, "yesterday");
        CHECK(error_of(k_header + bad_date).find("line 2: purchase-date") != std::string::npos);
    }

    TEST_CASE("a document without the required columns or without a header is refused") {
        CHECK(error_of("sku\tasin\nA\tB\n").find("line 1: the header has no \"amazon-order-id\" column") !=
              std::string::npos);
        CHECK(error_of("").find("no header line") != std::string::npos);
    }

    TEST_CASE("CRLF line ends, a byte order mark and a last line without a line break are read") {
        std::string text = "\xEF\xBB\xBF" + k_header + row("111-0000001-0000001", "Unshipped", "S", "1", "1.00");
        std::string crlf;
        for (const char c : text) {
            if (c == '\n') {
                crlf += '\r';
            }
            crlf += c;
        }
        crlf.pop_back(); // no final line break
        crlf.pop_back();
        const auto orders = parse(crlf);
        REQUIRE(orders.size() == 1);
        CHECK(orders[0].items[0].proceeds_total->amount() == "6.99");
    }
}
