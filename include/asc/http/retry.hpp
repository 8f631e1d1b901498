#pragma once
// Retry policy: capped exponential backoff with full jitter (AWS "standard").

#include <chrono>
#include <cstdint>
#include <random>

namespace asc {

struct RetryPolicy {
    int max_attempts = 5;                           // total attempts, >= 1
    std::chrono::milliseconds base{500};
    std::chrono::milliseconds cap{20'000};

    // The delay before attempt `attempt + 1` after attempt `attempt` (1-based) failed:
    // uniform in [0, min(cap, base * 2^(attempt-1))].
    [[nodiscard]] std::chrono::milliseconds backoff(int attempt, std::mt19937_64& rng) const;
};

// HTTP statuses worth retrying: 429, 500, 502, 503, 504.
bool is_retryable_status(int status);

} // namespace asc
