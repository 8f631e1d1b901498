#include "asc/http/retry.hpp"

#include <algorithm>

namespace asc {

std::chrono::milliseconds RetryPolicy::backoff(int attempt, std::mt19937_64& rng) const {
    // base * 2^(attempt-1), doubling step by step so a large attempt number cannot overflow.
    std::int64_t ceiling = std::max<std::int64_t>(0, base.count());
    const std::int64_t limit = std::max<std::int64_t>(0, cap.count());
    for (int i = 1; i < attempt && ceiling < limit; ++i) {
        ceiling *= 2;
    }
    ceiling = std::min(ceiling, limit);
    std::uniform_int_distribution<std::int64_t> jitter(0, ceiling);
    return std::chrono::milliseconds(jitter(rng));
}

bool is_retryable_status(int status) {
    return status == 429 || status == 500 || status == 502 || status == 503 || status == 504;
}

} // namespace asc
