// Capped exponential backoff with full jitter.

#include "asc/http/retry.hpp"

#include <doctest/doctest.h>

using namespace std::chrono_literals;

TEST_SUITE_BEGIN("core::RetryPolicy");

TEST_CASE("backoff stays within [0, min(cap, base * 2^(attempt-1))]") {
    const asc::RetryPolicy policy{5, 500ms, 20s};
    std::mt19937_64 rng(42);
    for (int attempt = 1; attempt <= 12; ++attempt) {
        const auto ceiling = std::min<std::chrono::milliseconds>(20s, 500ms * (1LL << (attempt - 1)));
        std::chrono::milliseconds highest{0};
        for (int i = 0; i < 2000; ++i) {
            const auto d = policy.backoff(attempt, rng);
            REQUIRE(d >= 0ms);
            REQUIRE(d <= ceiling);
            highest = std::max(highest, d);
        }
        CAPTURE(attempt);
        CHECK(highest > ceiling / 2); // the jitter really spreads over the range
    }
}

TEST_CASE("backoff does not overflow for huge attempt numbers") {
    const asc::RetryPolicy policy{5, 500ms, 20s};
    std::mt19937_64 rng(1);
    const auto d = policy.backoff(1000, rng);
    CHECK(d >= 0ms);
    CHECK(d <= 20s);
}

TEST_CASE("backoff with a zero base never waits") {
    const asc::RetryPolicy policy{3, 0ms, 0ms};
    std::mt19937_64 rng(1);
    CHECK(policy.backoff(3, rng) == 0ms);
}

TEST_CASE("retryable statuses are 429, 500, 502, 503 and 504") {
    for (const int s : {429, 500, 502, 503, 504}) {
        CAPTURE(s);
        CHECK(asc::is_retryable_status(s));
    }
    for (const int s : {200, 204, 400, 401, 403, 404, 409, 413, 415, 501, 505}) {
        CAPTURE(s);
        CHECK_FALSE(asc::is_retryable_status(s));
    }
}

TEST_SUITE_END();
