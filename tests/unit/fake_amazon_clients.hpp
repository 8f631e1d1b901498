#pragma once
// The real SP-API clients (LWA, the rate limiter, Orders, Feeds) wired to the fake seller API
// (SP-API and the feed documents' storage), a fake clock and an in-memory store: what the cancel
// and ship service tests start from.

#include "asc/amazon/feeds_client.hpp"
#include "asc/amazon/lwa.hpp"
#include "asc/amazon/orders_client.hpp"
#include "asc/amazon/rate_limit.hpp"
#include "asc/amazon/sp_api.hpp"
#include "asc/store/store.hpp"
#include "fake_seller_api.hpp"

#include <chrono>

namespace asc_test {

struct FakeAmazonClients {
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

    FakeAmazonClients() {
        sp.handler = [this](const asc::HttpRequest& r) { return amazon.sp(r); };
        raw.handler = [this](const asc::HttpRequest& r) { return amazon.s3(r); };
    }
    FakeAmazonClients(const FakeAmazonClients&) = delete;
    FakeAmazonClients& operator=(const FakeAmazonClients&) = delete;
};

} // namespace asc_test
