#pragma once
// The status guard: which action is allowed for an order in which state, and if not, why and what
// to do instead. Pure functions over a table; no I/O. The cancel service checks it against fresh
// state right before anything is sent, and `order show` lists what it allows.
//
// Cancel is allowed only for an Unshipped, merchant-fulfilled order of which no item has shipped
// (the Amazon Sales Channel shows "Cancel Order" for Unshipped orders only).

#include "asc/model/model.hpp"
#include "asc/model/status.hpp"

#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace asc {

enum class Action { Cancel };

enum class Verdict {
    /// The action may be sent to Amazon.
    Allowed,
    /// Nothing to do: the order is already in the state the action leads to (not an error).
    AlreadyDone,
    /// The order's state forbids the action (exit 5); `remedy` says what to do instead.
    Refused,
};

struct Decision {
    Verdict verdict = Verdict::Refused;
    std::string reason; // "the order is Pending: Amazon has not authorized its payment yet"
    std::string remedy; // "cancel it in Seller Central" (with the link when an order was given)
};

std::span<const Action> all_actions();
// "cancel"
std::string_view to_string(Action a);
// "allowed", "already-done", "refused"
std::string_view to_string(Verdict v);

// The table: decides `action` for an order in `status`, fulfilled by `fulfilled_by` (nullopt when
// Amazon did not say), of which `quantity_shipped` units have shipped. Pure.
Decision decide(Action action, Status status, std::optional<FulfilledBy> fulfilled_by, int quantity_shipped);

// The same for an order (quantity shipped: order.items_shipped()). When the remedy sends the seller
// to Seller Central, it ends with the order's Seller Central link.
Decision decide(Action action, const Order& order);

// https://<seller_central_host(marketplace)>/orders-v3/order/<id>
std::string seller_central_order_url(const Order& order);

} // namespace asc
