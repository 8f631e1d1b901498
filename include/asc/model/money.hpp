#pragma once
// Money: an exact amount in a currency. Amazon sends amounts as decimal strings
// ({"amount":"19.99","currencyCode":"USD"}); we keep them as integer minor units and never
// touch a float.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace asc {

// The number of minor-unit digits a currency uses (JPY 0, USD 2, KWD 3...). Unknown codes get 2.
int currency_digits(std::string_view currency);

struct Money {
    std::int64_t minor = 0;  // amount * 10^scale
    int scale = 2;           // digits after the decimal point, >= currency_digits(currency)
    std::string currency;    // ISO 4217 code, e.g. "USD"

    // Parses Amazon's decimal string: optional '-', digits, optional '.' and digits.
    // Rejects exponents, '+', spaces, empty parts, and values that do not fit in 64 bits.
    // The scale is the currency's digits, or more if the string carries more ("1.005" USD).
    static std::optional<Money> parse(std::string_view amount, std::string_view currency);

    // The decimal string at this value's scale: "19.99", "-0.50", "1500" (JPY).
    [[nodiscard]] std::string amount() const;
    // "19.99 USD"
    [[nodiscard]] std::string to_string() const;

    // Same currency required; the result takes the larger scale. Throws std::invalid_argument on a
    // currency mismatch and std::overflow_error on overflow: both are bugs in the caller.
    [[nodiscard]] Money plus(const Money& other) const;
    [[nodiscard]] Money times(std::int64_t quantity) const;
    // Re-expresses at a larger scale (exact). Throws std::invalid_argument if smaller.
    [[nodiscard]] Money at_scale(int new_scale) const;

    friend bool operator==(const Money& a, const Money& b);
};

} // namespace asc
