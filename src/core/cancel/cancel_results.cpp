// The cancel service, results: wait for a feed, read its processing report, and map every message
// back to its order; journal the outcomes (and mark canceled orders Canceled in the store) in one
// transaction.

#include "asc/base/strings.hpp"
#include "asc/amazon/ack_feed.hpp"
#include "asc/base/interrupt.hpp"
#include "asc/cancel/cancel.hpp"
#include "cancel_internal.hpp"

#include <algorithm>
#include <fmt/format.h>

namespace asc {

namespace {

// The journal state an outcome leaves a row in.
std::string state_of(CancelOutcome outcome) {
    switch (outcome) {
    case CancelOutcome::Canceled:
        return "canceled";
    case CancelOutcome::AlreadyCanceled:
        return "already_canceled";
    case CancelOutcome::Submitted:
        return "submitted";
    case CancelOutcome::Refused:
        return "refused";
    default:
        return "failed";
    }
}

} // namespace

bool report_matches(const ProcessingReport& report, const std::vector<CancelService::Flight::Row>& rows) {
    if (report.processed != static_cast<int>(rows.size())) {
        return false;
    }
    for (const ReportResult& r : report.results) {
        if (r.message_id == 0) {
            continue;
        }
        const auto it = std::lower_bound(rows.begin(), rows.end(), r.message_id,
                                         [](const CancelService::Flight::Row& row, std::uint64_t id) {
                                             return row.message_id < id;
                                         });
        if (it == rows.end() || it->message_id != r.message_id) {
            return false;
        }
        if (!r.order_id.empty() && r.order_id != it->order_id) {
            return false;
        }
    }
    return true;
}

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
        m_events.note(fmt::format("feed {} ({}): {} after {}", feed_id, count_noun(static_cast<long long>(orders), "order"), feed.processing_status,
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
    const auto feed = await_feed(flight.feed_id, may_wait, flight.rows.size());
    if (!feed) {
        return false;
    }
    apply_report(flight, *feed);
    return true;
}

void CancelService::apply_report(Flight& flight, const Feed& feed) {
    std::vector<CancelRow> out;
    out.reserve(flight.rows.size());
    auto all = [&](CancelOutcome outcome, const std::string& code, const std::string& message) {
        for (const Flight::Row& row : flight.rows) {
            out.push_back({row.order_id, outcome, row.reason, feed.feed_id, code, message});
        }
    };
    if (feed.processing_status == "CANCELLED") {
        all(CancelOutcome::Failed, "CANCELLED",
            fmt::format("Amazon canceled feed {} before processing it (this happens with account or permission "
                        "problems); nothing in it was canceled",
                        feed.feed_id));
        record(flight, out);
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
        std::string detail; // Amazon's word on the whole document, else on its first message
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
            fmt::format("Amazon could not process feed {} ({}){}; some, none or all of its orders may have been "
                        "canceled: check with `asc order show ID`",
                        feed.feed_id, feed.processing_status, detail));
        record(flight, out);
        return;
    }
    if (!report) {
        all(CancelOutcome::Failed, "", fmt::format("feed {} is DONE but Amazon gave no processing report; check "
                                                   "with `asc order show ID`",
                                                   feed.feed_id));
        record(flight, out);
        return;
    }
    if (m_adopted.count(feed.feed_id) != 0 && !report_matches(*report, flight.rows)) {
        all(CancelOutcome::Failed, "",
            fmt::format("feed {}, found on Amazon after an interrupted run, does not match the cancellations that "
                        "run planned; check with `asc order show ID` before canceling again",
                        feed.feed_id));
        record(flight, out);
        return;
    }
    const auto errors = errors_by_message(*report);
    const ReportResult* document_error = nullptr;
    for (const ReportResult& r : report->results) {
        if (r.message_id == 0 && r.is_error()) {
            document_error = &r;
            break;
        }
    }
    const bool covered = report->processed >= static_cast<int>(flight.rows.size());
    for (const Flight::Row& row : flight.rows) {
        CancelRow r{row.order_id, CancelOutcome::Canceled, row.reason, feed.feed_id, "", ""};
        if (const auto it = errors.find(row.message_id); it != errors.end()) {
            r.outcome = CancelOutcome::Failed;
            r.result_code = it->second->message_code;
            r.message = it->second->description;
        } else if (document_error != nullptr && report->successful == 0) {
            r.outcome = CancelOutcome::Failed;
            r.result_code = document_error->message_code;
            r.message = document_error->description;
        } else if (!covered) {
            r.outcome = CancelOutcome::Failed;
            r.message = fmt::format("Amazon's report for feed {} covers {} of its {} messages; check with `asc "
                                    "order show ID`",
                                    feed.feed_id, report->processed, flight.rows.size());
        }
        out.push_back(std::move(r));
    }
    record(flight, out);
}

void CancelService::record(Flight& flight, const std::vector<CancelRow>& outcomes) {
    std::vector<JournalChange> changes;
    std::vector<Order> canceled;
    changes.reserve(outcomes.size());
    for (std::size_t i = 0; i < outcomes.size() && i < flight.rows.size(); ++i) {
        const CancelRow& o = outcomes[i];
        JournalChange c;
        c.id = flight.rows[i].journal_id;
        c.state = state_of(o.outcome);
        if (!o.feed_id.empty()) {
            c.feed_id = o.feed_id;
        }
        c.result_code = o.result_code;
        c.result_message = o.message;
        if (o.outcome == CancelOutcome::Canceled && !m_options.commerce_on_cancel.empty()) {
            c.commerce_state = m_options.commerce_on_cancel;
        }
        changes.push_back(std::move(c));
        if (o.outcome == CancelOutcome::Canceled) {
            if (auto stored = m_store.get_order(o.order_id)) {
                canceled.push_back(canceled_copy(std::move(*stored), o.reason));
            }
        }
    }
    m_store.journal_update(changes, now(), canceled);
    flight.outcomes = outcomes;
    flight.state = "done";
    const auto n = static_cast<std::size_t>(std::count_if(
        outcomes.begin(), outcomes.end(), [](const CancelRow& r) { return r.outcome == CancelOutcome::Canceled; }));
    m_events.note(fmt::format("feed {}: {} canceled, {} failed", flight.feed_id, n, outcomes.size() - n));
}

} // namespace asc
