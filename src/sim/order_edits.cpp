#include "order_edits.hpp"

#include "catalog.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <random>

namespace sim {

namespace {

int int_at(const Json& j, const char* key, int fallback) {
    const auto it = j.find(key);
    return it != j.end() && it->is_number_integer() ? it->get<int>() : fallback;
}

Json& ensure_object(Json& parent, const char* key) {
    auto& j = parent[key];
    if (!j.is_object()) {
        j = Json::object();
    }
    return j;
}

void set_status(Json& order, FStatus s) {
    ensure_object(order, "fulfillment")["fulfillmentStatus"] = status_code(s);
}

// SHIPPED when nothing is left to ship, PARTIALLY_SHIPPED when something shipped, else unchanged.
void settle_status(Json& order) {
    int fulfilled = 0;
    int open = 0;
    for (const auto& s : item_states(order)) {
        fulfilled += s.fulfilled;
        open += s.cancelled ? 0 : s.unfulfilled;
    }
    if (fulfilled > 0) {
        set_status(order, open == 0 ? FStatus::Shipped : FStatus::PartiallyShipped);
    }
}

} // namespace

std::vector<ItemState> item_states(const Json& order) {
    std::vector<ItemState> out;
    const auto items = order.find("orderItems");
    if (items == order.end() || !items->is_array()) {
        return out;
    }
    for (const auto& item : *items) {
        ItemState s;
        if (const auto id = item.find("orderItemId"); id != item.end() && id->is_string()) {
            s.id = id->get<std::string>();
        }
        s.ordered = int_at(item, "quantityOrdered", 0);
        const auto f = item.find("fulfillment");
        const bool has_f = f != item.end() && f->is_object();
        s.fulfilled = has_f ? int_at(*f, "quantityFulfilled", 0) : 0;
        s.unfulfilled = has_f ? int_at(*f, "quantityUnfulfilled", s.ordered - s.fulfilled) : s.ordered;
        if (const auto c = item.find("cancellation"); c != item.end() && c->is_object()) {
            s.cancelled = c->contains("cancellationExecution");
        }
        out.push_back(s);
    }
    return out;
}

FStatus order_status(const Json& order) {
    if (!order.contains("fulfillment")) {
        return FStatus::Pending;
    }
    const Json& f = order["fulfillment"];
    if (!f.is_object() || !f.contains("fulfillmentStatus") || !f["fulfillmentStatus"].is_string()) {
        return FStatus::Pending;
    }
    return parse_status_code(f["fulfillmentStatus"].get<std::string>()).value_or(FStatus::Pending);
}

bool fulfilled_by_amazon(const Json& order) {
    const auto f = order.find("fulfillment");
    return f != order.end() && f->is_object() && f->value("fulfilledBy", std::string{}) == "AMAZON";
}

std::string marketplace_of(const Json& order) {
    const auto c = order.find("salesChannel");
    return c != order.end() && c->is_object() ? c->value("marketplaceId", std::string{}) : std::string{};
}

void ship_units(Json& order, NewPackage package) {
    auto& items = order["orderItems"];
    Json package_items = Json::array();
    for (const auto& unit : package.units) {
        for (auto& item : items) {
            if (item.value("orderItemId", std::string{}) != unit.item_id) {
                continue;
            }
            const int ordered = int_at(item, "quantityOrdered", 0);
            auto& f = ensure_object(item, "fulfillment");
            const int fulfilled = int_at(f, "quantityFulfilled", 0);
            const int unfulfilled = int_at(f, "quantityUnfulfilled", ordered - fulfilled);
            const int q = std::min(unit.quantity, unfulfilled);
            f["quantityFulfilled"] = fulfilled + q;
            f["quantityUnfulfilled"] = unfulfilled - q;
            if (q > 0) {
                package_items.push_back({{"orderItemId", unit.item_id}, {"quantity", q}});
            }
        }
    }
    if (package_items.empty()) {
        return;
    }
    if (!fulfilled_by_amazon(order)) {
        auto& packages = order["packages"];
        if (!packages.is_array()) {
            packages = Json::array();
        }
        std::mt19937_64 rng{mix64(fnv1a(order.value("orderId", std::string{})) + packages.size())};
        if (package.reference_id.empty()) {
            long long next = 1;
            for (const auto& p : packages) {
                const auto ref = p.value("packageReferenceId", std::string{});
                if (!ref.empty() && ref.size() < 18 &&
                    std::all_of(ref.begin(), ref.end(), [](char c) { return c >= '0' && c <= '9'; })) {
                    next = std::max(next, std::stoll(ref) + 1);
                }
            }
            package.reference_id = std::to_string(next);
        }
        if (package.carrier.empty()) {
            const Carrier* carrier = nullptr;
            const auto mp_id = marketplace_of(order);
            for (const auto& mp : marketplaces()) {
                if (mp.id == mp_id) {
                    carrier = &mp.carriers[static_cast<std::size_t>(
                        uniform(rng, 0, static_cast<std::int64_t>(mp.carriers.size()) - 1))];
                }
            }
            if (carrier == nullptr) {
                carrier = &marketplaces()[0].carriers[0];
            }
            package.carrier = carrier->name;
            package.service = carrier->service;
        }
        if (package.tracking.empty()) {
            package.tracking = fmt::format("SIM{:016}", rng() % 10'000'000'000'000'000ull);
        }
        Json p{{"packageReferenceId", package.reference_id},
               {"createdTime", iso8601(package.ship_time)},
               {"packageStatus", {{"status", "SHIPPED"}}},
               {"carrier", package.carrier}};
        p["shipTime"] = iso8601(package.ship_time);
        if (!package.service.empty()) {
            p["shippingService"] = package.service;
        }
        p["trackingNumber"] = package.tracking;
        p["packageItems"] = package_items;
        packages.push_back(std::move(p));
    }
    settle_status(order);
}

void ship_all(Json& order, Millis now) {
    NewPackage package;
    package.ship_time = now;
    for (const auto& s : item_states(order)) {
        if (!s.cancelled && s.unfulfilled > 0) {
            package.units.push_back({s.id, s.unfulfilled});
        }
    }
    ship_units(order, std::move(package));
    if (item_states(order).empty() || order_status(order) != FStatus::Shipped) {
        set_status(order, FStatus::Shipped);
    }
}

void cancel_items(Json& order, const std::vector<std::string>& item_ids, const std::string& by,
                  const std::vector<std::string>& reasons) {
    auto& items = order["orderItems"];
    if (!items.is_array()) {
        items = Json::array();
    }
    for (auto& item : items) {
        const auto id = item.value("orderItemId", std::string{});
        const auto pos = std::find(item_ids.begin(), item_ids.end(), id);
        if (!item_ids.empty() && pos == item_ids.end()) {
            continue;
        }
        const auto r = item_ids.empty() ? 0 : static_cast<std::size_t>(pos - item_ids.begin());
        const std::string reason = r < reasons.size() ? reasons[r] : (reasons.empty() ? "" : reasons.front());
        ensure_object(item, "cancellation")["cancellationExecution"] = {{"cancelledBy", by},
                                                                        {"cancelReason", reason}};
        auto& f = ensure_object(item, "fulfillment");
        f["quantityFulfilled"] = int_at(f, "quantityFulfilled", 0);
        f["quantityUnfulfilled"] = 0;
    }
    const auto states = item_states(order);
    if (std::all_of(states.begin(), states.end(), [](const ItemState& s) { return s.cancelled; })) {
        set_status(order, FStatus::Cancelled);
    }
}

void force_status(Json& order, FStatus to, Millis now, const std::string& by, const std::string& reason) {
    switch (to) {
    case FStatus::Cancelled:
        cancel_items(order, {}, by, {reason});
        set_status(order, to);
        return;
    case FStatus::Shipped:
        ship_all(order, now);
        return;
    case FStatus::PartiallyShipped: {
        const auto states = item_states(order);
        const auto it = std::find_if(states.begin(), states.end(),
                                     [](const ItemState& s) { return !s.cancelled && s.unfulfilled > 0; });
        if (it != states.end()) {
            NewPackage package;
            package.ship_time = now;
            package.units.push_back({it->id, 1});
            ship_units(order, std::move(package));
        }
        set_status(order, to);
        return;
    }
    default:
        for (auto& item : order["orderItems"]) {
            const int ordered = int_at(item, "quantityOrdered", 0);
            ensure_object(item, "fulfillment") = {{"quantityFulfilled", 0}, {"quantityUnfulfilled", ordered}};
            if (auto c = item.find("cancellation"); c != item.end() && c->is_object()) {
                c->erase("cancellationExecution");
            }
        }
        order["packages"] = Json::array();
        set_status(order, to);
        return;
    }
}

} // namespace sim
