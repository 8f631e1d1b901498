// classify_answer: what each answer to an SP-API request means, as a table, without a client,
// a transport or a clock. Every row of the table in sp_api_verdict.hpp is a case here.

#include "asc/amazon/sp_api_verdict.hpp"
#include "fake_transport.hpp"

#include <doctest/doctest.h>

using asc::ErrorKind;
using asc::SpApiVerdict;
using Action = asc::SpApiVerdict::Action;
using asc_test::respond;

namespace {

constexpr const char* k_endpoint = "https://sellingpartnerapi-na.amazon.com";

std::string amazon_error(const std::string& code, const std::string& message) {
    return R"({"errors":[{"code":")" + code + R"(","message":")" + message + R"("}]})";
}

SpApiVerdict verdict(const asc::HttpResponse& response, bool accepted = false, bool refreshed = false) {
    return asc::classify_answer({response, "getOrder", k_endpoint, accepted, refreshed});
}

asc::HttpResponse with_request_id(asc::HttpResponse r, const std::string& id = "req-1") {
    r.headers.emplace_back("x-amzn-requestid", id);
    return r;
}

} // namespace

TEST_SUITE_BEGIN("amazon::classify_answer");

TEST_CASE("a 2xx whose body the reader took is Ok") {
    const auto v = verdict(respond(200, "{}"), true);
    CHECK(v.action == Action::Ok);
}

TEST_CASE("a 2xx whose body is not JSON is retried as malformed, and may have arrived") {
    const auto v = verdict(with_request_id(respond(200, "<html>")), false);
    CHECK(v.action == Action::Retry);
    CHECK(v.malformed);
    CHECK(v.may_have_arrived);
    CHECK(v.status == 200);
    CHECK(v.request_id == "req-1");
    CHECK(v.message == "malformed response (HTTP 200, not JSON)");
}

TEST_CASE("an expired token asks for one refresh, and only once") {
    for (const int status : {401, 403}) {
        CAPTURE(status);
        const auto body = amazon_error("Unauthorized", "The access token has expired");
        CHECK(verdict(respond(status, body)).action == Action::RefreshToken);
        const auto again = verdict(respond(status, body), false, /*refreshed=*/true);
        CHECK(again.action == Action::Fail);
        CHECK(again.kind == ErrorKind::Auth);
    }
}

TEST_CASE("statuses retrying cannot change fail with their kind, code and request id") {
    struct Row {
        int status;
        ErrorKind kind;
        const char* message_part;
        bool has_hint;
    };
    const Row rows[] = {
        {400, ErrorKind::Usage, "getOrder was rejected by Amazon: InvalidInput: bad (request id req-1)", false},
        {401, ErrorKind::Auth, "getOrder was refused by Amazon (HTTP 401)", true},
        {403, ErrorKind::Auth, "getOrder was refused by Amazon (HTTP 403)", true},
        {404, ErrorKind::NotFound, "getOrder: not found: InvalidInput: bad", false},
        {301, ErrorKind::Config, "answered HTTP 301 (a redirect)", true},
        {302, ErrorKind::Config, "answered HTTP 302 (a redirect)", true},
        {303, ErrorKind::Config, "answered HTTP 303 (a redirect)", true},
        {307, ErrorKind::Config, "answered HTTP 307 (a redirect)", true},
        {308, ErrorKind::Config, "answered HTTP 308 (a redirect)", true},
        {409, ErrorKind::Internal, "getOrder failed with HTTP 409", false},
        {501, ErrorKind::Internal, "getOrder failed with HTTP 501", false},
    };
    for (const auto& row : rows) {
        CAPTURE(row.status);
        const auto v = verdict(with_request_id(respond(row.status, amazon_error("InvalidInput", "bad"))));
        CHECK(v.action == Action::Fail);
        CHECK(v.kind == row.kind);
        CHECK(v.message.find(row.message_part) != std::string::npos);
        CHECK(v.hint.empty() == !row.has_hint);
        CHECK(v.status == row.status);
        CHECK(v.code == "InvalidInput");
        CHECK(v.request_id == "req-1");
        const asc::ApiError e = v.error();
        CHECK(e.kind() == row.kind);
        CHECK(e.http_status() == row.status);
        CHECK(e.request_id() == "req-1");
    }
}

TEST_CASE("429 is retried after Retry-After, throttled, and surely not acted on") {
    auto r = with_request_id(respond(429, amazon_error("QuotaExceeded", "slow down")));
    r.headers.emplace_back("retry-after", "7");
    const auto v = verdict(r);
    CHECK(v.action == Action::Retry);
    CHECK(v.throttled);
    CHECK_FALSE(v.may_have_arrived);
    CHECK(v.retry_after == std::chrono::seconds(7));
    CHECK(v.message == "HTTP 429 QuotaExceeded: slow down");
    CHECK(v.code == "QuotaExceeded");
}

TEST_CASE("a Retry-After over a minute is capped; a date or garbage is ignored") {
    auto r = respond(503);
    r.headers.emplace_back("retry-after", "3600");
    CHECK(verdict(r).retry_after == std::chrono::seconds(60));
    auto dated = respond(503);
    dated.headers.emplace_back("retry-after", "Wed, 21 Oct 2026 07:28:00 GMT");
    CHECK(verdict(dated).retry_after == std::chrono::milliseconds::zero());
}

TEST_CASE("5xx is retried and may have arrived") {
    for (const int status : {500, 502, 503, 504}) {
        CAPTURE(status);
        const auto v = verdict(respond(status));
        CHECK(v.action == Action::Retry);
        CHECK(v.may_have_arrived);
        CHECK_FALSE(v.throttled);
        CHECK(v.message == "HTTP " + std::to_string(status));
    }
}

TEST_CASE("transport failures: a refused connection surely did not arrive; TLS is not retried") {
    const auto connect = verdict(asc_test::transport_error(asc::TransportError::Connect));
    CHECK(connect.action == Action::Retry);
    CHECK_FALSE(connect.may_have_arrived);
    CHECK(connect.status == 0);
    for (const auto e : {asc::TransportError::Timeout, asc::TransportError::Dropped}) {
        const auto v = verdict(asc_test::transport_error(e));
        CHECK(v.action == Action::Retry);
        CHECK(v.may_have_arrived);
    }
    const auto tls = verdict(asc_test::transport_error(asc::TransportError::Tls));
    CHECK(tls.action == Action::Fail);
    CHECK(tls.kind == ErrorKind::Temporary);
    CHECK(tls.message.starts_with("getOrder failed: "));
    CHECK(tls.hint.find("CA certificates") != std::string::npos);
}

TEST_SUITE_END();
