#include "generator.hpp"

#include "catalog.hpp"

#include <algorithm>
#include <array>
#include <fmt/format.h>
#include <vector>

namespace sim {

namespace {

constexpr Millis k_minute = 60'000;
constexpr Millis k_hour = 60 * k_minute;
constexpr Millis k_day = 24 * k_hour;

// A bijection of [0, 10^14): a 4-round Feistel network over two 7-digit halves, so that
// consecutive indexes give unrelated-looking ids that still never collide.
std::uint64_t scramble14(std::uint64_t x, std::uint64_t key) {
    constexpr std::uint64_t half = 10'000'000;
    std::uint64_t left = x / half % half;
    std::uint64_t right = x % half;
    for (std::uint64_t round = 0; round < 4; ++round) {
        const std::uint64_t next = (left + mix64(right ^ mix64(key + round)) % half) % half;
        left = right;
        right = next;
    }
    return left * half + right;
}

Millis seconds_floor(Millis t) {
    return t / 1000 * 1000;
}

template <typename T> const T& pick(std::mt19937_64& rng, std::span<const T> items) {
    return items[static_cast<std::size_t>(uniform(rng, 0, static_cast<std::int64_t>(items.size()) - 1))];
}

// Fills a pattern: '#' a digit, 'A' an uppercase letter, 'X' a digit or letter, else literal.
std::string fill(std::mt19937_64& rng, std::string_view pattern) {
    static constexpr std::string_view digits = "0123456789";
    static constexpr std::string_view letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
    static constexpr std::string_view alnum = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
    std::string out;
    for (char c : pattern) {
        const std::string_view* set = c == '#' ? &digits : c == 'A' ? &letters : c == 'X' ? &alnum : nullptr;
        out += set ? (*set)[static_cast<std::size_t>(
                         uniform(rng, 0, static_cast<std::int64_t>(set->size()) - 1))]
                   : c;
    }
    return out;
}

std::string replace_hash(std::string_view pattern, std::int64_t number) {
    std::string out{pattern};
    if (const auto pos = out.find('#'); pos != std::string::npos) {
        out.replace(pos, 1, std::to_string(number));
    }
    return out;
}

// Titles that carry control characters or start like a spreadsheet formula.
bool odd_title(std::string_view title) {
    if (!title.empty() && (title[0] == '=' || title[0] == '+' || title[0] == '-' || title[0] == '@')) {
        return true;
    }
    return std::any_of(title.begin(), title.end(),
                       [](char c) { return static_cast<unsigned char>(c) < 0x20; });
}

// A stable ASIN per catalog product, computed once.
const std::string& asin_for(std::size_t product) {
    static const std::vector<std::string> asins = [] {
        std::vector<std::string> out;
        for (std::size_t p = 0; p < products().size(); ++p) {
            std::mt19937_64 rng{mix64(0xA517'0000ull + p)};
            out.push_back("B0" + fill(rng, "XXXXXXXX"));
        }
        return out;
    }();
    return asins[product];
}

// Unit price in the marketplace currency: x.99 for decimal currencies, whole tens of yen for JPY.
std::int64_t local_price(const Marketplace& mp, std::int64_t usd_cents) {
    const std::int64_t raw = usd_cents * mp.usd_rate_pct / 100;
    if (currency_digits(mp.currency) == 0) {
        return std::max<std::int64_t>(10, raw / 10 * 10);
    }
    return raw / 100 * 100 + 99;
}

struct ItemPlan {
    std::size_t product = 0;
    int quantity = 1;
    int fulfilled = 0;
    int unfulfilled = 0;
};

constexpr std::array<std::string_view, 4> k_used_subtypes{"LIKE_NEW", "VERY_GOOD", "GOOD", "ACCEPTABLE"};

Json window(Millis a, Millis b) {
    return Json{{"earliestDateTime", iso8601(a)}, {"latestDateTime", iso8601(b)}};
}

} // namespace

Json money(std::int64_t minor, const std::string& currency) {
    return Json{{"amount", decimal(minor, currency_digits(currency))}, {"currencyCode", currency}};
}

Generator::Generator(std::uint64_t seed, Millis start)
    : seed_(seed), start_(start / k_minute * k_minute), id_key_(mix64(seed ^ 0x1d)),
      item_key_(mix64(seed ^ 0x3f)) {}

std::string Generator::item_id(std::uint32_t index, std::uint32_t item) const {
    const std::uint64_t x = static_cast<std::uint64_t>(index) * 8u + item;
    return fmt::format("{:014}", scramble14(x, item_key_));
}

Skeleton Generator::skeleton(std::uint32_t index) const {
    std::mt19937_64 rng{mix64(seed_ ^ mix64(index))};
    return draw_skeleton(rng, index);
}

// The skeleton's draws come first in the order's random stream; order() continues the stream.
Skeleton Generator::draw_skeleton(std::mt19937_64& rng, std::uint32_t index) const {
    Skeleton s;
    s.marketplace = static_cast<std::uint8_t>(weighted(rng, {45, 12, 15, 15, 13}));
    s.merchant = chance(rng, 0.70);
    const std::vector<int> merchant_mix{2, 8, 32, 7, 36, 15, 0};
    const std::vector<int> amazon_mix{3, 12, 25, 4, 34, 18, 4};
    s.status = static_cast<FStatus>(weighted(rng, s.merchant ? merchant_mix : amazon_mix));

    const Millis oldest = start_ - 60 * k_day;
    const Millis newest = start_ - 5 * k_minute;
    auto ago = [&](Millis lo, Millis hi) { return start_ - uniform(rng, lo, hi); };
    const Millis handling = uniform(rng, 1, 3) * k_day;

    switch (s.status) {
    case FStatus::PendingAvailability:
        s.created = ago(10 * k_minute, 20 * k_day);
        break;
    case FStatus::Pending:
        s.created = ago(10 * k_minute, 2 * k_day);
        break;
    case FStatus::Unshipped:
        if (s.merchant) {
            // A quarter are late, about a third are due within 24 hours, the rest later.
            switch (weighted(rng, {25, 30, 45})) {
            case 0:
                s.ship_latest = start_ - uniform(rng, k_hour, 3 * k_day);
                break;
            case 1:
                s.ship_latest = start_ + uniform(rng, k_hour, 23 * k_hour);
                break;
            default:
                s.ship_latest = start_ + uniform(rng, 25 * k_hour, 4 * k_day);
                break;
            }
            s.created = std::clamp(s.ship_latest - handling - uniform(rng, 0, 8 * k_hour), oldest, newest);
        } else {
            s.created = ago(10 * k_minute, 3 * k_day);
        }
        break;
    case FStatus::PartiallyShipped:
        s.created = ago(k_day, 10 * k_day);
        break;
    case FStatus::Shipped:
        s.created = ago(k_day, 60 * k_day);
        break;
    case FStatus::Cancelled:
        s.created = ago(10 * k_minute, 60 * k_day);
        break;
    case FStatus::Unfulfillable:
        s.created = ago(k_day, 30 * k_day);
        break;
    }
    s.created = seconds_floor(std::clamp(s.created, oldest, newest));
    if (s.ship_latest == 0) {
        s.ship_latest = s.created + handling;
    }
    s.ship_latest = seconds_floor(s.ship_latest);

    const Millis room = start_ - s.created; // > 5 minutes
    switch (s.status) {
    case FStatus::PendingAvailability:
    case FStatus::Pending:
        s.updated = s.created + uniform(rng, 0, 30 * k_minute);
        break;
    case FStatus::Unshipped:
        s.updated = s.created + uniform(rng, k_minute, k_hour);
        break;
    case FStatus::PartiallyShipped:
        s.ship_time = s.created + uniform(rng, 2 * k_hour, std::min(2 * k_day, room - k_hour));
        s.updated = s.ship_time + uniform(rng, 0, k_hour);
        break;
    case FStatus::Shipped:
        s.ship_time = s.created + uniform(rng, k_hour, std::min(3 * k_day, room - 30 * k_minute));
        if (s.merchant && start_ - s.ship_time > 3 * k_day) {
            s.updated = s.ship_time + uniform(rng, 2 * k_day, 3 * k_day); // delivered
        } else {
            s.updated = s.ship_time + uniform(rng, 0, 2 * k_hour);
        }
        break;
    case FStatus::Cancelled:
        s.cancel_time =
            s.created + uniform(rng, k_minute, std::max(k_minute, std::min(2 * k_day, room - k_minute)));
        s.updated = s.cancel_time;
        break;
    case FStatus::Unfulfillable:
        s.updated = s.created + uniform(rng, k_hour, k_day);
        break;
    }
    // Nothing changes in the last 5 minutes before the start (orders are created >= 10 minutes
    // before it), so a sync started at once sees every order despite Amazon's rule that a
    // ...Before be at least 2 minutes in the past.
    s.updated = seconds_floor(std::clamp(s.updated, s.created, start_ - 5 * k_minute));
    s.ship_time = s.ship_time == 0 ? 0 : seconds_floor(std::clamp(s.ship_time, s.created, s.updated));
    s.cancel_time = s.cancel_time == 0 ? 0 : s.updated;

    const Marketplace& mp = marketplaces()[s.marketplace];
    const std::uint64_t digits14 = scramble14(index, id_key_);
    s.order_id = fmt::format("{}-{:07}-{:07}", pick(rng, mp.id_prefixes), digits14 / 10'000'000,
                             digits14 % 10'000'000);
    return s;
}

Json Generator::order(std::uint32_t index) const {
    std::mt19937_64 rng{mix64(seed_ ^ mix64(index))};
    const Skeleton sk = draw_skeleton(rng, index);
    const Marketplace& mp = marketplaces()[sk.marketplace];
    const std::string currency{mp.currency};
    const bool pending = sk.status == FStatus::Pending || sk.status == FStatus::PendingAvailability;
    const bool non_amazon = sk.status == FStatus::Unfulfillable || (!sk.merchant && chance(rng, 0.04));
    const bool business = chance(rng, 0.08);
    const bool prime = !non_amazon && chance(rng, sk.merchant ? 0.2 : 0.6);

    Json o;
    o["orderId"] = sk.order_id;
    Json aliases = Json::array();
    if (chance(rng, 0.2)) {
        aliases.push_back(
            {{"aliasId", fmt::format("SO-{}", fill(rng, "#######"))}, {"aliasType", "SELLER_ORDER_ID"}});
    }
    o["orderAliases"] = aliases;
    o["createdTime"] = iso8601(sk.created);
    o["lastUpdatedTime"] = iso8601(sk.updated);
    Json programs = Json::array();
    if (prime) {
        programs.push_back("PRIME");
    }
    if (business) {
        programs.push_back("AMAZON_BUSINESS");
    }
    o["programs"] = programs;
    Json associated = Json::array();
    if (chance(rng, 0.02)) {
        associated.push_back({{"orderId", fmt::format("{}-{}-{}", pick(rng, mp.id_prefixes),
                                                      fill(rng, "#######"), fill(rng, "#######"))},
                              {"associationType", "REPLACEMENT_ORIGINAL_ID"}});
    }
    o["associatedOrders"] = associated;
    o["salesChannel"] = {{"channelName", non_amazon ? "NON_AMAZON" : "AMAZON"},
                         {"marketplaceId", mp.id},
                         {"marketplaceName", non_amazon ? "Non-Amazon" : mp.name}};

    // People and places.
    const bool japanese = mp.country == "JP";
    auto person = [&] {
        const auto first = pick(rng, mp.first_names);
        const auto last = pick(rng, mp.last_names);
        return japanese ? fmt::format("{} {}", last, first) : fmt::format("{} {}", first, last);
    };
    const std::string buyer_name = person();
    const std::string company = business ? std::string{pick(rng, companies())} : std::string{};
    Json buyer{{"buyerName", buyer_name},
               {"buyerEmail", fmt::format("{}@{}", fill(rng, "XXXXXXXXXXXXXXXX"), mp.email_domain)}};
    for (auto& c : buyer["buyerEmail"].get_ref<std::string&>()) {
        c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    }
    if (business) {
        buyer["buyerCompanyName"] = company;
        if (chance(rng, 0.5)) {
            buyer["buyerPurchaseOrderNumber"] = fmt::format("PO-{}", fill(rng, "######"));
        }
    }
    o["buyer"] = buyer;

    const City& city = pick(rng, mp.cities);
    if (!pending) {
        Json address;
        address["name"] = chance(rng, 0.15) ? person() : buyer_name;
        if (business) {
            address["companyName"] = company;
        }
        address["addressLine1"] = replace_hash(pick(rng, mp.streets), uniform(rng, 1, japanese ? 9 : 2999));
        if (mp.country == "US" && chance(rng, 0.2)) {
            address["addressLine2"] = fmt::format("Apt {}", fill(rng, "##A"));
        }
        address["city"] = city.city;
        address["stateOrRegion"] = city.state;
        address["postalCode"] = city.postal_code;
        address["countryCode"] = mp.country;
        address["phone"] = fill(rng, mp.phone);
        address["addressType"] = business ? "COMMERCIAL" : "RESIDENTIAL";
        o["recipient"] = {{"deliveryAddress", address}};
    }

    // Items and their money.
    const int count = static_cast<int>(weighted(rng, {55, 25, 12, 8})) + 1;
    const int item_count = sk.status == FStatus::PartiallyShipped ? std::max(2, count) : count;
    std::vector<ItemPlan> plans;
    const auto catalog = products();
    while (plans.size() < static_cast<std::size_t>(item_count)) {
        const bool want_odd = chance(rng, 0.03);
        const auto p =
            static_cast<std::size_t>(uniform(rng, 0, static_cast<std::int64_t>(catalog.size()) - 1));
        if (odd_title(catalog[p].title) != want_odd ||
            std::any_of(plans.begin(), plans.end(), [p](const ItemPlan& x) { return x.product == p; })) {
            continue;
        }
        ItemPlan plan;
        plan.product = p;
        plan.quantity = static_cast<int>(weighted(rng, {75, 18, 7})) + 1;
        plans.push_back(plan);
    }
    for (std::size_t i = 0; i < plans.size(); ++i) {
        auto& plan = plans[i];
        switch (sk.status) {
        case FStatus::Shipped:
            plan.fulfilled = plan.quantity;
            break;
        case FStatus::Cancelled:
            break;
        case FStatus::PartiallyShipped:
            if (i == 0) {
                plan.fulfilled =
                    plan.quantity >= 2 ? static_cast<int>(uniform(rng, 1, plan.quantity - 1)) : 1;
            }
            plan.unfulfilled = plan.quantity - plan.fulfilled;
            break;
        default:
            plan.unfulfilled = plan.quantity;
            break;
        }
    }

    const bool buyer_request =
        (sk.status == FStatus::Unshipped || sk.status == FStatus::Pending) && chance(rng, 0.06);
    const std::string buyer_reason{pick(rng, buyer_cancel_reasons())};
    std::string cancelled_by;
    std::string cancel_reason;
    bool cancelled_on_request = false;
    if (sk.status == FStatus::Cancelled) {
        switch (weighted(rng, {50, 30, 20})) {
        case 0:
            cancelled_by = "BUYER";
            cancel_reason = buyer_reason;
            cancelled_on_request = chance(rng, 0.3);
            break;
        case 1:
            cancelled_by = "MERCHANT";
            cancel_reason = std::string{pick(rng, cancel_reasons())};
            break;
        default:
            cancelled_by = "AMAZON";
            cancel_reason = chance(rng, 0.5) ? "Payment could not be authorized" : "Undeliverable address";
            break;
        }
    }

    std::int64_t sum_item = 0, sum_ship = 0, sum_tax = 0, sum_discount = 0;
    Json items = Json::array();
    for (std::size_t i = 0; i < plans.size(); ++i) {
        const auto& plan = plans[i];
        const Product& product = catalog[plan.product];
        const std::int64_t unit_price = local_price(mp, product.usd_cents);
        const std::int64_t item_total = unit_price * plan.quantity;
        const bool free_shipping = prime || chance(rng, sk.merchant ? 0.4 : 0.7);
        const std::int64_t shipping = free_shipping ? 0 : mp.shipping_fee;
        const std::int64_t tax = (item_total + shipping) * city.tax_bp / 10'000;
        const std::int64_t discount =
            chance(rng, 0.12) ? -std::max<std::int64_t>(1, item_total * uniform(rng, 1, 4) * 5 / 100) : 0;
        sum_item += item_total;
        sum_ship += shipping;
        sum_tax += tax;
        sum_discount += discount;

        Json item;
        item["orderItemId"] = item_id(index, static_cast<std::uint32_t>(i));
        item["quantityOrdered"] = plan.quantity;
        Json condition{{"conditionType", "NEW"}, {"conditionSubtype", "NEW"}};
        switch (weighted(rng, {92, 6, 1, 1})) {
        case 1:
            condition = {{"conditionType", "USED"},
                         {"conditionSubtype", pick(rng, std::span<const std::string_view>{k_used_subtypes})}};
            condition["conditionNote"] = "Minor shelf wear on the box; contents unused.";
            break;
        case 2:
            condition = {{"conditionType", "COLLECTIBLE"}, {"conditionSubtype", "GOOD"}};
            break;
        case 3:
            condition = {{"conditionType", "REFURBISHED"}, {"conditionSubtype", "REFURBISHED"}};
            break;
        default:
            break;
        }
        item["product"] = {{"asin", asin_for(plan.product)},
                           {"title", product.title},
                           {"sellerSku", product.sku},
                           {"condition", condition},
                           {"price", {{"unitPrice", money(unit_price, currency)}}}};
        if (!pending) {
            Json breakdowns = Json::array();
            breakdowns.push_back({{"type", "ITEM"}, {"subtotal", money(item_total, currency)}});
            if (shipping != 0) {
                breakdowns.push_back({{"type", "SHIPPING"}, {"subtotal", money(shipping, currency)}});
            }
            if (tax != 0) {
                breakdowns.push_back({{"type", "TAX"}, {"subtotal", money(tax, currency)}});
            }
            if (discount != 0) {
                breakdowns.push_back({{"type", "DISCOUNT"}, {"subtotal", money(discount, currency)}});
            }
            item["proceeds"] = {{"proceedsTotal", money(item_total + shipping + tax + discount, currency)},
                                {"breakdowns", breakdowns}};
        }
        Json cancellation = Json::object();
        if (buyer_request || cancelled_on_request) {
            cancellation["cancellationRequest"] = {{"requester", "BUYER"}, {"cancelReason", buyer_reason}};
        }
        if (!cancelled_by.empty()) {
            cancellation["cancellationExecution"] = {{"cancelledBy", cancelled_by},
                                                     {"cancelReason", cancel_reason}};
        }
        if (!cancellation.empty()) {
            item["cancellation"] = cancellation;
        }
        item["fulfillment"] = {{"quantityFulfilled", plan.fulfilled},
                               {"quantityUnfulfilled", plan.unfulfilled}};
        items.push_back(std::move(item));
    }

    if (!pending) {
        Json breakdowns = Json::array();
        breakdowns.push_back({{"type", "ITEM"}, {"subtotal", money(sum_item, currency)}});
        if (sum_ship != 0) {
            breakdowns.push_back({{"type", "SHIPPING"}, {"subtotal", money(sum_ship, currency)}});
        }
        if (sum_tax != 0) {
            breakdowns.push_back({{"type", "TAX"}, {"subtotal", money(sum_tax, currency)}});
        }
        if (sum_discount != 0) {
            breakdowns.push_back({{"type", "DISCOUNT"}, {"subtotal", money(sum_discount, currency)}});
        }
        o["proceeds"] = {{"grandTotal", money(sum_item + sum_ship + sum_tax + sum_discount, currency)},
                         {"breakdowns", breakdowns}};
    }

    const auto level = sk.merchant ? weighted(rng, {75, 17, 5, 3}) : weighted(rng, {60, 30, 10, 0});
    static constexpr std::array<std::string_view, 4> levels{"STANDARD", "EXPEDITED", "PRIORITY", "SCHEDULED"};
    const Millis deliver_from = sk.ship_latest + uniform(rng, 1, 2) * k_day;
    o["fulfillment"] = {{"fulfillmentStatus", status_code(sk.status)},
                        {"fulfilledBy", sk.merchant ? "MERCHANT" : "AMAZON"},
                        {"fulfillmentServiceLevel", levels[level]},
                        {"shipByWindow", window(sk.created, sk.ship_latest)},
                        {"deliverByWindow", window(deliver_from, deliver_from + uniform(rng, 2, 4) * k_day)}};
    o["orderItems"] = items;

    Json packages = Json::array();
    if (sk.merchant && (sk.status == FStatus::Shipped || sk.status == FStatus::PartiallyShipped)) {
        // Split a shipped order with several items into two packages now and then.
        const bool two = sk.status == FStatus::Shipped && plans.size() >= 2 && chance(rng, 0.2);
        const std::size_t first_end = two ? plans.size() / 2 : plans.size();
        const Carrier& carrier = pick(rng, mp.carriers);
        for (int p = 0; p < (two ? 2 : 1); ++p) {
            const Millis ship =
                std::min(sk.updated, sk.ship_time + (p == 0 ? 0 : uniform(rng, 0, 6 * k_hour)));
            const Millis age = start_ - ship;
            const char* status = age < k_day ? "SHIPPED" : age < 3 * k_day ? "IN_TRANSIT" : "DELIVERED";
            Json package_items = Json::array();
            for (std::size_t i = p == 0 ? 0 : first_end; i < (p == 0 ? first_end : plans.size()); ++i) {
                if (plans[i].fulfilled > 0) {
                    package_items.push_back({{"orderItemId", item_id(index, static_cast<std::uint32_t>(i))},
                                             {"quantity", plans[i].fulfilled}});
                }
            }
            packages.push_back(
                {{"packageReferenceId",
                  std::to_string(1'000'000ull + index * 4ull + static_cast<unsigned>(p))},
                 {"createdTime",
                  iso8601(std::max(sk.created, ship - uniform(rng, 10 * k_minute, 3 * k_hour)) / 1000 *
                          1000)},
                 {"packageStatus", {{"status", status}}},
                 {"carrier", carrier.name},
                 {"shipTime", iso8601(ship)},
                 {"shippingService", carrier.service},
                 {"trackingNumber", fill(rng, carrier.tracking)},
                 {"packageItems", package_items}});
        }
    }
    o["packages"] = packages;
    return o;
}

} // namespace sim
