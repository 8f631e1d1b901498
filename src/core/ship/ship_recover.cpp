// The ship service's recovery: rows that earlier runs left in flight are settled from what Amazon
// shows (the order's packages, the feed's report) before anything new is sent. The rules are in
// include/asc/ship/ship.hpp, "Recovery".

#include "asc/base/interrupt.hpp"
#include "asc/base/time.hpp"
#include "asc/ship/ship.hpp"
#include "ship_internal.hpp"

#include <algorithm>
#include <set>
#include <fmt/format.h>

namespace asc {

Timestamp ship_settle_time(const ShipEntry& e, std::chrono::milliseconds floor) {
    return settle_time(e.sent_at.value_or(e.updated_at), e.send_timeout, floor);
}

// The journal's rows in flight a page at a time (settling a row writes it, so no read stays open).
// Rows already seen are not met again: the pages go by id.
constexpr std::size_t k_flight_page = 256;

ShipInFlight ShipService::survey_in_flight() {
    ShipInFlight flight;
    for (std::int64_t after = 0;;) {
        const std::vector<ShipEntry> page = m_store.ship_journal_in_flight(after, k_flight_page);
        for (const ShipEntry& e : page) {
            if (e.state == ShipState::Planned) {
                ++flight.planned;
            } else if (e.state == ShipState::Sending) {
                ++flight.sending;
                flight.settle = std::max(flight.settle, ship_settle_time(e, m_options.in_flight_floor));
                if (e.via == ShipVia::Feed) {
                    const Timestamp sent = e.sent_at.value_or(e.updated_at);
                    flight.feed_sent = std::min(flight.feed_sent.value_or(sent), sent);
                }
            } else {
                flight.feeds.insert(e.feed_id);
            }
        }
        if (page.size() < k_flight_page) {
            return flight;
        }
        after = page.back().id;
    }
}

void ShipService::recover(ShipRecovered& out) {
    if (m_store.schema_version() < 7) {
        return;
    }
    const ShipInFlight flight = survey_in_flight();
    m_planned_before = flight.planned; // and each row settling plans again (replan_change)
    // A few rows whose outcome is unknown are worth a getOrder each (0.5 requests/s); more are read
    // through one incremental sync, as the plan reads more orders than that (fresh_state).
    if (flight.sending > m_options.fresh_state_threshold) {
        settle_synced(flight, out);
    } else if (flight.sending > 0) {
        settle_each(out);
    }
    for (const std::string& feed_id : flight.feeds) {
        collect_feed(feed_id, m_options.wait, &out);
    }
}

void ShipService::settle_each(ShipRecovered& out) {
    for (std::int64_t after = 0;;) {
        std::vector<ShipEntry> page = m_store.ship_journal_in_flight(after, k_flight_page);
        for (ShipEntry& e : page) {
            if (e.state != ShipState::Sending) {
                continue;
            }
            ShipRow row;
            const bool settled = settle_sending(e, m_options.wait, row);
            if (e.state != ShipState::Planned) { // planned again: reported when it is sent
                out.add(settled ? std::move(row) : row_of(e, ShipOutcome::Pending, row.message));
                out.committed(); // settle_sending wrote the row's change
            }
        }
        if (page.size() < k_flight_page) {
            return;
        }
        after = page.back().id;
    }
}

std::optional<Order> ShipService::read_order(const std::string& order_id) {
    try {
        return m_orders.get(order_id, ship_included());
    } catch (const ApiError& err) {
        if (err.kind() != ErrorKind::NotFound) {
            throw;
        }
        return std::nullopt;
    }
}

ShipChange ShipService::confirm_change(ShipEntry& e, ShipRecovered& out) {
    e.state = ShipState::Confirmed;
    e.result_message = "confirmed by the order's packages (the answer to the request that sent it was lost)";
    out.add(row_of(e, ShipOutcome::Confirmed));
    return {.id = e.id,
            .state = ShipState::Confirmed,
            .result_message = e.result_message,
            .commerce_state = m_options.commerce_on_confirm};
}

ShipChange ShipService::not_found_change(ShipEntry& e, ShipRecovered& out) {
    e.state = ShipState::Failed;
    e.result_message = "Amazon does not know the order";
    out.add(row_of(e, ShipOutcome::NotFound));
    return {.id = e.id, .state = ShipState::Failed, .result_message = e.result_message};
}

ShipChange ShipService::replan_change(ShipEntry& e) {
    ++m_planned_before;
    e.state = ShipState::Planned;
    e.sent_at.reset();
    return {.id = e.id,
            .state = ShipState::Planned,
            .feed_document_id = std::string(),
            .sent_at = std::optional<Timestamp>{},
            .send_timeout = std::optional<std::chrono::milliseconds>{}};
}

// Settles a `sending` row from the order's packages. Returns true when settled: Confirmed (the
// package is on the order), Failed (the order is unknown), or Planned (it never arrived: the caller
// plans it again). False: still unknown; `out` says why.
bool ShipService::settle_sending(ShipEntry& e, bool may_wait, ShipRow& out) {
    const ShipRowSink keep; // no sink: the row of confirm_change or not_found_change stays in `rows`
    ShipRecovered rows(keep);
    auto settle = [&](const ShipChange& change, std::span<const Order> orders) {
        m_store.ship_journal_update(std::vector<ShipChange>{change}, now(), orders);
        std::vector<ShipRow> settled = rows.finish();
        out = settled.empty() ? row_of(e, ShipOutcome::Pending, "never reached Amazon; planned again")
                              : std::move(settled.back());
        return true;
    };
    std::optional<Order> order = read_order(e.order_id);
    if (!order) {
        return settle(not_found_change(e, rows), {});
    }
    if (has_tracking(*order, e.tracking_number)) {
        return settle(confirm_change(e, rows), std::span<const Order>(&*order, 1));
    }
    const Timestamp sent = e.sent_at.value_or(e.updated_at);
    const Timestamp settle_at = ship_settle_time(e, m_options.in_flight_floor);
    const auto left = settle_at - now();
    if (left > std::chrono::seconds(0)) {
        if (!may_wait || left > m_options.wait_timeout) {
            out = row_of(e, ShipOutcome::Pending,
                         fmt::format("sent at {} and not on the order yet; not sent again before {}",
                                     format_rfc3339(sent), format_rfc3339(settle_at)));
            return false;
        }
        m_events.note(fmt::format("waiting {} s until an unanswered confirmation of order {} can no longer arrive",
                                  left.count(), e.order_id));
        m_clock.sleep_for(left + std::chrono::milliseconds(200));
        if (interrupted()) {
            throw Error(ErrorKind::Interrupted, "interrupted while settling an earlier run; nothing new was sent");
        }
    }
    if (e.via == ShipVia::Feed) {
        auto busy = m_busy_feed.find(e.batch_id);
        if (busy == m_busy_feed.end()) {
            std::string unfinished;
            for (const Feed& f : find_feeds_sent_since(m_feeds, std::string(k_fulfillment_feed_type), sent,
                                                       m_options.clock_skew)) {
                if (!f.finished() && may_wait) {
                    wait_for_feed(m_feeds, f.feed_id, m_clock, m_options.wait_timeout, {}, m_options.poll_interval);
                } else if (!f.finished()) {
                    unfinished = f.feed_id;
                }
            }
            busy = m_busy_feed.emplace(e.batch_id, unfinished).first;
        }
        if (!busy->second.empty()) {
            out = row_of(e, ShipOutcome::Pending, fmt::format("feed {} may hold it and is still processing", busy->second));
            return false;
        }
    }
    order = read_order(e.order_id);
    if (order && has_tracking(*order, e.tracking_number)) {
        return settle(confirm_change(e, rows), std::span<const Order>(&*order, 1));
    }
    return settle(replan_change(e), {});
}

} // namespace asc
