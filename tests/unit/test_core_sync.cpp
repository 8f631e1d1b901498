// `asc orders sync` against a fake Amazon (an in-memory OrderSource): windows, marks, resumption.

#include "asc/base/interrupt.hpp"
#include "asc/sync/sync.hpp"
#include "store_test_support.hpp"

#include <doctest/doctest.h>

using namespace asc;
using namespace asc_test;

namespace {

const std::string k_us = "ATVPDKIKX0DER";
const std::string k_ca = "A2EUQ1WTGCTBG2";

class RecordingEvents final : public Events {
  public:
    std::vector<std::string> notes;
    int pages = 0;
    std::function<void(int)> on_page;
    void page_received(int page, std::size_t /*orders_so_far*/) override {
        pages = page;
        if (on_page) {
            on_page(page);
        }
    }
    void note(std::string_view text) override { notes.emplace_back(text); }
};

// `n` orders of `marketplace`, last updated one every `step` seconds from `first_update`.
std::vector<Order> orders_updated_from(int first_id, int n, std::int64_t first_update, std::int64_t step,
                                       const std::string& marketplace = k_us) {
    std::vector<Order> out;
    for (int i = 0; i < n; ++i) {
        Order o = make_order(first_id + i, Status::Unshipped, first_update - k_day, first_update + i * step);
        o.marketplace_id = marketplace;
        out.push_back(o);
    }
    return out;
}

SyncOptions options_at(std::int64_t now, std::vector<std::string> marketplaces = {k_us}) {
    SyncOptions o;
    o.marketplace_ids = std::move(marketplaces);
    o.now = ts(now);
    return o;
}

std::int64_t stored_orders(Store& store) {
    return sql_int(store, "SELECT count(*) FROM orders");
}

} // namespace

TEST_SUITE("sync") {

    TEST_CASE("the first sync fetches orders updated in the last 30 days with items and packages included") {
        Store store = Store::open_memory();
        FakeAmazon amazon;
        const auto now = k_t0 + 60 * k_day;
        for (const auto& o : orders_updated_from(1, 10, now - 40 * k_day, k_day)) { // days -40..-31
            amazon.put(o);
        }
        for (const auto& o : orders_updated_from(100, 30, now - 29 * k_day, k_day / 2)) { // inside
            amazon.put(o);
        }
        RecordingEvents events;
        const SyncResult r = sync_orders(amazon, store, options_at(now), events);

        REQUIRE(amazon.queries.size() == 1);
        const SearchQuery& q = amazon.queries[0];
        CHECK(q.updated_after == ts(now - 30 * k_day));
        CHECK(q.updated_before == ts(now - 120));
        CHECK_FALSE(q.created_after.has_value());
        CHECK(q.statuses.empty());
        CHECK(q.marketplace_ids == std::vector<std::string>{k_us});
        CHECK(q.page_size == 100);
        CHECK(q.included == std::vector<Included>{Included::Fulfillment, Included::Proceeds,
                                                  Included::Packages, Included::Cancellation});
        CHECK(r.counts.inserted == 30);
        CHECK(r.counts.updated == 0);
        CHECK(r.orders == 30);
        CHECK(r.pages == 1);
        CHECK(r.window_start == ts(now - 30 * k_day));
        CHECK(r.window_end == ts(now - 120));
        CHECK(r.advanced == std::vector<std::string>{k_us});
        CHECK(store.sync_mark(k_us) == ts(now - 120));
        CHECK(stored_orders(store) == 30);
        const auto stored = store.get_order(order_id(100));
        REQUIRE(stored.has_value());
        CHECK(stored->items.size() == 2);
        CHECK(stored->packages.size() == 1);
        CHECK(events.pages == 1);
        REQUIRE_FALSE(events.notes.empty());
        CHECK(events.notes[0].find("syncing orders updated from") == 0);
    }

    TEST_CASE("a later sync asks only for updates since the mark, minus the overlap") {
        Store store = Store::open_memory();
        FakeAmazon amazon;
        const auto now = k_t0 + 60 * k_day;
        for (const auto& o : orders_updated_from(1, 5, now - 2 * k_day, 3600)) {
            amazon.put(o);
        }
        sync_orders(amazon, store, options_at(now), no_events());

        // An hour later on Amazon: one order shipped, two new ones.
        const auto later = now + 3600;
        Order shipped = *store.get_order(order_id(2));
        shipped.status = Status::Shipped;
        shipped.last_updated = ts(now + 600);
        amazon.put(shipped);
        for (const auto& o : orders_updated_from(50, 2, now + 900, 60)) {
            amazon.put(o);
        }
        const SyncResult r = sync_orders(amazon, store, options_at(later), no_events());
        REQUIRE(amazon.queries.size() == 2);
        CHECK(amazon.queries[1].updated_after == ts(now - 120 - 300));
        CHECK(amazon.queries[1].updated_before == ts(later - 120));
        CHECK(r.counts.inserted == 2);
        CHECK(r.counts.updated == 1);
        CHECK(r.counts.unchanged == 0);
        CHECK(store.get_order(order_id(2))->status == Status::Shipped);
        CHECK(store.sync_mark(k_us) == ts(later - 120));
    }

    TEST_CASE("re-running a sync when nothing changed on Amazon changes nothing") {
        Store store = Store::open_memory();
        FakeAmazon amazon;
        const auto now = k_t0 + 60 * k_day;
        // Some orders inside the overlap of the next run, so it sees them again.
        for (const auto& o : orders_updated_from(1, 20, now - 400, 10)) {
            amazon.put(o);
        }
        sync_orders(amazon, store, options_at(now), no_events());
        const auto changes = sqlite3_total_changes64(store.handle());
        const SyncResult again = sync_orders(amazon, store, options_at(now + 60), no_events());
        CHECK(again.counts.inserted == 0);
        CHECK(again.counts.updated == 0);
        CHECK(again.counts.unchanged == again.orders);
        CHECK(again.orders > 0);
        // Only the mark row was written: once with the page, once at the end of the window.
        CHECK(again.pages == 1);
        CHECK(sqlite3_total_changes64(store.handle()) - changes == 2);
    }

    TEST_CASE("an interrupted sync resumes from its last stored page and loses nothing") {
        Store store = Store::open_memory();
        FakeAmazon amazon;
        const auto now = k_t0 + 60 * k_day;
        const auto orders = orders_updated_from(1, 250, now - 10 * k_day, 600);
        for (const auto& o : orders) {
            amazon.put(o);
        }
        amazon.fail_after_pages = 2;
        RecordingEvents events;
        CHECK_THROWS_AS(sync_orders(amazon, store, options_at(now), events), Error);
        CHECK(stored_orders(store) == 200);
        // Pages came sorted: the mark followed them, to the last order of page 2.
        CHECK(store.sync_mark(k_us) == orders[199].last_updated);
        CHECK(events.notes.back().find("sync stopped after 2 pages: 200 new") == 0);

        amazon.fail_after_pages.reset();
        const SyncResult r = sync_orders(amazon, store, options_at(now + 60), no_events());
        CHECK(amazon.queries.back().updated_after == orders[199].last_updated - std::chrono::seconds(300));
        CHECK(r.counts.inserted == 50);
        CHECK(r.counts.unchanged == 1); // order 199, in the overlap (orders are 600 s apart)
        CHECK(stored_orders(store) == 250);
        CHECK(store.sync_mark(k_us) == ts(now + 60 - 120));
    }

    TEST_CASE("when Amazon's pages are not sorted the mark waits for the whole window") {
        Store store = Store::open_memory();
        FakeAmazon amazon;
        amazon.sorting = FakeAmazon::Sorting::Descending;
        const auto now = k_t0 + 60 * k_day;
        for (const auto& o : orders_updated_from(1, 250, now - 10 * k_day, 600)) {
            amazon.put(o);
        }
        // A previous sync left a mark 12 days back.
        store.upsert_page({}, std::vector<std::string>{k_us}, ts(now - 12 * k_day));
        amazon.fail_after_pages = 1;
        CHECK_THROWS_AS(sync_orders(amazon, store, options_at(now), no_events()), Error);
        CHECK(stored_orders(store) == 100);
        CHECK(store.sync_mark(k_us) == ts(now - 12 * k_day)); // not moved: pages 2..3 may hold older updates

        amazon.fail_after_pages.reset();
        const SyncResult r = sync_orders(amazon, store, options_at(now), no_events());
        CHECK(amazon.queries.back().updated_after == ts(now - 12 * k_day - 300));
        CHECK(r.counts.inserted == 150);
        CHECK(r.counts.unchanged == 100);
        CHECK(stored_orders(store) == 250);
        CHECK(store.sync_mark(k_us) == ts(now - 120));
    }

    TEST_CASE("an order arriving out of lastUpdatedTime order stops the per-page mark where it was") {
        Store store = Store::open_memory();
        const auto now = k_t0 + 60 * k_day;
        auto orders = orders_updated_from(1, 150, now - 10 * k_day, 600);
        // Page 2 starts with an order updated before the end of page 1.
        orders[100].last_updated = orders[50].last_updated;
        class ScriptedPages final : public OrderSource {
          public:
            explicit ScriptedPages(std::vector<Order> o) : m_orders(std::move(o)) {}
            void search(const SearchQuery&,
                        const std::function<bool(std::vector<Order>&&)>& on_page) override {
                on_page(std::vector<Order>(m_orders.begin(), m_orders.begin() + 100));
                on_page(std::vector<Order>(m_orders.begin() + 100, m_orders.begin() + 120));
                on_page(std::vector<Order>(m_orders.begin() + 120, m_orders.begin() + 130));
                throw Error(ErrorKind::Temporary, "network gone");
            }

          private:
            std::vector<Order> m_orders;
        };
        ScriptedPages source(orders);
        CHECK_THROWS_AS(sync_orders(source, store, options_at(now), no_events()), Error);
        CHECK(stored_orders(store) == 130);
        // Page 1 was in order: the mark followed it. From page 2 on, it no longer moves.
        CHECK(store.sync_mark(k_us) == orders[99].last_updated);
    }

    TEST_CASE("--since after a marketplace's mark does not advance it") {
        Store store = Store::open_memory();
        FakeAmazon amazon;
        const auto now = k_t0 + 60 * k_day;
        for (const auto& o : orders_updated_from(1, 10, now - 5 * k_day, k_day / 2)) {
            amazon.put(o);
        }
        store.upsert_page({}, std::vector<std::string>{k_us}, ts(now - 20 * k_day));
        SyncOptions opts = options_at(now, {k_us, k_ca});
        opts.since = ts(now - 3 * k_day);
        const SyncResult r = sync_orders(amazon, store, opts, no_events());
        CHECK(amazon.queries[0].updated_after == ts(now - 3 * k_day));
        CHECK(r.counts.inserted == 6);
        // US has a gap between its mark and --since: it stays; CA had no history: it starts here.
        CHECK(r.advanced == std::vector<std::string>{k_ca});
        CHECK(store.sync_mark(k_us) == ts(now - 20 * k_day));
        CHECK(store.sync_mark(k_ca) == ts(now - 120));

        // --since before the mark is contiguous: it advances.
        opts.since = ts(now - 30 * k_day);
        const SyncResult r2 = sync_orders(amazon, store, opts, no_events());
        CHECK(r2.advanced == std::vector<std::string>{k_ca, k_us});
        CHECK(store.sync_mark(k_us) == ts(now - 120));
    }

    TEST_CASE("several marketplaces share one search and each gets its mark") {
        Store store = Store::open_memory();
        FakeAmazon amazon;
        const auto now = k_t0 + 60 * k_day;
        for (const auto& o : orders_updated_from(1, 5, now - 3 * k_day, 3600, k_us)) {
            amazon.put(o);
        }
        for (const auto& o : orders_updated_from(20, 4, now - 40 * k_day, 3600, k_ca)) {
            amazon.put(o);
        }
        for (const auto& o : orders_updated_from(40, 3, now - 20 * k_day, 3600, k_ca)) {
            amazon.put(o);
        }
        // US synced an hour ago; CA is new: one search from CA's 30 days back.
        store.upsert_page({}, std::vector<std::string>{k_us}, ts(now - 3600));
        const SyncResult r = sync_orders(amazon, store, options_at(now, {k_us, k_ca, k_us}), no_events());
        REQUIRE(amazon.queries.size() == 1);
        CHECK(amazon.queries[0].marketplace_ids == std::vector<std::string>{k_ca, k_us});
        CHECK(amazon.queries[0].updated_after == ts(now - 30 * k_day));
        CHECK(r.counts.inserted == 8);
        CHECK(store.sync_mark(k_us) == ts(now - 120));
        CHECK(store.sync_mark(k_ca) == ts(now - 120));
    }

    TEST_CASE("a sync refuses to run while another holds the store's sync lock") {
        TempDir dir;
        Store first = Store::open(dir / "s.db");
        Store second = Store::open(dir / "s.db");
        FakeAmazon amazon;
        const auto held = first.lock_for_sync(std::chrono::milliseconds(0));
        try {
            sync_orders(amazon, second, options_at(k_t0), no_events());
            FAIL("two syncs ran at once");
        } catch (const Error& e) {
            CHECK(e.kind() == ErrorKind::Temporary);
            CHECK(std::string(e.what()).find("another `asc orders sync` is running for this store") == 0);
        }
        CHECK(amazon.queries.empty());
    }

    TEST_CASE("a sync asks for buyer and recipient only when the store keeps personal data") {
        FakeAmazon amazon;
        Store with_pii = Store::open_memory({.store_pii = true});
        sync_orders(amazon, with_pii, options_at(k_t0), no_events());
        REQUIRE(amazon.queries.size() == 1);
        const auto& inc = amazon.queries[0].included;
        CHECK(std::find(inc.begin(), inc.end(), Included::Buyer) != inc.end());
        CHECK(std::find(inc.begin(), inc.end(), Included::Recipient) != inc.end());
        CHECK(sync_included(false).size() == 4);
    }

    TEST_CASE("Ctrl-C during a sync stops after the page being stored") {
        Store store = Store::open_memory();
        FakeAmazon amazon;
        const auto now = k_t0 + 60 * k_day;
        for (const auto& o : orders_updated_from(1, 300, now - 10 * k_day, 600)) {
            amazon.put(o);
        }
        RecordingEvents events;
        events.on_page = [](int page) {
            if (page == 1) {
                set_interrupted();
            }
        };
        try {
            sync_orders(amazon, store, options_at(now), events);
            FAIL("not interrupted");
        } catch (const Error& e) {
            CHECK(e.kind() == ErrorKind::Interrupted);
        }
        clear_interrupted();
        CHECK(stored_orders(store) == 100);
        CHECK(store.sync_mark(k_us).has_value());
        const SyncResult r = sync_orders(amazon, store, options_at(now), no_events());
        CHECK(r.counts.inserted == 200);
        CHECK(stored_orders(store) == 300);
    }

    TEST_CASE("a sync without a marketplace, or with --since in the last 2 minutes, is a usage error") {
        Store store = Store::open_memory();
        FakeAmazon amazon;
        CHECK_THROWS_AS(sync_orders(amazon, store, options_at(k_t0, {}), no_events()), Error);
        SyncOptions opts = options_at(k_t0);
        opts.since = ts(k_t0 - 60);
        try {
            sync_orders(amazon, store, opts, no_events());
            FAIL("accepted");
        } catch (const Error& e) {
            CHECK(e.kind() == ErrorKind::Usage);
        }
        CHECK(amazon.queries.empty());
    }

} // TEST_SUITE
