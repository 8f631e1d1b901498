// The ship service's recovery of many packages whose createFeed answer was lost (more than
// fresh_state_threshold `sending` rows): one incremental sync of the store instead of a getOrder
// per package, every request counted by the fake Amazon. A feed Amazon processed is confirmed from
// the orders' packages; a createFeed that never arrived is planned again and sent once; before the
// lost request can no longer arrive only what the orders show is concluded; an order whose
// marketplace the store does not sync is read with getOrder, never concluded from a stale copy.

#include "asc/amazon/lwa.hpp"
#include "asc/amazon/rate_limit.hpp"
#include "asc/amazon/sp_api.hpp"
#include "asc/base/errors.hpp"
#include "asc/ship/ship.hpp"
#include "asc/store/store.hpp"
#include "fake_amazon_clients.hpp"
#include "ship_test_support.hpp"

#include <doctest/doctest.h>
#include <map>

using asc::ShipOutcome;

namespace {

struct RecoveryHarness : asc_test::FakeAmazonClients {
    asc::ShipOptions options;

    RecoveryHarness() {
        options = asc_test::ship_test_options();
        options.via = asc::ShipViaChoice::Feed;
    }

    asc::ShipResult ship(std::vector<asc::ShipRequest> requests) {
        asc::ShipService service(api, orders, feeds, store, clock, asc::no_events(), options);
        const asc::ShipPlan plan = service.plan(std::move(requests));
        return service.execute(plan);
    }

    // `count` orders on the fake Amazon (orders from `first_other` on in another marketplace than
    // the one the store syncs) and one package for each.
    std::vector<asc::ShipRequest> batch(int count, int first_other = 0) {
        std::vector<asc::ShipRequest> out;
        for (int n = 1; n <= count; ++n) {
            asc_test::FakeApiOrder o{.id = asc_test::ship_order_id(n)};
            if (first_other > 0 && n >= first_other) {
                o.marketplace = "A2EUQ1WTGCTBG2";
            }
            amazon.add(o);
            out.push_back(asc_test::ship_package(n));
        }
        return out;
    }

    // Ships `requests` with createFeed's answer lost: Amazon creates the feed and, when
    // `processed`, processes it (the fake does so as it is polled); the rows stay `sending`.
    void lose_create_feed(const std::vector<asc::ShipRequest>& requests, bool processed) {
        amazon.after_create_feed = [this, processed](const std::string& feed_id) -> std::optional<asc::HttpResponse> {
            asc::HttpRequest poll;
            poll.url = std::string(asc_test::k_fake_endpoint) + "/feeds/2021-06-30/feeds/" + feed_id;
            for (int i = 0; processed && i < 2; ++i) {
                (void)amazon.sp(poll);
            }
            return asc_test::transport_error(asc::TransportError::Timeout, "timed out");
        };
        const asc::ShipResult r = ship(requests);
        REQUIRE(r.error);
        amazon.after_create_feed = nullptr;
        REQUIRE(journal_states() == std::map<std::string, int>{{"sending", static_cast<int>(requests.size())}});
        amazon.calls.clear();
    }

    std::map<std::string, int> journal_states() { return asc_test::ship_journal_states(store); }
};

} // namespace

TEST_SUITE_BEGIN("core::ship::recovery");

TEST_CASE("50 packages of a lost createFeed that Amazon processed: confirmed through one sync, no getOrder") {
    RecoveryHarness h;
    const std::vector<asc::ShipRequest> requests = h.batch(50);
    h.lose_create_feed(requests, true);

    h.clock.advance(std::chrono::minutes(10)); // the lost request can no longer arrive
    const asc::ShipResult again = h.ship(requests);
    CHECK_FALSE(again.error);
    CHECK(h.amazon.calls["searchOrders"] == 1); // the plan reads the store recovery refreshed
    CHECK(h.amazon.calls["getOrder"] == 0);
    CHECK(h.amazon.calls["createFeed"] == 0);
    REQUIRE(again.recovered.size() == 50);
    for (const asc::ShipRow& row : again.recovered) {
        CHECK(row.outcome == ShipOutcome::Confirmed);
        CHECK(row.message.find("confirmed by the order's packages") != std::string::npos);
    }
    CHECK(again.count(ShipOutcome::AlreadyShipped) == 50);
    CHECK(h.journal_states() == std::map<std::string, int>{{"already_shipped", 50}, {"confirmed", 50}});
    // Concluding needs the search to show every change up to the moment nothing could arrive: the
    // run waited out its two-minute lag before the sync.
    CHECK(h.clock.total_slept() >= std::chrono::minutes(2));
}

TEST_CASE("with on_recovered, recovery hands each settled row over once it is journaled, and keeps none") {
    RecoveryHarness h;
    const std::vector<asc::ShipRequest> requests = h.batch(300); // more than one page of rows in flight
    h.lose_create_feed(requests, true);

    h.clock.advance(std::chrono::minutes(10));
    int received = 0;
    int journaled_behind = 0; // rows handed over before their confirmation was in the journal
    h.options.on_recovered = [&](asc::ShipRow&& row) {
        CHECK(row.outcome == ShipOutcome::Confirmed);
        ++received;
        if (h.journal_states()["confirmed"] < received) {
            ++journaled_behind;
        }
    };
    asc::ShipService service(h.api, h.orders, h.feeds, h.store, h.clock, asc::no_events(), h.options);
    const asc::ShipPlan plan = service.plan(requests);
    CHECK(received == 300); // during plan(), before anything new is sent
    CHECK(journaled_behind == 0);
    CHECK(plan.recovered.empty());
    CHECK(plan.count(ShipOutcome::AlreadyShipped) == 300);
    const asc::ShipResult again = service.execute(plan);
    CHECK(again.recovered.empty());
    CHECK(h.amazon.calls["createFeed"] == 0);
}

TEST_CASE("50 packages of a createFeed that never reached Amazon: planned again from the store, sent once") {
    RecoveryHarness h;
    const std::vector<asc::ShipRequest> requests = h.batch(50);
    h.lose_create_feed(requests, false);
    h.amazon.feeds.clear(); // Amazon never created it

    h.clock.advance(std::chrono::minutes(10));
    const asc::ShipResult again = h.ship(requests);
    CHECK_FALSE(again.error);
    CHECK(h.amazon.calls["searchOrders"] == 1);
    CHECK(h.amazon.calls["getOrder"] == 0);
    CHECK(h.amazon.calls["createFeed"] == 1);
    CHECK(again.recovered.empty()); // planned again: reported as this run sends them
    CHECK(again.count(ShipOutcome::Confirmed) == 50);
    CHECK(h.journal_states() == std::map<std::string, int>{{"confirmed", 50}});
    for (int n = 1; n <= 50; ++n) {
        CHECK(h.amazon.orders[asc_test::ship_order_id(n)].tracking.size() == 1);
    }
}

TEST_CASE("rows recovery plans again that the rerun's input leaves out are counted as left planned") {
    RecoveryHarness h;
    std::vector<asc::ShipRequest> requests = h.batch(50);
    h.lose_create_feed(requests, false);
    h.amazon.feeds.clear();

    h.clock.advance(std::chrono::minutes(10));
    requests.resize(40);
    asc::ShipService service(h.api, h.orders, h.feeds, h.store, h.clock, asc::no_events(), h.options);
    const asc::ShipPlan plan = service.plan(requests);
    CHECK(plan.left_planned == 10);
    CHECK(plan.count(ShipOutcome::WouldShip) == 40);
    (void)service.execute(plan);
    CHECK(h.journal_states() == std::map<std::string, int>{{"confirmed", 40}, {"planned", 10}});
}

TEST_CASE("a rerun while the lost createFeed may still arrive, --no-wait: what the orders show confirmed, the rest pending") {
    RecoveryHarness h;
    const std::vector<asc::ShipRequest> requests = h.batch(50);
    h.lose_create_feed(requests, false);
    // Half the packages show on their orders already (Amazon is processing the feed).
    for (int n = 1; n <= 25; ++n) {
        asc_test::FakeApiOrder& o = h.amazon.orders[asc_test::ship_order_id(n)];
        o.status = "SHIPPED";
        o.tracking.push_back(requests[static_cast<std::size_t>(n - 1)].tracking_number);
    }

    h.options.wait = false;
    const asc::ShipResult again = h.ship(requests);
    CHECK(h.amazon.calls["searchOrders"] == 1);
    CHECK(h.amazon.calls["getOrder"] == 0);
    CHECK(h.amazon.calls["createFeed"] == 0);
    std::map<ShipOutcome, int> recovered;
    for (const asc::ShipRow& row : again.recovered) {
        ++recovered[row.outcome];
        if (row.outcome == ShipOutcome::Pending) {
            CHECK(row.message.find("not sent again before") != std::string::npos);
        }
    }
    CHECK(recovered == std::map<ShipOutcome, int>{{ShipOutcome::Confirmed, 25}, {ShipOutcome::Pending, 25}});
    CHECK(again.count(ShipOutcome::Pending) == 25); // the plan does not send them either
    CHECK(h.journal_states() ==
          std::map<std::string, int>{{"already_shipped", 25}, {"confirmed", 25}, {"sending", 25}});

    // Waiting, the next rerun finds the rest never arrived, once nothing can arrive any more.
    h.options.wait = true;
    h.amazon.feeds.clear();
    h.amazon.calls.clear();
    const asc::ShipResult last = h.ship(requests);
    CHECK(h.amazon.calls["getOrder"] == 0);
    CHECK(h.amazon.calls["createFeed"] == 1);
    CHECK(last.count(ShipOutcome::Confirmed) == 25);
    CHECK(h.journal_states() == std::map<std::string, int>{{"already_shipped", 50}, {"confirmed", 50}});
}

TEST_CASE("orders of a marketplace the store does not sync are read with getOrder, not concluded from the store") {
    RecoveryHarness h;
    const std::vector<asc::ShipRequest> requests = h.batch(50, 41); // orders 41-50 elsewhere
    h.lose_create_feed(requests, false);
    h.amazon.feeds.clear();

    h.clock.advance(std::chrono::minutes(10));
    const asc::ShipResult again = h.ship(requests);
    CHECK(h.amazon.calls["searchOrders"] == 1);
    CHECK(h.amazon.calls["getOrder"] == 10);
    CHECK(h.amazon.calls["createFeed"] == 1);
    CHECK(again.count(ShipOutcome::Confirmed) == 50);
    CHECK(h.journal_states() == std::map<std::string, int>{{"confirmed", 50}});
}

TEST_SUITE_END();
