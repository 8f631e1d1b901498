// Login with Amazon: the refresh-token grant, its errors, and the token cache.

#include "asc/amazon/lwa.hpp"
#include "asc/base/errors.hpp"
#include "fake_clock.hpp"
#include "fake_transport.hpp"

#include <cstdlib>
#include <doctest/doctest.h>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sys/stat.h>

using namespace std::chrono_literals;
using asc_test::FakeClock;
using asc_test::FakeTransport;
using asc_test::respond;
namespace fs = std::filesystem;

namespace {

constexpr const char* k_secret = "amzn1.oa2-cs.v1.TOPSECRETCLIENTSECRET";
constexpr const char* k_refresh = "Atzr|IwEBIREFRESHTOKENVALUE+/=";

asc::LwaCredentials credentials() {
    return {"https://api.amazon.com/auth/o2/token", "amzn1.application-oa2-client.abc", k_secret, k_refresh};
}

asc::HttpResponse token_response(const std::string& token, int expires_in = 3600) {
    return respond(200, nlohmann::json{{"access_token", token},
                                       {"refresh_token", k_refresh},
                                       {"token_type", "bearer"},
                                       {"expires_in", expires_in}}
                            .dump());
}

// A fresh private directory, removed afterwards.
class TempDir {
  public:
    TempDir() {
        std::string pattern = (fs::temp_directory_path() / "asc-lwa-test-XXXXXX").string();
        REQUIRE(::mkdtemp(pattern.data()) != nullptr);
        m_path = pattern;
    }
    ~TempDir() {
        std::error_code ec;
        fs::remove_all(m_path, ec);
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    TempDir(TempDir&&) = delete;
    TempDir& operator=(TempDir&&) = delete;
    [[nodiscard]] const fs::path& path() const { return m_path; }

  private:
    fs::path m_path;
};

std::vector<fs::path> token_files(const fs::path& dir) {
    std::vector<fs::path> out;
    if (!fs::exists(dir)) {
        return out;
    }
    for (const auto& entry : fs::directory_iterator(dir)) {
        out.push_back(entry.path());
    }
    return out;
}

unsigned mode_of(const fs::path& p) {
    struct stat st {};
    REQUIRE(::stat(p.c_str(), &st) == 0);
    return st.st_mode & 07777U;
}

void check_no_secrets(const asc::Error& e) {
    const std::string text = std::string(e.what()) + " " + e.hint();
    CHECK(text.find(k_secret) == std::string::npos);
    CHECK(text.find("REFRESHTOKENVALUE") == std::string::npos);
    CHECK(text.find("Atza|") == std::string::npos);
}

} // namespace

TEST_SUITE_BEGIN("core::LwaAuth");

TEST_CASE("LWA: the refresh-token grant is a form POST with every credential encoded") {
    FakeClock clock;
    FakeTransport http;
    http.then(token_response("Atza|first"));
    asc::LwaAuth auth(http, clock, credentials(), {});
    CHECK(auth.access_token() == "Atza|first");

    REQUIRE(http.requests.size() == 1);
    const auto& r = http.requests[0];
    CHECK(r.method == "POST");
    CHECK(r.url == "https://api.amazon.com/auth/o2/token");
    CHECK(FakeTransport::header(r, "content-type").starts_with("application/x-www-form-urlencoded"));
    CHECK(r.body ==
          "grant_type=refresh_token&refresh_token=Atzr%7CIwEBIREFRESHTOKENVALUE%2B%2F%3D"
          "&client_id=amzn1.application-oa2-client.abc&client_secret=amzn1.oa2-cs.v1.TOPSECRETCLIENTSECRET");
}

TEST_CASE("LWA: the token is reused from memory until 60 s before it expires") {
    FakeClock clock;
    FakeTransport http;
    http.then(token_response("Atza|first")).then(token_response("Atza|second"));
    asc::LwaAuth auth(http, clock, credentials(), {});
    CHECK(auth.access_token() == "Atza|first");
    clock.advance(3600s - 61s);
    CHECK(auth.access_token() == "Atza|first");
    CHECK(http.requests.size() == 1);
    clock.advance(2s); // now within the last 60 s
    CHECK(auth.access_token() == "Atza|second");
    CHECK(http.requests.size() == 2);
}

TEST_CASE("LWA: invalidate forces a new grant") {
    FakeClock clock;
    FakeTransport http;
    http.then(token_response("Atza|first")).then(token_response("Atza|second"));
    asc::LwaAuth auth(http, clock, credentials(), {});
    CHECK(auth.access_token() == "Atza|first");
    auth.invalidate();
    CHECK(auth.access_token() == "Atza|second");
}

TEST_CASE("LWA: invalid_grant is an Auth error telling to re-authorize, without secrets") {
    FakeClock clock;
    FakeTransport http;
    http.then(respond(
        400,
        R"({"error":"invalid_grant","error_description":"The request has an invalid grant parameter : refresh_token"})"));
    asc::LwaAuth auth(http, clock, credentials(), {});
    try {
        auth.access_token();
        FAIL("expected an error");
    } catch (const asc::Error& e) {
        CHECK(e.kind() == asc::ErrorKind::Auth);
        CHECK(std::string(e.what()) == "Login with Amazon rejected the refresh token (invalid_grant)");
        CHECK(e.hint().find("re-authorize the app in Seller Central") != std::string::npos);
        CHECK(e.hint().find("refresh token") != std::string::npos);
        check_no_secrets(e);
    }
    CHECK(http.requests.size() == 1); // not retried
}

TEST_CASE("LWA: invalid_client is an Auth error about the 180-day secret rotation") {
    FakeClock clock;
    FakeTransport http;
    http.then(
        respond(401, R"({"error":"invalid_client","error_description":"Client authentication failed"})"));
    asc::LwaAuth auth(http, clock, credentials(), {});
    try {
        auth.access_token();
        FAIL("expected an error");
    } catch (const asc::Error& e) {
        CHECK(e.kind() == asc::ErrorKind::Auth);
        CHECK(std::string(e.what()).find("invalid_client") != std::string::npos);
        CHECK(e.hint().find("client secret is wrong or expired") != std::string::npos);
        CHECK(e.hint().find("180 days") != std::string::npos);
        CHECK(e.hint().find("Developer Console") != std::string::npos);
        check_no_secrets(e);
    }
}

TEST_CASE("LWA: another 4xx is an Auth error with LWA's description") {
    FakeClock clock;
    FakeTransport http;
    http.then(
        respond(400, R"({"error":"unsupported_grant_type","error_description":"Grant type not supported"})"));
    asc::LwaAuth auth(http, clock, credentials(), {});
    try {
        auth.access_token();
        FAIL("expected an error");
    } catch (const asc::Error& e) {
        CHECK(e.kind() == asc::ErrorKind::Auth);
        CHECK(std::string(e.what()).find("unsupported_grant_type: Grant type not supported") !=
              std::string::npos);
        CHECK(std::string(e.what()).find("HTTP 400") != std::string::npos);
        check_no_secrets(e);
    }
}

TEST_CASE("LWA: network errors and 5xx are retried, then Temporary") {
    FakeClock clock;
    FakeTransport http;
    SUBCASE("recovers") {
        http.then(asc_test::transport_error(asc::TransportError::Timeout))
            .then(respond(503, "busy"))
            .then(token_response("Atza|finally"));
        asc::LwaAuth auth(http, clock, credentials(), {});
        CHECK(auth.access_token() == "Atza|finally");
        CHECK(http.requests.size() == 3);
        CHECK(clock.sleeps.size() == 2);
    }
    SUBCASE("gives up") {
        http.handler = [](const asc::HttpRequest&) { return respond(500, "oops"); };
        asc::LwaAuth auth(http, clock, credentials(), {});
        try {
            auth.access_token();
            FAIL("expected an error");
        } catch (const asc::Error& e) {
            CHECK(e.kind() == asc::ErrorKind::Temporary);
            CHECK(std::string(e.what()).find("Login with Amazon") != std::string::npos);
            CHECK(std::string(e.what()).find("HTTP 500") != std::string::npos);
            check_no_secrets(e);
        }
        CHECK(http.requests.size() == 3);
    }
    SUBCASE("a 200 without a token is retried as malformed") {
        http.then(respond(200, "<html>"))
            .then(respond(200, R"({"expires_in":3600})"))
            .then(token_response("Atza|ok"));
        asc::LwaAuth auth(http, clock, credentials(), {});
        CHECK(auth.access_token() == "Atza|ok");
    }
}

TEST_CASE("LWA disk cache: a second instance reuses the cached token") {
    const TempDir dir;
    const fs::path cache = dir.path() / "asc";
    FakeClock clock;
    FakeTransport http;
    http.then(token_response("Atza|cached"));
    {
        asc::LwaAuth first(http, clock, credentials(), cache);
        CHECK(first.access_token() == "Atza|cached");
    }
    clock.advance(30min);
    asc::LwaAuth second(http, clock, credentials(), cache);
    CHECK(second.access_token() == "Atza|cached");
    CHECK(http.requests.size() == 1); // no second token request

    const auto files = token_files(cache);
    REQUIRE(files.size() == 1);
    const std::string name = files[0].filename().string();
    CHECK(name.starts_with("token-"));
    CHECK(name.ends_with(".json"));
    CHECK(name.size() == std::string("token-").size() + 16 + std::string(".json").size());
    CHECK(mode_of(files[0]) == 0600U);
    CHECK(mode_of(cache) == 0700U);
    std::ifstream in(files[0]);
    const auto j = nlohmann::json::parse(in);
    CHECK(j.at("access_token") == "Atza|cached");
    CHECK(j.at("expires_at").is_number_integer());
    CHECK_FALSE(j.contains("refresh_token"));
}

TEST_CASE("LWA disk cache: an expired cached token is not used") {
    const TempDir dir;
    FakeClock clock;
    FakeTransport http;
    http.then(token_response("Atza|old")).then(token_response("Atza|new"));
    {
        asc::LwaAuth first(http, clock, credentials(), dir.path());
        CHECK(first.access_token() == "Atza|old");
    }
    clock.advance(3600s - 30s); // inside the 60 s margin
    asc::LwaAuth second(http, clock, credentials(), dir.path());
    CHECK(second.access_token() == "Atza|new");
    CHECK(http.requests.size() == 2);
}

TEST_CASE("LWA disk cache: a file others can read, or with bad content, is ignored and rewritten") {
    const TempDir dir;
    FakeClock clock;
    FakeTransport http;
    http.then(token_response("Atza|one")).then(token_response("Atza|two"));
    {
        asc::LwaAuth first(http, clock, credentials(), dir.path());
        CHECK(first.access_token() == "Atza|one");
    }
    const auto files = token_files(dir.path());
    REQUIRE(files.size() == 1);

    SUBCASE("world-readable") {
        fs::permissions(files[0], fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read |
                                      fs::perms::others_read);
    }
    SUBCASE("garbage") {
        std::ofstream(files[0], std::ios::trunc) << "not json";
    }
    SUBCASE("wrong shape") {
        std::ofstream(files[0], std::ios::trunc) << R"({"access_token":42,"expires_at":"soon"})";
    }
    asc::LwaAuth second(http, clock, credentials(), dir.path());
    CHECK(second.access_token() == "Atza|two");
    CHECK(http.requests.size() == 2);
    CHECK(mode_of(files[0]) == 0600U);
    std::ifstream in(files[0]);
    CHECK(nlohmann::json::parse(in).at("access_token") == "Atza|two");
    CHECK(token_files(dir.path()).size() == 1); // no temporary files left behind
}

TEST_CASE("LWA disk cache: invalidate removes the cached token") {
    const TempDir dir;
    FakeClock clock;
    FakeTransport http;
    http.then(token_response("Atza|one")).then(token_response("Atza|two"));
    asc::LwaAuth first(http, clock, credentials(), dir.path());
    CHECK(first.access_token() == "Atza|one");
    first.invalidate();
    asc::LwaAuth second(http, clock, credentials(), dir.path());
    CHECK(second.access_token() == "Atza|two");
}

TEST_CASE("LWA disk cache: different credentials use different files") {
    const TempDir dir;
    FakeClock clock;
    FakeTransport http;
    http.then(token_response("Atza|seller-a")).then(token_response("Atza|seller-b"));
    auto other = credentials();
    other.refresh_token = "Atzr|ANOTHERSELLER";
    asc::LwaAuth a(http, clock, credentials(), dir.path());
    asc::LwaAuth b(http, clock, other, dir.path());
    CHECK(a.access_token() == "Atza|seller-a");
    CHECK(b.access_token() == "Atza|seller-b");
    CHECK(token_files(dir.path()).size() == 2);
}

TEST_SUITE_END();
