// The cancel service's chunked run (CancelService::run_chunked) against a fake Amazon, with chunks
// of two ids so that every boundary falls inside the batch: input order and deduplication across
// chunks, one sync for the whole batch, a failure in the second chunk, an interruption between two
// chunks and what resume and a rerun make of it, a dry run; and a resume of more planned rows than a
// chunk (CancelService::resume_chunked).

#include "asc/base/errors.hpp"
#include "asc/base/interrupt.hpp"
#include "asc/cancel/cancel.hpp"
#include "cancel_harness.hpp"

#include <algorithm>
#include <doctest/doctest.h>
#include <set>
#include <stdexcept>
#include <tuple>

using asc_test::row_for;

using asc::CancelOutcome;
using asc::CancelReason;

namespace {

struct Harness : asc_test::CancelHarness {
    Harness() : CancelHarness("ops@host") {
        options.plan_chunk = 2;
        options.max_messages_per_feed = 2;
    }

    asc::CancelResult chunked(const std::vector<std::string>& ids, int* plans = nullptr) {
        asc::CancelService service(orders, feeds, store, clock, asc::no_events(), options);
        asc::IdList list;
        for (const std::string& i : ids) {
            list.push_back(i);
        }
        return service.run_chunked(list, CancelReason::NoInventory, [plans](asc::CancelPlan&) {
            if (plans != nullptr) {
                ++*plans;
            }
        });
    }

    asc::CancelResult resume() {
        asc::CancelService service(orders, feeds, store, clock, asc::no_events(), options);
        return service.execute(service.plan({}, CancelReason::NoInventory, true));
    }

    // `cancellations resume` as the CLI runs it: the planned rows a chunk at a time.
    asc::CancelResult resume_chunked(int* plans = nullptr, std::size_t* most = nullptr) {
        asc::CancelService service(orders, feeds, store, clock, asc::no_events(), options);
        return service.resume_chunked([plans, most](asc::CancelPlan& plan) {
            if (plans != nullptr) {
                ++*plans;
            }
            if (most != nullptr) {
                *most = std::max(*most, plan.items.size());
            }
        });
    }

    std::vector<asc::JournalEntry> journal() { return store.journal_entries({}); }
    int calls(const std::string& op) { return amazon.calls[op]; }
};

std::string id(int n) {
    return fmt::format("112-{:07}-{:07}", n, n * 7);
}

std::vector<std::string> ids_of(const asc::CancelResult& r) {
    std::vector<std::string> out;
    for (const auto& row : r.rows) {
        out.push_back(row.order_id);
    }
    return out;
}

} // namespace

TEST_SUITE_BEGIN("core::cancel::chunked");

TEST_CASE("a chunked run keeps input order, drops duplicates across chunks and syncs once") {
    Harness h;
    for (int n = 1; n <= 5; ++n) {
        h.amazon.add({.id = id(n), .status = n == 3 ? "SHIPPED" : "UNSHIPPED", .shipped = n == 3 ? 1 : 0});
    }
    h.options.fresh_state_threshold = 0; // every chunk reads the store: one sync for all of them
    int plans = 0;
    // Chunks: {1, 2}, {3, 4}, {5, "bad"}; the repeats of 1 and 2 fall in later chunks.
    const auto r = h.chunked({id(1), id(2), id(3), id(1), id(4), id(5), "bad", id(2)}, &plans);

    CHECK(plans == 3);
    CHECK(ids_of(r) == std::vector<std::string>{id(1), id(2), id(3), id(4), id(5), "bad"});
    CHECK(r.tally.total == 6);
    CHECK(row_for(r, id(3)).outcome == CancelOutcome::Refused);
    CHECK(row_for(r, "bad").outcome == CancelOutcome::InvalidId);
    for (const int n : {1, 2, 4, 5}) {
        CHECK(row_for(r, id(n)).outcome == CancelOutcome::Canceled);
        CHECK(h.amazon.orders[id(n)].cancellations == 1);
    }
    REQUIRE(r.feed_ids.size() == 2); // feeds filled across chunks: {1, 2}, {4, 5}
    CHECK(row_for(r, id(1)).feed_id == r.feed_ids[0]);
    CHECK(row_for(r, id(4)).feed_id == r.feed_ids[1]);
    CHECK(row_for(r, id(5)).feed_id == r.feed_ids[1]);
    CHECK(h.calls("searchOrders") == 1);
    CHECK(h.calls("getOrder") == 0);

    // One batch, its feeds numbered on across the chunks, MessageIDs from 1 in each feed.
    std::set<std::string> batches;
    std::set<std::tuple<std::string, int, std::int64_t>> slots;
    for (const auto& e : h.journal()) {
        batches.insert(e.batch_id);
        if (e.state == asc::JournalState::Canceled) {
            slots.emplace(e.order_id, e.feed_seq, e.message_id.value_or(0));
        }
    }
    CHECK(batches.size() == 1);
    CHECK(slots == std::set<std::tuple<std::string, int, std::int64_t>>{
                       {id(1), 1, 1}, {id(2), 1, 2}, {id(4), 2, 1}, {id(5), 2, 2}});
}

TEST_CASE("a chunked run's rows match the single plan's, and a batch of one chunk is one plan") {
    Harness one;
    Harness many;
    for (Harness* h : {&one, &many}) {
        for (int n = 1; n <= 4; ++n) {
            h->amazon.add({.id = id(n), .status = n == 2 ? "CANCELLED" : "UNSHIPPED"});
        }
    }
    one.options.plan_chunk = 10;
    one.options.max_messages_per_feed = 10;
    const auto a = one.chunked({id(1), id(2), id(3), id(4), id(9)});
    const auto b = many.chunked({id(1), id(2), id(3), id(4), id(9)});
    CHECK(a.feed_ids.size() == 1);
    CHECK(b.feed_ids.size() == 2);
    REQUIRE(a.rows.size() == b.rows.size());
    for (std::size_t i = 0; i < a.rows.size(); ++i) {
        CHECK(a.rows[i].order_id == b.rows[i].order_id);
        CHECK(a.rows[i].outcome == b.rows[i].outcome);
        CHECK(a.rows[i].reason == b.rows[i].reason);
        CHECK(a.rows[i].message == b.rows[i].message);
        CHECK(a.rows[i].result_code == b.rows[i].result_code);
    }
}

TEST_CASE("a failure in the second chunk stops the run; the rerun sends only what was not sent") {
    Harness h;
    for (int n = 1; n <= 6; ++n) {
        h.amazon.add({.id = id(n)});
    }
    int create_feeds = 0;
    h.amazon.fault = [&create_feeds](const std::string& op) -> std::optional<asc::HttpResponse> {
        if (op == "createFeed" && ++create_feeds == 2) { // a 429: Amazon did not create it
            return asc_test::respond(429, R"({"errors":[{"code":"QuotaExceeded","message":"slow down"}]})");
        }
        return std::nullopt;
    };
    const std::vector<std::string> ids{id(1), id(2), id(3), id(4), id(5), id(6)};
    const auto r = h.chunked(ids);
    REQUIRE(r.error.has_value());
    CHECK(r.error->kind() == asc::ErrorKind::Temporary);
    CHECK(ids_of(r) == ids);
    CHECK(row_for(r, id(1)).outcome == CancelOutcome::Canceled);
    CHECK(row_for(r, id(2)).outcome == CancelOutcome::Canceled);
    for (const int n : {3, 4, 5, 6}) {
        CHECK(row_for(r, id(n)).outcome == CancelOutcome::Failed);
        CHECK(row_for(r, id(n)).message.find("not sent") != std::string::npos);
        CHECK(h.amazon.orders[id(n)].cancellations == 0);
    }
    // The second chunk is journaled (planned again); the third was never planned.
    std::set<std::string> journaled;
    for (const auto& e : h.journal()) {
        journaled.insert(e.order_id);
    }
    CHECK(journaled == std::set<std::string>{id(1), id(2), id(3), id(4)});

    h.amazon.fault = nullptr;
    const auto again = h.chunked(ids);
    CHECK_FALSE(again.error.has_value());
    CHECK(row_for(again, id(1)).outcome == CancelOutcome::AlreadyCanceled);
    CHECK(row_for(again, id(2)).outcome == CancelOutcome::AlreadyCanceled);
    for (const int n : {3, 4, 5, 6}) {
        CHECK(row_for(again, id(n)).outcome == CancelOutcome::Canceled);
    }
    for (const int n : {1, 2, 3, 4, 5, 6}) {
        CHECK(h.amazon.orders[id(n)].cancellations == 1);
    }
}

TEST_CASE("an interruption between two chunks: resume collects what was sent, a rerun sends the rest once") {
    Harness h;
    for (int n = 1; n <= 5; ++n) {
        h.amazon.add({.id = id(n)});
    }
    h.amazon.polls_before_done = 0;
    h.options.wait = false; // the first feed is only sent, as when Ctrl-C comes before its result
    h.options.on_step = [](std::string_view step) {
        if (step == "after-submit") {
            asc::set_interrupted();
        }
    };
    const std::vector<std::string> ids{id(1), id(2), id(3), id(4), id(5)};
    try {
        (void)h.chunked(ids);
        FAIL("not interrupted");
    } catch (const asc::Error& e) {
        CHECK(e.kind() == asc::ErrorKind::Interrupted);
    }
    asc::clear_interrupted();
    h.options.on_step = nullptr;
    h.options.wait = true;
    CHECK(h.calls("createFeed") == 1);
    CHECK(h.journal().size() == 2); // the second chunk was never planned

    const auto resumed = h.resume();
    CHECK(resumed.recovered.size() == 2);
    for (const auto& row : resumed.recovered) {
        CHECK(row.outcome == CancelOutcome::Canceled);
    }
    const auto again = h.chunked(ids);
    CHECK(ids_of(again) == ids);
    CHECK(row_for(again, id(1)).outcome == CancelOutcome::AlreadyCanceled);
    for (const int n : {3, 4, 5}) {
        CHECK(row_for(again, id(n)).outcome == CancelOutcome::Canceled);
    }
    for (const int n : {1, 2, 3, 4, 5}) {
        CHECK(h.amazon.orders[id(n)].cancellations == 1);
    }
}

TEST_CASE("resume plans an interrupted run's planned rows a chunk at a time and sends each once") {
    Harness h;
    for (int n = 1; n <= 5; ++n) {
        h.amazon.add({.id = id(n)});
    }
    // One plan of five, killed once journaled: five planned rows, nothing sent.
    h.options.plan_chunk = 10;
    h.options.max_messages_per_feed = 10;
    h.options.on_step = [](std::string_view step) {
        if (step == "after-plan") {
            throw std::runtime_error("killed");
        }
    };
    CHECK_THROWS_AS((void)h.chunked({id(5), id(3), id(1), id(4), id(2)}), std::runtime_error);
    h.options.on_step = nullptr;
    CHECK(h.journal().size() == 5);
    CHECK(h.calls("createFeed") == 0);
    // Order 2 shipped in between: the guard refuses it when it is planned again.
    h.amazon.orders[id(2)].status = "SHIPPED";
    h.amazon.orders[id(2)].shipped = 1;
    h.options.plan_chunk = 2;
    h.options.max_messages_per_feed = 3;
    int plans = 0;
    std::size_t most = 0;
    const auto r = h.resume_chunked(&plans, &most);
    CHECK(plans == 3); // {1, 2}, {3, 4}, {5}, in order id order
    CHECK(most == 2);  // never more than a chunk planned at once
    CHECK(ids_of(r) == std::vector<std::string>{id(1), id(2), id(3), id(4), id(5)});
    CHECK(row_for(r, id(2)).outcome == CancelOutcome::Refused);
    for (const int n : {1, 3, 4, 5}) {
        CHECK(row_for(r, id(n)).outcome == CancelOutcome::Canceled);
        CHECK(h.amazon.orders[id(n)].cancellations == 1);
    }
    CHECK(h.calls("createFeed") == 2); // feeds of 3 filled across chunks: {1, 3, 4}, {5}
    const auto again = h.resume_chunked();
    CHECK(again.tally.total == 0);
    CHECK(h.calls("createFeed") == 2);
}

TEST_CASE("a chunked dry run plans every chunk in input order and sends and journals nothing") {
    Harness h;
    for (int n = 1; n <= 5; ++n) {
        h.amazon.add({.id = id(n), .status = n == 4 ? "PENDING" : "UNSHIPPED"});
    }
    h.options.dry_run = true;
    const auto r = h.chunked({id(5), id(4), id(3), id(2), id(1)});
    CHECK(ids_of(r) == std::vector<std::string>{id(5), id(4), id(3), id(2), id(1)});
    CHECK(row_for(r, id(4)).outcome == CancelOutcome::Refused);
    CHECK(r.tally.count(CancelOutcome::WouldCancel) == 4);
    CHECK(h.calls("createFeed") == 0);
    CHECK(h.journal().empty());
}

TEST_CASE("a batch confirmed from an earlier plan sends only the orders the user confirmed") {
    Harness h;
    for (int n = 1; n <= 5; ++n) {
        h.amazon.add({.id = id(n)});
    }
    // Order 3 was not cancelable when the user was asked (say Pending), and is now.
    h.options.confirmed = [](std::string_view order_id) { return order_id != id(3); };
    const auto r = h.chunked({id(1), id(2), id(3), id(4), id(5)});
    CHECK(row_for(r, id(3)).outcome == CancelOutcome::Refused);
    CHECK(row_for(r, id(3)).message.find("not in the plan you confirmed") != std::string::npos);
    CHECK(h.amazon.orders[id(3)].cancellations == 0);
    for (const int n : {1, 2, 4, 5}) {
        CHECK(row_for(r, id(n)).outcome == CancelOutcome::Canceled);
        CHECK(h.amazon.orders[id(n)].cancellations == 1);
    }
}

TEST_CASE("a feed is filled from several chunks, each journaled before the feed goes out") {
    Harness h;
    for (int n = 1; n <= 7; ++n) {
        h.amazon.add({.id = id(n), .status = n == 2 ? "SHIPPED" : "UNSHIPPED", .shipped = n == 2 ? 1 : 0});
    }
    h.options.max_messages_per_feed = 5; // chunks of 2 ids: {1, 2}, {3, 4}, {5, 6}, {7}
    std::size_t planned_rows_at_send = 0;
    h.options.on_step = [&](std::string_view step) {
        if (step == "before-create-feed" && planned_rows_at_send == 0) {
            planned_rows_at_send = h.journal().size();
        }
    };
    int plans = 0;
    const auto r = h.chunked({id(1), id(2), id(3), id(4), id(5), id(6), id(7)}, &plans);
    CHECK(plans == 4);
    CHECK(r.tally.count(CancelOutcome::Canceled) == 6);
    CHECK(row_for(r, id(2)).outcome == CancelOutcome::Refused);
    REQUIRE(r.feed_ids.size() == 2); // {1, 3, 4, 5, 6} from three chunks, then {7}
    for (const int n : {1, 3, 4, 5, 6}) {
        CHECK(row_for(r, id(n)).feed_id == r.feed_ids[0]);
    }
    CHECK(row_for(r, id(7)).feed_id == r.feed_ids[1]);
    // The first feed went out once every order it carries was journaled (and the refusal with them).
    CHECK(planned_rows_at_send == 6);
    std::set<std::tuple<std::string, int, std::int64_t>> slots;
    for (const auto& e : h.journal()) {
        if (e.state == asc::JournalState::Canceled) {
            slots.emplace(e.order_id, e.feed_seq, e.message_id.value_or(0));
        }
    }
    CHECK(slots == std::set<std::tuple<std::string, int, std::int64_t>>{
                       {id(1), 1, 1}, {id(3), 1, 2}, {id(4), 1, 3}, {id(5), 1, 4}, {id(6), 1, 5}, {id(7), 2, 1}});
    for (int n = 1; n <= 7; ++n) {
        CHECK(h.amazon.orders[id(n)].cancellations == (n == 2 ? 0 : 1));
    }
}

TEST_CASE("a feed's result is recorded from rows read back from the spill a piece at a time") {
    Harness h;
    constexpr int k_orders = 1'100; // more than two pieces of k_outcome_chunk rows, in one feed
    std::vector<std::string> ids;
    for (int n = 1; n <= k_orders; ++n) {
        h.amazon.add({.id = id(n)});
        ids.push_back(id(n));
    }
    h.options.plan_chunk = 300;
    h.options.max_messages_per_feed = k_orders;
    // Order 700 ships after it was planned: Amazon's report names its message.
    h.options.on_step = [&](std::string_view step) {
        if (step == "before-create-feed") {
            h.amazon.orders[id(700)].status = "SHIPPED";
        }
    };
    const auto r = h.chunked(ids);
    REQUIRE(r.feed_ids.size() == 1);
    REQUIRE(r.rows.size() == ids.size());
    CHECK(ids_of(r) == ids);
    CHECK(r.tally.count(CancelOutcome::Canceled) == k_orders - 1);
    const auto& shipped = row_for(r, id(700));
    CHECK(shipped.outcome == CancelOutcome::Failed);
    CHECK(shipped.result_code == "25");
    CHECK(shipped.feed_id == r.feed_ids[0]);
    std::size_t canceled = 0;
    for (const auto& e : h.journal()) {
        if (e.order_id == id(700)) {
            CHECK(e.state == asc::JournalState::Failed);
            CHECK(e.message_id == 700);
        } else if (e.state == asc::JournalState::Canceled && e.feed_id == r.feed_ids[0]) {
            ++canceled;
        }
    }
    CHECK(canceled == k_orders - 1);
}

TEST_CASE("a lost createFeed answer for a feed filled from several chunks is settled from the orders") {
    Harness h;
    for (int n = 1; n <= 5; ++n) {
        h.amazon.add({.id = id(n)});
    }
    h.options.max_messages_per_feed = 10; // one feed from three chunks
    h.amazon.after_create_feed = [](const std::string&) -> std::optional<asc::HttpResponse> {
        return asc_test::transport_error(asc::TransportError::Timeout, "timed out");
    };
    const auto r = h.chunked({id(1), id(2), id(3), id(4), id(5)});
    CHECK(h.calls("createFeed") == 1);
    CHECK_FALSE(r.error.has_value());
    for (int n = 1; n <= 5; ++n) {
        CHECK(row_for(r, id(n)).outcome == CancelOutcome::Canceled);
        CHECK(row_for(r, id(n)).feed_id.empty()); // confirmed by the order's state, no feed named
        CHECK(h.amazon.orders[id(n)].cancellations == 1);
    }
}

TEST_SUITE_END();
