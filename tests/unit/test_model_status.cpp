#include "asc/model/model.hpp"
#include "asc/model/status.hpp"

#include <doctest/doctest.h>

using asc::Status;

TEST_SUITE_BEGIN("model::Status");

TEST_CASE("status is accepted in any case and spelling") {
    struct Case {
        const char* text;
        Status expected;
    };
    const Case cases[] = {
        {"unshipped", Status::Unshipped},          {"UNSHIPPED", Status::Unshipped},
        {"Unshipped", Status::Unshipped},          {"partially-shipped", Status::PartiallyShipped},
        {"PARTIALLY_SHIPPED", Status::PartiallyShipped}, {"PartiallyShipped", Status::PartiallyShipped},
        {"partially shipped", Status::PartiallyShipped}, {"Canceled", Status::Canceled},
        {"CANCELLED", Status::Canceled},           {"cancelled", Status::Canceled},
        {"pending", Status::Pending},              {"pending_availability", Status::PendingAvailability},
        {"PendingAvailability", Status::PendingAvailability}, {"shipped", Status::Shipped},
        {"Unfulfillable", Status::Unfulfillable},
    };
    for (const auto& c : cases) {
        CAPTURE(c.text);
        const auto s = asc::parse_status(c.text);
        REQUIRE(s);
        CHECK(*s == c.expected);
    }
    CHECK_FALSE(asc::parse_status("stuck"));
    CHECK_FALSE(asc::parse_status(""));
    CHECK_FALSE(asc::parse_status("InvoiceUnconfirmed"));
}

TEST_CASE("status round-trips through Amazon's v2026 codes and prints as sellers know it") {
    for (Status s : asc::all_statuses()) {
        CAPTURE(asc::to_string(s));
        CHECK(asc::status_from_v2026(asc::to_v2026(s)) == s);
        CHECK(asc::parse_status(asc::to_string(s)) == s);
    }
    CHECK(asc::to_string(Status::Canceled) == "Canceled");
    CHECK(asc::to_v2026(Status::Canceled) == "CANCELLED");
    CHECK(asc::to_string(Status::PartiallyShipped) == "PartiallyShipped");
    CHECK_FALSE(asc::status_from_v2026("unshipped"));  // Amazon's codes are exact
}

TEST_CASE("fulfilled-by accepts merchant/amazon and MFN/AFN") {
    CHECK(asc::parse_fulfilled_by("merchant") == asc::FulfilledBy::Merchant);
    CHECK(asc::parse_fulfilled_by("MFN") == asc::FulfilledBy::Merchant);
    CHECK(asc::parse_fulfilled_by("Amazon") == asc::FulfilledBy::Amazon);
    CHECK(asc::parse_fulfilled_by("afn") == asc::FulfilledBy::Amazon);
    CHECK_FALSE(asc::parse_fulfilled_by("me"));
    CHECK(asc::fulfilled_by_from_v2026("MERCHANT") == asc::FulfilledBy::Merchant);
}

TEST_CASE("an Amazon order id has 3-7-7 digits") {
    CHECK(asc::is_amazon_order_id("112-1234567-1234567"));
    CHECK_FALSE(asc::is_amazon_order_id("112-1234567-123456"));
    CHECK_FALSE(asc::is_amazon_order_id("112_1234567_1234567"));
    CHECK_FALSE(asc::is_amazon_order_id("ABC-1234567-1234567"));
    CHECK_FALSE(asc::is_amazon_order_id(""));
    CHECK_FALSE(asc::is_amazon_order_id("112-1234567-1234567 "));
}

TEST_SUITE_END();
