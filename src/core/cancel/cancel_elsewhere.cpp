// The cancel service and the other runs of a shared store: orders another live run holds (found in
// the journal, or lost to it at the claim) are reported as handled elsewhere, and their outcome is
// waited for, bounded (see "Claims" in cancel.hpp).

#include "asc/base/interrupt.hpp"
#include "asc/base/strings.hpp"
#include "asc/base/time.hpp"
#include "asc/cancel/cancel.hpp"
#include "cancel_internal.hpp"

#include <algorithm>
#include <fmt/format.h>

namespace asc {

namespace {

bool in_flight(JournalState state) {
    return state == JournalState::Planned || state == JournalState::Submitting ||
           state == JournalState::Submitted;
}

// "run 12 of ops@host-b (pid 4242, started 2026-11-26T21:00:00Z)".
std::string run_text(const JournalEntry& e, const std::optional<JournalRun>& run) {
    if (run) {
        return fmt::format("run {} of {} (pid {}, started {})", run->id, run->run_by, run->pid,
                           format_rfc3339(run->started_at));
    }
    return e.run_id == 0 ? fmt::format("a run of {}", e.run_by) : fmt::format("run {} of {}", e.run_id, e.run_by);
}

std::string state_text(const JournalEntry& e) {
    switch (e.state) {
    case JournalState::Planned:
        return "planned there, not sent yet";
    case JournalState::Submitting:
        return "being sent there";
    case JournalState::Submitted:
        return fmt::format("sent there in feed {}", e.feed_id);
    default:
        return std::string(to_string(e.state));
    }
}

// The row of an order whose claim another run settled: its outcome as this run reports it. An
// order the other run canceled is already_canceled here (its Magento step runs there, once).
void settle_from(CancelRow& row, const JournalEntry& e) {
    const std::string who = fmt::format("another run ({})", e.run_by);
    row.feed_id = e.feed_id;
    row.result_code = e.result_code;
    switch (e.state) {
    case JournalState::Canceled:
        row.outcome = CancelOutcome::AlreadyCanceled;
        row.message = e.feed_id.empty() ? fmt::format("canceled by {}", who)
                                        : fmt::format("canceled by {} in feed {}", who, e.feed_id);
        break;
    case JournalState::AlreadyCanceled:
        row.outcome = CancelOutcome::AlreadyCanceled;
        row.message = fmt::format("already canceled when {} checked it", who);
        break;
    case JournalState::Refused:
        row.outcome = CancelOutcome::Refused;
        row.message = fmt::format("refused when {} checked it: {}", who, e.result_message);
        break;
    default:
        row.outcome = CancelOutcome::Failed;
        row.message = fmt::format("{} did not cancel it: {}; run the command again to retry", who,
                                  e.result_message.empty() ? std::string("no reason recorded") : e.result_message);
        break;
    }
}

} // namespace

const std::optional<JournalRun>& CancelService::run_of(std::int64_t id) {
    auto it = m_runs.find(id);
    if (it == m_runs.end()) {
        it = m_runs.emplace(id, m_store.journal_run(id)).first;
    }
    return it->second;
}

bool CancelService::held_elsewhere(const JournalEntry& e) {
    if (!in_flight(e.state) || e.run_id == 0 || e.run_id == m_store.journal_run_id()) {
        return false;
    }
    const auto& run = run_of(e.run_id);
    return run && run->alive;
}

CancelPlanItem CancelService::elsewhere_item(const JournalEntry& e, CancelReason reason) {
    CancelPlanItem item;
    item.order_id = e.order_id;
    item.reason = parse_cancel_reason(e.reason).value_or(reason);
    item.outcome = CancelOutcome::Elsewhere;
    item.feed_id = e.feed_id;
    item.seen_journal = e.id;
    item.message = fmt::format("handled by {}: {}", run_text(e, run_of(e.run_id)), state_text(e));
    return item;
}

void CancelService::await_elsewhere(std::vector<CancelRow>& rows, bool may_wait) {
    std::vector<std::size_t> open;
    for (std::size_t i = 0; i < rows.size(); ++i) {
        if (rows[i].outcome == CancelOutcome::Elsewhere) {
            open.push_back(i);
        }
    }
    if (open.empty()) {
        return;
    }
    const auto deadline = m_clock.now() + (may_wait ? m_options.wait_timeout : std::chrono::milliseconds(0));
    if (may_wait) {
        m_events.note(fmt::format("waiting for {} that other runs handle",
                                  count_noun(static_cast<long long>(open.size()), "order")));
    }
    auto poll = m_options.poll_interval;
    std::map<std::string, JournalEntry> last; // the newest row of each order still open
    for (;;) {
        std::vector<std::string> ids;
        ids.reserve(open.size());
        for (const std::size_t i : open) {
            ids.push_back(rows[i].order_id);
        }
        last = m_store.journal_latest(ids);
        std::map<std::int64_t, bool> alive; // per run, this round
        std::erase_if(open, [&](std::size_t i) {
            const auto it = last.find(rows[i].order_id);
            if (it == last.end()) {
                return false; // the other run's claim is not visible yet
            }
            const JournalEntry& e = it->second;
            if (!in_flight(e.state)) {
                settle_from(rows[i], e);
                return true;
            }
            if (!alive.contains(e.run_id)) {
                const auto run = e.run_id == 0 ? std::nullopt : m_store.journal_run(e.run_id);
                alive[e.run_id] = run && run->alive;
            }
            if (!alive[e.run_id]) {
                rows[i].feed_id = e.feed_id;
                rows[i].message = fmt::format("in flight in {}, which is not running any more ({}): "
                                              "`asc cancellations resume` completes it",
                                              run_text(e, std::nullopt), state_text(e));
                return true;
            }
            return false;
        });
        if (open.empty() || m_clock.now() >= deadline) {
            break;
        }
        if (interrupted()) {
            throw Error(ErrorKind::Interrupted, "interrupted while waiting for orders other runs handle",
                        "nothing of theirs is affected; `asc cancellations list` shows how they end");
        }
        const auto left = deadline - m_clock.now();
        m_clock.sleep_for(std::clamp<std::chrono::nanoseconds>(left, std::chrono::nanoseconds(0), poll));
        poll = std::min(poll * 2, m_options.max_poll_interval);
    }
    for (const std::size_t i : open) {
        const auto it = last.find(rows[i].order_id);
        if (it == last.end()) {
            continue; // keeps the claim's message
        }
        rows[i].feed_id = it->second.feed_id;
        rows[i].message =
            fmt::format("handled by {}: {}; follow it with `asc cancellations list --order {}`",
                        run_text(it->second, m_store.journal_run(it->second.run_id)), state_text(it->second),
                        rows[i].order_id);
    }
}

} // namespace asc
