// The shipment guard (pure), carrier codes and the checks of a request that need no Amazon.

#include "asc/base/errors.hpp"
#include "asc/base/strings.hpp"
#include "asc/ship/ship.hpp"

#include <algorithm>
#include <cctype>
#include <fmt/format.h>
#include <map>

namespace asc {

namespace {

// Lower case without spaces, dashes, underscores, dots and slashes: "Royal Mail" -> "royalmail".
std::string carrier_key(std::string_view text) {
    std::string out;
    for (const char c : text) {
        const auto u = static_cast<unsigned char>(c);
        if (std::isalnum(u) != 0 || c == '!') {
            out += static_cast<char>(std::tolower(u));
        }
    }
    return out;
}

std::size_t edit_distance(std::string_view a, std::string_view b) {
    std::vector<std::size_t> row(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j) {
        row[j] = j;
    }
    for (std::size_t i = 1; i <= a.size(); ++i) {
        std::size_t diagonal = row[0];
        row[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j) {
            const std::size_t up = row[j];
            row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
            diagonal = up;
        }
    }
    return row[b.size()];
}

// `text` for a message: control characters replaced, at most 60 characters.
std::string printable(std::string_view text) {
    std::string out;
    for (const char c : text.substr(0, 60)) {
        out += std::iscntrl(static_cast<unsigned char>(c)) != 0 ? '?' : c;
    }
    return out;
}

ShipDecision refuse(std::string reason, std::string remedy) {
    return {ShipVerdict::Refused, std::move(reason), std::move(remedy), {}};
}

// Refusals that depend on the order's status and fulfillment only.
std::optional<ShipDecision> refuse_by_state(const Order& order) {
    if (order.fulfilled_by == FulfilledBy::Amazon) {
        return refuse("the order is fulfilled by Amazon (AFN): Amazon ships it and confirms it",
                      "nothing to do; only orders you fulfill are confirmed here");
    }
    if (!order.fulfilled_by) {
        return refuse("Amazon did not say who fulfills the order",
                      "check it in Seller Central: " + std::string("https://sellercentral.amazon.com/orders-v3/order/") +
                          order.order_id);
    }
    switch (order.status) {
    case Status::Unshipped:
    case Status::PartiallyShipped:
        return std::nullopt;
    case Status::Shipped:
        return refuse("the order is Shipped: every unit has shipped already",
                      "`asc order show " + order.order_id + " --tab tracking` lists its packages");
    case Status::Canceled:
        return refuse("the order is Canceled", "nothing to ship");
    case Status::Pending:
    case Status::PendingAvailability:
        return refuse(fmt::format("the order is {}: Amazon has not authorized its payment yet", to_string(order.status)),
                      "wait until it is Unshipped, then ship it");
    case Status::Unfulfillable:
        return refuse("the order is Unfulfillable", "nothing to ship");
    }
    return refuse("unknown order status", "");
}

} // namespace

std::optional<std::string_view> parse_carrier_code(std::string_view text) {
    const std::string key = carrier_key(text);
    if (key.empty()) {
        return std::nullopt;
    }
    for (const std::string_view code : amazon_carrier_codes()) {
        if (carrier_key(code) == key) {
            return code;
        }
    }
    return std::nullopt;
}

std::vector<std::string_view> close_carrier_codes(std::string_view text, std::size_t max) {
    const std::string key = carrier_key(text);
    std::vector<std::pair<std::size_t, std::string_view>> scored;
    for (const std::string_view code : amazon_carrier_codes()) {
        const std::string k = carrier_key(code);
        std::size_t d = edit_distance(key, k);
        if (!key.empty() && (k.starts_with(key) || key.starts_with(k))) {
            d = std::min<std::size_t>(d, 1);
        }
        if (d <= std::max<std::size_t>(2, key.size() / 3)) {
            scored.emplace_back(d, code);
        }
    }
    std::stable_sort(scored.begin(), scored.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    std::vector<std::string_view> out;
    for (std::size_t i = 0; i < scored.size() && i < max; ++i) {
        out.push_back(scored[i].second);
    }
    return out;
}

ShipRequest validated(ShipRequest r) {
    const std::string where = r.line > 0 ? fmt::format("line {}: ", r.line) : std::string();
    if (!is_amazon_order_id(r.order_id)) {
        throw Error(ErrorKind::Usage, fmt::format("{}'{}' is not an Amazon order id", where, printable(r.order_id)),
                    "an Amazon order id has 3-7-7 digits, e.g. 112-1234567-1234567");
    }
    const auto code = parse_carrier_code(r.carrier_code);
    if (!code) {
        const auto close = close_carrier_codes(r.carrier_code);
        throw Error(ErrorKind::Usage,
                    fmt::format("{}'{}' is not one of Amazon's carrier codes{}", where, printable(r.carrier_code),
                                close.empty() ? std::string() : fmt::format(" (did you mean {}?)", fmt::join(close, ", "))),
                    "use Amazon's code (`asc help carriers` lists them), or --carrier Other --carrier-name NAME");
    }
    r.carrier_code = std::string(*code);
    if (r.carrier_code == "Other" && r.carrier_name.empty()) {
        throw Error(ErrorKind::Usage, where + "carrier Other needs the carrier's name",
                    "add --carrier-name NAME (a `carrier_name` column with --from)");
    }
    if (r.carrier_code != "Other") {
        r.carrier_name.clear();
    }
    if (r.tracking_number.empty() || r.tracking_number.size() > 100 ||
        std::any_of(r.tracking_number.begin(), r.tracking_number.end(),
                    [](char c) { return std::iscntrl(static_cast<unsigned char>(c)) != 0 || c == ','; })) {
        throw Error(ErrorKind::Usage, where + "a tracking number is required (up to 100 characters, no control characters)",
                    "pass --tracking NUMBER");
    }
    for (const ShipItem& item : r.items) {
        if (item.order_item_id.empty() || item.quantity < 0 ||
            !std::all_of(item.order_item_id.begin(), item.order_item_id.end(), [](char c) { return c >= '0' && c <= '9'; })) {
            throw Error(ErrorKind::Usage, fmt::format("{}'{}' is not an order item id with a quantity", where,
                                                      printable(item.order_item_id)),
                        "give ITEM_ID or ITEM_ID:QTY (the 14-digit order item id, `asc order show ID --tab items`)");
        }
    }
    return r;
}

std::string_view to_string(ShipVerdict verdict) {
    switch (verdict) {
    case ShipVerdict::Allowed:
        return "allowed";
    case ShipVerdict::AlreadyShipped:
        return "already_shipped";
    case ShipVerdict::Refused:
        return "refused";
    }
    return "refused";
}

ShipDecision decide_ship(const Order& order, const ShipRequest& request, bool ignore_cancel_request) {
    for (const Package& p : order.packages) {
        if (!p.tracking_number.empty() && p.tracking_number == request.tracking_number) {
            return {ShipVerdict::AlreadyShipped,
                    fmt::format("the order already has package {} with tracking number {}", p.reference_id,
                                p.tracking_number),
                    "", {}};
        }
    }
    if (auto refused = refuse_by_state(order)) {
        return *refused;
    }
    // The units asked for, per item (a repeated item adds up; 0 = every unshipped unit).
    std::map<std::string, int> wanted;
    std::vector<std::string> order_of_items;
    if (request.items.empty()) {
        for (const OrderItem& item : order.items) {
            if (item.quantity_unshipped > 0) {
                wanted[item.order_item_id] = item.quantity_unshipped;
                order_of_items.push_back(item.order_item_id);
            }
        }
    }
    for (const ShipItem& asked : request.items) {
        const auto it = std::find_if(order.items.begin(), order.items.end(),
                                     [&](const OrderItem& i) { return i.order_item_id == asked.order_item_id; });
        if (it == order.items.end()) {
            return refuse(fmt::format("{} is not an item of the order", asked.order_item_id),
                          "`asc order show " + order.order_id + " --tab items` lists its items");
        }
        if (!wanted.contains(asked.order_item_id)) {
            order_of_items.push_back(asked.order_item_id);
        }
        wanted[asked.order_item_id] += asked.quantity == 0 ? it->quantity_unshipped : asked.quantity;
    }
    ShipDecision allowed{ShipVerdict::Allowed, "", "", {}};
    for (const std::string& id : order_of_items) {
        const OrderItem& item = *std::find_if(order.items.begin(), order.items.end(),
                                              [&](const OrderItem& i) { return i.order_item_id == id; });
        const int q = wanted[id];
        if (q > item.quantity_unshipped || q == 0) {
            return refuse(fmt::format("item {} has {} unshipped (asked to ship {})", id,
                                      count_noun(item.quantity_unshipped, "unit"), q),
                          "ship at most the unshipped units; `asc order show " + order.order_id + " --tab items` shows them");
        }
        if (item.buyer_requested_cancel && !ignore_cancel_request) {
            return refuse(fmt::format("the buyer asked to cancel item {}{}", id,
                                      item.buyer_cancel_reason.empty() ? "" : " (" + item.buyer_cancel_reason + ")"),
                          "cancel it instead: `asc order cancel " + order.order_id +
                              " --reason BuyerCanceled`; or ship anyway with --ignore-cancel-request");
        }
        allowed.items.push_back({id, q});
    }
    if (allowed.items.empty()) {
        return refuse("no unit of the order is left to ship", "nothing to ship");
    }
    return allowed;
}

Order shipped_copy(Order order, const std::vector<ShipItem>& items) {
    for (const ShipItem& s : items) {
        for (OrderItem& item : order.items) {
            if (item.order_item_id == s.order_item_id) {
                const int q = std::min(s.quantity, item.quantity_unshipped);
                item.quantity_shipped += q;
                item.quantity_unshipped -= q;
            }
        }
    }
    const bool open = std::any_of(order.items.begin(), order.items.end(),
                                  [](const OrderItem& i) { return i.quantity_unshipped > 0; });
    order.status = open ? Status::PartiallyShipped : Status::Shipped;
    return order;
}

} // namespace asc
