// The store's bulk writes (a sync's pages: a first load without secondary indexes, built at the
// end) and the listing's narrow read (OrderParts::ListRow).

#include "asc/store/store.hpp"
#include "store_test_support.hpp"

#include <doctest/doctest.h>
#include <sqlite3.h>

using namespace asc;
using namespace asc_test;

namespace {

constexpr const char* k_order_id_index =
    "SELECT count(*) FROM sqlite_master WHERE type = 'index' AND name = 'orders_order_id'";
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
        // Met again: stored as new rows until the end, which keeps one copy of each and says the
        // extra ones were unchanged.
        CHECK(sql_int(store, k_order_id_index) == 0);
        CHECK(store.upsert_orders(orders_from(0, 10)).inserted == 10);
        const BulkSettled settled = store.end_bulk_write();
        CHECK(settled.copies == 10);
        CHECK(settled.updated == 0);
        CHECK(settled.applied_to(UpsertCounts{.inserted = 70}).inserted == 60);
        CHECK(settled.applied_to(UpsertCounts{.inserted = 70}).unchanged == 10);
        CHECK(store.info().orders == 60);
        CHECK(sql_int(store, "SELECT count(*) FROM order_items") == 120);
        CHECK(sql_int(store, k_order_id_index) == 1);
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

    TEST_CASE("a bulk write that keeps memory flat: a 2 MiB cache, no secondary indexes until the end") {
        TempDir dir;
        Store store = Store::open(dir / "s.db");
        store.begin_bulk_write(/*grow_cache=*/false);
        CHECK(sql_int(store, k_secondary_count) == 0);
        CHECK(sql_int(store, "PRAGMA cache_size") == -2 * 1024);
        for (int page = 0; page < 120; ++page) { // past the point where a growing cache is re-sized
            store.upsert_orders(orders_from(page, 1));
        }
        CHECK(sql_int(store, "PRAGMA cache_size") == -2 * 1024);
        store.end_bulk_write();
        CHECK(sql_int(store, "PRAGMA cache_size") == -8 * 1024); // the default again
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
            std::vector<Order> again = orders_from(3, 2); // order 3 changed, order 4 alike
            again[0].status = Status::Canceled;
            again[0].last_updated = ts(k_t0 + 30 * k_hour);
            store.upsert_orders(again);
            CHECK(sql_int(store, "SELECT count(*) FROM orders") == 22);
            // No end_bulk_write(): the process died here.
        }
        Store store = Store::open(dir / "s.db");
        CHECK(sql_int(store, k_secondary_count) == 7);
        CHECK(sql_int(store, k_order_id_index) == 1);
        CHECK(store.info().orders == 20);
        CHECK(store.get_order(order_id(3))->status == Status::Canceled);
        CHECK(sql_int(store, "SELECT count(*) FROM order_items") == 40);
        OrderFilter by_asin;
        by_asin.asin = "B0GADGET00";
        CHECK(ids_of(store, by_asin).size() == 20);
    }

    TEST_CASE("a bulk write into an empty store meets an order twice in one page: upserted as always") {
        TempDir dir;
        Store store = Store::open(dir / "s.db", StoreOptions{.store_pii = true});
        store.begin_bulk_write(/*grow_cache=*/false);
        // One page: order 1, a newer copy of it (new status, one item fewer), order 2, an older
        // copy of order 2 (kept out), and order 3 twice alike.
        std::vector<Order> page = orders_from(1, 3);
        Order newer = page[0];
        newer.status = Status::Shipped;
        newer.last_updated = ts(k_t0 + 3600);
        newer.items.pop_back();
        newer.packages[0].items.pop_back();
        Order older = page[1];
        older.status = Status::Canceled;
        older.last_updated = ts(k_t0);
        page.insert(page.begin() + 1, newer);
        page.push_back(older);
        page.push_back(page[3]);
        const UpsertCounts loaded = store.upsert_orders(page);
        CHECK(loaded.inserted == 6); // no lookup during the load: every copy is a new row
        const UpsertCounts counts = store.end_bulk_write().applied_to(loaded);
        CHECK(counts.inserted == 3);
        CHECK(counts.updated == 1);
        CHECK(counts.unchanged == 2);

        const auto one = store.get_order(order_id(1));
        REQUIRE(one.has_value());
        check_same_order(*one, newer, true);
        const auto two = store.get_order(order_id(2));
        REQUIRE(two.has_value());
        CHECK(two->status == Status::Unshipped);
        CHECK(sql_int(store, "SELECT count(*) FROM orders") == 3);
        // The items of the replaced copy went with it, and its packed lists with its row: none
        // twice, none left behind.
        CHECK(sql_int(store, "SELECT count(*) FROM order_items") == 5);
        CHECK(sql_int(store, "SELECT count(*) FROM orders, json_each(orders.packages) AS p, "
                             "json_each(p.value, '$[6]')") == 5);
        CHECK(sql_int(store, "SELECT coalesce(sum(json_array_length(money_lines)), 0) FROM orders") == 6);
        CHECK(sql_int(store, "SELECT count(*) FROM pragma_integrity_check WHERE integrity_check != 'ok'") == 0);
    }

    TEST_CASE("a bulk write into an empty store meets an order again on a later page, and one another process stored") {
        TempDir dir;
        Store store = Store::open(dir / "s.db");
        store.begin_bulk_write();
        CHECK(store.upsert_orders(orders_from(0, 10)).inserted == 10);
        // Another asc (a sync) stores a newer copy of order 12 after this load began.
        Order theirs = make_order(12, Status::Shipped, k_t0 + 12 * k_hour, k_t0 + 7200);
        {
            Store other = Store::open(dir / "s.db");
            CHECK(other.upsert_orders(std::vector<Order>{theirs}).inserted == 1);
        }
        std::vector<Order> page = orders_from(5, 10); // 5..9 again, 10..14 new but 12
        page[0].status = Status::Shipped;             // order 5: newer content
        page[0].last_updated = ts(k_t0 + 3600);
        const UpsertCounts counts = store.upsert_orders(page);
        CHECK(counts.inserted == 4);
        CHECK(counts.updated == 1);
        CHECK(counts.unchanged == 5); // 6..9 alike, and our older copy of order 12 kept out
        store.end_bulk_write();
        CHECK(store.info().orders == 15);
        CHECK(store.get_order(order_id(5))->status == Status::Shipped);
        const auto twelve = store.get_order(order_id(12));
        REQUIRE(twelve.has_value());
        CHECK(twelve->status == Status::Shipped);
        CHECK(twelve->last_updated == theirs.last_updated);
        CHECK(sql_int(store, "SELECT count(*) FROM order_items") == 30);
    }

    TEST_CASE("report orders loaded into an empty store are flagged without an order-id lookup") {
        TempDir dir;
        Store store = Store::open(dir / "s.db");
        store.begin_bulk_write();
        CHECK(store.upsert_orders(orders_from(0, 3)).inserted == 3); // from the Orders API
        CHECK(store.upsert_report_orders(orders_from(3, 4)).inserted == 4);
        CHECK(sql_int(store, k_order_id_index) == 0);
        store.end_bulk_write();
        CHECK(sql_int(store, "SELECT count(*) FROM orders WHERE from_report = 1") == 4);
        CHECK_FALSE(store.order_from_report(order_id(2)));
        CHECK(store.order_from_report(order_id(3)));
        CHECK(store.order_from_report(order_id(6)));
    }

    TEST_CASE("the content hash tells texts apart by where one ends and the next begins") {
        TempDir dir;
        Store store = Store::open(dir / "s.db");
        Order o = make_order(1);
        o.items[0].sku = "SKU-AB";
        o.items[0].asin.clear();
        CHECK(store.upsert_orders(std::vector<Order>{o}).inserted == 1);
        CHECK(store.upsert_orders(std::vector<Order>{o}).unchanged == 1);
        o.items[0].sku = "SKU-A";
        o.items[0].asin = "B"; // the same bytes in a row, split elsewhere
        CHECK(store.upsert_orders(std::vector<Order>{o}).updated == 1);
        o.items[0].title = "Widget, 8 bytes+"; // a text longer than one word
        CHECK(store.upsert_orders(std::vector<Order>{o}).updated == 1);
        o.items[0].title = "Widget, 8 bytes-";
        CHECK(store.upsert_orders(std::vector<Order>{o}).updated == 1);
        CHECK(store.get_order(order_id(1))->items[0].title == "Widget, 8 bytes-");
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
