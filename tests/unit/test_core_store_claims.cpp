// Claims (schema 9; "Claims" in store.hpp) on both backends: a row is written only while the
// order's journal is as the run read it, a live run's claims are its own, a gone run's are taken
// over. On PostgreSQL two connections stand for two hosts running at once; a run dies when the
// server ends its session (as kill -9 or a lost host would).

#include "asc/base/errors.hpp"
#include "asc/store/store.hpp"
#include "store_test_support.hpp"

#include <doctest/doctest.h>

using asc::JournalClaim;
using asc::JournalEntry;
using asc::JournalState;
using asc::Store;
using asc_test::on_each_backend;
using asc_test::ts;

namespace {

JournalEntry planned(const std::string& order_id) {
    JournalEntry e;
    e.order_id = order_id;
    e.reason = "NoInventory";
    e.batch_id = "b1";
    e.feed_seq = 1;
    e.state = JournalState::Planned;
    e.created_at = ts(1000);
    e.updated_at = ts(1000);
    e.run_by = "ops@host";
    return e;
}

// Claims `ids` as planned rows (seen_latest per id, 0 by default); returns the ids written (0: not).
std::vector<std::int64_t> claim(Store& store, const std::vector<std::string>& ids,
                                const std::vector<std::int64_t>& seen = {}) {
    return store.journal_claim(ids.size(), [&](std::size_t i, std::size_t claimed) {
        JournalEntry e = planned(ids[i]);
        e.message_id = static_cast<std::int64_t>(claimed + 1);
        return JournalClaim{e, i < seen.size() ? seen[i] : 0};
    });
}

// Ends the session of the run `run_id` from another connection, as a crash would, and waits (up to
// 10 s) until the server has let go of it (pg_terminate_backend only signals the backend).
void kill_run(Store& admin, std::int64_t run_id) {
    admin.exec_sql(fmt::format("SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory' "
                               "AND objsubid = 1 AND objid = {} AND granted",
                               run_id));
    for (int i = 0; i < 200; ++i) {
        const auto run = admin.journal_run(run_id);
        if (!run || !run->alive) {
            return;
        }
        ::usleep(50'000);
    }
}

} // namespace

TEST_SUITE_BEGIN("store backends");

TEST_CASE("a claim is written only while the order's journal is as the run read it") {
    on_each_backend([](Store& store, const std::string&) {
        auto lock = store.lock_for_cancel(std::chrono::milliseconds(100));
        const std::int64_t run = store.journal_run_id();
        REQUIRE(run != 0);
        const auto ids = claim(store, {"111-0000001-0000001", "111-0000002-0000002"});
        REQUIRE(ids.size() == 2);
        CHECK(ids[0] > 0);
        CHECK(ids[1] > 0);
        const auto rows = store.journal_in_flight();
        REQUIRE(rows.size() == 2);
        CHECK(rows[0].run_id == run);
        CHECK(rows[1].message_id == 2); // numbered in the order claimed

        // Read before the first claim (seen 0): the journal changed since, so not written; a
        // new order alongside is written and numbered as the first claimed of this call.
        const auto again = claim(store, {"111-0000001-0000001", "111-0000003-0000003"});
        CHECK(again[0] == 0);
        CHECK(again[1] > 0);
        CHECK(store.journal_latest(std::vector<std::string>{"111-0000003-0000003"})
                  .at("111-0000003-0000003")
                  .message_id == 1);
        // An order whose newest row was seen may be written again once it left flight.
        asc::JournalChange done{.id = ids[1], .state = JournalState::Failed};
        store.journal_update(std::span(&done, 1), ts(2000));
        CHECK(claim(store, {"111-0000002-0000002"}, {ids[1]})[0] > 0);
        CHECK(claim(store, {"111-0000002-0000002"}, {ids[1]})[0] == 0); // in flight (and changed)
        CHECK(store.journal_entries({}).size() == 4);
    });
}

TEST_CASE("a run's registration: its id while it runs, none after") {
    on_each_backend([](Store& store, const std::string&) {
        std::int64_t run = 0;
        {
            auto lock = store.lock_for_cancel(std::chrono::milliseconds(100));
            run = store.journal_run_id();
            const auto r = store.journal_run(run);
            REQUIRE(r.has_value());
            CHECK(r->alive);
            CHECK(r->kind == "cancel");
            CHECK(r->pid == ::getpid());
            CHECK_FALSE(r->run_by.empty());
        }
        CHECK(store.journal_run_id() == 0);
        CHECK_FALSE(store.journal_run(run).has_value());
        try {
            claim(store, {"111-0000001-0000001"});
            FAIL("a claim without a run was written");
        } catch (const asc::Error& e) {
            CHECK(e.kind() == asc::ErrorKind::Internal);
        }
    });
}

TEST_CASE("a gone run's claims are taken over, a planned row planned again by the next run") {
    on_each_backend([](Store& store, const std::string&) {
        std::vector<std::int64_t> ids;
        {
            auto lock = store.lock_for_cancel(std::chrono::milliseconds(100));
            ids = claim(store, {"111-0000001-0000001", "111-0000002-0000002"});
        }
        // A row of an older asc (no run) is nobody's claim.
        const std::vector<JournalEntry> old{planned("111-0000009-0000009")};
        store.journal_write(old);
        auto lock = store.lock_for_cancel(std::chrono::milliseconds(100));
        const auto mine = store.journal_take_over();
        REQUIRE(mine.size() == 3);
        for (const JournalEntry& e : mine) {
            CHECK(e.run_id == store.journal_run_id());
        }
        // The planned row is replaced (same id) when the order's journal is as read...
        const auto again = store.journal_claim(1, [&](std::size_t, std::size_t) {
            JournalEntry e = planned("111-0000001-0000001");
            e.id = ids[0];
            e.batch_id = "b2";
            return JournalClaim{e, ids[0]};
        });
        CHECK(again[0] == ids[0]);
        CHECK(store.journal_latest(std::vector<std::string>{"111-0000001-0000001"})
                  .at("111-0000001-0000001")
                  .batch_id == "b2");
        // ...and not when another row came since.
        const auto stale = store.journal_claim(1, [&](std::size_t, std::size_t) {
            JournalEntry e = planned("111-0000002-0000002");
            e.id = ids[1];
            return JournalClaim{e, ids[1] - 1};
        });
        CHECK(stale[0] == 0);
    });
}

TEST_CASE("a journal listing by run reads only the rows that run holds") {
    on_each_backend([](Store& store, const std::string&) {
        auto lock = store.lock_for_cancel(std::chrono::milliseconds(100));
        const std::int64_t run = store.journal_run_id();
        REQUIRE(run != 0);
        const auto ids = claim(store, {"111-0000001-0000001", "111-0000002-0000002"});
        JournalEntry unclaimed = planned("111-0000003-0000003"); // no run: an older asc wrote it
        unclaimed.created_at = ts(900);
        (void)store.journal_write(std::vector<JournalEntry>{unclaimed});
        const auto order_ids = [&store](asc::JournalFilter f) {
            std::vector<std::string> out;
            store.journal_each(f, [&out](JournalEntry&& e) { out.push_back(e.order_id); });
            return out;
        };
        CHECK(order_ids({.states = {JournalState::Planned}, .run_id = run}) ==
              std::vector<std::string>{"111-0000001-0000001", "111-0000002-0000002"});
        CHECK(order_ids({.states = {JournalState::Planned}}) ==
              std::vector<std::string>{"111-0000003-0000003", "111-0000001-0000001", "111-0000002-0000002"});
        CHECK(order_ids({.states = {JournalState::Planned}, .run_id = run + 1000}).empty());
        // Taking over reads through the same filter: the row without a run becomes this run's.
        const auto taken = store.journal_take_over();
        CHECK(taken.size() == 3);
        CHECK(order_ids({.run_id = run}).size() == 3);
    });
}

TEST_CASE("postgresql: two hosts at once, each order claimed by one; a host that dies is taken over") {
    const auto uri = asc_test::pg_uri();
    if (uri.empty()) {
        return; // the ctest unit.store.pg runs this case with a server; plain `unit` has none
    }
    asc::StoreOptions options;
    options.account = asc_test::fresh_account();
    Store a = Store::open(uri, options);
    Store b = Store::open(uri, options);
    // Both run at once: no waiting for a whole-run lock.
    auto lock_a = a.lock_for_cancel(std::chrono::milliseconds(100));
    auto lock_b = b.lock_for_cancel(std::chrono::milliseconds(100));
    CHECK(a.journal_run_id() != b.journal_run_id());
    // Both read the journal before either wrote (seen 0): A claims first, B loses the overlap.
    const auto got_a = claim(a, {"111-0000001-0000001", "111-0000002-0000002"});
    const auto got_b = claim(b, {"111-0000002-0000002", "111-0000003-0000003"});
    CHECK(got_a[0] > 0);
    CHECK(got_a[1] > 0);
    CHECK(got_b[0] == 0);
    CHECK(got_b[1] > 0);
    // A live run's claims are not taken over.
    CHECK(b.journal_take_over().size() == 1);
    const auto b_view = b.journal_run(a.journal_run_id());
    REQUIRE(b_view.has_value());
    CHECK(b_view->alive);
    // store info: who holds claims.
    auto info = b.info();
    REQUIRE(info.claim_holders.size() == 2);
    for (const auto& h : info.claim_holders) {
        CHECK(h.journal == "cancel");
        CHECK(h.run.alive);
        CHECK(h.rows == (h.run.id == a.journal_run_id() ? 2 : 1));
    }

    // A dies (its session ends): its claims belong to nobody alive, and B takes them over.
    const std::int64_t run_a = a.journal_run_id();
    kill_run(b, run_a);
    const auto gone = b.journal_run(run_a);
    REQUIRE(gone.has_value());
    CHECK_FALSE(gone->alive);
    info = b.info();
    CHECK(std::any_of(info.claim_holders.begin(), info.claim_holders.end(),
                      [&](const asc::ClaimHolder& h) { return h.run.id == run_a && !h.run.alive; }));
    CHECK(b.journal_take_over().size() == 3);
    CHECK_FALSE(b.journal_run(run_a).has_value()); // a gone run that holds nothing is forgotten
    lock_a = asc::SyncLock{}; // ending a run on a lost connection does not throw
}

TEST_CASE("postgresql: shell completion reads ids from the store, read-only, and nothing when it cannot") {
    const auto uri = asc_test::pg_uri();
    if (uri.empty()) {
        return; // the ctest unit.store.pg runs this case with a server; plain `unit` has none
    }
    asc::StoreOptions options;
    options.account = asc_test::fresh_account();
    Store store = Store::open(uri, options);
    std::vector<asc::Order> orders{asc_test::make_order(1), asc_test::make_order(901), asc_test::make_order(2)};
    store.upsert_orders(orders);
    const auto prefix = orders[0].order_id.substr(0, 4);
    auto ids = asc::completion_ids(uri, options, asc::CompletionKind::order_ids, prefix);
    std::sort(ids.begin(), ids.end());
    std::vector<std::string> want{orders[0].order_id, orders[1].order_id};
    std::sort(want.begin(), want.end());
    CHECK(ids == want);
    asc::StoreOptions other = options;
    other.account = asc_test::fresh_account(); // no store in that account: nothing
    CHECK(asc::completion_ids(uri, other, asc::CompletionKind::order_ids, "").empty());
    CHECK(asc::completion_ids("postgresql:///asc?host=/nonexistent-asc-socket-dir", options,
                              asc::CompletionKind::order_ids, "")
              .empty());
}

TEST_SUITE_END();
