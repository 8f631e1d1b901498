#pragma once
// Part `model` (src/model, asc_model): the plain values of an order (Order, OrderItem, Package,
// Address, Buyer, Money, Status), no I/O. Uses no other part; the simulator shares it.
//
// The order model: plain values, no I/O. Filled from Amazon's Orders API v2026-01-01 by the
// orders client, read by the services, the store and the renderers.

#include "asc/model/money.hpp"
#include "asc/model/status.hpp"

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace asc {

using Timestamp = std::chrono::sys_seconds;

struct TimeWindow {
    std::optional<Timestamp> earliest;
    std::optional<Timestamp> latest;
};

struct Address {
    std::string name;
    std::string company;
    std::string line1, line2, line3;
    std::string city;
    std::string district;
    std::string state;
    std::string postal_code;
    std::string country_code;
    std::string phone;
    std::string type;  // RESIDENTIAL / COMMERCIAL
    [[nodiscard]] bool empty() const;
};

struct Buyer {
    std::string name;
    std::string email;
    std::string company;
    std::string purchase_order;
    [[nodiscard]] bool empty() const { return name.empty() && email.empty() && company.empty(); }
};

struct OrderItem {
    std::string order_item_id;  // 14 digits: the feed's AmazonOrderItemCode
    std::string sku;
    std::string asin;
    std::string title;
    std::string condition;      // "NEW", "USED / VERY_GOOD" ...
    int quantity_ordered = 0;
    int quantity_shipped = 0;
    int quantity_unshipped = 0;
    std::optional<Money> unit_price;
    std::optional<Money> item_total;        // proceeds breakdown ITEM
    std::optional<Money> tax;               // proceeds breakdown TAX
    std::optional<Money> shipping_price;    // proceeds breakdown SHIPPING
    std::optional<Money> promotion_discount;  // proceeds breakdown DISCOUNT
    std::optional<Money> proceeds_total;
    bool buyer_requested_cancel = false;
    std::string buyer_cancel_reason;
    std::string canceled_by;                // BUYER / MERCHANT / AMAZON, when executed
    std::string cancel_reason;
};

struct PackageItem {
    std::string order_item_id;
    int quantity = 0;
};

struct Package {
    std::string reference_id;
    std::string carrier;
    std::string shipping_service;
    std::string tracking_number;
    std::optional<Timestamp> ship_time;
    std::string status;         // PENDING, IN_TRANSIT, SHIPPED, DELIVERED, ...
    std::vector<PackageItem> items;
};

struct MoneyLine {
    std::string type;  // ITEM, SHIPPING, TAX, DISCOUNT, ...
    Money amount;
};

struct Order {
    std::string order_id;       // 3-7-7 digits
    Status status = Status::Pending;
    std::optional<FulfilledBy> fulfilled_by;
    Timestamp purchase_date{};
    Timestamp last_updated{};
    std::string marketplace_id;
    std::string marketplace_name;
    std::string sales_channel;
    std::string ship_service_level;
    TimeWindow ship_by;
    TimeWindow deliver_by;
    std::optional<Money> total;
    std::vector<MoneyLine> total_breakdown;
    bool is_prime = false;
    bool is_business = false;
    bool is_replacement = false;
    std::string replaced_order_id;
    std::string seller_order_id;
    std::optional<Buyer> buyer;
    std::optional<Address> ship_to;
    std::vector<OrderItem> items;
    std::vector<Package> packages;

    [[nodiscard]] int items_shipped() const;
    [[nodiscard]] int items_unshipped() const;
};

// True if `id` looks like an Amazon order id: three, seven and seven digits with dashes.
bool is_amazon_order_id(std::string_view id);
// That shape in words, for every message about an id that is not one.
inline constexpr std::string_view k_order_id_shape = "3-7-7 digits, e.g. 112-1234567-1234567";

} // namespace asc
