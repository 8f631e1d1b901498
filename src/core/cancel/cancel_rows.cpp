// The result rows of a cancel run: a pure function of the plan and of what became of each feed
// (include/asc/cancel/cancel_rows.hpp).

#include "asc/cancel/cancel_rows.hpp"

#include <fmt/format.h>
#include <utility>

namespace asc {

JournalState journal_state(FlightState state) {
    switch (state) {
    case FlightState::Planned:
        return JournalState::Planned;
    case FlightState::Submitting:
        return JournalState::Submitting;
    case FlightState::Submitted:
        return JournalState::Submitted;
    }
    return JournalState::Planned;
}

std::optional<FlightState> flight_state(JournalState state) {
    for (const FlightState s : {FlightState::Planned, FlightState::Submitting, FlightState::Submitted}) {
        if (journal_state(s) == state) {
            return s;
        }
    }
    return std::nullopt;
}

CancelRow feed_row(const FeedProgress& feed, std::string order_id, std::string reason,
                   std::uint64_t message_id, std::string_view stop) {
    CancelRow row;
    row.order_id = std::move(order_id);
    row.reason = std::move(reason);
    if (feed.settled) {
        if (const auto own = feed.own.find(message_id); own != feed.own.end()) {
            return own->second;
        }
        row.outcome = feed.outcome;
        row.feed_id = feed.feed_id;
        row.result_code = feed.result_code;
        row.message = feed.message;
        return row;
    }
    switch (feed.state) {
    case FlightState::Submitted:
        row.outcome = CancelOutcome::Submitted;
        row.feed_id = feed.feed_id;
        row.message =
            !feed.pending_reason.empty()
                ? feed.pending_reason + "; `asc cancellations resume` collects the result"
                : fmt::format("sent in feed {}; `asc feeds show {}` shows its result when Amazon has "
                              "processed it",
                              feed.feed_id, feed.feed_id);
        break;
    case FlightState::Submitting:
        row.outcome = CancelOutcome::Failed;
        row.message = fmt::format("not known whether Amazon received it ({}); run the command again or `asc "
                                  "cancellations resume`: they find out before sending anything again",
                                  stop);
        break;
    case FlightState::Planned:
        row.outcome = CancelOutcome::Failed;
        row.message = fmt::format("not sent{}; run the command again or `asc cancellations resume`",
                                  stop.empty() ? std::string() : fmt::format(" ({})", stop));
        break;
    }
    return row;
}

CancelRow plan_row(CancelPlanItem item) {
    return {.order_id = std::move(item.order_id),
            .outcome = item.outcome,
            .reason = std::string(to_string(item.reason)),
            .feed_id = std::move(item.feed_id),
            .result_code = std::move(item.result_code),
            .message = std::move(item.message)};
}

void each_cancel_row(std::vector<CancelPlanItem>& items, const std::vector<FeedProgress>& feeds,
                     std::size_t per_feed, std::string_view stop, const CancelRowSink& sink) {
    std::size_t sent = 0; // the would_cancel items so far: their place in the feeds
    for (CancelPlanItem& item : items) {
        const std::size_t feed = per_feed == 0 ? feeds.size() : sent / per_feed;
        if (item.outcome != CancelOutcome::WouldCancel || feed >= feeds.size()) {
            sink(plan_row(std::move(item)));
            continue;
        }
        const std::uint64_t message_id = sent % per_feed + 1;
        ++sent;
        std::string reason(to_string(item.reason));
        sink(feed_row(feeds[feed], std::move(item.order_id), std::move(reason), message_id, stop));
    }
}

std::vector<CancelRow> cancel_rows(std::vector<CancelPlanItem> items, const std::vector<FeedProgress>& feeds,
                                   std::size_t per_feed, std::string_view stop) {
    std::vector<CancelRow> rows;
    rows.reserve(items.size());
    each_cancel_row(items, feeds, per_feed, stop, [&rows](CancelRow&& row) { rows.push_back(std::move(row)); });
    return rows;
}

} // namespace asc
