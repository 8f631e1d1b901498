// The store when its disk or filesystem fails it: a full disk is a temporary failure that says
// so, a failed journal write before createFeed says that nothing reached Amazon, and a store that
// cannot be written opens read-only instead of being called "not an asc store".

#include "asc/amazon/lwa.hpp"
#include "asc/amazon/rate_limit.hpp"
#include "asc/amazon/sp_api.hpp"
#include "asc/base/errors.hpp"
#include "asc/cancel/cancel.hpp"
#include "asc/store/store.hpp"
#include "fake_amazon_clients.hpp"
#include "store_test_support.hpp"

#include <doctest/doctest.h>
#include <fmt/format.h>
#include <string>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

namespace {

struct CancelHarness : asc_test::FakeAmazonClients {
    asc::CancelOptions options;

    CancelHarness() {
        options.seller_id = "A1SELLER";
        options.marketplace_ids = {"ATVPDKIKX0DER"};
        options.run_by = "ops@host";
        options.poll_interval = std::chrono::seconds(1);
    }

    // The error of cancelling `ids`: thrown, or the one the result carries (a flight failed).
    asc::Error cancel_error(const std::vector<std::string>& ids) {
        asc::CancelService service(orders, feeds, store, clock, asc::no_events(), options);
        try {
            const asc::CancelResult result = service.run(ids, asc::CancelReason::NoInventory);
            if (result.error) {
                return *result.error;
            }
        } catch (const asc::Error& e) {
            return e;
        }
        FAIL("the cancel did not fail");
        return {asc::ErrorKind::Internal, "unreachable"};
    }
};

std::string id(int n) {
    return fmt::format("111-{:07}-{:07}", n, n * 3);
}

} // namespace

TEST_SUITE_BEGIN("core::store failures");

TEST_CASE("a journal write that fails before createFeed says no cancellation reached Amazon") {
    SUBCASE("the plan") {
        CancelHarness h;
        h.amazon.add({.id = id(1)});
        asc_test::sql_exec(h.store, "CREATE TRIGGER full BEFORE INSERT ON cancel_journal "
                                    "BEGIN SELECT RAISE(ABORT, 'disk I/O error'); END");
        const asc::Error e = h.cancel_error({id(1)});
        CHECK(std::string(e.what()).ends_with("; no cancellation was sent to Amazon"));
        CHECK(h.amazon.calls["createFeedDocument"] == 0);
        CHECK(h.amazon.calls["createFeed"] == 0);
    }
    SUBCASE("the move to submitting, after the upload") {
        CancelHarness h;
        h.amazon.add({.id = id(1)});
        asc_test::sql_exec(h.store, "CREATE TRIGGER full BEFORE UPDATE ON cancel_journal "
                                    "WHEN NEW.state = 'submitting' BEGIN SELECT RAISE(ABORT, 'disk I/O error'); END");
        const asc::Error e = h.cancel_error({id(1)});
        CHECK(std::string(e.what()).ends_with("; no cancellation was sent to Amazon"));
        CHECK(h.amazon.calls["createFeed"] == 0);
    }
}

TEST_CASE("a full disk is a temporary failure that says so") {
    asc_test::TempDir dir;
    asc::Store store = asc::Store::open(dir / "full.db");
    const auto pages = asc_test::sql_int(store, "PRAGMA page_count");
    asc_test::sql_exec(store, fmt::format("PRAGMA max_page_count = {}", pages + 2).c_str());
    std::vector<asc::Order> orders;
    for (int n = 0; n < 500; ++n) {
        orders.push_back(asc_test::make_order(n));
    }
    try {
        (void)store.upsert_orders(orders);
        FAIL("no error");
    } catch (const asc::Error& e) {
        CHECK(e.kind() == asc::ErrorKind::Temporary);
        CHECK(std::string(e.what()).find("disk is full") != std::string::npos);
        CHECK(e.hint().find("free some space") != std::string::npos);
    }
}

TEST_CASE("a store its user cannot write opens read-only: reads work, writes say read-only") {
    if (::geteuid() == 0) {
        // Permissions do not bind root; tests/integration/test_hostile_input.sh covers a read-only
        // filesystem (a read-only bind mount), which does.
        MESSAGE("skipped as root");
        return;
    }
    asc_test::TempDir dir;
    const auto path = dir / "asc.db";
    {
        asc::Store store = asc::Store::open(path);
        (void)store.upsert_orders(std::vector<asc::Order>{asc_test::make_order(1)});
    }
    REQUIRE(::chmod(dir.path().c_str(), 0500) == 0);
    REQUIRE(::chmod(path.c_str(), 0400) == 0);
    asc::Store store = asc::Store::open(path);
    CHECK(store.read_only());
    CHECK(store.get_order(asc_test::order_id(1)).has_value());
    try {
        (void)store.upsert_orders(std::vector<asc::Order>{asc_test::make_order(2)});
        FAIL("no error");
    } catch (const asc::Error& e) {
        CHECK(e.kind() == asc::ErrorKind::Config);
        CHECK(std::string(e.what()).find("is read-only") != std::string::npos);
        CHECK(std::string(e.what()).find("not an asc store") == std::string::npos);
    }
    ::chmod(dir.path().c_str(), 0700);
}

TEST_SUITE_END();
