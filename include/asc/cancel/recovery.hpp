#pragma once
// Part `cancel`: the decisions of the cancel service's recovery (the rules are in cancel.hpp,
// "Recovery"), as pure functions so that each rule is tested on its own.

#include "asc/amazon/feeds_client.hpp"
#include "asc/amazon/late_request.hpp" // settle_time, for recovery's callers
#include "asc/model/model.hpp"

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace asc {

// What an order's fresh state says after a createFeed whose outcome is unknown. `settled`: the
// createFeed can no longer arrive and no feed that may hold the order is still processing.
enum class UnknownVerdict {
    Canceled,  // Amazon shows it Canceled: done, confirmed by the order's state
    NotFound,  // Amazon does not know the order
    SendAgain, // not canceled, and nothing can cancel it any more: planned again
    Wait,      // not canceled yet, but something in flight still may
};
UnknownVerdict decide_unknown(const std::optional<Order>& fresh, bool settled);

// Whether `feed` could hold the orders of a createFeed sent at `sent_at` for `marketplaces`
// (sorted): an order-acknowledgement feed for exactly those marketplaces, created no earlier than
// sent_at - clock_skew. Such a feed is only waited for, never taken to be ours.
bool may_hold(const Feed& feed, Timestamp sent_at, const std::vector<std::string>& marketplaces,
              std::chrono::seconds clock_skew);

} // namespace asc
