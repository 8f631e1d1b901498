// Per-operation token buckets after Amazon's usage plans: a bucket holds up to `burst` tokens,
// refills at `rate` tokens per second, and every request takes one. Buckets start full, as
// Amazon's do for a client that has been quiet.

#include "asc/amazon/rate_limit.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <fmt/format.h>

namespace asc {

namespace {

struct NamedPlan {
    std::string_view operation;
    RatePlan plan;
};

// The "Usage Plan" of each operation in the models (shared/reference/spapi-contract.md).
constexpr std::array k_plans{
    NamedPlan{"searchOrders", {0.0056, 20}},
    NamedPlan{"getOrder", {0.5, 30}},
    NamedPlan{"createFeedDocument", {0.5, 15}},
    NamedPlan{"createFeed", {0.0083, 15}},
    NamedPlan{"getFeed", {2.0, 15}},
    NamedPlan{"getFeeds", {0.0222, 10}},
    NamedPlan{"getFeedDocument", {0.0222, 10}},
    NamedPlan{"cancelFeed", {2.0, 15}},
    NamedPlan{"confirmShipment", {2.0, 10}},
    NamedPlan{"createRestrictedDataToken", {1.0, 10}},
    // reports_2021-06-30.json:
    NamedPlan{"createReport", {0.0167, 15}},
    NamedPlan{"getReport", {2.0, 15}},
    NamedPlan{"getReportDocument", {0.0167, 15}},
};

// Token counts are doubles; a bucket that refilled to 0.999999999 after sleeping exactly the
// computed wait must still count as holding a token.
constexpr double k_epsilon = 1e-9;

// The longest wait wait_time() reports; the header bounds keep real waits far below it, this keeps
// the conversion to nanoseconds defined whatever the plan.
constexpr double k_max_wait_seconds = 86400;

} // namespace

RateLimitHeader parse_rate_limit_header(std::string_view text) {
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) {
        text.remove_prefix(1);
    }
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) {
        text.remove_suffix(1);
    }
    double value = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc{} || end != text.data() + text.size() || !std::isfinite(value)) {
        return {std::nullopt, fmt::format("x-amzn-RateLimit-Limit {:?} is not a number", text)};
    }
    if (value < k_min_header_rate || value > k_max_header_rate) {
        return {std::nullopt,
                fmt::format("x-amzn-RateLimit-Limit {} is outside {:.4f}..{} requests per second", text,
                            k_min_header_rate, k_max_header_rate)};
    }
    return {value, {}};
}

std::optional<RatePlan> default_plan(std::string_view operation) {
    for (const auto& p : k_plans) {
        if (p.operation == operation) {
            return p.plan;
        }
    }
    return std::nullopt;
}

TokenBucket::TokenBucket(RatePlan plan, std::chrono::steady_clock::time_point now)
    : m_plan(plan), m_tokens(plan.burst), m_last(now) {}

void TokenBucket::refill(std::chrono::steady_clock::time_point now) {
    if (now <= m_last) {
        return;
    }
    const std::chrono::duration<double> elapsed = now - m_last;
    m_tokens = std::min(m_plan.burst, m_tokens + elapsed.count() * m_plan.rate);
    m_last = now;
}

std::chrono::nanoseconds TokenBucket::wait_time(std::chrono::steady_clock::time_point now) {
    refill(now);
    if (m_tokens >= 1.0 - k_epsilon) {
        return std::chrono::nanoseconds::zero();
    }
    const double seconds = std::min((1.0 - m_tokens) / m_plan.rate, k_max_wait_seconds);
    return std::chrono::nanoseconds(static_cast<std::int64_t>(std::ceil(seconds * 1e9)));
}

void TokenBucket::take(std::chrono::steady_clock::time_point now) {
    refill(now);
    m_tokens = std::max(0.0, m_tokens - 1.0);
}

void TokenBucket::set_rate(double rate) {
    if (std::isfinite(rate) && rate > 0) {
        m_plan.rate = rate;
    }
}

void TokenBucket::drain(std::chrono::steady_clock::time_point now) {
    refill(now);
    m_tokens = 0;
}

void TokenBucket::hold(std::chrono::nanoseconds delay, std::chrono::steady_clock::time_point now) {
    refill(now);
    const std::chrono::duration<double> held = delay;
    m_tokens = std::max(0.0, m_tokens - std::max(0.0, held.count()) * m_plan.rate);
}

SavedBucket TokenBucket::save(std::chrono::steady_clock::time_point now, std::int64_t wall_now_us) {
    refill(now);
    return SavedBucket{m_tokens, m_plan.rate, wall_now_us};
}

void TokenBucket::restore(const SavedBucket& saved, std::chrono::steady_clock::time_point now,
                          std::int64_t wall_now_us) {
    if (!std::isfinite(saved.tokens) || saved.tokens < 0) {
        return; // a damaged line: keep what we have
    }
    set_rate(saved.rate);
    // Never more than a full bucket.
    // A day refills any bucket; the cap also keeps a damaged timestamp from overflowing.
    constexpr std::int64_t k_day_us = 24LL * 3600 * 1000 * 1000;
    std::int64_t age_us = k_day_us;
    if (saved.refilled_at_us > wall_now_us) {
        age_us = 0; // the clock went back: no time passed
    } else if (saved.refilled_at_us >= 0 && wall_now_us - saved.refilled_at_us < k_day_us) {
        age_us = wall_now_us - saved.refilled_at_us;
    }
    const auto age = std::chrono::microseconds(age_us);
    m_tokens = std::min(m_plan.burst, saved.tokens);
    m_last = now - std::chrono::duration_cast<std::chrono::steady_clock::duration>(age);
    refill(now);
}

RateLimiter::RateLimiter(Clock& clock, bool enabled) : m_clock(clock), m_enabled(enabled) {}

void RateLimiter::set_persistence(std::unique_ptr<BucketPersistence> persistence) {
    const std::lock_guard lock(m_mutex);
    m_persistence = std::move(persistence);
}

std::int64_t RateLimiter::wall_us() {
    return std::chrono::duration_cast<std::chrono::microseconds>(m_clock.wall_now().time_since_epoch()).count();
}

void RateLimiter::with_bucket(std::string_view operation, const BucketChange& fn) {
    const std::lock_guard lock(m_mutex);
    if (!m_persistence) {
        TokenBucket* b = bucket(operation);
        fn(b, m_clock.now());
        return;
    }
    m_persistence->update([&](SavedBuckets& saved) {
        const auto now = m_clock.now();
        const std::int64_t wall = wall_us();
        TokenBucket* b = bucket(operation);
        const auto it = saved.find(operation);
        if (b != nullptr && it != saved.end()) {
            b->restore(it->second, now, wall);
        }
        fn(b, now);
        if (b != nullptr) {
            saved[std::string(operation)] = b->save(now, wall);
        }
    });
}

TokenBucket* RateLimiter::bucket(std::string_view operation) {
    if (auto it = m_buckets.find(operation); it != m_buckets.end()) {
        return &it->second;
    }
    const auto plan = default_plan(operation);
    if (!plan) {
        return nullptr;
    }
    return &m_buckets.emplace(std::string(operation), TokenBucket(*plan, m_clock.now())).first->second;
}

std::optional<double> RateLimiter::rate(std::string_view operation) {
    const std::lock_guard lock(m_mutex);
    const TokenBucket* b = bucket(operation);
    return b == nullptr ? std::nullopt : std::optional<double>(b->plan().rate);
}

std::chrono::nanoseconds RateLimiter::acquire(std::string_view operation) {
    if (!m_enabled) {
        return std::chrono::nanoseconds::zero();
    }
    auto wait = std::chrono::nanoseconds::zero(); // no known plan: nothing to pace by
    with_bucket(operation, [&](TokenBucket*& b, std::chrono::steady_clock::time_point now) {
        if (b == nullptr) {
            return;
        }
        wait = b->wait_time(now);
        if (wait == std::chrono::nanoseconds::zero()) {
            b->take(now);
        }
    });
    return wait;
}

std::string RateLimiter::observe_limit_header(std::string_view operation, std::string_view header_value) {
    if (!m_enabled) {
        return {};
    }
    const RateLimitHeader parsed = parse_rate_limit_header(header_value);
    if (!parsed.rate) {
        const auto plan = default_plan(operation);
        return plan ? fmt::format("{}: {}; pacing stays at {} requests per second", operation, parsed.problem,
                                  plan->rate)
                    : fmt::format("{}: {}; ignored", operation, parsed.problem);
    }
    const double rate = *parsed.rate;
    {
        // The rate the bucket already paces by (as restored from the shared state by acquire()
        // just before the request): nothing to change, and the shared state is not locked and
        // rewritten a second time for this request.
        const std::lock_guard lock(m_mutex);
        if (const auto it = m_buckets.find(operation); it != m_buckets.end() && it->second.plan().rate == rate) {
            return {};
        }
    }
    with_bucket(operation, [&](TokenBucket*& b, std::chrono::steady_clock::time_point now) {
        if (b == nullptr) {
            // An operation without a default plan: pace it by what Amazon says, one request at a time.
            b = &m_buckets.emplace(std::string(operation), TokenBucket(RatePlan{rate, 1.0}, now)).first->second;
        }
        // Credit the time so far at the old rate before the new one applies.
        static_cast<void>(b->wait_time(now));
        b->set_rate(rate);
    });
    return {};
}

void RateLimiter::hold(std::string_view operation, std::chrono::nanoseconds delay) {
    if (!m_enabled || delay <= std::chrono::nanoseconds::zero()) {
        return;
    }
    with_bucket(operation, [&](TokenBucket*& b, std::chrono::steady_clock::time_point now) {
        if (b != nullptr) {
            b->hold(delay, now);
        }
    });
}

void RateLimiter::observe_throttled(std::string_view operation) {
    if (!m_enabled) {
        return;
    }
    with_bucket(operation, [&](TokenBucket*& b, std::chrono::steady_clock::time_point now) {
        if (b != nullptr) {
            b->drain(now);
        }
    });
}

} // namespace asc
