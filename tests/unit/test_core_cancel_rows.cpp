// The rows of a cancel run as a pure function of the plan and of what became of each feed
// (cancel_rows.hpp): no transport, no store, no fakes.

#include "asc/cancel/cancel_rows.hpp"

#include <doctest/doctest.h>

using asc::CancelOutcome;
using asc::CancelPlanItem;
using asc::FeedProgress;
using asc::FlightState;

namespace {

CancelPlanItem item(const std::string& id, CancelOutcome outcome = CancelOutcome::WouldCancel,
                    const std::string& message = "") {
    CancelPlanItem i;
    i.order_id = id;
    i.reason = asc::CancelReason::NoInventory;
    i.outcome = outcome;
    i.message = message;
    return i;
}

FeedProgress settled(const std::string& feed_id) {
    FeedProgress f;
    f.state = FlightState::Submitted;
    f.feed_id = feed_id;
    f.settled = true;
    f.outcome = CancelOutcome::Canceled;
    return f;
}

} // namespace

TEST_CASE("cancel rows: a flight is in one of the three in-flight journal states, never another") {
    for (const FlightState s : {FlightState::Planned, FlightState::Submitting, FlightState::Submitted}) {
        CHECK(asc::flight_state(asc::journal_state(s)) == s);
        CHECK(asc::is_in_flight(asc::journal_state(s)));
    }
    CHECK(asc::journal_state(FlightState::Submitting) == asc::JournalState::Submitting);
    CHECK_FALSE(asc::flight_state(asc::JournalState::Canceled).has_value());
    CHECK_FALSE(asc::flight_state(asc::JournalState::Refused).has_value());
}

TEST_CASE("cancel rows: one row per item in plan order; items not sent keep what the plan found") {
    std::vector<CancelPlanItem> items{item("111-0000001-0000001"),
                                      item("111-0000002-0000002", CancelOutcome::Refused, "the order is Shipped"),
                                      item("111-0000003-0000003"), item("bogus", CancelOutcome::InvalidId, "not an id")};
    const auto rows = asc::cancel_rows(items, {settled("F1")}, 10, "");
    REQUIRE(rows.size() == 4);
    CHECK(rows[0].order_id == "111-0000001-0000001");
    CHECK(rows[0].outcome == CancelOutcome::Canceled);
    CHECK(rows[0].feed_id == "F1");
    CHECK(rows[0].reason == "NoInventory");
    CHECK(rows[1].outcome == CancelOutcome::Refused);
    CHECK(rows[1].message == "the order is Shipped");
    CHECK(rows[1].feed_id.empty());
    CHECK(rows[2].outcome == CancelOutcome::Canceled);
    CHECK(rows[3].outcome == CancelOutcome::InvalidId);
}

TEST_CASE("cancel rows: a message Amazon reported on gets its own row; the others share the feed's outcome") {
    FeedProgress feed = settled("F1");
    feed.own[2] = asc::CancelRow{"111-0000002-0000002", CancelOutcome::Failed, "NoInventory", "F1", "25",
                                 "order already shipped"};
    const auto rows = asc::cancel_rows(
        {item("111-0000001-0000001"), item("111-0000002-0000002"), item("111-0000003-0000003")}, {feed}, 10, "");
    CHECK(rows[0].outcome == CancelOutcome::Canceled);
    CHECK(rows[1].outcome == CancelOutcome::Failed);
    CHECK(rows[1].result_code == "25");
    CHECK(rows[1].message == "order already shipped");
    CHECK(rows[2].outcome == CancelOutcome::Canceled);
}

TEST_CASE("cancel rows: would-cancel items go to the feeds per_feed at a time, MessageID 1, 2, ... in each") {
    FeedProgress first = settled("F1");
    first.own[2] = asc::CancelRow{"111-0000002-0000002", CancelOutcome::Failed, "NoInventory", "F1", "18028", "x"};
    FeedProgress second = settled("F2");
    second.own[1] = asc::CancelRow{"111-0000004-0000004", CancelOutcome::Failed, "NoInventory", "F2", "25", "y"};
    const auto rows = asc::cancel_rows({item("111-0000001-0000001"), item("111-0000002-0000002"),
                                        item("111-0000009-0000009", CancelOutcome::AlreadyCanceled),
                                        item("111-0000003-0000003"), item("111-0000004-0000004")},
                                       {first, second}, 3, "");
    CHECK(rows[0].feed_id == "F1");
    CHECK(rows[1].result_code == "18028");
    CHECK(rows[2].outcome == CancelOutcome::AlreadyCanceled);
    CHECK(rows[3].feed_id == "F1"); // the third message of the first feed
    CHECK(rows[3].outcome == CancelOutcome::Canceled);
    CHECK(rows[4].feed_id == "F2"); // message 1 of the second feed
    CHECK(rows[4].result_code == "25");
}

TEST_CASE("cancel rows: a feed not settled says how far it got") {
    FeedProgress pending;
    pending.state = FlightState::Submitted;
    pending.feed_id = "F7";
    const auto sent = asc::feed_row(pending, "111-0000001-0000001", "NoInventory", 1, "");
    CHECK(sent.outcome == CancelOutcome::Submitted);
    CHECK(sent.feed_id == "F7");
    CHECK(sent.message.find("asc feeds show F7") != std::string::npos);

    pending.pending_reason = "Amazon is still processing feed F7 after 30m";
    CHECK(asc::feed_row(pending, "111-0000001-0000001", "NoInventory", 1, "").message ==
          "Amazon is still processing feed F7 after 30m; `asc cancellations resume` collects the result");

    FeedProgress lost;
    lost.state = FlightState::Submitting;
    const auto unknown = asc::feed_row(lost, "111-0000001-0000001", "NoInventory", 1, "connection reset");
    CHECK(unknown.outcome == CancelOutcome::Failed);
    CHECK(unknown.feed_id.empty());
    CHECK(unknown.message.find("not known whether Amazon received it (connection reset)") == 0);

    FeedProgress planned; // never sent: an earlier feed stopped the run
    const auto not_sent = asc::feed_row(planned, "111-0000001-0000001", "NoInventory", 1, "HTTP 503");
    CHECK(not_sent.outcome == CancelOutcome::Failed);
    CHECK(not_sent.message == "not sent (HTTP 503); run the command again or `asc cancellations resume`");
    CHECK(asc::feed_row(planned, "111-0000001-0000001", "NoInventory", 1, "").message ==
          "not sent; run the command again or `asc cancellations resume`");
}

TEST_CASE("cancel rows: a dry run (no feeds) reports every item as planned") {
    const auto rows = asc::cancel_rows({item("111-0000001-0000001")}, {}, 10, "");
    REQUIRE(rows.size() == 1);
    CHECK(rows[0].outcome == CancelOutcome::WouldCancel);
}

TEST_CASE("a tally counts every outcome in its own slot, the newest one too") {
    // An outcome added to the enum without room in the tally overwrote `total` (handled_elsewhere).
    for (std::size_t o = 0; o < asc::k_cancel_outcomes; ++o) {
        asc::CancelTally t;
        t.add(static_cast<asc::CancelOutcome>(o));
        t.add(static_cast<asc::CancelOutcome>(o));
        CHECK(t.total == 2);
        for (std::size_t other = 0; other < asc::k_cancel_outcomes; ++other) {
            CHECK(t.count(static_cast<asc::CancelOutcome>(other)) == (other == o ? 2U : 0U));
        }
        CHECK_FALSE(asc::to_string(static_cast<asc::CancelOutcome>(o)).empty());
    }
    CHECK(asc::to_string(asc::CancelOutcome::Elsewhere) == "handled_elsewhere");
}
