// Orders API v2026-01-01 Order JSON -> asc::Order.
//
// Strict where a wrong value would mislead (money, times, quantities, the status): a malformed
// value is an error naming the field, never a silent zero. Lenient where Amazon leaves things
// out: a block that was not asked for with includedData is simply absent.

#include "asc/amazon/orders_client.hpp"
#include "asc/base/errors.hpp"
#include "asc/base/time.hpp"

#include <limits>
#include <nlohmann/json.hpp>
#include <stdexcept>

namespace asc {

namespace {

// What is wrong, as a field path: "orderItems[1].product.price.unitPrice.amount is not ...".
class CodecError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

// Where a value sits in the order, as a chain of stack frames: the text ("orderItems[1].product")
// is built only for an error message, so reading a field costs no string.
struct Path {
    static constexpr std::size_t k_no_index = static_cast<std::size_t>(-1);
    const Path* parent = nullptr;
    std::string_view key;             // a member name, or empty for an array element
    std::size_t index = k_no_index;   // the element's index when key is empty

    [[nodiscard]] std::string str() const {
        if (parent == nullptr) {
            return std::string(key);
        }
        std::string out = parent->str();
        if (index != k_no_index) {
            return out + "[" + std::to_string(index) + "]";
        }
        return out.empty() ? std::string(key) : out + "." + std::string(key);
    }
};

const Path k_root{};

Path join(const Path& path, std::string_view key) {
    return Path{&path, key};
}

Path indexed(const Path& path, std::size_t i) {
    return Path{&path, {}, i};
}

// A top-level member's path, "fulfillment".
Path member(std::string_view key) {
    return Path{&k_root, key};
}

// A value from Amazon shown in a message: quoted, printable ASCII only, short.
std::string shown(std::string_view value) {
    std::string out = "\"";
    for (const char c : value.substr(0, 60)) {
        out += (c >= 0x20 && c < 0x7f) ? c : '?';
    }
    return out + (value.size() > 60 ? "...\"" : "\"");
}

// The value at `key`, or nullptr when absent or null.
template <class J>
const J* find(const J& object, std::string_view key) {
    const auto it = object.find(key);
    return it == object.end() || it->is_null() ? nullptr : &*it;
}

template <class J>
const J* find_object(const J& object, std::string_view key, const Path& path) {
    const J* value = find(object, key);
    if (value != nullptr && !value->is_object()) {
        throw CodecError(join(path, key).str() + " is not an object");
    }
    return value;
}

template <class J>
const J& require_object(const J& object, std::string_view key, const Path& path) {
    const J* value = find_object(object, key, path);
    if (value == nullptr) {
        throw CodecError(join(path, key).str() + " is missing");
    }
    return *value;
}

template <class J>
const J* find_array(const J& object, std::string_view key, const Path& path) {
    const J* value = find(object, key);
    if (value != nullptr && !value->is_array()) {
        throw CodecError(join(path, key).str() + " is not an array");
    }
    return value;
}

const std::string k_empty;

// The string at `key` ("" when absent or null), without a copy: the caller copies what it keeps.
template <class J>
const std::string& text(const J& object, std::string_view key, const Path& path) {
    const J* value = find(object, key);
    if (value == nullptr) {
        return k_empty;
    }
    if (!value->is_string()) {
        throw CodecError(join(path, key).str() + " is not a string");
    }
    return value->template get_ref<const std::string&>();
}

template <class J>
const std::string& require_text(const J& object, std::string_view key, const Path& path) {
    const std::string& value = text(object, key, path);
    if (value.empty()) {
        throw CodecError(join(path, key).str() + " is missing");
    }
    return value;
}

template <class J>
std::optional<int> count(const J& object, std::string_view key, const Path& path) {
    const J* value = find(object, key);
    if (value == nullptr) {
        return std::nullopt;
    }
    if (!value->is_number_integer()) {
        throw CodecError(join(path, key).str() + " is not an integer");
    }
    const auto n = value->template get<std::int64_t>();
    if (n < 0 || n > std::numeric_limits<int>::max()) {
        throw CodecError(join(path, key).str() + " is out of range: " + std::to_string(n));
    }
    return static_cast<int>(n);
}

template <class J>
std::optional<Timestamp> time(const J& object, std::string_view key, const Path& path) {
    const std::string& value = text(object, key, path);
    if (value.empty()) {
        return std::nullopt;
    }
    const auto parsed = parse_rfc3339(value);
    if (!parsed) {
        throw CodecError(join(path, key).str() + " is not an ISO 8601 time: " + shown(value));
    }
    return parsed;
}

template <class J>
Timestamp require_time(const J& object, std::string_view key, const Path& path) {
    const auto value = time(object, key, path);
    if (!value) {
        throw CodecError(join(path, key).str() + " is missing");
    }
    return *value;
}

// {"amount":"19.99","currencyCode":"USD"}: the amount must be a decimal string.
template <class J>
std::optional<Money> money(const J& object, std::string_view key, const Path& path) {
    const J* value = find_object(object, key, path);
    if (value == nullptr) {
        return std::nullopt;
    }
    const Path where = join(path, key);
    const J* amount = find(*value, "amount");
    if (amount == nullptr) {
        throw CodecError(where.str() + ".amount is missing");
    }
    if (!amount->is_string()) {
        // A JSON number would already have lost exactness on its way through a double.
        throw CodecError(where.str() + ".amount is not a decimal string");
    }
    const std::string& currency = require_text(*value, "currencyCode", where);
    const std::string& digits = amount->template get_ref<const std::string&>();
    auto parsed = Money::parse(digits, currency);
    if (!parsed) {
        throw CodecError(where.str() + " is not a valid amount: " + shown(digits) + " " + shown(currency));
    }
    return parsed;
}

template <class J>
TimeWindow window(const J& object, std::string_view key, const Path& path) {
    const J* value = find_object(object, key, path);
    if (value == nullptr) {
        return {};
    }
    const Path where = join(path, key);
    return {time(*value, "earliestDateTime", where), time(*value, "latestDateTime", where)};
}

// Adds `amount` to `slot` (several breakdown entries of one type add up).
void accumulate(std::optional<Money>& slot, const Money& amount, const Path& path) {
    if (!slot) {
        slot = amount;
        return;
    }
    try {
        slot = slot->plus(amount);
    } catch (const std::exception&) {
        throw CodecError(path.str() + " mixes currencies " + slot->currency + " and " + amount.currency);
    }
}

template <class J>
Address address(const J& a) {
    const Path recipient = member("recipient");
    const Path path = join(recipient, "deliveryAddress");
    Address out;
    out.name = text(a, "name", path);
    out.company = text(a, "companyName", path);
    out.line1 = text(a, "addressLine1", path);
    out.line2 = text(a, "addressLine2", path);
    out.line3 = text(a, "addressLine3", path);
    out.city = text(a, "city", path);
    out.district = text(a, "districtOrCounty", path);
    if (out.district.empty()) {
        out.district = text(a, "municipality", path);
    }
    out.state = text(a, "stateOrRegion", path);
    out.postal_code = text(a, "postalCode", path);
    out.country_code = text(a, "countryCode", path);
    out.phone = text(a, "phone", path);
    out.type = text(a, "addressType", path);
    return out;
}

template <class J>
OrderItem item(const J& j, const Path& path, Status status) {
    OrderItem out;
    out.order_item_id = require_text(j, "orderItemId", path);
    const auto ordered = count(j, "quantityOrdered", path);
    if (!ordered) {
        throw CodecError(join(path, "quantityOrdered").str() + " is missing");
    }
    out.quantity_ordered = *ordered;

    if (const J* product = find_object(j, "product", path)) {
        const Path where = join(path, "product");
        out.asin = text(*product, "asin", where);
        out.title = text(*product, "title", where);
        out.sku = text(*product, "sellerSku", where);
        if (const J* condition = find_object(*product, "condition", where)) {
            const Path at = join(where, "condition");
            const std::string& type = text(*condition, "conditionType", at);
            const std::string& subtype = text(*condition, "conditionSubtype", at);
            out.condition = (subtype.empty() || subtype == type) ? type
                            : type.empty()                       ? subtype
                                                                 : type + " / " + subtype;
        }
        if (const J* price = find_object(*product, "price", where)) {
            out.unit_price = money(*price, "unitPrice", join(where, "price"));
        }
    }

    const J* fulfillment = find_object(j, "fulfillment", path);
    const Path fulfillment_path = join(path, "fulfillment");
    const auto shipped =
        fulfillment ? count(*fulfillment, "quantityFulfilled", fulfillment_path) : std::nullopt;
    const auto unshipped =
        fulfillment ? count(*fulfillment, "quantityUnfulfilled", fulfillment_path) : std::nullopt;
    if (shipped && unshipped) {
        out.quantity_shipped = *shipped;
        out.quantity_unshipped = *unshipped;
    } else if (shipped) {
        out.quantity_shipped = *shipped;
        out.quantity_unshipped = std::max(0, out.quantity_ordered - *shipped);
    } else if (unshipped) {
        out.quantity_unshipped = *unshipped;
        out.quantity_shipped = std::max(0, out.quantity_ordered - *unshipped);
    } else if (status == Status::Shipped) {
        out.quantity_shipped = out.quantity_ordered;
    } else if (status != Status::Canceled && status != Status::Unfulfillable) {
        // Not shipped yet as far as the order's status tells.
        out.quantity_unshipped = out.quantity_ordered;
    }

    if (const J* proceeds = find_object(j, "proceeds", path)) {
        const Path where = join(path, "proceeds");
        out.proceeds_total = money(*proceeds, "proceedsTotal", where);
        if (const J* breakdowns = find_array(*proceeds, "breakdowns", where)) {
            const Path list = join(where, "breakdowns");
            for (std::size_t i = 0; i < breakdowns->size(); ++i) {
                const J& b = (*breakdowns)[i];
                const Path at = indexed(list, i);
                if (!b.is_object()) {
                    throw CodecError(at.str() + " is not an object");
                }
                const std::string& type = text(b, "type", at);
                const auto subtotal = money(b, "subtotal", at);
                if (!subtotal) {
                    throw CodecError(join(at, "subtotal").str() + " is missing");
                }
                if (type == "ITEM") {
                    accumulate(out.item_total, *subtotal, at);
                } else if (type == "TAX") {
                    accumulate(out.tax, *subtotal, at);
                } else if (type == "SHIPPING") {
                    accumulate(out.shipping_price, *subtotal, at);
                } else if (type == "DISCOUNT") {
                    accumulate(out.promotion_discount, *subtotal, at);
                }
            }
        }
    }

    if (const J* cancellation = find_object(j, "cancellation", path)) {
        const Path where = join(path, "cancellation");
        if (const J* request = find_object(*cancellation, "cancellationRequest", where)) {
            const Path at = join(where, "cancellationRequest");
            if (text(*request, "requester", at) == "BUYER") {
                out.buyer_requested_cancel = true;
                out.buyer_cancel_reason = text(*request, "cancelReason", at);
            }
        }
        if (const J* execution = find_object(*cancellation, "cancellationExecution", where)) {
            const Path at = join(where, "cancellationExecution");
            out.canceled_by = text(*execution, "cancelledBy", at);
            out.cancel_reason = text(*execution, "cancelReason", at);
        }
    }
    return out;
}

template <class J>
Package package(const J& j, const Path& path) {
    Package out;
    out.reference_id = require_text(j, "packageReferenceId", path);
    out.carrier = text(j, "carrier", path);
    out.shipping_service = text(j, "shippingService", path);
    out.tracking_number = text(j, "trackingNumber", path);
    out.ship_time = time(j, "shipTime", path);
    if (const J* status = find_object(j, "packageStatus", path)) {
        out.status = text(*status, "status", join(path, "packageStatus"));
    }
    if (const J* items = find_array(j, "packageItems", path)) {
        const Path list = join(path, "packageItems");
        for (std::size_t i = 0; i < items->size(); ++i) {
            const Path at = indexed(list, i);
            const J& pi = (*items)[i];
            if (!pi.is_object()) {
                throw CodecError(at.str() + " is not an object");
            }
            PackageItem item;
            item.order_item_id = require_text(pi, "orderItemId", at);
            item.quantity = count(pi, "quantity", at).value_or(0);
            out.items.push_back(std::move(item));
        }
    }
    return out;
}

// The fulfillment block: status, channel, service level and the ship-by/deliver-by windows.
template <class J>
void parse_fulfillment(const J& j, Order& o) {
    if (const J* fulfillment = find_object(j, "fulfillment", k_root)) {
        const Path at = member("fulfillment");
        const std::string& code = text(*fulfillment, "fulfillmentStatus", at);
        if (!code.empty()) {
            const auto status = status_from_v2026(code);
            if (!status) {
                // Guessing a status could let a guarded action through: refuse instead.
                throw CodecError("fulfillment.fulfillmentStatus has an unknown value " + shown(code));
            }
            o.status = *status;
        }
        o.fulfilled_by = fulfilled_by_from_v2026(text(*fulfillment, "fulfilledBy", at));
        o.ship_service_level = text(*fulfillment, "fulfillmentServiceLevel", at);
        o.ship_by = window(*fulfillment, "shipByWindow", at);
        o.deliver_by = window(*fulfillment, "deliverByWindow", at);
    }
}

// The proceeds block: the grand total and its breakdown lines.
template <class J>
void parse_proceeds(const J& j, Order& o) {
    if (const J* proceeds = find_object(j, "proceeds", k_root)) {
        const Path where = member("proceeds");
        o.total = money(*proceeds, "grandTotal", where);
        if (const J* breakdowns = find_array(*proceeds, "breakdowns", where)) {
            const Path list = join(where, "breakdowns");
            for (std::size_t i = 0; i < breakdowns->size(); ++i) {
                const Path at = indexed(list, i);
                const J& b = (*breakdowns)[i];
                if (!b.is_object()) {
                    throw CodecError(at.str() + " is not an object");
                }
                const auto subtotal = money(b, "subtotal", at);
                if (!subtotal) {
                    throw CodecError(join(at, "subtotal").str() + " is missing");
                }
                o.total_breakdown.push_back(MoneyLine{text(b, "type", at), *subtotal});
            }
        }
    }
}

// Programs (Prime, Business), the replaced order of a replacement, the seller's own order id.
template <class J>
void parse_programs_and_links(const J& j, Order& o) {
    if (const J* programs = find_array(j, "programs", k_root)) {
        for (const J& p : *programs) {
            if (!p.is_string()) {
                continue;
            }
            const std::string& program = p.template get_ref<const std::string&>();
            if (program == "PRIME") {
                o.is_prime = true;
            } else if (program == "AMAZON_BUSINESS") {
                o.is_business = true;
            }
        }
    }
    if (const J* associated = find_array(j, "associatedOrders", k_root)) {
        const Path list = member("associatedOrders");
        for (std::size_t i = 0; i < associated->size(); ++i) {
            const J& a = (*associated)[i];
            const Path at = indexed(list, i);
            if (a.is_object() && text(a, "associationType", at) == "REPLACEMENT_ORIGINAL_ID") {
                o.is_replacement = true;
                o.replaced_order_id = text(a, "orderId", at);
            }
        }
    }
    if (const J* aliases = find_array(j, "orderAliases", k_root)) {
        const Path list = member("orderAliases");
        for (std::size_t i = 0; i < aliases->size(); ++i) {
            const J& a = (*aliases)[i];
            const Path at = indexed(list, i);
            if (a.is_object() && text(a, "aliasType", at) == "SELLER_ORDER_ID") {
                o.seller_order_id = text(a, "aliasId", at);
            }
        }
    }
}

template <class J>
Order parse_order(const J& j) {
    if (!j.is_object()) {
        throw CodecError("the order is not an object");
    }
    Order o;
    o.order_id = require_text(j, "orderId", k_root);
    o.purchase_date = require_time(j, "createdTime", k_root);
    o.last_updated = require_time(j, "lastUpdatedTime", k_root);

    const J& channel = require_object(j, "salesChannel", k_root);
    const Path channel_path = member("salesChannel");
    o.sales_channel = text(channel, "channelName", channel_path);
    o.marketplace_id = text(channel, "marketplaceId", channel_path);
    o.marketplace_name = text(channel, "marketplaceName", channel_path);

    parse_fulfillment(j, o);

    parse_proceeds(j, o);

    parse_programs_and_links(j, o);

    if (const J* buyer = find_object(j, "buyer", k_root)) {
        const Path at = member("buyer");
        Buyer b;
        b.name = text(*buyer, "buyerName", at);
        b.email = text(*buyer, "buyerEmail", at);
        b.company = text(*buyer, "buyerCompanyName", at);
        b.purchase_order = text(*buyer, "buyerPurchaseOrderNumber", at);
        o.buyer = std::move(b);
    }
    if (const J* recipient = find_object(j, "recipient", k_root)) {
        if (const J* delivery = find_object(*recipient, "deliveryAddress", member("recipient"))) {
            o.ship_to = address(*delivery);
        }
    }

    const J* items = find_array(j, "orderItems", k_root);
    if (items == nullptr) {
        throw CodecError("orderItems is missing");
    }
    const Path items_path = member("orderItems");
    o.items.reserve(items->size());
    for (std::size_t i = 0; i < items->size(); ++i) {
        const Path at = indexed(items_path, i);
        if (!(*items)[i].is_object()) {
            throw CodecError(at.str() + " is not an object");
        }
        o.items.push_back(item((*items)[i], at, o.status));
    }

    if (const J* packages = find_array(j, "packages", k_root)) {
        const Path list = member("packages");
        o.packages.reserve(packages->size());
        for (std::size_t i = 0; i < packages->size(); ++i) {
            const Path at = indexed(list, i);
            if (!(*packages)[i].is_object()) {
                throw CodecError(at.str() + " is not an object");
            }
            o.packages.push_back(package((*packages)[i], at));
        }
    }
    return o;
}

template <class J>
Order decode(const J& j, std::string_view operation) {
    try {
        return parse_order(j);
    } catch (const CodecError& e) {
        std::string what = operation.empty()
                               ? std::string("Amazon returned an unexpected order")
                               : "Amazon returned an unexpected response for " + std::string(operation);
        if (j.is_object()) {
            if (const auto id = j.find("orderId"); id != j.end() && id->is_string()) {
                what += " (order " + shown(id->template get<std::string>()) + ")";
            }
        }
        throw Error(
            ErrorKind::Temporary, what + ": " + e.what(),
            "if this persists, Amazon changed the Orders API response: report it with --debug output");
    }
}

} // namespace

Order order_from_v2026(const nlohmann::json& j, std::string_view operation) {
    return decode(j, operation);
}

Order order_from_v2026(const nlohmann::ordered_json& j, std::string_view operation) {
    return decode(j, operation);
}

} // namespace asc
