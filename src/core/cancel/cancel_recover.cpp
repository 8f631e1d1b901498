// The cancel service, recovery: completes what earlier runs left in flight before anything new is
// sent (the rules are in cancel.hpp, "Recovery").

#include "asc/base/strings.hpp"
#include "asc/amazon/ack_feed.hpp"
#include "asc/base/interrupt.hpp"
#include "asc/base/time.hpp"
#include "asc/cancel/cancel.hpp"
#include "cancel_internal.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <set>

namespace asc {

std::vector<std::string> CancelService::Flight::marketplaces(const std::vector<std::string>& fallback) const {
    std::set<std::string> set;
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

std::vector<CancelRow> CancelService::Flight::pending(const std::string& message) const {
    std::vector<CancelRow> out;
    for (const Row& row : rows) {
        out.push_back({row.order_id, CancelOutcome::Submitted, row.reason, feed_id, "", message});
    }
    return out;
}

std::vector<CancelService::Flight> flights_of(const std::vector<JournalEntry>& rows) {
    std::map<std::string, CancelService::Flight> by_key;
    for (const JournalEntry& e : rows) {
        std::string key;
        if (e.state == "submitting") {
            key = fmt::format("s|{}|{}", e.batch_id, e.feed_seq);
        } else if (e.state == "submitted" && !e.feed_id.empty()) {
            key = "f|" + e.feed_id;
        } else {
            continue;
        }
        CancelService::Flight& f = by_key[key];
        f.batch_id = e.batch_id;
        f.feed_seq = e.feed_seq;
        f.state = e.state;
        f.feed_id = e.feed_id;
        f.feed_document_id = e.feed_document_id;
        if (e.submitted_at && (!f.submitted_at || *e.submitted_at < *f.submitted_at)) {
            f.submitted_at = e.submitted_at;
        }
        f.rows.push_back({e.id, e.order_id, static_cast<std::uint64_t>(e.message_id.value_or(0)), e.reason,
                          e.marketplace_id});
    }
    std::vector<CancelService::Flight> out;
    for (auto& [key, f] : by_key) {
        if (!f.submitted_at) {
            f.submitted_at = Timestamp{}; // unknown: look as far back as getFeeds goes
        }
        std::sort(f.rows.begin(), f.rows.end(),
                  [](const auto& a, const auto& b) { return a.message_id < b.message_id; });
        out.push_back(std::move(f));
    }
    std::sort(out.begin(), out.end(),
              [](const auto& a, const auto& b) { return *a.submitted_at < *b.submitted_at; });
    return out;
}

void CancelService::resolve_submitting(std::vector<Flight>& flights, bool may_wait) {
    if (flights.empty()) {
        return;
    }
    Timestamp earliest = *flights.front().submitted_at;
    for (const Flight& f : flights) {
        earliest = std::min(earliest, *f.submitted_at);
    }
    // getFeeds keeps 90 days; asking for more is an error.
    earliest = std::max(earliest, now() - std::chrono::days(89));
    m_events.note(
        fmt::format("an earlier run was interrupted while sending {}; looking on Amazon for "
                    "feeds created since {} (getFeeds)",
                    count_noun(static_cast<long long>(flights.size()), "feed"), format_rfc3339(earliest - m_options.clock_skew)));
    std::vector<Feed> candidates;
    auto look_up = [&] {
        candidates.clear();
        for (Feed& f :
             find_feeds_sent_since(m_feeds, std::string(k_ack_feed_type), earliest, m_options.clock_skew)) {
            if (m_adopted.count(f.feed_id) == 0 && !m_store.journal_knows_feed(f.feed_id)) {
                candidates.push_back(std::move(f));
            }
        }
    };
    std::set<std::string> taken;
    auto candidates_of = [&](const Flight& flight) {
        const auto marketplaces = flight.marketplaces(m_options.marketplace_ids);
        std::vector<Feed*> mine;
        for (Feed& c : candidates) {
            auto theirs = c.marketplace_ids;
            std::sort(theirs.begin(), theirs.end());
            theirs.erase(std::unique(theirs.begin(), theirs.end()), theirs.end());
            if (taken.count(c.feed_id) == 0 &&
                c.created_time >= *flight.submitted_at - m_options.clock_skew && theirs == marketplaces) {
                mine.push_back(&c);
            }
        }
        return mine;
    };
    look_up();
    // A flight without a candidate whose createFeed may still be in flight: wait, then look again.
    std::optional<Timestamp> settle;
    for (const Flight& flight : flights) {
        const auto until =
            *flight.submitted_at + std::chrono::ceil<std::chrono::seconds>(m_options.in_flight_grace);
        if (candidates_of(flight).empty() && until > now()) {
            settle = settle ? std::max(*settle, until) : until;
        }
    }
    if (settle) {
        m_events.note(fmt::format(
            "no feed found yet; waiting {} for a createFeed that may still be in flight",
            duration_text(std::chrono::duration_cast<std::chrono::milliseconds>(*settle - now()))));
        m_clock.sleep_for(*settle - now());
        if (interrupted()) {
            throw Error(ErrorKind::Interrupted,
                        "interrupted while looking for the feed of an interrupted run",
                        "nothing was sent again; run the command again or `asc cancellations resume`");
        }
        look_up();
    }
    for (Flight& flight : flights) {
        const std::vector<Feed*> mine = candidates_of(flight);
        const Feed* chosen = nullptr;
        std::vector<const Feed*> unverifiable;
        for (Feed* c : mine) {
            if (!c->finished() && may_wait && mine.size() > 1) {
                if (auto done = await_feed(c->feed_id, true, flight.rows.size())) {
                    *c = std::move(*done);
                }
            }
            const auto report =
                c->finished() && c->processing_status == "DONE" ? report_of(*c) : std::nullopt;
            if (!report) {
                unverifiable.push_back(c);
            } else if (report_matches(*report, flight.rows)) {
                chosen = c;
                break;
            }
        }
        if (chosen == nullptr && unverifiable.size() == 1) {
            chosen = unverifiable.front();
        }
        std::vector<JournalChange> changes;
        for (const Flight::Row& row : flight.rows) {
            changes.push_back({.id = row.journal_id});
        }
        if (chosen != nullptr) {
            taken.insert(chosen->feed_id);
            m_adopted.insert(chosen->feed_id);
            flight.feed_id = chosen->feed_id;
            flight.state = "submitted";
            for (JournalChange& c : changes) {
                c.state = "submitted";
                c.feed_id = chosen->feed_id;
            }
            m_store.journal_update(changes, now());
            m_events.note(fmt::format("found feed {}: the interrupted run had sent it", chosen->feed_id));
        } else if (mine.empty()) {
            flight.state = "planned";
            flight.feed_document_id.clear();
            for (JournalChange& c : changes) {
                c.state = "planned";
                c.feed_document_id = "";
                c.submitted_at = std::optional<Timestamp>{};
            }
            m_store.journal_update(changes, now());
            m_events.note(
                fmt::format("Amazon has no feed from the interrupted run: its {} {} not sent",
                            count_noun(static_cast<long long>(flight.rows.size()), "order"),
                            flight.rows.size() == 1 ? "was" : "were"));
        } else {
            std::string ids;
            for (const Feed* c : mine) {
                ids += (ids.empty() ? "" : ", ") + c->feed_id;
            }
            std::vector<CancelRow> out;
            for (const Flight::Row& row : flight.rows) {
                out.push_back(
                    {row.order_id, CancelOutcome::Failed, row.reason, "", "",
                     fmt::format("an interrupted run may have sent it in one of the feeds {}, and asc cannot "
                                 "tell which: check with `asc order show {}` before canceling again",
                                 ids, row.order_id)});
            }
            record(flight, out);
        }
    }
}

std::vector<CancelRow> CancelService::recover(const std::set<std::string>& input, bool resume) {
    std::vector<Flight> flights = flights_of(m_store.journal_in_flight());
    if (flights.empty()) {
        return {};
    }
    std::vector<Flight> submitting;
    std::vector<Flight> rest;
    for (Flight& f : flights) {
        (f.state == "submitting" ? submitting : rest).push_back(std::move(f));
    }
    resolve_submitting(submitting, m_options.wait);
    for (Flight& f : submitting) {
        rest.push_back(std::move(f));
    }

    std::vector<CancelRow> out;
    for (Flight& flight : rest) {
        if (flight.state == "submitted") {
            const bool concerns_this_run =
                resume || std::any_of(flight.rows.begin(), flight.rows.end(),
                                      [&](const Flight::Row& r) { return input.count(r.order_id) != 0; });
            if (!collect(flight, concerns_this_run && m_options.wait)) {
                for (CancelRow& row :
                     flight.pending(fmt::format("pending in feed {}: Amazon is still processing it; `asc "
                                                "cancellations resume` collects "
                                                "its result",
                                                flight.feed_id))) {
                    out.push_back(std::move(row));
                }
                continue;
            }
        }
        if (flight.state == "done") {
            out.insert(out.end(), flight.outcomes.begin(), flight.outcomes.end());
        }
    }
    return out;
}

} // namespace asc
