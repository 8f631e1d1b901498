#include "asc/amazon/cancel_reason.hpp"

#include <doctest/doctest.h>
#include <set>
#include <string>

using asc::CancelReason;

TEST_SUITE_BEGIN("core::cancel_reason");

TEST_CASE("there are Amazon's ten cancel reasons, spelled as the XSD spells them") {
    const char* expected[] = {"NoInventory",
                              "ShippingAddressUndeliverable",
                              "CustomerExchange",
                              "BuyerCanceled",
                              "GeneralAdjustment",
                              "CarrierCreditDecision",
                              "RiskAssessmentInformationNotValid",
                              "CarrierCoverageFailure",
                              "CustomerReturn",
                              "MerchandiseNotReceived"};
    const auto all = asc::all_cancel_reasons();
    REQUIRE(all.size() == 10);
    for (std::size_t i = 0; i < all.size(); ++i) {
        CHECK(asc::to_string(all[i]) == expected[i]);
    }
}

TEST_CASE("every reason has a one-line meaning") {
    std::set<std::string_view> meanings;
    for (const CancelReason r : asc::all_cancel_reasons()) {
        CAPTURE(asc::to_string(r));
        const std::string_view m = asc::describe(r);
        CHECK_FALSE(m.empty());
        CHECK(m.find('\n') == std::string_view::npos);
        meanings.insert(m);
    }
    CHECK(meanings.size() == 10);
    CHECK(std::string(asc::describe(CancelReason::BuyerCanceled)).find("cancellation rate") !=
          std::string::npos);
    CHECK(std::string(asc::describe(CancelReason::NoInventory)).find("out of stock") != std::string::npos);
}

TEST_CASE("reasons parse in any case, with dashes, underscores or spaces") {
    struct Case {
        const char* text;
        CancelReason expected;
    };
    const Case cases[] = {
        {"NoInventory", CancelReason::NoInventory},
        {"noinventory", CancelReason::NoInventory},
        {"no-inventory", CancelReason::NoInventory},
        {"No Inventory", CancelReason::NoInventory},
        {"NO_INVENTORY", CancelReason::NoInventory},
        {"shipping-address-undeliverable", CancelReason::ShippingAddressUndeliverable},
        {"customer exchange", CancelReason::CustomerExchange},
        {"buyer-canceled", CancelReason::BuyerCanceled},
        {"BuyerCancelled", CancelReason::BuyerCanceled},
        {"GENERAL-ADJUSTMENT", CancelReason::GeneralAdjustment},
        {"carrier_credit_decision", CancelReason::CarrierCreditDecision},
        {"risk-assessment-information-not-valid", CancelReason::RiskAssessmentInformationNotValid},
        {"Carrier Coverage Failure", CancelReason::CarrierCoverageFailure},
        {"customerreturn", CancelReason::CustomerReturn},
        {"merchandise-not-received", CancelReason::MerchandiseNotReceived},
    };
    for (const auto& c : cases) {
        CAPTURE(c.text);
        const auto r = asc::parse_cancel_reason(c.text);
        REQUIRE(r);
        CHECK(*r == c.expected);
    }
    for (const CancelReason r : asc::all_cancel_reasons()) {
        CHECK(asc::parse_cancel_reason(asc::to_string(r)) == r);
    }
}

TEST_CASE("other reasons are rejected") {
    for (const char* text : {"", " ", "-", "PricingError", "inventory", "NoInventoryX", "no.inventory", "1",
                             "Canceled", "BuyerCanceledd"}) {
        CAPTURE(text);
        CHECK_FALSE(asc::parse_cancel_reason(text).has_value());
    }
}

TEST_CASE("the reason list names every reason with its meaning, one per line") {
    const std::string list = asc::cancel_reason_list();
    std::size_t lines = 0;
    for (const char c : list) {
        lines += c == '\n' ? 1 : 0;
    }
    CHECK(lines == 10);
    for (const CancelReason r : asc::all_cancel_reasons()) {
        const std::string line_start = "  " + std::string(asc::to_string(r)) + " ";
        CHECK(list.find(line_start) != std::string::npos);
        CHECK(list.find(asc::describe(r)) != std::string::npos);
    }
    // Meanings line up in one column.
    const auto first_meaning = list.find(asc::describe(CancelReason::NoInventory));
    const auto second_line = list.find('\n') + 1;
    CHECK(list.find(asc::describe(CancelReason::ShippingAddressUndeliverable), second_line) - second_line ==
          first_meaning);
}

TEST_CASE("a buyer cancellation request suggests BuyerCanceled") {
    asc::Order order;
    order.order_id = "902-1845936-5435065";
    asc::OrderItem item;
    item.order_item_id = "05015851154158";
    order.items.push_back(item);

    CHECK_FALSE(asc::buyer_cancel_advice(order, CancelReason::NoInventory).has_value());

    order.items[0].buyer_requested_cancel = true;
    order.items[0].buyer_cancel_reason = "Ordered by mistake";
    const auto advice = asc::buyer_cancel_advice(order, CancelReason::NoInventory);
    REQUIRE(advice);
    CHECK(advice->find("BuyerCanceled") != std::string::npos);
    CHECK(advice->find("cancellation rate") != std::string::npos);
    CHECK(advice->find("Ordered by mistake") != std::string::npos);
    CHECK(asc::buyer_cancel_advice(order, std::nullopt).has_value());
    CHECK_FALSE(asc::buyer_cancel_advice(order, CancelReason::BuyerCanceled).has_value());
}

TEST_SUITE_END();
