#pragma once
// The Magento step of `order ship`: the linked Magento order of each package Amazon confirmed gets
// its shipment with the tracking number (POST /V1/order/{id}/ship with items and tracks), which is
// how Magento itself reaches `complete` once everything is invoiced and shipped. Exactly once: the
// journal row owes the step (commerce_state pending) in the same transaction as the confirmation,
// becomes `sending` right before the shipment request goes out, and a `sending` row is settled
// from the Magento order's shipments (the track number) before anything is sent again.

#include "asc/ship/ship.hpp"
#include "commerce_link.hpp"
#include "context.hpp"

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace asc::cli {

struct ShipCommerce {
    std::unique_ptr<CommerceLink> link; // nullptr: no commerce link, or --no-commerce
    std::optional<ShipCommerceState> on_confirm; // for ShipOptions::commerce_on_confirm
};

// The profile's commerce link for a ship run; Error(Config) when configured but incomplete, before
// anything is sent to Amazon.
ShipCommerce ship_commerce(Context& ctx, bool no_commerce);

struct ShipCommerceOutcome {
    std::string summary;        // "3 Magento shipments created, 1 without a linked order"
    std::optional<Error> error; // Auth, Partial (a shipment failed), Temporary (an answer was lost)
};

// Runs the step for every confirmed journal row whose step is pending or sending (this run's and
// earlier runs'); adds what happened to the matching rows' messages.
ShipCommerceOutcome run_ship_commerce(Context& ctx, ShipCommerce& commerce, std::vector<ShipRow>& rows);

} // namespace asc::cli
