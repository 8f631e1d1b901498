// The ship service's chunked run (run_chunked) against a fake Amazon, with chunks of 4 packages:
// the same rows as one plan (an order's packages on both sides of a chunk boundary, a package given
// twice) and as few feeds, a failure in the second chunk, an interruption between two chunks then
// a rerun that sends nothing twice; feeds filled across chunks (whole orders in each, an order
// larger than a feed alone in one, a lost createFeed answer on one, a crash once one is submitted
// or before any is sent, then a rerun); the packages a user confirmed after a chunked dry run
// (ShipOptions::confirmed); and the compact package list it reads (ShipRequestList).

#include "asc/amazon/lwa.hpp"
#include "asc/amazon/rate_limit.hpp"
#include "asc/amazon/sp_api.hpp"
#include "asc/base/errors.hpp"
#include "asc/base/interrupt.hpp"
#include "asc/ship/ship.hpp"
#include "asc/ship/ship_requests.hpp"
#include "asc/store/store.hpp"
#include "fake_amazon_clients.hpp"
#include "ship_test_support.hpp"

#include <algorithm>
#include <doctest/doctest.h>
#include <fmt/format.h>
#include <map>

using asc::ShipOutcome;

namespace {

struct ChunkHarness : asc_test::FakeAmazonClients {
    asc::ShipOptions options;

    ChunkHarness() {
        options = asc_test::ship_test_options();
        options.via = asc::ShipViaChoice::Feed;
        options.plan_chunk = 4;
    }

    asc::ShipResult run(const std::vector<asc::ShipRequest>& requests, std::vector<std::size_t>* chunk_sizes = nullptr) {
        asc::ShipRequestList list;
        for (const asc::ShipRequest& r : requests) {
            list.add(r);
        }
        list.seal();
        asc::ShipService service(api, orders, feeds, store, clock, asc::no_events(), options);
        return service.run_chunked(
            list,
            [chunk_sizes](const asc::ShipPlan& plan) {
                if (chunk_sizes != nullptr) {
                    chunk_sizes->push_back(plan.items.size());
                }
            },
            {});
    }

    std::map<std::string, int> journal_states() { return asc_test::ship_journal_states(store); }
};

std::string id(int n) {
    return asc_test::ship_order_id(n);
}

asc::ShipRequest package(int n, std::string tracking = {}) {
    return asc_test::ship_package(n, std::move(tracking));
}

// Orders 1..10 on the fake Amazon; packages: one per order, plus order 2's second package (one
// unit of its first item) at the end, and order 3's package given again without items.
std::vector<asc::ShipRequest> mixed_batch(ChunkHarness& h) {
    std::vector<asc::ShipRequest> out;
    for (int n = 1; n <= 10; ++n) {
        h.amazon.add({.id = id(n)});
    }
    asc::ShipRequest first_unit = package(2);
    first_unit.items.push_back({asc_test::FakeSellerApi::item_id(id(2), 1), 1});
    out.push_back(package(1));
    out.push_back(first_unit);
    for (int n = 3; n <= 10; ++n) {
        out.push_back(package(n));
    }
    out.push_back(package(3));              // given twice: refused, sent once
    out.push_back(package(2, "1ZSECOND")); // the rest of order 2, ten packages after its first
    return out;
}

void check_same_rows(const std::vector<asc::ShipRow>& a, const std::vector<asc::ShipRow>& b) {
    REQUIRE(a.size() == b.size());
    for (std::size_t i = 0; i < a.size(); ++i) {
        CAPTURE(i);
        CHECK(a[i].order_id == b[i].order_id);
        CHECK(a[i].outcome == b[i].outcome);
        CHECK(a[i].package_ref == b[i].package_ref);
        CHECK(a[i].carrier == b[i].carrier);
        CHECK(a[i].tracking_number == b[i].tracking_number);
        CHECK(a[i].items == b[i].items);
        CHECK(a[i].via == b[i].via);
        CHECK(a[i].result_code == b[i].result_code);
        CHECK(a[i].message == b[i].message);
    }
}

} // namespace

TEST_SUITE_BEGIN("core::ship_chunked");

TEST_CASE("the package list: lines of one package add up wherever they are, fields come back whole") {
    asc::ShipRequestList list;
    asc::ShipRequest a = package(1);
    a.items.push_back({"11", 1});
    a.ship_date = asc::Timestamp(std::chrono::seconds(1'700'000'000));
    a.shipping_method = "UPS Ground";
    asc::ShipRequest other = package(2);
    other.carrier_code = "Other";
    other.carrier_name = "Acme Post";
    asc::ShipRequest a_more = package(1);
    a_more.items.push_back({"12", 3});
    asc::ShipRequest bare = package(2); // no items: a second package, not merged
    list.add(a);
    list.add(other);
    list.add(a_more); // package 0 is not the last record: moved to the end with its new item
    list.add(bare);
    list.seal();

    REQUIRE(list.size() == 3);
    const asc::ShipRequest first = list[0];
    CHECK(first.order_id == id(1));
    CHECK(first.shipping_method == "UPS Ground");
    CHECK(first.ship_date == a.ship_date);
    REQUIRE(first.items.size() == 2);
    CHECK(first.items[0].order_item_id == "11");
    CHECK(first.items[1].order_item_id == "12");
    CHECK(first.items[1].quantity == 3);
    const asc::ShipRequest second = list[1];
    CHECK(second.carrier_name == "Acme Post");
    CHECK(second.items.empty());
    CHECK_FALSE(second.ship_date);
    CHECK(list[2].order_id == id(2));
    CHECK(list.next_of_order(0) == 3); // order 1's packages: none after the first
    CHECK(list.next_of_order(1) == 2); // order 2's second package
    CHECK(list.next_of_order(2) == 3);
    CHECK(list[2].tracking_number == package(2).tracking_number);
}

TEST_CASE("chunks of 4: an order's packages across a chunk boundary and a duplicate give the rows of one plan") {
    ChunkHarness one;
    one.options.plan_chunk = 100;
    const asc::ShipResult whole = one.run(mixed_batch(one));

    ChunkHarness h;
    std::vector<std::size_t> chunks;
    const asc::ShipResult chunked = h.run(mixed_batch(h), &chunks);

    check_same_rows(chunked.rows, whole.rows);
    CHECK(chunks == std::vector<std::size_t>{5, 4, 3}); // order 2 and 3's packages join their first chunk
    CHECK(chunked.rows[1].outcome == ShipOutcome::Confirmed);
    CHECK(chunked.rows[11].order_id == id(2));
    CHECK(chunked.rows[11].package_ref == "2"); // the order's units the first package left
    CHECK(chunked.rows[10].outcome == ShipOutcome::Refused);
    CHECK(h.amazon.calls["createFeed"] == 1); // one feed filled from the three chunks, as one plan sends
    REQUIRE(chunked.feed_ids.size() == 1);
    CHECK(chunked.feed_id == chunked.feed_ids.front());
    CHECK(h.journal_states() == one.journal_states());
    CHECK(h.amazon.orders[id(3)].tracking.size() == 1);
}

TEST_CASE("chunks of 4 in a dry run: the rows of one plan, nothing journaled or sent") {
    ChunkHarness one;
    one.options.plan_chunk = 100;
    one.options.dry_run = true;
    const asc::ShipResult whole = one.run(mixed_batch(one));
    ChunkHarness h;
    h.options.dry_run = true;
    const asc::ShipResult chunked = h.run(mixed_batch(h));
    check_same_rows(chunked.rows, whole.rows);
    CHECK(chunked.count(ShipOutcome::WouldShip) == 11); // order 2's two packages, order 3's once
    CHECK(h.amazon.calls["createFeed"] == 0);
    CHECK(h.journal_states().empty());
}

TEST_CASE("a failure in the second chunk: the first confirmed, the rest not sent; a rerun sends each package once") {
    ChunkHarness h;
    h.options.feed_packages = 4; // a feed per chunk
    std::vector<asc::ShipRequest> requests;
    for (int n = 1; n <= 12; ++n) {
        h.amazon.add({.id = id(n)});
        requests.push_back(package(n));
    }
    int creates = 0;
    h.amazon.fault = [&creates](const std::string& op) -> std::optional<asc::HttpResponse> {
        if (op == "createFeed" && ++creates == 2) {
            return asc_test::respond(400, R"({"errors":[{"code":"InvalidInput","message":"bad feed"}]})");
        }
        return std::nullopt;
    };
    const asc::ShipResult r = h.run(requests);
    REQUIRE(r.rows.size() == 12);
    REQUIRE(r.error);
    for (std::size_t i = 0; i < 4; ++i) {
        CHECK(r.rows[i].outcome == ShipOutcome::Confirmed);
    }
    for (std::size_t i = 4; i < 12; ++i) {
        CAPTURE(i);
        CHECK(r.rows[i].outcome == ShipOutcome::Failed);
        CHECK(r.rows[i].message.find("not sent") != std::string::npos);
    }
    CHECK(h.journal_states() == std::map<std::string, int>{{"confirmed", 4}, {"planned", 4}});

    h.amazon.fault = {};
    const asc::ShipResult again = h.run(requests);
    CHECK_FALSE(again.error);
    CHECK(again.count(ShipOutcome::AlreadyShipped) == 4);
    CHECK(again.count(ShipOutcome::Confirmed) == 8);
    for (int n = 1; n <= 12; ++n) {
        CHECK(h.amazon.orders[id(n)].tracking.size() == 1);
    }
}

TEST_CASE("an interruption between two chunks, then a rerun: the first chunk's feed collected, nothing sent twice") {
    ChunkHarness h;
    h.options.feed_packages = 4; // a feed per chunk
    std::vector<asc::ShipRequest> requests;
    for (int n = 1; n <= 10; ++n) {
        h.amazon.add({.id = id(n)});
        requests.push_back(package(n));
    }
    h.options.on_step = [](std::string_view step) {
        if (step == "after-submit") {
            asc::set_interrupted();
        }
    };
    try {
        (void)h.run(requests);
        asc::clear_interrupted();
        FAIL("not interrupted");
    } catch (const asc::Error& e) {
        asc::clear_interrupted();
        CHECK(e.kind() == asc::ErrorKind::Interrupted);
        CHECK(std::string(e.what()).find("between two chunks") != std::string::npos);
    }
    CHECK(h.journal_states() == std::map<std::string, int>{{"submitted", 4}});
    CHECK(h.amazon.calls["createFeed"] == 1);

    h.options.on_step = {};
    const asc::ShipResult again = h.run(requests);
    CHECK(again.recovered.size() == 4);
    CHECK(again.count(ShipOutcome::AlreadyShipped) == 4);
    CHECK(again.count(ShipOutcome::Confirmed) == 6);
    CHECK(h.amazon.calls["createFeed"] == 3);
    for (int n = 1; n <= 10; ++n) {
        CHECK(h.amazon.orders[id(n)].tracking.size() == 1);
    }
}

TEST_CASE("a confirmation over more than one chunk: only the packages the dry run showed are sent") {
    ChunkHarness h;
    std::vector<asc::ShipRequest> requests;
    for (int n = 1; n <= 10; ++n) {
        h.amazon.add({.id = id(n)});
        asc::ShipRequest r = package(n);
        r.line = static_cast<std::size_t>(n) + 1; // as read from a CSV under its header
        requests.push_back(r);
    }
    // The dry run that the question is made of, a chunk at a time.
    h.options.dry_run = true;
    std::vector<std::size_t> shown;
    std::size_t chunks = 0;
    asc::ShipRequestList list;
    for (const asc::ShipRequest& r : requests) {
        list.add(r);
    }
    list.seal();
    {
        asc::ShipService dry(h.api, h.orders, h.feeds, h.store, h.clock, asc::no_events(), h.options);
        (void)dry.run_chunked(
            list,
            [&](const asc::ShipPlan& plan) {
                ++chunks;
                for (const asc::ShipPlanItem& item : plan.items) {
                    if (item.outcome == ShipOutcome::WouldShip) {
                        shown.push_back(item.request.line);
                    }
                }
            },
            [](asc::ShipRow&&) {});
    }
    CHECK(chunks == 3);
    REQUIRE(shown.size() == 10);
    CHECK(h.amazon.calls["createFeed"] == 0);
    // Order 7's package was not in the plan the user saw (say its order changed after the dry run):
    // it is refused; every other package goes out once.
    std::erase(shown, std::size_t{8});
    h.options.dry_run = false;
    h.options.confirmed = [&shown](const asc::ShipRequest& r) {
        return std::find(shown.begin(), shown.end(), r.line) != shown.end();
    };
    std::vector<asc::ShipRow> rows;
    asc::ShipService service(h.api, h.orders, h.feeds, h.store, h.clock, asc::no_events(), h.options);
    const asc::ShipResult r = service.run_chunked(list, {}, [&rows](asc::ShipRow&& row) { rows.push_back(row); });
    CHECK_FALSE(r.error);
    REQUIRE(rows.size() == 10);
    CHECK(rows[6].order_id == id(7));
    CHECK(rows[6].outcome == ShipOutcome::Refused);
    CHECK(rows[6].message.find("not in the plan you confirmed") != std::string::npos);
    CHECK(r.count(ShipOutcome::Confirmed) == 9);
    CHECK(h.amazon.orders[id(7)].tracking.empty());
    for (int n : {1, 2, 3, 4, 5, 6, 8, 9, 10}) {
        CHECK(h.amazon.orders[id(n)].tracking.size() == 1);
    }
    CHECK(h.amazon.calls["createFeed"] == 1);
}

TEST_CASE("feeds of 6 from chunks of 4: each feed full of whole orders, every package of an order in one feed") {
    ChunkHarness h;
    h.options.feed_packages = 6;
    // Orders 1..9, order 5 with a second package (its second item) right after its first: the
    // chunks are 1-4, 5 5' 6 7, 8 9. The first feed takes 1-4, then has room for two: order 5's
    // two packages.
    std::vector<asc::ShipRequest> requests;
    for (int n = 1; n <= 9; ++n) {
        h.amazon.add({.id = id(n)});
        asc::ShipRequest r = package(n);
        if (n == 5) {
            r.items.push_back({asc_test::FakeSellerApi::item_id(id(5), 1), 1});
            requests.push_back(r);
            r.tracking_number = "1ZFIVEB";
            r.items = {{asc_test::FakeSellerApi::item_id(id(5), 2), 1}};
        }
        requests.push_back(r);
    }
    std::vector<std::size_t> chunks;
    const asc::ShipResult r = h.run(requests, &chunks);
    CHECK_FALSE(r.error);
    CHECK(chunks == std::vector<std::size_t>{4, 4, 2});
    REQUIRE(r.feed_ids.size() == 2);
    REQUIRE(r.rows.size() == 10);
    std::map<std::string, std::size_t> per_feed;
    for (const asc::ShipRow& row : r.rows) {
        ++per_feed[row.feed_id];
    }
    CHECK(r.count(ShipOutcome::Confirmed) >= 9); // (the fake ships an order whole with its first package)
    CHECK(per_feed[r.feed_ids[0]] == 6);
    CHECK(per_feed[r.feed_ids[1]] == 4);
    CHECK(r.rows[4].feed_id == r.rows[5].feed_id); // order 5's two packages
    CHECK(r.rows[4].feed_id == r.feed_ids[0]);
    CHECK(r.rows[6].feed_id == r.feed_ids[1]); // order 6, the rest of the second chunk, in the next feed
    // Each feed's MessageIDs are 1..n, as its rows were journaled.
    std::map<std::string, std::vector<std::int64_t>> messages;
    for (const asc::ShipEntry& e : h.store.ship_journal_entries({})) {
        messages[e.feed_id].push_back(e.message_id.value_or(0));
    }
    for (auto& [feed, ids] : messages) {
        CAPTURE(feed);
        std::sort(ids.begin(), ids.end());
        for (std::size_t i = 0; i < ids.size(); ++i) {
            CHECK(ids[i] == static_cast<std::int64_t>(i) + 1);
        }
    }
}

TEST_CASE("an order's packages that do not fit the feed being filled go whole into the next feed") {
    ChunkHarness h;
    h.options.feed_packages = 5;
    // Chunks: 1-4, then order 5's three packages (one item each): the first feed has room for
    // one package, not for order 5: it goes out with 4, order 5 fills the next.
    std::vector<asc::ShipRequest> requests;
    for (int n = 1; n <= 4; ++n) {
        h.amazon.add({.id = id(n)});
        requests.push_back(package(n));
    }
    h.amazon.add({.id = id(5), .items = 3});
    for (int k = 1; k <= 3; ++k) {
        asc::ShipRequest r = package(5, fmt::format("1ZFIVE{}", k));
        r.items.push_back({asc_test::FakeSellerApi::item_id(id(5), k), 1});
        requests.push_back(r);
    }
    const asc::ShipResult r = h.run(requests);
    CHECK_FALSE(r.error);
    REQUIRE(r.feed_ids.size() == 2);
    REQUIRE(r.rows.size() == 7);
    for (std::size_t i = 0; i < 4; ++i) {
        CHECK(r.rows[i].feed_id == r.feed_ids[0]);
    }
    for (const std::size_t i : {std::size_t{4}, std::size_t{5}, std::size_t{6}}) {
        CAPTURE(i);
        CHECK(r.rows[i].order_id == id(5));
        CHECK(r.rows[i].feed_id == r.feed_ids[1]);
    }
    CHECK(r.rows[4].outcome == ShipOutcome::Confirmed);
}

TEST_CASE("an order with more packages than a feed holds gets a feed of its own, whole") {
    ChunkHarness h;
    h.options.feed_packages = 2;
    // Order 1 (one package), order 2 (three), order 3 (one): feeds [1], [2 2 2], [3].
    std::vector<asc::ShipRequest> requests;
    h.amazon.add({.id = id(1)});
    requests.push_back(package(1));
    h.amazon.add({.id = id(2), .items = 3});
    for (int k = 1; k <= 3; ++k) {
        asc::ShipRequest r = package(2, fmt::format("1ZTWO{}", k));
        r.items.push_back({asc_test::FakeSellerApi::item_id(id(2), k), 1});
        requests.push_back(r);
    }
    h.amazon.add({.id = id(3)});
    requests.push_back(package(3));
    const asc::ShipResult r = h.run(requests);
    CHECK_FALSE(r.error);
    REQUIRE(r.feed_ids.size() == 3);
    REQUIRE(r.rows.size() == 5);
    CHECK(r.rows[0].feed_id == r.feed_ids[0]);
    for (const std::size_t i : {std::size_t{1}, std::size_t{2}, std::size_t{3}}) {
        CAPTURE(i);
        CHECK(r.rows[i].feed_id == r.feed_ids[1]);
    }
    CHECK(r.rows[4].feed_id == r.feed_ids[2]);
}

TEST_CASE("a lost createFeed answer on a feed filled from two chunks: all its rows pending, none sent again") {
    ChunkHarness h;
    std::vector<asc::ShipRequest> requests;
    for (int n = 1; n <= 8; ++n) {
        h.amazon.add({.id = id(n)});
        requests.push_back(package(n));
    }
    // Amazon creates the feed and processes it, but its answer never comes.
    h.amazon.after_create_feed = [&h](const std::string& feed_id) -> std::optional<asc::HttpResponse> {
        asc::HttpRequest poll; // the fake processes a feed as it is polled
        poll.url = std::string(asc_test::k_fake_endpoint) + "/feeds/2021-06-30/feeds/" + feed_id;
        (void)h.amazon.sp(poll);
        (void)h.amazon.sp(poll);
        return asc_test::transport_error(asc::TransportError::Timeout, "timed out");
    };
    const asc::ShipResult r = h.run(requests);
    CHECK(h.amazon.calls["createFeed"] == 1);
    REQUIRE(r.error);
    CHECK(r.error->kind() == asc::ErrorKind::Temporary);
    CHECK(r.feed_ids.empty());
    REQUIRE(r.rows.size() == 8);
    for (const asc::ShipRow& row : r.rows) { // both chunks' rows, not only the last one's
        CAPTURE(row.order_id);
        CHECK(row.outcome == ShipOutcome::Pending);
        CHECK(row.message.find("not known whether Amazon received the feed") != std::string::npos);
    }
    CHECK(h.journal_states() == std::map<std::string, int>{{"sending", 8}});

    // The rerun proves each package from its order before sending anything: all on Amazon.
    h.amazon.after_create_feed = nullptr;
    h.clock.advance(std::chrono::minutes(10));
    const asc::ShipResult again = h.run(requests);
    CHECK_FALSE(again.error);
    CHECK(again.recovered.size() == 8);
    CHECK(again.count(ShipOutcome::AlreadyShipped) == 8);
    CHECK(h.amazon.calls["createFeed"] == 1);
    CHECK(h.journal_states() == std::map<std::string, int>{{"already_shipped", 8}, {"confirmed", 8}});
    for (int n = 1; n <= 8; ++n) {
        CHECK(h.amazon.orders[id(n)].tracking.size() == 1);
    }
}

TEST_CASE("a crash once a feed spanning two chunks is submitted, then a rerun: each package sent once") {
    ChunkHarness h;
    h.options.feed_packages = 6; // chunk 1 and half of chunk 2 in the first feed
    std::vector<asc::ShipRequest> requests;
    for (int n = 1; n <= 10; ++n) {
        h.amazon.add({.id = id(n)});
        requests.push_back(package(n));
    }
    struct Crash {};
    h.options.on_step = [](std::string_view step) {
        if (step == "after-submit") {
            throw Crash{}; // the process dies: nothing after this runs
        }
    };
    CHECK_THROWS_AS((void)h.run(requests), Crash);
    CHECK(h.journal_states() == std::map<std::string, int>{{"planned", 2}, {"submitted", 6}});

    h.options.on_step = {};
    const asc::ShipResult again = h.run(requests);
    CHECK_FALSE(again.error);
    CHECK(again.recovered.size() == 6);
    CHECK(again.count(ShipOutcome::AlreadyShipped) == 6);
    CHECK(again.count(ShipOutcome::Confirmed) == 4);
    CHECK(h.amazon.calls["createFeed"] == 2);
    CHECK(h.journal_states() == std::map<std::string, int>{{"already_shipped", 6}, {"confirmed", 10}});
    for (int n = 1; n <= 10; ++n) {
        CHECK(h.amazon.orders[id(n)].tracking.size() == 1);
    }
}

TEST_CASE("a crash after the second chunk is journaled, before any feed: the rerun reuses the planned rows") {
    ChunkHarness h;
    std::vector<asc::ShipRequest> requests;
    for (int n = 1; n <= 10; ++n) {
        h.amazon.add({.id = id(n)});
        requests.push_back(package(n));
    }
    struct Crash {};
    int plans = 0;
    h.options.on_step = [&plans](std::string_view step) {
        if (step == "after-plan" && ++plans == 2) {
            throw Crash{};
        }
    };
    CHECK_THROWS_AS((void)h.run(requests), Crash);
    CHECK(h.amazon.calls["createFeed"] == 0);
    CHECK(h.journal_states() == std::map<std::string, int>{{"planned", 8}});

    h.options.on_step = {};
    const asc::ShipResult again = h.run(requests);
    CHECK_FALSE(again.error);
    CHECK(again.count(ShipOutcome::Confirmed) == 10);
    CHECK(h.amazon.calls["createFeed"] == 1);
    CHECK(h.journal_states() == std::map<std::string, int>{{"confirmed", 10}}); // the 8 rows reused
}

TEST_CASE("a chunked rerun without two of the crashed run's packages: the last chunk counts them left planned") {
    ChunkHarness h;
    std::vector<asc::ShipRequest> requests;
    for (int n = 1; n <= 10; ++n) {
        h.amazon.add({.id = id(n)});
        requests.push_back(package(n));
    }
    struct Crash {};
    h.options.on_step = [](std::string_view step) {
        if (step == "after-plan") {
            throw Crash{};
        }
    };
    CHECK_THROWS_AS((void)h.run(requests), Crash);
    CHECK(h.journal_states() == std::map<std::string, int>{{"planned", 4}});

    h.options.on_step = {};
    asc::ShipRequestList list;
    for (std::size_t i = 2; i < requests.size(); ++i) { // packages 3-10: 1 and 2 are left out
        list.add(requests[i]);
    }
    list.seal();
    std::vector<std::size_t> left; // each chunk's left_planned
    asc::ShipService service(h.api, h.orders, h.feeds, h.store, h.clock, asc::no_events(), h.options);
    const asc::ShipResult again =
        service.run_chunked(list, [&left](const asc::ShipPlan& plan) { left.push_back(plan.left_planned); }, {});
    CHECK_FALSE(again.error);
    CHECK(left == std::vector<std::size_t>{0, 2});
    CHECK(again.count(ShipOutcome::Confirmed) == 8);
    CHECK(h.journal_states() == std::map<std::string, int>{{"confirmed", 8}, {"planned", 2}});
}

TEST_SUITE_END();
