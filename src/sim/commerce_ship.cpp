// The Magento shipment of a linked order: POST /V1/order/{id}/ship (ShipOrderInterface) and
// GET /V1/shipments?searchCriteria (ShipmentRepositoryInterface::getList), with the rules Magento
// applies (each cites the Magento 2.4 file it mirrors).

#include "commerce.hpp"

#include <algorithm>
#include <fmt/format.h>

namespace sim {

namespace {

bool above(double a, double b) {
    return a - b > 0.00005; // decimal(12,4), as Magento keeps quantities
}

std::string now_text() {
    std::string t = iso8601(now_millis()).substr(0, 19);
    t[10] = ' ';
    return t;
}

} // namespace

std::variant<std::int64_t, MagentoError> Commerce::ship(std::int64_t entity_id, const std::vector<ShipLine>& lines,
                                                        const Json& tracks, bool notify) {
    std::lock_guard lock(mutex_);
    ensure_links();
    const auto index = index_of_entity(entity_id);
    if (!index) {
        return MagentoError{404, "The entity that was requested doesn't exist. Verify the entity and try again.",
                            Json()};
    }
    Order& o = changed(*index);
    // Validation\CanShip (app/code/Magento/Sales/Model/Order/Validation/CanShip.php): no shipment in
    // payment review, on hold or canceled; otherwise Order::canShip() must hold (something left to
    // ship, not closed or complete-and-shipped).
    if (o.state == "payment_review" || o.state == "holded" || o.state == "canceled") {
        return MagentoError{400, "A shipment cannot be created when an order has a status of %1",
                            Json::array({o.status})};
    }
    auto left = [](const Item& i) { return i.ordered - i.shipped - i.refunded - i.canceled; };
    const bool can_ship = o.state != "closed" && std::any_of(o.items.begin(), o.items.end(),
                                                             [&](const Item& i) { return above(left(i), 0); });
    if (!can_ship) {
        return MagentoError{400, "The order does not allow a shipment to be created.", Json()};
    }
    std::vector<std::pair<Item*, double>> plan;
    if (lines.empty()) { // ShipmentDocumentFactory without items: every shippable quantity
        for (Item& i : o.items) {
            if (above(left(i), 0)) {
                plan.emplace_back(&i, left(i));
            }
        }
    }
    for (const ShipLine& l : lines) {
        const auto it = std::find_if(o.items.begin(), o.items.end(), [&](const Item& i) { return i.item_id == l.order_item_id; });
        // Shipment\Validation\QuantityValidator
        // (app/code/Magento/Sales/Model/Order/Shipment/Validation/QuantityValidator.php); the wording
        // of these two answers was not verified against the source.
        if (it == o.items.end()) {
            return MagentoError{400, "The shipment contains product item that is not part of the original order.", Json()};
        }
        if (above(l.qty, left(*it)) || l.qty < 0) {
            return MagentoError{400, "The quantity to ship must not be greater than the unshipped quantity.", Json()};
        }
        plan.emplace_back(&*it, l.qty);
    }
    if (std::none_of(plan.begin(), plan.end(), [](const auto& p) { return above(p.second, 0); })) {
        return MagentoError{400, "You can't create a shipment without products.", Json()};
    }
    Json items = Json::array();
    for (const auto& [item, qty] : plan) {
        item->shipped += qty;
        items.push_back({{"order_item_id", item->item_id}, {"qty", qty}});
    }
    const std::int64_t id = next_shipment_id_++;
    Json shipment_tracks = Json::array();
    for (const auto& t : tracks) {
        Json track = t;
        track["order_id"] = entity_id;
        track["parent_id"] = id;
        shipment_tracks.push_back(std::move(track));
    }
    o.shipments.push_back({{"entity_id", id},
                           {"order_id", entity_id},
                           {"increment_id", fmt::format("{:09}", id)},
                           {"email_sent", notify ? 1 : 0},
                           {"created_at", now_text()},
                           {"items", std::move(items)},
                           {"tracks", std::move(shipment_tracks)}});
    // Order\Handler\State::check (app/code/Magento/Sales/Model/ResourceModel/Order/Handler/State.php):
    // an order with nothing left to invoice or ship becomes complete; ShipOrder marks the order in
    // process, so a new order becomes processing.
    const bool all_invoiced =
        std::none_of(o.items.begin(), o.items.end(), [](const Item& i) { return above(i.ordered - i.invoiced - i.canceled, 0); });
    const bool all_shipped = std::none_of(o.items.begin(), o.items.end(), [&](const Item& i) { return above(left(i), 0); });
    if (all_invoiced && all_shipped) {
        o.state = "complete";
        o.status = "complete";
    } else if (o.state == "new") {
        o.state = "processing";
        o.status = "processing";
    }
    o.updated_at = now_text();
    return id;
}

Json Commerce::shipments_of(std::int64_t entity_id) {
    std::lock_guard lock(mutex_);
    ensure_links();
    const auto index = index_of_entity(entity_id);
    if (!index) {
        return Json::array();
    }
    const auto c = changed_.find(*index);
    return c != changed_.end() ? c->second.shipments : Json::array();
}

} // namespace sim
