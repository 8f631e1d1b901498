#pragma once
// Small helpers for the simulator: time, random numbers, money, encodings. No I/O, no state.

#include <cstdint>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <vector>

namespace sim {

// Milliseconds since the Unix epoch (UTC). All simulator times are kept in this unit.
using Millis = std::int64_t;

Millis now_millis();

// "2024-12-25T10:30:00Z" (seconds precision; milliseconds are dropped).
std::string iso8601(Millis t);
// Parses Amazon's accepted form: "YYYY-MM-DDTHH:MM:SS[.fraction]Z". Anything else (an offset
// like "+00:00", a missing 'Z', a date only) gives nullopt.
std::optional<Millis> parse_iso8601(std::string_view s);

// A uniform integer in [lo, hi] from raw generator output (portable across standard libraries,
// unlike std::uniform_int_distribution). Gives lo when hi <= lo.
std::int64_t uniform(std::mt19937_64& rng, std::int64_t lo, std::int64_t hi);
// A uniform double in [0, 1).
double unit(std::mt19937_64& rng);
// True with probability p.
bool chance(std::mt19937_64& rng, double p);
// An index picked with the given integer weights (at least one positive).
std::size_t weighted(std::mt19937_64& rng, const std::vector<int>& weights);
// A well-mixed 64-bit value from x (splitmix64 finalizer).
std::uint64_t mix64(std::uint64_t x);

// A decimal string for `minor` units with `digits` fraction digits: (1999, 2) -> "19.99",
// (-50, 2) -> "-0.50", (1500, 0) -> "1500".
std::string decimal(std::int64_t minor, int digits);
// Minor-unit digits of the currencies the simulator generates (JPY 0, others 2).
int currency_digits(std::string_view currency);

std::string base64_encode(std::string_view bytes);
std::optional<std::string> base64_decode(std::string_view text);
std::uint64_t fnv1a(std::string_view s, std::uint64_t h = 14695981039346656037ull);

// Splits on `sep`, dropping empty parts and trimming spaces.
std::vector<std::string> split(std::string_view s, char sep);
// Decodes an application/x-www-form-urlencoded value ('+' is a space).
std::string form_decode(std::string_view s);
// Parses "a=1&b=2" into pairs (decoded).
std::vector<std::pair<std::string, std::string>> parse_form(std::string_view body);

// A random id in UUID v4 layout from a non-deterministic source (request ids, tokens).
std::string random_uuid();
// `n` random characters from [A-Za-z0-9] from a non-deterministic source.
std::string random_alnum(std::size_t n);

// True for three, seven and seven digits separated by dashes.
bool is_order_id(std::string_view id);

// gzip-compresses `data` (RFC 1952). Throws std::runtime_error on a zlib failure.
std::string gzip(std::string_view data);

} // namespace sim
