#include "asc/base/errors.hpp"
#include "asc/store/store.hpp"
#include "store_test_support.hpp"

#include <doctest/doctest.h>

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
        CHECK(store.ship_journal_in_flight().size() == 2);
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
