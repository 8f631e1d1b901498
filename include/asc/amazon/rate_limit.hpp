#pragma once
// Client-side pacing with Amazon's per-operation token buckets, so the client waits for a token
// instead of spending requests on 429s.

#include "asc/base/clock.hpp"

#include <chrono>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

namespace asc {

struct RatePlan {
    double rate = 1.0;  // tokens per second
    double burst = 1.0; // bucket size
};

// Amazon's default usage plans (shared/reference/spapi-contract.md), by operation name:
// searchOrders, getOrder, createFeedDocument, createFeed, getFeed, getFeeds, getFeedDocument,
// cancelFeed, confirmShipment, createRestrictedDataToken, createReport, getReport,
// getReportDocument. Unknown operations get nullopt.
std::optional<RatePlan> default_plan(std::string_view operation);

class TokenBucket {
  public:
    TokenBucket(RatePlan plan, std::chrono::steady_clock::time_point now);
    // How long until a token is available (zero if one is available now). Does not take it.
    [[nodiscard]] std::chrono::nanoseconds wait_time(std::chrono::steady_clock::time_point now);
    // Takes a token; call only when wait_time() is zero.
    void take(std::chrono::steady_clock::time_point now);
    // Amazon told us the applied rate (x-amzn-RateLimit-Limit); the burst stays.
    void set_rate(double rate);
    // A 429 means the server's bucket is empty: empty ours too.
    void drain(std::chrono::steady_clock::time_point now);
    [[nodiscard]] const RatePlan& plan() const { return m_plan; }

  private:
    void refill(std::chrono::steady_clock::time_point now);
    RatePlan m_plan;
    double m_tokens;
    std::chrono::steady_clock::time_point m_last;
};

class RateLimiter {
  public:
    explicit RateLimiter(Clock& clock, bool enabled = true);
    // Returns how long the caller must wait before calling `operation` and takes the token
    // when that is zero. Callers loop: sleep for the returned duration and ask again.
    std::chrono::nanoseconds acquire(std::string_view operation);
    void observe_limit_header(std::string_view operation, std::string_view header_value);
    void observe_throttled(std::string_view operation);
    [[nodiscard]] bool enabled() const { return m_enabled; }

  private:
    // The operation's bucket, created from its default plan; nullptr for an unknown operation.
    TokenBucket* bucket(std::string_view operation);
    Clock& m_clock;
    bool m_enabled;
    std::mutex m_mutex;
    std::map<std::string, TokenBucket, std::less<>> m_buckets;
};

} // namespace asc
