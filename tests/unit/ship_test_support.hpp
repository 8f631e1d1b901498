#pragma once
// What the ship service's unit tests share: their options, order ids and packages made from a
// number, and the ship journal's rows counted by state.

#include "asc/ship/ship.hpp"
#include "asc/store/store.hpp"

#include <chrono>
#include <fmt/format.h>
#include <map>
#include <string>

namespace asc_test {

// The options the ship tests run with: one seller and marketplace, a poll of a second, and orders
// with a buyer's cancellation request shipped all the same.
inline asc::ShipOptions ship_test_options() {
    asc::ShipOptions options;
    options.seller_id = "A1SELLER";
    options.marketplace_ids = {"ATVPDKIKX0DER"};
    options.run_by = "ops@host";
    options.poll_interval = std::chrono::seconds(1);
    options.ignore_cancel_request = true;
    return options;
}

// "112-0000007-0000049" for 7: a well-formed Amazon order id of its own for each number.
inline std::string ship_order_id(int n) {
    return fmt::format("112-{:07}-{:07}", n, n * 7);
}

// A UPS package of order `n`, tracking number "1Z000000nn" unless one is given.
inline asc::ShipRequest ship_package(int n, std::string tracking = {}) {
    asc::ShipRequest r;
    r.order_id = ship_order_id(n);
    r.carrier_code = "UPS";
    r.tracking_number = tracking.empty() ? fmt::format("1Z{:08}", n) : std::move(tracking);
    return r;
}

// The ship journal's rows by state ("confirmed" -> 3, ...).
inline std::map<std::string, int> ship_journal_states(asc::Store& store) {
    std::map<std::string, int> out;
    for (const auto& e : store.ship_journal_entries({})) {
        ++out[std::string(asc::to_string(e.state))];
    }
    return out;
}

} // namespace asc_test
