// Answers that are wrong in ways Amazon's never should be: each gets a message about what happened
// and the exit code that fits, not a misleading hint about the user's configuration.

#include "asc/amazon/ack_feed.hpp"
#include "asc/amazon/feeds_client.hpp"
#include "asc/amazon/lwa.hpp"
#include "asc/amazon/rate_limit.hpp"
#include "asc/amazon/sp_api.hpp"
#include "asc/base/errors.hpp"
#include "fake_clock.hpp"
#include "fake_transport.hpp"

#include <doctest/doctest.h>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>

using namespace std::chrono_literals;
using asc_test::FakeClock;
using asc_test::FakeTransport;
using asc_test::respond;

namespace {

constexpr const char* k_endpoint = "https://sellingpartnerapi-na.amazon.com";
constexpr const char* k_lwa = "https://api.amazon.com/auth/o2/token";
constexpr const char* k_presigned = "https://tortuga-prod-na.s3-external-1.amazonaws.com/doc?X-Amz-Signature=abc";

struct Harness {
    FakeClock clock;
    FakeTransport sp_transport;
    FakeTransport raw;
    asc::RateLimiter limiter{clock, false};
    asc::LwaAuth auth{sp_transport, clock, asc::LwaCredentials{k_lwa, "client", "secret", "Atzr|refresh"}, {}};
    asc::SpApiClient api{sp_transport, auth, limiter, clock, k_endpoint,
                         asc::RetryPolicy{1, std::chrono::milliseconds{1}, std::chrono::milliseconds{1}}};
    asc::FeedsClient feeds{api, raw, clock};
    std::function<asc::HttpResponse(const asc::HttpRequest&)> sp_api;

    Harness() {
        sp_transport.handler = [this](const asc::HttpRequest& r) {
            if (r.url == k_lwa) {
                return respond(200, R"({"access_token":"Atza|token","token_type":"bearer","expires_in":3600})");
            }
            return sp_api(r);
        };
    }
};

// Runs `f`, which must throw asc::Error; returns it.
asc::Error error_of(const std::function<void()>& f) {
    try {
        f();
    } catch (const asc::Error& e) {
        return e;
    }
    FAIL("no error was thrown");
    return {asc::ErrorKind::Internal, "unreachable"};
}

bool has(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

} // namespace

TEST_SUITE_BEGIN("core::hostile answers");

TEST_CASE("a non-URL in createFeedDocument's answer is Amazon's answer being wrong, not the config") {
    for (const char* url : {"not a url", "ftp://x/y", "http://203.0.113.5/upload", ""}) {
        CAPTURE(url);
        Harness h;
        h.sp_api = [url](const asc::HttpRequest&) {
            return respond(201, nlohmann::json{{"feedDocumentId", "doc1"}, {"url", url}}.dump());
        };
        const asc::Error e = error_of([&] { (void)h.feeds.create_feed_document("text/xml; charset=UTF-8"); });
        CHECK(e.kind() == asc::ErrorKind::Temporary);
        CHECK(has(e.what(), "Amazon's createFeedDocument answer could not be read"));
        CHECK_FALSE(has(e.hint(), "endpoints must start"));
        CHECK(h.raw.requests.empty()); // nothing uploaded
    }
}

TEST_CASE("an https URL and the simulator's loopback http URL are fine") {
    for (const std::string& url : {std::string(k_presigned), std::string("http://127.0.0.1:4000/_upload/doc1?sig=x")}) {
        Harness h;
        h.sp_api = [url](const asc::HttpRequest&) {
            return respond(201, nlohmann::json{{"feedDocumentId", "doc1"}, {"url", url}}.dump());
        };
        CHECK(h.feeds.create_feed_document("text/xml; charset=UTF-8").url == url);
    }
}

TEST_CASE("S3 403 on upload or download is temporary, with the presigned-link and clock hint") {
    Harness h;
    h.raw.handler = [](const asc::HttpRequest&) {
        return respond(403, "<Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>");
    };
    const asc::Error up = error_of([&] { h.feeds.upload({"doc1", k_presigned}, asc::k_ack_content_type, "<x/>"); });
    CHECK(up.kind() == asc::ErrorKind::Temporary);
    CHECK(has(up.what(), "HTTP 403 AccessDenied"));
    CHECK(has(up.hint(), "presigned link"));
    CHECK(has(up.hint(), "clock"));
    const asc::Error down = error_of([&] { (void)h.feeds.download({"doc2", k_presigned, ""}); });
    CHECK(down.kind() == asc::ErrorKind::Temporary);
    CHECK(has(down.hint(), "clock"));
}

TEST_CASE("an upload acknowledged but not stored: createFeed's 400 says so, and nothing was sent") {
    Harness h;
    h.sp_api = [](const asc::HttpRequest&) {
        return respond(400, R"({"errors":[{"code":"InvalidInput","message":"The feed document doc1 has not been uploaded."}]})");
    };
    try {
        (void)h.feeds.create_feed("POST_ORDER_ACKNOWLEDGEMENT_DATA", {"ATVPDKIKX0DER"}, "doc1");
        FAIL("no error");
    } catch (const asc::ApiError& e) {
        CHECK(e.kind() == asc::ErrorKind::Temporary);
        CHECK(has(e.what(), "the upload of feed document doc1 was acknowledged, but Amazon does not have it"));
        CHECK(has(e.what(), "nothing was sent"));
        CHECK(e.http_status() == 400); // still a 400: the cancel service knows Amazon created no feed
    }
}

TEST_CASE("another createFeed 400 stays a usage error") {
    Harness h;
    h.sp_api = [](const asc::HttpRequest&) {
        return respond(400, R"({"errors":[{"code":"InvalidInput","message":"Invalid marketplace."}]})");
    };
    const asc::Error e = error_of([&] { (void)h.feeds.create_feed("POST_ORDER_ACKNOWLEDGEMENT_DATA", {"X"}, "doc1"); });
    CHECK(e.kind() == asc::ErrorKind::Usage);
}

TEST_CASE("a redirect from the LWA endpoint means a wrong endpoint URL, not wrong credentials") {
    FakeClock clock;
    FakeTransport http;
    http.then(respond(301, "", {{"location", "https://www.amazon.com/ap/signin?secret=leak"}}));
    asc::LwaAuth auth(http, clock, {"https://user:pw@api.amazon.com/auth/o2/tokn", "client", "secret", "Atzr|r"}, {});
    const asc::Error e = error_of([&] { (void)auth.access_token(); });
    CHECK(e.kind() == asc::ErrorKind::Config);
    CHECK(has(e.what(), "answered HTTP 301 (a redirect to https://www.amazon.com/ap/signin?secret=***)"));
    CHECK(has(e.what(), "https://user:***@api.amazon.com/auth/o2/tokn"));
    CHECK_FALSE(has(e.what(), "pw@"));
    CHECK_FALSE(has(e.hint(), "client_id"));
    CHECK(has(e.hint(), "lwa_endpoint"));
    CHECK(http.requests.size() == 1); // a redirect is not retried
}

TEST_CASE("a redirect from the SP-API endpoint is a configuration error") {
    Harness h;
    h.sp_api = [](const asc::HttpRequest&) { return respond(302, "", {{"location", "https://elsewhere.example/"}}); };
    asc::ApiCall call;
    call.operation = "getOrder";
    call.path = "/orders/2026-01-01/orders/111-1111111-1111111";
    const asc::Error e = error_of([&] { (void)h.api.call(call); });
    CHECK(e.kind() == asc::ErrorKind::Config);
    CHECK(has(e.what(), "answered HTTP 302 (a redirect)"));
}

TEST_CASE("token_lifetime keeps a token no longer than Amazon's hour") {
    CHECK(asc::token_lifetime(3600) == 3600s);
    CHECK(asc::token_lifetime(60) == 60s);
    CHECK(asc::token_lifetime(std::int64_t{9'000'000'000'000'000'000}) == 3600s);
    CHECK_FALSE(asc::token_lifetime(0).has_value());
    CHECK_FALSE(asc::token_lifetime(-5).has_value());
}

TEST_CASE("an SP-API answer is capped per call") {
    Harness h;
    h.sp_api = [](const asc::HttpRequest& r) {
        CHECK(r.max_response_bytes == asc::k_max_api_answer);
        return respond(200, "{}");
    };
    asc::ApiCall call;
    call.operation = "getOrder";
    call.path = "/x";
    (void)h.api.call(call);
    h.raw.handler = [](const asc::HttpRequest& r) {
        CHECK(r.max_response_bytes == asc::k_max_report_bytes);
        return respond(200, "<x/>");
    };
    CHECK(h.feeds.download({"doc2", k_presigned, ""}) == "<x/>");
}

TEST_SUITE_END();
