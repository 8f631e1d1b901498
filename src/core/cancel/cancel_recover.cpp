// The cancel service, recovery: completes what earlier runs left in flight before anything new is
// sent (the rules are in cancel.hpp, "Recovery").

#include "asc/amazon/ack_feed.hpp"
#include "asc/base/interrupt.hpp"
#include "asc/base/time.hpp"
#include "asc/cancel/cancel.hpp"
#include "cancel_internal.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <set>
#include <string_view>

namespace asc {

std::vector<std::string> CancelService::Flight::marketplaces(const std::vector<std::string>& fallback) const {
    std::set<std::string> set(marketplace_ids.begin(), marketplace_ids.end());
    for (const Row& row : rows) {
        if (!row.marketplace_id.empty()) {
            set.insert(row.marketplace_id);
        }
    }
    if (set.empty()) {
        set.insert(fallback.begin(), fallback.end());
    }
    return {set.begin(), set.end()};
}

void CancelService::Flight::each_piece(std::size_t piece,
                                       const std::function<void(std::span<const Row>)>& each) const {
    if (rows.empty() && source) {
        source(piece, each);
        return;
    }
    for (std::size_t begin = 0; begin < rows.size(); begin += piece) {
        each(std::span<const Row>(rows).subspan(begin, std::min(piece, rows.size() - begin)));
    }
}

bool CancelService::Flight::unsettled() const {
    return std::any_of(rows.begin(), rows.end(), [](const Row& r) { return !r.resolution; });
}

UnknownVerdict decide_unknown(const std::optional<Order>& fresh, bool settled) {
    if (!fresh) {
        return UnknownVerdict::NotFound;
    }
    if (fresh->status == Status::Canceled) {
        return UnknownVerdict::Canceled;
    }
    return settled ? UnknownVerdict::SendAgain : UnknownVerdict::Wait;
}

bool may_hold(const Feed& feed, Timestamp sent_at, const std::vector<std::string>& marketplaces,
              std::chrono::seconds clock_skew) {
    if (feed.feed_type != k_ack_feed_type || feed.created_time < sent_at - clock_skew) {
        return false;
    }
    auto theirs = feed.marketplace_ids;
    std::sort(theirs.begin(), theirs.end());
    theirs.erase(std::unique(theirs.begin(), theirs.end()), theirs.end());
    return theirs == marketplaces;
}

void FlightGroups::add(const JournalEntry& e) {
    std::string key;
    if (e.state == JournalState::Submitting) {
        key = fmt::format("s|{}|{}", e.batch_id, e.feed_seq);
    } else if (e.state == JournalState::Submitted && !e.feed_id.empty()) {
        // With its batch and feed_seq: the flight's rows are read back through them.
        key = fmt::format("f|{}|{}|{}", e.feed_id, e.batch_id, e.feed_seq);
    } else {
        return;
    }
    CancelService::Flight& f = m_by_key[key];
    f.batch_id = e.batch_id;
    f.feed_seq = e.feed_seq;
    f.progress.state = flight_state(e.state).value_or(FlightState::Submitted);
    f.progress.feed_id = e.feed_id;
    f.feed_document_id = e.feed_document_id;
    if (e.submitted_at && (!f.submitted_at || *e.submitted_at > *f.submitted_at)) {
        f.submitted_at = e.submitted_at; // the last attempt's: the one that may have arrived
    }
    if (e.send_timeout && (!f.send_timeout || *e.send_timeout > *f.send_timeout)) {
        f.send_timeout = e.send_timeout;
    }
    ++f.size;
    auto& markets = f.marketplace_ids; // a handful: kept sorted and distinct
    if (!e.marketplace_id.empty()) {
        const auto at = std::lower_bound(markets.begin(), markets.end(), e.marketplace_id);
        if (at == markets.end() || *at != e.marketplace_id) {
            markets.insert(at, e.marketplace_id);
        }
    }
}

std::vector<CancelService::Flight> FlightGroups::take() {
    std::vector<CancelService::Flight> out;
    for (auto& [key, f] : m_by_key) {
        if (!f.submitted_at) {
            f.submitted_at = Timestamp{}; // unknown: look as far back as getFeeds goes
        }
        out.push_back(std::move(f));
    }
    m_by_key.clear();
    std::stable_sort(out.begin(), out.end(),
                     [](const auto& a, const auto& b) { return *a.submitted_at < *b.submitted_at; });
    return out;
}

void CancelService::await_search(Timestamp quiet_since, std::size_t orders) {
    // More orders than getOrder is used for are read through an incremental sync, and
    // searchOrders shows changes only up to two minutes before the request (Amazon's rule for
    // lastUpdatedBefore; sync.cpp). Concluding "not canceled" needs every change up to
    // quiet_since to be visible. (A Canceled it shows earlier is proof enough.)
    const auto visible = quiet_since + m_orders.search_lag() + std::chrono::seconds(1);
    if (const auto wall = m_clock.wall_now(); visible > wall) {
        const auto left = std::chrono::ceil<std::chrono::milliseconds>(visible - wall);
        m_events.note(fmt::format("waiting {} until Amazon's order search shows every change to the {} orders",
                                  duration_text(std::chrono::ceil<std::chrono::seconds>(left)), orders));
        m_clock.sleep_for(left);
        if (interrupted()) {
            throw Error(ErrorKind::Interrupted, "interrupted while waiting for Amazon's order search",
                        "nothing was sent again; run the command again or `asc cancellations resume`");
        }
    }
}

std::size_t CancelService::settle_some(Flight& flight, bool settled) {
    std::vector<Flight::Row>& rows = flight.rows;
    std::vector<std::string_view> ids;
    for (const Flight::Row& row : rows) {
        if (!row.resolution) {
            ids.emplace_back(row.order_id);
        }
    }
    if (ids.empty()) {
        return 0;
    }
    std::vector<std::optional<Status>> fresh(ids.size()); // all decide_unknown() looks at
    fresh_state(ids, [&](std::size_t i, const Order& order) { fresh[i] = order.status; });
    std::vector<JournalChange> changes;
    std::size_t next = 0; // rows are visited in the order `ids` was built
    for (Flight::Row& row : rows) {
        if (row.resolution) {
            continue;
        }
        std::optional<Order> state;
        if (const auto status = fresh[next++]) {
            state.emplace().status = *status;
        }
        JournalChange c{.id = row.journal_id};
        switch (decide_unknown(state, settled)) {
        case UnknownVerdict::Wait:
            continue;
        case UnknownVerdict::Canceled:
            row.resolution = JournalState::Canceled;
            row.message = "confirmed by the order's state: Amazon shows it Canceled (createFeed's "
                          "answer was lost, so no feed is named)";
            c.state = JournalState::Canceled;
            if (m_options.commerce_on_cancel) {
                c.commerce_state = m_options.commerce_on_cancel;
            }
            break;
        case UnknownVerdict::NotFound:
            row.resolution = JournalState::Failed;
            row.message = "Amazon does not know this order (any more); nothing is sent again";
            c.state = JournalState::Failed;
            break;
        case UnknownVerdict::SendAgain:
            row.resolution = JournalState::Planned;
            row.message = "not sent: Amazon did not act on the lost createFeed (the order is not "
                          "canceled and no feed that may hold it is in flight); run the command "
                          "again or `asc cancellations resume` to send it";
            c.state = JournalState::Planned;
            c.feed_document_id = "";
            c.submitted_at = std::optional<Timestamp>{};
            c.send_timeout = std::optional<std::chrono::milliseconds>{};
            break;
        }
        c.result_message = row.message;
        changes.push_back(std::move(c));
    }
    m_store.journal_update(changes, now());
    return changes.size();
}

void CancelService::settle_rows(std::vector<Flight*>& flights, std::optional<Timestamp> quiet_since) {
    std::size_t orders = 0;
    for (const Flight* f : flights) {
        orders += static_cast<std::size_t>(
            std::count_if(f->rows.begin(), f->rows.end(), [](const Flight::Row& r) { return !r.resolution; }));
    }
    if (orders == 0) {
        return;
    }
    if (quiet_since && orders > m_options.fresh_state_threshold) {
        await_search(*quiet_since, orders);
    }
    for (Flight* f : flights) {
        settle_some(*f, quiet_since.has_value());
    }
}

void CancelService::settle_paged(std::vector<Flight*>& flights, std::optional<Timestamp> quiet_since) {
    std::size_t orders = 0;
    for (const Flight* f : flights) {
        orders += f->open;
    }
    if (orders == 0) {
        return;
    }
    if (quiet_since && orders > m_options.fresh_state_threshold) {
        await_search(*quiet_since, orders);
    }
    // One incremental sync for the pass (made by the first page that needs one, after the wait
    // above), read by every later page: not one sync a page.
    const bool reuse = m_reuse_sync;
    const bool synced = m_synced;
    m_reuse_sync = false;
    m_synced = false;
    Flight page; // one page of a flight's rows at a time
    for (Flight* f : flights) {
        f->each_piece(m_options.recovery_page, [&](std::span<const Flight::Row> rows) {
            page.rows.assign(rows.begin(), rows.end());
            const std::size_t settled = settle_some(page, quiet_since.has_value());
            f->open -= std::min(f->open, settled);
            m_reuse_sync = m_synced;
        });
    }
    m_reuse_sync = reuse;
    m_synced = m_synced || synced;
}

std::optional<Timestamp> CancelService::await_settled(const std::vector<Flight*>& flights, bool may_wait) {
    Timestamp settle{};
    Timestamp earliest = Timestamp::max();
    for (const Flight* f : flights) {
        settle = std::max(settle, settle_time(*f->submitted_at, f->send_timeout, m_options.in_flight_floor));
        earliest = std::min(earliest, *f->submitted_at);
    }
    if (const auto wall = m_clock.wall_now(); settle > wall) {
        if (!may_wait) {
            return std::nullopt;
        }
        const auto left = std::chrono::ceil<std::chrono::milliseconds>(settle - wall);
        m_events.note(fmt::format("waiting {} until a createFeed whose answer was lost can no longer arrive",
                                  duration_text(std::chrono::ceil<std::chrono::seconds>(left))));
        m_clock.sleep_for(left);
        if (interrupted()) {
            throw Error(ErrorKind::Interrupted,
                        "interrupted while waiting for a createFeed that may be in flight",
                        "nothing was sent again; run the command again or `asc cancellations resume`");
        }
    }
    // getFeeds keeps 90 days; asking for more is an error.
    earliest = std::max(earliest, now() - std::chrono::days(89));
    std::vector<Feed> busy;
    for (Feed& c :
         find_feeds_sent_since(m_feeds, std::string(k_ack_feed_type), earliest, m_options.clock_skew)) {
        const bool candidate = std::any_of(flights.begin(), flights.end(), [&](const Flight* f) {
            return may_hold(c, *f->submitted_at, f->marketplaces(m_options.marketplace_ids),
                            m_options.clock_skew);
        });
        if (candidate && !c.finished() && !m_store.journal_knows_feed(c.feed_id)) {
            busy.push_back(std::move(c));
        }
    }
    std::size_t orders = 0;
    for (const Flight* f : flights) {
        orders += f->orders();
    }
    std::string still;
    for (Feed& c : busy) {
        if (may_wait) {
            m_events.note(
                fmt::format("waiting for feed {} to finish: it may hold orders whose cancellation was "
                            "sent without a recorded answer",
                            c.feed_id));
            if (await_feed(c.feed_id, true, orders)) {
                continue;
            }
        }
        still += (still.empty() ? "" : ", ") + c.feed_id;
    }
    if (!still.empty()) {
        m_events.note(
            fmt::format("feed(s) {} still processing: the orders are left pending, not sent again", still));
        return std::nullopt;
    }
    return now();
}

void CancelService::resolve_unknown(std::vector<Flight>& flights, bool may_wait) {
    if (flights.empty()) {
        return;
    }
    std::vector<Flight*> open;
    std::size_t orders = 0;
    for (Flight& f : flights) {
        open.push_back(&f);
        orders += f.rows.size();
    }
    m_events.note(
        fmt::format("{} feed(s) of {} order(s) may or may not have reached Amazon (createFeed's answer "
                    "was not recorded): checking the orders themselves",
                    flights.size(), orders));
    settle_rows(open, std::nullopt); // what is Canceled already needs no waiting
    std::erase_if(open, [](const Flight* f) { return !f->unsettled(); });
    if (open.empty()) {
        return;
    }
    if (const auto quiet_since = await_settled(open, may_wait)) {
        settle_rows(open, quiet_since);
    }
}

void CancelService::resolve_unknown_paged(std::vector<Flight>& flights, bool may_wait) {
    if (flights.empty()) {
        return;
    }
    std::vector<Flight*> open;
    std::size_t orders = 0;
    for (Flight& f : flights) {
        f.open = f.orders();
        open.push_back(&f);
        orders += f.orders();
    }
    m_events.note(
        fmt::format("{} feed(s) of {} order(s) may or may not have reached Amazon (createFeed's answer "
                    "was not recorded): checking the orders themselves",
                    flights.size(), orders));
    settle_paged(open, std::nullopt); // what is Canceled already needs no waiting
    std::erase_if(open, [](const Flight* f) { return f->open == 0; });
    if (open.empty()) {
        return;
    }
    if (const auto quiet_since = await_settled(open, may_wait)) {
        settle_paged(open, quiet_since);
    }
}

void CancelService::page_from_journal(Flight& flight, std::vector<JournalState> states, std::string feed_id) {
    flight.source = [this, batch = flight.batch_id, seq = flight.feed_seq, states = std::move(states),
                     feed = std::move(feed_id)](std::size_t piece,
                                                const std::function<void(std::span<const Flight::Row>)>& each) {
        JournalPage page{.batch_id = batch,
                         .feed_seq = seq,
                         .states = states,
                         .feed_id = feed,
                         .limit = std::max<std::size_t>(1, std::min(piece, m_options.recovery_page))};
        std::vector<Flight::Row> rows;
        for (;;) {
            std::vector<JournalEntry> entries = m_store.journal_flight_page(page);
            if (entries.empty()) {
                return;
            }
            rows.clear();
            for (JournalEntry& e : entries) {
                Flight::Row& row = rows.emplace_back(Flight::Row{e.id, std::move(e.order_id),
                                                                 static_cast<std::uint64_t>(e.message_id.value_or(0)),
                                                                 std::move(e.reason), std::move(e.marketplace_id)});
                if (e.state == JournalState::Canceled || e.state == JournalState::Failed) {
                    row.resolution = e.state; // settled (by this run: the row is still this run's)
                    row.message = std::move(e.result_message);
                }
            }
            page.after_message_id = static_cast<std::int64_t>(rows.back().message_id);
            const bool last = entries.size() < page.limit;
            release(entries);
            each(rows); // may write to the journal: no statement is open
            if (last) {
                return;
            }
        }
    };
}

void CancelService::recover_submitted(Flight& flight, const IdSet& input, bool resume, std::vector<Flight>& unknown,
                                      const std::function<void(CancelRow&&, std::int64_t)>& emit) {
    // Every row of the feed this run holds, whatever its state: recording the result moves them.
    page_from_journal(flight, {}, flight.progress.feed_id);
    bool concerns_this_run = resume;
    if (!concerns_this_run) {
        flight.each_piece(m_options.recovery_page, [&](std::span<const Flight::Row> rows) {
            concerns_this_run = concerns_this_run || std::any_of(rows.begin(), rows.end(), [&](const Flight::Row& r) {
                                    return input.contains(r.order_id);
                                });
        });
    }
    std::string why;
    try {
        if (collect(flight, concerns_this_run && m_options.wait)) {
            flight.each_piece(m_options.recovery_page, [&](std::span<const Flight::Row> rows) {
                for (const Flight::Row& row : rows) {
                    emit(feed_row(flight.progress, row.order_id, row.reason, row.message_id, ""), row.journal_id);
                }
            });
            return;
        }
        why = "Amazon is still processing it";
    } catch (const Error& e) {
        if (e.kind() == ErrorKind::Interrupted) {
            throw;
        }
        if (e.kind() == ErrorKind::NotFound) {
            // The journal names a feed Amazon does not have: it proves nothing. What happened
            // to the orders is learned from them, as for a lost createFeed answer.
            m_events.note(fmt::format("Amazon does not know feed {} of the journal: checking its {} order(s) "
                                      "themselves",
                                      flight.progress.feed_id, flight.orders()));
            flight.each_piece(m_options.recovery_page, [&](std::span<const Flight::Row> rows) {
                std::vector<JournalChange> changes;
                for (const Flight::Row& row : rows) {
                    changes.push_back(
                        {.id = row.journal_id, .state = JournalState::Submitting, .feed_id = std::string()});
                }
                m_store.journal_update(changes, now());
            });
            flight.progress.state = FlightState::Submitting;
            flight.progress.feed_id.clear();
            unknown.push_back(std::move(flight));
            return;
        }
        why = fmt::format("its result could not be read ({})", e.what());
    }
    const std::string message = fmt::format("pending in feed {}: {}; `asc cancellations resume` collects its result",
                                            flight.progress.feed_id, why);
    flight.each_piece(m_options.recovery_page, [&](std::span<const Flight::Row> rows) {
        for (const Flight::Row& row : rows) {
            emit({.order_id = row.order_id,
                  .outcome = CancelOutcome::Submitted,
                  .reason = row.reason,
                  .feed_id = flight.progress.feed_id,
                  .message = message},
                 row.journal_id);
        }
    });
}

void CancelService::recover(const IdSet& input, bool resume,
                            const std::function<void(CancelRow&&, std::int64_t)>& emit) {
    // Only rows of runs that are gone, taken over by this run (a live run completes its own). The
    // rows are only counted into their flights here; each flight's rows are read back from the
    // journal a page at a time while it is worked on.
    FlightGroups groups;
    // In id order: the flights' summaries do not depend on it, and no sort of every row is made.
    m_store.journal_take_over([&groups](JournalEntry&& e) { groups.add(e); }, true);
    std::vector<Flight> flights = groups.take();
    std::vector<Flight> unknown;
    for (Flight& flight : flights) {
        if (flight.progress.state == FlightState::Submitting) {
            unknown.push_back(std::move(flight));
        } else {
            recover_submitted(flight, input, resume, unknown, emit);
        }
    }
    release(flights);
    for (Flight& flight : unknown) {
        page_from_journal(flight, {JournalState::Submitting}, "");
    }
    resolve_unknown_paged(unknown, m_options.wait);
    // Each row as the journal now has it: settled (canceled, failed), still submitting, or
    // planned again (reported when it is sent, not here).
    for (Flight& flight : unknown) {
        page_from_journal(flight, {JournalState::Submitting, JournalState::Canceled, JournalState::Failed}, "");
        flight.each_piece(m_options.recovery_page, [&](std::span<const Flight::Row> rows) {
            for (const Flight::Row& row : rows) {
                if (row.resolution) {
                    emit(row.outcome(), row.journal_id);
                    continue;
                }
                emit({.order_id = row.order_id,
                      .outcome = CancelOutcome::Submitted,
                      .reason = row.reason,
                      .message = "an interrupted run may have sent it and it is not known yet whether Amazon "
                                 "received it: not sent again; `asc cancellations resume` finds out"},
                     row.journal_id);
            }
        });
    }
}

} // namespace asc
