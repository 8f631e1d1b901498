// SpApiClient: headers, pacing, retries, the one token refresh, and Amazon's errors as types.

#include "asc/amazon/sp_api.hpp"
#include "asc/base/errors.hpp"
#include "asc/base/interrupt.hpp"
#include "fake_clock.hpp"
#include "fake_transport.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

using namespace std::chrono_literals;
using asc_test::FakeClock;
using asc_test::FakeTransport;
using asc_test::respond;

namespace {

constexpr const char* k_endpoint = "https://sellingpartnerapi-na.amazon.com";

class RecordingEvents final : public asc::Events {
  public:
    struct Retry {
        std::string operation;
        int attempt;
        std::string why;
        std::chrono::milliseconds delay;
    };
    std::vector<Retry> retries;
    std::vector<std::chrono::milliseconds> rate_waits;

    void waiting_for_rate_limit(std::string_view /*operation*/, std::chrono::milliseconds d) override {
        rate_waits.push_back(d);
    }
    void retrying(std::string_view operation, int attempt, std::string_view why,
                  std::chrono::milliseconds d) override {
        retries.push_back({std::string(operation), attempt, std::string(why), d});
    }
};

// An SP-API client on fakes. LWA hands out "Atza|token-1", "Atza|token-2", ...
struct Fixture {
    FakeClock clock;
    FakeTransport lwa_http;
    FakeTransport http;
    RecordingEvents events;
    asc::LwaAuth auth{
        lwa_http,
        clock,
        asc::LwaCredentials{"https://api.amazon.com/auth/o2/token", "client", "SECRET", "Atzr|R"},
        {}};
    asc::RateLimiter limiter{clock};
    asc::SpApiClient api{http, auth, limiter, clock, k_endpoint, asc::RetryPolicy{5, 500ms, 20s}, events};
    int tokens_issued = 0;

    Fixture() {
        lwa_http.handler = [this](const asc::HttpRequest&) {
            ++tokens_issued;
            return respond(200,
                           nlohmann::json{{"access_token", "Atza|token-" + std::to_string(tokens_issued)},
                                          {"expires_in", 3600}}
                               .dump());
        };
    }

    static asc::ApiCall get_order() {
        return {"getOrder",
                "GET",
                "/orders/2026-01-01/orders/123-1234567-1234567",
                {{"includedData", "FULFILLMENT"}},
                ""};
    }
};

std::string amazon_error(const std::string& code, const std::string& message,
                         const std::string& details = {}) {
    nlohmann::json e{{"code", code}, {"message", message}};
    if (!details.empty()) {
        e["details"] = details;
    }
    return nlohmann::json{{"errors", {e}}}.dump();
}

asc::Headers request_id(const std::string& id) {
    return {{"x-amzn-requestid", id}};
}

} // namespace

TEST_SUITE_BEGIN("core::SpApiClient");

TEST_CASE("SP-API: a call sends the access token and JSON headers and encodes the query once") {
    Fixture f;
    f.http.then(respond(200, R"({"orders":[]})"));
    asc::ApiCall call{"searchOrders",
                      "GET",
                      "/orders/2026-01-01/orders",
                      {{"createdAfter", "2026-11-01T00:00:00Z"},
                       {"fulfillmentStatuses", "UNSHIPPED,PARTIALLY_SHIPPED"},
                       {"paginationToken", "ab+c/d=="}},
                      ""};
    const auto response = f.api.call(call);
    CHECK(response.status == 200);
    REQUIRE(f.http.requests.size() == 1);
    const auto& r = f.http.requests[0];
    CHECK(r.method == "GET");
    CHECK(r.url == "https://sellingpartnerapi-na.amazon.com/orders/2026-01-01/orders"
                   "?createdAfter=2026-11-01T00%3A00%3A00Z&fulfillmentStatuses=UNSHIPPED%2CPARTIALLY_SHIPPED"
                   "&paginationToken=ab%2Bc%2Fd%3D%3D");
    CHECK(FakeTransport::header(r, "x-amz-access-token") == "Atza|token-1");
    CHECK(FakeTransport::header(r, "accept") == "application/json");
    CHECK(FakeTransport::header(r, "x-amz-date") == "20261101T100000Z");
    CHECK(FakeTransport::header(r, "content-type").empty());
    CHECK(FakeTransport::header(r, "authorization").empty());
    CHECK(r.body.empty());
}

TEST_CASE("SP-API: a POST body goes out as JSON") {
    Fixture f;
    f.http.then(respond(201, R"({"feedDocumentId":"d1","url":"https://s3/x"})"));
    const auto response = f.api.call(
        {"createFeedDocument", "POST", "/feeds/2021-06-30/documents", {}, R"({"contentType":"text/xml"})"});
    CHECK(response.status == 201);
    const auto& r = f.http.requests.at(0);
    CHECK(r.method == "POST");
    CHECK(r.url == "https://sellingpartnerapi-na.amazon.com/feeds/2021-06-30/documents");
    CHECK(FakeTransport::header(r, "content-type") == "application/json");
    CHECK(r.body == R"({"contentType":"text/xml"})");
}

TEST_CASE("SP-API: an endpoint with a trailing slash does not double it") {
    FakeClock clock;
    FakeTransport lwa;
    FakeTransport http;
    lwa.then(respond(200, R"({"access_token":"Atza|t","expires_in":3600})"));
    http.then(respond(204));
    asc::LwaAuth auth(lwa, clock, {"https://api.amazon.com/auth/o2/token", "c", "s", "r"}, {});
    asc::RateLimiter limiter(clock);
    asc::SpApiClient api(http, auth, limiter, clock, "http://127.0.0.1:8080/", {});
    CHECK(
        api.call({"confirmShipment", "POST", "/orders/v0/orders/1/shipmentConfirmation", {}, "{}"}).status ==
        204);
    CHECK(http.requests.at(0).url == "http://127.0.0.1:8080/orders/v0/orders/1/shipmentConfirmation");
}

TEST_CASE("SP-API: 429, 5xx, timeouts and dropped connections are retried, then success") {
    Fixture f;
    asc::HttpResponse failure;
    std::string reason;
    SUBCASE("429") {
        failure = respond(429, amazon_error("QuotaExceeded", "You exceeded your quota"));
        reason = "429";
    }
    SUBCASE("500") {
        failure = respond(500, amazon_error("InternalFailure", "oops"));
        reason = "500";
    }
    SUBCASE("502") {
        failure = respond(502, "<html>Bad Gateway</html>");
        reason = "502";
    }
    SUBCASE("503") {
        failure = respond(503, amazon_error("ServiceUnavailable", "busy"));
        reason = "503";
    }
    SUBCASE("504") {
        failure = respond(504, "");
        reason = "504";
    }
    SUBCASE("timeout") {
        failure = asc_test::transport_error(asc::TransportError::Timeout);
        reason = "timed out";
    }
    SUBCASE("dropped") {
        failure = asc_test::transport_error(asc::TransportError::Dropped);
        reason = "dropped";
    }
    SUBCASE("connect") {
        failure = asc_test::transport_error(asc::TransportError::Connect);
        reason = "connect";
    }
    SUBCASE("malformed") {
        failure = respond(200, "<html>not json");
        reason = "malformed";
    }
    CAPTURE(reason);

    f.http.then(failure).then(failure).then(respond(200, R"({"order":{}})"));
    const auto response = f.api.call(Fixture::get_order());
    CHECK(response.status == 200);
    CHECK(f.http.requests.size() == 3);
    REQUIRE(f.events.retries.size() == 2);
    CHECK(f.events.retries[0].operation == "getOrder");
    CHECK(f.events.retries[0].attempt == 1);
    CHECK(f.events.retries[1].attempt == 2);
    CHECK(f.events.retries[0].why.find(reason) != std::string::npos);
    // Full jitter: attempt n waits at most min(cap, base * 2^(n-1)).
    CHECK(f.events.retries[0].delay <= 500ms);
    CHECK(f.events.retries[1].delay <= 1000ms);
    CHECK(f.lwa_http.requests.size() == 1); // one token serves every attempt
}

TEST_CASE("SP-API: a call that must not be sent twice is retried only when Amazon surely did not act") {
    Fixture f;
    asc::ApiCall create = {"createFeed", "POST", "/feeds/2021-06-30/feeds", {}, R"({"feedType":"X"})"};
    create.idempotent = false;

    SUBCASE("a 429 or a refused connection is retried") {
        f.http.then(respond(429, amazon_error("QuotaExceeded", "slow down")))
            .then(asc_test::transport_error(asc::TransportError::Connect))
            .then(respond(202, R"({"feedId":"42"})"));
        CHECK(f.api.call(create).status == 202);
        CHECK(f.http.requests.size() == 3);
    }
    SUBCASE("a timeout, a dropped connection or a 5xx is not sent again") {
        asc::HttpResponse failure;
        SUBCASE("timeout") { failure = asc_test::transport_error(asc::TransportError::Timeout); }
        SUBCASE("dropped") { failure = asc_test::transport_error(asc::TransportError::Dropped); }
        SUBCASE("503") { failure = respond(503, amazon_error("ServiceUnavailable", "busy")); }
        f.http.then(failure).then(respond(202, R"({"feedId":"42"})"));
        try {
            f.api.call(create);
            FAIL("expected an error");
        } catch (const asc::ApiError& e) {
            CHECK(e.kind() == asc::ErrorKind::Temporary);
            CHECK(std::string(e.what()).find("createFeed may or may not have reached Amazon") != std::string::npos);
        }
        CHECK(f.http.requests.size() == 1);
    }
}

TEST_CASE("SP-API: retries give up after max_attempts with a Temporary error naming the operation") {
    Fixture f;
    f.http.handler = [](const asc::HttpRequest&) {
        return respond(503, amazon_error("ServiceUnavailable", "Service temporarily unavailable"),
                       request_id("rid-503"));
    };
    try {
        f.api.call(Fixture::get_order());
        FAIL("expected an error");
    } catch (const asc::ApiError& e) {
        CHECK(e.kind() == asc::ErrorKind::Temporary);
        const std::string what = e.what();
        CHECK(what.starts_with("getOrder failed after 5 attempts: "));
        CHECK(what.find("503") != std::string::npos);
        CHECK(what.find("ServiceUnavailable") != std::string::npos);
        CHECK(what.find("rid-503") != std::string::npos);
        CHECK(e.http_status() == 503);
        CHECK(e.code() == "ServiceUnavailable");
        CHECK(e.request_id() == "rid-503");
        CHECK(what.find("Atza|") == std::string::npos);
    }
    CHECK(f.http.requests.size() == 5);
    CHECK(f.events.retries.size() == 4);
    for (std::size_t i = 0; i < f.events.retries.size(); ++i) {
        const auto ceiling = std::min<std::chrono::milliseconds>(20s, 500ms * (1 << i));
        CHECK(f.events.retries[i].delay <= ceiling);
    }
}

TEST_CASE("SP-API: a body that is never JSON ends as 'malformed response'") {
    Fixture f;
    f.http.handler = [](const asc::HttpRequest&) { return respond(200, "{\"order\": tru"); };
    try {
        f.api.call(Fixture::get_order());
        FAIL("expected an error");
    } catch (const asc::ApiError& e) {
        CHECK(e.kind() == asc::ErrorKind::Temporary);
        CHECK(std::string(e.what()).starts_with("Amazon returned a malformed response for getOrder"));
    }
    CHECK(f.http.requests.size() == 5);
}

TEST_CASE("SP-API: 400 is a Usage error carrying Amazon's code, message and request id") {
    Fixture f;
    f.http.then(respond(400, amazon_error("InvalidInput", "Invalid Input"), request_id("b1c9-4f")));
    try {
        f.api.call(Fixture::get_order());
        FAIL("expected an error");
    } catch (const asc::ApiError& e) {
        CHECK(e.kind() == asc::ErrorKind::Usage);
        CHECK(std::string(e.what()) ==
              "getOrder was rejected by Amazon: InvalidInput: Invalid Input (request id b1c9-4f)");
        CHECK(e.http_status() == 400);
        CHECK(e.code() == "InvalidInput");
        CHECK(e.request_id() == "b1c9-4f");
    }
    CHECK(f.http.requests.size() == 1); // not retried
}

TEST_CASE("SP-API: 404 is NotFound") {
    Fixture f;
    f.http.then(respond(404, amazon_error("NotFound", "Order not found"), request_id("r404")));
    try {
        f.api.call(Fixture::get_order());
        FAIL("expected an error");
    } catch (const asc::ApiError& e) {
        CHECK(e.kind() == asc::ErrorKind::NotFound);
        CHECK(e.http_status() == 404);
        CHECK(e.request_id() == "r404");
        CHECK(std::string(e.what()).find("Order not found") != std::string::npos);
    }
}

TEST_CASE("SP-API: 401 and 403 are Auth errors with a hint about roles, seller and region") {
    for (const int status : {401, 403}) {
        CAPTURE(status);
        Fixture f;
        f.http.then(respond(status, amazon_error("Unauthorized", "Access to requested resource is denied.")));
        try {
            f.api.call(Fixture::get_order());
            FAIL("expected an error");
        } catch (const asc::ApiError& e) {
            CHECK(e.kind() == asc::ErrorKind::Auth);
            CHECK(e.http_status() == status);
            CHECK(e.hint().find("roles") != std::string::npos);
            CHECK(e.hint().find("region") != std::string::npos);
            CHECK(std::string(e.what()).find("Access to requested resource is denied.") != std::string::npos);
            CHECK(std::string(e.what()).find("Atza|") == std::string::npos);
        }
        CHECK(f.http.requests.size() == 1);
        CHECK(f.lwa_http.requests.size() == 1);
    }
}

TEST_CASE("SP-API: an expired-token 403 refreshes the token exactly once and retries") {
    Fixture f;
    SUBCASE("then succeeds") {
        f.http
            .then(respond(403, amazon_error("Unauthorized", "Access to requested resource is denied.",
                                            "The access token you provided has expired.")))
            .then(respond(200, "{}"));
        CHECK(f.api.call(Fixture::get_order()).status == 200);
        CHECK(f.lwa_http.requests.size() == 2);
        REQUIRE(f.http.requests.size() == 2);
        CHECK(FakeTransport::header(f.http.requests[0], "x-amz-access-token") == "Atza|token-1");
        CHECK(FakeTransport::header(f.http.requests[1], "x-amz-access-token") == "Atza|token-2");
        CHECK(f.events.retries.empty()); // not a retry: no backoff
    }
    SUBCASE("expired again is an Auth error, no second refresh") {
        f.http.handler = [](const asc::HttpRequest&) {
            return respond(403, amazon_error("Unauthorized", "The access token has expired"));
        };
        try {
            f.api.call(Fixture::get_order());
            FAIL("expected an error");
        } catch (const asc::ApiError& e) {
            CHECK(e.kind() == asc::ErrorKind::Auth);
        }
        CHECK(f.lwa_http.requests.size() == 2);
        CHECK(f.http.requests.size() == 2);
    }
    SUBCASE("the refresh does not use up a retry attempt") {
        f.http.then(respond(403, amazon_error("Unauthorized", "Token expired")));
        f.http.handler = [](const asc::HttpRequest&) { return respond(503, "busy"); };
        CHECK_THROWS_AS(f.api.call(Fixture::get_order()), asc::ApiError);
        CHECK(f.http.requests.size() == 6); // the refreshed attempt plus 5 counted ones
    }
}

TEST_CASE("SP-API: other statuses are Internal errors and are not retried") {
    Fixture f;
    f.http.then(respond(413, amazon_error("RequestTooLarge", "too big")));
    try {
        f.api.call(Fixture::get_order());
        FAIL("expected an error");
    } catch (const asc::ApiError& e) {
        CHECK(e.kind() == asc::ErrorKind::Internal);
        CHECK(std::string(e.what()).find("HTTP 413") != std::string::npos);
    }
    CHECK(f.http.requests.size() == 1);
}

TEST_CASE("SP-API: a TLS failure is not retried") {
    Fixture f;
    f.http.then(asc_test::transport_error(asc::TransportError::Tls, "certificate verify failed"));
    try {
        f.api.call(Fixture::get_order());
        FAIL("expected an error");
    } catch (const asc::Error& e) {
        CHECK(e.kind() == asc::ErrorKind::Temporary);
        CHECK(std::string(e.what()).find("certificate verify failed") != std::string::npos);
    }
    CHECK(f.http.requests.size() == 1);
}

TEST_CASE("SP-API: calls wait for the operation's rate-limit token") {
    Fixture f;
    f.http.handler = [](const asc::HttpRequest&) { return respond(200, "{}"); };
    for (int i = 0; i < 30; ++i) {
        f.api.call(Fixture::get_order());
    }
    CHECK(f.clock.sleeps.empty());
    f.api.call(Fixture::get_order());
    REQUIRE(f.clock.sleeps.size() == 1);
    CHECK(f.clock.sleeps[0] == 2s);
    REQUIRE(f.events.rate_waits.size() == 1);
    CHECK(f.events.rate_waits[0] == 2000ms);
}

TEST_CASE("SP-API: x-amzn-RateLimit-Limit from a response paces the next calls") {
    Fixture f;
    f.http.handler = [](const asc::HttpRequest&) {
        return respond(200, "{}", {{"x-amzn-ratelimit-limit", "0.1"}});
    };
    for (int i = 0; i < 31; ++i) {
        f.api.call(Fixture::get_order());
    }
    REQUIRE(f.clock.sleeps.size() == 1);
    CHECK(f.clock.sleeps[0] == 10s);
}

TEST_CASE("SP-API: a 429 empties the bucket and Retry-After is honored") {
    Fixture f;
    f.http
        .then(respond(429, amazon_error("QuotaExceeded", "You exceeded your quota"), {{"retry-after", "7"}}))
        .then(respond(200, "{}"));
    CHECK(f.api.call(Fixture::get_order()).status == 200);
    REQUIRE(f.events.retries.size() == 1);
    CHECK(f.events.retries[0].delay == 7s);
    // After the 7 s pause the drained bucket (0.5/s) holds 3.5 tokens: the retry went at once.
    REQUIRE(f.clock.sleeps.size() == 1);
    CHECK(f.clock.sleeps[0] == 7s);
}

TEST_CASE("SP-API: a 429 without Retry-After waits for the drained bucket to refill") {
    Fixture f;
    f.http.then(respond(429, amazon_error("QuotaExceeded", "quota")));
    f.http.then(respond(200, "{}"));
    // A searchOrders bucket refills one token per ~178.6 s: after a 429 the client waits for it.
    CHECK(f.api.call({"searchOrders", "GET", "/orders/2026-01-01/orders", {}, ""}).status == 200);
    CHECK(f.clock.total_slept() > 178s);
    CHECK(f.events.rate_waits.size() == 1);
}

TEST_CASE("SP-API: an interrupt stops the call") {
    Fixture f;
    f.http.handler = [](const asc::HttpRequest&) { return respond(503, "busy"); };
    asc::set_interrupted();
    try {
        f.api.call(Fixture::get_order());
        FAIL("expected an error");
    } catch (const asc::Error& e) {
        CHECK(e.kind() == asc::ErrorKind::Interrupted);
    }
    asc::clear_interrupted();
    CHECK(f.http.requests.empty());
}

TEST_CASE("SP-API: the time a call spends before it leaves (its journal write) earns no rate-limit tokens") {
    // confirmShipment: 2 requests a second, burst 10. Every other request's journal write takes
    // 400 ms between its token and its sending; counted from the tokens, the request after it
    // would leave 100 ms after it and arrive faster than Amazon's bucket refills (a 429).
    Fixture f;
    f.http.handler = [](const asc::HttpRequest&) { return respond(204, ""); };
    std::vector<std::chrono::steady_clock::time_point> sent;
    asc::ApiCall confirm = {"confirmShipment", "POST", "/orders/v0/orders/123-1234567-1234567/shipmentConfirmation", {}, "{}"};
    confirm.idempotent = false;
    confirm.before_send = [&f, &sent] {
        if (sent.size() % 2 == 0) {
            f.clock.sleep_for(400ms);
        }
        sent.push_back(f.clock.now());
    };
    for (int i = 0; i < 14; ++i) {
        f.api.call(confirm);
    }
    REQUIRE(sent.size() == 14);
    // Past the burst, requests leave at least 500 ms apart (the usage plan's spacing).
    for (std::size_t i = 11; i < sent.size(); ++i) {
        CAPTURE(i);
        CHECK(sent[i] - sent[i - 1] >= 500ms);
    }
}

TEST_SUITE_END();
