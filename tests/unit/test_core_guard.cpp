#include "asc/cancel/guard.hpp"
#include "asc/config/config.hpp"

#include <doctest/doctest.h>
#include <optional>
#include <string>

using asc::Action;
using asc::Decision;
using asc::FulfilledBy;
using asc::Status;
using asc::Verdict;

namespace {

constexpr auto MFN = std::optional<FulfilledBy>(FulfilledBy::Merchant);
constexpr auto AFN = std::optional<FulfilledBy>(FulfilledBy::Amazon);
constexpr auto UNKNOWN = std::optional<FulfilledBy>();

constexpr auto ALLOWED = Verdict::Allowed;
constexpr auto DONE = Verdict::AlreadyDone;
constexpr auto REFUSED = Verdict::Refused;

struct Row {
    Status status = Status::Pending;
    std::optional<FulfilledBy> fulfilled_by;
    int shipped = 0;
    Verdict verdict = Verdict::Refused;
    const char* reason_mentions = ""; // a phrase the reason must contain
};

// Every Status x fulfilled-by x shipped quantity, and what the guard says to a cancel.
// clang-format off
const Row k_cancel_table[] = {
    // status                      fulfilled by, shipped, verdict, reason mentions
    {Status::PendingAvailability,  MFN,     0, REFUSED, "PendingAvailability"},
    {Status::PendingAvailability,  MFN,     1, REFUSED, "PendingAvailability"},
    {Status::PendingAvailability,  AFN,     0, REFUSED, "fulfilled by Amazon"},
    {Status::PendingAvailability,  AFN,     1, REFUSED, "fulfilled by Amazon"},
    {Status::PendingAvailability,  UNKNOWN, 0, REFUSED, "PendingAvailability"},
    {Status::PendingAvailability,  UNKNOWN, 1, REFUSED, "PendingAvailability"},

    {Status::Pending,              MFN,     0, REFUSED, "Pending"},
    {Status::Pending,              MFN,     1, REFUSED, "Pending"},
    {Status::Pending,              AFN,     0, REFUSED, "fulfilled by Amazon"},
    {Status::Pending,              AFN,     1, REFUSED, "fulfilled by Amazon"},
    {Status::Pending,              UNKNOWN, 0, REFUSED, "Pending"},
    {Status::Pending,              UNKNOWN, 1, REFUSED, "Pending"},

    {Status::Unshipped,            MFN,     0, ALLOWED, "Unshipped"},
    {Status::Unshipped,            MFN,     1, REFUSED, "already shipped"},
    {Status::Unshipped,            AFN,     0, REFUSED, "fulfilled by Amazon"},
    {Status::Unshipped,            AFN,     1, REFUSED, "fulfilled by Amazon"},
    {Status::Unshipped,            UNKNOWN, 0, REFUSED, "did not say who fulfills"},
    {Status::Unshipped,            UNKNOWN, 1, REFUSED, "did not say who fulfills"},

    {Status::PartiallyShipped,     MFN,     0, REFUSED, "PartiallyShipped"},
    {Status::PartiallyShipped,     MFN,     1, REFUSED, "PartiallyShipped"},
    {Status::PartiallyShipped,     AFN,     0, REFUSED, "fulfilled by Amazon"},
    {Status::PartiallyShipped,     AFN,     1, REFUSED, "fulfilled by Amazon"},
    {Status::PartiallyShipped,     UNKNOWN, 0, REFUSED, "PartiallyShipped"},
    {Status::PartiallyShipped,     UNKNOWN, 1, REFUSED, "PartiallyShipped"},

    {Status::Shipped,              MFN,     0, REFUSED, "Shipped"},
    {Status::Shipped,              MFN,     1, REFUSED, "Shipped"},
    {Status::Shipped,              AFN,     0, REFUSED, "Shipped"},
    {Status::Shipped,              AFN,     1, REFUSED, "Shipped"},
    {Status::Shipped,              UNKNOWN, 0, REFUSED, "Shipped"},
    {Status::Shipped,              UNKNOWN, 1, REFUSED, "Shipped"},

    {Status::Canceled,             MFN,     0, DONE,    "already Canceled"},
    {Status::Canceled,             MFN,     1, DONE,    "already Canceled"},
    {Status::Canceled,             AFN,     0, DONE,    "already Canceled"},
    {Status::Canceled,             AFN,     1, DONE,    "already Canceled"},
    {Status::Canceled,             UNKNOWN, 0, DONE,    "already Canceled"},
    {Status::Canceled,             UNKNOWN, 1, DONE,    "already Canceled"},

    {Status::Unfulfillable,        MFN,     0, REFUSED, "Unfulfillable"},
    {Status::Unfulfillable,        MFN,     1, REFUSED, "Unfulfillable"},
    {Status::Unfulfillable,        AFN,     0, REFUSED, "Unfulfillable"},
    {Status::Unfulfillable,        AFN,     1, REFUSED, "Unfulfillable"},
    {Status::Unfulfillable,        UNKNOWN, 0, REFUSED, "Unfulfillable"},
    {Status::Unfulfillable,        UNKNOWN, 1, REFUSED, "Unfulfillable"},
};
// clang-format on

std::string who(std::optional<FulfilledBy> f) {
    return f ? std::string(asc::to_string(*f)) : "unknown";
}

bool contains(const std::string& text, std::string_view part) {
    return text.find(part) != std::string::npos;
}

asc::Order order_in(Status status, std::optional<FulfilledBy> fulfilled_by, int shipped) {
    asc::Order order;
    order.order_id = "902-1845936-5435065";
    order.marketplace_id = "ATVPDKIKX0DER";
    order.status = status;
    order.fulfilled_by = fulfilled_by;
    asc::OrderItem item;
    item.order_item_id = "05015851154158";
    item.quantity_ordered = 2;
    item.quantity_shipped = shipped;
    item.quantity_unshipped = 2 - shipped;
    order.items.push_back(item);
    return order;
}

} // namespace

TEST_SUITE_BEGIN("core::guard");

TEST_CASE("the cancel table covers every status, fulfilment and shipped quantity") {
    for (const Status status : asc::all_statuses()) {
        for (const auto fulfilled_by : {MFN, AFN, UNKNOWN}) {
            for (const int shipped : {0, 1}) {
                int rows = 0;
                for (const Row& row : k_cancel_table) {
                    rows +=
                        (row.status == status && row.fulfilled_by == fulfilled_by && row.shipped == shipped)
                            ? 1
                            : 0;
                }
                CAPTURE(asc::to_string(status));
                CAPTURE(who(fulfilled_by));
                CAPTURE(shipped);
                CHECK(rows == 1);
            }
        }
    }
}

TEST_CASE("cancel decisions follow the table") {
    for (const Row& row : k_cancel_table) {
        CAPTURE(asc::to_string(row.status));
        CAPTURE(who(row.fulfilled_by));
        CAPTURE(row.shipped);
        const Decision d = asc::decide(Action::Cancel, row.status, row.fulfilled_by, row.shipped);
        CAPTURE(d.reason);
        CHECK(d.verdict == row.verdict);
        CHECK(contains(d.reason, row.reason_mentions));
        if (d.verdict == Verdict::Refused) {
            CHECK_FALSE(d.remedy.empty());
        } else {
            CHECK(d.remedy.empty());
        }
        // The Order overload agrees with the pure table.
        CHECK(asc::decide(Action::Cancel, order_in(row.status, row.fulfilled_by, row.shipped)).verdict ==
              row.verdict);
    }
}

TEST_CASE("cancel is allowed only for an Unshipped merchant-fulfilled order with nothing shipped") {
    int allowed = 0;
    for (const Row& row : k_cancel_table) {
        if (asc::decide(Action::Cancel, row.status, row.fulfilled_by, row.shipped).verdict ==
            Verdict::Allowed) {
            ++allowed;
            CHECK(row.status == Status::Unshipped);
            CHECK(row.fulfilled_by == MFN);
            CHECK(row.shipped == 0);
        }
    }
    CHECK(allowed == 1);
}

TEST_CASE("cancel refuses a PartiallyShipped order and links to it in Seller Central") {
    const auto order = order_in(Status::PartiallyShipped, MFN, 1);
    const Decision d = asc::decide(Action::Cancel, order);
    CHECK(d.verdict == Verdict::Refused);
    CHECK(contains(d.remedy, "Seller Central"));
    CHECK(contains(d.remedy, "https://sellercentral.amazon.com/orders-v3/order/902-1845936-5435065"));
}

TEST_CASE("Pending and PendingAvailability orders are canceled in Seller Central, with the link") {
    for (const Status status : {Status::Pending, Status::PendingAvailability, Status::PartiallyShipped}) {
        for (const auto fulfilled_by : {MFN, UNKNOWN}) {
            CAPTURE(asc::to_string(status));
            auto order = order_in(status, fulfilled_by, 0);
            order.marketplace_id = "A1PA6795UKMFR9"; // DE
            const Decision d = asc::decide(Action::Cancel, order);
            CHECK(d.verdict == Verdict::Refused);
            CHECK(contains(d.reason, asc::to_string(status)));
            CHECK(contains(d.remedy, "Seller Central"));
            CHECK(contains(d.remedy, asc::seller_central_order_url(order)));
            CHECK(contains(d.remedy,
                           "https://" + asc::seller_central_host("A1PA6795UKMFR9") + "/orders-v3/order/"));
        }
    }
}

TEST_CASE("an Unshipped order with a shipped item is treated as partially shipped") {
    const Decision d = asc::decide(Action::Cancel, order_in(Status::Unshipped, MFN, 1));
    CHECK(d.verdict == Verdict::Refused);
    CHECK(contains(d.reason, "PartiallyShipped"));
    CHECK(contains(d.remedy, "Seller Central"));
}

TEST_CASE("Amazon-fulfilled orders are canceled by Amazon") {
    const Decision d = asc::decide(Action::Cancel, order_in(Status::Unshipped, AFN, 0));
    CHECK(d.verdict == Verdict::Refused);
    CHECK(contains(d.reason, "canceled by Amazon"));
    CHECK_FALSE(contains(d.remedy, "https://"));
}

TEST_CASE("a Shipped order cannot be canceled") {
    const Decision d = asc::decide(Action::Cancel, Status::Shipped, MFN, 2);
    CHECK(d.verdict == Verdict::Refused);
    CHECK(contains(d.reason, "cannot be canceled"));
}

TEST_CASE("an already Canceled order is not an error") {
    const Decision d = asc::decide(Action::Cancel, order_in(Status::Canceled, MFN, 0));
    CHECK(d.verdict == Verdict::AlreadyDone);
    CHECK(d.remedy.empty());
}

TEST_CASE("unknown fulfilment is refused with a pointer to Seller Central") {
    const Decision d = asc::decide(Action::Cancel, Status::Unshipped, UNKNOWN, 0);
    CHECK(d.verdict == Verdict::Refused);
    CHECK(contains(d.reason, "Amazon did not say who fulfills"));
    CHECK(contains(d.remedy, "Seller Central"));
}

TEST_CASE("the Order overload counts shipped units over every item") {
    auto order = order_in(Status::Unshipped, MFN, 0);
    asc::OrderItem second;
    second.order_item_id = "05015851154159";
    second.quantity_ordered = 1;
    second.quantity_shipped = 1;
    order.items.push_back(second);
    CHECK(asc::decide(Action::Cancel, order).verdict == Verdict::Refused);
    order.items.back().quantity_shipped = 0;
    const Decision d = asc::decide(Action::Cancel, order);
    CHECK(d.verdict == Verdict::Allowed);
    CHECK(d.remedy.empty());
}

TEST_CASE("Seller Central order links use the marketplace's host") {
    auto order = order_in(Status::Unshipped, MFN, 0);
    CHECK(asc::seller_central_order_url(order) ==
          "https://sellercentral.amazon.com/orders-v3/order/902-1845936-5435065");
    order.marketplace_id = "A1F83G8C2ARO7P"; // UK
    CHECK(asc::seller_central_order_url(order) ==
          "https://" + asc::seller_central_host("A1F83G8C2ARO7P") + "/orders-v3/order/902-1845936-5435065");
}

TEST_CASE("actions and verdicts have names") {
    CHECK(asc::all_actions().size() == 1);
    CHECK(asc::to_string(Action::Cancel) == "cancel");
    CHECK(asc::to_string(Verdict::Allowed) == "allowed");
    CHECK(asc::to_string(Verdict::AlreadyDone) == "already-done");
    CHECK(asc::to_string(Verdict::Refused) == "refused");
}

TEST_SUITE_END();
