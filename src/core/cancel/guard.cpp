#include "asc/cancel/guard.hpp"

#include "asc/config/config.hpp"
#include "asc/http/http.hpp"

#include <array>

namespace asc {

namespace {

// Who fulfills the order, as a rule matches it.
enum class Who { Any, Merchant, Amazon, Unknown };
// How many units shipped, as a rule matches it.
enum class Units { Any, None, Some };

struct Rule {
    Action action;
    std::optional<Status> status; // nullopt: any status
    Who who;
    Units shipped;
    Verdict verdict;
    std::string_view reason;
    std::string_view remedy;
    bool seller_central_link; // the remedy sends the seller to Seller Central
};

// First match wins. Every (status, fulfilled-by, shipped) combination is matched by some row;
// tests/unit/test_core_guard.cpp spells out the outcome of each one.
constexpr std::array k_rules{
    Rule{Action::Cancel, Status::Canceled, Who::Any, Units::Any, Verdict::AlreadyDone,
         "the order is already Canceled", "", false},
    Rule{Action::Cancel, Status::Shipped, Who::Any, Units::Any, Verdict::Refused,
         "the order is Shipped: a shipped order cannot be canceled",
         "if the buyer sends it back, refund the return in Seller Central", true},
    Rule{Action::Cancel, Status::Unfulfillable, Who::Any, Units::Any, Verdict::Refused,
         "the order is Unfulfillable: a Multi-Channel Fulfillment order Amazon cannot fulfil",
         "cancel the fulfillment order in Seller Central", true},
    Rule{Action::Cancel, std::nullopt, Who::Amazon, Units::Any, Verdict::Refused,
         "the order is fulfilled by Amazon (AFN): Amazon-fulfilled orders are canceled by Amazon",
         "the buyer can request the cancellation from their account, or ask Amazon Seller Support", false},
    Rule{Action::Cancel, Status::Pending, Who::Any, Units::Any, Verdict::Refused,
         "the order is Pending: Amazon has not authorized its payment yet",
         "Pending orders are canceled in Seller Central", true},
    Rule{Action::Cancel, Status::PendingAvailability, Who::Any, Units::Any, Verdict::Refused,
         "the order is PendingAvailability: a pre-order that is not released yet",
         "PendingAvailability orders are canceled in Seller Central", true},
    Rule{Action::Cancel, Status::PartiallyShipped, Who::Any, Units::Any, Verdict::Refused,
         "the order is PartiallyShipped: some of its items have shipped",
         "cancel the unshipped items in Seller Central", true},
    Rule{Action::Cancel, std::nullopt, Who::Unknown, Units::Any, Verdict::Refused,
         "Amazon did not say who fulfills the order", "check in Seller Central", true},
    Rule{Action::Cancel, Status::Unshipped, Who::Merchant, Units::Some, Verdict::Refused,
         "an item of the order has already shipped, so it is treated as PartiallyShipped",
         "cancel the unshipped items in Seller Central", true},
    Rule{Action::Cancel, Status::Unshipped, Who::Merchant, Units::None, Verdict::Allowed,
         "the order is Unshipped and fulfilled by you", "", false},
};

constexpr std::array k_actions{Action::Cancel};

bool matches(const Rule& rule, Action action, Status status, std::optional<FulfilledBy> fulfilled_by,
             int quantity_shipped) {
    if (rule.action != action || (rule.status && *rule.status != status)) {
        return false;
    }
    switch (rule.who) {
    case Who::Any:
        break;
    case Who::Merchant:
        if (fulfilled_by != FulfilledBy::Merchant) {
            return false;
        }
        break;
    case Who::Amazon:
        if (fulfilled_by != FulfilledBy::Amazon) {
            return false;
        }
        break;
    case Who::Unknown:
        if (fulfilled_by.has_value()) {
            return false;
        }
        break;
    }
    switch (rule.shipped) {
    case Units::Any:
        return true;
    case Units::None:
        return quantity_shipped <= 0;
    case Units::Some:
        return quantity_shipped > 0;
    }
    return false;
}

const Rule* find_rule(Action action, Status status, std::optional<FulfilledBy> fulfilled_by,
                      int quantity_shipped) {
    for (const Rule& rule : k_rules) {
        if (matches(rule, action, status, fulfilled_by, quantity_shipped)) {
            return &rule;
        }
    }
    return nullptr;
}

} // namespace

std::span<const Action> all_actions() {
    return k_actions;
}

std::string_view to_string(Action a) {
    switch (a) {
    case Action::Cancel:
        return "cancel";
    }
    return "unknown";
}

std::string_view to_string(Verdict v) {
    switch (v) {
    case Verdict::Allowed:
        return "allowed";
    case Verdict::AlreadyDone:
        return "already-done";
    case Verdict::Refused:
        return "refused";
    }
    return "unknown";
}

Decision decide(Action action, Status status, std::optional<FulfilledBy> fulfilled_by, int quantity_shipped) {
    const Rule* rule = find_rule(action, status, fulfilled_by, quantity_shipped);
    if (rule == nullptr) {
        // Unreachable while the table covers every combination (the tests check that it does);
        // refusing is the safe answer if it ever stops doing so.
        return {Verdict::Refused,
                "the order's state (" + std::string(to_string(status)) + ") is not known to allow it",
                "check the order in Seller Central"};
    }
    return {rule->verdict, std::string(rule->reason), std::string(rule->remedy)};
}

Decision decide(Action action, const Order& order) {
    const int shipped = order.items_shipped();
    const Rule* rule = find_rule(action, order.status, order.fulfilled_by, shipped);
    Decision decision = decide(action, order.status, order.fulfilled_by, shipped);
    if ((rule == nullptr || rule->seller_central_link) && !order.order_id.empty()) {
        decision.remedy += ": " + seller_central_order_url(order);
    }
    return decision;
}

std::string seller_central_order_url(const Order& order) {
    return "https://" + seller_central_host(order.marketplace_id) + "/orders-v3/order/" +
           url_encode(order.order_id);
}

} // namespace asc
