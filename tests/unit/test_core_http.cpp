// The HTTP layer: URL checks, encoding, redaction, and the libcurl transport against a loopback
// server (which is how the tool talks to asc-sim).

#include "asc/base/errors.hpp"
#include "asc/base/interrupt.hpp"
#include "asc/http/http.hpp"
#include "asc/version.hpp"
#include "fake_http_server.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <doctest/doctest.h>
#include <string>
#include <thread>
#include <zlib.h>

using namespace std::chrono_literals;
using asc_test::http_response;
using asc_test::LoopbackServer;

namespace {

std::string gzip(const std::string& data) {
    z_stream s{};
    REQUIRE(deflateInit2(&s, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) == Z_OK);
    std::string out(deflateBound(&s, static_cast<uLong>(data.size())), '\0');
    std::string input = data;
    s.next_in = reinterpret_cast<Bytef*>(input.data()); // NOLINT: zlib's C API
    s.avail_in = static_cast<uInt>(input.size());
    s.next_out = reinterpret_cast<Bytef*>(out.data()); // NOLINT: zlib's C API
    s.avail_out = static_cast<uInt>(out.size());
    REQUIRE(deflate(&s, Z_FINISH) == Z_STREAM_END);
    out.resize(s.total_out);
    deflateEnd(&s);
    return out;
}

int count(const std::string& text, const std::string& needle) {
    int n = 0;
    for (auto at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) {
        ++n;
    }
    return n;
}

} // namespace

TEST_SUITE_BEGIN("core::http");

TEST_CASE("is_loopback_url accepts only loopback hosts") {
    CHECK(asc::is_loopback_url("http://127.0.0.1:8080/orders"));
    CHECK(asc::is_loopback_url("http://127.1.2.3/"));
    CHECK(asc::is_loopback_url("http://localhost:9000"));
    CHECK(asc::is_loopback_url("HTTP://LOCALHOST/x"));
    CHECK(asc::is_loopback_url("http://[::1]:8080/x"));
    CHECK(asc::is_loopback_url("https://127.0.0.1"));
    CHECK(asc::is_loopback_url("http://user:pw@127.0.0.1/"));

    CHECK_FALSE(asc::is_loopback_url("http://sellingpartnerapi-na.amazon.com/"));
    CHECK_FALSE(asc::is_loopback_url("http://localhost.evil.example/"));
    CHECK_FALSE(asc::is_loopback_url("http://127.0.0.1.evil.example/"));
    CHECK_FALSE(asc::is_loopback_url("http://127.0.0.1@evil.example/"));
    CHECK_FALSE(asc::is_loopback_url("http://10.0.0.1/"));
    CHECK_FALSE(asc::is_loopback_url("http://[::2]/"));
    CHECK_FALSE(asc::is_loopback_url("ftp://127.0.0.1/"));
    CHECK_FALSE(asc::is_loopback_url("127.0.0.1"));
    CHECK_FALSE(asc::is_loopback_url(""));
}

TEST_CASE("url_encode keeps unreserved characters and encodes the rest") {
    CHECK(asc::url_encode("AZaz09-._~") == "AZaz09-._~");
    CHECK(asc::url_encode("2026-11-01T10:00:00Z") == "2026-11-01T10%3A00%3A00Z");
    CHECK(asc::url_encode("UNSHIPPED,SHIPPED") == "UNSHIPPED%2CSHIPPED");
    CHECK(asc::url_encode("a+b/c=d==") == "a%2Bb%2Fc%3Dd%3D%3D");
    CHECK(asc::url_encode("Atzr|x y") == "Atzr%7Cx%20y");
    CHECK(asc::url_encode("\xc3\xa9") == "%C3%A9");
    CHECK(asc::url_encode("") == "");
}

TEST_CASE("HttpResponse::header finds the first header of a name in any case") {
    asc::HttpResponse r;
    r.headers = {{"x-amzn-requestid", "one"}, {"x-amzn-requestid", "two"}, {"content-type", "text/xml"}};
    CHECK(r.header("x-amzn-requestid") == "one");
    CHECK(r.header("X-Amzn-RequestId") == "one");
    CHECK(r.header("missing").empty());
}

TEST_CASE("redact masks tokens and secrets") {
    SUBCASE("headers") {
        CHECK(asc::redact("> x-amz-access-token: Atza|IwEBIsecret") == "> x-amz-access-token: ***");
        CHECK(asc::redact("> X-Amz-Access-Token: abc def") == "> X-Amz-Access-Token: ***");
        CHECK(asc::redact("Authorization: Bearer abc.def") == "Authorization: ***");
        CHECK(asc::redact("> accept: application/json") == "> accept: application/json");
    }
    SUBCASE("form bodies") {
        const std::string body = "grant_type=refresh_token&refresh_token=Atzr%7CIwEBIrefresh&client_id=amzn1."
                                 "app&client_secret=s3cr3t";
        const std::string masked = asc::redact(body);
        CHECK(masked == "grant_type=refresh_token&refresh_token=***&client_id=amzn1.app&client_secret=***");
    }
    SUBCASE("JSON") {
        const std::string masked = asc::redact(
            R"({"access_token":"Atza|IwEBIaccess","refresh_token" : "Atzr|IwEBIrefresh","token_type":"bearer","expires_in":3600})");
        CHECK(masked ==
              R"({"access_token":"***","refresh_token" : "***","token_type":"bearer","expires_in":3600})");
        CHECK(asc::redact(R"({"restrictedDataToken":"Atz.sprdt|abc","expiresIn":3600})") ==
              R"({"restrictedDataToken":"***","expiresIn":3600})");
        CHECK(asc::redact(R"({"client_secret": "with \"quote\" inside"})") == R"({"client_secret": "***"})");
    }
    SUBCASE("bare LWA tokens anywhere") {
        CHECK(asc::redact("token Atza|IwEBIabc was rejected") == "token Atza|*** was rejected");
        CHECK(asc::redact("id=Atzr%7CIwEBIabc&x=1") == "id=Atzr%7C***&x=1");
        CHECK(asc::redact("Atz.sprdt|xyz") == "Atz.sprdt|***");
    }
    SUBCASE("presigned URL signatures") {
        const std::string masked =
            asc::redact("> PUT "
                        "https://tortuga.s3.amazonaws.com/"
                        "doc?X-Amz-Credential=AKIA%2F20261101&X-Amz-Signature=abcdef0123");
        CHECK(masked ==
              "> PUT https://tortuga.s3.amazonaws.com/doc?X-Amz-Credential=***&X-Amz-Signature=***");
    }
    SUBCASE("words that only contain a key are left alone") {
        CHECK(asc::redact("no_access_token_here=1") == "no_access_token_here=1");
        CHECK(asc::redact("the access_token expired") == "the access_token expired");
    }
}

TEST_CASE("the curl transport refuses plain http to a non-loopback host") {
    auto transport = asc::make_curl_transport({});
    asc::HttpRequest request;
    request.url = "http://sellingpartnerapi-na.amazon.com/orders/2026-01-01/orders";
    try {
        transport->send(request);
        FAIL("expected an error");
    } catch (const asc::Error& e) {
        CHECK(e.kind() == asc::ErrorKind::Config);
        CHECK(e.hint().find("use https://") != std::string::npos);
        CHECK(std::string(e.what()).find("sellingpartnerapi-na.amazon.com") != std::string::npos);
    }
    request.url = "file:///etc/passwd";
    CHECK_THROWS_AS(transport->send(request), asc::Error);
}

TEST_CASE("the curl transport sends a GET and captures status, lower-cased headers and body") {
    LoopbackServer server([](const std::string&) {
        return http_response(200, R"({"orders":[]})",
                             "Content-Type: application/json\r\nX-Amzn-RequestId: req-1\r\n"
                             "X-Amzn-RateLimit-Limit: 0.0056\r\n");
    });
    auto transport = asc::make_curl_transport({});
    asc::HttpRequest request;
    request.url = server.url("/orders/2026-01-01/orders?createdAfter=2026-11-01T00%3A00%3A00Z");
    request.headers = {{"x-amz-access-token", "Atza|test"}, {"accept", "application/json"}};
    const auto response = transport->send(request);

    REQUIRE(response.error == asc::TransportError::None);
    CHECK(response.status == 200);
    CHECK(response.body == R"({"orders":[]})");
    CHECK(response.header("x-amzn-requestid") == "req-1");
    CHECK(response.header("x-amzn-ratelimit-limit") == "0.0056");
    for (const auto& [name, value] : response.headers) {
        CHECK(asc::redact(name) == name);
        for (const char c : name) {
            CHECK_FALSE((c >= 'A' && c <= 'Z'));
        }
    }
    const auto requests = server.requests();
    REQUIRE(requests.size() == 1);
    const std::string& sent = requests[0];
    CHECK(
        sent.starts_with("GET /orders/2026-01-01/orders?createdAfter=2026-11-01T00%3A00%3A00Z HTTP/1.1\r\n"));
    CHECK(sent.find("\r\nUser-Agent: asc/" + std::string(asc::k_version) + " (Language=C++)\r\n") !=
          std::string::npos);
    CHECK(sent.find("\r\nx-amz-access-token: Atza|test\r\n") != std::string::npos);
    CHECK(sent.find("\r\nAccept-Encoding: ") != std::string::npos);
}

TEST_CASE("the curl transport decompresses gzip bodies") {
    const std::string text(5000, 'x');
    LoopbackServer server(
        [&](const std::string&) { return http_response(200, gzip(text), "Content-Encoding: gzip\r\n"); });
    auto transport = asc::make_curl_transport({});
    asc::HttpRequest request;
    request.url = server.url("/doc");
    const auto response = transport->send(request);
    REQUIRE(response.error == asc::TransportError::None);
    CHECK(response.body == text);
}

TEST_CASE("a presigned PUT carries exactly the caller's Content-Type and no Expect or Accept-Encoding") {
    LoopbackServer server([](const std::string&) { return http_response(200, ""); });
    auto transport = asc::make_curl_transport({});
    asc::HttpRequest request;
    request.method = "PUT";
    request.url = server.url("/doc?X-Amz-Signature=abc");
    request.headers = {{"Content-Type", "text/xml; charset=UTF-8"}};
    request.body = "<?xml version=\"1.0\"?>" + std::string(200'000, ' '); // large enough to tempt Expect
    const auto response = transport->send(request);
    REQUIRE(response.error == asc::TransportError::None);
    CHECK(response.status == 200);

    const auto requests = server.requests();
    REQUIRE(requests.size() == 1);
    const std::string& sent = requests[0];
    const std::string head = sent.substr(0, sent.find("\r\n\r\n") + 2);
    CHECK(head.starts_with("PUT /doc?X-Amz-Signature=abc HTTP/1.1\r\n"));
    CHECK(count(head, "Content-Type:") == 1);
    CHECK(head.find("\r\nContent-Type: text/xml; charset=UTF-8\r\n") != std::string::npos);
    CHECK(head.find("Expect") == std::string::npos);
    CHECK(head.find("Accept-Encoding") == std::string::npos);
    CHECK(sent.substr(sent.find("\r\n\r\n") + 4) == request.body);
}

TEST_CASE("a POST without a Content-Type gets none from libcurl") {
    LoopbackServer server([](const std::string&) { return http_response(201, "{}"); });
    auto transport = asc::make_curl_transport({});
    asc::HttpRequest request;
    request.method = "POST";
    request.url = server.url("/feeds/2021-06-30/documents");
    request.body = "{}";
    const auto response = transport->send(request);
    CHECK(response.status == 201);
    const auto sent = server.requests().at(0);
    CHECK(sent.starts_with("POST /feeds/2021-06-30/documents HTTP/1.1\r\n"));
    CHECK(sent.find("Content-Type") == std::string::npos);
    CHECK(sent.find("x-www-form-urlencoded") == std::string::npos);
    CHECK(sent.ends_with("\r\n\r\n{}"));
}

TEST_CASE("the curl transport reuses one connection for consecutive requests") {
    LoopbackServer server([](const std::string&) { return http_response(200, "{}"); });
    auto transport = asc::make_curl_transport({});
    for (int i = 0; i < 3; ++i) {
        asc::HttpRequest request;
        request.url = server.url("/orders/" + std::to_string(i));
        REQUIRE(transport->send(request).status == 200);
    }
    CHECK(server.requests().size() == 3);
    CHECK(server.connections() == 1);
}

TEST_CASE("HTTP error statuses are data, not exceptions") {
    LoopbackServer server([](const std::string&) {
        return http_response(503, R"({"errors":[{"code":"ServiceUnavailable","message":"busy"}]})");
    });
    auto transport = asc::make_curl_transport({});
    asc::HttpRequest request;
    request.url = server.url("/x");
    const auto response = transport->send(request);
    CHECK(response.error == asc::TransportError::None);
    CHECK(response.status == 503);
    CHECK(response.body.find("ServiceUnavailable") != std::string::npos);
}

TEST_CASE("transport failures map to TransportError") {
    SUBCASE("a server that never answers is a Timeout") {
        LoopbackServer server([](const std::string&) { return std::string(LoopbackServer::k_hang); });
        asc::CurlOptions options;
        options.total_timeout = 300ms;
        auto transport = asc::make_curl_transport(options);
        asc::HttpRequest request;
        request.url = server.url("/slow");
        const auto response = transport->send(request);
        CHECK(response.error == asc::TransportError::Timeout);
        CHECK(response.status == 0);
        CHECK_FALSE(response.error_message.empty());
    }
    SUBCASE("an empty reply is Dropped") {
        LoopbackServer server([](const std::string&) { return std::string(LoopbackServer::k_no_reply); });
        auto transport = asc::make_curl_transport({});
        asc::HttpRequest request;
        request.url = server.url("/drop");
        CHECK(transport->send(request).error == asc::TransportError::Dropped);
    }
    SUBCASE("a closed port is Connect") {
        int port = 0;
        {
            LoopbackServer server([](const std::string&) { return std::string(); });
            port = server.port();
        }
        auto transport = asc::make_curl_transport({});
        asc::HttpRequest request;
        request.url = "http://127.0.0.1:" + std::to_string(port) + "/";
        CHECK(transport->send(request).error == asc::TransportError::Connect);
    }
}

TEST_CASE("a streamed download has no total limit but fails when it stalls (under 1 KiB/s) for the timeout") {
    // A 300 MB report document takes longer than an API call may: the timeout bounds a stall.
    const std::string body(3000, 'r');
    LoopbackServer server([&body](const std::string&) { return asc_test::http_response(200, body); });
    server.trickle(200, 100ms); // the answer arrives over about 1.5 s at 2 KB/s
    asc::CurlOptions options;
    options.total_timeout = 1s;
    auto transport = asc::make_curl_transport(options);
    asc::HttpRequest request;
    request.url = server.url("/report");

    std::string received;
    const auto streamed = transport->send_streaming(request, [&](std::string_view b) { received += b; });
    CHECK(streamed.error == asc::TransportError::None);
    CHECK(streamed.status == 200);
    CHECK(received == body);
    // The same answer as an API call (no sink) is held to the total timeout.
    CHECK(transport->send(request).error == asc::TransportError::Timeout);

    server.trickle(200, 2500ms); // one piece, then 2.5 seconds of nothing
    received.clear();
    const auto stalled = transport->send_streaming(request, [&](std::string_view b) { received += b; });
    CHECK(stalled.error == asc::TransportError::Timeout);
    CHECK(received.size() < body.size());
}

TEST_CASE("Ctrl-C stops a transfer in progress") {
    LoopbackServer server([](const std::string&) { return std::string(LoopbackServer::k_hang); });
    asc::CurlOptions options;
    options.total_timeout = 30s;
    auto transport = asc::make_curl_transport(options);
    asc::HttpRequest request;
    request.url = server.url("/slow");
    std::thread interrupter([] {
        std::this_thread::sleep_for(200ms);
        asc::set_interrupted();
    });
    const auto started = std::chrono::steady_clock::now();
    const auto response = transport->send(request);
    interrupter.join();
    asc::clear_interrupted();
    CHECK(response.error != asc::TransportError::None);
    CHECK(response.error_message == "interrupted");
    CHECK(std::chrono::steady_clock::now() - started < 10s);
}

TEST_CASE("--debug lines show each request and response with secrets masked") {
    LoopbackServer server([](const std::string&) {
        return http_response(200, R"({"access_token":"Atza|fresh","expires_in":3600})",
                             "x-amzn-RequestId: r-9\r\n");
    });
    std::vector<std::string> lines;
    asc::CurlOptions options;
    options.debug = [&lines](const std::string& line) { lines.push_back(line); };
    auto transport = asc::make_curl_transport(options);
    asc::HttpRequest request;
    request.method = "POST";
    request.url = server.url("/auth/o2/token");
    request.headers = {{"Content-Type", "application/x-www-form-urlencoded"},
                       {"x-amz-access-token", "Atza|old-token"}};
    request.body =
        "grant_type=refresh_token&refresh_token=Atzr%7Csecret-refresh&client_id=app&client_secret=topsecret";
    REQUIRE(transport->send(request).status == 200);

    std::string all;
    for (const auto& line : lines) {
        all += line + "\n";
    }
    CAPTURE(all);
    CHECK(all.find("> POST " + server.url("/auth/o2/token")) != std::string::npos);
    CHECK(all.find("> x-amz-access-token: ***") != std::string::npos);
    CHECK(all.find("refresh_token=***") != std::string::npos);
    CHECK(all.find("< 200 (") != std::string::npos);
    CHECK(all.find(" ms") != std::string::npos);
    CHECK(all.find("< x-amzn-requestid: r-9") != std::string::npos);
    CHECK(all.find("old-token") == std::string::npos);
    CHECK(all.find("secret-refresh") == std::string::npos);
    CHECK(all.find("topsecret") == std::string::npos);
}

TEST_SUITE_END();

TEST_CASE("a write is never resent by the transport when a kept-alive connection dies under it") {
    // The first request (a GET) leaves a kept-alive connection; the server then takes the next
    // request and closes without answering, as a server that acted but whose answer was lost.
    std::atomic<int> seen{0};
    LoopbackServer server([&seen](const std::string&) {
        return ++seen == 1 ? http_response(200, "{}") : std::string(LoopbackServer::k_no_reply);
    });
    auto transport = asc::make_curl_transport({});
    asc::HttpRequest get;
    get.url = server.url("/feeds/2021-06-30/feeds/1");
    REQUIRE(transport->send(get).status == 200);
    SUBCASE("a POST goes out on a new connection, once, and its loss reaches the caller") {
        asc::HttpRequest post;
        post.method = "POST";
        post.url = server.url("/feeds/2021-06-30/feeds");
        post.body = R"({"feedType":"POST_ORDER_ACKNOWLEDGEMENT_DATA"})";
        CHECK(transport->send(post).error == asc::TransportError::Dropped);
        const auto requests = server.requests();
        CHECK(std::count_if(requests.begin(), requests.end(),
                            [](const std::string& r) { return r.starts_with("POST "); }) == 1);
        CHECK(server.connections() == 2);
    }
    SUBCASE("PATCH and DELETE too") {
        for (const char* method : {"PATCH", "DELETE"}) {
            asc::HttpRequest write;
            write.method = method;
            write.url = server.url("/rest/V1/orders/1");
            write.body = "{}";
            CHECK(transport->send(write).error == asc::TransportError::Dropped);
        }
        CHECK(server.requests().size() == 3);
    }
}
