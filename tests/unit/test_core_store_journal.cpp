// The cancellation journal in the store: schema 3 and 4 migrations, writes and updates in transactions,
// one in-flight row per order, and the cancel lock.

#include "asc/base/errors.hpp"
#include "asc/store/store.hpp"
#include "store_test_support.hpp"

#include <doctest/doctest.h>
#include <sqlite3.h>

using asc::JournalChange;
using asc::JournalEntry;
using asc::Store;
using asc_test::ts;

namespace {

JournalEntry planned(const std::string& order_id, std::int64_t message_id, std::int64_t at = 1000) {
    JournalEntry e;
    e.order_id = order_id;
    e.reason = "NoInventory";
    e.batch_id = "b1";
    e.feed_seq = 1;
    e.message_id = message_id;
    e.state = asc::JournalState::Planned;
    e.created_at = ts(at);
    e.updated_at = ts(at);
    e.marketplace_id = "ATVPDKIKX0DER";
    e.run_by = "ops@host";
    return e;
}

void exec(Store& store, const char* sql) {
    REQUIRE(sqlite3_exec(store.handle(), sql, nullptr, nullptr, nullptr) == SQLITE_OK);
}

} // namespace

TEST_SUITE_BEGIN("core::store_journal");

TEST_CASE("schema 3 keeps the version 2 journal rows and adds the cancel states") {
    asc_test::TempDir dir;
    const auto path = dir / "v2.db";
    {
        Store old = Store::open(path, {}, 2);
        exec(old, "INSERT INTO cancel_journal (order_id, reason, batch_id, feed_id, message_id, state, "
                  "result_code, result_message, created_at, updated_at, run_by) VALUES "
                  "('111-0000001-0000001', 'NoInventory', 'b1', '5001', 1, 'canceled', NULL, NULL, 100, 200, "
                  "'a@h'),"
                  "('111-0000002-0000002', 'NoInventory', 'b1', '5001', 2, 'submitted', NULL, NULL, 100, "
                  "200, 'a@h'),"
                  "('111-0000002-0000002', 'NoInventory', 'b2', '5002', 1, 'submitted', NULL, NULL, 300, "
                  "300, 'a@h')");
    }
    Store store = Store::open(path);
    CHECK(store.schema_version() == Store::latest_schema_version());
    const auto rows = store.report_cancellations(std::nullopt);
    REQUIRE(rows.size() == 3);
    CHECK(rows[0].state == asc::JournalState::Canceled);
    CHECK(rows[0].feed_id == "5001");
    CHECK(rows[0].updated_at == ts(200));
    CHECK(rows[0].feed_seq == 0);
    CHECK_FALSE(rows[0].submitted_at.has_value());
    // Two in-flight rows of one order could only come from hand edits: the older one is failed.
    CHECK(rows[1].state == asc::JournalState::Failed);
    CHECK(rows[2].state == asc::JournalState::Submitted);
    // The new states are accepted, unknown ones still refused.
    auto e = planned("111-0000003-0000003", 1);
    e.state = asc::JournalState::Submitting;
    CHECK_NOTHROW(store.journal_write(std::vector{e}));
    e.order_id = "111-0000004-0000004";
    e.state = asc::JournalState::AlreadyCanceled;
    CHECK_NOTHROW(store.journal_write(std::vector{e}));
    // An unknown state cannot be written: the type has none, and the schema refuses one in SQL.
    const int rc = sqlite3_exec(store.handle(), "UPDATE cancel_journal SET state = 'bogus'", nullptr, nullptr, nullptr);
    CHECK((rc & 0xff) == SQLITE_CONSTRAINT);
}

TEST_CASE("journal states: one spelling each, read back from the store's text") {
    for (const asc::JournalState s : asc::all_journal_states()) {
        CHECK(asc::parse_journal_state(asc::to_string(s)) == s);
    }
    CHECK(asc::all_journal_states().size() == 7);
    CHECK(asc::to_string(asc::JournalState::AlreadyCanceled) == "already_canceled");
    CHECK_FALSE(asc::parse_journal_state("Canceled").has_value()); // the store's spelling only
    CHECK_FALSE(asc::parse_journal_state("done").has_value());
    for (const asc::CommerceState s : asc::all_commerce_states()) {
        CHECK(asc::parse_commerce_state(asc::to_string(s)) == s);
    }
    CHECK(asc::to_string(asc::CommerceState::NoLink) == "no_link");
    CHECK_FALSE(asc::parse_commerce_state("").has_value());
    CHECK(asc::is_in_flight(asc::JournalState::Submitting));
    CHECK_FALSE(asc::is_in_flight(asc::JournalState::Refused));
}

TEST_CASE("journal states: a row in a state this asc does not know is an error that says so") {
    Store store = Store::open_memory();
    // A newer asc could add a state; the schema's CHECK is what stops this one.
    asc_test::sql_exec(store, "PRAGMA ignore_check_constraints = ON");
    asc_test::sql_exec(store, "INSERT INTO cancel_journal (order_id, reason, batch_id, state, created_at, "
                              "updated_at, run_by) VALUES ('111-0000001-0000001', 'NoInventory', 'b1', "
                              "'parked', 1, 1, 'ops@host')");
    try {
        (void)store.journal_entries({});
        FAIL("expected an error");
    } catch (const asc::Error& e) {
        CHECK(std::string(e.what()).find("state 'parked'") != std::string::npos);
    }
}

TEST_CASE("schema 4 journals the Magento action and the credit memo id" * doctest::test_suite("store backends")) {
    asc_test::on_each_backend({}, [&](asc::Store& store, const std::string&) {
        auto e = planned("111-0000001-0000001", 1);
        e.state = asc::JournalState::Canceled;
        e.commerce_state = asc::CommerceState::Pending;
        const auto ids = store.journal_write(std::vector{e});
        asc::JournalChange c;
        c.id = ids.front();
        c.commerce_action = "refunded";
        c.commerce_creditmemo_id = "17";
        store.journal_update(std::span<const asc::JournalChange>(&c, 1), ts(2000));
        auto rows = store.journal_entries({});
        REQUIRE(rows.size() == 1);
        CHECK(rows[0].commerce_state == asc::CommerceState::Pending); // untouched
        CHECK(rows[0].commerce_action == "refunded");
        CHECK(rows[0].commerce_creditmemo_id == "17");
        c.commerce_action = "complete"; // not an action
        CHECK_THROWS_AS(store.journal_update(std::span<const asc::JournalChange>(&c, 1), ts(2001)), asc::Error);
        CHECK(store.journal_entries({})[0].commerce_action == "refunded");
    });
}

TEST_CASE("schema 5 adds the send timeout; a store still at 3 reads its journal without it") {
    asc_test::TempDir dir;
    const auto path = dir / "v3.db";
    {
        Store old = Store::open(path, {}, 3);
        exec(old,
             "INSERT INTO cancel_journal (order_id, reason, batch_id, feed_seq, message_id, state, "
             "created_at, "
             "updated_at, submitted_at, run_by) VALUES ('111-0000001-0000001', 'NoInventory', 'b1', 1, 1, "
             "'submitting', 100, 200, 150, 'a@h')");
        const auto rows = old.journal_entries({});
        REQUIRE(rows.size() == 1);
        CHECK_FALSE(rows[0].send_timeout.has_value());
        CHECK(old.journal_latest(std::vector<std::string>{"111-0000001-0000001"}).size() == 1);
    }
    Store store = Store::open(path);
    CHECK(store.schema_version() == Store::latest_schema_version());
    const auto rows = store.journal_entries({});
    REQUIRE(rows.size() == 1);
    CHECK(rows[0].state == asc::JournalState::Submitting);
    CHECK_FALSE(rows[0].send_timeout.has_value()); // unknown: recovery assumes the longest
}

TEST_CASE("journal rows are written in one transaction and read back whole" * doctest::test_suite("store backends")) {
    asc_test::on_each_backend({}, [&](asc::Store& store, const std::string&) {
        auto a = planned("111-0000001-0000001", 1);
        auto b = planned("111-0000002-0000002", 2);
        b.submitted_at = ts(1500);
        b.send_timeout = std::chrono::milliseconds(7500);
        const auto ids = store.journal_write(std::vector{a, b});
        REQUIRE(ids.size() == 2);
        const auto rows = store.journal_entries({});
        REQUIRE(rows.size() == 2);
        CHECK(rows[0].id == ids[0]);
        CHECK(rows[0].order_id == a.order_id);
        CHECK(rows[0].feed_seq == 1);
        CHECK(rows[0].message_id == 1);
        CHECK(rows[0].marketplace_id == "ATVPDKIKX0DER");
        CHECK(rows[0].run_by == "ops@host");
        CHECK(rows[1].submitted_at == ts(1500));
        CHECK(rows[1].send_timeout == std::chrono::milliseconds(7500));
        CHECK_FALSE(rows[0].send_timeout.has_value());
        CHECK(store.info().journal_entries == 2);

        // A second in-flight row for an order is refused, and the whole write with it.
        auto again = planned("111-0000001-0000001", 3);
        auto other = planned("111-0000009-0000009", 4);
        CHECK_THROWS_AS(store.journal_write(std::vector{other, again}), asc::Error);
        CHECK(store.journal_entries({}).size() == 2);
    });
}

TEST_CASE("journal updates assign only the fields they set, and can clear them" * doctest::test_suite("store backends")) {
    asc_test::on_each_backend({}, [&](asc::Store& store, const std::string&) {
        const auto ids = store.journal_write(std::vector{planned("111-0000001-0000001", 1)});
        JournalChange c;
        c.id = ids[0];
        c.feed_document_id = "doc1";
        store.journal_update(std::vector{c}, ts(2000));
        c = JournalChange{};
        c.id = ids[0];
        c.state = asc::JournalState::Submitting;
        c.submitted_at = std::optional<asc::Timestamp>{ts(2100)};
        c.send_timeout = std::optional<std::chrono::milliseconds>{std::chrono::seconds(60)};
        store.journal_update(std::vector{c}, ts(2100));
        auto row = store.journal_entries({}).at(0);
        CHECK(row.state == asc::JournalState::Submitting);
        CHECK(row.feed_document_id == "doc1");
        CHECK(row.submitted_at == ts(2100));
        CHECK(row.send_timeout == std::chrono::seconds(60));
        CHECK(row.updated_at == ts(2100));
        CHECK(row.created_at == ts(1000));

        c = JournalChange{};
        c.id = ids[0];
        c.state = asc::JournalState::Planned;
        c.feed_document_id = "";
        c.submitted_at = std::optional<asc::Timestamp>{};
        c.send_timeout = std::optional<std::chrono::milliseconds>{};
        store.journal_update(std::vector{c}, ts(2200));
        row = store.journal_entries({}).at(0);
        CHECK(row.state == asc::JournalState::Planned);
        CHECK(row.feed_document_id.empty());
        CHECK_FALSE(row.submitted_at.has_value());
        CHECK_FALSE(row.send_timeout.has_value());
    });
}

TEST_CASE("a canceled outcome and the store's Canceled order are written together" * doctest::test_suite("store backends")) {
    asc_test::on_each_backend({}, [&](asc::Store& store, const std::string&) {
        store.upsert_orders(std::vector{asc_test::make_order(1)});
        const auto ids = store.journal_write(std::vector{planned(asc_test::order_id(1), 1)});
        auto order = *store.get_order(asc_test::order_id(1));
        order.status = asc::Status::Canceled;
        JournalChange c;
        c.id = ids[0];
        c.state = asc::JournalState::Canceled;
        c.feed_id = "5001";
        store.journal_update(std::vector{c}, ts(3000), std::vector{order});
        CHECK(store.get_order(asc_test::order_id(1))->status == asc::Status::Canceled);
        CHECK(store.journal_latest(std::vector{asc_test::order_id(1)}).at(asc_test::order_id(1)).state ==
              asc::JournalState::Canceled);
        CHECK(store.journal_knows_feed("5001"));
        CHECK_FALSE(store.journal_knows_feed("5002"));
    });
}

TEST_CASE("the journal filters by state, time, feed and order; in-flight rows are found" * doctest::test_suite("store backends")) {
    asc_test::on_each_backend({}, [&](asc::Store& store, const std::string&) {
        auto a = planned("111-0000001-0000001", 1, 100);
        auto b = planned("111-0000002-0000002", 2, 200);
        b.state = asc::JournalState::Submitted;
        b.feed_id = "5001";
        auto c = planned("111-0000003-0000003", 3, 300);
        c.state = asc::JournalState::Canceled;
        c.feed_id = "5001";
        auto d = planned("111-0000003-0000003", 4, 400);
        d.state = asc::JournalState::Failed;
        store.journal_write(std::vector{a, b, c, d});
        CHECK(store.journal_entries({.states = {asc::JournalState::Canceled, asc::JournalState::Failed}}).size() == 2);
        CHECK(store.journal_entries({.since = ts(250)}).size() == 2);
        CHECK(store.journal_entries({.feed_id = "5001"}).size() == 2);
        CHECK(store.journal_entries({.order_id = "111-0000003-0000003"}).size() == 2);
        CHECK(store.journal_in_flight().size() == 2);
        const auto latest =
            store.journal_latest(std::vector<std::string>{"111-0000003-0000003", "111-0000009-0000009"});
        REQUIRE(latest.size() == 1);
        CHECK(latest.at("111-0000003-0000003").state == asc::JournalState::Failed);
    });
}

TEST_CASE("a second cancel lock on the same store is refused with the holder's pid") {
    asc_test::TempDir dir;
    Store store = Store::open(dir / "s.db");
    const auto held = store.lock_for_cancel(std::chrono::milliseconds(0));
    Store other = Store::open(dir / "s.db");
    try {
        [[maybe_unused]] const auto second = other.lock_for_cancel(std::chrono::milliseconds(0));
        FAIL("the second lock was granted");
    } catch (const asc::Error& e) {
        CHECK(e.kind() == asc::ErrorKind::Temporary);
        CHECK(std::string(e.what()).find("`asc order cancel`") != std::string::npos);
    }
    // A sync lock is a different lock.
    CHECK_NOTHROW(static_cast<void>(other.lock_for_sync(std::chrono::milliseconds(0))));
}

TEST_SUITE_END();
