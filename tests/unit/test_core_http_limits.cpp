// The HTTP layer against hostile input: credentials embedded in URLs never reach a message or a
// --debug line, and an answer cannot be larger than its request allows.

#include "asc/http/http.hpp"
#include "fake_http_server.hpp"

#include <doctest/doctest.h>
#include <string>

using asc_test::http_response;
using asc_test::LoopbackServer;

TEST_SUITE_BEGIN("core::http limits");

TEST_CASE("redact masks the credentials a URL carries") {
    SUBCASE("user and password") {
        CHECK(asc::redact("GET https://user:s3cret@sellingpartnerapi-na.amazon.com/orders") ==
              "GET https://user:***@sellingpartnerapi-na.amazon.com/orders");
        CHECK(asc::redact("not an http(s) URL: ftp://admin:pa55@host") == "not an http(s) URL: ftp://admin:***@host");
    }
    SUBCASE("a user part alone is a token") {
        CHECK(asc::redact("https://ghp_abcdef@example.com/x") == "https://***@example.com/x");
    }
    SUBCASE("query parameters named like secrets") {
        CHECK(asc::redact("https://h.example/a?secret=xyz&marketplaceIds=ATVPDKIKX0DER") ==
              "https://h.example/a?secret=***&marketplaceIds=ATVPDKIKX0DER");
        CHECK(asc::redact("https://h.example/a?x=1&api_key=k1&Token=t2&password=p#frag") ==
              "https://h.example/a?x=1&api_key=***&Token=***&password=***#frag");
        CHECK(asc::redact("http://127.0.0.1:8080/x?client_secret=s") == "http://127.0.0.1:8080/x?client_secret=***");
    }
    SUBCASE("what is not a credential stays") {
        const std::string plain =
            "> GET http://127.0.0.1:4000/orders/2026-01-01/orders?nextToken=abc&createdAfter=2026-11-01T00%3A00%3A00Z";
        CHECK(asc::redact(plain) == plain);
        CHECK(asc::redact("mail user@example.com about https://example.com/a@b") ==
              "mail user@example.com about https://example.com/a@b");
    }
    SUBCASE("masking twice changes nothing") {
        const std::string once = asc::redact("https://u:p@h/x?secret=1");
        CHECK(asc::redact(once) == once);
    }
    SUBCASE("in the middle of a message, quoted") {
        CHECK(asc::redact("endpoint \"https://u:p@h.example\" is wrong") == "endpoint \"https://u:***@h.example\" is wrong");
    }
}

TEST_CASE("printable_excerpt masks URL credentials too") {
    CHECK(asc::printable_excerpt("see https://a:b@c/d?secret=e") == "see https://a:***@c/d?secret=***");
}

TEST_CASE("an answer larger than the request's cap fails as TooLarge without being kept") {
    const std::string big(300 * 1024, 'x');
    LoopbackServer server([&big](const std::string&) { return http_response(200, big); });
    auto transport = asc::make_curl_transport({});
    asc::HttpRequest request;
    request.url = server.url("/big");

    SUBCASE("over the cap") {
        request.max_response_bytes = 64 * 1024;
        const auto response = transport->send(request);
        CHECK(response.error == asc::TransportError::TooLarge);
        CHECK(response.body.empty());
        CHECK(response.error_message == "larger than the 64 KiB limit of this request");
        CHECK(asc::describe(response.error, response.error_message) ==
              "the answer is too large (larger than the 64 KiB limit of this request)");
        CHECK_FALSE(asc::is_retryable(response.error));
    }
    SUBCASE("within the cap, or the transport's default") {
        request.max_response_bytes = 300 * 1024;
        CHECK(transport->send(request).body.size() == big.size());
        request.max_response_bytes = 0;
        CHECK(transport->send(request).body.size() == big.size());
    }
}

TEST_CASE("a chunked answer without a length is cut at the cap too") {
    std::string chunked = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n";
    for (int i = 0; i < 40; ++i) {
        chunked += "1000\r\n" + std::string(4096, 'y') + "\r\n";
    }
    chunked += "0\r\n\r\n";
    LoopbackServer server([&chunked](const std::string&) { return chunked; });
    auto transport = asc::make_curl_transport({});
    asc::HttpRequest request;
    request.url = server.url("/chunked");
    request.max_response_bytes = 16 * 1024;
    const auto response = transport->send(request);
    CHECK(response.error == asc::TransportError::TooLarge);
    CHECK(response.body.empty());
}

TEST_SUITE_END();
