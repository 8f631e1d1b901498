// Times as users type them (RFC 3339, dates, "90m") and as Amazon wants them (UTC with 'Z').

#include "asc/base/errors.hpp"
#include "asc/base/time.hpp"

#include <doctest/doctest.h>

using namespace std::chrono_literals;
using asc::Timestamp;

namespace {

Timestamp at(int y, unsigned m, unsigned d, int hh = 0, int mm = 0, int ss = 0) {
    return Timestamp{
               std::chrono::sys_days{std::chrono::year{y} / std::chrono::month{m} / std::chrono::day{d}}} +
           std::chrono::hours{hh} + std::chrono::minutes{mm} + std::chrono::seconds{ss};
}

} // namespace

TEST_SUITE_BEGIN("core::time");

TEST_CASE("time: parse_rfc3339 accepts Z, offsets, fractions and separators") {
    SUBCASE("Z") {
        CHECK(asc::parse_rfc3339("2026-11-01T10:00:00Z") == at(2026, 11, 1, 10));
        CHECK(asc::parse_rfc3339("2026-11-01T10:00:00z") == at(2026, 11, 1, 10));
    }
    SUBCASE("positive offset is subtracted") {
        CHECK(asc::parse_rfc3339("2026-11-01T10:00:00+02:00") == at(2026, 11, 1, 8));
    }
    SUBCASE("negative offset crosses midnight") {
        CHECK(asc::parse_rfc3339("2026-11-01T22:30:00-05:30") == at(2026, 11, 2, 4));
    }
    SUBCASE("fractional seconds are truncated") {
        CHECK(asc::parse_rfc3339("2026-11-01T10:00:05.999Z") == at(2026, 11, 1, 10, 0, 5));
        CHECK(asc::parse_rfc3339("2026-11-01T10:00:00.123+02:00") == at(2026, 11, 1, 8));
    }
    SUBCASE("lower-case t and space separators") {
        CHECK(asc::parse_rfc3339("2026-11-01t10:00:00Z") == at(2026, 11, 1, 10));
        CHECK(asc::parse_rfc3339("2026-11-01 10:00:00Z") == at(2026, 11, 1, 10));
    }
    SUBCASE("leap day") {
        CHECK(asc::parse_rfc3339("2028-02-29T00:00:00Z") == at(2028, 2, 29));
    }
}

TEST_CASE("time: parse_rfc3339 rejects malformed text") {
    for (const char* bad :
         {"", "2026-11-01", "2026-11-01T10:00:00", "2026-11-01T10:00Z", "2026-13-01T10:00:00Z",
          "2026-02-30T10:00:00Z", "2027-02-29T00:00:00Z", "2026-11-01T24:00:00Z", "2026-11-01T10:60:00Z",
          "2026-11-01T10:00:00.Z", "2026-11-01T10:00:00+0200", "2026-11-01T10:00:00Z ", "26-11-01T10:00:00Z",
          "2026-11-01X10:00:00Z", "2026-11-01T10:00:00+24:00"}) {
        CAPTURE(bad);
        CHECK_FALSE(asc::parse_rfc3339(bad).has_value());
    }
}

TEST_CASE("time: parse_time_arg takes RFC 3339, dates and durations back from now") {
    const Timestamp now = at(2026, 11, 10, 12);
    CHECK(asc::parse_time_arg("2026-11-01T10:00:00Z", now) == at(2026, 11, 1, 10));
    CHECK(asc::parse_time_arg("2026-11-01", now) == at(2026, 11, 1));
    CHECK(asc::parse_time_arg("30s", now) == now - 30s);
    CHECK(asc::parse_time_arg("90m", now) == now - 90min);
    CHECK(asc::parse_time_arg("24h", now) == now - 24h);
    CHECK(asc::parse_time_arg("7d", now) == at(2026, 11, 3, 12));
    CHECK(asc::parse_time_arg("2w", now) == at(2026, 10, 27, 12));
}

TEST_CASE("time: parse_time_arg rejects other input with a Usage error and the accepted forms") {
    const Timestamp now = at(2026, 11, 10, 12);
    for (const char* bad : {"", "tomorrow", "90", "7x", "-7d", "2026-02-30", "2026/11/01", "h", "7 d",
                            "2026-11-01T10:00:00"}) {
        CAPTURE(bad);
        try {
            (void)asc::parse_time_arg(bad, now);
            FAIL("expected an error");
        } catch (const asc::Error& e) {
            CHECK(e.kind() == asc::ErrorKind::Usage);
            CHECK(std::string(e.what()) == std::string("invalid time '") + bad + "'");
            CHECK(e.hint() == "use RFC 3339 (2026-11-01T10:00:00Z), a date (2026-11-01), today, yesterday, "
                              "or a duration back from now (90m, 24h, 7d)");
        }
    }
}

TEST_CASE("time: today and yesterday are midnight UTC of those days; now is now") {
    const Timestamp now = at(2026, 11, 10, 12);
    CHECK(asc::parse_time_arg("today", now) == at(2026, 11, 10, 0));
    CHECK(asc::parse_time_arg("Yesterday", now) == at(2026, 11, 9, 0));
    CHECK(asc::parse_time_arg("now", now) == now);
}

TEST_CASE("time: plain seconds where a number was accepted before; one duration syntax") {
    CHECK(asc::parse_duration_or_seconds("90") == std::chrono::seconds(90));
    CHECK(asc::parse_duration_or_seconds("0") == std::chrono::seconds(0));
    CHECK(asc::parse_duration_or_seconds("2m") == std::chrono::seconds(120));
    CHECK_THROWS_AS((void)asc::parse_duration_or_seconds("2x"), asc::Error);
    CHECK_THROWS_AS((void)asc::parse_duration_or_seconds(""), asc::Error);
}

TEST_CASE("time: format_duration is short, with seconds only under an hour") {
    CHECK(asc::format_duration(std::chrono::seconds(45)) == "45s");
    CHECK(asc::format_duration(std::chrono::seconds(178)) == "2m58s");
    CHECK(asc::format_duration(std::chrono::seconds(120)) == "2m");
    CHECK(asc::format_duration(std::chrono::seconds(5400)) == "1h30m");
    CHECK(asc::format_duration(std::chrono::seconds(2 * 86400 + 3 * 3600 + 59)) == "2d3h");
}

TEST_CASE("time: parse_duration") {
    CHECK(asc::parse_duration("30s") == 30s);
    CHECK(asc::parse_duration("90m") == 90min);
    CHECK(asc::parse_duration("24h") == 24h);
    CHECK(asc::parse_duration("7d") == 7 * 24h);
    CHECK(asc::parse_duration("2w") == 14 * 24h);
    CHECK(asc::parse_duration("1h30m") == 90min);
    for (const char* bad : {"", "m", "10", "10x", "1.5h", " 10m", "99999999999999999999d"}) {
        CAPTURE(bad);
        CHECK_THROWS_AS((void)asc::parse_duration(bad), asc::Error);
    }
}

TEST_CASE("time: format_rfc3339 is UTC with Z and round-trips") {
    CHECK(asc::format_rfc3339(at(2026, 11, 1, 10, 0, 0)) == "2026-11-01T10:00:00Z");
    CHECK(asc::format_rfc3339(at(1970, 1, 1)) == "1970-01-01T00:00:00Z");
    CHECK(asc::format_rfc3339(at(2028, 2, 29, 23, 59, 59)) == "2028-02-29T23:59:59Z");
    const auto t = asc::parse_rfc3339("2026-11-01T10:00:00.5-07:00");
    REQUIRE(t.has_value());
    CHECK(asc::format_rfc3339(*t) == "2026-11-01T17:00:00Z");
    CHECK(asc::parse_rfc3339(asc::format_rfc3339(*t)) == t);
}

TEST_CASE("time: format_relative for humans") {
    const Timestamp now = at(2026, 11, 10, 12);
    CHECK(asc::format_relative(now, now) == "just now");
    CHECK(asc::format_relative(now - 59s, now) == "just now");
    CHECK(asc::format_relative(now - 1min, now) == "1 minute ago");
    CHECK(asc::format_relative(now - 5min, now) == "5 minutes ago");
    CHECK(asc::format_relative(now - 3h, now) == "3 hours ago");
    CHECK(asc::format_relative(now - 1h - 59min, now) == "1 hour ago");
    CHECK(asc::format_relative(now - 48h, now) == "2 days ago");
    CHECK(asc::format_relative(now + 4h, now) == "in 4 hours");
    CHECK(asc::format_relative(now + 48h, now) == "in 2 days");
    CHECK(asc::format_relative(now - 90 * 24h, now) == "3 months ago");
    CHECK(asc::format_relative(now - 800 * 24h, now) == "2 years ago");
}

TEST_CASE("time: now_seconds is close to the system clock") {
    const auto sys = std::chrono::system_clock::now();
    const auto now = asc::now_seconds();
    CHECK(std::chrono::abs(sys - now) < 5s);
}

TEST_SUITE_END();
