// Numbers from flags: the ranges that keep a bad value (nan, 1e308, 1e-9) from turning a limit off.

#include "asc/base/errors.hpp"
#include "asc/base/limits.hpp"

#include <doctest/doctest.h>
#include <limits>
#include <string>

using namespace std::chrono_literals;

TEST_SUITE_BEGIN("core::limits");

TEST_CASE("range_error refuses what would turn a timeout off, and says the range") {
    const asc::NumberRange& r = asc::k_request_timeout_range;
    CHECK(asc::range_error(r, 30.0).empty());
    CHECK(asc::range_error(r, 0.1).empty());
    CHECK(asc::range_error(r, 3600.0).empty());
    for (const double bad : {std::numeric_limits<double>::quiet_NaN(), 1e308, 1e-9, 0.0, -5.0, 3600.5,
                             std::numeric_limits<double>::infinity()}) {
        CAPTURE(bad);
        const std::string message = asc::range_error(r, bad);
        CHECK(message.starts_with("--timeout must be a number of seconds from 0.1 to 3600 (got "));
    }
}

TEST_CASE("range_error reads the number as typed") {
    const asc::NumberRange& r = asc::k_request_timeout_range;
    CHECK(asc::range_error(r, "5").empty());
    CHECK(asc::range_error(r, "2.5").empty());
    CHECK(asc::range_error(r, "nan") == "--timeout must be a number of seconds from 0.1 to 3600 (got nan)");
    CHECK(asc::range_error(r, "1e308").find("(got 1e+308)") != std::string::npos);
    CHECK(asc::range_error(r, "1e-9").find("(got 1e-09)") != std::string::npos);
    CHECK(asc::range_error(r, "1e999").find("(got \"1e999\")") != std::string::npos);
    CHECK(asc::range_error(r, "12abc").find("(got \"12abc\")") != std::string::npos);
    CHECK_FALSE(asc::range_error(r, "").empty());
    CHECK(asc::range_error(asc::k_lock_wait_range, "0").empty());
    CHECK_FALSE(asc::range_error(asc::k_lock_wait_range, "-1").empty());
}

TEST_CASE("checked_seconds converts within the range and throws Usage outside") {
    CHECK(asc::checked_seconds(asc::k_request_timeout_range, 2.5) == 2500ms);
    CHECK(asc::checked_seconds(asc::k_feed_wait_range, 0) == 0ms);
    CHECK(asc::checked_seconds(asc::k_feed_wait_range, 7 * 86400) == std::chrono::milliseconds(7LL * 86400 * 1000));
    try {
        (void)asc::checked_seconds(asc::k_feed_wait_range, 8 * 86400);
        FAIL("no throw");
    } catch (const asc::Error& e) {
        CHECK(e.kind() == asc::ErrorKind::Usage);
        CHECK(std::string(e.what()).starts_with("--wait-timeout must be"));
    }
}

TEST_SUITE_END();
