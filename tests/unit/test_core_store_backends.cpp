// The store's contract on both backends: every case runs on an SQLite file and, when
// ASC_TEST_PG_URI names a PostgreSQL database (ctest unit.store.pg starts a throwaway server with
// tests/pg/start.sh and sets it), on PostgreSQL too, each in a fresh account schema. Plus what only
// PostgreSQL has: several accounts in one database, a newer schema refused, a password in the URI
// refused, the advisory locks, a lost connection.

#include "asc/amazon/rate_limit.hpp"
#include "asc/base/errors.hpp"
#include "asc/store/store.hpp"
#include "fake_clock.hpp"
#include "store_test_support.hpp"

#include <atomic>
#include <cstdlib>
#include <doctest/doctest.h>
#include <fstream>
#include <functional>
#include <thread>
#include <unistd.h>

using asc::ErrorKind;
using asc::JournalEntry;
using asc::OrderFilter;
using asc::Status;
using asc::Store;
using asc::StoreOptions;
using asc_test::fresh_account;
using asc_test::k_t0;
using asc_test::make_order;
using asc_test::on_each_backend;
using asc_test::pg_uri;
using asc_test::ts;

namespace {

JournalEntry planned(const std::string& order_id, std::int64_t message_id) {
    JournalEntry e;
    e.order_id = order_id;
    e.reason = "NoInventory";
    e.batch_id = "b1";
    e.feed_seq = 1;
    e.message_id = message_id;
    e.state = asc::JournalState::Planned;
    e.created_at = ts(1000);
    e.updated_at = ts(1000);
    e.marketplace_id = "ATVPDKIKX0DER";
    e.run_by = "ops@host";
    e.send_timeout = std::chrono::milliseconds(30000);
    return e;
}

} // namespace

TEST_SUITE_BEGIN("store backends");

TEST_CASE("an order round-trips, unchanged content is not rewritten, a change is") {
    on_each_backend([](Store& store, const std::string&) {
        CHECK(store.schema_version() == Store::latest_schema_version());
        auto o = make_order(1);
        auto c = store.upsert_orders(std::span(&o, 1));
        CHECK(c.inserted == 1);
        c = store.upsert_orders(std::span(&o, 1));
        CHECK(c.unchanged == 1);
        o.status = Status::Shipped;
        o.last_updated = ts(k_t0 + 600);
        c = store.upsert_orders(std::span(&o, 1));
        CHECK(c.updated == 1);
        const auto got = store.get_order(o.order_id);
        REQUIRE(got.has_value());
        asc_test::check_same_order(*got, o, false);
        CHECK_FALSE(store.get_order("999-0000000-0000000").has_value());
    });
}

TEST_CASE("filters, sorts, limits and the exact summary agree") {
    on_each_backend([](Store& store, const std::string&) {
        std::vector<asc::Order> orders;
        for (int i = 0; i < 30; ++i) {
            auto o = make_order(i, i % 3 == 0 ? Status::Shipped : Status::Unshipped, k_t0 + i * 60, k_t0 + i * 60 + 5);
            o.total = asc_test::money(fmt::format("{}.{:02}", 10 + i, i), i % 5 == 0 ? "EUR" : "USD");
            orders.push_back(o);
        }
        store.upsert_orders(orders);
        std::vector<std::string> ids;
        OrderFilter f;
        f.statuses = {Status::Shipped};
        f.sort = "purchase_date";
        f.limit = 4;
        store.query_orders(f, [&](asc::Order&& o) {
            ids.push_back(o.order_id);
            return true;
        });
        CHECK(ids == std::vector<std::string>{asc_test::order_id(0), asc_test::order_id(3), asc_test::order_id(6),
                                              asc_test::order_id(9)});
        ids.clear();
        f = {};
        f.sku = "SKU-1";
        f.sort = "-total";
        store.query_orders(f, [&](asc::Order&& o) {
            ids.push_back(o.order_id);
            return true;
        }, asc::OrderParts::ListRow);
        CHECK(ids.size() == 6);
        const auto summary = store.report_summary(std::nullopt, std::nullopt);
        CHECK(summary.orders == 30);
        std::int64_t eur_minor = 0;
        for (int i = 0; i < 30; i += 5) {
            eur_minor += (10 + i) * 100 + i;
        }
        bool saw_eur = false;
        for (const auto& row : summary.by_currency) {
            if (row.currency == "EUR") {
                saw_eur = true;
                REQUIRE(row.total.has_value());
                CHECK(row.total->minor == eur_minor);
                CHECK(row.orders == 6);
            }
        }
        CHECK(saw_eur);
    });
}

TEST_CASE("sync marks only move forward, with their page") {
    on_each_backend([](Store& store, const std::string&) {
        const std::vector<std::string> keys{"ATVPDKIKX0DER"};
        auto o = make_order(1);
        store.upsert_page(std::span(&o, 1), keys, ts(k_t0 + 100));
        store.upsert_page({}, keys, ts(k_t0 + 50));
        CHECK(store.sync_mark("ATVPDKIKX0DER") == ts(k_t0 + 100));
        store.upsert_page({}, keys, ts(k_t0 + 200));
        CHECK(store.sync_mark("ATVPDKIKX0DER") == ts(k_t0 + 200));
        CHECK_FALSE(store.sync_mark("A1PA6795UKMFR9").has_value());
        const auto info = store.info();
        CHECK(info.orders == 1);
        CHECK(info.marks.size() == 1);
    });
}

TEST_CASE("the journal: ids, one in-flight row per order, updates, latest") {
    on_each_backend([](Store& store, const std::string&) {
        const std::vector<JournalEntry> rows{planned("111-0000001-0000001", 1), planned("111-0000002-0000002", 2)};
        const auto ids = store.journal_write(rows);
        REQUIRE(ids.size() == 2);
        CHECK(ids[0] != ids[1]);
        CHECK(ids[0] > 0);
        // A second in-flight row of the same order is refused, and nothing of the batch is kept.
        const std::vector<JournalEntry> again{planned("111-0000003-0000003", 1), planned("111-0000001-0000001", 2)};
        try {
            store.journal_write(again);
            FAIL("a second in-flight row was accepted");
        } catch (const asc::Error& e) {
            CHECK(e.kind() == ErrorKind::Temporary);
        }
        CHECK(store.journal_entries({}).size() == 2);
        asc::JournalChange ch;
        ch.id = ids[0];
        ch.state = asc::JournalState::Submitted;
        ch.feed_id = "5001";
        ch.submitted_at = ts(2000);
        store.journal_update(std::span(&ch, 1), ts(2000));
        CHECK(store.journal_knows_feed("5001"));
        CHECK_FALSE(store.journal_knows_feed("5002"));
        const std::vector<std::string> order_ids{"111-0000001-0000001", "111-0000009-0000009"};
        const auto latest = store.journal_latest(order_ids);
        REQUIRE(latest.size() == 1);
        const auto& e = latest.at("111-0000001-0000001");
        CHECK(e.state == asc::JournalState::Submitted);
        CHECK(e.feed_id == "5001");
        CHECK(e.submitted_at == ts(2000));
        CHECK(e.send_timeout == std::chrono::milliseconds(30000));
        CHECK(store.journal_in_flight().size() == 2);
    });
}

TEST_CASE("report orders are flagged, and an Orders API write of new content clears the flag") {
    on_each_backend([](Store& store, const std::string&) {
        auto o = make_order(1);
        store.upsert_report_orders(std::span(&o, 1));
        CHECK(store.order_from_report(o.order_id));
        o.last_updated = ts(k_t0 + 3600);
        o.status = Status::Shipped;
        store.upsert_orders(std::span(&o, 1));
        CHECK_FALSE(store.order_from_report(o.order_id));
        asc::BackfillWindow w{"ATVPDKIKX0DER", ts(k_t0), ts(k_t0 + 86400), "R1", "requested", "", 0};
        store.backfill_requested(w, ts(k_t0));
        store.backfill_requested(w, ts(k_t0 + 5)); // again: replaced, not duplicated
        w.outcome = "DONE";
        w.rows = 3;
        store.backfill_done(w, ts(k_t0 + 10), true);
        const auto windows = store.backfill_windows("ATVPDKIKX0DER");
        REQUIRE(windows.size() == 1);
        CHECK(windows[0].state == "done");
        CHECK(windows[0].rows == 3);
    });
}

TEST_CASE("purge_pii clears personal data by age") {
    on_each_backend([](Store& store, const std::string&) {
        StoreOptions with_pii;
        with_pii.store_pii = true;
        (void)with_pii;
        auto o = make_order(1);
        store.upsert_orders(std::span(&o, 1));
        // Without store_pii nothing personal was written: nothing to purge.
        CHECK(store.purge_pii(ts(k_t0 + 86400)) == 0);
        CHECK(store.info().orders_with_pii == 0);
    });
}

TEST_CASE("the sync lock is exclusive per store") {
    on_each_backend([](Store& store, const std::string& backend) {
        auto lock = store.lock_for_sync(std::chrono::milliseconds(100));
        if (backend == "postgresql") {
            // A second connection (another host) to the same account waits, then gives up.
            StoreOptions options;
            options.account = store.info().account_schema.substr(4);
            Store other = Store::open(pg_uri(), options);
            try {
                auto second = other.lock_for_sync(std::chrono::milliseconds(300));
                FAIL("a second sync lock was granted");
            } catch (const asc::Error& e) {
                CHECK(e.kind() == ErrorKind::Temporary);
                CHECK(std::string(e.what()).find("asc ") != std::string::npos); // names the holder
            }
            const auto info = other.info();
            REQUIRE(info.lock_holders.size() == 1);
            CHECK(info.lock_holders[0].starts_with("sync: asc "));
            lock = asc::SyncLock{}; // released
            auto second = other.lock_for_sync(std::chrono::milliseconds(300));
        }
    });
}

TEST_CASE("the Magento step's lock of an order: one connection at a time on PostgreSQL, nothing on SQLite") {
    on_each_backend([](Store& store, const std::string& backend) {
        const std::string order = "111-0000001-0000001";
        auto held = store.lock_commerce_order(order, std::chrono::milliseconds(100));
        if (backend != "postgresql") {
            // One cancel run at a time already (the lock file): nothing more to hold.
            auto again = store.lock_commerce_order(order, std::chrono::milliseconds(100));
            return;
        }
        // A second connection (another host's run) to the same account waits, then gives up.
        StoreOptions options;
        options.account = store.info().account_schema.substr(4);
        Store other = Store::open(pg_uri(), options);
        try {
            auto second = other.lock_commerce_order(order, std::chrono::milliseconds(300));
            FAIL("a second run got the lock of a Magento order being updated");
        } catch (const asc::Error& e) {
            CHECK(e.kind() == ErrorKind::Temporary);
            CHECK(std::string(e.what()).find(order) != std::string::npos);
        }
        { // another order is not held up
            auto another = other.lock_commerce_order("111-0000002-0000002", std::chrono::milliseconds(300));
        }
        // Released while the other waits: it gets the lock then.
        std::thread release([&held] {
            std::this_thread::sleep_for(std::chrono::milliseconds(300));
            held = asc::SyncLock{};
        });
        const auto before = std::chrono::steady_clock::now();
        auto after = other.lock_commerce_order(order, std::chrono::seconds(10));
        CHECK(std::chrono::steady_clock::now() - before >= std::chrono::milliseconds(250));
        release.join();
    });
}

TEST_CASE("the rate buckets kept in the store are one budget for every process using it") {
    using namespace std::chrono_literals;
    on_each_backend([](Store& store, const std::string& backend) {
        asc_test::FakeClock clock;
        const auto in_store = [&store] {
            return asc::make_bucket_text(
                [&store](const std::function<void(std::string&)>& fn) { store.update_shared_text("rate_buckets", fn); });
        };
        {
            asc::RateLimiter first(clock);
            first.set_persistence(in_store());
            first.observe_limit_header("searchOrders", "0.5");
            for (int i = 0; i < 20; ++i) {
                CHECK(first.acquire("searchOrders") == 0ns); // the burst
            }
        }
        // Another process (host) right after: the bucket is empty, at the announced rate.
        asc::RateLimiter second(clock);
        if (backend == "postgresql") {
            StoreOptions options;
            options.account = store.info().account_schema.substr(4);
            Store other = Store::open(pg_uri(), options);
            second.set_persistence(asc::make_bucket_text(
                [&other](const std::function<void(std::string&)>& fn) { other.update_shared_text("rate_buckets", fn); }));
            CHECK(second.acquire("searchOrders") == 2s);
            CHECK(second.rate("searchOrders") == 0.5);
        } else {
            second.set_persistence(in_store());
            CHECK(second.acquire("searchOrders") == 2s);
        }
    });
}

TEST_CASE("postgresql: concurrent updates of shared text from two connections lose nothing") {
    const auto uri = pg_uri();
    if (uri.empty()) {
        return; // the ctest unit.store.pg runs this case with a server; plain `unit` has none
    }
    StoreOptions options;
    options.account = fresh_account();
    Store a = Store::open(uri, options);
    Store b = Store::open(uri, options);
    const auto bump = [](Store& s) {
        for (int i = 0; i < 40; ++i) {
            s.update_shared_text("counter", [](std::string& text) {
                text = std::to_string((text.empty() ? 0 : std::stoi(text)) + 1);
            });
        }
    };
    std::thread other([&] { bump(b); });
    bump(a);
    other.join();
    std::string seen;
    a.update_shared_text("counter", [&seen](std::string& text) { seen = text; });
    CHECK(seen == "80");
}

TEST_CASE("postgresql: accounts are separate, a newer schema and a password in the URI are refused") {
    const auto uri = pg_uri();
    if (uri.empty()) {
        return; // the ctest unit.store.pg runs this case with a server; plain `unit` has none
    }
    StoreOptions a;
    a.account = fresh_account();
    StoreOptions b;
    b.account = fresh_account();
    Store sa = Store::open(uri, a);
    Store sb = Store::open(uri, b);
    auto o = make_order(1);
    sa.upsert_orders(std::span(&o, 1));
    CHECK(sa.info().orders == 1);
    CHECK(sb.info().orders == 0);
    CHECK(sb.info().server_version.size() >= 2);

    sa.exec_sql(fmt::format("INSERT INTO asc_schema (version, applied_at) VALUES ({}, 0)",
                            Store::latest_schema_version() + 1));
    try {
        Store again = Store::open(uri, a);
        FAIL("a newer schema was opened");
    } catch (const asc::Error& e) {
        CHECK(e.kind() == ErrorKind::Config);
        CHECK(std::string(e.what()).find("newer asc") != std::string::npos);
    }

    try {
        Store bad = Store::open("postgresql://asc:s3cret@localhost/asc", a);
        FAIL("a password in the URI was accepted");
    } catch (const asc::Error& e) {
        CHECK(e.kind() == ErrorKind::Config);
        CHECK(std::string(e.what()).find("s3cret") == std::string::npos);
        CHECK(std::string(e.what()).find("postgresql://asc@localhost/asc") != std::string::npos);
    }
    CHECK(asc::redact_store_setting("postgresql://u:pw@h:5432/db?password=pw&sslmode=require") ==
          "postgresql://u@h:5432/db?sslmode=require");
}

TEST_CASE("postgresql: schema 11 packs the packages and money lines of the old tables, in seq order") {
    const auto uri = pg_uri();
    if (uri.empty()) {
        return; // the ctest unit.store.pg runs this case with a server; plain `unit` has none
    }
    StoreOptions options;
    options.account = fresh_account();
    const std::string id = asc_test::order_id(3);
    {
        Store old = Store::open(uri, options, 10);
        REQUIRE(old.schema_version() == 10);
        // The rows as schema 10 held them, each table's written last seq first; a NULL text.
        old.exec_sql(fmt::format(
            "INSERT INTO orders (order_id, status, purchase_date, last_updated, marketplace_id, content_hash, "
            "stored_at) VALUES ('{0}', 'Shipped', {1}, {1}, 'ATVPDKIKX0DER', 0, 0); "
            "INSERT INTO order_money_lines SELECT id, 1, 'TAX \"x\"', -125, 3, 'USD' FROM orders; "
            "INSERT INTO order_money_lines SELECT id, 0, 'ITEM', 2598, 2, 'USD' FROM orders; "
            "INSERT INTO packages SELECT id, 1, '2', NULL, 'Ground', '1ZB', NULL, 'SHIPPED' FROM orders; "
            "INSERT INTO packages SELECT id, 0, '1', 'UPS', 'Ground', '1ZA', {1}, 'IN_TRANSIT' FROM orders; "
            "INSERT INTO package_items SELECT id, 0, 1, 'I2', 1 FROM orders; "
            "INSERT INTO package_items SELECT id, 0, 0, 'I1', 2 FROM orders;",
            id, k_t0));
    }
    Store store = Store::open(uri, options);
    CHECK(store.schema_version() == Store::latest_schema_version());
    const auto back = store.get_order(id);
    REQUIRE(back.has_value());
    REQUIRE(back->total_breakdown.size() == 2);
    CHECK(back->total_breakdown[0].type == "ITEM");
    CHECK(back->total_breakdown[0].amount.to_string() == "25.98 USD");
    CHECK(back->total_breakdown[1].type == "TAX \"x\"");
    CHECK(back->total_breakdown[1].amount.to_string() == "-0.125 USD");
    REQUIRE(back->packages.size() == 2);
    CHECK(back->packages[0].tracking_number == "1ZA");
    CHECK(back->packages[0].carrier == "UPS");
    CHECK(back->packages[0].ship_time == ts(k_t0));
    REQUIRE(back->packages[0].items.size() == 2);
    CHECK(back->packages[0].items[0].order_item_id == "I1");
    CHECK(back->packages[0].items[0].quantity == 2);
    CHECK(back->packages[0].items[1].order_item_id == "I2");
    CHECK(back->packages[1].tracking_number == "1ZB");
    CHECK(back->packages[1].carrier.empty());
    CHECK_FALSE(back->packages[1].ship_time.has_value());
    CHECK(back->packages[1].items.empty());
    // The old tables are gone.
    try {
        store.exec_sql("SELECT 1 FROM order_money_lines");
        FAIL("order_money_lines is still there");
    } catch (const asc::Error&) {
    }
}

TEST_CASE("a store is copied once, whole and checked (asc store migrate)") {
    asc_test::TempDir dir;
    Store source = Store::open(dir / "src.db");
    std::vector<asc::Order> orders;
    for (int i = 0; i < 1203; ++i) {
        orders.push_back(make_order(i, Status::Unshipped, k_t0 + i, k_t0 + i + 1));
    }
    const std::vector<std::string> keys{"ATVPDKIKX0DER"};
    source.upsert_page(orders, keys, ts(k_t0 + 5000));
    // The mark was advanced long ago, and one order came only from an order report: both are
    // copied as they are (not "synced now", not a full copy).
    asc_test::sql_exec(source, "UPDATE sync_marks SET synced_at = 1000");
    auto from_report = make_order(5000);
    source.upsert_report_orders(std::span(&from_report, 1));
    asc::BackfillWindow window{"A1PA6795UKMFR9", ts(k_t0), ts(k_t0 + 86400), "R7", "requested", "", 0};
    source.backfill_requested(window, ts(k_t0 + 100));
    window.outcome = "DONE";
    window.rows = 12;
    source.backfill_done(window, ts(k_t0 + 200), false);
    const std::vector<JournalEntry> rows{planned("111-0000001-0000001", 1), planned("111-0000002-0000002", 2)};
    source.journal_write(rows);
    const auto copy_into = [&](Store& dest) {
        const auto copied = dest.copy_from(source);
        CHECK(copied.orders == 1204);
        CHECK(copied.journal_entries == 2);
        CHECK(dest.sync_mark("ATVPDKIKX0DER") == ts(k_t0 + 5000));
        REQUIRE(dest.sync_marks().size() == 1);
        CHECK(dest.sync_marks()[0].synced_at == ts(1000));
        CHECK(dest.order_from_report(from_report.order_id));
        CHECK_FALSE(dest.order_from_report(orders[7].order_id));
        CHECK(dest.info().orders_from_report == 1);
        const auto windows = dest.backfill_windows("A1PA6795UKMFR9");
        REQUIRE(windows.size() == 1);
        CHECK(windows[0].report_id == "R7");
        CHECK(windows[0].state == "done");
        CHECK(windows[0].outcome == "DONE");
        CHECK(windows[0].rows == 12);
        CHECK(windows[0].end == ts(k_t0 + 86400));
        CHECK(dest.journal_in_flight().size() == 2);
        const auto got = dest.get_order(orders[7].order_id);
        REQUIRE(got.has_value());
        asc_test::check_same_order(*got, orders[7], false);
        try {
            dest.copy_from(source);
            FAIL("a second migration was accepted");
        } catch (const asc::Error& e) {
            CHECK(e.kind() == ErrorKind::Usage);
        }
        CHECK(dest.info().orders == 1204);
    };
    Store into_sqlite = Store::open(dir / "dest.db");
    copy_into(into_sqlite);
    if (const auto uri = pg_uri(); !uri.empty()) {
        StoreOptions options;
        options.account = fresh_account();
        Store into_pg = Store::open(uri, options);
        copy_into(into_pg);
    }
}

TEST_CASE("postgresql: a connection lost mid-run is a temporary failure, and the journal is as it was") {
    const auto uri = pg_uri();
    if (uri.empty()) {
        return; // the ctest unit.store.pg runs this case with a server; plain `unit` has none
    }
    StoreOptions options;
    options.account = fresh_account();
    Store store = Store::open(uri, options);
    const std::vector<JournalEntry> first{planned("111-0000001-0000001", 1)};
    store.journal_write(first);
    // The server ends this connection (as a restart or a network failure would).
    Store admin = Store::open(uri, options);
    admin.exec_sql("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                   "WHERE application_name LIKE 'asc %' AND pid <> pg_backend_pid()");
    try {
        const std::vector<JournalEntry> second{planned("111-0000002-0000002", 2)};
        store.journal_write(second);
        FAIL("a write on a lost connection succeeded");
    } catch (const asc::Error& e) {
        CHECK(e.kind() == ErrorKind::Temporary);
        CHECK(std::string(e.what()).find("lost the connection") != std::string::npos);
    }
    CHECK(admin.journal_entries({}).size() == 1);
}

TEST_CASE("postgresql: the store password file must be private") {
    const auto uri = pg_uri();
    if (uri.empty()) {
        return; // the ctest unit.store.pg runs this case with a server; plain `unit` has none
    }
    asc_test::TempDir dir;
    const auto file = dir / "pg pass";
    {
        std::ofstream(file) << "*:*:*:*:not-used-by-trust-auth\n";
    }
    StoreOptions options;
    options.account = fresh_account();
    options.password_file = file;
    std::filesystem::permissions(file, std::filesystem::perms::owner_read | std::filesystem::perms::group_read);
    try {
        Store s = Store::open(uri, options);
        FAIL("a group-readable password file was accepted");
    } catch (const asc::Error& e) {
        CHECK(e.kind() == ErrorKind::Config);
        CHECK(std::string(e.what()).find("readable by other users") != std::string::npos);
    }
    std::filesystem::permissions(file, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
    Store s = Store::open(uri, options);
    CHECK(s.info().location.find("passfile=") != std::string::npos);
    CHECK(s.info().location.find("not-used") == std::string::npos);
}

TEST_CASE("postgresql: a server that is not there is a temporary failure") {
    try {
        Store s = Store::open("postgresql:///asc?host=/nonexistent-asc-socket-dir&connect_timeout=2");
        FAIL("opened a store without a server");
    } catch (const asc::Error& e) {
        CHECK(e.kind() == ErrorKind::Temporary);
    }
}

TEST_SUITE_END();
