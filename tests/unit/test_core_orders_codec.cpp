// Orders API v2026-01-01 Order JSON -> asc::Order, on a hand-written fixture in the shape of
// the model's example (tests/fixtures/order-v2026-example.json).

#include "asc/amazon/orders_client.hpp"
#include "asc/base/errors.hpp"
#include "asc/base/time.hpp"

#include <doctest/doctest.h>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

using nlohmann::json;

namespace {

json fixture() {
    const auto path =
        std::filesystem::path(ASC_TEST_FIXTURES_DIR) / "order-v2026-example.json";
    std::ifstream in(path);
    REQUIRE(in.good());
    return json::parse(in);
}

asc::Timestamp at(const char* text) {
    return *asc::parse_rfc3339(text);
}

asc::Money usd(const char* amount) {
    return *asc::Money::parse(amount, "USD");
}

// The error order_from_v2026 throws for `j`.
std::string error_for(const json& j) {
    try {
        asc::order_from_v2026(j, "getOrder");
    } catch (const asc::Error& e) {
        CHECK(e.kind() == asc::ErrorKind::Temporary);
        return e.what();
    }
    FAIL("expected an error");
    return {};
}

} // namespace

TEST_SUITE_BEGIN("core::orders_codec");

TEST_CASE("order_from_v2026 maps the order-level fields") {
    const asc::Order o = asc::order_from_v2026(fixture()["orders"][0]);
    CHECK(o.order_id == "113-4567890-1234567");
    CHECK(o.status == asc::Status::PartiallyShipped);
    CHECK(o.fulfilled_by == asc::FulfilledBy::Merchant);
    CHECK(o.purchase_date == at("2026-10-28T14:05:09Z"));
    CHECK(o.last_updated == at("2026-10-30T08:12:44Z"));
    CHECK(o.sales_channel == "AMAZON");
    CHECK(o.marketplace_id == "ATVPDKIKX0DER");
    CHECK(o.marketplace_name == "Amazon.com");
    CHECK(o.ship_service_level == "STANDARD");
    CHECK(o.ship_by.earliest == at("2026-10-28T14:05:09Z"));
    CHECK(o.ship_by.latest == at("2026-10-30T06:59:59Z"));
    CHECK(o.deliver_by.earliest == at("2026-11-02T07:00:00Z"));
    CHECK(o.deliver_by.latest == at("2026-11-05T06:59:59Z"));
    CHECK(o.is_prime);
    CHECK(o.is_business);
    CHECK(o.is_replacement);
    CHECK(o.replaced_order_id == "111-0000000-0000001");
    CHECK(o.seller_order_id == "MAGE-000123");
}

TEST_CASE("order_from_v2026 keeps money exact") {
    const asc::Order o = asc::order_from_v2026(fixture()["orders"][0]);
    REQUIRE(o.total.has_value());
    CHECK(o.total->minor == 4078);
    CHECK(o.total->scale == 2);
    CHECK(o.total->currency == "USD");
    CHECK(o.total->amount() == "40.78");
    REQUIRE(o.total_breakdown.size() == 4);
    CHECK(o.total_breakdown[0].type == "ITEM");
    CHECK(o.total_breakdown[0].amount == usd("34.99"));
    CHECK(o.total_breakdown[3].type == "DISCOUNT");
    CHECK(o.total_breakdown[3].amount.amount() == "-2.00");
    // The breakdown adds up to the total, to the cent.
    asc::Money sum = *asc::Money::parse("0", "USD");
    for (const auto& line : o.total_breakdown) {
        sum = sum.plus(line.amount);
    }
    CHECK(sum == *o.total);
}

TEST_CASE("order_from_v2026 maps buyer and delivery address") {
    const asc::Order o = asc::order_from_v2026(fixture()["orders"][0]);
    REQUIRE(o.buyer.has_value());
    CHECK(o.buyer->name == "Jane Doe");
    CHECK(o.buyer->email == "abc123xyz@marketplace.amazon.com");
    CHECK(o.buyer->company == "Doe Supplies LLC");
    CHECK(o.buyer->purchase_order == "PO-7781");
    REQUIRE(o.ship_to.has_value());
    CHECK(o.ship_to->name == "Jane Doe");
    CHECK(o.ship_to->company == "Doe Supplies LLC");
    CHECK(o.ship_to->line1 == "410 Terry Ave N");
    CHECK(o.ship_to->line2 == "Suite 200");
    CHECK(o.ship_to->line3.empty());
    CHECK(o.ship_to->city == "Seattle");
    CHECK(o.ship_to->district == "King");
    CHECK(o.ship_to->state == "WA");
    CHECK(o.ship_to->postal_code == "98109-5210");
    CHECK(o.ship_to->country_code == "US");
    CHECK(o.ship_to->phone == "+1 206-555-0100");
    CHECK(o.ship_to->type == "COMMERCIAL");
}

TEST_CASE("order_from_v2026 maps items, their money, quantities and cancellation requests") {
    const asc::Order o = asc::order_from_v2026(fixture()["orders"][0]);
    REQUIRE(o.items.size() == 2);
    const auto& a = o.items[0];
    CHECK(a.order_item_id == "10000000000001");
    CHECK(a.asin == "B08DFPV54V");
    CHECK(a.sku == "WB-750-STEEL");
    CHECK(a.title == "Stainless Steel Water Bottle, 750 ml");
    CHECK(a.condition == "NEW");
    CHECK(a.quantity_ordered == 1);
    CHECK(a.quantity_shipped == 1);
    CHECK(a.quantity_unshipped == 0);
    CHECK(a.unit_price == usd("19.99"));
    CHECK(a.item_total == usd("19.99"));
    CHECK(a.shipping_price == usd("4.99"));
    CHECK(a.tax == usd("1.60"));
    CHECK(a.promotion_discount == usd("-2.00"));
    CHECK(a.proceeds_total == usd("24.58"));
    CHECK_FALSE(a.buyer_requested_cancel);

    const auto& b = o.items[1];
    CHECK(b.order_item_id == "10000000000002");
    CHECK(b.condition == "USED / VERY_GOOD");
    CHECK(b.quantity_ordered == 2);
    CHECK(b.quantity_shipped == 0);
    CHECK(b.quantity_unshipped == 2);
    CHECK(b.unit_price->amount() == "7.50");
    CHECK_FALSE(b.shipping_price.has_value());
    CHECK(b.buyer_requested_cancel);
    CHECK(b.buyer_cancel_reason == "Found a better price");
    CHECK(b.canceled_by.empty());

    CHECK(o.items_shipped() == 1);
    CHECK(o.items_unshipped() == 2);
}

TEST_CASE("order_from_v2026 maps packages") {
    const asc::Order o = asc::order_from_v2026(fixture()["orders"][0]);
    REQUIRE(o.packages.size() == 1);
    const auto& p = o.packages[0];
    CHECK(p.reference_id == "1");
    CHECK(p.carrier == "USPS");
    CHECK(p.shipping_service == "USPS Priority Mail");
    CHECK(p.tracking_number == "9400111899223197428490");
    CHECK(p.ship_time == at("2026-10-29T16:00:00Z"));
    CHECK(p.status == "IN_TRANSIT");
    REQUIRE(p.items.size() == 1);
    CHECK(p.items[0].order_item_id == "10000000000001");
    CHECK(p.items[0].quantity == 1);
}

TEST_CASE("order_from_v2026 handles a canceled AFN order in yen without optional blocks") {
    const asc::Order o = asc::order_from_v2026(fixture()["orders"][1]);
    CHECK(o.status == asc::Status::Canceled);
    CHECK(o.fulfilled_by == asc::FulfilledBy::Amazon);
    CHECK(o.purchase_date == at("2026-10-27T07:00:00Z")); // the +02:00 offset applied
    CHECK(o.total->amount() == "1500");
    CHECK(o.total->scale == 0);
    CHECK_FALSE(o.buyer.has_value());
    CHECK_FALSE(o.ship_to.has_value());
    CHECK(o.packages.empty());
    CHECK_FALSE(o.is_prime);
    CHECK(o.seller_order_id.empty());
    REQUIRE(o.items.size() == 1);
    CHECK(o.items[0].canceled_by == "MERCHANT");
    CHECK(o.items[0].cancel_reason == "NoInventory");
    CHECK(o.items[0].title.empty());
    // No item fulfillment block on a canceled order: nothing shipped, nothing left to ship.
    CHECK(o.items[0].quantity_shipped == 0);
    CHECK(o.items[0].quantity_unshipped == 0);
}

TEST_CASE("order_from_v2026 without fulfillment data: Pending, and quantities from the status") {
    json j = fixture()["orders"][0];
    j.erase("fulfillment");
    for (auto& item : j["orderItems"]) {
        item.erase("fulfillment");
    }
    const asc::Order pending = asc::order_from_v2026(j);
    CHECK(pending.status == asc::Status::Pending);
    CHECK_FALSE(pending.fulfilled_by.has_value());
    CHECK(pending.items[1].quantity_shipped == 0);
    CHECK(pending.items[1].quantity_unshipped == 2);

    j["fulfillment"] = {{"fulfillmentStatus", "SHIPPED"}};
    const asc::Order shipped = asc::order_from_v2026(j);
    CHECK(shipped.items[1].quantity_shipped == 2);
    CHECK(shipped.items[1].quantity_unshipped == 0);
}

TEST_CASE("order_from_v2026 rejects a malformed amount instead of guessing") {
    json j = fixture()["orders"][0];
    SUBCASE("an exponent") {
        j["orderItems"][1]["product"]["price"]["unitPrice"]["amount"] = "1e3";
        const std::string what = error_for(j);
        CHECK(what.find("getOrder") != std::string::npos);
        CHECK(what.find("113-4567890-1234567") != std::string::npos);
        CHECK(what.find("orderItems[1].product.price.unitPrice") != std::string::npos);
        CHECK(what.find("\"1e3\"") != std::string::npos);
    }
    SUBCASE("a JSON number") {
        j["proceeds"]["grandTotal"]["amount"] = 40.78;
        CHECK(error_for(j).find("proceeds.grandTotal.amount is not a decimal string") != std::string::npos);
    }
    SUBCASE("an empty amount") {
        j["proceeds"]["breakdowns"][2]["subtotal"]["amount"] = "";
        CHECK(error_for(j).find("proceeds.breakdowns[2].subtotal") != std::string::npos);
    }
    SUBCASE("no currency") {
        j["proceeds"]["grandTotal"].erase("currencyCode");
        CHECK(error_for(j).find("proceeds.grandTotal.currencyCode is missing") != std::string::npos);
    }
}

TEST_CASE("order_from_v2026 names what is missing or malformed") {
    json j = fixture()["orders"][0];
    SUBCASE("orderId") {
        j.erase("orderId");
        CHECK(error_for(j).find("orderId is missing") != std::string::npos);
    }
    SUBCASE("createdTime") {
        j["createdTime"] = "28/10/2026";
        CHECK(error_for(j).find("createdTime is not an ISO 8601 time") != std::string::npos);
    }
    SUBCASE("salesChannel") {
        j.erase("salesChannel");
        CHECK(error_for(j).find("salesChannel is missing") != std::string::npos);
    }
    SUBCASE("orderItems") {
        j.erase("orderItems");
        CHECK(error_for(j).find("orderItems is missing") != std::string::npos);
    }
    SUBCASE("quantityOrdered") {
        j["orderItems"][0]["quantityOrdered"] = "one";
        CHECK(error_for(j).find("orderItems[0].quantityOrdered is not an integer") != std::string::npos);
    }
    SUBCASE("an unknown status") {
        j["fulfillment"]["fulfillmentStatus"] = "TELEPORTED";
        CHECK(error_for(j).find("unknown value \"TELEPORTED\"") != std::string::npos);
    }
    SUBCASE("not an object") {
        CHECK(error_for(json::array()).find("not an object") != std::string::npos);
    }
}

TEST_SUITE_END();
