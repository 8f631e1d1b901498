// The cancellation journal in the store: schema 3 migration, writes and updates in transactions,
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
    e.state = "planned";
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
    CHECK(rows[0].state == "canceled");
    CHECK(rows[0].feed_id == "5001");
    CHECK(rows[0].updated_at == ts(200));
    CHECK(rows[0].feed_seq == 0);
    CHECK_FALSE(rows[0].submitted_at.has_value());
    // Two in-flight rows of one order could only come from hand edits: the older one is failed.
    CHECK(rows[1].state == "failed");
    CHECK(rows[2].state == "submitted");
    // The new states are accepted, unknown ones still refused.
    auto e = planned("111-0000003-0000003", 1);
    e.state = "submitting";
    CHECK_NOTHROW(store.journal_write(std::vector{e}));
    e.order_id = "111-0000004-0000004";
    e.state = "already_canceled";
    CHECK_NOTHROW(store.journal_write(std::vector{e}));
    e.state = "bogus";
    CHECK_THROWS_AS(store.journal_write(std::vector{e}), asc::Error);
}

TEST_CASE("schema 4 journals the Magento action and the credit memo id") {
    Store store = Store::open_memory();
    auto e = planned("111-0000001-0000001", 1);
    e.state = "canceled";
    e.commerce_state = "pending";
    const auto ids = store.journal_write(std::vector{e});
    asc::JournalChange c;
    c.id = ids.front();
    c.commerce_action = "refunded";
    c.commerce_creditmemo_id = "17";
    store.journal_update(std::span<const asc::JournalChange>(&c, 1), ts(2000));
    auto rows = store.journal_entries({});
    REQUIRE(rows.size() == 1);
    CHECK(rows[0].commerce_state == "pending"); // untouched
    CHECK(rows[0].commerce_action == "refunded");
    CHECK(rows[0].commerce_creditmemo_id == "17");
    c.commerce_action = "complete"; // not an action
    CHECK_THROWS_AS(store.journal_update(std::span<const asc::JournalChange>(&c, 1), ts(2001)), asc::Error);
    CHECK(store.journal_entries({})[0].commerce_action == "refunded");
}

TEST_CASE("journal rows are written in one transaction and read back whole") {
    Store store = Store::open_memory();
    auto a = planned("111-0000001-0000001", 1);
    auto b = planned("111-0000002-0000002", 2);
    b.submitted_at = ts(1500);
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
    CHECK(store.info().journal_entries == 2);

    // A second in-flight row for an order is refused, and the whole write with it.
    auto again = planned("111-0000001-0000001", 3);
    auto other = planned("111-0000009-0000009", 4);
    CHECK_THROWS_AS(store.journal_write(std::vector{other, again}), asc::Error);
    CHECK(store.journal_entries({}).size() == 2);
}

TEST_CASE("journal updates assign only the fields they set, and can clear them") {
    Store store = Store::open_memory();
    const auto ids = store.journal_write(std::vector{planned("111-0000001-0000001", 1)});
    JournalChange c;
    c.id = ids[0];
    c.feed_document_id = "doc1";
    store.journal_update(std::vector{c}, ts(2000));
    c = JournalChange{};
    c.id = ids[0];
    c.state = "submitting";
    c.submitted_at = std::optional<asc::Timestamp>{ts(2100)};
    store.journal_update(std::vector{c}, ts(2100));
    auto row = store.journal_entries({}).at(0);
    CHECK(row.state == "submitting");
    CHECK(row.feed_document_id == "doc1");
    CHECK(row.submitted_at == ts(2100));
    CHECK(row.updated_at == ts(2100));
    CHECK(row.created_at == ts(1000));

    c = JournalChange{};
    c.id = ids[0];
    c.state = "planned";
    c.feed_document_id = "";
    c.submitted_at = std::optional<asc::Timestamp>{};
    store.journal_update(std::vector{c}, ts(2200));
    row = store.journal_entries({}).at(0);
    CHECK(row.state == "planned");
    CHECK(row.feed_document_id.empty());
    CHECK_FALSE(row.submitted_at.has_value());
}

TEST_CASE("a canceled outcome and the store's Canceled order are written together") {
    Store store = Store::open_memory();
    store.upsert_orders(std::vector{asc_test::make_order(1)});
    const auto ids = store.journal_write(std::vector{planned(asc_test::order_id(1), 1)});
    auto order = *store.get_order(asc_test::order_id(1));
    order.status = asc::Status::Canceled;
    JournalChange c;
    c.id = ids[0];
    c.state = "canceled";
    c.feed_id = "5001";
    store.journal_update(std::vector{c}, ts(3000), std::vector{order});
    CHECK(store.get_order(asc_test::order_id(1))->status == asc::Status::Canceled);
    CHECK(store.journal_latest(std::vector{asc_test::order_id(1)}).at(asc_test::order_id(1)).state ==
          "canceled");
    CHECK(store.journal_knows_feed("5001"));
    CHECK_FALSE(store.journal_knows_feed("5002"));
}

TEST_CASE("the journal filters by state, time, feed and order; in-flight rows are found") {
    Store store = Store::open_memory();
    auto a = planned("111-0000001-0000001", 1, 100);
    auto b = planned("111-0000002-0000002", 2, 200);
    b.state = "submitted";
    b.feed_id = "5001";
    auto c = planned("111-0000003-0000003", 3, 300);
    c.state = "canceled";
    c.feed_id = "5001";
    auto d = planned("111-0000003-0000003", 4, 400);
    d.state = "failed";
    store.journal_write(std::vector{a, b, c, d});
    CHECK(store.journal_entries({.states = {"canceled", "failed"}}).size() == 2);
    CHECK(store.journal_entries({.since = ts(250)}).size() == 2);
    CHECK(store.journal_entries({.feed_id = "5001"}).size() == 2);
    CHECK(store.journal_entries({.order_id = "111-0000003-0000003"}).size() == 2);
    CHECK(store.journal_in_flight().size() == 2);
    const auto latest =
        store.journal_latest(std::vector<std::string>{"111-0000003-0000003", "111-0000009-0000009"});
    REQUIRE(latest.size() == 1);
    CHECK(latest.at("111-0000003-0000003").state == "failed");
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
