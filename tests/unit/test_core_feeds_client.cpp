#include "asc/amazon/ack_feed.hpp"
#include "asc/amazon/feeds_client.hpp"
#include "asc/amazon/lwa.hpp"
#include "asc/amazon/rate_limit.hpp"
#include "asc/amazon/sp_api.hpp"
#include "asc/base/errors.hpp"
#include "asc/base/time.hpp"
#include "fake_clock.hpp"
#include "fake_transport.hpp"

#include <algorithm>
#include <deque>
#include <doctest/doctest.h>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>
#include <zlib.h>

using nlohmann::json;

namespace {

using asc_test::FakeClock;
using asc_test::FakeTransport;
using asc_test::respond;

constexpr const char* k_endpoint = "https://sellingpartnerapi-na.amazon.com";
constexpr const char* k_lwa = "https://api.amazon.com/auth/o2/token";
constexpr const char* k_presigned =
    "https://tortuga-prod-na.s3-external-1.amazonaws.com/doc?X-Amz-Signature=abc";

asc::HttpResponse network_error() {
    return asc_test::transport_error(asc::TransportError::Dropped, "connection reset");
}

bool has_header(const asc::HttpRequest& request, std::string_view name) {
    return !FakeTransport::header(request, name).empty();
}

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

json feed_json(const std::string& id, const std::string& status,
               const std::string& created = "2026-11-01T10:00:00Z") {
    json j = {{"feedId", id},
              {"feedType", "POST_ORDER_ACKNOWLEDGEMENT_DATA"},
              {"marketplaceIds", {"ATVPDKIKX0DER"}},
              {"createdTime", created},
              {"processingStatus", status}};
    if (status == "DONE" || status == "FATAL") {
        j["resultFeedDocumentId"] = "amzn1.tortuga.4.na.result-" + id;
        j["processingStartTime"] = "2026-11-01T10:00:30.123Z";
        j["processingEndTime"] = "2026-11-01T10:01:00Z";
    }
    return j;
}

// The SP-API side: LWA answers with a token, everything else goes to `api`.
struct Harness {
    FakeClock clock;
    FakeTransport sp_transport;
    FakeTransport raw;
    asc::RateLimiter limiter{clock, false};
    asc::LwaAuth auth{
        sp_transport, clock, asc::LwaCredentials{k_lwa, "client", "secret", "Atzr|refresh"}, {}};
    asc::SpApiClient api{
        sp_transport, auth,
        limiter,      clock,
        k_endpoint,   asc::RetryPolicy{1, std::chrono::milliseconds{1}, std::chrono::milliseconds{1}}};
    asc::FeedsClient feeds{api, raw, clock};
    std::function<asc::HttpResponse(const asc::HttpRequest&)> sp_api;
    std::vector<asc::HttpRequest> sp_calls; // without the LWA requests

    Harness() {
        sp_transport.handler = [this](const asc::HttpRequest& r) {
            if (r.url == k_lwa) {
                return respond(200,
                               R"({"access_token":"Atza|token","token_type":"bearer","expires_in":3600})");
            }
            sp_calls.push_back(r);
            return sp_api ? sp_api(r) : respond(404, R"({"errors":[{"code":"NotFound","message":"no"}]})");
        };
    }
};

std::string path_of(const std::string& url) {
    std::string rest = url.substr(std::string(k_endpoint).size());
    return rest.substr(0, rest.find('?'));
}

std::string query_of(const std::string& url) {
    const auto q = url.find('?');
    return q == std::string::npos ? "" : url.substr(q + 1);
}

} // namespace

TEST_SUITE_BEGIN("core::feeds_client");

TEST_CASE("createFeedDocument posts the content type and returns the document") {
    Harness h;
    h.sp_api = [](const asc::HttpRequest&) {
        return respond(201, R"({"feedDocumentId":"amzn1.tortuga.4.na.doc1","url":")" +
                                std::string(k_presigned) + "\"}");
    };
    const auto doc = h.feeds.create_feed_document(std::string(asc::k_ack_content_type));
    CHECK(doc.feed_document_id == "amzn1.tortuga.4.na.doc1");
    CHECK(doc.url == k_presigned);
    REQUIRE(h.sp_calls.size() == 1);
    CHECK(h.sp_calls[0].method == "POST");
    CHECK(path_of(h.sp_calls[0].url) == "/feeds/2021-06-30/documents");
    CHECK(json::parse(h.sp_calls[0].body) == json{{"contentType", "text/xml; charset=UTF-8"}});
    CHECK(h.raw.requests.empty());
}

TEST_CASE("upload sends exactly one header, Content-Type, byte-identical, and no access token") {
    Harness h;
    h.raw.handler = [](const asc::HttpRequest&) { return respond(200, ""); };
    const std::string body = asc::build_ack_feed(
        "A1SELLER",
        {asc::AckMessage{1, "902-1845936-5435065", {"05015851154158"}, asc::CancelReason::NoInventory}});
    h.feeds.upload({"doc1", k_presigned}, asc::k_ack_content_type, body);

    REQUIRE(h.raw.requests.size() == 1);
    const auto& r = h.raw.requests[0];
    CHECK(r.method == "PUT");
    CHECK(r.url == k_presigned);
    CHECK(r.body == body);
    REQUIRE(r.headers.size() == 1);
    CHECK(r.headers[0].first == "Content-Type");
    CHECK(r.headers[0].second == "text/xml; charset=UTF-8");
    CHECK_FALSE(has_header(r, "x-amz-access-token"));
    CHECK(h.sp_transport.requests.empty()); // not even a token was fetched
}

TEST_CASE("upload names S3's error code and does not retry a signature mismatch") {
    Harness h;
    h.raw.handler = [](const asc::HttpRequest&) {
        return respond(
            403,
            R"(<?xml version="1.0" encoding="UTF-8"?><Error><Code>SignatureDoesNotMatch</Code>)"
            R"(<Message>The request signature we calculated does not match the signature you provided.</Message></Error>)");
    };
    try {
        h.feeds.upload({"doc1", k_presigned}, asc::k_ack_content_type, "<x/>");
        FAIL("expected an error");
    } catch (const asc::Error& e) {
        CHECK(e.kind() == asc::ErrorKind::Internal);
        const std::string what = e.what();
        CHECK(what.find("SignatureDoesNotMatch") != std::string::npos);
        CHECK(what.find("403") != std::string::npos);
        CHECK(what.find("X-Amz-Signature") == std::string::npos); // the presigned URL stays secret
    }
    CHECK(h.raw.requests.size() == 1);
}

TEST_CASE("upload to an expired link is a temporary error") {
    Harness h;
    h.raw.handler = [](const asc::HttpRequest&) {
        return respond(403, "<Error><Code>AccessDenied</Code><Message>Request has expired</Message></Error>");
    };
    try {
        h.feeds.upload({"doc1", k_presigned}, asc::k_ack_content_type, "<x/>");
        FAIL("expected an error");
    } catch (const asc::Error& e) {
        CHECK(e.kind() == asc::ErrorKind::Temporary);
    }
}

TEST_CASE("upload retries 5xx and network failures a few times") {
    Harness h;
    std::deque<asc::HttpResponse> answers{respond(503, "<Error><Code>SlowDown</Code></Error>"),
                                          network_error(), respond(200, "")};
    h.raw.handler = [&](const asc::HttpRequest&) {
        auto r = answers.front();
        answers.pop_front();
        return r;
    };
    h.feeds.upload({"doc1", k_presigned}, asc::k_ack_content_type, "<x/>");
    CHECK(h.raw.requests.size() == 3);
    CHECK(h.clock.total_slept() > std::chrono::nanoseconds::zero());

    Harness failing;
    failing.raw.handler = [](const asc::HttpRequest&) {
        return respond(500, "<Error><Code>InternalError</Code></Error>");
    };
    try {
        failing.feeds.upload({"doc1", k_presigned}, asc::k_ack_content_type, "<x/>");
        FAIL("expected an error");
    } catch (const asc::Error& e) {
        CHECK(e.kind() == asc::ErrorKind::Temporary);
        CHECK(std::string(e.what()).find("InternalError") != std::string::npos);
    }
    CHECK(failing.raw.requests.size() == 3);

    Harness offline;
    offline.raw.handler = [](const asc::HttpRequest&) { return network_error(); };
    CHECK_THROWS_AS(offline.feeds.upload({"doc1", k_presigned}, asc::k_ack_content_type, "<x/>"), asc::Error);
    CHECK(offline.raw.requests.size() == 3);
}

TEST_CASE("createFeed posts type, marketplaces and document, and returns the feed id") {
    Harness h;
    h.sp_api = [](const asc::HttpRequest&) { return respond(202, R"({"feedId":"23492394"})"); };
    const std::string id =
        h.feeds.create_feed("POST_ORDER_ACKNOWLEDGEMENT_DATA", {"ATVPDKIKX0DER"}, "amzn1.tortuga.4.na.doc1");
    CHECK(id == "23492394");
    REQUIRE(h.sp_calls.size() == 1);
    CHECK(h.sp_calls[0].method == "POST");
    CHECK(path_of(h.sp_calls[0].url) == "/feeds/2021-06-30/feeds");
    const json body = json::parse(h.sp_calls[0].body);
    CHECK(body["feedType"] == "POST_ORDER_ACKNOWLEDGEMENT_DATA");
    CHECK(body["marketplaceIds"] == json::array({"ATVPDKIKX0DER"}));
    CHECK(body["inputFeedDocumentId"] == "amzn1.tortuga.4.na.doc1");
    CHECK(has_header(h.sp_calls[0], "x-amz-access-token"));
}

TEST_CASE("getFeed reads the feed") {
    Harness h;
    h.sp_api = [](const asc::HttpRequest&) { return respond(200, feed_json("23492394", "DONE").dump()); };
    const auto feed = h.feeds.get_feed("23492394");
    REQUIRE(h.sp_calls.size() == 1);
    CHECK(h.sp_calls[0].method == "GET");
    CHECK(path_of(h.sp_calls[0].url) == "/feeds/2021-06-30/feeds/23492394");
    CHECK(feed.feed_id == "23492394");
    CHECK(feed.feed_type == "POST_ORDER_ACKNOWLEDGEMENT_DATA");
    CHECK(feed.processing_status == "DONE");
    CHECK(feed.finished());
    CHECK(feed.marketplace_ids == std::vector<std::string>{"ATVPDKIKX0DER"});
    CHECK(asc::format_rfc3339(feed.created_time) == "2026-11-01T10:00:00Z");
    REQUIRE(feed.processing_start_time);
    CHECK(asc::format_rfc3339(*feed.processing_start_time) == "2026-11-01T10:00:30Z");
    CHECK(feed.result_document_id == "amzn1.tortuga.4.na.result-23492394");
}

TEST_CASE("a feed without its required fields is a temporary error") {
    json j = feed_json("1", "IN_QUEUE");
    j.erase("createdTime");
    CHECK_THROWS_AS(asc::feed_from_json(j.dump()), asc::Error);
    j = feed_json("1", "IN_QUEUE", "yesterday");
    try {
        (void)asc::feed_from_json(j.dump());
        FAIL("expected an error");
    } catch (const asc::Error& e) {
        CHECK(e.kind() == asc::ErrorKind::Temporary);
    }
    CHECK_FALSE(asc::feed_from_json(feed_json("1", "IN_QUEUE").dump()).finished());
    CHECK(asc::feed_from_json(feed_json("1", "FATAL").dump()).finished());
    CHECK(asc::feed_from_json(feed_json("1", "CANCELLED").dump()).finished());
}

TEST_CASE("answers are checked against the model: a member of the wrong type is never coerced") {
    auto unreadable = [](const std::function<void()>& call) {
        try {
            call();
            FAIL("expected an error");
        } catch (const asc::Error& e) {
            CHECK(e.kind() == asc::ErrorKind::Temporary);
            CHECK(std::string(e.what()).find("could not be read") != std::string::npos);
        }
    };
    SUBCASE("createFeed's feedId must be a string, and an identifier") {
        for (const char* body : {R"({"feedId":12345})", R"({"feedId":null})", R"({"feedId":""})",
                                 R"({"feedId":["1"]})", R"({"feedId":"12 34"})", R"({"feedId":"1\n2"})"}) {
            CAPTURE(body);
            Harness h;
            h.sp_api = [&](const asc::HttpRequest&) { return respond(202, body); };
            unreadable([&] { (void)h.feeds.create_feed("POST_ORDER_ACKNOWLEDGEMENT_DATA", {"A"}, "doc"); });
        }
    }
    SUBCASE("createFeedDocument's members are strings") {
        Harness h;
        h.sp_api = [](const asc::HttpRequest&) { return respond(201, R"({"feedDocumentId":7,"url":"x"})"); };
        unreadable([&] { (void)h.feeds.create_feed_document("text/xml"); });
        h.sp_api = [](const asc::HttpRequest&) { return respond(201, R"({"feedDocumentId":"d","url":7})"); };
        unreadable([&] { (void)h.feeds.create_feed_document("text/xml"); });
    }
    SUBCASE("a Feed's members have the model's types and values") {
        for (const auto& [key, value] : std::vector<std::pair<std::string, json>>{
                 {"feedId", 1},
                 {"processingStatus", "PAUSED"},
                 {"processingStatus", 3},
                 {"marketplaceIds", "ATVPDKIKX0DER"},
                 {"marketplaceIds", json::array({1})},
                 {"createdTime", 1700000000},
                 {"processingEndTime", "soon"},
                 {"resultFeedDocumentId", 99}}) {
            CAPTURE(key);
            json j = feed_json("1", "DONE");
            j[key] = value;
            unreadable([&] { (void)asc::feed_from_json(j.dump()); });
        }
    }
    SUBCASE("getFeedDocument's compression is GZIP or absent") {
        Harness h;
        h.sp_api = [](const asc::HttpRequest&) {
            return respond(200, R"({"feedDocumentId":"d","url":"https://x/y","compressionAlgorithm":"ZIP"})");
        };
        unreadable([&] { (void)h.feeds.get_feed_document("d"); });
    }
}

TEST_CASE("getFeeds filters by type and creation time and follows nextToken alone") {
    Harness h;
    h.sp_api = [](const asc::HttpRequest& r) {
        if (query_of(r.url).find("nextToken=") == std::string::npos) {
            return respond(200, json{{"feeds", {feed_json("2", "DONE", "2026-11-01T10:05:00Z")}},
                                     {"nextToken", "tok/en=="}}
                                    .dump());
        }
        return respond(200, json{{"feeds", {feed_json("1", "IN_QUEUE", "2026-11-01T10:01:00Z")}}}.dump());
    };
    const asc::Timestamp since = *asc::parse_rfc3339("2026-11-01T10:00:00Z");
    const auto feeds = h.feeds.get_feeds("POST_ORDER_ACKNOWLEDGEMENT_DATA", since);
    REQUIRE(h.sp_calls.size() == 2);
    CHECK(path_of(h.sp_calls[0].url) == "/feeds/2021-06-30/feeds");
    const std::string first = query_of(h.sp_calls[0].url);
    CHECK(first.find("feedTypes=POST_ORDER_ACKNOWLEDGEMENT_DATA") != std::string::npos);
    CHECK(first.find("createdSince=2026-11-01T10%3A00%3A00Z") != std::string::npos);
    CHECK(query_of(h.sp_calls[1].url) == "nextToken=" + asc::url_encode("tok/en=="));
    REQUIRE(feeds.size() == 2);
    CHECK(feeds[0].feed_id == "1"); // oldest first
    CHECK(feeds[1].feed_id == "2");
}

TEST_CASE("recovery looks up the feeds of the type created since the send, allowing for clock skew") {
    Harness h;
    h.sp_api = [](const asc::HttpRequest&) {
        return respond(200, json{{"feeds",
                                  {feed_json("old", "DONE", "2026-11-01T09:00:00Z"),
                                   feed_json("ours", "IN_PROGRESS", "2026-11-01T09:59:30Z")}}}
                                .dump());
    };
    const asc::Timestamp sent_at = *asc::parse_rfc3339("2026-11-01T10:00:00Z");
    const auto found = asc::find_feeds_sent_since(h.feeds, "POST_ORDER_ACKNOWLEDGEMENT_DATA", sent_at);
    REQUIRE(found.size() == 1);
    CHECK(found[0].feed_id == "ours");
    CHECK(query_of(h.sp_calls[0].url).find("createdSince=2026-11-01T09%3A58%3A00Z") != std::string::npos);
}

TEST_CASE("getFeedDocument returns the url and the compression") {
    Harness h;
    h.sp_api = [](const asc::HttpRequest&) {
        return respond(
            200,
            R"({"feedDocumentId":"res1","url":"https://s3.example/res1","compressionAlgorithm":"GZIP"})");
    };
    const auto doc = h.feeds.get_feed_document("res1");
    CHECK(path_of(h.sp_calls[0].url) == "/feeds/2021-06-30/documents/res1");
    CHECK(doc.feed_document_id == "res1");
    CHECK(doc.url == "https://s3.example/res1");
    CHECK(doc.compression_algorithm == "GZIP");
}

TEST_CASE("download gunzips only when the document is GZIP and still compressed") {
    const std::string report = "<ProcessingReport><StatusCode>Complete</StatusCode></ProcessingReport>";
    const std::string compressed = gzip(report);

    Harness h;
    std::string served;
    h.raw.handler = [&](const asc::HttpRequest&) { return respond(200, served); };

    served = compressed;
    CHECK(h.feeds.download({"res1", "https://s3.example/res1", "GZIP"}) == report);
    REQUIRE(h.raw.requests.size() == 1);
    CHECK(h.raw.requests[0].method == "GET");
    CHECK(h.raw.requests[0].url == "https://s3.example/res1");
    CHECK(h.raw.requests[0].headers.empty());

    // The transport already decoded Content-Encoding: gzip; do not decompress twice.
    served = report;
    CHECK(h.feeds.download({"res1", "https://s3.example/res1", "GZIP"}) == report);

    // Not declared compressed: the bytes are returned as they are.
    served = compressed;
    CHECK(h.feeds.download({"res1", "https://s3.example/res1", ""}) == compressed);

    served = report;
    CHECK(h.feeds.download({"res1", "https://s3.example/res1", ""}) == report);
    CHECK(h.sp_transport.requests.empty());
}

TEST_CASE("download of corrupt gzip data is a temporary error") {
    Harness h;
    h.raw.handler = [](const asc::HttpRequest&) { return respond(200, std::string("\x1f\x8b garbage", 10)); };
    try {
        (void)h.feeds.download({"res1", "https://s3.example/res1", "GZIP"});
        FAIL("expected an error");
    } catch (const asc::Error& e) {
        CHECK(e.kind() == asc::ErrorKind::Temporary);
    }
}

TEST_CASE("wait_for_feed polls getFeed until the feed is done") {
    Harness h;
    std::deque<std::string> statuses{"IN_QUEUE", "IN_PROGRESS", "IN_PROGRESS", "DONE"};
    h.sp_api = [&](const asc::HttpRequest&) {
        const std::string status = statuses.front();
        statuses.pop_front();
        return respond(200, feed_json("77", status).dump());
    };
    std::vector<std::string> seen;
    const auto feed = asc::wait_for_feed(h.feeds, "77", h.clock, std::chrono::minutes(10),
                                         [&](const asc::Feed& f) { seen.push_back(f.processing_status); });
    CHECK(feed.processing_status == "DONE");
    CHECK(feed.result_document_id == "amzn1.tortuga.4.na.result-77");
    CHECK(seen == std::vector<std::string>{"IN_QUEUE", "IN_PROGRESS", "IN_PROGRESS", "DONE"});
    CHECK(h.clock.total_slept() == std::chrono::seconds(6)); // three pauses of the 2 s interval
}

TEST_CASE("wait_for_feed returns FATAL and CANCELLED feeds too") {
    for (const char* status : {"FATAL", "CANCELLED"}) {
        Harness h;
        h.sp_api = [&](const asc::HttpRequest&) { return respond(200, feed_json("77", status).dump()); };
        CHECK(asc::wait_for_feed(h.feeds, "77", h.clock, std::chrono::minutes(1)).processing_status ==
              status);
        CHECK(h.sp_calls.size() == 1);
    }
}

TEST_CASE("wait_for_feed gives up after the timeout with a hint to look later") {
    Harness h;
    h.sp_api = [](const asc::HttpRequest&) { return respond(200, feed_json("77", "IN_PROGRESS").dump()); };
    try {
        (void)asc::wait_for_feed(h.feeds, "77", h.clock, std::chrono::seconds(10), {},
                                 std::chrono::seconds(3));
        FAIL("expected an error");
    } catch (const asc::Error& e) {
        CHECK(e.kind() == asc::ErrorKind::Temporary);
        CHECK(std::string(e.what()) == "feed 77 still IN_PROGRESS after 10s");
        CHECK(e.hint().find("asc feeds show 77") != std::string::npos);
    }
    CHECK(h.clock.total_slept() == std::chrono::seconds(10)); // 3 + 3 + 3 + 1
    CHECK(h.sp_calls.size() == 5);
}

TEST_SUITE_END();
