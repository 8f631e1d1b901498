// The store's bulk writes (a sync's pages: a first load without secondary indexes, built at the
// end) and the listing's narrow read (OrderParts::ListRow).

#include "asc/store/store.hpp"
#include "store_test_support.hpp"

#include <doctest/doctest.h>
#include <sqlite3.h>

using namespace asc;
using namespace asc_test;

namespace {

constexpr const char* k_secondary_count =
    "SELECT count(*) FROM sqlite_master WHERE type = 'index' AND name IN ('orders_status_purchase', "
    "'orders_purchase', 'orders_updated', 'orders_ship_by', 'orders_summary', "
    "'order_items_sku', 'order_items_asin')";

std::vector<Order> orders_from(int first, int n) {
    std::vector<Order> out;
    for (int i = first; i < first + n; ++i) {
        out.push_back(make_order(i, i % 3 == 0 ? Status::Shipped : Status::Unshipped, k_t0 + i * k_hour));
    }
    return out;
}

std::vector<std::string> ids_of(Store& store, const OrderFilter& f) {
    std::vector<std::string> ids;
    store.query_orders(f, [&](Order&& o) {
        ids.push_back(o.order_id);
        return true;
    });
    return ids;
}

} // namespace

TEST_SUITE("store") {

    TEST_CASE("a bulk write into an empty store loads without secondary indexes and builds them at the end") {
        TempDir dir;
        Store store = Store::open(dir / "s.db");
        REQUIRE(sql_int(store, k_secondary_count) == 7);
        store.begin_bulk_write();
        CHECK(sql_int(store, k_secondary_count) == 0);
        CHECK(sql_int(store, "PRAGMA cache_size") == -64 * 1024);
        const std::vector<std::string> marks{"ATVPDKIKX0DER"};
        CHECK(store.upsert_page(orders_from(0, 30), marks, ts(k_t0)).inserted == 30);
        CHECK(store.upsert_orders(orders_from(30, 30)).inserted == 30);
        CHECK(store.upsert_orders(orders_from(0, 10)).unchanged == 10); // the UNIQUE lookup still works
        store.end_bulk_write();
        CHECK(sql_int(store, k_secondary_count) == 7);
        CHECK(sql_int(store, "PRAGMA cache_size") == -8 * 1024);
        CHECK(sql_int(store, "SELECT count(*) FROM pragma_integrity_check WHERE integrity_check != 'ok'") == 0);

        // The indexes hold every row: an indexed query finds the same orders as a full scan.
        OrderFilter by_sku;
        by_sku.sku = "SKU-3";
        OrderFilter unshipped;
        unshipped.statuses = {Status::Unshipped};
        CHECK(ids_of(store, by_sku).size() == 12);
        CHECK(ids_of(store, unshipped).size() == 40);
        store.end_bulk_write(); // idempotent
    }

    TEST_CASE("a bulk write that keeps the small cache still loads without secondary indexes") {
        TempDir dir;
        Store store = Store::open(dir / "s.db");
        store.begin_bulk_write(/*grow_cache=*/false);
        CHECK(sql_int(store, k_secondary_count) == 0);
        CHECK(sql_int(store, "PRAGMA cache_size") == -8 * 1024);
        for (int page = 0; page < 120; ++page) { // past the point where a growing cache is re-sized
            store.upsert_orders(orders_from(page, 1));
        }
        CHECK(sql_int(store, "PRAGMA cache_size") == -8 * 1024);
        store.end_bulk_write();
        CHECK(sql_int(store, k_secondary_count) == 7);
        CHECK(store.info().orders == 120);
    }

    TEST_CASE("a bulk write into a store with orders keeps its indexes") {
        TempDir dir;
        Store store = Store::open(dir / "s.db");
        store.upsert_orders(orders_from(0, 5));
        store.begin_bulk_write();
        CHECK(sql_int(store, k_secondary_count) == 7);
        store.upsert_orders(orders_from(5, 5));
        store.end_bulk_write();
        CHECK(sql_int(store, k_secondary_count) == 7);
        CHECK(store.info().orders == 10);
    }

    TEST_CASE("a bulk write that died before building its indexes gets them at the next open") {
        TempDir dir;
        {
            Store store = Store::open(dir / "s.db");
            store.begin_bulk_write();
            store.upsert_orders(orders_from(0, 20));
            // No end_bulk_write(): the process died here.
        }
        Store store = Store::open(dir / "s.db");
        CHECK(sql_int(store, k_secondary_count) == 7);
        OrderFilter by_asin;
        by_asin.asin = "B0GADGET00";
        CHECK(ids_of(store, by_asin).size() == 20);
    }

    TEST_CASE("a listing reads only the columns it prints and the item quantities" * doctest::test_suite("store backends")) {
        asc_test::on_each_backend(StoreOptions{.store_pii = true}, [&](asc::Store& store, const std::string&) {
            std::vector<Order> orders = orders_from(0, 3);
            orders[1].items[0].quantity_shipped = 1;
            orders[1].items[0].quantity_unshipped = 1;
            store.upsert_orders(orders);

            OrderFilter f;
            f.sort = "purchase_date";
            std::vector<Order> rows;
            store.query_orders(
                f,
                [&](Order&& o) {
                    rows.push_back(std::move(o));
                    return true;
                },
                OrderParts::ListRow);
            REQUIRE(rows.size() == 3);
            for (std::size_t i = 0; i < rows.size(); ++i) {
                const Order& full = orders[i];
                const Order& row = rows[i];
                CHECK(row.order_id == full.order_id);
                CHECK(row.status == full.status);
                CHECK(row.fulfilled_by == full.fulfilled_by);
                CHECK(row.purchase_date == full.purchase_date);
                CHECK(row.last_updated == full.last_updated);
                CHECK(row.ship_by.latest == full.ship_by.latest);
                check_same_money(row.total, full.total);
                CHECK(row.marketplace_id == full.marketplace_id);
                CHECK(row.marketplace_name == full.marketplace_name);
                CHECK(row.sales_channel == full.sales_channel);
                CHECK(row.ship_service_level == full.ship_service_level);
                CHECK(row.is_prime == full.is_prime);
                CHECK(row.is_business == full.is_business);
                CHECK(row.seller_order_id == full.seller_order_id);
                CHECK(row.items_shipped() == full.items_shipped());
                CHECK(row.items_unshipped() == full.items_unshipped());
                // What a listing does not print is not read.
                CHECK_FALSE(row.buyer.has_value());
                CHECK_FALSE(row.ship_to.has_value());
                CHECK(row.packages.empty());
                CHECK(row.total_breakdown.empty());
                REQUIRE(row.items.size() == full.items.size());
                CHECK(row.items[0].title.empty());
                CHECK_FALSE(row.items[0].unit_price.has_value());
            }
            CHECK(rows[1].items_shipped() == 1);
        });
    }

} // TEST_SUITE
