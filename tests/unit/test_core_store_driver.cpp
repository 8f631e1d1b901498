// The store's connection seam (src/core/store/db.hpp) below the Store: what its two drivers must
// do alike. A UNIQUE violation caught with try_step leaves the transaction usable (PostgreSQL: a
// savepoint around the statement), on both backends. On PostgreSQL (ctest unit.store.pg sets
// ASC_TEST_PG_URI): statements are prepared once per connection and reused, and a Rows::Many
// result is read through a cursor a chunk at a time, with the connection free for other
// statements between chunks.

#include "../../src/core/store/db.hpp"
#include "../../src/core/store/store_pg.hpp"
#include "asc/base/errors.hpp"
#include "asc/store/store.hpp"
#include "store_test_support.hpp"

#include <cstdlib>
#include <doctest/doctest.h>
#include <fmt/format.h>
#include <functional>
#include <sqlite3.h>
#include <string>
#include <unistd.h>

namespace {

std::string pg_uri() {
    const char* uri = std::getenv("ASC_TEST_PG_URI");
    return uri != nullptr ? uri : "";
}

std::unique_ptr<asc::pg::PgConn> pg_connect() {
    auto conn = asc::pg::connect(pg_uri(), std::chrono::milliseconds(5000));
    // A schema of its own for this process, so runs never meet.
    const std::string schema = fmt::format("asc_driver_test_{}", ::getpid());
    conn->exec(fmt::format("DROP SCHEMA IF EXISTS {0} CASCADE; CREATE SCHEMA {0}; SET search_path TO {0}", schema));
    return conn;
}

// Runs `body` on an in-memory SQLite connection and, with ASC_TEST_PG_URI, on PostgreSQL.
void on_each_driver(const std::function<void(asc::db::Conn&)>& body) {
    {
        sqlite3* raw = nullptr;
        REQUIRE(sqlite3_open(":memory:", &raw) == SQLITE_OK);
        sqlite3_extended_result_codes(raw, 1);
        auto conn = asc::db::sqlite_conn(raw, true);
        INFO("driver sqlite");
        body(*conn);
    }
    if (!pg_uri().empty()) {
        auto conn = pg_connect();
        INFO("driver postgresql");
        body(*conn);
    }
}

std::vector<std::string> names(asc::db::Conn& conn) {
    asc::db::Stmt s(&conn, "SELECT name FROM t ORDER BY id");
    std::vector<std::string> out;
    while (s.step()) {
        out.push_back(s.text(0));
    }
    return out;
}

} // namespace

TEST_SUITE_BEGIN("store backends");

TEST_CASE("a UNIQUE violation caught by try_step leaves the transaction going on, on both drivers") {
    on_each_driver([](asc::db::Conn& conn) {
        conn.exec("CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE)");
        asc::db::Transaction tx(&conn, asc::db::TxMode::Write);
        asc::db::Stmt ins(&conn, "INSERT INTO t (id, name) VALUES (?1, ?2)");
        const auto insert = [&ins](std::int64_t id, const char* name) {
            ins.bind(1, id);
            ins.bind(2, name);
            const auto step = ins.try_step();
            ins.reset();
            return step;
        };
        CHECK(insert(1, "first") == asc::db::Step::Done);
        CHECK(insert(2, "first") == asc::db::Step::UniqueViolation); // changes nothing
        CHECK(insert(3, "second") == asc::db::Step::Done);           // the transaction goes on
        tx.commit();
        CHECK(names(conn) == std::vector<std::string>{"first", "second"});
        // Outside a transaction too, and a plain step() still throws on a violation.
        CHECK(insert(4, "second") == asc::db::Step::UniqueViolation);
        ins.bind(1, std::int64_t{5});
        ins.bind(2, "first");
        CHECK_THROWS_AS(ins.step(), asc::Error);
        ins.reset();
        CHECK(names(conn) == std::vector<std::string>{"first", "second"});
    });
}

TEST_CASE("postgresql: a statement is prepared once per connection and reused") {
    if (pg_uri().empty()) {
        return; // the ctest unit.store.pg runs this case with a server; plain `unit` has none
    }
    auto conn = pg_connect();
    conn->exec("CREATE TABLE t (id BIGINT PRIMARY KEY, name TEXT NOT NULL)");
    const auto before = conn->prepared_count();
    for (int i = 0; i < 5; ++i) {
        asc::db::Stmt s(conn.get(), "INSERT INTO t (id, name) VALUES (?1, ?2)");
        s.bind(1, std::int64_t{i});
        s.bind(2, "x");
        s.run();
    }
    CHECK(conn->prepared_count() == before + 1);
    // The same SQL in use twice at once: the second statement prepares its own copy, and both work.
    asc::db::Stmt a(conn.get(), "SELECT count(*) FROM t WHERE id >= ?1");
    asc::db::Stmt b(conn.get(), "SELECT count(*) FROM t WHERE id >= ?1");
    a.bind(1, std::int64_t{0});
    b.bind(1, std::int64_t{3});
    REQUIRE(a.step());
    REQUIRE(b.step());
    CHECK(a.int64(0) == 5);
    CHECK(b.int64(0) == 2);
    CHECK(conn->prepared_count() == before + 3);
}

TEST_CASE("postgresql: a Rows::Many result is read a chunk at a time, the connection free between chunks") {
    if (pg_uri().empty()) {
        return; // the ctest unit.store.pg runs this case with a server; plain `unit` has none
    }
    auto conn = pg_connect();
    conn->exec("CREATE TABLE t (id BIGINT PRIMARY KEY, name TEXT NOT NULL)");
    conn->exec("INSERT INTO t SELECT g, 'n' || g FROM generate_series(1, 2500) g");
    conn->set_fetch_rows(1000);
    asc::db::Transaction tx(conn.get(), asc::db::TxMode::Read);
    const auto fetches = conn->fetch_count();
    asc::db::Stmt all(conn.get(), "SELECT id, name FROM t WHERE id >= ?1 ORDER BY id", asc::db::Rows::Many);
    all.bind(1, std::int64_t{1});
    std::int64_t expected = 1;
    bool in_order = true;
    while (all.step()) {
        in_order = in_order && all.int64(0) == expected && all.text(1) == fmt::format("n{}", expected);
        if (expected == 1500) {
            // Another statement between two chunks of the cursor, on the same connection.
            asc::db::Stmt one(conn.get(), "SELECT name FROM t WHERE id = ?1");
            one.bind(1, std::int64_t{7});
            REQUIRE(one.step());
            CHECK(one.text(0) == "n7");
        }
        ++expected;
    }
    CHECK(in_order);
    CHECK(expected == 2501);
    CHECK(conn->fetch_count() - fetches == 3); // 1000 + 1000 + 500 rows: never more than a chunk held
    // Run again in the same transaction (the cursor was closed after its last chunk), then stop
    // early: reset closes the cursor, and a third run declares it anew.
    all.reset();
    all.bind(1, std::int64_t{2000});
    REQUIRE(all.step());
    CHECK(all.int64(0) == 2000);
    all.reset();
    all.bind(1, std::int64_t{2400});
    int rows = 0;
    while (all.step()) {
        ++rows;
    }
    CHECK(rows == 101);
    all.reset();
    tx.commit();
    // Outside a transaction the same statement reads its whole (here small) result at once.
    all.bind(1, std::int64_t{2490});
    rows = 0;
    while (all.step()) {
        ++rows;
    }
    CHECK(rows == 11);
}

TEST_CASE("a page of orders is stored alike one by one (SQLite) and in multi-row statements (PostgreSQL)") {
    const auto check_page = [](asc::Store& store) {
        std::vector<asc::Order> first;
        for (int n = 1; n <= 30; ++n) {
            first.push_back(asc_test::make_order(n));
        }
        first[3].packages.clear(); // children of every kind, and none
        first[4].total_breakdown.clear();
        first[5].ship_to.reset();
        auto c = store.upsert_page(first, std::vector<std::string>{"ATVPDKIKX0DER"}, asc_test::ts(asc_test::k_t0));
        CHECK(c.inserted == 30);
        // Ten unchanged, five changed, one older copy (kept), five new.
        std::vector<asc::Order> second(first.begin(), first.begin() + 16);
        for (int k = 10; k < 15; ++k) {
            second[static_cast<std::size_t>(k)].status = asc::Status::Shipped;
            second[static_cast<std::size_t>(k)].last_updated = asc_test::ts(asc_test::k_t0 + 600);
            second[static_cast<std::size_t>(k)].items.pop_back();
        }
        second[15].status = asc::Status::Canceled;
        second[15].last_updated = asc_test::ts(asc_test::k_t0 - 600);
        for (int n = 31; n <= 35; ++n) {
            second.push_back(asc_test::make_order(n, asc::Status::Shipped));
        }
        c = store.upsert_orders(second);
        CHECK(c.unchanged == 11);
        CHECK(c.updated == 5);
        CHECK(c.inserted == 5);
        for (std::size_t k = 0; k < second.size(); ++k) {
            const auto got = store.get_order(second[k].order_id);
            REQUIRE(got.has_value());
            asc_test::check_same_order(*got, k == 15 ? first[15] : second[k], false);
        }
        // A page naming an order twice: the later copy meets the earlier one.
        std::vector<asc::Order> twice{asc_test::make_order(40), asc_test::make_order(40)};
        twice[1].status = asc::Status::Shipped;
        twice[1].last_updated = asc_test::ts(asc_test::k_t0 + 900);
        c = store.upsert_orders(twice);
        CHECK(c.inserted == 1);
        CHECK(c.updated == 1);
        CHECK(store.get_order(twice[0].order_id)->status == asc::Status::Shipped);
    };
    {
        asc_test::TempDir dir;
        asc::Store store = asc::Store::open(dir / "s.db");
        INFO("backend sqlite");
        check_page(store);
    }
    if (!pg_uri().empty()) {
        asc::StoreOptions options;
        options.account = fmt::format("DRIVER{}", ::getpid());
        asc::Store store = asc::Store::open(pg_uri(), options);
        INFO("backend postgresql");
        check_page(store);
    }
}

TEST_SUITE_END();
