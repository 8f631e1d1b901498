// The cancel service's recovery in pages: the flights an earlier run left are worked on one at a
// time, each one's rows read from the journal `recovery_page` rows at a time (3 here, so that
// every feed crosses page boundaries), settled and reported as they go. What it decides must be
// what one pass over all the rows decided: every order canceled once, each row reported once, in
// MessageID order, feed after feed.

#include "asc/base/errors.hpp"
#include "asc/cancel/cancel.hpp"
#include "cancel_harness.hpp"

#include <doctest/doctest.h>
#include <set>
#include <string>
#include <vector>

using asc::CancelOutcome;
using asc::CancelReason;
using asc::JournalState;

namespace {

struct Crash {};

struct Harness : asc_test::CancelHarness {
    explicit Harness(const std::string& run_by = "ops@host-a") : CancelHarness(run_by) {
        options.recovery_page = 3;
    }

    void crash_at(const std::string& at) {
        options.on_step = [at](std::string_view step) {
            if (step == at) {
                throw Crash{};
            }
        };
    }

    // `n` orders, id(1) .. id(n), sent by a run that dies at `at`.
    std::vector<std::string> crashed_run(int n, const std::string& at) {
        std::vector<std::string> ids;
        for (int i = 1; i <= n; ++i) {
            amazon.add({.id = id(i)});
            ids.push_back(id(i));
        }
        crash_at(at);
        {
            asc::CancelService service(orders, feeds, store, clock, asc::no_events(), options);
            CHECK_THROWS_AS((void)service.run(ids, CancelReason::NoInventory), Crash);
        }
        options.on_step = nullptr;
        return ids;
    }

    // `cancellations resume`, the recovered rows handed to a sink (none kept in the plan).
    asc::CancelResult resume(std::vector<asc::CancelRow>& recovered) {
        options.on_recovered = [&recovered](asc::CancelRow&& row) { recovered.push_back(std::move(row)); };
        asc::CancelService service(orders, feeds, store, clock, asc::no_events(), options);
        asc::CancelPlan plan = service.plan({}, CancelReason::NoInventory, true);
        CHECK(plan.recovered.empty());
        options.on_recovered = nullptr;
        return service.execute(std::move(plan));
    }

    static std::string id(int n) { return fmt::format("113-{:07}-{:07}", n, n * 11); }

    int calls(const std::string& op) { return amazon.calls[op]; }

    std::set<JournalState> states() {
        std::set<JournalState> out;
        for (const auto& e : store.journal_entries({})) {
            out.insert(e.state);
        }
        return out;
    }
};

std::vector<std::string> ids_of(const std::vector<asc::CancelRow>& rows) {
    std::vector<std::string> out;
    for (const auto& r : rows) {
        out.push_back(r.order_id);
    }
    return out;
}

} // namespace

TEST_SUITE_BEGIN("core::cancel::recovery");

TEST_CASE("recovery reads a feed of more rows than a page a page at a time, each row once, in MessageID order") {
    Harness h;
    h.amazon.polls_before_done = 2;
    const auto ids = h.crashed_run(8, "waiting");
    CHECK(h.states() == std::set<JournalState>{JournalState::Submitted});
    // Amazon processes the feed after the crash; one order shipped meanwhile (message 5, page 2).
    h.amazon.orders[Harness::id(5)].status = "SHIPPED";
    h.amazon.orders[Harness::id(5)].shipped = 1;

    std::vector<asc::CancelRow> recovered;
    const auto r = h.resume(recovered);
    CHECK(r.rows.empty());
    CHECK(ids_of(recovered) == ids);
    for (const auto& row : recovered) {
        CAPTURE(row.order_id);
        if (row.order_id == Harness::id(5)) {
            CHECK(row.outcome == CancelOutcome::Failed);
            CHECK(row.result_code == "25");
        } else {
            CHECK(row.outcome == CancelOutcome::Canceled);
            CHECK(h.amazon.orders[row.order_id].cancellations == 1);
        }
        CHECK_FALSE(row.feed_id.empty());
    }
    CHECK(h.states() == std::set<JournalState>{JournalState::Canceled, JournalState::Failed});
    CHECK(h.calls("createFeed") == 1);
}

TEST_CASE("a rerun of the same batch reports the orders recovery canceled across pages as canceled by the feed") {
    Harness h;
    h.amazon.polls_before_done = 2;
    const auto ids = h.crashed_run(7, "waiting");
    asc::CancelService service(h.orders, h.feeds, h.store, h.clock, asc::no_events(), h.options);
    const auto r = service.run(ids, CancelReason::NoInventory);
    REQUIRE(r.rows.size() == 7);
    CHECK(r.recovered.empty()); // all of them were this run's input
    for (const auto& row : r.rows) {
        CAPTURE(row.order_id);
        CHECK(row.outcome == CancelOutcome::Canceled);
        CHECK(row.message == "canceled by feed " + row.feed_id + " of an interrupted run");
    }
    CHECK(h.calls("createFeed") == 1);
}

TEST_CASE("a lost createFeed answer recovered across page boundaries settles each row from its order") {
    for (const std::size_t threshold : {std::size_t{20}, std::size_t{2}}) {
        CAPTURE(threshold); // 2: the orders are read through a sync, one for each pass, not one a page
        Harness h;
        h.options.fresh_state_threshold = threshold;
        const auto ids = h.crashed_run(8, "before-create-feed");
        CHECK(h.states() == std::set<JournalState>{JournalState::Submitting});
        // What Amazon shows now: canceled by someone else (page 1 and page 3), unknown (page 2;
        // getOrder says so: a sync does not tell a deleted order from a quiet one); the others are
        // not canceled and nothing is in flight: they are sent again, once.
        h.amazon.orders[Harness::id(2)].status = "CANCELLED";
        h.amazon.orders[Harness::id(7)].status = "CANCELLED";
        const bool by_get = threshold > 8;
        if (by_get) {
            h.amazon.orders.erase(Harness::id(4));
        }
        const int syncs_before = h.calls("searchOrders");

        std::vector<asc::CancelRow> recovered;
        const auto r = h.resume(recovered);
        std::vector<std::string> settled{Harness::id(2), Harness::id(7)};
        if (by_get) {
            settled.insert(settled.begin() + 1, Harness::id(4));
        }
        REQUIRE(ids_of(recovered) == settled);
        CHECK(recovered.front().outcome == CancelOutcome::Canceled);
        CHECK(recovered.front().feed_id.empty());
        CHECK(recovered.front().message.find("confirmed by the order's state") != std::string::npos);
        CHECK(recovered.back().outcome == CancelOutcome::Canceled);
        if (by_get) {
            CHECK(recovered[1].outcome == CancelOutcome::Failed);
        }
        // The orders planned again are sent in one new feed by the same resume.
        REQUIRE(r.rows.size() == (by_get ? 5U : 6U));
        for (const auto& row : r.rows) {
            CAPTURE(row.order_id);
            CHECK(row.outcome == CancelOutcome::Canceled);
            CHECK(h.amazon.orders[row.order_id].cancellations == 1);
        }
        CHECK(h.calls("createFeed") == 1);
        if (threshold == 2) {
            // Pass 1 (what is Canceled already) and pass 2 (after the wait) sync once each, and
            // the plan of the rows sent again once: not once a page.
            CHECK(h.calls("searchOrders") - syncs_before == 3);
        }
    }
}

TEST_CASE("an unknown outcome still open after the wait stays submitting on every page, nothing sent again") {
    Harness h;
    const auto ids = h.crashed_run(7, "after-create-feed");
    h.options.wait = false; // the createFeed may still arrive: nothing may be concluded
    std::vector<asc::CancelRow> recovered;
    const auto r = h.resume(recovered);
    CHECK(ids_of(recovered) == ids);
    for (const auto& row : recovered) {
        CHECK(row.outcome == CancelOutcome::Submitted);
    }
    CHECK(h.states() == std::set<JournalState>{JournalState::Submitting});
    CHECK(h.calls("createFeed") == 1);
    // With waiting, the feed that did reach Amazon finishes and the orders say they are canceled.
    h.options.wait = true;
    recovered.clear();
    (void)h.resume(recovered);
    CHECK(ids_of(recovered) == ids);
    for (const auto& row : recovered) {
        CHECK(row.outcome == CancelOutcome::Canceled);
        CHECK(h.amazon.orders[row.order_id].cancellations == 1);
    }
    CHECK(h.calls("createFeed") == 1);
}

TEST_CASE("another host's run of several feeds, each more than a page, is taken over and completed once") {
    Harness other("ops@host-b");
    other.options.max_messages_per_feed = 4; // 10 orders: feeds of 4, 4 and 2
    other.amazon.polls_before_done = 3;
    const auto ids = other.crashed_run(10, "waiting");
    CHECK(other.calls("createFeed") == 3);
    for (const auto& e : other.store.journal_entries({})) {
        CHECK(e.run_by == "ops@host-b");
        CHECK(e.state == JournalState::Submitted);
    }
    // This host resumes on the same store: the run of host-b is gone, its claims are taken over.
    other.options.run_by = "ops@host-a";
    std::vector<asc::CancelRow> recovered;
    const auto r = other.resume(recovered);
    CHECK(ids_of(recovered) == ids); // feed after feed, each in MessageID order
    std::set<std::string> feeds;
    for (const auto& row : recovered) {
        CAPTURE(row.order_id);
        CHECK(row.outcome == CancelOutcome::Canceled);
        CHECK(other.amazon.orders[row.order_id].cancellations == 1);
        feeds.insert(row.feed_id);
    }
    CHECK(feeds.size() == 3);
    CHECK(other.states() == std::set<JournalState>{JournalState::Canceled});
    CHECK(other.calls("createFeed") == 3);
    // Nothing is left in flight: a second resume finds nothing.
    recovered.clear();
    const auto again = other.resume(recovered);
    CHECK(recovered.empty());
    CHECK(again.rows.empty());
}

TEST_CASE("a dry run counts the planned rows an interrupted run left, a page at a time, and changes nothing") {
    Harness h;
    const auto ids = h.crashed_run(8, "after-document");
    const auto before = h.store.journal_entries({});
    REQUIRE(before.size() == 8);
    CHECK(h.states() == std::set<JournalState>{JournalState::Planned});
    h.options.dry_run = true;
    asc::CancelService service(h.orders, h.feeds, h.store, h.clock, asc::no_events(), h.options);
    // Two of them are this dry run's input (pages of 3: the boundaries fall between them).
    const auto plan = service.plan({ids[2], ids[6]}, CancelReason::NoInventory);
    CHECK(plan.left_for_resume == 6);
    CHECK(plan.count(CancelOutcome::WouldCancel) == 2);
    const auto after = h.store.journal_entries({});
    REQUIRE(after.size() == before.size());
    for (std::size_t i = 0; i < after.size(); ++i) {
        CHECK(after[i].state == before[i].state);
        CHECK(after[i].updated_at == before[i].updated_at);
    }
}

TEST_SUITE_END();
