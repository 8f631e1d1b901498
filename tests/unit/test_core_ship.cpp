// The ship service against a fake Amazon, across the boundaries of the pages it works in (the
// journal read back 256 rows at a time, a feed's report journaled 256 rows per transaction, the
// in-flight rows of earlier runs read 256 at a time): rows in input order, a duplicate across
// pages sent once, a failure in the second page, a crash between pages and a crash after the
// journal then a rerun (nothing sent twice), a lost confirmShipment answer.

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
#include <pugixml.hpp>

using asc::ShipOutcome;
using asc_test::FakeApiOrder;

namespace {

// A crash of the process at a step (anything but asc::Error, so nothing in the service catches it).
struct Crash {};

struct ShipHarness : asc_test::FakeAmazonClients {
    asc::ShipOptions options;

    ShipHarness() {
        options = asc_test::ship_test_options();
    }

    asc::ShipResult ship(std::vector<asc::ShipRequest> requests) {
        asc::ShipService service(api, orders, feeds, store, clock, asc::no_events(), options);
        const asc::ShipPlan plan = service.plan(std::move(requests));
        return service.execute(plan);
    }

    void crash_at(const std::string& at) {
        options.on_step = [at](std::string_view step) {
            if (step == at) {
                throw Crash{};
            }
        };
    }

    std::map<std::string, int> journal_states() { return asc_test::ship_journal_states(store); }
};

std::string id(int n) {
    return asc_test::ship_order_id(n);
}

asc::ShipRequest package(int n, std::string tracking = {}) {
    return asc_test::ship_package(n, std::move(tracking));
}

// `count` orders on the fake Amazon and one package for each, in order.
std::vector<asc::ShipRequest> batch(ShipHarness& h, int count) {
    std::vector<asc::ShipRequest> out;
    for (int n = 1; n <= count; ++n) {
        h.amazon.add({.id = id(n)});
        out.push_back(package(n));
    }
    return out;
}

int messages_in(const std::string& xml) {
    pugi::xml_document doc;
    doc.load_buffer(xml.data(), xml.size());
    int n = 0;
    for ([[maybe_unused]] const auto& m : doc.child("AmazonEnvelope").children("Message")) {
        ++n;
    }
    return n;
}

} // namespace

TEST_SUITE_BEGIN("core::ship");

TEST_CASE("a feed of 600 packages: rows in input order, a duplicate across pages sent once, a failure in the second page") {
    ShipHarness h;
    h.options.via = asc::ShipViaChoice::Feed;
    std::vector<asc::ShipRequest> requests = batch(h, 600);
    requests.insert(requests.begin() + 450, package(10)); // the package of row 10 again, two pages on
    // Order 400 is canceled on Amazon after the plan: the report has an error for its message.
    h.options.on_step = [&h](std::string_view step) {
        if (step == "after-plan") {
            h.amazon.orders[id(400)].status = "CANCELLED";
        }
    };
    const asc::ShipResult r = h.ship(requests);

    REQUIRE(r.rows.size() == 601);
    for (std::size_t i = 0; i < r.rows.size(); ++i) {
        CHECK(r.rows[i].order_id == requests[i].order_id);
    }
    CHECK(r.rows[450].outcome == ShipOutcome::Refused);
    CHECK(r.rows[450].message.find("given twice") != std::string::npos);
    CHECK(r.rows[9].outcome == ShipOutcome::Confirmed);
    const asc::ShipRow& failed = r.rows[399]; // order 400 (the duplicate sits after it)
    CHECK(failed.order_id == id(400));
    CHECK(failed.outcome == ShipOutcome::Failed);
    CHECK(failed.result_code == "25");
    CHECK(r.count(ShipOutcome::Confirmed) == 599);
    CHECK(r.rows[599].package_ref == "1");
    CHECK(r.rows[599].feed_id == r.feed_id);
    CHECK(h.amazon.calls["createFeed"] == 1);
    CHECK(messages_in(h.amazon.last_feed_xml()) == 600);
    CHECK(h.amazon.orders[id(10)].tracking.size() == 1);
    CHECK(h.journal_states() == std::map<std::string, int>{{"confirmed", 599}, {"failed", 1}, {"refused", 1}});
    // The store shows the confirmed orders shipped, in the first and the last page alike.
    CHECK(h.store.get_order(id(1))->status == asc::Status::Shipped);
    CHECK(h.store.get_order(id(600))->status == asc::Status::Shipped);
    CHECK(h.store.get_order(id(400))->status == asc::Status::Unshipped);
}

TEST_CASE("a crash between two pages of a feed's report, then a rerun: the rest settled from the report, nothing sent again") {
    ShipHarness h;
    h.options.via = asc::ShipViaChoice::Feed;
    const std::vector<asc::ShipRequest> requests = batch(h, 600);
    h.crash_at("after-report-page");
    CHECK_THROWS_AS(h.ship(requests), Crash);
    CHECK(h.journal_states() == std::map<std::string, int>{{"confirmed", 256}, {"submitted", 344}});

    h.options.on_step = {};
    const asc::ShipResult again = h.ship(requests);
    CHECK(again.recovered.size() == 344);
    for (const asc::ShipRow& row : again.recovered) {
        CHECK(row.outcome == ShipOutcome::Confirmed);
    }
    CHECK(again.count(ShipOutcome::AlreadyShipped) == 600);
    CHECK(h.amazon.calls["createFeed"] == 1);
    CHECK(h.journal_states() == std::map<std::string, int>{{"already_shipped", 600}, {"confirmed", 600}});
    CHECK(h.store.get_order(id(600))->status == asc::Status::Shipped);
}

TEST_CASE("a crash after the journal is written, then a rerun: more than a page of planned rows planned again, not added") {
    ShipHarness h;
    h.options.via = asc::ShipViaChoice::Feed;
    const std::vector<asc::ShipRequest> requests = batch(h, 600);
    h.crash_at("after-plan");
    CHECK_THROWS_AS(h.ship(requests), Crash);
    CHECK(h.journal_states() == std::map<std::string, int>{{"planned", 600}});
    CHECK(h.amazon.calls["createFeed"] == 0);

    h.options.on_step = {};
    const asc::ShipResult again = h.ship(requests);
    CHECK(again.count(ShipOutcome::Confirmed) == 600);
    CHECK(h.amazon.calls["createFeed"] == 1);
    CHECK(h.journal_states() == std::map<std::string, int>{{"confirmed", 600}});
}

TEST_CASE("a rerun of half a crashed batch: its planned rows reused, the other half counted as left planned") {
    ShipHarness h;
    h.options.via = asc::ShipViaChoice::Feed;
    std::vector<asc::ShipRequest> requests = batch(h, 600);
    h.crash_at("after-plan");
    CHECK_THROWS_AS(h.ship(requests), Crash);
    CHECK(h.journal_states() == std::map<std::string, int>{{"planned", 600}});

    h.options.on_step = {};
    requests.resize(300);
    asc::ShipService service(h.api, h.orders, h.feeds, h.store, h.clock, asc::no_events(), h.options);
    const asc::ShipPlan plan = service.plan(requests);
    CHECK(plan.left_planned == 300);
    std::size_t reused = 0;
    for (const asc::ShipPlanItem& item : plan.items) {
        reused += item.journal_id != 0 ? 1 : 0;
    }
    CHECK(reused == 300);
    const asc::ShipResult r = service.execute(plan);
    CHECK(r.count(ShipOutcome::Confirmed) == 300);
    CHECK(h.journal_states() == std::map<std::string, int>{{"confirmed", 300}, {"planned", 300}});
}

TEST_CASE("a lost confirmShipment answer stops the run: that package pending, the next not sent; a rerun sends both once") {
    ShipHarness h;
    h.options.via = asc::ShipViaChoice::Api;
    const std::vector<asc::ShipRequest> requests = batch(h, 3);
    int confirms = 0;
    h.amazon.fault = [&confirms](const std::string& op) -> std::optional<asc::HttpResponse> {
        if (op == "confirmShipment" && ++confirms == 2) {
            return asc_test::respond(503, R"({"errors":[{"code":"ServiceUnavailable","message":"try later"}]})");
        }
        return std::nullopt;
    };
    const asc::ShipResult r = h.ship(requests);
    REQUIRE(r.rows.size() == 3);
    CHECK(r.rows[0].outcome == ShipOutcome::Confirmed);
    CHECK(r.rows[1].outcome == ShipOutcome::Pending);
    CHECK(r.rows[1].message.find("not known whether Amazon received it") != std::string::npos);
    CHECK(r.rows[2].outcome == ShipOutcome::Failed);
    CHECK(r.rows[2].message.find("not sent") != std::string::npos);
    REQUIRE(r.error);
    CHECK(r.error->kind() == asc::ErrorKind::Temporary);
    CHECK(h.journal_states() == std::map<std::string, int>{{"confirmed", 1}, {"planned", 1}, {"sending", 1}});
    CHECK(h.store.get_order(id(1))->status == asc::Status::Shipped);

    // Once the lost request can no longer arrive, the rerun finds it never did and sends it again.
    h.clock.advance(std::chrono::minutes(10));
    const asc::ShipResult again = h.ship(requests);
    CHECK(again.count(ShipOutcome::AlreadyShipped) == 1);
    CHECK(again.count(ShipOutcome::Confirmed) == 2);
    CHECK(h.journal_states() == std::map<std::string, int>{{"already_shipped", 1}, {"confirmed", 3}});
    for (int n = 1; n <= 3; ++n) {
        CHECK(h.amazon.orders[id(n)].tracking.size() == 1);
    }
}

TEST_SUITE_END();
