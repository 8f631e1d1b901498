#pragma once
// Helpers for the store and sync tests: synthetic orders (no real person's data), a temporary
// directory, an order comparison, and a fake Amazon (OrderSource) serving pages from memory.

#include "asc/base/errors.hpp"
#include "asc/store/store.hpp"
#include "asc/sync/sync.hpp"

#include <algorithm>
#include <cstdlib>
#include <doctest/doctest.h>
#include <filesystem>
#include <functional>
#include <unistd.h>
#include <fmt/format.h>
#include <sqlite3.h>
#include <string>
#include <vector>

namespace asc_test {

inline asc::Timestamp ts(std::int64_t unix_seconds) {
    return asc::Timestamp{std::chrono::seconds{unix_seconds}};
}

// 2026-11-01T00:00:00Z
inline constexpr std::int64_t k_t0 = 1793491200;
inline constexpr std::int64_t k_day = 86400;
inline constexpr std::int64_t k_hour = 3600;

inline asc::Money money(std::string_view amount, std::string_view currency = "USD") {
    auto m = asc::Money::parse(amount, currency);
    REQUIRE(m.has_value());
    return *m;
}

inline std::string order_id(int n) {
    return fmt::format("{:03}-{:07}-{:07}", 100 + n % 900, n, n * 7 % 10'000'000);
}

// A complete merchant-fulfilled order with two items, a package, a breakdown and (synthetic)
// buyer and address data.
inline asc::Order make_order(int n, asc::Status status = asc::Status::Unshipped, std::int64_t purchase = k_t0,
                             std::int64_t updated = k_t0 + 60) {
    asc::Order o;
    o.order_id = order_id(n);
    o.status = status;
    o.fulfilled_by = asc::FulfilledBy::Merchant;
    o.purchase_date = ts(purchase);
    o.last_updated = ts(updated);
    o.marketplace_id = "ATVPDKIKX0DER";
    o.marketplace_name = "Amazon.com";
    o.sales_channel = "Amazon.com";
    o.ship_service_level = "Std US D2D Dom";
    o.ship_by = {ts(purchase + 86400), ts(purchase + 2 * k_day)};
    o.deliver_by = {ts(purchase + 3 * k_day), ts(purchase + 6 * k_day)};
    o.total = money("29.97");
    o.total_breakdown = {{"ITEM", money("25.98")}, {"SHIPPING", money("3.99")}};
    o.is_prime = n % 2 == 0;
    o.is_business = n % 3 == 0;
    o.seller_order_id = fmt::format("SO-{}", n);
    o.buyer = asc::Buyer{"Test Buyer", "test-buyer@marketplace.example", "Example Co", "PO-1"};
    asc::Address a;
    a.name = "Test Recipient";
    a.line1 = "1 Example Street";
    a.city = "Springfield";
    a.state = "WA";
    a.postal_code = "98101";
    a.country_code = "US";
    a.phone = "+1 555 0100";
    a.type = "RESIDENTIAL";
    o.ship_to = a;
    asc::OrderItem i1;
    i1.order_item_id = fmt::format("{:014}", n * 10 + 1);
    i1.sku = fmt::format("SKU-{}", n % 5);
    i1.asin = fmt::format("B0{:08}", n % 7);
    i1.title = "Widget";
    i1.condition = "NEW";
    i1.quantity_ordered = 2;
    i1.quantity_unshipped = 2;
    i1.unit_price = money("9.99");
    i1.item_total = money("19.98");
    i1.tax = money("1.60");
    i1.shipping_price = money("3.99");
    i1.promotion_discount = money("-1.00");
    i1.proceeds_total = money("24.57");
    asc::OrderItem i2 = i1;
    i2.order_item_id = fmt::format("{:014}", n * 10 + 2);
    i2.sku = "SKU-GADGET";
    i2.asin = "B0GADGET00";
    i2.title = "Gadget";
    i2.quantity_ordered = 1;
    i2.quantity_unshipped = 1;
    i2.unit_price = money("6.00");
    i2.item_total = money("6.00");
    i2.buyer_requested_cancel = n % 4 == 0;
    i2.buyer_cancel_reason = i2.buyer_requested_cancel ? "Changed mind" : "";
    o.items = {i1, i2};
    asc::Package p;
    p.reference_id = "1";
    p.carrier = "UPS";
    p.shipping_service = "Ground";
    p.tracking_number = fmt::format("1Z{:016}", n);
    p.ship_time = ts(purchase + 3600);
    p.status = "IN_TRANSIT";
    p.items = {{i1.order_item_id, 2}, {i2.order_item_id, 1}};
    o.packages = {p};
    return o;
}

inline void check_same_money(const std::optional<asc::Money>& a, const std::optional<asc::Money>& b) {
    REQUIRE(a.has_value() == b.has_value());
    if (a) {
        CHECK(a->to_string() == b->to_string());
        CHECK(a->scale == b->scale);
    }
}

// Field by field: the store must give back everything it was given (personal data aside).
inline void check_same_order(const asc::Order& a, const asc::Order& b, bool with_pii) {
    CHECK(a.order_id == b.order_id);
    CHECK(a.status == b.status);
    CHECK(a.fulfilled_by == b.fulfilled_by);
    CHECK(a.purchase_date == b.purchase_date);
    CHECK(a.last_updated == b.last_updated);
    CHECK(a.marketplace_id == b.marketplace_id);
    CHECK(a.marketplace_name == b.marketplace_name);
    CHECK(a.sales_channel == b.sales_channel);
    CHECK(a.ship_service_level == b.ship_service_level);
    CHECK(a.ship_by.earliest == b.ship_by.earliest);
    CHECK(a.ship_by.latest == b.ship_by.latest);
    CHECK(a.deliver_by.earliest == b.deliver_by.earliest);
    CHECK(a.deliver_by.latest == b.deliver_by.latest);
    check_same_money(a.total, b.total);
    REQUIRE(a.total_breakdown.size() == b.total_breakdown.size());
    for (std::size_t i = 0; i < a.total_breakdown.size(); ++i) {
        CHECK(a.total_breakdown[i].type == b.total_breakdown[i].type);
        CHECK(a.total_breakdown[i].amount.to_string() == b.total_breakdown[i].amount.to_string());
    }
    CHECK(a.is_prime == b.is_prime);
    CHECK(a.is_business == b.is_business);
    CHECK(a.is_replacement == b.is_replacement);
    CHECK(a.replaced_order_id == b.replaced_order_id);
    CHECK(a.seller_order_id == b.seller_order_id);
    if (with_pii) {
        REQUIRE(a.buyer.has_value() == b.buyer.has_value());
        if (a.buyer) {
            CHECK(a.buyer->name == b.buyer->name);
            CHECK(a.buyer->email == b.buyer->email);
            CHECK(a.buyer->company == b.buyer->company);
            CHECK(a.buyer->purchase_order == b.buyer->purchase_order);
        }
        REQUIRE(a.ship_to.has_value() == b.ship_to.has_value());
        if (a.ship_to) {
            CHECK(a.ship_to->name == b.ship_to->name);
            CHECK(a.ship_to->line1 == b.ship_to->line1);
            CHECK(a.ship_to->city == b.ship_to->city);
            CHECK(a.ship_to->postal_code == b.ship_to->postal_code);
            CHECK(a.ship_to->phone == b.ship_to->phone);
            CHECK(a.ship_to->type == b.ship_to->type);
            CHECK(a.ship_to->state == b.ship_to->state);
            CHECK(a.ship_to->country_code == b.ship_to->country_code);
        }
    }
    REQUIRE(a.items.size() == b.items.size());
    for (std::size_t i = 0; i < a.items.size(); ++i) {
        const auto& x = a.items[i];
        const auto& y = b.items[i];
        CHECK(x.order_item_id == y.order_item_id);
        CHECK(x.sku == y.sku);
        CHECK(x.asin == y.asin);
        CHECK(x.title == y.title);
        CHECK(x.condition == y.condition);
        CHECK(x.quantity_ordered == y.quantity_ordered);
        CHECK(x.quantity_shipped == y.quantity_shipped);
        CHECK(x.quantity_unshipped == y.quantity_unshipped);
        check_same_money(x.unit_price, y.unit_price);
        check_same_money(x.item_total, y.item_total);
        check_same_money(x.tax, y.tax);
        check_same_money(x.shipping_price, y.shipping_price);
        check_same_money(x.promotion_discount, y.promotion_discount);
        check_same_money(x.proceeds_total, y.proceeds_total);
        CHECK(x.buyer_requested_cancel == y.buyer_requested_cancel);
        CHECK(x.buyer_cancel_reason == y.buyer_cancel_reason);
        CHECK(x.canceled_by == y.canceled_by);
        CHECK(x.cancel_reason == y.cancel_reason);
    }
    REQUIRE(a.packages.size() == b.packages.size());
    for (std::size_t i = 0; i < a.packages.size(); ++i) {
        const auto& x = a.packages[i];
        const auto& y = b.packages[i];
        CHECK(x.reference_id == y.reference_id);
        CHECK(x.carrier == y.carrier);
        CHECK(x.shipping_service == y.shipping_service);
        CHECK(x.tracking_number == y.tracking_number);
        CHECK(x.ship_time == y.ship_time);
        CHECK(x.status == y.status);
        REQUIRE(x.items.size() == y.items.size());
        for (std::size_t j = 0; j < x.items.size(); ++j) {
            CHECK(x.items[j].order_item_id == y.items[j].order_item_id);
            CHECK(x.items[j].quantity == y.items[j].quantity);
        }
    }
}

// A directory under $TMPDIR removed at the end of the test.
class TempDir {
  public:
    TempDir() {
        std::string tmpl = (std::filesystem::temp_directory_path() / "asc-store-test-XXXXXX").string();
        REQUIRE(::mkdtemp(tmpl.data()) != nullptr);
        m_path = tmpl;
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    ~TempDir() {
        std::error_code ec;
        std::filesystem::remove_all(m_path, ec);
    }
    [[nodiscard]] const std::filesystem::path& path() const { return m_path; }
    [[nodiscard]] std::filesystem::path operator/(std::string_view name) const { return m_path / name; }

  private:
    std::filesystem::path m_path;
};

// One integer from a raw query on the store's connection.
inline std::int64_t sql_int(asc::Store& store, const char* sql) {
    sqlite3_stmt* stmt = nullptr;
    REQUIRE(sqlite3_prepare_v2(store.handle(), sql, -1, &stmt, nullptr) == SQLITE_OK);
    std::int64_t value = -1;
    if (sqlite3_step(stmt) == SQLITE_ROW) {
        value = sqlite3_column_int64(stmt, 0);
    }
    sqlite3_finalize(stmt);
    return value;
}

inline void sql_exec(asc::Store& store, const char* sql) {
    char* err = nullptr;
    const int rc = sqlite3_exec(store.handle(), sql, nullptr, nullptr, &err);
    INFO(sql);
    CHECK(rc == SQLITE_OK);
    sqlite3_free(err);
}

// ASC_TEST_PG_URI: a PostgreSQL database for the store's backend cases (ctest unit.store.pg starts a
// throwaway server with tests/pg/start.sh and sets it); "" when there is none.
inline std::string pg_uri() {
    const char* uri = std::getenv("ASC_TEST_PG_URI");
    return uri != nullptr ? uri : "";
}

// A fresh account (schema) for each PostgreSQL store of a test run.
inline std::string fresh_account() {
    static int n = 0;
    return fmt::format("T{}X{}", ::getpid(), n++);
}

// Runs `body` on a new SQLite store and, with ASC_TEST_PG_URI, on a new PostgreSQL store (a fresh
// account, so an empty schema), both opened with `options`; `backend` is "sqlite" or "postgresql".
// The store test cases that hold for both backends run this way, in the doctest suite "store
// backends", which ctest unit.store.pg runs again with a server.
inline void on_each_backend(asc::StoreOptions options,
                            const std::function<void(asc::Store&, const std::string& backend)>& body) {
    {
        TempDir dir;
        asc::Store store = asc::Store::open(dir / "s.db", options);
        INFO("backend sqlite");
        body(store, "sqlite");
    }
    if (const auto uri = pg_uri(); !uri.empty()) {
        options.account = fresh_account();
        asc::Store store = asc::Store::open(uri, options);
        INFO("backend postgresql");
        REQUIRE(store.backend() == "postgresql");
        body(store, "postgresql");
    }
}
inline void on_each_backend(const std::function<void(asc::Store&, const std::string& backend)>& body) {
    on_each_backend(asc::StoreOptions{}, body);
}

// Another connection (another host) to the PostgreSQL store `store`.
inline asc::Store other_host(asc::Store& store) {
    asc::StoreOptions options;
    options.account = store.info().account_schema.substr(4);
    return asc::Store::open(pg_uri(), options);
}

// A fake Amazon for sync: holds orders, answers searchOrders windows from them.
class FakeAmazon final : public asc::OrderSource {
  public:
    std::vector<asc::Order> orders;
    std::vector<asc::SearchQuery> queries;
    enum class Sorting { Ascending, Descending } sorting = Sorting::Ascending;
    // Throws `failure` when asked for the page after this many pages of one search.
    std::optional<std::size_t> fail_after_pages;
    asc::ErrorKind failure = asc::ErrorKind::Temporary;

    // Adds or replaces an order (by id).
    void put(const asc::Order& o) {
        for (auto& existing : orders) {
            if (existing.order_id == o.order_id) {
                existing = o;
                return;
            }
        }
        orders.push_back(o);
    }

    void search(const asc::SearchQuery& q,
                const std::function<bool(std::vector<asc::Order>&&)>& on_page) override {
        queries.push_back(q);
        std::vector<asc::Order> hits;
        for (const auto& o : orders) {
            if (q.updated_after && o.last_updated < *q.updated_after) {
                continue;
            }
            if (q.updated_before && o.last_updated > *q.updated_before) {
                continue;
            }
            if (!q.marketplace_ids.empty() && std::find(q.marketplace_ids.begin(), q.marketplace_ids.end(),
                                                        o.marketplace_id) == q.marketplace_ids.end()) {
                continue;
            }
            hits.push_back(o);
        }
        std::stable_sort(hits.begin(), hits.end(), [this](const asc::Order& a, const asc::Order& b) {
            return sorting == Sorting::Ascending ? a.last_updated < b.last_updated
                                                 : a.last_updated > b.last_updated;
        });
        const auto size = static_cast<std::size_t>(q.page_size);
        std::size_t pages = 0;
        for (std::size_t i = 0; i < hits.size() || (i == 0 && hits.empty()); i += size) {
            if (fail_after_pages && pages == *fail_after_pages) {
                throw asc::Error(failure, "simulated failure");
            }
            std::vector<asc::Order> page(hits.begin() + static_cast<std::ptrdiff_t>(i),
                                         hits.begin() +
                                             static_cast<std::ptrdiff_t>(std::min(i + size, hits.size())));
            ++pages;
            if (!on_page(std::move(page)) || hits.empty()) {
                return;
            }
        }
    }
};

} // namespace asc_test
