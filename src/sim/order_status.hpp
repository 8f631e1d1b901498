#pragma once
// The v2026-01-01 fulfillment statuses as the simulator keeps them (independent of the client's
// model on purpose: the wire spelling is the contract both sides must agree on).

#include <cstdint>
#include <optional>
#include <string_view>

namespace sim {

enum class FStatus : std::uint8_t {
    PendingAvailability,
    Pending,
    Unshipped,
    PartiallyShipped,
    Shipped,
    Cancelled,
    Unfulfillable,
};

inline constexpr int k_status_count = 7;

// "PARTIALLY_SHIPPED"
std::string_view status_code(FStatus s);
// Exact v2026 code; nullopt for anything else.
std::optional<FStatus> parse_status_code(std::string_view code);

inline std::uint32_t status_bit(FStatus s) {
    return 1u << static_cast<unsigned>(s);
}

} // namespace sim
