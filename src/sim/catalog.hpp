#pragma once
// Static tables the order generator draws from: marketplaces, products, people, places,
// carriers. All names, addresses, phone numbers and companies are fictional.

#include <cstdint>
#include <span>
#include <string_view>

namespace sim {

struct City {
    std::string_view city;
    std::string_view state;
    std::string_view postal_code;
    int tax_bp; // sales tax / VAT in basis points applied to item + shipping
};

struct Carrier {
    std::string_view name;     // as Amazon shows it: "UPS", "Royal Mail"
    std::string_view service;  // "UPS Ground"
    std::string_view tracking; // pattern: '#' = digit, 'A' = letter, 'X' = digit or letter, else literal
};

struct Marketplace {
    std::string_view id;
    std::string_view name; // "Amazon.com"
    std::string_view currency;
    std::string_view country; // ISO 3166 alpha-2 of the delivery addresses
    std::string_view email_domain;
    std::span<const std::string_view> id_prefixes; // first group of generated order ids
    std::span<const std::string_view> first_names;
    std::span<const std::string_view> last_names;
    std::span<const std::string_view> streets; // '#' is replaced by a house number
    std::span<const City> cities;
    std::span<const Carrier> carriers;
    std::string_view phone;    // pattern as for tracking numbers
    std::int64_t usd_rate_pct; // price in this currency = USD price * rate / 100
    std::int64_t shipping_fee; // minor units
};

std::span<const Marketplace> marketplaces();

struct Product {
    std::string_view title;
    std::string_view sku;
    std::int64_t usd_cents;
};

// Titles include non-ASCII text, a few control characters and a few that start with '=', '+',
// '-' or '@' so that clients have something to sanitize.
std::span<const Product> products();

std::span<const std::string_view> companies();
std::span<const std::string_view> buyer_cancel_reasons();
// The 10 CancelReason values of OrderAcknowledgement.xsd.
std::span<const std::string_view> cancel_reasons();

} // namespace sim
