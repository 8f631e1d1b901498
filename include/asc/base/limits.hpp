#pragma once
// The ranges of the numbers asc takes from flags and the environment, checked in one place, so
// that no value (nan, 1e308, 1e-9, a negative count) can turn a limit off: a timeout of 1e-9
// seconds is libcurl's "no timeout", 1e308 seconds overflows into one, and nan passes every `<`.
// (Numbers from Amazon's answers are checked where they are read: the rate-limit header in
// amazon/rate_limit.hpp, the token lifetime in amazon/lwa.hpp.)

#include <chrono>
#include <string>
#include <string_view>

namespace asc {

// A closed range of a number the user gives, in `unit`, named as the user gave it.
struct NumberRange {
    std::string_view name; // "--timeout"
    double min;
    double max;
    std::string_view unit; // "seconds"
};

// --timeout: one HTTP request's whole time. Under 0.1 s nothing can answer; over an hour a silent
// server would hold a cron job for longer than anyone waits.
inline constexpr NumberRange k_request_timeout_range{"--timeout", 0.1, 3600, "seconds"};

// `orders sync --wait`: how long to wait for another sync's lock (0: do not wait).
inline constexpr NumberRange k_lock_wait_range{"--wait", 0, 86400, "seconds"};

// `--wait-timeout`: how long to wait for Amazon to process a feed (0: do not wait).
inline constexpr NumberRange k_feed_wait_range{"--wait-timeout", 0, 7 * 86400, "seconds"};

// "" when `value` is a finite number within the range, else the message for the user:
// "--timeout must be a number of seconds from 0.1 to 3600 (got nan)".
std::string range_error(const NumberRange& range, double value);

// The same for a number as the user typed it ("nan", "1e999" and "12abc" are not within).
std::string range_error(const NumberRange& range, std::string_view text);

// `seconds` as milliseconds when within the range; throws Error(Usage) with range_error's message
// otherwise.
std::chrono::milliseconds checked_seconds(const NumberRange& range, double seconds);

} // namespace asc
