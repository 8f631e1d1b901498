#pragma once
// The cancel service's collaborators wired to the fake seller API (SP-API and the feed documents'
// storage), a fake clock and an in-memory store: what each cancel test starts from.

#include "asc/amazon/feeds_client.hpp"
#include "asc/amazon/lwa.hpp"
#include "asc/amazon/orders_client.hpp"
#include "asc/amazon/rate_limit.hpp"
#include "asc/amazon/sp_api.hpp"
#include "asc/cancel/cancel.hpp"
#include "asc/store/store.hpp"
#include "fake_seller_api.hpp"

#include <doctest/doctest.h>
#include <stdexcept>

#include <string>

namespace asc_test {

struct CancelHarness {
    FakeClock clock;
    FakeSellerApi amazon{clock};
    FakeTransport sp;
    FakeTransport raw;
    asc::RateLimiter limiter{clock, false};
    asc::LwaAuth auth{sp, clock, asc::LwaCredentials{k_fake_lwa, "client", "secret", "Atzr|refresh"}, {}};
    asc::SpApiClient api{sp,
                         auth,
                         limiter,
                         clock,
                         k_fake_endpoint,
                         asc::RetryPolicy{1, std::chrono::milliseconds{1}, std::chrono::milliseconds{1}}};
    asc::OrdersClient orders{api};
    asc::FeedsClient feeds{api, raw, clock};
    asc::Store store = asc::Store::open_memory();
    asc::CancelOptions options;

    // `run_by`: who the journal says ran it (user@host).
    explicit CancelHarness(const std::string& run_by) {
        sp.handler = [this](const asc::HttpRequest& r) { return amazon.sp(r); };
        raw.handler = [this](const asc::HttpRequest& r) { return amazon.s3(r); };
        options.seller_id = "A1SELLER";
        options.marketplace_ids = {"ATVPDKIKX0DER"};
        options.run_by = run_by;
        options.poll_interval = std::chrono::seconds(1);
    }
};

// The row of `order_id` in a result that kept its rows; fails the test case when there is none.
inline const asc::CancelRow& row_for(const asc::CancelResult& r, const std::string& order_id) {
    for (const auto& row : r.rows) {
        if (row.order_id == order_id) {
            return row;
        }
    }
    FAIL("no row for " << order_id);
    throw std::logic_error("unreachable");
}

} // namespace asc_test
