// The Reports API 2021-06-30 client: request shapes, Report parsing, and the streamed download.

#include "asc/amazon/lwa.hpp"
#include "asc/amazon/rate_limit.hpp"
#include "asc/amazon/reports_client.hpp"
#include "asc/base/errors.hpp"
#include "asc/base/time.hpp"
#include "fake_clock.hpp"
#include "fake_transport.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>
#include <string>
#include <zlib.h>

using nlohmann::json;

namespace {

using asc_test::FakeClock;
using asc_test::FakeTransport;
using asc_test::respond;

constexpr const char* k_endpoint = "https://sellingpartnerapi-na.amazon.com";
constexpr const char* k_lwa = "https://api.amazon.com/auth/o2/token";
constexpr const char* k_presigned = "https://tortuga-prod-na.s3-external-1.amazonaws.com/r?X-Amz-Signature=abc";

std::string gzip(std::string_view data) {
    z_stream s{};
    REQUIRE(deflateInit2(&s, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) == Z_OK);
    std::string out(deflateBound(&s, static_cast<uLong>(data.size())), '\0');
    s.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data())); // NOLINT
    s.avail_in = static_cast<uInt>(data.size());
    s.next_out = reinterpret_cast<Bytef*>(out.data()); // NOLINT
    s.avail_out = static_cast<uInt>(out.size());
    REQUIRE(deflate(&s, Z_FINISH) == Z_STREAM_END);
    out.resize(s.total_out);
    deflateEnd(&s);
    return out;
}

struct Harness {
    FakeClock clock;
    FakeTransport sp_transport;
    FakeTransport raw;
    asc::RateLimiter limiter{clock, false};
    asc::LwaAuth auth{sp_transport, clock, asc::LwaCredentials{k_lwa, "client", "secret", "Atzr|refresh"}, {}};
    asc::SpApiClient api{sp_transport, auth, limiter, clock, k_endpoint,
                         asc::RetryPolicy{1, std::chrono::milliseconds{1}, std::chrono::milliseconds{1}}};
    asc::ReportsClient reports{api, raw};
    std::function<asc::HttpResponse(const asc::HttpRequest&)> sp_api;
    std::vector<asc::HttpRequest> sp_calls;

    Harness() {
        sp_transport.handler = [this](const asc::HttpRequest& r) {
            if (r.url == k_lwa) {
                return respond(200, R"({"access_token":"Atza|token","token_type":"bearer","expires_in":3600})");
            }
            sp_calls.push_back(r);
            return sp_api(r);
        };
    }
};

} // namespace

TEST_SUITE_BEGIN("core::reports_client");

TEST_CASE("createReport asks for the order report of one window and returns its id") {
    Harness h;
    h.sp_api = [](const asc::HttpRequest&) { return respond(202, R"({"reportId":"53104019000"})"); };
    const auto id = h.reports.create_report(asc::k_order_report_type, {"ATVPDKIKX0DER"},
                                            *asc::parse_rfc3339("2026-08-01T00:00:00Z"),
                                            *asc::parse_rfc3339("2026-08-31T00:00:00Z"));
    CHECK(id == "53104019000");
    REQUIRE(h.sp_calls.size() == 1);
    CHECK(h.sp_calls[0].method == "POST");
    CHECK(h.sp_calls[0].url == std::string(k_endpoint) + "/reports/2021-06-30/reports");
    CHECK(json::parse(h.sp_calls[0].body) ==
          json{{"reportType", "GET_FLAT_FILE_ALL_ORDERS_DATA_BY_LAST_UPDATE_GENERAL"},
               {"marketplaceIds", {"ATVPDKIKX0DER"}},
               {"dataStartTime", "2026-08-01T00:00:00Z"},
               {"dataEndTime", "2026-08-31T00:00:00Z"}});
}

TEST_CASE("getReport reads every state, and refuses a DONE report without a document") {
    const auto r = asc::report_from_json(
        R"({"reportId":"1","reportType":"T","processingStatus":"DONE","createdTime":"2026-11-01T10:00:00Z",
            "dataStartTime":"2026-10-01T00:00:00Z","reportDocumentId":"amzn1.spdoc.1","marketplaceIds":["A"]})");
    CHECK(r.finished());
    CHECK(r.document_id == "amzn1.spdoc.1");
    CHECK(r.marketplace_ids == std::vector<std::string>{"A"});
    CHECK_FALSE(asc::report_from_json(
                    R"({"reportId":"1","reportType":"T","processingStatus":"IN_QUEUE","createdTime":"2026-11-01T10:00:00Z"})")
                    .finished());
    CHECK_THROWS_AS(asc::report_from_json(
                        R"({"reportId":"1","reportType":"T","processingStatus":"DONE","createdTime":"2026-11-01T10:00:00Z"})"),
                    asc::Error);
    CHECK_THROWS_AS(asc::report_from_json(
                        R"({"reportId":"1","reportType":"T","processingStatus":"LOST","createdTime":"2026-11-01T10:00:00Z"})"),
                    asc::Error);
}

TEST_CASE("the download goes without the access token and is gunzipped when GZIP") {
    Harness h;
    h.sp_api = [](const asc::HttpRequest&) {
        return respond(200, std::string(R"({"reportDocumentId":"d1","url":")") + k_presigned +
                                R"(","compressionAlgorithm":"GZIP"})");
    };
    std::string text;
    for (int i = 0; i < 20000; ++i) {
        text += "111-0000001-0000001\tline " + std::to_string(i) + "\n";
    }
    h.raw.handler = [&](const asc::HttpRequest&) { return respond(200, gzip(text)); };
    const auto doc = h.reports.get_report_document("d1");
    CHECK(doc.compression_algorithm == "GZIP");
    std::string got;
    std::size_t pieces = 0;
    h.reports.download(doc, [&](std::string_view bytes) {
        got.append(bytes);
        ++pieces;
    });
    CHECK(got == text);
    CHECK(pieces > 1); // handed over in pieces, never the whole document at once
    REQUIRE(h.raw.requests.size() == 1);
    CHECK(h.raw.requests[0].url == k_presigned);
    CHECK(FakeTransport::header(h.raw.requests[0], "x-amz-access-token").empty());
}

TEST_CASE("a cut gzip stream, a 5xx and a dropped connection are temporary failures") {
    Harness h;
    const asc::ReportDocument doc{"d1", k_presigned, "GZIP"};
    const std::string zipped = gzip(std::string(100000, 'x'));
    h.raw.then(respond(200, zipped.substr(0, zipped.size() / 2)))
        .then(respond(503, "<Error><Code>SlowDown</Code></Error>"))
        .then(asc_test::transport_error(asc::TransportError::Dropped, "connection reset"));
    for (int i = 0; i < 3; ++i) {
        try {
            h.reports.download(doc, [](std::string_view) {});
            FAIL("no error");
        } catch (const asc::Error& e) {
            CHECK(e.kind() == asc::ErrorKind::Temporary);
            CHECK(std::string(e.what()).find("X-Amz-Signature") == std::string::npos);
        }
    }
}

TEST_CASE("the Reports API usage plans are the models'") {
    CHECK(asc::default_plan("createReport")->rate == doctest::Approx(0.0167));
    CHECK(asc::default_plan("createReport")->burst == doctest::Approx(15));
    CHECK(asc::default_plan("getReport")->rate == doctest::Approx(2));
    CHECK(asc::default_plan("getReportDocument")->rate == doctest::Approx(0.0167));
    CHECK(asc::default_plan("getReportDocument")->burst == doctest::Approx(15));
}

TEST_SUITE_END();
