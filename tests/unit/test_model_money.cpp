#include "asc/model/money.hpp"

#include <doctest/doctest.h>
#include <stdexcept>

using asc::Money;

TEST_SUITE_BEGIN("model::Money");

TEST_CASE("money parses Amazon's decimal strings exactly and prints them back") {
    const auto m = Money::parse("19.99", "USD");
    REQUIRE(m);
    CHECK(m->minor == 1999);
    CHECK(m->scale == 2);
    CHECK(m->amount() == "19.99");
    CHECK(m->to_string() == "19.99 USD");

    for (const char* text : {"0.00", "0.01", "1.00", "154.99", "-5.00", "99999999.99"}) {
        CAPTURE(text);
        const auto v = Money::parse(text, "EUR");
        REQUIRE(v);
        CHECK(v->amount() == text);
    }
}

TEST_CASE("money pads short fractions to the currency's digits") {
    const auto m = Money::parse("0.1", "USD");
    REQUIRE(m);
    CHECK(m->minor == 10);
    CHECK(m->amount() == "0.10");
    CHECK(Money::parse("7", "GBP")->amount() == "7.00");
}

TEST_CASE("JPY has no minor unit") {
    const auto m = Money::parse("1500", "JPY");
    REQUIRE(m);
    CHECK(m->minor == 1500);
    CHECK(m->scale == 0);
    CHECK(m->amount() == "1500");
    CHECK(asc::currency_digits("JPY") == 0);
    CHECK(asc::currency_digits("KWD") == 3);
    CHECK(asc::currency_digits("USD") == 2);
}

TEST_CASE("money keeps extra precision instead of rounding it away") {
    const auto m = Money::parse("1.005", "USD");
    REQUIRE(m);
    CHECK(m->scale == 3);
    CHECK(m->amount() == "1.005");
}

TEST_CASE("money rejects what is not a plain decimal") {
    for (const char* bad : {"", "1e3", "1E3", "+1.00", " 1.00", "1.00 ", "1,00", ".5", "5.", "--1", "abc",
                            "1.2.3", "NaN", "inf", "0x10", "99999999999999999999"}) {
        CAPTURE(bad);
        CHECK_FALSE(Money::parse(bad, "USD"));
    }
    CHECK_FALSE(Money::parse("1.00", "usd"));
    CHECK_FALSE(Money::parse("1.00", ""));
}

TEST_CASE("money adds exactly within one currency and refuses to mix currencies") {
    Money sum = *Money::parse("0.00", "USD");
    for (int i = 0; i < 1000; ++i) {
        sum = sum.plus(*Money::parse("0.10", "USD"));
    }
    CHECK(sum.amount() == "100.00");
    CHECK(Money::parse("1.5", "USD")->plus(*Money::parse("0.005", "USD")).amount() == "1.505");
    CHECK_THROWS_AS((void)Money::parse("1.00", "USD")->plus(*Money::parse("1.00", "EUR")), std::invalid_argument);
    CHECK(Money::parse("49.99", "USD")->times(3).amount() == "149.97");
}

TEST_CASE("money equality ignores scale but not currency") {
    CHECK(*Money::parse("1.5", "USD") == *Money::parse("1.50", "USD"));
    CHECK_FALSE(*Money::parse("1.50", "USD") == *Money::parse("1.50", "CAD"));
}

TEST_SUITE_END();
