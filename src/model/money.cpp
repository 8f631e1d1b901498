#include "asc/model/money.hpp"

#include <array>
#include <fmt/format.h>
#include <limits>
#include <stdexcept>

namespace asc {

namespace {

// ISO 4217 currencies whose minor unit is not 2 digits. Everything else uses 2.
struct CurrencyDigits {
    std::string_view code;
    int digits;
};
constexpr std::array k_currency_digits{
    CurrencyDigits{"BHD", 3}, CurrencyDigits{"CLP", 0}, CurrencyDigits{"IQD", 3},
    CurrencyDigits{"ISK", 0}, CurrencyDigits{"JOD", 3}, CurrencyDigits{"JPY", 0},
    CurrencyDigits{"KRW", 0}, CurrencyDigits{"KWD", 3}, CurrencyDigits{"LYD", 3},
    CurrencyDigits{"OMR", 3}, CurrencyDigits{"TND", 3}, CurrencyDigits{"UGX", 0},
    CurrencyDigits{"VND", 0}, CurrencyDigits{"XAF", 0}, CurrencyDigits{"XOF", 0},
};

constexpr int k_max_scale = 9;

bool mul_overflows(std::int64_t a, std::int64_t b, std::int64_t& out) {
    return __builtin_mul_overflow(a, b, &out);
}

std::int64_t pow10(int n) {
    std::int64_t r = 1;
    for (int i = 0; i < n; ++i) {
        r *= 10;
    }
    return r;
}

} // namespace

int currency_digits(std::string_view currency) {
    for (const auto& c : k_currency_digits) {
        if (c.code == currency) {
            return c.digits;
        }
    }
    return 2;
}

std::optional<Money> Money::parse(std::string_view amount, std::string_view currency) {
    if (currency.size() != 3) {
        return std::nullopt;
    }
    for (char c : currency) {
        if (c < 'A' || c > 'Z') {
            return std::nullopt;
        }
    }
    std::string_view s = amount;
    bool negative = false;
    if (!s.empty() && s.front() == '-') {
        negative = true;
        s.remove_prefix(1);
    }
    const auto dot = s.find('.');
    const std::string_view int_part = s.substr(0, dot);
    const std::string_view frac_part = dot == std::string_view::npos ? std::string_view{} : s.substr(dot + 1);
    if (int_part.empty() || (dot != std::string_view::npos && frac_part.empty())) {
        return std::nullopt;
    }
    if (static_cast<int>(frac_part.size()) > k_max_scale) {
        return std::nullopt;
    }
    const int scale = std::max(currency_digits(currency), static_cast<int>(frac_part.size()));
    std::int64_t value = 0;
    auto append_digit = [&value](char c) {
        if (c < '0' || c > '9') {
            return false;
        }
        return !mul_overflows(value, 10, value) && !__builtin_add_overflow(value, c - '0', &value);
    };
    for (char c : int_part) {
        if (!append_digit(c)) {
            return std::nullopt;
        }
    }
    for (char c : frac_part) {
        if (!append_digit(c)) {
            return std::nullopt;
        }
    }
    if (mul_overflows(value, pow10(scale - static_cast<int>(frac_part.size())), value)) {
        return std::nullopt;
    }
    Money m;
    m.minor = negative ? -value : value;
    m.scale = scale;
    m.currency = std::string(currency);
    return m;
}

std::string Money::amount() const {
    const bool negative = minor < 0;
    // Work in unsigned so INT64_MIN prints correctly.
    const auto magnitude = negative ? 0ULL - static_cast<unsigned long long>(minor)
                                    : static_cast<unsigned long long>(minor);
    if (scale == 0) {
        return fmt::format("{}{}", negative ? "-" : "", magnitude);
    }
    const auto div = static_cast<unsigned long long>(pow10(scale));
    return fmt::format("{}{}.{:0{}}", negative ? "-" : "", magnitude / div, magnitude % div, scale);
}

std::string Money::to_string() const { return fmt::format("{} {}", amount(), currency); }

Money Money::at_scale(int new_scale) const {
    if (new_scale < scale || new_scale > k_max_scale) {
        throw std::invalid_argument("Money::at_scale: cannot reduce the scale");
    }
    Money m = *this;
    if (mul_overflows(minor, pow10(new_scale - scale), m.minor)) {
        throw std::overflow_error("Money::at_scale: overflow");
    }
    m.scale = new_scale;
    return m;
}

Money Money::plus(const Money& other) const {
    if (currency != other.currency) {
        throw std::invalid_argument(
            fmt::format("cannot add {} to {}: different currencies", other.currency, currency));
    }
    const int s = std::max(scale, other.scale);
    Money a = at_scale(s);
    const Money b = other.at_scale(s);
    if (__builtin_add_overflow(a.minor, b.minor, &a.minor)) {
        throw std::overflow_error("Money::plus: overflow");
    }
    return a;
}

Money Money::times(std::int64_t quantity) const {
    Money m = *this;
    if (mul_overflows(minor, quantity, m.minor)) {
        throw std::overflow_error("Money::times: overflow");
    }
    return m;
}

bool operator==(const Money& a, const Money& b) {
    if (a.currency != b.currency) {
        return false;
    }
    const int s = std::max(a.scale, b.scale);
    return a.at_scale(s).minor == b.at_scale(s).minor;
}

} // namespace asc
