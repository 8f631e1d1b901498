#pragma once
// When a request whose answer was lost can no longer reach Amazon: the moment recovery (cancel and
// ship alike) may conclude from what Amazon shows that it never arrived.

#include "asc/model/model.hpp"

#include <chrono>
#include <optional>

namespace asc {

// Rows journaled before their request's timeout was recorded assume this one.
inline constexpr std::chrono::minutes k_unknown_send_timeout{10};

// A request sent at `sent_at` (kept in whole seconds, rounded down: it may have left up to a second
// later) with `send_timeout` can no longer arrive after sent_at + 1 s + send_timeout + floor (the
// floor: Amazon's own processing of a request that arrived late), in whole seconds.
inline Timestamp settle_time(Timestamp sent_at, std::optional<std::chrono::milliseconds> send_timeout,
                             std::chrono::milliseconds floor) {
    const std::chrono::milliseconds timeout = send_timeout.value_or(k_unknown_send_timeout);
    return sent_at + std::chrono::seconds(1) + std::chrono::ceil<std::chrono::seconds>(timeout + floor);
}

} // namespace asc
