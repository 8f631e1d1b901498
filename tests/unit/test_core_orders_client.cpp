// OrdersClient: searchOrders parameters, pagination, and getOrder over a fake transport.

#include "asc/amazon/orders_client.hpp"
#include "asc/base/errors.hpp"
#include "asc/base/time.hpp"
#include "asc/sync/sync.hpp"
#include "fake_clock.hpp"
#include "fake_transport.hpp"

#include <atomic>
#include <doctest/doctest.h>
#include <filesystem>
#include <mutex>
#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>

using namespace std::chrono_literals;
using asc_test::FakeClock;
using asc_test::FakeTransport;
using asc_test::respond;
using nlohmann::json;
using Params = std::vector<std::pair<std::string, std::string>>;

namespace {

asc::Timestamp at(const char* text) {
    return *asc::parse_rfc3339(text);
}

json fixture_order(std::size_t i) {
    const auto path =
        std::filesystem::path(ASC_TEST_FIXTURES_DIR) / "order-v2026-example.json";
    std::ifstream in(path);
    REQUIRE(in.good());
    return json::parse(in)["orders"][i];
}

struct Fixture {
    FakeClock clock; // 2026-11-01T10:00:00Z
    FakeTransport lwa_http;
    FakeTransport http;
    asc::LwaAuth auth{
        lwa_http, clock, asc::LwaCredentials{"https://api.amazon.com/auth/o2/token", "c", "s", "r"}, {}};
    asc::RateLimiter limiter{clock, false};
    asc::SpApiClient api{
        http, auth, limiter, clock, "https://sellingpartnerapi-na.amazon.com", asc::RetryPolicy{}};
    asc::OrdersClient orders{api};

    Fixture() {
        lwa_http.handler = [](const asc::HttpRequest&) {
            return respond(200, R"({"access_token":"Atza|t","expires_in":3600})");
        };
    }
};

// The query of a URL as (key, value) pairs, still percent-encoded.
Params query_of(const std::string& url) {
    Params out;
    const auto q = url.find('?');
    if (q == std::string::npos) {
        return out;
    }
    std::string rest = url.substr(q + 1);
    while (!rest.empty()) {
        const auto amp = rest.find('&');
        const std::string part = rest.substr(0, amp);
        const auto eq = part.find('=');
        out.emplace_back(part.substr(0, eq), eq == std::string::npos ? "" : part.substr(eq + 1));
        rest = amp == std::string::npos ? "" : rest.substr(amp + 1);
    }
    return out;
}

std::string path_of(const std::string& url) {
    const auto start = url.find('/', url.find("://") + 3);
    return url.substr(start, url.find('?') - start);
}

} // namespace

TEST_SUITE_BEGIN("core::OrdersClient");

TEST_CASE("search_parameters sends every filter in Amazon's spelling") {
    Fixture f;
    asc::SearchQuery q;
    q.created_after = at("2026-10-01T00:00:00Z");
    q.created_before = at("2026-10-31T12:30:00Z");
    q.statuses = {asc::Status::Unshipped, asc::Status::PartiallyShipped, asc::Status::Canceled};
    q.fulfilled_by = asc::FulfilledBy::Merchant;
    q.marketplace_ids = {"ATVPDKIKX0DER", "A2EUQ1WTGCTBG2"};
    q.page_size = 50;
    q.included = {asc::Included::Buyer,    asc::Included::Recipient,    asc::Included::Proceeds,
                  asc::Included::Packages, asc::Included::Cancellation, asc::Included::Promotion,
                  asc::Included::Tax,      asc::Included::Fulfillment};
    const Params expected{
        {"createdAfter", "2026-10-01T00:00:00Z"},
        {"createdBefore", "2026-10-31T12:30:00Z"},
        {"fulfillmentStatuses", "UNSHIPPED,PARTIALLY_SHIPPED,CANCELLED"},
        {"fulfilledBy", "MERCHANT"},
        {"marketplaceIds", "ATVPDKIKX0DER,A2EUQ1WTGCTBG2"},
        {"maxResultsPerPage", "50"},
        {"includedData", "BUYER,RECIPIENT,PROCEEDS,PACKAGES,CANCELLATION,PROMOTION,TAX,FULFILLMENT"},
    };
    CHECK(f.orders.search_parameters(q, at("2026-11-01T10:00:00Z")) == expected);
}

TEST_CASE("search_parameters: updated window, defaults, and FULFILLMENT always included") {
    Fixture f;
    asc::SearchQuery q;
    q.updated_after = at("2026-10-31T00:00:00Z");
    const Params expected{
        {"lastUpdatedAfter", "2026-10-31T00:00:00Z"},
        {"maxResultsPerPage", "100"},
        {"includedData", "FULFILLMENT"},
    };
    CHECK(f.orders.search_parameters(q, at("2026-11-01T10:00:00Z")) == expected);
}

TEST_CASE("search_parameters clamps a ...Before to 2 minutes before now, with a Z suffix") {
    Fixture f;
    const auto now = at("2026-11-01T10:00:00Z");
    asc::SearchQuery q;
    q.updated_after = at("2026-11-01T09:00:00Z");
    SUBCASE("now") {
        q.updated_before = now;
    }
    SUBCASE("one minute ago") {
        q.updated_before = now - 1min;
    }
    SUBCASE("in the future") {
        q.updated_before = now + 24h;
    }
    const auto params = f.orders.search_parameters(q, now);
    REQUIRE(params.size() >= 2);
    CHECK(params[1] == std::pair<std::string, std::string>{"lastUpdatedBefore", "2026-11-01T09:58:00Z"});
}

TEST_CASE("a client made with a shorter search lag (the tests' hook) clamps to it, and says it") {
    Fixture f;
    asc::OrdersClient quick(f.api, std::chrono::seconds(3));
    CHECK(f.orders.search_lag() == asc::k_search_lag);
    CHECK(quick.search_lag() == std::chrono::seconds(3));
    const auto now = at("2026-11-01T10:00:00Z");
    asc::SearchQuery q;
    q.updated_after = at("2026-11-01T09:00:00Z");
    q.updated_before = now;
    const auto params = quick.search_parameters(q, now);
    REQUIRE(params.size() >= 2);
    CHECK(params[1] == std::pair<std::string, std::string>{"lastUpdatedBefore", "2026-11-01T09:59:57Z"});
    const asc::OrdersClientSource source(quick);
    CHECK(source.search_lag() == std::chrono::seconds(3));
}

TEST_CASE("search_parameters leaves a ...Before older than 2 minutes alone") {
    Fixture f;
    asc::SearchQuery q;
    q.created_after = at("2026-11-01T09:00:00Z");
    q.created_before = at("2026-11-01T09:57:59Z");
    CHECK(f.orders.search_parameters(q, at("2026-11-01T10:00:00Z"))[1].second == "2026-11-01T09:57:59Z");
}

TEST_CASE("search_parameters refuses what Amazon would reject") {
    Fixture f;
    const auto now = at("2026-11-01T10:00:00Z");
    asc::SearchQuery q;
    SUBCASE("no window at all") {}
    SUBCASE("both created and updated") {
        q.created_after = now - 48h;
        q.updated_after = now - 24h;
    }
    SUBCASE("created-after with updated-before") {
        q.created_after = now - 48h;
        q.updated_before = now - 24h;
    }
    SUBCASE("page size 0") {
        q.created_after = now - 48h;
        q.page_size = 0;
    }
    SUBCASE("page size 101") {
        q.created_after = now - 48h;
        q.page_size = 101;
    }
    SUBCASE("a window that is empty after the clamp") {
        q.created_after = now - 1min;
        q.created_before = now;
    }
    try {
        static_cast<void>(f.orders.search_parameters(q, now));
        FAIL("expected an error");
    } catch (const asc::Error& e) {
        CHECK(e.kind() == asc::ErrorKind::Usage);
    }
}

TEST_CASE("search without a created-after or updated-after is a Usage error and sends nothing") {
    Fixture f;
    CHECK_THROWS_AS(f.orders.search({}, [](std::vector<asc::Order>&&) { return true; }), asc::Error);
    CHECK(f.http.requests.empty());
}

TEST_CASE("search pages with paginationToken and resends every other parameter unchanged") {
    Fixture f;
    const std::string token = "2YgYW55+IGNhcm5h/bCBwbGVhc3VyZS4=";
    f.http
        .then(
            respond(200, json{{"orders", {fixture_order(0)}}, {"pagination", {{"nextToken", token}}}}.dump()))
        .then(respond(200,
                      json{{"orders", {fixture_order(1)}}, {"pagination", {{"nextToken", "second"}}}}.dump()))
        .then(respond(200, json{{"orders", json::array()}}.dump()));

    asc::SearchQuery q;
    q.created_after = at("2026-10-01T00:00:00Z");
    q.statuses = {asc::Status::Unshipped, asc::Status::PartiallyShipped};
    q.marketplace_ids = {"ATVPDKIKX0DER", "A2EUQ1WTGCTBG2"};
    q.included = {asc::Included::Buyer, asc::Included::Packages};
    std::vector<std::string> ids;
    int pages = 0;
    f.orders.search(q, [&](std::vector<asc::Order>&& page) {
        ++pages;
        for (const auto& o : page) {
            ids.push_back(o.order_id);
        }
        return true;
    });
    CHECK(pages == 3);
    CHECK(ids == std::vector<std::string>{"113-4567890-1234567", "114-0000000-7654321"});
    REQUIRE(f.http.requests.size() == 3);

    const auto first = query_of(f.http.requests[0].url);
    CHECK(path_of(f.http.requests[0].url) == "/orders/2026-01-01/orders");
    CHECK(first == Params{{"createdAfter", "2026-10-01T00%3A00%3A00Z"},
                          {"fulfillmentStatuses", "UNSHIPPED%2CPARTIALLY_SHIPPED"},
                          {"marketplaceIds", "ATVPDKIKX0DER%2CA2EUQ1WTGCTBG2"},
                          {"maxResultsPerPage", "100"},
                          {"includedData", "BUYER%2CPACKAGES%2CFULFILLMENT"}});

    auto second = query_of(f.http.requests[1].url);
    REQUIRE(second.size() == first.size() + 1);
    CHECK(second.back() ==
          std::pair<std::string, std::string>{"paginationToken", "2YgYW55%2BIGNhcm5h%2FbCBwbGVhc3VyZS4%3D"});
    second.pop_back();
    CHECK(second == first);
    CHECK(path_of(f.http.requests[1].url) == path_of(f.http.requests[0].url));

    auto third = query_of(f.http.requests[2].url);
    CHECK(third.back().second == "second");
    third.pop_back();
    CHECK(third == first);
}

TEST_CASE("search stops when the page handler says so") {
    Fixture f;
    f.http.then(
        respond(200, json{{"orders", {fixture_order(0)}}, {"pagination", {{"nextToken", "more"}}}}.dump()));
    asc::SearchQuery q;
    q.updated_after = at("2026-10-01T00:00:00Z");
    int pages = 0;
    f.orders.search(q, [&](std::vector<asc::Order>&&) {
        ++pages;
        return false;
    });
    CHECK(pages == 1);
    CHECK(f.http.requests.size() == 1);
}

TEST_CASE("search: a response without an orders array is a Temporary error naming searchOrders") {
    Fixture f;
    f.http.then(respond(200, R"({"payload":{"Orders":[]}})"));
    asc::SearchQuery q;
    q.updated_after = at("2026-10-01T00:00:00Z");
    try {
        f.orders.search(q, [](std::vector<asc::Order>&&) { return true; });
        FAIL("expected an error");
    } catch (const asc::Error& e) {
        CHECK(e.kind() == asc::ErrorKind::Temporary);
        CHECK(std::string(e.what()) ==
              "Amazon returned an unexpected response for searchOrders: no \"orders\" array");
    }
}

TEST_CASE("search: a pagination token that comes back twice stops the loop") {
    Fixture f;
    f.http.handler = [](const asc::HttpRequest&) {
        return respond(200, json{{"orders", json::array()}, {"pagination", {{"nextToken", "same"}}}}.dump());
    };
    asc::SearchQuery q;
    q.updated_after = at("2026-10-01T00:00:00Z");
    CHECK_THROWS_AS(f.orders.search(q, [](std::vector<asc::Order>&&) { return true; }), asc::Error);
    CHECK(f.http.requests.size() == 2);
}

TEST_CASE("get fetches one order with includedData") {
    Fixture f;
    f.http.then(respond(200, json{{"order", fixture_order(0)}}.dump()));
    const asc::Order o = f.orders.get("113-4567890-1234567", {asc::Included::Packages, asc::Included::Buyer});
    CHECK(o.order_id == "113-4567890-1234567");
    CHECK(o.packages.size() == 1);
    REQUIRE(f.http.requests.size() == 1);
    CHECK(f.http.requests[0].url == "https://sellingpartnerapi-na.amazon.com/orders/2026-01-01/orders/"
                                    "113-4567890-1234567?includedData=PACKAGES%2CBUYER%2CFULFILLMENT");
}

TEST_CASE("get: an unknown order is NotFound naming the order") {
    Fixture f;
    f.http.then(respond(404, R"({"errors":[{"code":"NotFound","message":"Order not found"}]})",
                        {{"x-amzn-requestid", "r-1"}}));
    try {
        f.orders.get("999-9999999-9999999", {});
        FAIL("expected an error");
    } catch (const asc::ApiError& e) {
        CHECK(e.kind() == asc::ErrorKind::NotFound);
        CHECK(std::string(e.what()) == "order 999-9999999-9999999 was not found (request id r-1)");
        CHECK(e.request_id() == "r-1");
        CHECK(e.http_status() == 404);
    }
}

TEST_CASE("get: a response without an order object is a Temporary error naming getOrder") {
    Fixture f;
    f.http.then(respond(200, R"({"orders":[]})"));
    try {
        f.orders.get("113-4567890-1234567", {});
        FAIL("expected an error");
    } catch (const asc::Error& e) {
        CHECK(e.kind() == asc::ErrorKind::Temporary);
        CHECK(std::string(e.what()).find("getOrder") != std::string::npos);
        CHECK(std::string(e.what()).find("\"order\"") != std::string::npos);
    }
}

TEST_SUITE_END();

namespace {

// Records retries with the thread they were reported on.
class ThreadEvents final : public asc::Events {
  public:
    std::vector<std::pair<std::string, std::thread::id>> retries;
    void retrying(std::string_view operation, int /*attempt*/, std::string_view /*why*/,
                  std::chrono::milliseconds /*d*/) override {
        retries.emplace_back(std::string(operation), std::this_thread::get_id());
    }
};

// Four pages p0..p3 (one order each, p3 last) served by token; counts requests in flight at once.
struct ReadAheadFixture {
    FakeClock clock;
    FakeTransport lwa_http;
    FakeTransport http;
    ThreadEvents events;
    asc::LwaAuth auth{
        lwa_http, clock, asc::LwaCredentials{"https://api.amazon.com/auth/o2/token", "c", "s", "r"}, {}};
    asc::RateLimiter limiter{clock, false};
    asc::SpApiClient api{http,
                         auth,
                         limiter,
                         clock,
                         "https://sellingpartnerapi-na.amazon.com",
                         asc::RetryPolicy{3, 1ms, 2ms},
                         events};
    asc::OrdersClient orders{api};
    std::atomic<int> in_flight{0};
    std::atomic<int> most_in_flight{0};
    std::atomic<int> served{0};      // pages answered with 200
    std::atomic<bool> fail_p2_once{false};

    ReadAheadFixture() {
        lwa_http.handler = [](const asc::HttpRequest&) {
            return respond(200, R"({"access_token":"Atza|t","expires_in":3600})");
        };
        http.handler = [this](const asc::HttpRequest& request) {
            const int now = ++in_flight;
            int seen = most_in_flight.load();
            while (now > seen && !most_in_flight.compare_exchange_weak(seen, now)) {
            }
            std::this_thread::sleep_for(2ms); // a request takes a while
            const std::string token = query_of(request.url).back().second;
            int page = 0;
            if (token.size() == 2 && token[0] == 'p') {
                page = token[1] - '0';
            }
            --in_flight;
            if (page == 2 && fail_p2_once.exchange(false)) {
                return respond(503, R"({"errors":[{"code":"ServiceUnavailable","message":"busy"}]})");
            }
            json body{{"orders", {fixture_order(0)}}};
            body["orders"][0]["orderId"] = "113-0000000-000000" + std::to_string(page);
            if (page < 3) {
                body["pagination"] = {{"nextToken", "p" + std::to_string(page + 1)}};
            }
            ++served;
            return respond(200, body.dump());
        };
    }

    static asc::SearchQuery query() {
        asc::SearchQuery q;
        q.updated_after = at("2026-10-01T00:00:00Z");
        q.read_ahead = true;
        return q;
    }
};

} // namespace

TEST_CASE("search with read_ahead asks for the next page while the caller handles this one") {
    ReadAheadFixture f;
    std::vector<std::string> ids;
    bool next_was_asked_during_page = true;
    f.orders.search(ReadAheadFixture::query(), [&](std::vector<asc::Order>&& page) {
        ids.push_back(page.at(0).order_id);
        if (ids.size() < 4) {
            // The next page is requested without waiting for this handler to return.
            const auto deadline = std::chrono::steady_clock::now() + 5s;
            while (f.served.load() < static_cast<int>(ids.size()) + 1 &&
                   std::chrono::steady_clock::now() < deadline) {
                std::this_thread::sleep_for(1ms);
            }
            next_was_asked_during_page = next_was_asked_during_page && f.served.load() == static_cast<int>(ids.size()) + 1;
        }
        return true;
    });
    CHECK(next_was_asked_during_page);
    CHECK(ids == std::vector<std::string>{"113-0000000-0000000", "113-0000000-0000001", "113-0000000-0000002",
                                          "113-0000000-0000003"});
    CHECK(f.http.requests.size() == 4);
    CHECK(f.most_in_flight.load() == 1); // one request at a time: the usage plan's pacing holds
}

TEST_CASE("search with read_ahead reports the read-ahead's retries on the caller's thread") {
    ReadAheadFixture f;
    f.fail_p2_once = true;
    std::size_t pages = 0;
    f.orders.search(ReadAheadFixture::query(), [&](std::vector<asc::Order>&&) {
        ++pages;
        return true;
    });
    CHECK(pages == 4);
    CHECK(f.http.requests.size() == 5);
    REQUIRE(f.events.retries.size() == 1);
    CHECK(f.events.retries[0].first == "searchOrders");
    CHECK(f.events.retries[0].second == std::this_thread::get_id());
}

TEST_CASE("search with read_ahead: a stop drops the page asked ahead, an error surfaces after the page") {
    ReadAheadFixture f;
    SUBCASE("the handler stops after the first page") {
        std::size_t pages = 0;
        f.orders.search(ReadAheadFixture::query(), [&](std::vector<asc::Order>&&) {
            ++pages;
            return false;
        });
        CHECK(pages == 1);
        // At most the one request asked ahead (unless it was dropped before it went out).
        CHECK(f.http.requests.size() <= 2);
    }
    SUBCASE("the page asked ahead fails for good") {
        f.http.handler = [first = true](const asc::HttpRequest&) mutable {
            if (std::exchange(first, false)) {
                return respond(200, json{{"orders", {fixture_order(0)}}, {"pagination", {{"nextToken", "p1"}}}}.dump());
            }
            return respond(400, R"({"errors":[{"code":"InvalidInput","message":"bad token"}]})");
        };
        std::size_t pages = 0;
        CHECK_THROWS_AS(f.orders.search(ReadAheadFixture::query(),
                                        [&](std::vector<asc::Order>&&) {
                                            ++pages;
                                            return true;
                                        }),
                        asc::ApiError);
        CHECK(pages == 1);
    }
}

namespace {

// A clock whose sleeps take real time (at most 2 ms each) and advance it by only that much, so
// a rate-limit wait of minutes really blocks the thread that waits.
class CrawlingClock final : public asc::Clock {
  public:
    std::chrono::steady_clock::time_point now() override {
        const std::lock_guard lock(m_mutex);
        return m_steady;
    }
    std::chrono::system_clock::time_point wall_now() override {
        const std::lock_guard lock(m_mutex);
        return m_wall;
    }
    void sleep_for(std::chrono::nanoseconds d) override {
        const auto step = std::min<std::chrono::nanoseconds>(d, 2ms);
        std::this_thread::sleep_for(step);
        const std::lock_guard lock(m_mutex);
        m_steady += std::chrono::duration_cast<std::chrono::steady_clock::duration>(step);
        m_wall += std::chrono::duration_cast<std::chrono::system_clock::duration>(step);
    }

  private:
    std::mutex m_mutex;
    std::chrono::steady_clock::time_point m_steady{std::chrono::hours(1000)};
    std::chrono::system_clock::time_point m_wall{std::chrono::sys_days{std::chrono::year{2026} / 11 / 1}};
};

} // namespace

TEST_CASE("search with read_ahead: a page asked ahead that waits for its rate-limit token is dropped at once") {
    CrawlingClock clock;
    FakeTransport lwa_http;
    FakeTransport http;
    lwa_http.handler = [](const asc::HttpRequest&) {
        return respond(200, R"({"access_token":"Atza|t","expires_in":3600})");
    };
    std::atomic<int> sent{0};
    http.handler = [&sent](const asc::HttpRequest&) {
        ++sent;
        return respond(200, json{{"orders", json::array()}, {"pagination", {{"nextToken", "t" + std::to_string(sent.load())}}}}.dump());
    };
    asc::LwaAuth auth{lwa_http, clock, asc::LwaCredentials{"https://api.amazon.com/auth/o2/token", "c", "s", "r"}, {}};
    asc::RateLimiter limiter{clock}; // Amazon's plan: searchOrders bursts 20, then one per 180 s
    asc::SpApiClient api{http, auth, limiter, clock, "https://sellingpartnerapi-na.amazon.com", asc::RetryPolicy{}};
    asc::OrdersClient orders{api};

    asc::SearchQuery q;
    q.updated_after = at("2026-10-01T00:00:00Z");
    q.read_ahead = true;
    int pages = 0;
    const auto started = std::chrono::steady_clock::now();
    orders.search(q, [&](std::vector<asc::Order>&&) { return ++pages < 20; });
    CHECK(pages == 20);
    CHECK(sent.load() == 20); // the 21st was still waiting for its token: never sent
    CHECK(std::chrono::steady_clock::now() - started < 10s);
}

TEST_SUITE_BEGIN("core::OrdersClient");

TEST_CASE("guess_next_token reads the next page's token off a body without parsing it") {
    SUBCASE("pagination last, as Amazon and the sim send it") {
        CHECK(asc::guess_next_token(R"({"orders":[],"pagination":{"nextToken":"AQC+/9=="}})") == "AQC+/9==");
    }
    SUBCASE("pagination first, before more than the tail the scan looks at first") {
        const std::string body = R"({"pagination":{"nextToken":"front"},"orders":[{"note":")" +
                                 std::string(4000, 'x') + R"("}]})";
        CHECK(asc::guess_next_token(body) == "front");
    }
    SUBCASE("whitespace around the key and the colon") {
        CHECK(asc::guess_next_token("{ \"orders\" : [ ] ,\n \"pagination\" : { \"nextToken\" :\t\"t2\" } }") == "t2");
    }
    SUBCASE("the last page has none") {
        CHECK(asc::guess_next_token(R"({"orders":[],"pagination":{}})").empty());
        CHECK(asc::guess_next_token(R"({"orders":[]})").empty());
        CHECK(asc::guess_next_token("").empty());
    }
    SUBCASE("a value with an escape is not guessed") {
        CHECK(asc::guess_next_token(R"({"orders":[],"pagination":{"nextToken":"a\/b"}})").empty());
    }
    SUBCASE("the words inside a string are not a key") {
        CHECK(asc::guess_next_token(R"({"orders":[{"note":"\"nextToken\":\"evil\""}]})").empty());
        CHECK(asc::guess_next_token(R"({"orders":[{"note":"see \"nextToken\": \"evil\""}]})").empty());
    }
    SUBCASE("a key that is not followed by a string value") {
        CHECK(asc::guess_next_token(R"({"orders":[],"pagination":{"nextToken":null}})").empty());
        CHECK(asc::guess_next_token(R"({"orders":[],"pagination":{"nextToken":"cut)").empty());
    }
}

TEST_CASE("search with read_ahead: a wrong guess is dropped and the right page asked for") {
    ReadAheadFixture f;
    // Page 0 names p1 in its pagination, but an order after it carries an object with a key
    // "nextToken" too, nearer the end, which is what the scan guesses.
    std::atomic<int> decoys{0};
    f.http.handler = [&](const asc::HttpRequest& request) {
        const auto q = query_of(request.url);
        const std::string token = q.back().first == "paginationToken" ? q.back().second : "";
        if (token == "decoy") {
            ++decoys;
            return respond(400, R"({"errors":[{"code":"InvalidInput","message":"bad token"}]})");
        }
        json order = fixture_order(0);
        if (token.empty()) {
            order["extra"] = {{"nextToken", "decoy"}};
            return respond(200, R"({"pagination":{"nextToken":"p1"},"orders":[)" + order.dump() + "]}");
        }
        order["orderId"] = "113-0000000-0000001";
        return respond(200, json{{"orders", {order}}}.dump());
    };
    std::vector<std::string> ids;
    f.orders.search(ReadAheadFixture::query(), [&](std::vector<asc::Order>&& page) {
        ids.push_back(page.at(0).order_id);
        return true;
    });
    CHECK(ids == std::vector<std::string>{"113-4567890-1234567", "113-0000000-0000001"});
    CHECK(decoys.load() <= 1); // asked at most once, and its 400 went nowhere
    CHECK(query_of(f.http.requests.back().url).back().second == "p1");
}

TEST_CASE("search with read_ahead: a braced body that is not JSON is asked again the careful way") {
    ReadAheadFixture f;
    std::atomic<int> p1_asked{0};
    f.http.handler = [&](const asc::HttpRequest& request) {
        const auto q = query_of(request.url);
        const std::string token = q.back().first == "paginationToken" ? q.back().second : "";
        json order = fixture_order(0);
        if (token == "p1" && ++p1_asked == 1) {
            // Braces at both ends and a token to guess, but not JSON.
            return respond(200, R"({"orders":[{"orderId":"113-0000000-00), "pagination":{"nextToken":"p2"}})");
        }
        json body{{"orders", {order}}};
        body["orders"][0]["orderId"] = "113-0000000-000000" + std::string(token.empty() ? "0" : token.substr(1));
        if (token.empty() || token == "p1") {
            body["pagination"] = {{"nextToken", token.empty() ? "p1" : "p2"}};
        }
        return respond(200, body.dump());
    };
    std::vector<std::string> ids;
    f.orders.search(ReadAheadFixture::query(), [&](std::vector<asc::Order>&& page) {
        ids.push_back(page.at(0).order_id);
        return true;
    });
    CHECK(ids == std::vector<std::string>{"113-0000000-0000000", "113-0000000-0000001", "113-0000000-0000002"});
    CHECK(p1_asked.load() == 2);
}

TEST_SUITE_END();
