// The Magento step of `order ship` a part of the result rows at a time (ShipCommerceRun), behind the
// ship service's chunked run against a fake Amazon, with chunks of 4 packages and parts of 3 rows:
// each package Amazon confirmed gets its Magento shipment exactly once across chunk and part
// boundaries, every row of the package says so (a duplicate in a later part too), a step stopped
// by a refused token leaves the rest for a rerun, and a run interrupted between chunks then run
// again steps each package once.

#include "asc/base/errors.hpp"
#include "asc/base/interrupt.hpp"
#include "asc/ship/ship.hpp"
#include "asc/ship/ship_requests.hpp"
#include "fake_amazon_clients.hpp"
#include "ship_commerce.hpp"
#include "ship_test_support.hpp"

#include <doctest/doctest.h>
#include <fmt/format.h>
#include <map>
#include <string>
#include <vector>

using asc::ShipCommerceState;
using asc::ShipOutcome;
using asc::cli::ShipCommerceRun;
using asc::cli::ShipCommerceStep;

namespace {

std::string id(int n) {
    return asc_test::ship_order_id(n);
}

// A Magento that creates one shipment per call (no linked order for order 5), counting the calls
// per package; `refuse_at` > 0 refuses the token at that call.
struct FakeMagento {
    std::map<std::string, int> calls; // "order\ntracking" -> shipments asked
    int total = 0;
    int refuse_at = 0;

    ShipCommerceRun::ShipOne ship_one() {
        return [this](const asc::ShipEntry& e) -> ShipCommerceStep {
            if (++total == refuse_at) {
                throw asc::Error(asc::ErrorKind::Auth, "Magento refused the integration token");
            }
            ++calls[e.order_id + '\n' + e.tracking_number];
            if (e.order_id == id(5)) {
                return {ShipCommerceState::NoLink, "", "no Magento order is linked to it"};
            }
            return {ShipCommerceState::Done, fmt::format("{}", 100 + total), ""};
        };
    }
};

struct CommerceHarness : asc_test::FakeAmazonClients {
    asc::ShipOptions options;
    FakeMagento magento;

    CommerceHarness() {
        options = asc_test::ship_test_options();
        options.via = asc::ShipViaChoice::Feed;
        options.plan_chunk = 4;
        options.commerce_on_confirm = ShipCommerceState::Pending;
        for (int n = 1; n <= 10; ++n) {
            amazon.add({.id = id(n)});
        }
    }

    // One run as `order ship` makes it: the service's rows, 3 at a time through the step.
    std::vector<asc::ShipRow> run(const std::vector<asc::ShipRequest>& requests, asc::cli::ShipCommerceOutcome* outcome = nullptr) {
        asc::ShipRequestList list;
        for (const asc::ShipRequest& r : requests) {
            list.add(r);
        }
        list.seal();
        asc::ShipService service(api, orders, feeds, store, clock, asc::no_events(), options);
        ShipCommerceRun step(store, magento.ship_one());
        std::vector<asc::ShipRow> rows;
        std::vector<asc::ShipRow> part;
        const auto flush = [&] {
            step.run(part);
            rows.insert(rows.end(), part.begin(), part.end());
            part.clear();
        };
        (void)service.run_chunked(list, {}, [&](asc::ShipRow&& row) {
            part.push_back(std::move(row));
            if (part.size() == 3) {
                flush();
            }
        });
        flush();
        step.finish();
        if (outcome != nullptr) {
            *outcome = step.outcome();
        }
        return rows;
    }

    // Journal rows confirmed whose Magento step is still owed.
    std::size_t owed() { return store.ship_journal_commerce_owed(0, 1000).size(); }
};

// One package per order 1..10, then order 3's package again (refused, sent once) in the last part.
std::vector<asc::ShipRequest> batch() {
    std::vector<asc::ShipRequest> out;
    for (int n = 1; n <= 10; ++n) {
        out.push_back(asc_test::ship_package(n));
    }
    out.push_back(asc_test::ship_package(3));
    return out;
}

bool has(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

} // namespace

TEST_SUITE_BEGIN("cli::ship_commerce");

TEST_CASE("chunks of 4, parts of 3: one Magento shipment per confirmed package, every row of it says so") {
    CommerceHarness h;
    asc::cli::ShipCommerceOutcome outcome;
    const std::vector<asc::ShipRow> rows = h.run(batch(), &outcome);
    REQUIRE(rows.size() == 11);
    CHECK(h.amazon.calls["createFeed"] == 1); // one feed filled from the three chunks
    CHECK(h.magento.calls.size() == 10);
    for (const auto& [package, calls] : h.magento.calls) {
        CAPTURE(package);
        CHECK(calls == 1);
    }
    for (std::size_t i = 0; i < 10; ++i) {
        CAPTURE(i);
        CHECK(rows[i].outcome == ShipOutcome::Confirmed);
        CHECK(has(rows[i].message, i == 4 ? "Magento: no_link (no Magento order is linked to it)" : "Magento shipment 1"));
    }
    // The duplicate, three parts after its package's row, carries the same shipment.
    CHECK(rows[10].outcome == ShipOutcome::Refused);
    const std::string shipment = rows[2].message.substr(rows[2].message.find("Magento shipment"));
    CHECK(has(rows[10].message, "given twice"));
    CHECK(rows[10].message.ends_with("; " + shipment));
    CHECK(h.owed() == 0);
    CHECK(outcome.summary == "9 Magento shipments created, 1 without a linked Magento order");
    CHECK_FALSE(outcome.error);

    // The same input again: every package already shipped, Magento not asked again, no words added.
    const std::vector<asc::ShipRow> again = h.run(batch(), &outcome);
    CHECK(h.magento.total == 10);
    CHECK(again[0].outcome == ShipOutcome::AlreadyShipped);
    CHECK_FALSE(has(again[0].message, "Magento"));
    CHECK(outcome.summary.empty());
}

TEST_CASE("a refused token stops the step for every later part; the rerun steps the rest once each") {
    CommerceHarness h;
    h.magento.refuse_at = 5;
    asc::cli::ShipCommerceOutcome outcome;
    const std::vector<asc::ShipRow> rows = h.run(batch(), &outcome);
    REQUIRE(outcome.error);
    CHECK(outcome.error->kind() == asc::ErrorKind::Auth);
    CHECK(outcome.summary == "4 Magento shipments created");
    CHECK(has(rows[3].message, "Magento shipment"));
    CHECK_FALSE(has(rows[4].message, "Magento"));
    CHECK_FALSE(has(rows[9].message, "Magento"));
    CHECK(h.owed() == 6); // Amazon's confirmations stand; Magento's shipments are still owed

    h.magento.refuse_at = 0;
    const std::vector<asc::ShipRow> again = h.run(batch(), &outcome);
    CHECK_FALSE(outcome.error);
    CHECK(outcome.summary == "5 Magento shipments created, 1 without a linked Magento order");
    CHECK(h.owed() == 0);
    for (const auto& [package, calls] : h.magento.calls) {
        CAPTURE(package);
        CHECK(calls == 1);
    }
    CHECK(h.magento.calls.size() == 10);
    // The rerun's rows are already shipped; those whose shipment it made say so.
    CHECK(again[5].outcome == ShipOutcome::AlreadyShipped);
    CHECK(has(again[5].message, "Magento shipment"));
    CHECK_FALSE(has(again[0].message, "Magento"));
}

TEST_CASE("a run interrupted after its first feed (a chunk and a half), then run again: Amazon and Magento act once per package") {
    CommerceHarness h;
    h.options.feed_packages = 6; // the first feed: chunk 1's three packages to send and three of chunk 2
    h.options.on_step = [](std::string_view step) {
        if (step == "after-submit") {
            asc::set_interrupted();
        }
    };
    try {
        (void)h.run(batch());
        asc::clear_interrupted();
        FAIL("not interrupted");
    } catch (const asc::Error& e) {
        asc::clear_interrupted();
        CHECK(e.kind() == asc::ErrorKind::Interrupted);
    }
    CHECK(h.magento.total == 0); // the rows never came out: no Magento step yet
    CHECK(h.amazon.calls["createFeed"] == 1);
    CHECK(asc_test::ship_journal_states(h.store) ==
          std::map<std::string, int>{{"planned", 1}, {"refused", 1}, {"submitted", 6}});

    h.options.on_step = {};
    asc::cli::ShipCommerceOutcome outcome;
    const std::vector<asc::ShipRow> rows = h.run(batch(), &outcome);
    CHECK_FALSE(outcome.error);
    REQUIRE(rows.size() == 11);
    CHECK(h.magento.calls.size() == 10);
    for (const auto& [package, calls] : h.magento.calls) {
        CAPTURE(package);
        CHECK(calls == 1);
    }
    for (int n = 1; n <= 10; ++n) {
        CHECK(h.amazon.orders[id(n)].tracking.size() == 1);
    }
    CHECK(h.owed() == 0);
    // The first chunk's packages, confirmed by the rerun's recovery, get their shipments in it.
    CHECK(rows[0].outcome == ShipOutcome::AlreadyShipped);
    CHECK(has(rows[0].message, "Magento shipment"));
}

TEST_SUITE_END();
