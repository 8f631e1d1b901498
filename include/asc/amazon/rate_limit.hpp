#pragma once
// Client-side pacing with Amazon's per-operation token buckets, so the client waits for a token
// instead of spending requests on 429s. With a BucketPersistence the buckets outlive the process:
// the next `asc` (a script running it 40 times, cron) starts from what the last one knew instead
// of spending a 429 to relearn it.

#include "asc/base/clock.hpp"

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
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

// A bucket as saved between processes.
struct SavedBucket {
    double tokens = 0;                // at refilled_at
    double rate = 0;                  // tokens per second: Amazon's announced rate, else the default
    std::int64_t refilled_at_us = 0;  // wall-clock unix time, microseconds
};
using SavedBuckets = std::map<std::string, SavedBucket, std::less<>>;

// Where the buckets live between processes.
class BucketPersistence {
  public:
    virtual ~BucketPersistence() = default;
    // Reads the saved buckets, lets `fn` change them and saves them, all under one lock that every
    // process sharing this state takes, so two processes never both spend the same token. A file
    // that cannot be read or written is not an error: the limiter then paces from memory alone.
    virtual void update(const std::function<void(SavedBuckets&)>& fn) = 0;
};

// The saved buckets as text, one "operation tokens rate refilled_at" line each; a damaged line is
// skipped. refilled_at is unix milliseconds with a microsecond fraction ("1795771983242.125"): a
// process hands its bucket to the next many times a minute, and whole milliseconds let each
// hand-off add up to a millisecond of refill the server never gave (a 429 once in ~100 calls at
// a fast rate). Whole milliseconds, as earlier versions wrote, still read.
SavedBuckets parse_saved_buckets(const std::string& text);
std::string format_saved_buckets(const SavedBuckets& buckets);

// Reads a text under a lock every process sharing it takes, lets `fn` change it, and writes it
// back before releasing the lock (e.g. a row of a shared database: Store::update_shared_text).
using LockedTextUpdate = std::function<void(const std::function<void(std::string&)>& fn)>;
// The buckets kept as text in such a storage: the storage seam for buckets shared beyond one
// machine. A storage that fails (throws asc::Error) is not an error: the limiter paces from memory.
std::unique_ptr<BucketPersistence> make_bucket_text(LockedTextUpdate update);

// The buckets in a small text file ("operation tokens rate refilled_at" per line), created
// 0600 (its directory 0700), locked with flock() while it is read and rewritten. One file per
// profile, in the cache directory ($XDG_CACHE_HOME/asc/).
std::unique_ptr<BucketPersistence> make_bucket_file(std::filesystem::path path);

// The rates (requests per second) asc accepts from an x-amzn-RateLimit-Limit header. Amazon may
// apply a plan other than the documented one (a rate of 0.0055 was seen on an operation documented
// at 0.5), so the header is trusted within these bounds only: below one request per 10 minutes a
// wrong header would stall a run for hours without a word (0.00001 is a 28-hour wait; 1e-300
// overflowed the wait into no pacing at all). Above the upper bound the value is not a plan but
// garbage (a faster plan than that is no pacing in practice, and a 429 still drains the bucket).
// asc-sim states its rates times its time scale (2,000/s for getFeed at 1000x) and 10,000 when
// its limits are off. Outside the bounds, the known plan stays.
inline constexpr double k_min_header_rate = 1.0 / 600;
inline constexpr double k_max_header_rate = 1e6;

// An x-amzn-RateLimit-Limit value: the rate when it is a number within the bounds above, else
// nullopt and `problem` says why it is ignored.
struct RateLimitHeader {
    std::optional<double> rate;
    std::string problem;
};
RateLimitHeader parse_rate_limit_header(std::string_view value);

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
    // The request the last token was taken for went out `delay` after it was taken (a journal
    // write in between): that time earns no tokens, so that requests are spaced by the time they
    // leave, as Amazon counts them, not by the time their tokens were taken.
    void hold(std::chrono::nanoseconds delay, std::chrono::steady_clock::time_point now);
    [[nodiscard]] const RatePlan& plan() const { return m_plan; }
    // The state to save at `now` (tokens refilled up to now), and back (the time since `saved`
    // was counted refills it, as if this process had been waiting all along).
    SavedBucket save(std::chrono::steady_clock::time_point now, std::int64_t wall_now_us);
    void restore(const SavedBucket& saved, std::chrono::steady_clock::time_point now, std::int64_t wall_now_us);

  private:
    void refill(std::chrono::steady_clock::time_point now);
    RatePlan m_plan;
    double m_tokens;
    std::chrono::steady_clock::time_point m_last;
};

class RateLimiter {
  public:
    explicit RateLimiter(Clock& clock, bool enabled = true);
    // Keeps the buckets in `persistence` (owned) from now on; nullptr: in memory only.
    void set_persistence(std::unique_ptr<BucketPersistence> persistence);
    // Returns how long the caller must wait before calling `operation` and takes the token
    // when that is zero. Callers loop: sleep for the returned duration and ask again.
    std::chrono::nanoseconds acquire(std::string_view operation);
    // Applies the rate Amazon states for `operation`. Returns "" when applied, else why the
    // header was ignored (for --debug).
    std::string observe_limit_header(std::string_view operation, std::string_view header_value);
    void observe_throttled(std::string_view operation);
    // The request of `operation` whose token acquire() just took went out `delay` later
    // (TokenBucket::hold).
    void hold(std::string_view operation, std::chrono::nanoseconds delay);
    [[nodiscard]] bool enabled() const { return m_enabled; }
    // The rate the operation is paced at now (Amazon's announced one once seen), in calls per
    // second; nullopt for an operation without a plan.
    [[nodiscard]] std::optional<double> rate(std::string_view operation);

  private:
    // The operation's bucket, created from its default plan; nullptr for an unknown operation.
    TokenBucket* bucket(std::string_view operation);
    // Runs `fn` on the operation's bucket (nullptr: unknown) at one instant `now`, synchronized
    // with the saved state first and saved after when there is a persistence. Holds m_mutex.
    // Restore, change and save share that instant: a change made at a later clock reading but
    // saved with the earlier wall time would hand the next process the refill in between twice.
    using BucketChange = std::function<void(TokenBucket*& bucket, std::chrono::steady_clock::time_point now)>;
    void with_bucket(std::string_view operation, const BucketChange& fn);
    std::int64_t wall_us();
    Clock& m_clock;
    std::unique_ptr<BucketPersistence> m_persistence;
    bool m_enabled;
    std::mutex m_mutex;
    std::map<std::string, TokenBucket, std::less<>> m_buckets;
};

} // namespace asc
