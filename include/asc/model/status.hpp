#pragma once
// Order status as sellers know it from Seller Central and the Amazon Sales Channel screens.

#include <optional>
#include <span>
#include <string_view>

namespace asc {

enum class Status {
    /// Pre-order placed; payment not yet authorized; release date in the future.
    PendingAvailability,
    /// Placed but not ready for shipment (payment not yet authorized).
    Pending,
    /// Payment authorized; ready for shipment; no item shipped yet.
    Unshipped,
    /// At least one item shipped, at least one not.
    PartiallyShipped,
    /// Every item shipped.
    Shipped,
    /// Canceled by the buyer, the seller or Amazon.
    Canceled,
    /// Multi-Channel Fulfillment order that cannot be fulfilled.
    Unfulfillable,
};

std::span<const Status> all_statuses();

// The seller-facing name: "PartiallyShipped".
std::string_view to_string(Status s);
// Amazon's Orders v2026-01-01 code: "PARTIALLY_SHIPPED".
std::string_view to_v2026(Status s);
// Parses a v2026 fulfillmentStatus code exactly.
std::optional<Status> status_from_v2026(std::string_view code);
// Parses what a user types: any case, with or without '-', '_' or spaces, in seller or v2026
// spelling, "Cancelled" or "Canceled". Returns nullopt for anything else.
std::optional<Status> parse_status(std::string_view text);

enum class FulfilledBy { Merchant, Amazon };
// "MFN" / "AFN", as Seller Central shows them.
std::string_view to_string(FulfilledBy f);
// "MERCHANT" / "AMAZON"
std::string_view to_v2026(FulfilledBy f);
std::optional<FulfilledBy> fulfilled_by_from_v2026(std::string_view code);
// "merchant", "mfn", "amazon", "afn", "fba", any case.
std::optional<FulfilledBy> parse_fulfilled_by(std::string_view text);

} // namespace asc
