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

namespace {

// The purchase date of a skeleton whose status and fulfillment are drawn, and its ship-by date
// when the status sets it (a merchant's Unshipped order: late, due within a day, or later).
// `spread` is a separate random stream (see draw_skeleton).
Millis draw_created(std::mt19937_64& rng, std::mt19937_64& spread, Skeleton& s, Millis start, Millis handling) {
    auto ago = [&](Millis lo, Millis hi) { return start - uniform(rng, lo, hi); };
    switch (s.status) {
    case FStatus::PendingAvailability:
        return ago(10 * k_minute, 20 * k_day);
    case FStatus::Pending:
        return ago(10 * k_minute, 2 * k_day);
    case FStatus::Unshipped:
        if (!s.merchant) {
            return ago(10 * k_minute, 3 * k_day);
        }
        // A quarter are late, about a third are due within 24 hours, the rest later.
        switch (weighted(rng, {25, 30, 45})) {
        case 0:
            s.ship_latest = start - uniform(rng, k_hour, 3 * k_day);
            break;
        case 1:
            s.ship_latest = start + uniform(rng, k_hour, 23 * k_hour);
            break;
        default:
            s.ship_latest = start + uniform(rng, 25 * k_hour, 4 * k_day);
            break;
        }
        if (const Millis placed = s.ship_latest - handling - uniform(rng, 0, 8 * k_hour);
            placed < start - 10 * k_minute) {
            return placed;
        }
        // A ship-by date further out than the handling time: a seller with a longer handling
        // time, whose order was placed some time in the last two days. (Putting it at the start
        // instead piled 6% of all orders, and their last updates, into the final minutes, which
        // no real seller's history looks like.)
        return start - uniform(spread, 10 * k_minute, 2 * k_day);
    case FStatus::PartiallyShipped:
        return ago(k_day, 10 * k_day);
    case FStatus::Shipped:
        return ago(k_day, 60 * k_day);
    case FStatus::Cancelled:
        return ago(10 * k_minute, 60 * k_day);
    case FStatus::Unfulfillable:
        return ago(k_day, 30 * k_day);
    }
    return start - k_day;
}

// The last update (and the shipment or cancellation behind it) of a skeleton whose purchase
// date is drawn.
void draw_updates(std::mt19937_64& rng, Skeleton& s, Millis start) {
    const Millis room = start - s.created; // > 5 minutes
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
        if (s.merchant && start - s.ship_time > 3 * k_day) {
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
    s.updated = seconds_floor(std::clamp(s.updated, s.created, start - 5 * k_minute));
    s.ship_time = s.ship_time == 0 ? 0 : seconds_floor(std::clamp(s.ship_time, s.created, s.updated));
    s.cancel_time = s.cancel_time == 0 ? 0 : s.updated;
}

} // namespace

// The skeleton's draws come first in the order's random stream; order() continues the stream.
// Draws added later come from `spread`, a second stream of the index, so that they leave every
// other order, and every other part of the order, as it was.
Skeleton Generator::draw_skeleton(std::mt19937_64& rng, std::uint32_t index) const {
    std::mt19937_64 spread{mix64(seed_ ^ mix64(index) ^ 0x5b7e'ad00ull)};
    Skeleton s;
    s.marketplace = static_cast<std::uint8_t>(weighted(rng, {45, 12, 15, 15, 13}));
    s.merchant = chance(rng, 0.70);
    const std::vector<int> merchant_mix{2, 8, 32, 7, 36, 15, 0};
    const std::vector<int> amazon_mix{3, 12, 25, 4, 34, 18, 4};
    s.status = static_cast<FStatus>(weighted(rng, s.merchant ? merchant_mix : amazon_mix));

    const Millis handling = uniform(rng, 1, 3) * k_day;
    s.created = draw_created(rng, spread, s, start_, handling);
    s.created = seconds_floor(std::clamp(s.created, start_ - 60 * k_day, start_ - 5 * k_minute));
    if (s.ship_latest == 0) {
        s.ship_latest = s.created + handling;
    }
    s.ship_latest = seconds_floor(s.ship_latest);
    draw_updates(rng, s, start_);

    const Marketplace& mp = marketplaces()[s.marketplace];
    const std::uint64_t digits14 = scramble14(index, id_key_);
    s.order_id = fmt::format("{}-{:07}-{:07}", pick(rng, mp.id_prefixes), digits14 / 10'000'000,
                             digits14 % 10'000'000);
    return s;
}

namespace {

// What order() decides once and its parts share.
struct OrderTraits {
    const Marketplace* mp = nullptr;
    std::string currency;
    bool pending = false;    // Pending or PendingAvailability: no address, no proceeds yet
    bool non_amazon = false; // sold through a non-Amazon channel (Multi-Channel Fulfillment)
    bool business = false;
    bool prime = false;
    std::string company; // business orders
};

// The order's identity and channel: id, aliases, times, programs, associated orders.
void add_header(Json& o, std::mt19937_64& rng, const Skeleton& sk, const OrderTraits& t) {
    const Marketplace& mp = *t.mp;
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
    if (t.prime) {
        programs.push_back("PRIME");
    }
    if (t.business) {
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
    o["salesChannel"] = {{"channelName", t.non_amazon ? "NON_AMAZON" : "AMAZON"},
                         {"marketplaceId", mp.id},
                         {"marketplaceName", t.non_amazon ? "Non-Amazon" : mp.name}};
}

// The buyer and, once the order is no longer pending, the delivery address. Returns the city
// (its tax rate prices the items).
const City& add_people(Json& o, std::mt19937_64& rng, OrderTraits& t) {
    const Marketplace& mp = *t.mp;
    const bool japanese = mp.country == "JP";
    auto person = [&] {
        const auto first = pick(rng, mp.first_names);
        const auto last = pick(rng, mp.last_names);
        return japanese ? fmt::format("{} {}", last, first) : fmt::format("{} {}", first, last);
    };
    const std::string buyer_name = person();
    t.company = t.business ? std::string{pick(rng, companies())} : std::string{};
    Json buyer{{"buyerName", buyer_name},
               {"buyerEmail", fmt::format("{}@{}", fill(rng, "XXXXXXXXXXXXXXXX"), mp.email_domain)}};
    for (auto& c : buyer["buyerEmail"].get_ref<std::string&>()) {
        c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    }
    if (t.business) {
        buyer["buyerCompanyName"] = t.company;
        if (chance(rng, 0.5)) {
            buyer["buyerPurchaseOrderNumber"] = fmt::format("PO-{}", fill(rng, "######"));
        }
    }
    o["buyer"] = buyer;

    const City& city = pick(rng, mp.cities);
    if (!t.pending) {
        Json address;
        address["name"] = chance(rng, 0.15) ? person() : buyer_name;
        if (t.business) {
            address["companyName"] = t.company;
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
        address["addressType"] = t.business ? "COMMERCIAL" : "RESIDENTIAL";
        o["recipient"] = {{"deliveryAddress", address}};
    }
    return city;
}

// 1 to 4 distinct products (at least 2 for a partially shipped order; now and then one with an
// odd title), with quantities and how many of each have shipped.
std::vector<ItemPlan> plan_items(std::mt19937_64& rng, const Skeleton& sk) {
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
    return plans;
}

// Who asked for or carried out a cancellation, and why.
struct CancelPlan {
    bool buyer_request = false; // an open buyer request on an Unshipped or Pending order
    std::string buyer_reason;
    std::string cancelled_by; // BUYER, MERCHANT or AMAZON for a Cancelled order
    std::string cancel_reason;
    bool cancelled_on_request = false;
};

CancelPlan plan_cancellation(std::mt19937_64& rng, const Skeleton& sk) {
    CancelPlan c;
    c.buyer_request = (sk.status == FStatus::Unshipped || sk.status == FStatus::Pending) && chance(rng, 0.06);
    c.buyer_reason = std::string{pick(rng, buyer_cancel_reasons())};
    if (sk.status == FStatus::Cancelled) {
        switch (weighted(rng, {50, 30, 20})) {
        case 0:
            c.cancelled_by = "BUYER";
            c.cancel_reason = c.buyer_reason;
            c.cancelled_on_request = chance(rng, 0.3);
            break;
        case 1:
            c.cancelled_by = "MERCHANT";
            c.cancel_reason = std::string{pick(rng, cancel_reasons())};
            break;
        default:
            c.cancelled_by = "AMAZON";
            c.cancel_reason = chance(rng, 0.5) ? "Payment could not be authorized" : "Undeliverable address";
            break;
        }
    }
    return c;
}

// The order's money, summed over its items (minor units of its currency).
struct Sums {
    std::int64_t item = 0, ship = 0, tax = 0, discount = 0;
};

// {"proceedsTotal" or "grandTotal": total, "breakdowns": [ITEM, SHIPPING, TAX, DISCOUNT]}, the
// zero breakdowns other than ITEM left out.
Json proceeds(const char* total_key, const Sums& m, const std::string& currency) {
    Json breakdowns = Json::array();
    breakdowns.push_back({{"type", "ITEM"}, {"subtotal", money(m.item, currency)}});
    if (m.ship != 0) {
        breakdowns.push_back({{"type", "SHIPPING"}, {"subtotal", money(m.ship, currency)}});
    }
    if (m.tax != 0) {
        breakdowns.push_back({{"type", "TAX"}, {"subtotal", money(m.tax, currency)}});
    }
    if (m.discount != 0) {
        breakdowns.push_back({{"type", "DISCOUNT"}, {"subtotal", money(m.discount, currency)}});
    }
    return {{total_key, money(m.item + m.ship + m.tax + m.discount, currency)}, {"breakdowns", breakdowns}};
}

Json item_condition(std::mt19937_64& rng) {
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
    return condition;
}

// One orderItems entry; adds its money to `sums`.
Json item_json(std::mt19937_64& rng, const Skeleton& sk, const OrderTraits& t, const City& city,
               const ItemPlan& plan, const CancelPlan& cancel, std::string item_id, Sums& sums) {
    const Marketplace& mp = *t.mp;
    const Product& product = products()[plan.product];
    const std::int64_t unit_price = local_price(mp, product.usd_cents);
    const std::int64_t item_total = unit_price * plan.quantity;
    const bool free_shipping = t.prime || chance(rng, sk.merchant ? 0.4 : 0.7);
    const std::int64_t shipping = free_shipping ? 0 : mp.shipping_fee;
    const std::int64_t tax = (item_total + shipping) * city.tax_bp / 10'000;
    const std::int64_t discount =
        chance(rng, 0.12) ? -std::max<std::int64_t>(1, item_total * uniform(rng, 1, 4) * 5 / 100) : 0;
    sums.item += item_total;
    sums.ship += shipping;
    sums.tax += tax;
    sums.discount += discount;

    Json item;
    item["orderItemId"] = std::move(item_id);
    item["quantityOrdered"] = plan.quantity;
    const Json condition = item_condition(rng);
    item["product"] = {{"asin", asin_for(plan.product)},
                       {"title", product.title},
                       {"sellerSku", product.sku},
                       {"condition", condition},
                       {"price", {{"unitPrice", money(unit_price, t.currency)}}}};
    if (!t.pending) {
        item["proceeds"] = proceeds("proceedsTotal", Sums{item_total, shipping, tax, discount}, t.currency);
    }
    Json cancellation = Json::object();
    if (cancel.buyer_request || cancel.cancelled_on_request) {
        cancellation["cancellationRequest"] = {{"requester", "BUYER"}, {"cancelReason", cancel.buyer_reason}};
    }
    if (!cancel.cancelled_by.empty()) {
        cancellation["cancellationExecution"] = {{"cancelledBy", cancel.cancelled_by},
                                                 {"cancelReason", cancel.cancel_reason}};
    }
    if (!cancellation.empty()) {
        item["cancellation"] = cancellation;
    }
    item["fulfillment"] = {{"quantityFulfilled", plan.fulfilled}, {"quantityUnfulfilled", plan.unfulfilled}};
    return item;
}

// A merchant-fulfilled order that has shipped: one package, or now and then two for a shipped
// order with several items. Each package's status follows its age.
Json packages_json(std::mt19937_64& rng, const Generator& g, Millis start, std::uint32_t index,
                   const Skeleton& sk, const std::vector<ItemPlan>& plans) {
    Json packages = Json::array();
    if (!sk.merchant || (sk.status != FStatus::Shipped && sk.status != FStatus::PartiallyShipped)) {
        return packages;
    }
    const Marketplace& mp = marketplaces()[sk.marketplace];
    const bool two = sk.status == FStatus::Shipped && plans.size() >= 2 && chance(rng, 0.2);
    const std::size_t first_end = two ? plans.size() / 2 : plans.size();
    const Carrier& carrier = pick(rng, mp.carriers);
    for (int p = 0; p < (two ? 2 : 1); ++p) {
        const Millis ship = std::min(sk.updated, sk.ship_time + (p == 0 ? 0 : uniform(rng, 0, 6 * k_hour)));
        const Millis age = start - ship;
        const char* status = age < k_day ? "SHIPPED" : age < 3 * k_day ? "IN_TRANSIT" : "DELIVERED";
        Json package_items = Json::array();
        for (std::size_t i = p == 0 ? 0 : first_end; i < (p == 0 ? first_end : plans.size()); ++i) {
            if (plans[i].fulfilled > 0) {
                package_items.push_back({{"orderItemId", g.item_id(index, static_cast<std::uint32_t>(i))},
                                         {"quantity", plans[i].fulfilled}});
            }
        }
        packages.push_back(
            {{"packageReferenceId", std::to_string(1'000'000ull + index * 4ull + static_cast<unsigned>(p))},
             {"createdTime",
              iso8601(std::max(sk.created, ship - uniform(rng, 10 * k_minute, 3 * k_hour)) / 1000 * 1000)},
             {"packageStatus", {{"status", status}}},
             {"carrier", carrier.name},
             {"shipTime", iso8601(ship)},
             {"shippingService", carrier.service},
             {"trackingNumber", fill(rng, carrier.tracking)},
             {"packageItems", package_items}});
    }
    return packages;
}

} // namespace

Json Generator::order(std::uint32_t index) const {
    std::mt19937_64 rng{mix64(seed_ ^ mix64(index))};
    const Skeleton sk = draw_skeleton(rng, index);
    OrderTraits t;
    t.mp = &marketplaces()[sk.marketplace];
    t.currency = std::string{t.mp->currency};
    t.pending = sk.status == FStatus::Pending || sk.status == FStatus::PendingAvailability;
    t.non_amazon = sk.status == FStatus::Unfulfillable || (!sk.merchant && chance(rng, 0.04));
    t.business = chance(rng, 0.08);
    t.prime = !t.non_amazon && chance(rng, sk.merchant ? 0.2 : 0.6);

    Json o;
    add_header(o, rng, sk, t);
    const City& city = add_people(o, rng, t);
    const std::vector<ItemPlan> plans = plan_items(rng, sk);
    const CancelPlan cancel = plan_cancellation(rng, sk);
    Sums sums;
    Json items = Json::array();
    for (std::size_t i = 0; i < plans.size(); ++i) {
        items.push_back(
            item_json(rng, sk, t, city, plans[i], cancel, item_id(index, static_cast<std::uint32_t>(i)), sums));
    }
    if (!t.pending) {
        o["proceeds"] = proceeds("grandTotal", sums, t.currency);
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
    o["packages"] = packages_json(rng, *this, start_, index, sk, plans);
    return o;
}

} // namespace sim
