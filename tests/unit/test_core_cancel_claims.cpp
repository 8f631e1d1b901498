// The cancel service and claims ("Claims" in cancel.hpp): an order whose journal another run wrote
// after this run read it is not sent; it is reported as that run's outcome, or handled_elsewhere.
// On SQLite no second run can be alive, so "another run" here is a row written between plan() and
// execute(), as the run of another host would write it on a shared store.

#include "asc/amazon/lwa.hpp"
#include "asc/amazon/rate_limit.hpp"
#include "asc/amazon/sp_api.hpp"
#include "asc/cancel/cancel.hpp"
#include "cancel_harness.hpp"

#include <doctest/doctest.h>

using asc_test::row_for;

using asc::CancelOutcome;
using asc::CancelReason;
using asc::JournalState;

namespace {

struct Harness : asc_test::CancelHarness {
    Harness() : CancelHarness("ops@host-a") { options.wait_timeout = std::chrono::seconds(30); }
};

std::string id(int n) {
    return fmt::format("111-{:07}-{:07}", n, n * 3);
}

// A row of another run (another host) for `order_id`.
asc::JournalEntry other_run(const std::string& order_id, JournalState state) {
    asc::JournalEntry e;
    e.order_id = order_id;
    e.reason = "NoInventory";
    e.batch_id = "b-other";
    e.feed_seq = 1;
    e.message_id = 1;
    e.state = state;
    e.feed_id = state == JournalState::Canceled ? "F-OTHER" : "";
    e.created_at = asc::Timestamp{std::chrono::seconds{1'793'491'200}};
    e.updated_at = e.created_at;
    e.run_by = "ops@host-b";
    return e;
}

} // namespace

TEST_SUITE_BEGIN("core::cancel claims");

TEST_CASE("an order another run canceled after this run planned it is not sent, and reported canceled there") {
    Harness h;
    h.amazon.add({.id = id(1)});
    h.amazon.add({.id = id(2)});
    asc::CancelService service(h.orders, h.feeds, h.store, h.clock, asc::no_events(), h.options);
    asc::CancelPlan plan = service.plan({id(1), id(2)}, CancelReason::NoInventory);
    REQUIRE(plan.count(CancelOutcome::WouldCancel) == 2);
    h.store.journal_write(std::vector{other_run(id(2), JournalState::Canceled)});

    const auto r = service.execute(std::move(plan));
    CHECK(row_for(r, id(1)).outcome == CancelOutcome::Canceled);
    const auto& elsewhere = row_for(r, id(2));
    CHECK(elsewhere.outcome == CancelOutcome::AlreadyCanceled); // so its Magento step runs there, once
    CHECK(elsewhere.feed_id == "F-OTHER");
    CHECK(elsewhere.message == "canceled by another run (ops@host-b) in feed F-OTHER");
    CHECK(h.amazon.orders[id(2)].status == "UNSHIPPED"); // this run never sent it
    CHECK(h.amazon.orders[id(1)].status == "CANCELLED");
    CHECK(h.store.journal_entries({.order_id = id(2)}).size() == 1); // only the other run's row
    const auto mine = h.store.journal_entries({.order_id = id(1)});
    REQUIRE(mine.size() == 1);
    CHECK(mine[0].message_id == 1); // the feed was numbered without the lost order
}

TEST_CASE("an order still in flight in a run that is gone is handled_elsewhere, pointing to resume") {
    Harness h;
    h.amazon.add({.id = id(1)});
    asc::CancelService service(h.orders, h.feeds, h.store, h.clock, asc::no_events(), h.options);
    asc::CancelPlan plan = service.plan({id(1)}, CancelReason::NoInventory);
    // Another run claimed it (an older asc without runs, or a run that died right after).
    h.store.journal_write(std::vector{other_run(id(1), JournalState::Planned)});

    const auto r = service.execute(std::move(plan));
    REQUIRE(r.rows.size() == 1);
    CHECK(r.rows[0].outcome == CancelOutcome::Elsewhere);
    CHECK(r.rows[0].message.find("not running any more") != std::string::npos);
    CHECK(r.rows[0].message.find("`asc cancellations resume`") != std::string::npos);
    CHECK(h.amazon.calls["createFeed"] == 0);
    CHECK(r.feed_ids.empty());
}

TEST_CASE("a refusal another run journaled after this run planned is reported as that run's") {
    Harness h;
    h.amazon.add({.id = id(1)});
    asc::CancelService service(h.orders, h.feeds, h.store, h.clock, asc::no_events(), h.options);
    asc::CancelPlan plan = service.plan({id(1)}, CancelReason::NoInventory);
    auto refused = other_run(id(1), JournalState::Refused);
    refused.result_message = "order is Shipped";
    h.store.journal_write(std::vector{refused});
    const auto r = service.execute(std::move(plan));
    REQUIRE(r.rows.size() == 1);
    CHECK(r.rows[0].outcome == CancelOutcome::Refused);
    CHECK(r.rows[0].message == "refused when another run (ops@host-b) checked it: order is Shipped");
    CHECK(h.amazon.calls["createFeed"] == 0);
}

TEST_SUITE_END();
