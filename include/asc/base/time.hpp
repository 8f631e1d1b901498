#pragma once
// Times as users type them and as Amazon wants them.

#include "asc/model/model.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace asc {

// Parses RFC 3339 / ISO 8601 with 'Z' or an offset ("2026-11-01T10:00:00Z",
// "2026-11-01T10:00:00.123+02:00"). Fractional seconds are truncated.
std::optional<Timestamp> parse_rfc3339(std::string_view text);

// Parses a time argument: RFC 3339, "YYYY-MM-DD" (midnight UTC), "today" and "yesterday"
// (midnight UTC of that day), "now", or a relative duration back from `now`: "90m", "24h", "7d",
// "2w" (also "30s"). Throws Error(Usage) naming the accepted forms.
Timestamp parse_time_arg(std::string_view text, Timestamp now);

// Parses a duration such as "30s", "90m", "24h", "7d", "2w". Throws Error(Usage).
std::chrono::seconds parse_duration(std::string_view text);

// parse_duration(), and also plain seconds ("90"), for the flags that took a number of seconds
// before they took durations (--wait). Throws Error(Usage).
std::chrono::seconds parse_duration_or_seconds(std::string_view text);

// "45s", "2m58s", "1h30m", "2d3h": short, for people; seconds only under an hour.
std::string format_duration(std::chrono::seconds d);

// "2026-11-01T10:00:00Z", always UTC with 'Z' (Amazon rejects "+00:00").
std::string format_rfc3339(Timestamp t);

// "3 hours ago", "in 2 days": for humans on a terminal only.
std::string format_relative(Timestamp t, Timestamp now);

Timestamp now_seconds();

} // namespace asc
