// The cancel service, results: wait for a feed, read its processing report, and map every message
// back to its order; journal the outcomes (and mark canceled orders Canceled in the store) in
// transactions of k_outcome_chunk orders, each order's row and store copy together.

#include "asc/amazon/ack_feed.hpp"
#include "asc/base/interrupt.hpp"
#include "asc/base/strings.hpp"
#include "asc/cancel/cancel.hpp"
#include "cancel_internal.hpp"

#include <algorithm>
#include <fmt/format.h>

namespace asc {

namespace {

// The journal state an outcome leaves a row in.
JournalState state_of(CancelOutcome outcome) {
    switch (outcome) {
    case CancelOutcome::Canceled:
        return JournalState::Canceled;
    case CancelOutcome::AlreadyCanceled:
        return JournalState::AlreadyCanceled;
    case CancelOutcome::Submitted:
        return JournalState::Submitted;
    case CancelOutcome::Refused:
        return JournalState::Refused;
    default:
        return JournalState::Failed;
    }
}

} // namespace

std::optional<ProcessingReport> CancelService::report_of(const Feed& feed) {
    if (const auto it = m_reports.find(feed.feed_id); it != m_reports.end()) {
        return it->second;
    }
    if (feed.result_document_id.empty()) {
        return std::nullopt;
    }
    const ResultDocument document = m_feeds.get_feed_document(feed.result_document_id);
    ProcessingReport report = parse_processing_report(m_feeds.download(document));
    m_reports.emplace(feed.feed_id, report);
    return report;
}

std::optional<Feed> CancelService::await_feed(const std::string& feed_id, bool may_wait, std::size_t orders) {
    const auto start = m_clock.now();
    auto interval = m_options.poll_interval;
    for (;;) {
        Feed feed = m_feeds.get_feed(feed_id);
        if (feed.finished()) {
            return feed;
        }
        const auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(m_clock.now() - start);
        m_events.note(fmt::format("feed {} ({}): {} after {}", feed_id,
                                  count_noun(static_cast<long long>(orders), "order"), feed.processing_status,
                                  duration_text(std::chrono::duration_cast<std::chrono::seconds>(elapsed))));
        step("waiting");
        if (!may_wait || elapsed >= m_options.wait_timeout) {
            return std::nullopt;
        }
        m_clock.sleep_for(std::min(interval, m_options.wait_timeout - elapsed));
        if (interrupted()) {
            throw Error(ErrorKind::Interrupted, fmt::format("interrupted while waiting for feed {}", feed_id),
                        "the cancellations were sent; `asc cancellations resume` collects the result");
        }
        interval = std::min(interval * 3 / 2, m_options.max_poll_interval);
    }
}

bool CancelService::collect(Flight& flight, bool may_wait) {
    const auto feed = await_feed(flight.progress.feed_id, may_wait, flight.orders());
    if (!feed) {
        return false;
    }
    apply_report(flight, *feed);
    return true;
}

void CancelService::apply_report(Flight& flight, const Feed& feed) {
    FeedProgress& p = flight.progress;
    p.own.clear();
    p.feed_id = feed.feed_id;
    p.result_code.clear();
    p.message.clear();
    auto all = [&](CancelOutcome outcome, std::string code, std::string message) {
        p.outcome = outcome;
        p.result_code = std::move(code);
        p.message = std::move(message);
        record(flight);
    };
    if (feed.processing_status == "CANCELLED") {
        all(CancelOutcome::Failed, "CANCELLED",
            fmt::format(
                "Amazon canceled feed {} before processing it (this happens with account or permission "
                "problems); nothing in it was canceled",
                feed.feed_id));
        return;
    }
    std::optional<ProcessingReport> report;
    try {
        report = report_of(feed);
    } catch (const Error& e) {
        if (e.kind() == ErrorKind::Interrupted || feed.processing_status == "DONE") {
            throw; // DONE: the outcome is in the report; keep the rows submitted and try again later
        }
    }
    if (feed.processing_status != "DONE") { // FATAL
        std::string detail;                 // Amazon's word on the whole document, else on its first message
        if (report) {
            for (const ReportResult& r : report->results) {
                if (r.is_error() && (detail.empty() || r.message_id == 0)) {
                    detail = ": " + r.description;
                    if (r.message_id == 0) {
                        break;
                    }
                }
            }
        }
        all(CancelOutcome::Failed, feed.processing_status,
            fmt::format(
                "Amazon could not process feed {} ({}){}; some, none or all of its orders may have been "
                "canceled: check with `asc order show ID`",
                feed.feed_id, feed.processing_status, detail));
        return;
    }
    if (!report) {
        all(CancelOutcome::Failed, "",
            fmt::format("feed {} is DONE but Amazon gave no processing report; check "
                        "with `asc order show ID`",
                        feed.feed_id));
        return;
    }
    const ReportResult* document_error = nullptr;
    for (const ReportResult& r : report->results) {
        if (r.message_id == 0 && r.is_error()) {
            document_error = &r;
            break;
        }
    }
    // One outcome for every message, unless Amazon reported on the message itself.
    if (document_error != nullptr && report->successful == 0) {
        p.outcome = CancelOutcome::Failed;
        p.result_code = document_error->message_code;
        p.message = document_error->description;
    } else if (report->processed < static_cast<int>(flight.orders())) {
        p.outcome = CancelOutcome::Failed;
        p.message = fmt::format("Amazon's report for feed {} covers {} of its {} messages; check with `asc "
                                "order show ID`",
                                feed.feed_id, report->processed, flight.orders());
    } else {
        p.outcome = CancelOutcome::Canceled;
    }
    const auto errors = errors_by_message(*report);
    if (!errors.empty()) {
        flight.each_piece(k_outcome_chunk, [&](std::span<const Flight::Row> rows) {
            for (const Flight::Row& row : rows) {
                if (const auto it = errors.find(row.message_id); it != errors.end()) {
                    p.own[row.message_id] = CancelRow{.order_id = row.order_id,
                                                      .outcome = CancelOutcome::Failed,
                                                      .reason = row.reason,
                                                      .feed_id = feed.feed_id,
                                                      .result_code = it->second->message_code,
                                                      .message = it->second->description};
                }
            }
        });
    }
    record(flight);
    m_reports.erase(feed.feed_id); // applied: not kept for the rest of the run
}

void CancelService::record(Flight& flight) {
    FeedProgress& p = flight.progress;
    p.settled = true; // the rows below are its outcomes
    std::size_t canceled_count = 0;
    try {
        // A chunk of rows per transaction, each with the store's copy of its canceled orders, so that
        // neither the changes nor the orders of a large feed are all held at once.
        flight.each_piece(k_outcome_chunk, [&](std::span<const Flight::Row> rows) {
            std::vector<JournalChange> changes;
            std::vector<Order> canceled;
            changes.reserve(rows.size());
            for (const Flight::Row& row : rows) {
                const CancelRow o = feed_row(p, row.order_id, row.reason, row.message_id, "");
                JournalChange c;
                c.id = row.journal_id;
                c.state = state_of(o.outcome);
                if (!o.feed_id.empty()) {
                    c.feed_id = o.feed_id;
                }
                c.result_code = o.result_code;
                c.result_message = o.message;
                if (o.outcome == CancelOutcome::Canceled && m_options.commerce_on_cancel) {
                    c.commerce_state = m_options.commerce_on_cancel;
                }
                changes.push_back(std::move(c));
                if (o.outcome == CancelOutcome::Canceled) {
                    ++canceled_count;
                    if (auto stored = m_store.get_order(o.order_id)) {
                        canceled.push_back(canceled_copy(std::move(*stored), o.reason));
                    }
                }
            }
            m_store.journal_update(changes, now(), canceled);
        });
    } catch (...) {
        p.settled = false; // not journaled: the rows stay submitted, and say so
        throw;
    }
    m_events.note(fmt::format("feed {}: {} canceled, {} failed", p.feed_id, canceled_count,
                              flight.orders() - canceled_count));
}

} // namespace asc
