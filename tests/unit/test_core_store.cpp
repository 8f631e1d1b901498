// The local order store: schema and migrations, refusal of foreign files, upserts, personal data,
// exact money sums, queries and reports.

#include "asc/store/store.hpp"
#include "store_test_support.hpp"

#include <atomic>
#include <doctest/doctest.h>
#include <fstream>
#include <iterator>
#include <sqlite3.h>
#include <sys/stat.h>
#include <thread>
#include <unistd.h>

using namespace asc;
using namespace asc_test;

namespace {

std::string file_bytes(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void write_bytes(const std::filesystem::path& p, const std::string& bytes) {
    std::ofstream out(p, std::ios::binary);
    out << bytes;
}

std::vector<std::string> ids_of(Store& store, const OrderFilter& f) {
    std::vector<std::string> ids;
    store.query_orders(f, [&](Order&& o) {
        ids.push_back(o.order_id);
        return true;
    });
    return ids;
}

ErrorKind error_kind_of(const std::function<void()>& f, std::string* message = nullptr) {
    try {
        f();
    } catch (const Error& e) {
        if (message != nullptr) {
            *message = e.what();
        }
        return e.kind();
    }
    FAIL("no asc::Error thrown");
    return ErrorKind::Internal;
}

// The rows an order's items take, and its packed packages and money lines (schema 11) as
// elements of their JSON arrays.
std::int64_t child_rows(Store& s) {
    return sql_int(s, "SELECT (SELECT count(*) FROM order_items) + "
                      "(SELECT coalesce(sum(json_array_length(packages)), 0) FROM orders) + "
                      "(SELECT count(*) FROM orders, json_each(orders.packages) AS p, "
                      "json_each(p.value, '$[6]')) + "
                      "(SELECT coalesce(sum(json_array_length(money_lines)), 0) FROM orders)");
}

// Writes `o` as versions 1 to 10 of the schema held it: the orders row (the columns of version 1),
// and its items, packages, package items and money lines as rows of their own tables, each table's
// rows written from the last seq to the first (the migration must order them by seq, not by
// insertion). A frozen copy of the old layout: the store itself only writes the latest one.
void write_pre_v11_order(sqlite3* db, const Order& o) {
    sqlite3_stmt* st = nullptr;
    int param = 0;
    const auto prepare = [&](const char* sql) {
        REQUIRE(sqlite3_prepare_v2(db, sql, -1, &st, nullptr) == SQLITE_OK);
        param = 0;
    };
    const auto text = [&](std::string_view v) {
        ++param;
        if (v.empty()) {
            sqlite3_bind_null(st, param);
        } else {
            sqlite3_bind_text(st, param, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
        }
    };
    const auto integer = [&](std::optional<std::int64_t> v) {
        ++param;
        if (v) {
            sqlite3_bind_int64(st, param, *v);
        } else {
            sqlite3_bind_null(st, param);
        }
    };
    const auto time = [&](const std::optional<Timestamp>& t) {
        integer(t ? std::optional<std::int64_t>(t->time_since_epoch().count()) : std::nullopt);
    };
    const auto amount = [&](const std::optional<Money>& m) {
        integer(m ? std::optional<std::int64_t>(m->minor) : std::nullopt);
        integer(m ? std::optional<std::int64_t>(m->scale) : std::nullopt);
        text(m ? std::string_view(m->currency) : std::string_view());
    };
    const auto run = [&] {
        REQUIRE(sqlite3_step(st) == SQLITE_DONE);
        sqlite3_finalize(st);
    };
    prepare("INSERT INTO orders (order_id, status, fulfilled_by, purchase_date, last_updated, marketplace_id, "
            "marketplace_name, sales_channel, ship_service_level, ship_by_earliest, ship_by_latest, "
            "deliver_by_earliest, deliver_by_latest, total_minor, total_scale, total_currency, is_prime, "
            "is_business, is_replacement, replaced_order_id, seller_order_id, ship_state, ship_country, "
            "content_hash, stored_at, buyer_name, buyer_email, buyer_company, buyer_po, ship_name, ship_company, "
            "ship_line1, ship_line2, ship_line3, ship_city, ship_district, ship_postal_code, ship_phone, ship_type) "
            "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, "
            "?22, ?23, ?24, ?25, ?26, ?27, ?28, ?29, ?30, ?31, ?32, ?33, ?34, ?35, ?36, ?37, ?38, ?39)");
    text(o.order_id);
    text(to_string(o.status));
    text(o.fulfilled_by ? to_v2026(*o.fulfilled_by) : std::string_view());
    time(o.purchase_date);
    time(o.last_updated);
    for (const auto* t : {&o.marketplace_id, &o.marketplace_name, &o.sales_channel, &o.ship_service_level}) {
        text(*t);
    }
    time(o.ship_by.earliest);
    time(o.ship_by.latest);
    time(o.deliver_by.earliest);
    time(o.deliver_by.latest);
    amount(o.total);
    for (const bool b : {o.is_prime, o.is_business, o.is_replacement}) {
        integer(b ? 1 : 0);
    }
    text(o.replaced_order_id);
    text(o.seller_order_id);
    const Address a = o.ship_to.value_or(Address{});
    text(a.state);
    text(a.country_code);
    integer(0); // content_hash: none matches, so the next write of the order rewrites it
    integer(k_t0);
    const Buyer b = o.buyer.value_or(Buyer{});
    for (const auto* t : {&b.name, &b.email, &b.company, &b.purchase_order, &a.name, &a.company, &a.line1, &a.line2,
                          &a.line3, &a.city, &a.district, &a.postal_code, &a.phone, &a.type}) {
        text(*t);
    }
    run();
    const std::int64_t ref = sqlite3_last_insert_rowid(db);
    for (std::size_t i = o.items.size(); i-- > 0;) {
        const OrderItem& it = o.items[i];
        prepare("INSERT INTO order_items VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, "
                "?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24, ?25, ?26, ?27, ?28, ?29, ?30, ?31, ?32)");
        integer(ref);
        integer(static_cast<std::int64_t>(i));
        for (const auto* t : {&it.order_item_id, &it.sku, &it.asin, &it.title, &it.condition}) {
            text(*t);
        }
        for (const int q : {it.quantity_ordered, it.quantity_shipped, it.quantity_unshipped}) {
            integer(q);
        }
        for (const auto* m :
             {&it.unit_price, &it.item_total, &it.tax, &it.shipping_price, &it.promotion_discount, &it.proceeds_total}) {
            amount(*m);
        }
        integer(it.buyer_requested_cancel ? 1 : 0);
        text(it.buyer_cancel_reason);
        text(it.canceled_by);
        text(it.cancel_reason);
        run();
    }
    for (std::size_t p = o.packages.size(); p-- > 0;) {
        const Package& pk = o.packages[p];
        prepare("INSERT INTO packages VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
        integer(ref);
        integer(static_cast<std::int64_t>(p));
        for (const auto* t : {&pk.reference_id, &pk.carrier, &pk.shipping_service, &pk.tracking_number}) {
            text(*t);
        }
        time(pk.ship_time);
        text(pk.status);
        run();
        for (std::size_t i = pk.items.size(); i-- > 0;) {
            prepare("INSERT INTO package_items VALUES (?1, ?2, ?3, ?4, ?5)");
            integer(ref);
            integer(static_cast<std::int64_t>(p));
            integer(static_cast<std::int64_t>(i));
            text(pk.items[i].order_item_id);
            integer(pk.items[i].quantity);
            run();
        }
    }
    for (std::size_t i = o.total_breakdown.size(); i-- > 0;) {
        const MoneyLine& line = o.total_breakdown[i];
        prepare("INSERT INTO order_money_lines VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
        integer(ref);
        integer(static_cast<std::int64_t>(i));
        text(line.type);
        amount(line.amount);
        run();
    }
}

} // namespace

TEST_SUITE("store") {

    TEST_CASE("a new store file gets the latest schema, WAL, foreign keys and mode 0600") {
        TempDir dir;
        const auto path = dir / "data" / "asc" / "default.db";
        Store store = Store::open(path);
        CHECK(store.schema_version() == Store::latest_schema_version());
        CHECK(sql_int(store, "PRAGMA user_version") == Store::latest_schema_version());
        CHECK(sql_int(store, "PRAGMA foreign_keys") == 1);
        CHECK(sql_int(store, "PRAGMA application_id") == 0x41534331);
        sqlite3_stmt* stmt = nullptr;
        REQUIRE(sqlite3_prepare_v2(store.handle(), "PRAGMA journal_mode", -1, &stmt, nullptr) == SQLITE_OK);
        REQUIRE(sqlite3_step(stmt) == SQLITE_ROW);
        CHECK(std::string(reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0))) == "wal");
        sqlite3_finalize(stmt);

        struct stat st {};
        REQUIRE(::stat(path.c_str(), &st) == 0);
        CHECK((st.st_mode & 0777) == 0600);
        REQUIRE(::stat(path.parent_path().c_str(), &st) == 0);
        CHECK((st.st_mode & 0777) == 0700);
        // The WAL (which holds recent writes) is as private as the store.
        store.upsert_orders(std::vector{make_order(1)});
        REQUIRE(::stat((path.string() + "-wal").c_str(), &st) == 0);
        CHECK((st.st_mode & 0777) == 0600);
    }

    TEST_CASE("an existing store with loose permissions is tightened to 0600") {
        TempDir dir;
        const auto path = dir / "s.db";
        { Store s = Store::open(path); }
        ::chmod(path.c_str(), 0644);
        Store s = Store::open(path);
        struct stat st {};
        REQUIRE(::stat(path.c_str(), &st) == 0);
        CHECK((st.st_mode & 0777) == 0600);
    }

    TEST_CASE("a store is created from an empty file") {
        TempDir dir;
        const auto path = dir / "empty.db";
        write_bytes(path, "");
        Store store = Store::open(path);
        CHECK(store.schema_version() == Store::latest_schema_version());
        store.upsert_orders(std::vector{make_order(1)});
        CHECK(store.get_order(order_id(1)).has_value());
    }

    TEST_CASE("a store migrates from each earlier schema version and keeps its data") {
        for (int from = 1; from < Store::latest_schema_version(); ++from) {
            CAPTURE(from);
            TempDir dir;
            const auto path = dir / "old.db";
            Order order = make_order(7, Status::Shipped);
            // A second package, with a ship time and a text unknown (NULL in the old tables), and
            // a breakdown line with more digits than its currency's, to see each one come back.
            order.packages.push_back(order.packages[0]);
            order.packages[1].reference_id = "2";
            order.packages[1].carrier = "";
            order.packages[1].ship_time.reset();
            order.packages[1].items = {{order.items[1].order_item_id, 1}};
            order.total_breakdown.push_back({"TAX \"state\"", money("-0.125")});
            {
                Store old = Store::open(path, {.store_pii = true}, from);
                CHECK(old.schema_version() == from);
                CHECK(sql_int(old, "PRAGMA user_version") == from);
                write_pre_v11_order(old.handle(), order);
                sql_exec(old, fmt::format("INSERT INTO sync_marks VALUES ('ATVPDKIKX0DER', {}, {})", k_t0, k_t0).c_str());
            }
            Store store = Store::open(path, {.store_pii = true});
            CHECK(store.schema_version() == Store::latest_schema_version());
            const auto back = store.get_order(order.order_id);
            REQUIRE(back.has_value());
            check_same_order(order, *back, true);
            CHECK(store.sync_mark("ATVPDKIKX0DER") == ts(k_t0));
            // Version 2's tables exist and work.
            CHECK(store.report_cancellations(std::nullopt).empty());
            CHECK(sql_int(store, "SELECT count(*) FROM meta WHERE key = 'schema_2_applied_at'") == 1);
            CHECK(store.info().journal_entries == 0);
            // Version 10: order_id is unique through orders_order_id, not the column's constraint;
            // the rebuilt table kept every row, child and the from_report trigger.
            CHECK(sql_int(store, "SELECT count(*) FROM sqlite_master WHERE name = 'orders_order_id'") == 1);
            CHECK(sql_int(store, "SELECT count(*) FROM sqlite_master WHERE name LIKE 'sqlite_autoindex_orders%'") == 0);
            CHECK(sql_int(store, "SELECT count(*) FROM sqlite_master WHERE name = 'orders_from_report_cleared'") == 1);
            CHECK(sql_int(store, "SELECT count(*) FROM pragma_foreign_key_check") == 0);
            CHECK(sql_int(store, "PRAGMA foreign_keys") == 1);
            CHECK(sqlite3_exec(store.handle(),
                               "INSERT INTO orders (order_id, status, purchase_date, last_updated, marketplace_id, "
                               "content_hash, stored_at) SELECT order_id, status, purchase_date, last_updated, "
                               "marketplace_id, 0, 0 FROM orders",
                               nullptr, nullptr, nullptr) == SQLITE_CONSTRAINT_UNIQUE);
            // Version 8 keeps only the indexes a query needs: orders_marketplace is gone.
            CHECK(sql_int(store, "SELECT count(*) FROM sqlite_master WHERE name = 'orders_marketplace'") == 0);
            if (from < 8) {
                CHECK(sql_int(store, "SELECT count(*) FROM meta WHERE key = 'schema_8_applied_at'") == 1);
            }
            // Version 11: packages and money lines are columns of the row; their tables are gone.
            CHECK(sql_int(store, "SELECT count(*) FROM sqlite_master WHERE name IN ('packages', 'package_items', "
                                 "'order_money_lines')") == 0);
            // The stored copy written by the old layout has no hash of today's: the next write
            // of the same order rewrites it once, then finds it unchanged.
            CHECK(store.upsert_orders(std::vector{order}).updated == 1);
            CHECK(store.upsert_orders(std::vector{order}).unchanged == 1);
            check_same_order(order, *store.get_order(order.order_id), true);
        }
    }

    TEST_CASE("a store written by a newer asc is refused and left untouched") {
        TempDir dir;
        const auto path = dir / "newer.db";
        {
            Store s = Store::open(path);
            s.upsert_orders(std::vector{make_order(1)});
            sql_exec(s, fmt::format("PRAGMA user_version = {}", Store::latest_schema_version() + 1).c_str());
            sql_exec(s, "PRAGMA wal_checkpoint(TRUNCATE)");
        }
        const auto before = file_bytes(path);
        std::string message;
        CHECK(error_kind_of([&] { (void)Store::open(path); }, &message) == ErrorKind::Config);
        CHECK(message.find(fmt::format("was written by a newer asc (schema {}, this asc knows up to {})",
                                       Store::latest_schema_version() + 1, Store::latest_schema_version())) !=
              std::string::npos);
        CHECK(message.find(path.string()) == 0);
        CHECK(file_bytes(path) == before);
    }

    TEST_CASE("a file that is not a database is refused and left untouched") {
        TempDir dir;
        const auto path = dir / "garbage.db";
        std::string garbage;
        for (int i = 0; i < 5000; ++i) {
            garbage.push_back(static_cast<char>((i * 7919) % 251));
        }
        write_bytes(path, garbage);
        std::string message;
        try {
            (void)Store::open(path);
            FAIL("opened a garbage file");
        } catch (const Error& e) {
            CHECK(e.kind() == ErrorKind::Config);
            CHECK(std::string(e.what()) == path.string() + " is not an asc store (file is not a database)");
            CHECK(e.hint() == "move it away or point --store/ASC_STORE elsewhere");
        }
        CHECK(file_bytes(path) == garbage);
        CHECK_FALSE(std::filesystem::exists(dir / "garbage.db-wal"));
    }

    TEST_CASE("a file with an SQLite header but damaged content is refused") {
        TempDir dir;
        const auto path = dir / "damaged.db";
        std::string bytes("SQLite format 3\0", 16);
        bytes += std::string(4096, '\x7f');
        write_bytes(path, bytes);
        CHECK(error_kind_of([&] { (void)Store::open(path); }) == ErrorKind::Config);
        CHECK(file_bytes(path) == bytes);
    }

    TEST_CASE("another application's SQLite database is refused") {
        TempDir dir;
        const auto path = dir / "other.db";
        sqlite3* db = nullptr;
        REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
        REQUIRE(sqlite3_exec(db, "CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)", nullptr, nullptr,
                             nullptr) == SQLITE_OK);
        sqlite3_close(db);
        const auto before = file_bytes(path);
        std::string message;
        CHECK(error_kind_of([&] { (void)Store::open(path); }, &message) == ErrorKind::Config);
        CHECK(message.find("is not an asc store") != std::string::npos);
        CHECK(file_bytes(path) == before);
    }

    TEST_CASE("a directory at the store path is refused") {
        TempDir dir;
        std::filesystem::create_directory(dir / "x.db");
        CHECK(error_kind_of([&] { (void)Store::open(dir / "x.db"); }) == ErrorKind::Config);
    }

    TEST_CASE("an order round-trips through the store completely" * doctest::test_suite("store backends")) {
        on_each_backend(asc::StoreOptions{.store_pii = true}, [&](Store& store, const std::string&) {
            Order o = make_order(42, Status::PartiallyShipped);
            o.is_replacement = true;
            o.replaced_order_id = order_id(41);
            o.items[0].quantity_shipped = 1;
            o.items[0].quantity_unshipped = 1;
            o.items[1].canceled_by = "BUYER";
            o.items[1].cancel_reason = "BuyerCanceled";
            o.items[1].unit_price = money("1.005"); // an amount with more digits than the currency
            o.packages.push_back(o.packages[0]);
            o.packages[1].reference_id = "2";
            o.packages[1].items = {};
            o.packages[1].ship_time.reset();
            o.total = Money::parse("4500", "JPY");
            store.upsert_orders(std::vector{o});
            const auto back = store.get_order(o.order_id);
            REQUIRE(back.has_value());
            check_same_order(o, *back, true);
            CHECK_FALSE(store.get_order("999-0000000-0000000").has_value());
        });
    }

    TEST_CASE("an order without optional parts round-trips" * doctest::test_suite("store backends")) {
        on_each_backend({}, [&](Store& store, const std::string&) {
            Order o;
            o.order_id = order_id(5);
            o.status = Status::Pending;
            o.purchase_date = ts(k_t0);
            o.last_updated = ts(k_t0);
            o.marketplace_id = "A1PA6795UKMFR9";
            store.upsert_orders(std::vector{o});
            const auto back = store.get_order(o.order_id);
            REQUIRE(back.has_value());
            check_same_order(o, *back, true);
            CHECK_FALSE(back->buyer.has_value());
            CHECK_FALSE(back->ship_to.has_value());
            CHECK_FALSE(back->fulfilled_by.has_value());
        });
    }

    TEST_CASE("upserting the same orders twice changes nothing the second time") {
        Store store = Store::open_memory();
        std::vector<Order> orders;
        orders.reserve(50);
        for (int i = 0; i < 50; ++i) {
            orders.push_back(make_order(i, i % 2 == 0 ? Status::Unshipped : Status::Shipped));
        }
        const auto first = store.upsert_orders(orders);
        CHECK(first.inserted == 50);
        CHECK(first.updated == 0);
        const auto rows = sql_int(store, "SELECT count(*) FROM orders");
        const auto children = child_rows(store);
        const auto changes = sqlite3_total_changes64(store.handle());

        const auto second = store.upsert_orders(orders);
        CHECK(second.inserted == 0);
        CHECK(second.updated == 0);
        CHECK(second.unchanged == 50);
        CHECK(sql_int(store, "SELECT count(*) FROM orders") == rows);
        CHECK(child_rows(store) == children);
        CHECK(sqlite3_total_changes64(store.handle()) == changes); // not a single row rewritten
    }

    TEST_CASE("a changed order is updated and its items and packages replaced") {
        Store store = Store::open_memory();
        Order o = make_order(3);
        store.upsert_orders(std::vector{o});
        o.status = Status::Shipped;
        o.last_updated += std::chrono::hours(1);
        o.items.pop_back();
        o.items[0].quantity_shipped = 2;
        o.items[0].quantity_unshipped = 0;
        o.packages[0].items.pop_back();
        o.packages[0].status = "DELIVERED";
        const auto counts = store.upsert_orders(std::vector{o});
        CHECK(counts.updated == 1);
        CHECK(sql_int(store, "SELECT count(*) FROM order_items") == 1);
        CHECK(sql_int(store, "SELECT json_array_length(packages, '$[0][6]') FROM orders") == 1);
        const auto back = store.get_order(o.order_id);
        REQUIRE(back.has_value());
        check_same_order(o, *back, false);
    }

    TEST_CASE("packages and money lines come back exactly, whatever their texts hold" *
              doctest::test_suite("store backends")) {
        on_each_backend({}, [&](Store& store, const std::string&) {
            Order o = make_order(4);
            o.packages[0].carrier = "Quote \" back\\slash \x01 tab\t line\n";
            o.packages[0].shipping_service = "Gr\xc3\xb6\xc3\x9f" "e \xf0\x9f\x93\xa6";
            o.packages[0].status = "";
            o.packages[0].items.push_back({"", 0});
            o.packages.push_back(Package{}); // every text empty, no ship time, no items
            o.total_breakdown.push_back({"", money("-12345678901234.5678", "KWD")});
            store.upsert_orders(std::vector{o});
            const auto back = store.get_order(o.order_id);
            REQUIRE(back.has_value());
            check_same_order(o, *back, false);
            CHECK(back->total_breakdown[2].amount.scale == 4);
            // The stored lists hash as the given ones: writing the same order again changes nothing.
            CHECK(store.upsert_orders(std::vector{o}).unchanged == 1);
        });
    }

    TEST_CASE("a stray byte that is not UTF-8 reads back as U+FFFD") {
        Store store = Store::open_memory();
        Order o = make_order(5);
        o.packages[0].carrier = "A\xff\xc3" "B\xed\xa0\x80";
        o.total_breakdown[0].type = "ITEM\x80";
        store.upsert_orders(std::vector{o});
        const auto back = store.get_order(o.order_id);
        REQUIRE(back.has_value());
        CHECK(back->packages[0].carrier == "A\xef\xbf\xbd\xef\xbf\xbd" "B\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");
        CHECK(back->total_breakdown[0].type == "ITEM\xef\xbf\xbd");
        CHECK(back->total_breakdown[0].amount.to_string() == o.total_breakdown[0].amount.to_string());
    }

    TEST_CASE("a packed column that is not what asc writes names the order and the way out") {
        for (const char* bad : {"[[\"ITEM\",1999,2]]", "[[\"ITEM\",19.99,2,\"USD\"]]", "{\"ITEM\":1}",
                                "[[\"ITEM\",1999,99,\"USD\"]]", "[[\"ITEM\",1999,2,\"USD\"]] x", "[["}) {
            CAPTURE(bad);
            Store store = Store::open_memory();
            const Order o = make_order(6);
            store.upsert_orders(std::vector{o});
            sqlite3_stmt* st = nullptr;
            REQUIRE(sqlite3_prepare_v2(store.handle(), "UPDATE orders SET money_lines = ?1", -1, &st, nullptr) ==
                    SQLITE_OK);
            sqlite3_bind_text(st, 1, bad, -1, SQLITE_STATIC);
            CHECK(sqlite3_step(st) == SQLITE_DONE);
            sqlite3_finalize(st);
            try {
                (void)store.get_order(o.order_id);
                FAIL("read an unreadable money_lines column");
            } catch (const Error& e) {
                CHECK(e.kind() == ErrorKind::Config);
                CHECK(std::string(e.what()) ==
                      fmt::format("the order store holds unreadable money lines for order {}", o.order_id));
                CHECK(std::string(e.hint()).find("asc orders sync --full") != std::string::npos);
            }
        }
    }

    TEST_CASE("a content change without a new lastUpdatedTime is still stored" * doctest::test_suite("store backends")) {
        on_each_backend({}, [&](Store& store, const std::string&) {
            Order o = make_order(3);
            store.upsert_orders(std::vector{o});
            o.packages[0].tracking_number = "1ZNEW";
            CHECK(store.upsert_orders(std::vector{o}).updated == 1);
            CHECK(store.get_order(o.order_id)->packages[0].tracking_number == "1ZNEW");
        });
    }

    TEST_CASE("an older copy of an order does not overwrite a newer one" * doctest::test_suite("store backends")) {
        on_each_backend({}, [&](Store& store, const std::string&) {
            Order newer = make_order(3, Status::Shipped, k_t0, k_t0 + 7200);
            Order older = make_order(3, Status::Unshipped, k_t0, k_t0 + 60);
            store.upsert_orders(std::vector{newer});
            const auto counts = store.upsert_orders(std::vector{older});
            CHECK(counts.unchanged == 1);
            CHECK(store.get_order(newer.order_id)->status == Status::Shipped);
        });
    }

    TEST_CASE("a failing upsert leaves nothing of its transaction behind") {
        Store store = Store::open_memory();
        std::vector<Order> orders{make_order(1), make_order(2)};
        sql_exec(store, "CREATE TRIGGER refuse BEFORE INSERT ON orders WHEN NEW.seller_order_id = 'SO-2' "
                        "BEGIN SELECT RAISE(ABORT, 'refused'); END");
        CHECK(error_kind_of([&] { store.upsert_orders(orders); }) == ErrorKind::Internal);
        CHECK(sql_int(store, "SELECT count(*) FROM orders") == 0);
        CHECK(sql_int(store, "SELECT count(*) FROM order_items") == 0);
    }

    TEST_CASE("buyer and address are not written unless the profile opts in") {
        Store store = Store::open_memory(); // store_pii = false
        store.upsert_orders(std::vector{make_order(1), make_order(2)});
        CHECK(sql_int(store,
                      "SELECT count(*) FROM orders WHERE buyer_name IS NOT NULL OR buyer_email IS NOT NULL "
                      "OR buyer_company IS NOT NULL OR buyer_po IS NOT NULL OR ship_name IS NOT NULL "
                      "OR ship_company IS NOT NULL OR ship_line1 IS NOT NULL OR ship_line2 IS NOT NULL "
                      "OR ship_line3 IS NOT NULL OR ship_city IS NOT NULL OR ship_district IS NOT NULL "
                      "OR ship_postal_code IS NOT NULL OR ship_phone IS NOT NULL OR ship_type IS NOT NULL") ==
              0);
        // State and country stay: they identify no one.
        CHECK(sql_int(store, "SELECT count(*) FROM orders WHERE ship_state = 'WA' AND ship_country = 'US'") ==
              2);
        const auto back = store.get_order(order_id(1));
        REQUIRE(back.has_value());
        CHECK_FALSE(back->buyer.has_value());
        REQUIRE(back->ship_to.has_value());
        CHECK(back->ship_to->name.empty());
        CHECK(back->ship_to->line1.empty());
        CHECK(back->ship_to->state == "WA");
        CHECK(back->ship_to->country_code == "US");
        CHECK(store.info().orders_with_pii == 0);
    }

    TEST_CASE("without store_pii no personal data reaches the file") {
        TempDir dir;
        const auto path = dir / "nopii.db";
        {
            Store store = Store::open(path);
            std::vector<Order> orders;
            orders.reserve(100);
            for (int i = 0; i < 100; ++i) {
                orders.push_back(make_order(i));
            }
            store.upsert_orders(orders);
            orders[0].last_updated += std::chrono::hours(1);
            store.upsert_orders(std::vector{orders[0]});
            sql_exec(store, "PRAGMA wal_checkpoint(TRUNCATE)");
        }
        std::string bytes = file_bytes(path);
        for (const auto& f : {path.string() + "-wal", path.string() + "-shm"}) {
            if (std::filesystem::exists(f)) {
                bytes += file_bytes(f);
            }
        }
        REQUIRE(bytes.find("ATVPDKIKX0DER") != std::string::npos); // the orders are there
        for (const char* personal : {"Test Buyer", "test-buyer@", "Example Co", "Test Recipient",
                                     "Example Street", "Springfield", "98101", "555 0100", "PO-1"}) {
            CAPTURE(personal);
            CHECK(bytes.find(personal) == std::string::npos);
        }
    }

    TEST_CASE("personal data stored before opting out is cleared by the next update") {
        TempDir dir;
        const auto path = dir / "s.db";
        Order o = make_order(1);
        {
            Store s = Store::open(path, {.store_pii = true});
            s.upsert_orders(std::vector{o});
            CHECK(s.info().orders_with_pii == 1);
        }
        Store s = Store::open(path, {.store_pii = false});
        o.last_updated += std::chrono::minutes(5);
        o.buyer.reset(); // fetched without BUYER / RECIPIENT, as sync does without store_pii
        o.ship_to.reset();
        s.upsert_orders(std::vector{o});
        CHECK(s.info().orders_with_pii == 0);
        CHECK(sql_int(s, "SELECT count(*) FROM orders WHERE ship_country = 'US'") == 1);
    }

    TEST_CASE("with store_pii, an order fetched without buyer data keeps the stored buyer" * doctest::test_suite("store backends")) {
        on_each_backend(asc::StoreOptions{.store_pii = true}, [&](Store& store, const std::string&) {
            Order o = make_order(1);
            store.upsert_orders(std::vector{o});
            o.buyer.reset();
            o.ship_to.reset();
            o.status = Status::Shipped;
            o.last_updated += std::chrono::minutes(5);
            CHECK(store.upsert_orders(std::vector{o}).updated == 1);
            const auto back = store.get_order(o.order_id);
            REQUIRE(back.has_value());
            CHECK(back->status == Status::Shipped);
            REQUIRE(back->buyer.has_value());
            CHECK(back->buyer->email == "test-buyer@marketplace.example");
            REQUIRE(back->ship_to.has_value());
            CHECK(back->ship_to->line1 == "1 Example Street");
        });
    }

    TEST_CASE("personal data is purged by age of the order's last update" * doctest::test_suite("store backends")) {
        on_each_backend(asc::StoreOptions{.store_pii = true}, [&](Store& store, const std::string&) {
            std::vector<Order> orders;
            orders.reserve(10);
            for (int i = 0; i < 10; ++i) {
                // Last updated i days after t0.
                orders.push_back(make_order(i, Status::Shipped, k_t0, k_t0 + i * k_day));
            }
            store.upsert_orders(orders);
            CHECK(store.info().orders_with_pii == 10);
            // Older than t0 + 4 days: orders 0..3.
            CHECK(store.purge_pii(ts(k_t0 + 4 * k_day)) == 4);
            CHECK(store.info().orders_with_pii == 6);
            for (int i = 0; i < 10; ++i) {
                const auto o = store.get_order(order_id(i));
                REQUIRE(o.has_value());
                CHECK(o->buyer.has_value() == (i >= 4));
                REQUIRE(o->ship_to.has_value());
                CHECK(o->ship_to->country_code == "US");
                CHECK(o->ship_to->line1.empty() == (i < 4));
                CHECK(o->items.size() == 2); // only personal data goes
            }
            CHECK(store.purge_pii(ts(k_t0 + 4 * k_day)) == 0);
            // The same content seen again (e.g. in a sync overlap) does not bring it back.
            store.upsert_orders(std::vector{orders[0]});
            CHECK_FALSE(store.get_order(order_id(0))->buyer.has_value());
        });
    }

    TEST_CASE("money sums per currency are exact over many rows" * doctest::test_suite("store backends")) {
        on_each_backend({}, [&](Store& store, const std::string&) {
            std::vector<Order> batch;
            auto flush = [&] {
                store.upsert_orders(batch);
                batch.clear();
            };
            Order base;
            base.status = Status::Shipped;
            base.purchase_date = ts(k_t0);
            base.last_updated = ts(k_t0);
            base.marketplace_id = "ATVPDKIKX0DER";
            for (int i = 0; i < 100'000; ++i) {
                Order o = base;
                o.order_id = fmt::format("111-{:07}-0000001", i);
                o.total = money("0.10");
                batch.push_back(std::move(o));
                if (batch.size() == 1000) {
                    flush();
                }
            }
            for (int i = 0; i < 1000; ++i) {
                Order o = base;
                o.order_id = fmt::format("503-{:07}-0000002", i);
                o.marketplace_id = "A1VC38T7YXB528";
                o.total = Money::parse("1999", "JPY");
                batch.push_back(std::move(o));
            }
            // Same currency, more digits: added at the larger scale.
            Order odd = base;
            odd.order_id = "111-9999999-0000003";
            odd.total = money("0.005");
            batch.push_back(odd);
            // No total at all (a Pending order).
            Order pending = base;
            pending.order_id = "111-9999999-0000004";
            pending.status = Status::Pending;
            batch.push_back(pending);
            flush();

            const Summary s = store.report_summary(std::nullopt, std::nullopt);
            CHECK(s.orders == 101'002);
            REQUIRE(s.by_currency.size() == 3);
            CHECK(s.by_currency[0].currency.empty());
            CHECK(s.by_currency[0].orders == 1);
            CHECK_FALSE(s.by_currency[0].total.has_value());
            CHECK(s.by_currency[1].currency == "JPY");
            CHECK(s.by_currency[1].orders == 1000);
            REQUIRE(s.by_currency[1].total.has_value());
            CHECK(s.by_currency[1].total->to_string() == "1999000 JPY");
            CHECK(s.by_currency[2].currency == "USD");
            CHECK(s.by_currency[2].orders == 100'001);
            REQUIRE(s.by_currency[2].total.has_value());
            CHECK(s.by_currency[2].total->to_string() == "10000.005 USD");

            // The per-marketplace rows never mix currencies either.
            for (const auto& row : s.by_marketplace) {
                if (row.total) {
                    CHECK(row.total->currency == row.currency);
                }
            }
            // Per status: Shipped has a USD and a JPY line, Pending one without a currency.
            REQUIRE(s.by_status.size() == 3);
            CHECK(s.by_status[0].status == "Pending");
            CHECK(s.by_status[1].status == "Shipped");
            CHECK(s.by_status[1].currency == "JPY");
            CHECK(s.by_status[2].status == "Shipped");
            CHECK(s.by_status[2].currency == "USD");
            CHECK(s.by_status[2].total->amount() == "10000.005");
        });
    }

    TEST_CASE("the summary counts only orders placed in the given window" * doctest::test_suite("store backends")) {
        on_each_backend({}, [&](Store& store, const std::string&) {
            std::vector<Order> orders;
            orders.reserve(10);
            for (int i = 0; i < 10; ++i) {
                orders.push_back(make_order(i, i < 5 ? Status::Unshipped : Status::Shipped, k_t0 + i * k_day,
                                            k_t0 + i * k_day));
            }
            store.upsert_orders(orders);
            const Summary s = store.report_summary(ts(k_t0 + 2 * k_day), ts(k_t0 + 6 * k_day));
            CHECK(s.orders == 5); // days 2..6, both ends inclusive
            REQUIRE(s.by_status.size() == 2);
            CHECK(s.by_status[0].status == "Unshipped");
            CHECK(s.by_status[0].orders == 3);
            CHECK(s.by_status[0].total->to_string() == "89.91 USD");
            CHECK(s.by_status[1].orders == 2);
            REQUIRE(s.detail.size() == 2);
            CHECK(s.detail[0].marketplace_id == "ATVPDKIKX0DER");
            CHECK(store.report_summary(ts(k_t0 + 20 * k_day), std::nullopt).orders == 0);
        });
    }

    TEST_CASE("cached queries filter like the live list" * doctest::test_suite("store backends")) {
        on_each_backend({}, [&](Store& store, const std::string&) {
            std::vector<Order> orders;
            const std::array statuses{Status::Unshipped, Status::Shipped, Status::Canceled,
                                      Status::PartiallyShipped};
            for (int i = 0; i < 40; ++i) {
                Order o = make_order(i, statuses[static_cast<std::size_t>(i % 4)], k_t0 + i * k_hour,
                                     k_t0 + i * k_hour + 600);
                if (i % 5 == 0) {
                    o.fulfilled_by = FulfilledBy::Amazon;
                    o.ship_by = {};
                }
                if (i >= 30) {
                    o.marketplace_id = "A2EUQ1WTGCTBG2";
                }
                orders.push_back(o);
            }
            store.upsert_orders(orders);
            auto count = [&](const OrderFilter& f) { return ids_of(store, f).size(); };

            OrderFilter f;
            CHECK(count(f) == 40);
            f.statuses = {Status::Unshipped};
            CHECK(count(f) == 10);
            f.statuses = {Status::Unshipped, Status::Canceled};
            CHECK(count(f) == 20);

            OrderFilter created;
            created.created_after = ts(k_t0 + 10 * k_hour);
            created.created_before = ts(k_t0 + 19 * k_hour);
            CHECK(count(created) == 10); // inclusive on both ends

            OrderFilter updated;
            updated.updated_after = ts(k_t0 + 35 * k_hour + 600);
            CHECK(count(updated) == 5);
            updated.updated_before = ts(k_t0 + 36 * k_hour + 600);
            CHECK(count(updated) == 2);

            OrderFilter afn;
            afn.fulfilled_by = FulfilledBy::Amazon;
            CHECK(count(afn) == 8);
            afn.fulfilled_by = FulfilledBy::Merchant;
            CHECK(count(afn) == 32);

            OrderFilter market;
            market.marketplace_ids = {"A2EUQ1WTGCTBG2"};
            CHECK(count(market) == 10);
            market.marketplace_ids = {"A2EUQ1WTGCTBG2", "ATVPDKIKX0DER"};
            CHECK(count(market) == 40);

            OrderFilter sku;
            sku.sku = "SKU-3"; // items i1 of orders with i % 5 == 3
            CHECK(count(sku) == 8);
            sku.sku = "SKU-GADGET";
            CHECK(count(sku) == 40);
            sku.sku = "NO-SUCH";
            CHECK(count(sku) == 0);

            OrderFilter asin;
            asin.asin = "B000000004"; // i % 7 == 4
            CHECK(count(asin) == 6);

            OrderFilter ship;
            ship.ship_by_before = ts(k_t0 + 2 * k_day + 9 * k_hour); // latest ship = purchase + 2 days
            CHECK(count(ship) == 8); // i = 0..9, minus the AFN ones (0, 5) without a ship-by date

            OrderFilter limit;
            limit.statuses = {Status::Shipped};
            limit.limit = 3;
            const auto ids = ids_of(store, limit);
            REQUIRE(ids.size() == 3);
            CHECK(ids[0] == order_id(37)); // newest first by default
            CHECK(ids[1] == order_id(33));
            CHECK(ids[2] == order_id(29));

            OrderFilter combined;
            combined.statuses = {Status::Unshipped};
            combined.fulfilled_by = FulfilledBy::Merchant;
            combined.marketplace_ids = {"ATVPDKIKX0DER"};
            combined.sku = "SKU-GADGET";
            combined.created_after = ts(k_t0 + 4 * k_hour);
            CHECK(ids_of(store, combined) == std::vector<std::string>{order_id(28), order_id(24), order_id(16),
                                                                      order_id(12), order_id(8), order_id(4)});
        });
    }

    TEST_CASE("cached queries sort by each key, both ways" * doctest::test_suite("store backends")) {
        on_each_backend({}, [&](Store& store, const std::string&) {
            std::vector<Order> orders;
            // purchase ascending with i; ship-by descending with i; last update shuffled; totals varied.
            const std::array<std::int64_t, 5> updates{3, 1, 4, 0, 2};
            const std::array totals{"5.00", "100.00", "20.50", "0.99", "7.25"};
            for (int i = 0; i < 5; ++i) {
                const auto ui = static_cast<std::size_t>(i);
                Order o = make_order(i, Status::Unshipped, k_t0 + i * k_hour, k_t0 + 86400 + updates[ui] * 60);
                o.ship_by.latest = ts(k_t0 + 10 * k_day - i * k_hour);
                o.total = money(totals[ui]);
                orders.push_back(o);
            }
            Order afn = make_order(9, Status::Shipped, k_t0 - 3600, k_t0 + 86400 + 600);
            afn.fulfilled_by = FulfilledBy::Amazon;
            afn.ship_by = {};
            afn.total = Money::parse("300", "JPY");
            orders.push_back(afn);
            store.upsert_orders(orders);
            auto sorted = [&](std::string sort) {
                OrderFilter f;
                f.sort = std::move(sort);
                return ids_of(store, f);
            };
            auto ids = [](std::initializer_list<int> ns) {
                std::vector<std::string> out;
                for (int n : ns) {
                    out.push_back(order_id(n));
                }
                return out;
            };
            CHECK(sorted("purchase_date") == ids({9, 0, 1, 2, 3, 4}));
            CHECK(sorted("-purchase_date") == ids({4, 3, 2, 1, 0, 9}));
            CHECK(sorted("") == ids({4, 3, 2, 1, 0, 9}));
            CHECK(sorted("last_updated") == ids({3, 1, 4, 0, 2, 9}));
            CHECK(sorted("-last_updated") == ids({9, 2, 0, 4, 1, 3}));
            CHECK(sorted("ship_by") == ids({4, 3, 2, 1, 0, 9})); // no ship-by date last
            CHECK(sorted("-ship_by") == ids({0, 1, 2, 3, 4, 9}));
            CHECK(sorted("total") == ids({9, 3, 0, 4, 2, 1})); // JPY apart from USD
            CHECK(sorted("-total") == ids({9, 1, 2, 4, 0, 3}));
        });
    }

    TEST_CASE("an unknown sort key is a usage error naming the valid ones" * doctest::test_suite("store backends")) {
        on_each_backend({}, [&](Store& store, const std::string&) {
            OrderFilter f;
            f.sort = "buyer_name";
            try {
                store.query_orders(f, [](Order&&) { return true; });
                FAIL("accepted an unknown sort key");
            } catch (const Error& e) {
                CHECK(e.kind() == ErrorKind::Usage);
                CHECK(e.hint().find("purchase_date, ship_by, last_updated, total") != std::string::npos);
            }
        });
    }

    TEST_CASE("a query stops when the callback returns false, and may query the store meanwhile" * doctest::test_suite("store backends")) {
        on_each_backend({}, [&](Store& store, const std::string&) {
            std::vector<Order> orders;
            orders.reserve(20);
            for (int i = 0; i < 20; ++i) {
                orders.push_back(make_order(i));
            }
            store.upsert_orders(orders);
            int seen = 0;
            store.query_orders({}, [&](Order&& o) {
                ++seen;
                const auto again = store.get_order(o.order_id); // nested read on the same connection
                CHECK(again.has_value());
                CHECK(again->items.size() == o.items.size());
                return seen < 5;
            });
            CHECK(seen == 5);
        });
    }

    TEST_CASE("the status listing reads the (status, purchase_date) index, not the whole table") {
        Store store = Store::open_memory();
        sqlite3_stmt* stmt = nullptr;
        const char* sql = "EXPLAIN QUERY PLAN SELECT o.id FROM orders o WHERE o.status IN (?) "
                          "ORDER BY o.purchase_date DESC, o.id DESC LIMIT 50";
        REQUIRE(sqlite3_prepare_v2(store.handle(), sql, -1, &stmt, nullptr) == SQLITE_OK);
        std::string plan;
        while (sqlite3_step(stmt) == SQLITE_ROW) {
            plan += reinterpret_cast<const char*>(sqlite3_column_text(stmt, 3));
            plan += "\n";
        }
        sqlite3_finalize(stmt);
        CAPTURE(plan);
        CHECK(plan.find("orders_status_purchase") != std::string::npos);
        CHECK(plan.find("TEMP B-TREE") == std::string::npos);
    }

    TEST_CASE("the late report lists merchant orders past or near their ship-by date, oldest first" * doctest::test_suite("store backends")) {
        on_each_backend({}, [&](Store& store, const std::string&) {
            const auto now = k_t0 + 10 * k_day;
            std::vector<Order> orders;
            auto add = [&](int n, Status status, std::int64_t latest_ship,
                           FulfilledBy by = FulfilledBy::Merchant) {
                Order o = make_order(n, status);
                o.ship_by.latest = ts(latest_ship);
                o.fulfilled_by = by;
                orders.push_back(o);
            };
            add(1, Status::Unshipped, now - 3600);                       // late by an hour
            add(2, Status::Unshipped, now - 5 * k_day);                  // late by five days: first
            add(3, Status::Unshipped, now + 12 * k_hour);                // due within 24 h
            add(4, Status::Unshipped, now + 3 * k_day);                  // not yet
            add(5, Status::Shipped, now - 86400);                        // shipped: not late
            add(6, Status::Unshipped, now - 86400, FulfilledBy::Amazon); // Amazon's job
            add(7, Status::PartiallyShipped, now - 7200);                // items still to ship
            add(8, Status::Canceled, now - 86400);
            store.upsert_orders(orders);

            std::vector<std::string> late;
            store.report_late(ts(now), std::chrono::hours(24), [&](Order&& o) {
                late.push_back(o.order_id);
                return true;
            });
            CHECK(late == std::vector<std::string>{order_id(2), order_id(7), order_id(1), order_id(3)});

            late.clear();
            store.report_late(ts(now), std::chrono::seconds(0), [&](Order&& o) {
                late.push_back(o.order_id);
                return true;
            });
            CHECK(late == std::vector<std::string>{order_id(2), order_id(7), order_id(1)});
        });
    }

    TEST_CASE("the cancellations report returns journal rows since a time, oldest first") {
        Store store = Store::open_memory();
        CHECK(store.report_cancellations(std::nullopt).empty());
        sql_exec(
            store,
            "INSERT INTO cancel_journal (order_id, reason, batch_id, feed_id, message_id, state, "
            "result_code, created_at, updated_at, run_by) VALUES "
            "('111-0000001-0000001', 'NoInventory', 'b1', '5001', 1, 'canceled', NULL, 100, 200, 'ops@host'),"
            "('111-0000002-0000002', 'NoInventory', 'b1', '5001', 2, 'failed', '25', 300, 400, 'ops@host'),"
            "('111-0000003-0000003', 'BuyerCanceled', 'b2', NULL, NULL, 'planned', NULL, 50, 50, "
            "'ops@host')");
        const auto all = store.report_cancellations(std::nullopt);
        REQUIRE(all.size() == 3);
        CHECK(all[0].batch_id == "b2");
        CHECK_FALSE(all[0].message_id.has_value());
        CHECK(all[2].state == asc::JournalState::Failed);
        CHECK(all[2].result_code == "25");
        CHECK(all[2].message_id == 2);
        const auto recent = store.report_cancellations(ts(100));
        REQUIRE(recent.size() == 2);
        CHECK(recent[0].order_id == "111-0000001-0000001");
        CHECK(recent[0].updated_at == ts(200));
        CHECK(recent[0].run_by == "ops@host");
        // The journal only accepts its states.
        CHECK(sqlite3_exec(store.handle(),
                           "INSERT INTO cancel_journal (order_id, reason, batch_id, state, created_at, "
                           "updated_at, run_by) VALUES ('x', 'y', 'z', 'bogus', 1, 1, 'u')",
                           nullptr, nullptr, nullptr) != SQLITE_OK);
    }

    TEST_CASE("sync marks advance only with their page and never move back") {
        Store store = Store::open_memory();
        const std::vector<std::string> keys{"ATVPDKIKX0DER", "A2EUQ1WTGCTBG2"};
        CHECK_FALSE(store.sync_mark(keys[0]).has_value());
        store.upsert_page(std::vector{make_order(1)}, keys, ts(k_t0 + 100));
        CHECK(store.sync_mark(keys[0]) == ts(k_t0 + 100));
        CHECK(store.sync_mark(keys[1]) == ts(k_t0 + 100));
        store.upsert_page({}, std::span(keys.data(), 1), ts(k_t0 + 50));
        CHECK(store.sync_mark(keys[0]) == ts(k_t0 + 100));

        // A page that fails to store does not move the mark.
        sql_exec(store, "CREATE TRIGGER refuse BEFORE INSERT ON orders BEGIN SELECT RAISE(ABORT, 'no'); END");
        CHECK(error_kind_of([&] { store.upsert_page(std::vector{make_order(2)}, keys, ts(k_t0 + 500)); }) ==
              ErrorKind::Internal);
        CHECK(store.sync_mark(keys[0]) == ts(k_t0 + 100));

        const auto marks = store.sync_marks();
        REQUIRE(marks.size() == 2);
        CHECK(marks[0].key == "A2EUQ1WTGCTBG2");
        CHECK(marks[0].synced_at.time_since_epoch().count() > 0);
    }

    TEST_CASE("store info reports path, size, counts and marks") {
        TempDir dir;
        const auto path = dir / "info.db";
        Store store = Store::open(path, {.store_pii = true});
        std::vector<Order> orders{make_order(1), make_order(2), make_order(3)};
        orders[2].buyer.reset();
        orders[2].ship_to.reset();
        store.upsert_page(orders, std::vector<std::string>{"ATVPDKIKX0DER"}, ts(k_t0));
        const StoreInfo info = store.info();
        CHECK(info.path == path);
        CHECK(info.file_size > 0);
        CHECK(info.schema_version == Store::latest_schema_version());
        CHECK(info.orders == 3);
        CHECK(info.orders_with_pii == 2);
        REQUIRE(info.marks.size() == 1);
        CHECK(info.marks[0].mark == ts(k_t0));
    }

    TEST_CASE("a second sync lock on the same store is refused with the holder's pid") {
        TempDir dir;
        const auto path = dir / "lock.db";
        Store a = Store::open(path);
        Store b = Store::open(path);
        {
            const SyncLock held = a.lock_for_sync(std::chrono::milliseconds(0));
            std::string message;
            CHECK(error_kind_of([&] { (void)b.lock_for_sync(std::chrono::milliseconds(120)); }, &message) ==
                  ErrorKind::Temporary);
            CHECK(message ==
                  fmt::format("another `asc orders sync` is running for this store (pid {})", ::getpid()));
        }
        // Released with its holder.
        const SyncLock again = b.lock_for_sync(std::chrono::milliseconds(0));
        struct stat st {};
        REQUIRE(::stat((dir / "lock.db.lock").c_str(), &st) == 0);
        CHECK((st.st_mode & 0777) == 0600);
    }

    TEST_CASE("a sync lock waits for the holder to finish") {
        TempDir dir;
        const auto path = dir / "lock.db";
        Store a = Store::open(path);
        Store b = Store::open(path);
        auto held = std::make_unique<SyncLock>(a.lock_for_sync(std::chrono::milliseconds(0)));
        std::thread releaser([&] {
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
            held.reset();
        });
        CHECK_NOTHROW((void)b.lock_for_sync(std::chrono::milliseconds(5000)));
        releaser.join();
    }

    TEST_CASE("several asc processes creating the same new store at once all succeed") {
        // Two cron jobs starting together on a fresh machine: neither may mistake the other's
        // half-created file for a foreign database, nor fail on the switch to WAL.
        for (int round = 0; round < 10; ++round) {
            TempDir dir;
            const auto path = dir / "fresh.db";
            std::vector<std::thread> threads;
            std::atomic<int> opened{0};
            std::vector<std::string> errors(4);
            for (std::size_t t = 0; t < errors.size(); ++t) {
                threads.emplace_back([&, t] {
                    try {
                        Store s = Store::open(path);
                        s.upsert_orders(std::vector<Order>{make_order(static_cast<int>(t))});
                        ++opened;
                    } catch (const std::exception& e) {
                        errors[t] = e.what();
                    }
                });
            }
            for (auto& th : threads) {
                th.join();
            }
            for (const auto& e : errors) {
                CHECK_MESSAGE(e.empty(), e);
            }
            CHECK(opened == 4);
            CHECK(Store::open(path).info().orders == 4);
        }
    }

    TEST_CASE("two connections write the same store one after the other") {
        TempDir dir;
        const auto path = dir / "two.db";
        Store a = Store::open(path);
        Store b = Store::open(path);
        std::vector<Order> first;
        std::vector<Order> second;
        second.reserve(200);
        for (int i = 0; i < 200; ++i) {
            (i % 2 == 0 ? first : second).push_back(make_order(i));
        }
        std::thread ta([&] {
            for (std::size_t i = 0; i < first.size(); i += 10) {
                a.upsert_orders(std::span(first).subspan(i, 10));
            }
        });
        std::thread tb([&] {
            for (std::size_t i = 0; i < second.size(); i += 10) {
                b.upsert_orders(std::span(second).subspan(i, 10));
            }
        });
        ta.join();
        tb.join();
        CHECK(a.info().orders == 200);
    }

} // TEST_SUITE
