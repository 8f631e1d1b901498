#pragma once
// Internals of the ship service shared by ship*.cpp. Not part of the public headers.

#include "asc/ship/ship.hpp"

#include <string>
#include <vector>

namespace asc {

// "s<unix seconds>-1a2b3c": a batch id, unique enough across processes and hosts.
std::string ship_batch_id(Timestamp now);
// The includedData of getOrder for the guard and the store: FULFILLMENT, PACKAGES, CANCELLATION,
// PROCEEDS.
const std::vector<Included>& ship_included();
// Whether the order carries a package with this tracking number.
bool has_tracking(const Order& order, const std::string& tracking);
// The result row of a journal row.
ShipRow row_of(const ShipEntry& e, ShipOutcome outcome, std::string message = {});
// What confirmShipment / the feed send for a journal row.
PackageConfirmation confirmation_of(const ShipEntry& e);

} // namespace asc
