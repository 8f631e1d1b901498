#pragma once
// Part `cancel`: the result rows of a cancel run as a pure function of the plan and of what became
// of each feed (the last job of CancelService::execute), so that every row is tested without a
// transport or a store.

#include "asc/cancel/cancel.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace asc {

// How far the createFeed of one feed of a run got; its journal rows are in the state of the same
// name while its result is not known.
enum class FlightState {
    /// Journaled, not sent: createFeed never went out.
    Planned,
    /// createFeed may have reached Amazon and its answer is not recorded: the outcome is unknown.
    Submitting,
    /// Amazon accepted the feed (its id is recorded); its result is not known yet.
    Submitted,
};

// The journal state of its rows (planned, submitting, submitted), and back (nullopt for a state
// no feed in flight is in).
JournalState journal_state(FlightState state);
std::optional<FlightState> flight_state(JournalState state);

// What one feed of a run ended with, for the rows of its orders.
struct FeedProgress {
    FlightState state = FlightState::Planned;
    std::string feed_id;
    // Submitted: why its result is not known (still processing after the wait, an error reading
    // it); "" when the run did not wait.
    std::string pending_reason;
    // Whether every order's outcome is known. Each row then has `outcome`, `result_code` and
    // `message` (and the feed id, when one is recorded), unless `own` holds a row of its own for its
    // MessageID (an error Amazon reported for that message, a settled unknown outcome).
    bool settled = false;
    CancelOutcome outcome = CancelOutcome::Canceled;
    std::string result_code;
    std::string message;
    std::map<std::uint64_t, CancelRow> own;
};

// The row of the order `order_id` (cancel reason `reason`, Amazon's spelling) sent as MessageID
// `message_id` of `feed`. `stop` is what stopped the run early ("" when nothing did).
CancelRow feed_row(const FeedProgress& feed, std::string order_id, std::string reason,
                   std::uint64_t message_id, std::string_view stop);

// The row of a plan item that was not sent (anything but would_cancel, or a dry run).
CancelRow plan_row(CancelPlanItem item);

// The rows of a run, one per plan item in plan order: plan_row() for the items not sent, feed_row()
// for the would_cancel ones, which went out in `feeds` in plan order, `per_feed` to a feed
// (MessageID 1, 2, ... in each). Consumes the items.
std::vector<CancelRow> cancel_rows(std::vector<CancelPlanItem> items, const std::vector<FeedProgress>& feeds,
                                   std::size_t per_feed, std::string_view stop);
// The same rows handed to `sink` one at a time (the items' strings are moved out as it goes).
void each_cancel_row(std::vector<CancelPlanItem>& items, const std::vector<FeedProgress>& feeds,
                     std::size_t per_feed, std::string_view stop, const CancelRowSink& sink);

} // namespace asc
