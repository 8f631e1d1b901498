#pragma once
// Deterministic, realistic orders. For a given seed the same index always gives the same order
// id, status, items, quantities and amounts; dates are relative to the start time.
//
// Generation has two stages so that 100,000 orders stay cheap: skeleton() draws only what the
// index needs (id, times, status, fulfilled-by, marketplace) and is computed for every order at
// startup; order() re-derives the skeleton and builds the full JSON on demand.

#include "order_status.hpp"
#include "util.hpp"

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

namespace sim {

using Json = nlohmann::ordered_json;

struct Skeleton {
    std::string order_id;
    Millis created = 0;
    Millis updated = 0;
    FStatus status = FStatus::Pending;
    bool merchant = true;
    std::uint8_t marketplace = 0; // index into marketplaces()
    Millis ship_latest = 0;       // end of the ship-by window
    Millis ship_time = 0;         // first shipment of SHIPPED / PARTIALLY_SHIPPED orders, else 0
    Millis cancel_time = 0;       // CANCELLED orders, else 0
};

class Generator {
  public:
    // `start` is rounded down to the minute.
    Generator(std::uint64_t seed, Millis start);

    [[nodiscard]] Skeleton skeleton(std::uint32_t index) const;
    // The full true state of order `index` in the v2026 Order shape (every block present).
    [[nodiscard]] Json order(std::uint32_t index) const;
    // A unique 14-digit orderItemId for item `item` (< 8) of order `index`.
    [[nodiscard]] std::string item_id(std::uint32_t index, std::uint32_t item) const;

  private:
    Skeleton draw_skeleton(std::mt19937_64& rng, std::uint32_t index) const;

    std::uint64_t seed_;
    Millis start_;
    std::uint64_t id_key_;   // scrambles order indexes into the 14 digits of an order id
    std::uint64_t item_key_; // likewise for orderItemIds
};

// {"amount": "19.99", "currencyCode": "USD"}
Json money(std::int64_t minor, const std::string& currency);

} // namespace sim
