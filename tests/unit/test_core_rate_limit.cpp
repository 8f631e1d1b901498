// Client-side pacing: Amazon's token buckets, with a fake clock.

#include "asc/amazon/rate_limit.hpp"
#include "fake_clock.hpp"

#include <doctest/doctest.h>
#include <filesystem>
#include <fstream>
#include <unistd.h>

using namespace std::chrono_literals;
using asc_test::FakeClock;

TEST_SUITE_BEGIN("core::RateLimiter");

TEST_CASE("default plans match Amazon's usage plans") {
    CHECK(asc::default_plan("searchOrders")->rate == doctest::Approx(0.0056));
    CHECK(asc::default_plan("searchOrders")->burst == 20);
    CHECK(asc::default_plan("getOrder")->rate == doctest::Approx(0.5));
    CHECK(asc::default_plan("getOrder")->burst == 30);
    CHECK(asc::default_plan("createFeedDocument")->burst == 15);
    CHECK(asc::default_plan("createFeed")->rate == doctest::Approx(0.0083));
    CHECK(asc::default_plan("getFeed")->rate == doctest::Approx(2.0));
    CHECK(asc::default_plan("getFeeds")->burst == 10);
    CHECK(asc::default_plan("getFeedDocument")->rate == doctest::Approx(0.0222));
    CHECK(asc::default_plan("cancelFeed")->burst == 15);
    CHECK(asc::default_plan("confirmShipment")->burst == 10);
    CHECK(asc::default_plan("createRestrictedDataToken")->rate == doctest::Approx(1.0));
    CHECK_FALSE(asc::default_plan("noSuchOperation").has_value());
}

TEST_CASE("a bucket starts full, allows a burst, then paces at its rate") {
    FakeClock clock;
    asc::TokenBucket bucket({0.5, 3}, clock.now());
    for (int i = 0; i < 3; ++i) {
        REQUIRE(bucket.wait_time(clock.now()) == 0ns);
        bucket.take(clock.now());
    }
    CHECK(bucket.wait_time(clock.now()) == 2s); // one token per 2 s
    clock.advance(500ms);
    CHECK(bucket.wait_time(clock.now()) == 1500ms);
    clock.advance(1500ms);
    CHECK(bucket.wait_time(clock.now()) == 0ns);
}

TEST_CASE("a bucket never holds more than its burst") {
    FakeClock clock;
    asc::TokenBucket bucket({1.0, 2}, clock.now());
    clock.advance(1h);
    bucket.take(clock.now());
    bucket.take(clock.now());
    CHECK(bucket.wait_time(clock.now()) == 1s);
}

TEST_CASE("the limiter hands out a burst and then the wait for the next token") {
    FakeClock clock;
    asc::RateLimiter limiter(clock);
    for (int i = 0; i < 30; ++i) {
        REQUIRE(limiter.acquire("getOrder") == 0ns);
    }
    const auto wait = limiter.acquire("getOrder");
    CHECK(wait == 2s);
    clock.sleep_for(wait);
    CHECK(limiter.acquire("getOrder") == 0ns);
    CHECK(limiter.acquire("getOrder") > 0ns);
}

TEST_CASE("searchOrders allows 20 at once and then one about every 3 minutes") {
    FakeClock clock;
    asc::RateLimiter limiter(clock);
    for (int i = 0; i < 20; ++i) {
        REQUIRE(limiter.acquire("searchOrders") == 0ns);
    }
    const auto wait = limiter.acquire("searchOrders");
    CHECK(wait > 178s);
    CHECK(wait < 179s); // 1 / 0.0056 = 178.57 s
}

TEST_CASE("buckets are per operation") {
    FakeClock clock;
    asc::RateLimiter limiter(clock);
    for (int i = 0; i < 15; ++i) {
        REQUIRE(limiter.acquire("createFeed") == 0ns);
    }
    CHECK(limiter.acquire("createFeed") > 0ns);
    CHECK(limiter.acquire("getFeed") == 0ns);
}

TEST_CASE("x-amzn-RateLimit-Limit adjusts the rate and keeps the burst") {
    FakeClock clock;
    asc::RateLimiter limiter(clock);
    for (int i = 0; i < 30; ++i) {
        REQUIRE(limiter.acquire("getOrder") == 0ns);
    }
    limiter.observe_limit_header("getOrder", "0.1");
    CHECK(limiter.acquire("getOrder") == 10s);

    SUBCASE("a malformed or zero header is ignored") {
        limiter.observe_limit_header("getOrder", "fast");
        limiter.observe_limit_header("getOrder", "0");
        limiter.observe_limit_header("getOrder", "-1");
        limiter.observe_limit_header("getOrder", "");
        CHECK(limiter.acquire("getOrder") == 10s);
    }
    SUBCASE("a rate that would stall or switch off pacing is ignored, and says why") {
        // 0.00001 would be a 28-hour wait; 1e-300 overflows the wait; 1e9 is not a plan.
        for (const char* value : {"0.00001", "1e-300", "1e9", "nan", "inf", "0.0001", "1e308"}) {
            CAPTURE(value);
            const std::string why = limiter.observe_limit_header("getOrder", value);
            CHECK(why.find("pacing stays at 0.5") != std::string::npos);
        }
        CHECK(limiter.acquire("getOrder") == 10s);
        CHECK(limiter.observe_limit_header("getOrder", "0.0055").empty()); // seen in the field
    }
    SUBCASE("surrounding spaces are fine") {
        limiter.observe_limit_header("getOrder", " 1.0 ");
        CHECK(limiter.acquire("getOrder") == 1s);
    }
}

TEST_CASE("a 429 drains the bucket") {
    FakeClock clock;
    asc::RateLimiter limiter(clock);
    REQUIRE(limiter.acquire("getFeed") == 0ns); // 14 tokens left
    limiter.observe_throttled("getFeed");
    CHECK(limiter.acquire("getFeed") == 500ms); // rate 2/s from empty
}

TEST_CASE("unknown operations are not paced until Amazon names their rate") {
    FakeClock clock;
    asc::RateLimiter limiter(clock);
    for (int i = 0; i < 100; ++i) {
        REQUIRE(limiter.acquire("someNewOperation") == 0ns);
    }
    limiter.observe_limit_header("someNewOperation", "0.5");
    REQUIRE(limiter.acquire("someNewOperation") == 0ns); // a bucket of one, full
    CHECK(limiter.acquire("someNewOperation") == 2s);
}

TEST_CASE("a disabled limiter never waits") {
    FakeClock clock;
    asc::RateLimiter limiter(clock, false);
    CHECK_FALSE(limiter.enabled());
    for (int i = 0; i < 100; ++i) {
        REQUIRE(limiter.acquire("searchOrders") == 0ns);
    }
    limiter.observe_throttled("searchOrders");
    CHECK(limiter.acquire("searchOrders") == 0ns);
}

TEST_CASE("buckets kept in a file carry over to the next process: no 429 to relearn them") {
    const auto dir = std::filesystem::temp_directory_path() / ("asc-rate-" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir);
    const auto file = dir / "rate-limits" / "prod@host";
    FakeClock clock;
    {
        asc::RateLimiter first(clock);
        first.set_persistence(asc::make_bucket_file(file));
        first.observe_limit_header("searchOrders", "0.5");
        for (int i = 0; i < 20; ++i) {
            CHECK(first.acquire("searchOrders") == 0ns); // the burst
        }
        CHECK(first.acquire("searchOrders") > 0ns);
    }
    CHECK((std::filesystem::status(file).permissions() & std::filesystem::perms::group_all) ==
          std::filesystem::perms::none);
    // A new process right after: it knows the bucket is empty and the announced rate (0.5/s).
    asc::RateLimiter second(clock);
    second.set_persistence(asc::make_bucket_file(file));
    CHECK(second.acquire("searchOrders") == 2s);
    CHECK(second.rate("searchOrders") == 0.5);
    // Time passes between processes: the saved bucket refills with it.
    clock.advance(3s);
    asc::RateLimiter third(clock);
    third.set_persistence(asc::make_bucket_file(file));
    CHECK(third.acquire("searchOrders") == 0ns);
    CHECK(third.acquire("searchOrders") > 0ns);
    // A 429 seen by one process empties the bucket for the next.
    clock.advance(40s);
    third.observe_throttled("getOrder");
    asc::RateLimiter fourth(clock);
    fourth.set_persistence(asc::make_bucket_file(file));
    CHECK(fourth.acquire("getOrder") > 0ns);
    std::filesystem::remove_all(dir);
}

TEST_CASE("a bucket handed to the next process keeps sub-millisecond time: no refill the server never gave") {
    // A fast plan (one token a millisecond) makes a truncated millisecond a whole token: the
    // bucket emptied 0.999 ms into a millisecond and read 0.5 ms later has half a token, not one.
    FakeClock clock;
    clock.advance(999us);
    std::string text;
    const auto shared = [&](const std::function<void(std::string&)>& fn) { fn(text); };
    {
        asc::RateLimiter first(clock);
        first.set_persistence(asc::make_bucket_text(shared));
        first.observe_limit_header("searchOrders", "1000");
        first.observe_throttled("searchOrders"); // empty
    }
    CHECK(text.find(".999\n") != std::string::npos);
    clock.advance(500us);
    asc::RateLimiter second(clock);
    second.set_persistence(asc::make_bucket_text(shared));
    CHECK(second.acquire("searchOrders") == 500us);
    clock.advance(500us);
    CHECK(second.acquire("searchOrders") == 0ns);
}

TEST_CASE("a bucket handed from process to process gains no refill from the time the hand-off takes") {
    // Every clock reading moves time on, as on a real machine: each process must save its bucket
    // as of the instant it computed it, or the next one counts the refill in between twice.
    FakeClock clock;
    clock.tick = 10us;
    std::string text;
    const auto shared = [&](const std::function<void(std::string&)>& fn) { fn(text); };
    const auto before = clock.now();
    {
        asc::RateLimiter first(clock);
        first.set_persistence(asc::make_bucket_text(shared));
        first.observe_limit_header("searchOrders", "100"); // a token every 10 ms
        first.observe_throttled("searchOrders");           // empty
    }
    for (int i = 0; i < 40; ++i) {
        asc::RateLimiter next(clock);
        next.set_persistence(asc::make_bucket_text(shared));
        const auto wait = next.acquire("searchOrders");
        const auto elapsed = clock.now() - before; // at least the time the bucket had to refill
        CHECK(wait >= 10ms - elapsed);
    }
}

TEST_CASE("saved buckets: the time reads with or without its microsecond fraction") {
    const auto b = asc::parse_saved_buckets("getOrder 1.5 0.5 1795771983242.125\n"
                                            "searchOrders 3 0.0056 1795771983242\n"
                                            "getFeed 1 2 1795771983242.1\n"
                                            "createFeed 1 2 1795771983242.1234\n" // four digits: damaged
                                            "getFeeds 1 2 1795771983242.\n"
                                            "getReport 1 2 -5.000\n");
    REQUIRE(b.size() == 3);
    CHECK(b.at("getOrder").refilled_at_us == 1795771983242125);
    CHECK(b.at("getOrder").tokens == 1.5);
    CHECK(b.at("searchOrders").refilled_at_us == 1795771983242000);
    CHECK(b.at("getFeed").refilled_at_us == 1795771983242100);
    CHECK(asc::format_saved_buckets(b) == "getFeed 1 2 1795771983242.100\n"
                                         "getOrder 1.5 0.5 1795771983242.125\n"
                                         "searchOrders 3 0.0056 1795771983242.000\n");
}

TEST_CASE("a damaged or unwritable bucket file is not an error: pacing from memory") {
    const auto dir = std::filesystem::temp_directory_path() / ("asc-rate-bad-" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    {
        std::ofstream(dir / "f") << "searchOrders nonsense 1 2\ngarbage\n";
    }
    FakeClock clock;
    asc::RateLimiter limiter(clock);
    limiter.set_persistence(asc::make_bucket_file(dir / "f"));
    CHECK(limiter.acquire("searchOrders") == 0ns); // a full bucket, as without a file
    asc::RateLimiter nowhere(clock);
    nowhere.set_persistence(asc::make_bucket_file("/proc/asc-no-such-dir/f"));
    CHECK(nowhere.acquire("getOrder") == 0ns);
    std::filesystem::remove_all(dir);
}

TEST_CASE("a request locks the shared buckets once when Amazon's header repeats the rate") {
    FakeClock clock;
    int updates = 0;
    std::string text;
    asc::RateLimiter limiter(clock);
    limiter.set_persistence(asc::make_bucket_text([&](const std::function<void(std::string&)>& fn) {
        ++updates;
        fn(text);
    }));
    CHECK(limiter.acquire("getOrder") == 0ns);
    CHECK(updates == 1);
    CHECK(limiter.observe_limit_header("getOrder", "2").empty()); // a new rate: saved
    CHECK(updates == 2);
    for (int i = 0; i < 5; ++i) {
        CHECK(limiter.acquire("getOrder") == 0ns);
        CHECK(limiter.observe_limit_header("getOrder", "2").empty()); // the same rate: nothing to save
    }
    CHECK(updates == 7);
    CHECK(text.find("getOrder") != std::string::npos);
    CHECK(text.find(" 2 ") != std::string::npos);
    // Another process's rate, read at the next acquire, is what the next header is compared with.
    text = "getOrder 1 0.5 " + std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(
                                                   clock.wall_now().time_since_epoch()).count()) + "\n";
    CHECK(limiter.acquire("getOrder") == 0ns);
    CHECK(limiter.rate("getOrder") == 0.5);
    CHECK(limiter.observe_limit_header("getOrder", "2").empty());
    CHECK(updates == 9);
    CHECK(limiter.rate("getOrder") == 2.0);
}

TEST_SUITE_END();

TEST_CASE("parse_rate_limit_header accepts the documented bounds only") {
    CHECK(asc::parse_rate_limit_header("0.0056").rate == doctest::Approx(0.0056));
    CHECK(asc::parse_rate_limit_header(" 2 ").rate == doctest::Approx(2.0));
    CHECK(asc::parse_rate_limit_header("10000").rate.has_value()); // asc-sim with its limits off
    CHECK(asc::parse_rate_limit_header("1000000").rate.has_value());
    CHECK_FALSE(asc::parse_rate_limit_header("1000001").rate.has_value());
    CHECK_FALSE(asc::parse_rate_limit_header("0.001").rate.has_value());
    CHECK(asc::parse_rate_limit_header("0.001").problem.find("outside") != std::string::npos);
    CHECK(asc::parse_rate_limit_header("1,5").problem.find("not a number") != std::string::npos);
    CHECK_FALSE(asc::parse_rate_limit_header("-nan").rate.has_value());
}

TEST_CASE("a bucket's wait is bounded even for a plan no header can set") {
    FakeClock clock;
    asc::TokenBucket bucket(asc::RatePlan{1e-300, 1}, clock.now());
    bucket.take(clock.now());
    CHECK(bucket.wait_time(clock.now()) == std::chrono::hours(24));
}
