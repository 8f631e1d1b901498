// The ship service's recovery of many `sending` rows (a lost createFeed answer on a large feed):
// one incremental sync of the store instead of a getOrder per row (0.5 requests/s: 10,000 packages
// would take 5.5 hours), each row then settled from its stored order's packages. The rules are in
// include/asc/ship/ship.hpp, "Recovery"; the same approach as the cancel service's
// (cancel_recover.cpp, settle_paged).

#include "asc/base/interrupt.hpp"
#include "asc/base/time.hpp"
#include "asc/ship/ship.hpp"
#include "asc/sync/sync.hpp"
#include "ship_internal.hpp"

#include <algorithm>
#include <fmt/format.h>

namespace asc {

namespace {

constexpr std::size_t k_settle_page = 256;

} // namespace

void ShipService::refresh_store(std::size_t orders) {
    sync_before_check(m_orders, m_store, m_options.marketplace_ids, now(), m_options.sync_lock_wait, m_events, orders);
}

void ShipService::await_search(Timestamp quiet, std::size_t packages) {
    // Concluding "not on the order" needs every change up to `quiet` to be visible to the sync.
    const auto visible = quiet + m_orders.search_lag() + std::chrono::seconds(1);
    if (const auto wall = m_clock.wall_now(); visible > wall) {
        const auto left = std::chrono::ceil<std::chrono::milliseconds>(visible - wall);
        m_events.note(fmt::format("waiting {} s until Amazon's order search shows every change to the orders of {} "
                                  "packages",
                                  std::chrono::ceil<std::chrono::seconds>(left).count(), packages));
        m_clock.sleep_for(left);
        if (interrupted()) {
            throw Error(ErrorKind::Interrupted, "interrupted while waiting for Amazon's order search",
                        "nothing new was sent; run the same command again");
        }
    }
}

std::optional<Timestamp> ShipService::quiet_since(const ShipInFlight& flight, std::string& busy) {
    Timestamp quiet = flight.settle;
    if (!flight.feed_sent) {
        return quiet;
    }
    // getFeeds keeps 90 days; asking for more is an error.
    const Timestamp since = std::max(*flight.feed_sent, now() - std::chrono::days(89));
    for (Feed& f :
         find_feeds_sent_since(m_feeds, std::string(k_fulfillment_feed_type), since, m_options.clock_skew)) {
        if (!f.finished() && m_options.wait) {
            f = wait_for_feed(m_feeds, f.feed_id, m_clock, m_options.wait_timeout, {}, m_options.poll_interval);
        }
        if (!f.finished()) {
            busy = f.feed_id;
            return std::nullopt;
        }
        // The feed's shipments are on their orders by the end of its processing (now, when Amazon
        // does not say when that was).
        quiet = std::max(quiet, f.processing_end_time.value_or(now()));
    }
    return quiet;
}

void ShipService::settle_synced(const ShipInFlight& flight, ShipRecovered& out) {
    m_events.note(fmt::format("{} package(s) may or may not have reached Amazon (the answer to the request that "
                              "sent them was not recorded): checking their orders through one incremental sync",
                              flight.sending));
    const Timestamp wall = now();
    if (flight.settle > wall) {
        // Before the lost requests can no longer arrive, only what Amazon already shows is proof.
        const bool may_wait = m_options.wait && flight.settle - wall <= m_options.wait_timeout;
        refresh_store(flight.sending);
        m_recovery_synced = true;
        const std::size_t open = settle_from_store(may_wait ? StoreSettle::ConfirmOnly : StoreSettle::ReportPending,
                                                   {}, wall, out);
        if (open == 0 || !may_wait) {
            return;
        }
        const auto left = std::chrono::ceil<std::chrono::milliseconds>(flight.settle - m_clock.wall_now());
        m_events.note(fmt::format("waiting {} s until {} unanswered confirmation(s) can no longer arrive",
                                  std::chrono::ceil<std::chrono::seconds>(left).count(), open));
        m_clock.sleep_for(left + std::chrono::milliseconds(200));
        if (interrupted()) {
            throw Error(ErrorKind::Interrupted, "interrupted while settling an earlier run; nothing new was sent");
        }
    }
    std::string busy;
    const std::optional<Timestamp> quiet = quiet_since(flight, busy);
    if (!quiet) {
        settle_from_store(StoreSettle::ReportPending, fmt::format("feed {} may hold it and is still processing", busy),
                          wall, out);
        return;
    }
    await_search(*quiet, flight.sending);
    refresh_store(flight.sending);
    m_recovery_synced = true;
    settle_from_store(StoreSettle::Conclude, {}, *quiet, out);
}

std::size_t ShipService::settle_from_store(StoreSettle mode, const std::string& why, Timestamp quiet,
                                           ShipRecovered& out) {
    std::size_t open = 0;
    for (std::int64_t after = 0;;) {
        std::vector<ShipEntry> page = m_store.ship_journal_in_flight(after, k_settle_page);
        std::vector<ShipChange> changes;
        std::vector<Order> orders; // read with getOrder: the store takes Amazon's copy with the row
        for (ShipEntry& e : page) {
            if (e.state != ShipState::Sending) {
                continue;
            }
            // The stored copy proves the package when it shows it. That it does not show it proves
            // nothing unless the sync covered the moment nothing could arrive any more for the
            // order's marketplace (its mark) and the copy has packages (not from an order report).
            std::optional<Order> stored;
            if (!m_store.order_from_report(e.order_id)) {
                stored = m_store.get_order(e.order_id);
            }
            if (stored && has_tracking(*stored, e.tracking_number)) {
                changes.push_back(confirm_change(e, out));
                continue;
            }
            if (mode == StoreSettle::ReportPending) {
                out.add(row_of(e, ShipOutcome::Pending,
                                     !why.empty() ? why
                                                  : fmt::format("sent at {} and not on the order yet; not sent again "
                                                                "before {}",
                                                                format_rfc3339(e.sent_at.value_or(e.updated_at)),
                                                                format_rfc3339(ship_settle_time(
                                                                    e, m_options.in_flight_floor)))));
            }
            if (mode != StoreSettle::Conclude) {
                ++open;
                continue;
            }
            const std::optional<Timestamp> mark =
                e.marketplace_id.empty() ? std::nullopt : m_store.sync_mark(e.marketplace_id);
            if (stored && mark && *mark >= quiet) {
                changes.push_back(replan_change(e));
                continue;
            }
            // The store cannot tell: this order is read from Amazon, now that nothing can arrive.
            std::optional<Order> fresh = read_order(e.order_id);
            if (!fresh) {
                changes.push_back(not_found_change(e, out));
            } else if (has_tracking(*fresh, e.tracking_number)) {
                changes.push_back(confirm_change(e, out));
                orders.push_back(std::move(*fresh));
            } else {
                changes.push_back(replan_change(e));
            }
        }
        if (!changes.empty()) {
            m_store.ship_journal_update(changes, now(), orders);
        }
        out.committed();
        if (page.size() < k_settle_page) {
            return open;
        }
        after = page.back().id;
    }
}

} // namespace asc
