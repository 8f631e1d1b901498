// The cancel service against a fake Amazon: plan and guard decisions, journal before send, dedupe
// on rerun, recovery after a crash at each step (proven from the orders, never by adopting a feed),
// mapping of processing reports, FATAL/CANCELLED.

#include "asc/amazon/lwa.hpp"
#include "asc/amazon/rate_limit.hpp"
#include "asc/amazon/sp_api.hpp"
#include "asc/base/errors.hpp"
#include "asc/cancel/cancel.hpp"
#include "asc/cancel/recovery.hpp"
#include "cancel_harness.hpp"

#include <doctest/doctest.h>
#include <pugixml.hpp>
#include <cstdlib>
#include <filesystem>
#include <set>
#include <unistd.h>

using asc::CancelOutcome;
using asc::CancelReason;
using asc_test::FakeApiOrder;
using asc_test::row_for;

namespace {

// A crash of the process at a step (anything but asc::Error, so nothing in the service catches it).
struct Crash {};

struct Harness : asc_test::CancelHarness {
    Harness() : CancelHarness("ops@host") {}

    asc::CancelResult cancel(const std::vector<std::string>& ids,
                             CancelReason reason = CancelReason::NoInventory) {
        asc::CancelService service(orders, feeds, store, clock, asc::no_events(), options);
        return service.run(ids, reason);
    }

    asc::CancelResult resume() {
        asc::CancelService service(orders, feeds, store, clock, asc::no_events(), options);
        return service.execute(service.plan({}, CancelReason::NoInventory, true));
    }

    void crash_at(const std::string& at) {
        options.on_step = [at](std::string_view step) {
            if (step == at) {
                throw Crash{};
            }
        };
    }

    std::vector<asc::JournalEntry> journal() { return store.journal_entries({}); }
    int calls(const std::string& op) { return amazon.calls[op]; }
};

std::string id(int n) {
    return fmt::format("111-{:07}-{:07}", n, n * 3);
}

std::set<std::string> states(const std::vector<asc::JournalEntry>& rows) {
    std::set<std::string> out;
    for (const auto& r : rows) {
        out.insert(std::string(asc::to_string(r.state)));
    }
    return out;
}

} // namespace

TEST_SUITE_BEGIN("core::cancel");

TEST_CASE("cancel sends one feed for the allowed orders and reports the guard's refusals") {
    Harness h;
    h.amazon.add({.id = id(1)});
    h.amazon.add({.id = id(2), .items = 3});
    h.amazon.add({.id = id(3), .status = "PENDING"});
    h.amazon.add({.id = id(4), .status = "PARTIALLY_SHIPPED", .shipped = 1});
    h.amazon.add({.id = id(5), .status = "SHIPPED", .shipped = 1});
    h.amazon.add({.id = id(6), .by = "AMAZON"});
    h.amazon.add({.id = id(7), .status = "CANCELLED"});
    const auto r = h.cancel({id(1), id(2), id(3), id(4), id(5), id(6), id(7), id(8), "12-34", id(1)});

    REQUIRE(r.rows.size() == 9); // the duplicate is dropped
    CHECK(row_for(r, id(1)).outcome == CancelOutcome::Canceled);
    CHECK(row_for(r, id(2)).outcome == CancelOutcome::Canceled);
    CHECK(row_for(r, id(1)).feed_id == r.feed_ids.at(0));
    CHECK(row_for(r, id(1)).reason == "NoInventory");
    CHECK(row_for(r, id(3)).outcome == CancelOutcome::Refused);
    CHECK(row_for(r, id(3)).message.find("Pending") != std::string::npos);
    CHECK(row_for(r, id(3)).message.find("sellercentral.amazon.com/orders-v3/order/" + id(3)) !=
          std::string::npos);
    CHECK(row_for(r, id(4)).outcome == CancelOutcome::Refused);
    CHECK(row_for(r, id(5)).outcome == CancelOutcome::Refused);
    CHECK(row_for(r, id(6)).outcome == CancelOutcome::Refused);
    CHECK(row_for(r, id(6)).message.find("Amazon") != std::string::npos);
    CHECK(row_for(r, id(7)).outcome == CancelOutcome::AlreadyCanceled);
    CHECK(row_for(r, id(8)).outcome == CancelOutcome::NotFound);
    CHECK(row_for(r, "12-34").outcome == CancelOutcome::InvalidId);
    CHECK_FALSE(r.error.has_value());

    CHECK(h.calls("createFeed") == 1);
    CHECK(h.calls("getOrder") == 8); // up to 20 orders: one getOrder each, none for the malformed id
    CHECK(h.amazon.orders[id(1)].cancellations == 1);
    CHECK(h.amazon.orders[id(1)].cancel_reason == "NoInventory");
    CHECK(h.amazon.orders[id(3)].status == "PENDING");

    // The feed: every item of each allowed order, the seller id, unique MessageIDs.
    pugi::xml_document doc;
    const std::string xml = h.amazon.last_feed_xml();
    REQUIRE(doc.load_buffer(xml.data(), xml.size()));
    const auto env = doc.child("AmazonEnvelope");
    CHECK(std::string(env.child("Header").child_value("MerchantIdentifier")) == "A1SELLER");
    std::set<std::string> message_ids;
    int items = 0;
    for (const auto& m : env.children("Message")) {
        message_ids.insert(m.child_value("MessageID"));
        for ([[maybe_unused]] const auto& item : m.child("OrderAcknowledgement").children("Item")) {
            ++items;
        }
    }
    CHECK(message_ids.size() == 2);
    CHECK(items == 5);

    // The journal: canceled and refused rows, already_canceled; nothing for unknown or malformed ids.
    const auto rows = h.journal();
    CHECK(rows.size() == 7);
    CHECK(states(rows) == std::set<std::string>{"canceled", "refused", "already_canceled"});
    for (const auto& e : rows) {
        CHECK(e.run_by == "ops@host");
    }
    // The store shows the canceled orders Canceled at once.
    const auto stored = h.store.get_order(id(1));
    REQUIRE(stored.has_value());
    CHECK(stored->status == asc::Status::Canceled);
}

TEST_CASE("every planned order is journaled before anything is sent") {
    Harness h;
    h.amazon.add({.id = id(1)});
    h.amazon.add({.id = id(2)});
    bool checked = false;
    h.options.on_step = [&](std::string_view step) {
        if (step == "after-plan") {
            const auto rows = h.journal();
            CHECK(rows.size() == 2);
            CHECK(states(rows) == std::set<std::string>{"planned"});
            CHECK(rows[0].message_id != rows[1].message_id);
            CHECK(rows[0].batch_id == rows[1].batch_id);
            CHECK(h.calls("createFeedDocument") == 0);
            CHECK(h.calls("createFeed") == 0);
            checked = true;
            throw Crash{};
        }
    };
    CHECK_THROWS_AS(h.cancel({id(1), id(2)}), Crash);
    CHECK(checked);
    CHECK(states(h.journal()) == std::set<std::string>{"planned"});

    // The same command again plans the same rows again (fresh state) and sends them once.
    h.options.on_step = nullptr;
    const auto r = h.cancel({id(1), id(2)});
    CHECK(r.count(CancelOutcome::Canceled) == 2);
    CHECK(h.calls("createFeed") == 1);
    CHECK(h.journal().size() == 2); // the planned rows were reused
}

TEST_CASE("a rerun sends nothing for orders already canceled or pending in a feed") {
    Harness h;
    h.amazon.add({.id = id(1)});
    h.amazon.add({.id = id(2)});
    h.options.wait = false;
    const auto first = h.cancel({id(1), id(2)});
    CHECK(first.count(CancelOutcome::Submitted) == 2);
    CHECK(h.calls("createFeed") == 1);

    // Pending: not sent again, reported with its feed.
    h.amazon.polls_before_done = 100;
    h.amazon.feeds.back().polls_left = 100;
    const auto pending = h.cancel({id(1), id(2)});
    CHECK(pending.count(CancelOutcome::Submitted) == 2);
    CHECK(row_for(pending, id(1)).feed_id == first.feed_ids.at(0));
    CHECK(h.calls("createFeed") == 1);
    CHECK(h.calls("getOrder") == 2);

    // Once Amazon is done, the result is collected and a third run reports already canceled.
    h.amazon.feeds.back().polls_left = 0;
    h.options.wait = true;
    const auto done = h.cancel({id(1), id(2)});
    CHECK(done.count(CancelOutcome::Canceled) == 2);
    const auto again = h.cancel({id(1), id(2)});
    CHECK(again.count(CancelOutcome::AlreadyCanceled) == 2);
    CHECK(h.calls("createFeed") == 1);
    CHECK(h.calls("getOrder") == 2);
    CHECK(h.amazon.orders[id(1)].cancellations == 1);
}

TEST_CASE(
    "a crash after createFeed reached Amazon is settled from the orders' state; nothing is sent twice") {
    Harness h;
    for (int n = 1; n <= 3; ++n) {
        h.amazon.add({.id = id(n)});
    }
    h.crash_at("after-create-feed");
    CHECK_THROWS_AS(h.cancel({id(1), id(2), id(3)}), Crash);
    CHECK(h.calls("createFeed") == 1);
    const auto rows = h.journal();
    CHECK(states(rows) == std::set<std::string>{"submitting"});
    CHECK(rows[0].feed_id.empty());
    CHECK(rows[0].submitted_at.has_value());

    CHECK(rows[0].send_timeout == h.options.request_timeout);

    h.options.on_step = nullptr;
    h.clock.advance(std::chrono::seconds(30));
    const auto r = h.cancel({id(1), id(2), id(3)});
    // The orders were still Unshipped (the feed was queued): recovery waited out the send's grace,
    // waited for the feed created since (it may hold them), and read the orders again.
    CHECK(h.calls("getFeeds") == 1);
    CHECK(h.calls("createFeed") == 1);
    CHECK(r.count(CancelOutcome::Canceled) == 3);
    // The feed is not named: nothing proves it is the one the crashed run sent.
    CHECK(row_for(r, id(2)).feed_id.empty());
    CHECK(row_for(r, id(2)).message.find("confirmed by the order's state") != std::string::npos);
    CHECK(row_for(r, id(2)).message.find("interrupted run") == std::string::npos);
    for (int n = 1; n <= 3; ++n) {
        CHECK(h.amazon.orders[id(n)].cancellations == 1);
    }
    CHECK(states(h.journal()) == std::set<std::string>{"canceled"});
    CHECK(h.journal()[0].feed_id.empty());
    // Later runs say already canceled, confirmed by the order's state, without asking Amazon.
    const auto again = h.cancel({id(1)});
    CHECK(row_for(again, id(1)).outcome == CancelOutcome::AlreadyCanceled);
    CHECK(row_for(again, id(1)).message.find("confirmed by the order's state") != std::string::npos);
}

TEST_CASE("a crash before createFeed was sent re-plans the orders and sends them once") {
    for (const char* at : {"after-document", "after-upload", "before-create-feed"}) {
        CAPTURE(at);
        Harness h;
        h.amazon.add({.id = id(1)});
        h.amazon.add({.id = id(2)});
        h.crash_at(at);
        CHECK_THROWS_AS(h.cancel({id(1), id(2)}), Crash);
        CHECK(h.calls("createFeed") == 0);
        h.options.on_step = nullptr;
        const auto r = h.cancel({id(1), id(2)});
        CHECK(r.count(CancelOutcome::Canceled) == 2);
        CHECK(h.calls("createFeed") == 1);
        CHECK(h.amazon.orders[id(1)].cancellations == 1);
        CHECK(h.journal().size() == 2);
        if (std::string_view(at) == "before-create-feed") {
            // `submitting` without a feed: a createFeed that may still be in flight is waited out
            // (the recorded request timeout + the floor), then getFeeds finds nothing in flight.
            CHECK(h.calls("getFeeds") == 1);
            CHECK(h.clock.total_slept() >= h.options.request_timeout + h.options.in_flight_floor);
        } else {
            CHECK(h.calls("getFeeds") == 0);
        }
    }
}

TEST_CASE("a crash while waiting is completed by resume") {
    Harness h;
    h.amazon.add({.id = id(1)});
    h.amazon.polls_before_done = 3;
    h.crash_at("waiting");
    CHECK_THROWS_AS(h.cancel({id(1)}), Crash);
    CHECK(states(h.journal()) == std::set<std::string>{"submitted"});
    h.options.on_step = nullptr;
    const auto r = h.resume();
    CHECK(r.rows.empty());
    REQUIRE(r.recovered.size() == 1);
    CHECK(r.recovered[0].outcome == CancelOutcome::Canceled);
    CHECK(states(h.journal()) == std::set<std::string>{"canceled"});
    CHECK(h.calls("createFeed") == 1);
}

TEST_CASE("another client's feed of the same size is never adopted: the orders say what happened") {
    SUBCASE("the crashed run never sent its feed: the orders are sent again, once") {
        Harness h;
        h.amazon.add({.id = id(1)});
        h.amazon.add({.id = id(2)});
        h.crash_at("before-create-feed");
        CHECK_THROWS_AS(h.cancel({id(1), id(2)}), Crash);
        // Another client (another store, same seller) sends a feed of two messages meanwhile;
        // it is still processing when the rerun looks.
        const std::string foreign = h.amazon.add_foreign_feed(2, 3);
        h.options.on_step = nullptr;
        const auto r = h.cancel({id(1), id(2)});
        CHECK(r.count(CancelOutcome::Canceled) == 2);
        CHECK(h.calls("createFeed") == 1); // the rerun's own, the first that ever went out
        REQUIRE(r.feed_ids.size() == 1);
        CHECK(r.feed_ids[0] != foreign);
        CHECK(row_for(r, id(1)).feed_id == r.feed_ids[0]);
        CHECK(h.amazon.orders[id(1)].cancellations == 1);
    }
    SUBCASE("the crashed run's feed did reach Amazon: canceled, confirmed by the orders, none named") {
        Harness h;
        h.amazon.add({.id = id(1)});
        h.amazon.add({.id = id(2)});
        h.crash_at("after-create-feed");
        CHECK_THROWS_AS(h.cancel({id(1), id(2)}), Crash);
        h.amazon.add_foreign_feed(2);
        h.options.on_step = nullptr;
        const auto r = h.cancel({id(1), id(2)});
        CHECK(r.count(CancelOutcome::Canceled) == 2);
        CHECK(row_for(r, id(1)).feed_id.empty());
        CHECK(h.calls("createFeed") == 1);
        CHECK(h.amazon.orders[id(2)].cancellations == 1);
    }
}

TEST_CASE("the grace period comes from the timeout recorded at send time, not from the rerun's") {
    Harness h;
    h.amazon.add({.id = id(1)});
    h.options.request_timeout = std::chrono::minutes(5);
    h.crash_at("before-create-feed");
    CHECK_THROWS_AS(h.cancel({id(1)}), Crash);
    h.options.on_step = nullptr;
    h.options.request_timeout = std::chrono::seconds(5);
    const auto r = h.cancel({id(1)});
    CHECK(row_for(r, id(1)).outcome == CancelOutcome::Canceled);
    CHECK(h.clock.total_slept() >= std::chrono::minutes(5) + h.options.in_flight_floor);
    CHECK(h.calls("createFeed") == 1);
}

TEST_CASE("without waiting, an unknown createFeed outcome stays pending and nothing is sent again") {
    Harness h;
    h.amazon.add({.id = id(1)});
    h.crash_at("before-create-feed");
    CHECK_THROWS_AS(h.cancel({id(1)}), Crash);
    h.options.on_step = nullptr;
    h.options.wait = false;
    const auto r = h.cancel({id(1)});
    CHECK(row_for(r, id(1)).outcome == CancelOutcome::Submitted);
    CHECK(row_for(r, id(1)).message.find("not sent again") != std::string::npos);
    CHECK(states(h.journal()) == std::set<std::string>{"submitting"});
    CHECK(h.calls("createFeed") == 0);
    CHECK(h.clock.total_slept() == std::chrono::milliseconds(0));
}

TEST_CASE("an order that ships between plan and submit fails with Amazon's reason") {
    Harness h;
    h.amazon.add({.id = id(1)});
    h.amazon.add({.id = id(2)});
    h.options.on_step = [&](std::string_view step) {
        if (step == "after-plan") {
            h.amazon.orders[id(2)].status = "SHIPPED";
            h.amazon.orders[id(2)].shipped = 1;
        }
    };
    const auto r = h.cancel({id(1), id(2)});
    CHECK(row_for(r, id(1)).outcome == CancelOutcome::Canceled);
    const auto& shipped = row_for(r, id(2));
    CHECK(shipped.outcome == CancelOutcome::Failed);
    CHECK(shipped.result_code == "25");
    CHECK(shipped.message == "The order has already shipped and cannot be canceled.");
    const auto latest = h.store.journal_latest(std::vector<std::string>{id(2)});
    CHECK(latest.at(id(2)).state == asc::JournalState::Failed);
    CHECK(latest.at(id(2)).result_code == "25");
}

TEST_CASE("a FATAL feed fails every order with the hint to check them; a CANCELLED one too") {
    for (const char* outcome : {"FATAL", "CANCELLED"}) {
        CAPTURE(outcome);
        Harness h;
        h.amazon.add({.id = id(1)});
        h.amazon.add({.id = id(2)});
        h.amazon.next_outcome = outcome;
        const auto r = h.cancel({id(1), id(2)});
        CHECK(r.count(CancelOutcome::Failed) == 2);
        CHECK(row_for(r, id(1)).result_code == outcome);
        if (std::string(outcome) == "FATAL") {
            CHECK(row_for(r, id(1)).message.find("asc order show") != std::string::npos);
            CHECK(row_for(r, id(1)).message.find("Simulated fatal error") != std::string::npos);
        }
        CHECK(states(h.journal()) == std::set<std::string>{"failed"});
        // A failed order may be tried again.
        const auto again = h.cancel({id(1), id(2)});
        CHECK(again.count(CancelOutcome::Canceled) == 2);
        CHECK(h.calls("createFeed") == 2);
    }
}

TEST_CASE("more than 20 orders are checked against one sync, not one getOrder each") {
    Harness h;
    std::vector<std::string> ids;
    for (int n = 1; n <= 25; ++n) {
        h.amazon.add({.id = id(n)});
        ids.push_back(id(n));
    }
    ids.push_back(id(99)); // unknown: one getOrder after the sync
    const auto r = h.cancel(ids);
    CHECK(r.count(CancelOutcome::Canceled) == 25);
    CHECK(row_for(r, id(99)).outcome == CancelOutcome::NotFound);
    CHECK(h.calls("searchOrders") == 1);
    CHECK(h.calls("getOrder") == 1);
    CHECK(h.calls("createFeed") == 1);
}

TEST_CASE("batches are split only above the maximum number of messages per feed") {
    Harness h;
    std::vector<std::string> ids;
    for (int n = 1; n <= 5; ++n) {
        h.amazon.add({.id = id(n)});
        ids.push_back(id(n));
    }
    h.options.max_messages_per_feed = 2;
    const auto r = h.cancel(ids);
    CHECK(r.feed_ids.size() == 3);
    CHECK(r.count(CancelOutcome::Canceled) == 5);
    std::set<std::pair<int, std::int64_t>> slots;
    for (const auto& e : h.journal()) {
        slots.emplace(e.feed_seq, e.message_id.value_or(0));
    }
    CHECK(slots == std::set<std::pair<int, std::int64_t>>{{1, 1}, {1, 2}, {2, 1}, {2, 2}, {3, 1}});
}

TEST_CASE("a dry run sends nothing and journals nothing") {
    Harness h;
    h.amazon.add({.id = id(1)});
    h.amazon.add({.id = id(2), .status = "SHIPPED", .shipped = 1});
    h.options.dry_run = true;
    const auto r = h.cancel({id(1), id(2)});
    CHECK(row_for(r, id(1)).outcome == CancelOutcome::WouldCancel);
    CHECK(row_for(r, id(2)).outcome == CancelOutcome::Refused);
    CHECK(h.calls("createFeedDocument") == 0);
    CHECK(h.calls("createFeed") == 0);
    CHECK(h.journal().empty());
}

TEST_CASE("without a seller id nothing is sent and the error names ASC_SELLER_ID") {
    Harness h;
    h.amazon.add({.id = id(1)});
    h.options.seller_id.clear();
    try {
        h.cancel({id(1)});
        FAIL("no error");
    } catch (const asc::Error& e) {
        CHECK(e.kind() == asc::ErrorKind::Config);
        CHECK(std::string(e.hint()).find("ASC_SELLER_ID") != std::string::npos);
        CHECK(std::string(e.hint()).find("seller_id") != std::string::npos);
    }
    CHECK(h.journal().empty());
    CHECK(h.calls("createFeedDocument") == 0);
}

TEST_CASE("a buyer's cancellation request with another reason brings the BuyerCanceled advice") {
    Harness h;
    h.amazon.add({.id = id(1), .buyer_cancel_request = true});
    h.options.dry_run = true;
    asc::CancelService service(h.orders, h.feeds, h.store, h.clock, asc::no_events(), h.options);
    const auto plan = service.plan({id(1)}, CancelReason::NoInventory);
    REQUIRE(plan.advice.size() == 1);
    CHECK(plan.advice[0].find("BuyerCanceled") != std::string::npos);
    const auto buyer = service.plan({id(1)}, CancelReason::BuyerCanceled);
    CHECK(buyer.advice.empty());
}

TEST_CASE("a createFeed whose answer is lost or malformed is settled from the orders, not sent again") {
    for (const auto& lost : std::vector<asc::HttpResponse>{
             asc_test::transport_error(asc::TransportError::Dropped, "connection reset"),
             asc_test::transport_error(asc::TransportError::Timeout, "timed out"),
             asc_test::respond(202, R"({"feedId":12345})"), asc_test::respond(202, "<html>gateway</html>"),
             asc_test::respond(301, "", {{"location", "https://elsewhere.example/"}})}) {
        CAPTURE(lost.body);
        Harness h;
        h.amazon.add({.id = id(1)});
        h.amazon.add({.id = id(2)});
        h.amazon.after_create_feed = [&](const std::string&) -> std::optional<asc::HttpResponse> {
            return lost;
        };
        const auto r = h.cancel({id(1)});
        CHECK(h.calls("createFeed") == 1);
        CHECK(row_for(r, id(1)).outcome == CancelOutcome::Canceled);
        CHECK(row_for(r, id(1)).feed_id.empty());
        CHECK_FALSE(r.error.has_value());
        CHECK(h.amazon.orders[id(1)].cancellations == 1);
        // Nothing malformed reached the journal, and it blocks nothing.
        for (const auto& e : h.journal()) {
            CHECK(e.feed_id.empty());
        }
        h.amazon.after_create_feed = nullptr;
        const auto other = h.cancel({id(2)});
        CHECK(row_for(other, id(2)).outcome == CancelOutcome::Canceled);
    }
}

TEST_CASE("a lost createFeed that never reached Amazon is not sent again in that run; the rerun sends it") {
    Harness h;
    h.amazon.add({.id = id(1)});
    h.amazon.fault = [](const std::string& op) -> std::optional<asc::HttpResponse> {
        if (op == "createFeed") {
            return asc_test::transport_error(asc::TransportError::Dropped, "connection reset");
        }
        return std::nullopt;
    };
    const auto r = h.cancel({id(1)});
    REQUIRE(r.error.has_value());
    CHECK(r.error->kind() == asc::ErrorKind::Temporary);
    CHECK(row_for(r, id(1)).outcome == CancelOutcome::Failed);
    CHECK(row_for(r, id(1)).message.find("not sent") != std::string::npos);
    CHECK(states(h.journal()) == std::set<std::string>{"planned"});
    h.amazon.fault = nullptr;
    const auto again = h.cancel({id(1)});
    CHECK(row_for(again, id(1)).outcome == CancelOutcome::Canceled);
    CHECK(h.calls("createFeed") == 2);
    CHECK(h.amazon.orders[id(1)].cancellations == 1);
}

TEST_CASE("a journaled feed that Amazon does not know blocks nothing and is settled from the orders") {
    Harness h;
    h.amazon.add({.id = id(1)});
    h.amazon.add({.id = id(2)});
    h.amazon.add({.id = id(3), .status = "CANCELLED"});
    // An older asc journaled a feed id Amazon never had (a number it misread, say).
    asc::JournalEntry a;
    a.order_id = id(1);
    a.reason = "NoInventory";
    a.batch_id = "b-old";
    a.feed_seq = 1;
    a.message_id = 1;
    a.state = asc::JournalState::Submitted;
    a.feed_id = "12345";
    a.created_at = a.updated_at =
        std::chrono::floor<std::chrono::seconds>(h.clock.wall_now()) - std::chrono::hours(2);
    a.submitted_at = a.created_at;
    a.run_by = "ops@host";
    asc::JournalEntry b = a;
    b.order_id = id(3);
    b.message_id = 2;
    (void)h.store.journal_write(std::vector{a, b});

    const auto r = h.cancel({id(2)});
    CHECK(row_for(r, id(2)).outcome == CancelOutcome::Canceled);
    CHECK_FALSE(r.error.has_value());
    // id(3) is Canceled on Amazon: canceled, confirmed by its state; id(1) is not and nothing is
    // in flight: planned again, for resume (it is not this run's order).
    REQUIRE(r.recovered.size() == 1);
    CHECK(r.recovered[0].order_id == id(3));
    CHECK(r.recovered[0].outcome == CancelOutcome::Canceled);
    CHECK(r.recovered[0].feed_id.empty());
    const auto latest = h.store.journal_latest(std::vector{id(1), id(3)});
    CHECK(latest.at(id(1)).state == asc::JournalState::Planned);
    CHECK(latest.at(id(1)).feed_id.empty());
    const auto resumed = h.resume();
    REQUIRE(resumed.rows.size() == 1);
    CHECK(resumed.rows[0].outcome == CancelOutcome::Canceled);
    CHECK(h.amazon.orders[id(1)].cancellations == 1);
}

TEST_CASE("recovery's decisions") {
    using asc::UnknownVerdict;
    asc::Order unshipped;
    unshipped.status = asc::Status::Unshipped;
    asc::Order canceled;
    canceled.status = asc::Status::Canceled;
    asc::Order shipped;
    shipped.status = asc::Status::Shipped;
    SUBCASE("an order is canceled only when Amazon shows it Canceled") {
        CHECK(asc::decide_unknown(canceled, false) == UnknownVerdict::Canceled);
        CHECK(asc::decide_unknown(canceled, true) == UnknownVerdict::Canceled);
        CHECK(asc::decide_unknown(unshipped, false) == UnknownVerdict::Wait);
        CHECK(asc::decide_unknown(unshipped, true) == UnknownVerdict::SendAgain);
        CHECK(asc::decide_unknown(shipped, true) == UnknownVerdict::SendAgain); // the guard refuses it then
        CHECK(asc::decide_unknown(std::nullopt, true) == UnknownVerdict::NotFound);
    }
    SUBCASE("the grace period: recorded send time (+1 s, it is rounded down) + recorded timeout + floor") {
        const asc::Timestamp sent{std::chrono::seconds(1'800'000'000)};
        CHECK(asc::settle_time(sent, std::chrono::seconds(5), std::chrono::seconds(60)) ==
              sent + std::chrono::seconds(66));
        CHECK(asc::settle_time(sent, std::chrono::milliseconds(1500), std::chrono::milliseconds(0)) ==
              sent + std::chrono::seconds(3));
        CHECK(asc::settle_time(sent, std::nullopt, std::chrono::seconds(60)) ==
              sent + std::chrono::seconds(1) + asc::k_unknown_send_timeout + std::chrono::seconds(60));
    }
    SUBCASE("a feed may hold the orders when its type, marketplaces and time fit") {
        const asc::Timestamp sent{std::chrono::seconds(1'800'000'000)};
        asc::Feed f;
        f.feed_type = "POST_ORDER_ACKNOWLEDGEMENT_DATA";
        f.marketplace_ids = {"A1F83G8C2ARO7P", "ATVPDKIKX0DER", "ATVPDKIKX0DER"};
        f.created_time = sent - std::chrono::seconds(30);
        const std::vector<std::string> ours{"A1F83G8C2ARO7P", "ATVPDKIKX0DER"};
        CHECK(asc::may_hold(f, sent, ours, std::chrono::minutes(2)));
        CHECK_FALSE(asc::may_hold(f, sent, {"ATVPDKIKX0DER"}, std::chrono::minutes(2)));
        CHECK_FALSE(asc::may_hold(f, sent, ours, std::chrono::seconds(10))); // created before the send
        f.feed_type = "POST_PRODUCT_DATA";
        CHECK_FALSE(asc::may_hold(f, sent, ours, std::chrono::minutes(2)));
    }
}

TEST_CASE("a throttled createFeed leaves the orders planned for a rerun, which sends them once") {
    Harness h;
    h.amazon.add({.id = id(1)});
    h.amazon.fault = [](const std::string& op) -> std::optional<asc::HttpResponse> {
        if (op == "createFeed") {
            return asc_test::respond(429, R"({"errors":[{"code":"QuotaExceeded","message":"slow down"}]})");
        }
        return std::nullopt;
    };
    const auto r = h.cancel({id(1)});
    REQUIRE(r.error.has_value());
    CHECK(r.error->kind() == asc::ErrorKind::Temporary);
    CHECK(row_for(r, id(1)).outcome == CancelOutcome::Failed);
    CHECK(row_for(r, id(1)).message.find("not sent") != std::string::npos);
    CHECK(states(h.journal()) == std::set<std::string>{"planned"});
    h.amazon.fault = nullptr;
    const auto again = h.cancel({id(1)});
    CHECK(row_for(again, id(1)).outcome == CancelOutcome::Canceled);
    CHECK(h.amazon.orders[id(1)].cancellations == 1);
}

TEST_CASE("a feed still processing after the wait timeout stays submitted") {
    Harness h;
    h.amazon.add({.id = id(1)});
    h.amazon.polls_before_done = 1000;
    h.options.wait_timeout = std::chrono::seconds(20);
    const auto r = h.cancel({id(1)});
    CHECK(r.timed_out);
    CHECK(row_for(r, id(1)).outcome == CancelOutcome::Submitted);
    CHECK(row_for(r, id(1)).message.find("resume") != std::string::npos);
    CHECK(states(h.journal()) == std::set<std::string>{"submitted"});
    CHECK(h.clock.total_slept() <= std::chrono::seconds(21));
}

TEST_CASE("resume sends the planned rows of an interrupted run with their own reason") {
    Harness h;
    h.amazon.add({.id = id(1)});
    h.crash_at("after-plan");
    CHECK_THROWS_AS(h.cancel({id(1)}, CancelReason::BuyerCanceled), Crash);
    h.options.on_step = nullptr;
    // Another command leaves them alone but counts them.
    h.amazon.add({.id = id(2)});
    {
        asc::CancelService service(h.orders, h.feeds, h.store, h.clock, asc::no_events(), h.options);
        const auto plan = service.plan({id(2)}, CancelReason::NoInventory);
        CHECK(plan.left_for_resume == 1);
    }
    const auto r = h.resume();
    REQUIRE(r.rows.size() == 1);
    CHECK(r.rows[0].outcome == CancelOutcome::Canceled);
    CHECK(h.amazon.orders[id(1)].cancel_reason == "BuyerCanceled");
}

TEST_CASE("with a sink the rows go out one at a time in plan order, counted, and none is kept") {
    auto setup = [](Harness& h) {
        h.amazon.add({.id = id(1)});
        h.amazon.add({.id = id(2), .status = "PENDING"});
        h.amazon.add({.id = id(3), .status = "CANCELLED"});
        h.amazon.add({.id = id(4), .items = 3});
        h.options.max_messages_per_feed = 1; // two feeds: rows of both, in plan order
    };
    const std::vector<std::string> ids{id(4), id(2), "12-34", id(1), id(9), id(3)};
    Harness kept;
    setup(kept);
    const auto expected = kept.cancel(ids);

    Harness streamed;
    setup(streamed);
    std::vector<asc::CancelRow> rows;
    asc::CancelService service(streamed.orders, streamed.feeds, streamed.store, streamed.clock, asc::no_events(),
                               streamed.options);
    const auto r = service.execute(service.plan(ids, CancelReason::NoInventory),
                                   [&](asc::CancelRow&& row) { rows.push_back(std::move(row)); });
    CHECK(r.rows.empty());
    REQUIRE(rows.size() == expected.rows.size());
    for (std::size_t i = 0; i < rows.size(); ++i) {
        CHECK(rows[i].order_id == expected.rows[i].order_id);
        CHECK(rows[i].outcome == expected.rows[i].outcome);
        CHECK(rows[i].message == expected.rows[i].message);
    }
    CHECK(rows[0].order_id == id(4));
    CHECK(rows[0].outcome == CancelOutcome::Canceled);
    CHECK(rows[3].outcome == CancelOutcome::Canceled);
    CHECK(r.feed_ids.size() == 2);
    CHECK(r.tally.total == 6);
    CHECK(r.count(CancelOutcome::Canceled) == 2);
    CHECK(r.count(CancelOutcome::Refused) == 1);
    CHECK(r.count(CancelOutcome::InvalidId) == 1);
    CHECK(r.count(CancelOutcome::NotFound) == 1);
    CHECK(r.count(CancelOutcome::AlreadyCanceled) == 1);
    CHECK(expected.count(CancelOutcome::Canceled) == 2); // the tally without a sink too
}

TEST_CASE("the feed document goes to a temporary file that is gone after success, failure and a crash") {
    const auto dir = std::filesystem::temp_directory_path() / fmt::format("asc-unit-cancel-{}", ::getpid());
    std::filesystem::create_directories(dir);
    const char* old = std::getenv("TMPDIR");
    const std::string saved = old != nullptr ? old : "";
    ::setenv("TMPDIR", dir.c_str(), 1);
    auto open_fds = [] {
        return std::distance(std::filesystem::directory_iterator("/proc/self/fd"),
                             std::filesystem::directory_iterator());
    };
    auto left = [&] {
        return std::distance(std::filesystem::directory_iterator(dir), std::filesystem::directory_iterator());
    };
    const auto fds = open_fds();
    {
        Harness h; // success: the upload read the document from the file
        h.amazon.add({.id = id(1)});
        const auto r = h.cancel({id(1)});
        CHECK(row_for(r, id(1)).outcome == CancelOutcome::Canceled);
        CHECK(h.amazon.orders[id(1)].cancellations == 1);
    }
    CHECK(left() == 0);
    CHECK(open_fds() == fds);
    {
        Harness h; // the upload fails: nothing sent, the file is gone all the same
        h.amazon.add({.id = id(1)});
        h.raw.handler = [](const asc::HttpRequest&) {
            return asc_test::respond(403, "<Error><Code>SignatureDoesNotMatch</Code></Error>");
        };
        const auto r = h.cancel({id(1)});
        CHECK(row_for(r, id(1)).outcome == CancelOutcome::Failed);
        CHECK(r.error.has_value());
    }
    CHECK(left() == 0);
    CHECK(open_fds() == fds);
    {
        Harness h; // the process "dies" between the document and the upload
        h.amazon.add({.id = id(1)});
        h.crash_at("after-document");
        CHECK_THROWS_AS(h.cancel({id(1)}), Crash);
    }
    CHECK(left() == 0);
    CHECK(open_fds() == fds);
    if (old != nullptr) {
        ::setenv("TMPDIR", saved.c_str(), 1);
    } else {
        ::unsetenv("TMPDIR");
    }
    std::filesystem::remove_all(dir);
}

TEST_CASE("a cancel target keeps every item code in one string and gives them back in order") {
    asc::Order order;
    order.order_id = id(1);
    for (const char* code : {"05015851154158", "05015851154159", "05015851154160"}) {
        asc::OrderItem item;
        item.order_item_id = code;
        item.quantity_ordered = 2;
        order.items.push_back(item);
    }
    const asc::CancelTarget t = asc::cancel_target(order);
    CHECK(t.units == 6);
    std::vector<std::string> codes{"stale"};
    t.item_ids(codes);
    CHECK(codes == std::vector<std::string>{"05015851154158", "05015851154159", "05015851154160"});
    order.items.resize(1);
    asc::cancel_target(order).item_ids(codes);
    CHECK(codes == std::vector<std::string>{"05015851154158"});
    order.items.front().order_item_id.clear(); // an item without a code stays visible (the feed refuses it)
    asc::cancel_target(order).item_ids(codes);
    CHECK(codes == std::vector<std::string>{""});
    order.items.clear();
    asc::cancel_target(order).item_ids(codes);
    CHECK(codes.empty());
}

TEST_SUITE_END();
