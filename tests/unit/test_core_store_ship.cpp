#include "asc/base/errors.hpp"
#include "asc/store/store.hpp"
#include "store_test_support.hpp"

#include <doctest/doctest.h>
#include <fmt/format.h>

namespace {

asc::ShipEntry entry(const std::string& order, const std::string& tracking, asc::ShipState state) {
    asc::ShipEntry e;
    e.order_id = order;
    e.package_ref = "1";
    e.carrier_code = "UPS";
    e.tracking_number = tracking;
    e.items = {{"10000000000001", 2}};
    e.batch_id = "s1";
    e.state = state;
    e.created_at = asc::Timestamp{std::chrono::seconds{1'700'000'000}};
    e.updated_at = e.created_at;
    e.run_by = "me@host";
    return e;
}

} // namespace

TEST_CASE("the shipment journal keeps one in-flight row per package and round-trips every field" * doctest::test_suite("store backends")) {
    asc_test::on_each_backend({}, [&](asc::Store& store, const std::string&) {
        const auto ids = store.ship_journal_write(std::vector{entry("111-1111111-1111111", "T1", asc::ShipState::Planned)});
        REQUIRE(ids.size() == 1);
        // The same package (order + tracking) cannot be in flight twice.
        CHECK_THROWS_AS(store.ship_journal_write(std::vector{entry("111-1111111-1111111", "T1", asc::ShipState::Planned)}),
                        asc::Error);
        // Another tracking number of the same order can.
        CHECK_NOTHROW(store.ship_journal_write(std::vector{entry("111-1111111-1111111", "T2", asc::ShipState::Planned)}));
        const asc::Timestamp sent{std::chrono::seconds{1'700'000'100}};
        store.ship_journal_update(std::vector<asc::ShipChange>{{.id = ids[0],
                                                                .state = asc::ShipState::Sending,
                                                                .sent_at = sent,
                                                                .send_timeout = std::chrono::milliseconds(3000)}},
                                  sent);
        auto rows = store.ship_journal_entries({.states = {asc::ShipState::Sending}});
        REQUIRE(rows.size() == 1);
        CHECK(rows[0].sent_at == sent);
        CHECK(rows[0].send_timeout == std::chrono::milliseconds(3000));
        CHECK(rows[0].items.size() == 1);
        CHECK(rows[0].items[0].quantity == 2);
        CHECK(store.ship_journal_in_flight(0, 100).size() == 2);
        store.ship_journal_update(std::vector<asc::ShipChange>{{.id = ids[0],
                                                                .state = asc::ShipState::Confirmed,
                                                                .commerce_state = asc::ShipCommerceState::Pending}},
                                  sent);
        rows = store.ship_journal_entries({.states = {}, .order_id = "111-1111111-1111111"});
        CHECK(rows.size() == 2);
        CHECK(rows[0].state == asc::ShipState::Confirmed);
        CHECK(rows[0].commerce_state == asc::ShipCommerceState::Pending);
        for (const auto s : {asc::ShipCommerceState::Pending, asc::ShipCommerceState::Sending, asc::ShipCommerceState::Done,
                             asc::ShipCommerceState::Failed, asc::ShipCommerceState::NoLink, asc::ShipCommerceState::Skipped}) {
            CHECK(asc::parse_ship_commerce_state(asc::to_string(s)) == s);
        }
        CHECK_FALSE(asc::parse_ship_commerce_state("sent").has_value());
        // Once confirmed, the package may be journaled again (a rerun's already_shipped row).
        CHECK_NOTHROW(store.ship_journal_write(std::vector{entry("111-1111111-1111111", "T1", asc::ShipState::AlreadyShipped)}));
    });
}

TEST_CASE("the shipment journal is read a page at a time: rows in flight, a feed's submitted rows, rows by id" * doctest::test_suite("store backends")) {
    asc_test::on_each_backend({}, [&](asc::Store& store, const std::string&) {
        // Five packages in flight (one confirmed between them), written by the generator form.
        const auto ids = store.ship_journal_write(6, [](std::size_t i) {
            auto e = entry(fmt::format("111-1111111-{:07}", i), fmt::format("T{}", i),
                           i == 2 ? asc::ShipState::Confirmed : asc::ShipState::Submitted);
            e.feed_id = i == 5 ? "F2" : "F1";
            return e;
        });
        REQUIRE(ids.size() == 6);
        const auto first = store.ship_journal_in_flight(0, 2);
        REQUIRE(first.size() == 2);
        CHECK(first[0].id == ids[0]);
        CHECK(first[1].id == ids[1]);
        const auto second = store.ship_journal_in_flight(first.back().id, 2);
        REQUIRE(second.size() == 2);
        CHECK(second[0].id == ids[3]); // the confirmed row is not in flight
        CHECK(store.ship_journal_in_flight(second.back().id, 2).size() == 1);
        // Submitted rows of one feed, by id; a row the page's reader settled is not read again.
        const auto f1 = store.ship_journal_submitted("F1", 0, 3);
        REQUIRE(f1.size() == 3);
        store.ship_journal_update_each(std::vector<std::int64_t>{f1[0].id, f1[1].id, f1[2].id},
                                       {.state = asc::ShipState::Confirmed}, f1[0].created_at);
        const auto rest = store.ship_journal_submitted("F1", f1.back().id, 3);
        REQUIRE(rest.size() == 1);
        CHECK(rest[0].id == ids[4]);
        CHECK(store.ship_journal_submitted("F2", 0, 3).size() == 1);
        // Rows by id, in the order asked.
        const auto rows = store.ship_journal_rows(std::vector<std::int64_t>{ids[5], ids[0]});
        REQUIRE(rows.size() == 2);
        CHECK(rows[0].feed_id == "F2");
        CHECK(rows[1].state == asc::ShipState::Confirmed);
        CHECK_THROWS_AS((void)store.ship_journal_rows(std::vector<std::int64_t>{ids[5] + 100}), asc::Error);
    });
}
