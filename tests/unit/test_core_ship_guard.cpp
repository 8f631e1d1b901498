#include "asc/amazon/ship_confirm.hpp"
#include "asc/base/errors.hpp"
#include "asc/ship/ship.hpp"

#include <doctest/doctest.h>
#include <optional>
#include <string>
#include <vector>

using asc::FulfilledBy;
using asc::Order;
using asc::ShipItem;
using asc::ShipRequest;
using asc::ShipVerdict;
using asc::Status;

namespace {

// An order with two items: A (3 ordered, `shipped_a` shipped) and B (1 ordered, none shipped).
Order order_of(Status status, std::optional<FulfilledBy> by, int shipped_a = 0) {
    Order o;
    o.order_id = "111-1111111-1111111";
    o.status = status;
    o.fulfilled_by = by;
    asc::OrderItem a;
    a.order_item_id = "10000000000001";
    a.quantity_ordered = 3;
    a.quantity_shipped = shipped_a;
    a.quantity_unshipped = 3 - shipped_a;
    asc::OrderItem b;
    b.order_item_id = "10000000000002";
    b.quantity_ordered = 1;
    b.quantity_unshipped = 1;
    o.items = {a, b};
    return o;
}

ShipRequest request(std::vector<ShipItem> items = {}, std::string tracking = "1Z1") {
    ShipRequest r;
    r.order_id = "111-1111111-1111111";
    r.carrier_code = "UPS";
    r.tracking_number = std::move(tracking);
    r.items = std::move(items);
    return r;
}

struct Row {
    Status status;
    std::optional<FulfilledBy> by;
    int shipped_a;
    ShipVerdict verdict;
    const char* mentions;
};

} // namespace

TEST_CASE("the ship guard decides every status and fulfillment channel") {
    const auto MFN = std::optional<FulfilledBy>(FulfilledBy::Merchant);
    const auto AFN = std::optional<FulfilledBy>(FulfilledBy::Amazon);
    const auto UNKNOWN = std::optional<FulfilledBy>();
    const std::vector<Row> table{
        {Status::Unshipped, MFN, 0, ShipVerdict::Allowed, ""},
        {Status::PartiallyShipped, MFN, 1, ShipVerdict::Allowed, ""},
        {Status::Shipped, MFN, 3, ShipVerdict::Refused, "Shipped"},
        {Status::Canceled, MFN, 0, ShipVerdict::Refused, "Canceled"},
        {Status::Pending, MFN, 0, ShipVerdict::Refused, "payment"},
        {Status::PendingAvailability, MFN, 0, ShipVerdict::Refused, "payment"},
        {Status::Unfulfillable, MFN, 0, ShipVerdict::Refused, "Unfulfillable"},
        {Status::Unshipped, AFN, 0, ShipVerdict::Refused, "fulfilled by Amazon"},
        {Status::PartiallyShipped, AFN, 1, ShipVerdict::Refused, "fulfilled by Amazon"},
        {Status::Unshipped, UNKNOWN, 0, ShipVerdict::Refused, "who fulfills"},
    };
    for (const auto status : asc::all_statuses()) {
        for (const auto& by : {MFN, AFN, UNKNOWN}) {
            const bool listed = std::any_of(table.begin(), table.end(), [&](const Row& r) {
                return r.status == status && r.by == by;
            });
            const auto d = asc::decide_ship(order_of(status, by), request(), false);
            if (!listed) {
                CHECK(d.verdict == ShipVerdict::Refused); // everything not allowed in the table is refused
            }
        }
    }
    for (const Row& row : table) {
        CAPTURE(asc::to_string(row.status));
        const auto d = asc::decide_ship(order_of(row.status, row.by, row.shipped_a), request(), false);
        CHECK(d.verdict == row.verdict);
        CHECK(d.reason.find(row.mentions) != std::string::npos);
        if (row.verdict == ShipVerdict::Refused) {
            CHECK_FALSE(d.remedy.empty());
        }
    }
}

TEST_CASE("the ship guard resolves quantities: all unshipped, per item, at most the unshipped units") {
    const Order o = order_of(Status::PartiallyShipped, FulfilledBy::Merchant, 1);
    SUBCASE("no items: every unshipped unit of every item") {
        const auto d = asc::decide_ship(o, request(), false);
        REQUIRE(d.verdict == ShipVerdict::Allowed);
        REQUIRE(d.items.size() == 2);
        CHECK(d.items[0].quantity == 2);
        CHECK(d.items[1].quantity == 1);
    }
    SUBCASE("quantity 0: every unshipped unit of that item") {
        const auto d = asc::decide_ship(o, request({{"10000000000001", 0}}), false);
        REQUIRE(d.verdict == ShipVerdict::Allowed);
        CHECK(d.items.size() == 1);
        CHECK(d.items[0].quantity == 2);
    }
    SUBCASE("exactly the unshipped units") {
        CHECK(asc::decide_ship(o, request({{"10000000000001", 2}}), false).verdict == ShipVerdict::Allowed);
    }
    SUBCASE("one more than unshipped is refused") {
        const auto d = asc::decide_ship(o, request({{"10000000000001", 3}}), false);
        CHECK(d.verdict == ShipVerdict::Refused);
        CHECK(d.reason.find("2 units unshipped") != std::string::npos);
    }
    SUBCASE("a repeated item adds up") {
        CHECK(asc::decide_ship(o, request({{"10000000000001", 1}, {"10000000000001", 2}}), false).verdict ==
              ShipVerdict::Refused);
        const auto d = asc::decide_ship(o, request({{"10000000000001", 1}, {"10000000000001", 1}}), false);
        REQUIRE(d.verdict == ShipVerdict::Allowed);
        CHECK(d.items.size() == 1);
        CHECK(d.items[0].quantity == 2);
    }
    SUBCASE("an item that is not on the order is refused") {
        const auto d = asc::decide_ship(o, request({{"99999999999999", 1}}), false);
        CHECK(d.verdict == ShipVerdict::Refused);
        CHECK(d.reason.find("not an item") != std::string::npos);
    }
    SUBCASE("an item with nothing left to ship is refused") {
        const Order done_a = order_of(Status::PartiallyShipped, FulfilledBy::Merchant, 3);
        CHECK(asc::decide_ship(done_a, request({{"10000000000001", 0}}), false).verdict == ShipVerdict::Refused);
    }
}

TEST_CASE("the ship guard refuses an item with a buyer cancellation request unless told to ignore it") {
    Order o = order_of(Status::Unshipped, FulfilledBy::Merchant);
    o.items[1].buyer_requested_cancel = true;
    const auto d = asc::decide_ship(o, request(), false);
    CHECK(d.verdict == ShipVerdict::Refused);
    CHECK(d.remedy.find("BuyerCanceled") != std::string::npos);
    CHECK(d.remedy.find("--ignore-cancel-request") != std::string::npos);
    CHECK(asc::decide_ship(o, request(), true).verdict == ShipVerdict::Allowed);
    // A package without that item is not affected.
    CHECK(asc::decide_ship(o, request({{"10000000000001", 1}}), false).verdict == ShipVerdict::Allowed);
}

TEST_CASE("a package whose tracking number is on the order is already shipped, in any status") {
    Order o = order_of(Status::Shipped, FulfilledBy::Merchant, 3);
    asc::Package p;
    p.reference_id = "1";
    p.tracking_number = "1Z1";
    o.packages.push_back(p);
    CHECK(asc::decide_ship(o, request(), false).verdict == ShipVerdict::AlreadyShipped);
    CHECK(asc::decide_ship(o, request({}, "1Z2"), false).verdict == ShipVerdict::Refused);
}

TEST_CASE("shipped_copy moves the units and sets PartiallyShipped or Shipped") {
    const Order o = order_of(Status::Unshipped, FulfilledBy::Merchant);
    const Order part = asc::shipped_copy(o, {{"10000000000001", 2}});
    CHECK(part.status == Status::PartiallyShipped);
    CHECK(part.items[0].quantity_shipped == 2);
    CHECK(part.items[0].quantity_unshipped == 1);
    const Order all = asc::shipped_copy(part, {{"10000000000001", 1}, {"10000000000002", 1}});
    CHECK(all.status == Status::Shipped);
}

TEST_CASE("carrier codes are Amazon's, in any case, with close matches for typos") {
    CHECK(asc::amazon_carrier_codes().size() == 51);
    CHECK(asc::parse_carrier_code("fedex") == std::optional<std::string_view>("FedEx"));
    CHECK(asc::parse_carrier_code("royal-mail") == std::optional<std::string_view>("Royal Mail"));
    CHECK(asc::parse_carrier_code("DHL_GLOBAL_MAIL") == std::optional<std::string_view>("DHL Global Mail"));
    CHECK(asc::parse_carrier_code("other") == std::optional<std::string_view>("Other"));
    CHECK_FALSE(asc::parse_carrier_code("Fedx"));
    const auto close = asc::close_carrier_codes("Fedx");
    REQUIRE_FALSE(close.empty());
    CHECK(close.front() == "FedEx");
    ShipRequest r = request();
    r.carrier_code = "Fedx";
    CHECK_THROWS_AS(asc::validated(r), asc::Error);
    r.carrier_code = "other";
    CHECK_THROWS_AS(asc::validated(r), asc::Error); // no name
    r.carrier_name = "Acme";
    CHECK(asc::validated(r).carrier_code == "Other");
}

TEST_CASE("the ship journal states round-trip through their names") {
    for (const auto s : {asc::ShipState::Planned, asc::ShipState::Sending, asc::ShipState::Submitted,
                         asc::ShipState::Confirmed, asc::ShipState::AlreadyShipped, asc::ShipState::Failed,
                         asc::ShipState::Refused}) {
        CHECK(asc::parse_ship_state(asc::to_string(s)) == s);
    }
    CHECK_FALSE(asc::parse_ship_state("shipped"));
    CHECK(asc::parse_items_text("10000000000001:2,10000000000002:1")->size() == 2);
    CHECK_FALSE(asc::parse_items_text("10000000000001:0"));
    CHECK_FALSE(asc::parse_items_text("x"));
}

TEST_CASE("the fulfillment feed follows OrderFulfillment.xsd: CarrierCode or CarrierName, then tracking, items") {
    asc::PackageConfirmation p;
    p.order_id = "111-1111111-1111111";
    p.carrier_code = "Other";
    p.carrier_name = "Acme & Co";
    p.tracking_number = "A1";
    p.ship_date = asc::Timestamp{std::chrono::seconds{1'700'000'000}};
    p.items = {{"10000000000001", 2}};
    const std::vector<std::uint64_t> ids{7};
    const std::string xml = asc::build_fulfillment_feed("SELLER", std::vector{p}, ids);
    CHECK(xml.find("<MessageType>OrderFulfillment</MessageType>") != std::string::npos);
    CHECK(xml.find("<MessageID>7</MessageID>") != std::string::npos);
    CHECK(xml.find("<FulfillmentData><CarrierName>Acme &amp; Co</CarrierName><ShipperTrackingNumber>A1") !=
          std::string::npos);
    CHECK(xml.find("<Item><AmazonOrderItemCode>10000000000001</AmazonOrderItemCode><Quantity>2</Quantity></Item>") !=
          std::string::npos);
    p.carrier_code = "UPS";
    const std::string body = asc::confirm_shipment_body(p);
    CHECK(body.find(R"("carrierCode":"UPS")") != std::string::npos);
    CHECK(body.find(R"("shipDate":"2023-11-14T22:13:20Z")") != std::string::npos);
}
