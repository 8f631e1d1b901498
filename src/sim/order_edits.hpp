#pragma once
// Changes to an order's full JSON (the v2026 Order shape), used by the control endpoints,
// confirmShipment and the cancellation feed. They keep item quantities, packages and the
// fulfillment status consistent; the store bumps lastUpdatedTime.

#include "generator.hpp"
#include "order_status.hpp"

#include <string>
#include <vector>

namespace sim {

struct ItemState {
    std::string id;
    int ordered = 0;
    int fulfilled = 0;
    int unfulfilled = 0;
    bool cancelled = false; // has a cancellationExecution
};

std::vector<ItemState> item_states(const Json& order);
FStatus order_status(const Json& order);
bool fulfilled_by_amazon(const Json& order);
std::string marketplace_of(const Json& order);

struct ShippedUnit {
    std::string item_id;
    int quantity = 0;
};

struct NewPackage {
    std::string reference_id; // empty: the next free number
    std::string carrier;      // empty: a carrier of the order's marketplace
    std::string service;
    std::string tracking; // empty: generated
    Millis ship_time = 0;
    std::vector<ShippedUnit> units;
};

// Records a package with `units` shipped (merchant orders get a packages entry), moves the
// quantities from unfulfilled to fulfilled and sets SHIPPED or PARTIALLY_SHIPPED.
void ship_units(Json& order, NewPackage package);
// Ships every unshipped unit of every item that is not cancelled.
void ship_all(Json& order, Millis now);
// Cancels the given items (all items if `item_ids` is empty) with cancellationExecution
// {cancelledBy, cancelReason}; the order becomes CANCELLED when every item is cancelled.
void cancel_items(Json& order, const std::vector<std::string>& item_ids, const std::string& by,
                  const std::vector<std::string>& reasons);
// Forces a status (a test hook): CANCELLED cancels all items, SHIPPED ships all,
// PARTIALLY_SHIPPED ships one unit, the others reset every item to unfulfilled.
void force_status(Json& order, FStatus to, Millis now, const std::string& by, const std::string& reason);

} // namespace sim
