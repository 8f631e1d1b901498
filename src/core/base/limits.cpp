// The ranges of numbers from flags: one check, one message.

#include "asc/base/limits.hpp"

#include "asc/base/errors.hpp"

#include <charconv>
#include <cmath>
#include <fmt/format.h>

namespace asc {

std::string range_error(const NumberRange& range, double value) {
    if (std::isfinite(value) && value >= range.min && value <= range.max) {
        return {};
    }
    return fmt::format("{} must be a number of {} from {} to {} (got {})", range.name, range.unit, range.min,
                       range.max, value);
}

std::string range_error(const NumberRange& range, std::string_view text) {
    double value = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc{} || end != text.data() + text.size()) {
        return fmt::format("{} must be a number of {} from {} to {} (got {:?})", range.name, range.unit,
                           range.min, range.max, text);
    }
    return range_error(range, value);
}

std::chrono::milliseconds checked_seconds(const NumberRange& range, double seconds) {
    if (std::string message = range_error(range, seconds); !message.empty()) {
        throw Error(ErrorKind::Usage, std::move(message));
    }
    return std::chrono::milliseconds(std::llround(seconds * 1000.0));
}

} // namespace asc
