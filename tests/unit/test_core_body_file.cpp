// Large request bodies from a file (issue 17: cancel and ship in bounded memory): the temporary
// file (0600, unlinked at once, its descriptor closed on every way out), the feed writer that fills
// it a message at a time, and the body-from-file option of the transports: the libcurl one against
// a loopback server, the fake one the service tests use.

#include "asc/amazon/ack_feed.hpp"
#include "asc/amazon/feeds_client.hpp"
#include "asc/amazon/lwa.hpp"
#include "asc/amazon/rate_limit.hpp"
#include "asc/amazon/ship_confirm.hpp"
#include "asc/amazon/sp_api.hpp"
#include "asc/base/errors.hpp"
#include "asc/base/temp_file.hpp"
#include "asc/http/http.hpp"
#include "fake_clock.hpp"
#include "fake_http_server.hpp"
#include "fake_transport.hpp"

#include <cstdlib>
#include <deque>
#include <doctest/doctest.h>
#include <filesystem>
#include <fmt/format.h>
#include <pugixml.hpp>
#include <sstream>
#include <string>
#include <sys/stat.h>
#include <vector>

namespace fs = std::filesystem;

namespace {

// Sets TMPDIR to a fresh directory for the life of the object.
struct ScopedTmpdir {
    fs::path dir;
    std::string old;
    bool had_old = false;

    ScopedTmpdir() {
        dir = fs::temp_directory_path() / fmt::format("asc-unit-tmp-{}-{}", ::getpid(), counter()++);
        fs::create_directories(dir);
        if (const char* v = std::getenv("TMPDIR")) {
            old = v;
            had_old = true;
        }
        ::setenv("TMPDIR", dir.c_str(), 1);
    }
    ~ScopedTmpdir() {
        if (had_old) {
            ::setenv("TMPDIR", old.c_str(), 1);
        } else {
            ::unsetenv("TMPDIR");
        }
        std::error_code ignored;
        fs::remove_all(dir, ignored);
    }
    ScopedTmpdir(const ScopedTmpdir&) = delete;
    ScopedTmpdir& operator=(const ScopedTmpdir&) = delete;

    [[nodiscard]] std::size_t entries() const {
        return static_cast<std::size_t>(std::distance(fs::directory_iterator(dir), fs::directory_iterator()));
    }
    static int& counter() {
        static int n = 0;
        return n;
    }
};

bool fd_open(int fd) {
    struct stat st {};
    return ::fstat(fd, &st) == 0;
}

std::vector<asc::AckMessage> messages(int n) {
    std::vector<asc::AckMessage> out;
    for (int i = 1; i <= n; ++i) {
        out.push_back({static_cast<std::uint64_t>(i), fmt::format("111-{:07}-{:07}", i, i * 3),
                       {fmt::format("{:014}", i), fmt::format("{:014}", i + 1'000'000)},
                       asc::CancelReason::NoInventory});
    }
    return out;
}

constexpr const char* k_presigned = "https://tortuga-prod-na.s3-external-1.amazonaws.com/doc?X-Amz-Signature=abc";

struct FeedsHarness {
    asc_test::FakeClock clock;
    asc_test::FakeTransport sp;
    asc_test::FakeTransport raw;
    asc::RateLimiter limiter{clock, false};
    asc::LwaAuth auth{sp, clock,
                      asc::LwaCredentials{"https://api.amazon.com/auth/o2/token", "client", "secret", "Atzr|r"}, {}};
    asc::SpApiClient api{sp, auth, limiter, clock, "https://sellingpartnerapi-na.amazon.com",
                         asc::RetryPolicy{1, std::chrono::milliseconds{1}, std::chrono::milliseconds{1}}};
    asc::FeedsClient feeds{api, raw, clock};
};

} // namespace

TEST_SUITE_BEGIN("core::body_file");

TEST_CASE("a temporary file is 0600, has no name from the start, and is closed by its destructor") {
    ScopedTmpdir tmp;
    int fd = -1;
    {
        asc::TempFile file("feed");
        fd = file.fd();
        REQUIRE(fd >= 0);
        CHECK(file.directory() == tmp.dir.string());
        struct stat st {};
        REQUIRE(::fstat(fd, &st) == 0);
        CHECK((st.st_mode & 0777) == 0600);
        CHECK(st.st_nlink == 0); // unlinked: nothing can be left behind, not even by kill -9
        CHECK(tmp.entries() == 0);
        file.write("abc");
        file.write(std::string(200'000, 'x')); // larger than the buffer
        file.write("def");
        CHECK(file.size() == 200'006);
        file.flush();
        const std::string back = asc::read_body_file({file.fd(), file.size()});
        CHECK(back.substr(0, 4) == "abcx");
        CHECK(back.ends_with("xdef"));
        CHECK(back.size() == 200'006);
    }
    CHECK_FALSE(fd_open(fd));
    CHECK(tmp.entries() == 0);
}

TEST_CASE("a temporary file in a directory that does not exist is a temporary error naming TMPDIR") {
    ScopedTmpdir tmp;
    ::setenv("TMPDIR", (tmp.dir / "missing").c_str(), 1);
    try {
        asc::TempFile file("feed");
        FAIL("expected an error");
    } catch (const asc::Error& e) {
        CHECK(e.kind() == asc::ErrorKind::Temporary);
        CHECK(std::string(e.what()).find("missing") != std::string::npos);
        CHECK(e.hint().find("TMPDIR") != std::string::npos);
    }
}

TEST_CASE("a body file shorter than its size cannot be read") {
    ScopedTmpdir tmp;
    asc::TempFile file("feed");
    file.write("short");
    file.flush();
    CHECK_THROWS_AS((void)asc::read_body_file({file.fd(), 10}), asc::Error);
}

TEST_CASE("the feed writer writes build_ack_feed's bytes in pieces") {
    const auto all = messages(3000);
    const std::string whole = asc::build_ack_feed("A1SELLER", all);
    std::string pieces;
    int calls = 0;
    asc::AckFeedWriter writer("A1SELLER", [&](std::string_view bytes) {
        pieces += bytes;
        ++calls;
    });
    for (const auto& m : all) {
        writer.add(m);
    }
    writer.finish();
    CHECK(pieces == whole);
    CHECK(writer.messages() == 3000);
    CHECK(calls > 5); // it went out as it was written, not at the end only

    asc::AckFeedWriter empty("A1SELLER", [](std::string_view) {});
    CHECK_THROWS_AS(empty.finish(), std::invalid_argument);
    asc::AckFeedWriter bad("A1SELLER", [](std::string_view) {});
    CHECK_THROWS_AS(bad.add(0, "111-0000001-0000003", std::vector<std::string>{"1"}, asc::CancelReason::NoInventory),
                    std::invalid_argument);
    CHECK_THROWS_AS(bad.add(1, "111-0000001-0000003", std::vector<std::string>{}, asc::CancelReason::NoInventory),
                    std::invalid_argument);
}

TEST_CASE("the curl transport PUTs a body from a file byte for byte, the same bytes on every attempt") {
    ScopedTmpdir tmp;
    asc_test::LoopbackServer server([](const std::string&) { return asc_test::http_response(200, ""); });
    auto transport = asc::make_curl_transport({});
    asc::TempFile file("feed");
    std::string body = asc::build_ack_feed("A1SELLER", messages(500));
    file.write(body);
    file.flush();
    asc::HttpRequest request;
    request.method = "PUT";
    request.url = server.url("/doc?X-Amz-Signature=abc");
    request.headers = {{"Content-Type", "text/xml; charset=UTF-8"}};
    request.body_file = asc::BodyFile{file.fd(), file.size()};
    for (int attempt = 0; attempt < 2; ++attempt) {
        const auto response = transport->send(request);
        REQUIRE(response.error == asc::TransportError::None);
        CHECK(response.status == 200);
    }
    const auto requests = server.requests();
    REQUIRE(requests.size() == 2);
    for (const std::string& sent : requests) {
        const std::string head = sent.substr(0, sent.find("\r\n\r\n") + 2);
        CHECK(head.starts_with("PUT /doc?X-Amz-Signature=abc HTTP/1.1\r\n"));
        CHECK(head.find(fmt::format("\r\nContent-Length: {}\r\n", body.size())) != std::string::npos);
        CHECK(head.find("\r\nContent-Type: text/xml; charset=UTF-8\r\n") != std::string::npos);
        CHECK(head.find("Expect") == std::string::npos);
        CHECK(head.find("Transfer-Encoding") == std::string::npos);
        CHECK(sent.substr(sent.find("\r\n\r\n") + 4) == body);
    }
}

TEST_CASE("the curl transport POSTs a body from a file") {
    ScopedTmpdir tmp;
    asc_test::LoopbackServer server([](const std::string&) { return asc_test::http_response(201, "{}"); });
    auto transport = asc::make_curl_transport({});
    asc::TempFile file("body");
    file.write(R"({"a":1})");
    file.flush();
    asc::HttpRequest request;
    request.method = "POST";
    request.url = server.url("/x");
    request.body_file = asc::BodyFile{file.fd(), file.size()};
    CHECK(transport->send(request).status == 201);
    const auto sent = server.requests().at(0);
    CHECK(sent.starts_with("POST /x HTTP/1.1\r\n"));
    CHECK(sent.ends_with("\r\n\r\n{\"a\":1}"));
}

TEST_CASE("upload_file sends the file with only Content-Type, and again from the start after a 5xx") {
    ScopedTmpdir tmp;
    FeedsHarness h;
    std::deque<asc::HttpResponse> answers{asc_test::respond(503, "<Error><Code>SlowDown</Code></Error>"),
                                          asc_test::respond(200, "")};
    h.raw.handler = [&](const asc::HttpRequest&) {
        auto r = answers.front();
        answers.pop_front();
        return r;
    };
    asc::TempFile file("feed");
    const std::string body = asc::build_ack_feed("A1SELLER", messages(20));
    file.write(body);
    file.flush();
    h.feeds.upload_file({"doc1", k_presigned}, asc::k_ack_content_type, {file.fd(), file.size()});
    REQUIRE(h.raw.requests.size() == 2);
    for (const auto& r : h.raw.requests) {
        CHECK(r.method == "PUT");
        CHECK(r.url == k_presigned);
        CHECK(r.body == body);
        REQUIRE(r.headers.size() == 1);
        CHECK(r.headers[0].second == "text/xml; charset=UTF-8");
    }
    CHECK(h.sp.requests.empty());
}

TEST_CASE("the fulfillment feed writer writes, message by message, what pugixml writes for the whole document") {
    std::vector<asc::PackageConfirmation> packages;
    std::vector<std::uint64_t> ids;
    for (int i = 1; i <= 50; ++i) {
        asc::PackageConfirmation p;
        p.order_id = fmt::format("111-{:07}-{:07}", i, i * 3);
        p.carrier_code = i % 2 == 0 ? "UPS" : "Other";
        p.carrier_name = i % 2 == 0 ? "" : "Acme & Co <fast>";
        p.tracking_number = fmt::format("1Z{:08}", i);
        p.ship_date = asc::Timestamp{std::chrono::seconds{1'700'000'000 + i}};
        p.items = {{fmt::format("{:014}", i), 1}, {fmt::format("{:014}", i + 500), 2}};
        packages.push_back(p);
        ids.push_back(static_cast<std::uint64_t>(i));
    }
    std::string streamed;
    int calls = 0;
    asc::FulfillmentFeedWriter writer("SELLER", [&](std::string_view bytes) {
        streamed += bytes;
        ++calls;
    });
    for (std::size_t i = 0; i < packages.size(); ++i) {
        writer.add(packages[i], ids[i]);
    }
    writer.finish();
    CHECK(calls == 52); // the start, one per message, the end
    CHECK(streamed == asc::build_fulfillment_feed("SELLER", packages, ids));
    // The whole document as one pugixml tree, written raw: the same bytes.
    pugi::xml_document doc;
    REQUIRE(doc.load_buffer(streamed.data(), streamed.size(), pugi::parse_default | pugi::parse_declaration));
    std::ostringstream whole;
    doc.save(whole, "", pugi::format_raw, pugi::encoding_utf8);
    CHECK(whole.str() == streamed);
    CHECK(std::distance(doc.child("AmazonEnvelope").children("Message").begin(),
                        doc.child("AmazonEnvelope").children("Message").end()) == 50);

    asc::FulfillmentFeedWriter empty("SELLER", [](std::string_view) {});
    CHECK_THROWS_AS(empty.finish(), std::invalid_argument);
    packages[0].items.clear();
    CHECK_THROWS_AS(empty.add(packages[0], 1), std::invalid_argument);
}

TEST_SUITE_END();
