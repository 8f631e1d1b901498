// searchOrders pages decoded in one pass: a strict JSON reader of our own (json_pull.hpp: string
// views into the body, no copies) feeds a handler that fills Order values directly, with no JSON
// document in between (building that document and walking it again was most of what listing
// orders cost; nlohmann's SAX lexer, which copies every string, was most of what remained).
//
// This is the fast path only. It accepts exactly what the document decoder (orders_codec.cpp)
// accepts and builds the same orders, but it does not explain faults: on the first thing that
// is unusual (a field of the wrong type, a required one missing or empty, a duplicate key, an
// unknown status, a bad amount or time, a body that is not JSON) it gives up, and the caller
// decodes the page the thorough way, whose messages name the field. So it may give up on a page
// the document decoder accepts (that only costs time), never the other way round; the unit
// tests compare the two on every fault they know.

#include "asc/base/json_pull.hpp"
#include "asc/amazon/orders_client.hpp"
#include "asc/base/time.hpp"

#include <algorithm>
#include <cstdint>
#include <exception>
#include <limits>
#include <string>
#include <vector>

namespace asc {

namespace {

// The kinds of objects and arrays of a searchOrders body the handler knows.
enum class Node : std::uint8_t {
    None, Root, Pagination, Orders, Order, SalesChannel, Fulfillment, Window, Proceeds, Money,
    Breakdowns, Breakdown, Programs, Associations, Association, Aliases, Alias, Buyer, Recipient,
    Address, Items, Item, Product, Condition, Price, ItemFulfillment, ItemProceeds, ItemBreakdowns,
    ItemBreakdown, Cancellation, CancelRequest, CancelExecution, Packages, Package, PackageStatus,
    PackageItems, PackageItem,
};

// The element kind of an array kind (None: not an array of objects).
Node element_of(Node array) {
    switch (array) {
    case Node::Orders:
        return Node::Order;
    case Node::Breakdowns:
        return Node::Breakdown;
    case Node::Associations:
        return Node::Association;
    case Node::Aliases:
        return Node::Alias;
    case Node::Items:
        return Node::Item;
    case Node::ItemBreakdowns:
        return Node::ItemBreakdown;
    case Node::Packages:
        return Node::Package;
    case Node::PackageItems:
        return Node::PackageItem;
    default:
        return Node::None;
    }
}

// What the value after a key goes into.
enum class Want : std::uint8_t {
    Skip,   // a key the decoder does not read: any value, ignored
    Text,   // a string into dest (null: left as it is)
    Time,   // an RFC 3339 string into an optional<Timestamp> (null or "": none)
    Count,  // an integer in 0..INT_MAX into an optional<int> (null: none)
    Object, // an object of kind `child` (null: absent, unless required)
    Array,  // an array of `child` (null: absent, unless required)
};

// 16 bytes, so that the resolve functions return it in registers (one per key of the page).
struct Slot {
    void* dest = nullptr;
    int bit = -1;          // the key's bit in the frame's `seen` (-1: not tracked)
    Want want = Want::Skip;
    Node child = Node::None;
    bool required = false; // for Object and Array: null gives up
};
static_assert(sizeof(Slot) <= 16);

Slot text(std::string& dest, int bit) {
    return {&dest, bit, Want::Text, Node::None};
}
Slot time(std::optional<Timestamp>& dest, int bit) {
    return {&dest, bit, Want::Time, Node::None};
}
Slot count(std::optional<int>& dest, int bit) {
    return {&dest, bit, Want::Count, Node::None};
}
Slot object(Node child, void* dest, int bit, bool required = false) {
    return {dest, bit, Want::Object, child, required};
}
Slot array(Node child, int bit, bool required = false) {
    return {nullptr, bit, Want::Array, child, required};
}

// An open object or array: its kind, what it fills, and the keys it has had.
struct Frame {
    Node node = Node::None;
    void* dest = nullptr;
    std::uint32_t seen = 0;
    bool is_array = false;
};

// The quantities of an item as sent; the shipped/unshipped split needs the order's status,
// which may come after the items.
struct RawQuantities {
    std::optional<int> ordered, shipped, unshipped;
};

class PageHandler {
  public:
    explicit PageHandler(OrdersPage& page) : m_page(page) {}

    // One event of the reader each: false gives up.
    bool null() { return m_skip > 0 || other_scalar(true); }
    bool other() { return m_skip > 0 || other_scalar(false); } // a boolean or a non-integer number
    bool integer(bool negative, std::uint64_t magnitude) {
        return m_skip > 0 || number(!negative || magnitude == 0, magnitude);
    }
    bool string(std::string_view s);
    bool key(std::string_view k);
    bool start_object();
    bool end_object();
    bool start_array();
    bool end_array();

    // After the parse: the root object had its "orders" array.
    [[nodiscard]] bool complete() const { return m_root_done; }

  private:
    // The slot the value after the last key goes into, taken (the next value needs a new key).
    Slot take_slot() {
        const Slot slot = m_slot;
        m_slot = {};
        return slot;
    }
    bool other_scalar(bool is_null);
    bool number(bool non_negative, std::uint64_t n);
    Slot resolve(const Frame& frame, std::string_view key);
    Slot resolve_order(Order& o, std::string_view key);
    Slot resolve_item(OrderItem& item, std::string_view key);
    Slot resolve_package(Package& p, std::string_view key);
    bool begin(Frame& frame);
    bool finish(const Frame& frame);
    bool finish_order(Order& o);
    bool finish_item(OrderItem& item);

    Order& order() { return m_page.orders.back(); }
    OrderItem& item() { return order().items.back(); }

    OrdersPage& m_page;
    std::vector<Frame> m_frames;
    Slot m_slot;                 // where the value after the last key goes
    std::size_t m_skip = 0;      // depth inside a value that is skipped
    bool m_root_done = false;
    // Scratch of the objects that decide something at their end (none of them nests in another
    // of the same kind, so one of each is enough).
    std::vector<RawQuantities> m_quantities; // the current order's items
    std::optional<Timestamp> m_created, m_updated;
    std::string m_status_code, m_fulfilled_by;
    std::string m_amount, m_currency;
    std::string m_line_type;
    std::optional<Money> m_line_money;
    std::string m_first, m_second; // association, alias, condition, cancellation request
    std::string m_municipality;
    std::optional<int> m_package_quantity;
};

// A null, boolean or floating-point value: fine where the key is not read; a null is fine
// wherever a value may be absent. (No array the decoder reads holds them.)
bool PageHandler::other_scalar(bool is_null) {
    if (m_frames.empty() || m_frames.back().is_array) {
        return false;
    }
    const Slot slot = take_slot();
    if (slot.want == Want::Skip) {
        return true;
    }
    if (!is_null) {
        return false;
    }
    return (slot.want != Want::Object && slot.want != Want::Array) || !slot.required;
}

bool PageHandler::number(bool non_negative, std::uint64_t n) {
    if (m_frames.empty() || m_frames.back().is_array) {
        return false;
    }
    const Slot slot = take_slot();
    if (slot.want == Want::Skip) {
        return true;
    }
    if (slot.want != Want::Count || !non_negative ||
        n > static_cast<std::uint64_t>(std::numeric_limits<int>::max())) {
        return false;
    }
    *static_cast<std::optional<int>*>(slot.dest) = static_cast<int>(n);
    return true;
}

bool PageHandler::string(std::string_view s) {
    if (m_skip > 0) {
        return true;
    }
    if (m_frames.empty()) {
        return false;
    }
    if (m_frames.back().is_array) {
        // Only programs holds strings.
        if (m_frames.back().node != Node::Programs) {
            return false;
        }
        if (s == "PRIME") {
            order().is_prime = true;
        } else if (s == "AMAZON_BUSINESS") {
            order().is_business = true;
        }
        return true;
    }
    const Slot slot = take_slot();
    switch (slot.want) {
    case Want::Skip:
        return true;
    case Want::Text:
        *static_cast<std::string*>(slot.dest) = s;
        return true;
    case Want::Time:
        if (!s.empty()) {
            const auto t = parse_rfc3339(s);
            if (!t) {
                return false;
            }
            *static_cast<std::optional<Timestamp>*>(slot.dest) = t;
        }
        return true;
    default:
        return false;
    }
}

bool PageHandler::key(std::string_view k) {
    if (m_skip > 0) {
        return true;
    }
    Frame& frame = m_frames.back();
    m_slot = resolve(frame, k);
    if (m_slot.bit >= 0) {
        const auto bit = std::uint32_t{1} << m_slot.bit;
        if ((frame.seen & bit) != 0) {
            return false; // a duplicate key: the document decoder keeps the last; leave it to it
        }
        frame.seen |= bit;
    }
    return true;
}

bool PageHandler::start_object() {
    if (m_skip > 0) {
        ++m_skip;
        return true;
    }
    Frame frame;
    if (m_frames.empty()) {
        frame.node = Node::Root;
    } else if (m_frames.back().is_array) {
        frame.node = element_of(m_frames.back().node);
        if (frame.node == Node::None) {
            return false;
        }
    } else {
        const Slot slot = take_slot();
        if (slot.want == Want::Skip) {
            m_skip = 1;
            return true;
        }
        if (slot.want != Want::Object) {
            return false;
        }
        frame.node = slot.child;
        frame.dest = slot.dest;
    }
    if (!begin(frame)) {
        return false;
    }
    m_frames.push_back(frame);
    return true;
}

bool PageHandler::end_object() {
    if (m_skip > 0) {
        --m_skip;
        return true;
    }
    const Frame frame = m_frames.back();
    m_frames.pop_back();
    return finish(frame);
}

bool PageHandler::start_array() {
    if (m_skip > 0) {
        ++m_skip;
        return true;
    }
    if (m_frames.empty() || m_frames.back().is_array) {
        return false;
    }
    const Slot slot = take_slot();
    if (slot.want == Want::Skip) {
        m_skip = 1;
        return true;
    }
    if (slot.want != Want::Array) {
        return false;
    }
    m_frames.push_back(Frame{slot.child, nullptr, 0, true});
    return true;
}

bool PageHandler::end_array() {
    if (m_skip > 0) {
        --m_skip;
        return true;
    }
    m_frames.pop_back();
    return true;
}

// Where the value of `key` goes in an object of the frame's kind.
Slot PageHandler::resolve(const Frame& frame, std::string_view key) {
    switch (frame.node) {
    case Node::Root:
        if (key == "orders") {
            return array(Node::Orders, 0, true);
        }
        return key == "pagination" ? object(Node::Pagination, nullptr, 1) : Slot{};
    case Node::Pagination:
        return key == "nextToken" ? text(m_page.next_token, 0) : Slot{};
    case Node::Order:
        return resolve_order(order(), key);
    case Node::SalesChannel:
        return key == "channelName"       ? text(order().sales_channel, 0)
               : key == "marketplaceId"   ? text(order().marketplace_id, 1)
               : key == "marketplaceName" ? text(order().marketplace_name, 2)
                                          : Slot{};
    case Node::Fulfillment:
        return key == "fulfillmentStatus"         ? text(m_status_code, 0)
               : key == "fulfilledBy"             ? text(m_fulfilled_by, 1)
               : key == "fulfillmentServiceLevel" ? text(order().ship_service_level, 2)
               : key == "shipByWindow"            ? object(Node::Window, &order().ship_by, 3)
               : key == "deliverByWindow"         ? object(Node::Window, &order().deliver_by, 4)
                                                  : Slot{};
    case Node::Window: {
        auto& w = *static_cast<TimeWindow*>(frame.dest);
        return key == "earliestDateTime" ? time(w.earliest, 0) : key == "latestDateTime" ? time(w.latest, 1) : Slot{};
    }
    case Node::Proceeds:
        return key == "grandTotal"   ? object(Node::Money, &order().total, 0)
               : key == "breakdowns" ? array(Node::Breakdowns, 1)
                                     : Slot{};
    case Node::Money:
        return key == "amount" ? text(m_amount, 0) : key == "currencyCode" ? text(m_currency, 1) : Slot{};
    case Node::Breakdown:
    case Node::ItemBreakdown:
        return key == "type" ? text(m_line_type, 0) : key == "subtotal" ? object(Node::Money, &m_line_money, 1) : Slot{};
    case Node::Association:
        return key == "associationType" ? text(m_first, 0) : key == "orderId" ? text(m_second, 1) : Slot{};
    case Node::Alias:
        return key == "aliasType" ? text(m_first, 0) : key == "aliasId" ? text(m_second, 1) : Slot{};
    case Node::Buyer: {
        auto& b = *order().buyer;
        return key == "buyerName"                  ? text(b.name, 0)
               : key == "buyerEmail"               ? text(b.email, 1)
               : key == "buyerCompanyName"         ? text(b.company, 2)
               : key == "buyerPurchaseOrderNumber" ? text(b.purchase_order, 3)
                                                   : Slot{};
    }
    case Node::Recipient:
        return key == "deliveryAddress" ? object(Node::Address, nullptr, 0) : Slot{};
    case Node::Address: {
        auto& a = *order().ship_to;
        return key == "name"               ? text(a.name, 0)
               : key == "companyName"      ? text(a.company, 1)
               : key == "addressLine1"     ? text(a.line1, 2)
               : key == "addressLine2"     ? text(a.line2, 3)
               : key == "addressLine3"     ? text(a.line3, 4)
               : key == "city"             ? text(a.city, 5)
               : key == "districtOrCounty" ? text(a.district, 6)
               : key == "municipality"     ? text(m_municipality, 7)
               : key == "stateOrRegion"    ? text(a.state, 8)
               : key == "postalCode"       ? text(a.postal_code, 9)
               : key == "countryCode"      ? text(a.country_code, 10)
               : key == "phone"            ? text(a.phone, 11)
               : key == "addressType"      ? text(a.type, 12)
                                           : Slot{};
    }
    case Node::Item:
        return resolve_item(item(), key);
    case Node::Product:
        return key == "asin"        ? text(item().asin, 0)
               : key == "title"     ? text(item().title, 1)
               : key == "sellerSku" ? text(item().sku, 2)
               : key == "condition" ? object(Node::Condition, nullptr, 3)
               : key == "price"     ? object(Node::Price, nullptr, 4)
                                    : Slot{};
    case Node::Condition:
        return key == "conditionType" ? text(m_first, 0) : key == "conditionSubtype" ? text(m_second, 1) : Slot{};
    case Node::Price:
        return key == "unitPrice" ? object(Node::Money, &item().unit_price, 0) : Slot{};
    case Node::ItemFulfillment:
        return key == "quantityFulfilled"     ? count(m_quantities.back().shipped, 0)
               : key == "quantityUnfulfilled" ? count(m_quantities.back().unshipped, 1)
                                              : Slot{};
    case Node::ItemProceeds:
        return key == "proceedsTotal" ? object(Node::Money, &item().proceeds_total, 0)
               : key == "breakdowns"  ? array(Node::ItemBreakdowns, 1)
                                      : Slot{};
    case Node::Cancellation:
        return key == "cancellationRequest"     ? object(Node::CancelRequest, nullptr, 0)
               : key == "cancellationExecution" ? object(Node::CancelExecution, nullptr, 1)
                                                : Slot{};
    case Node::CancelRequest:
        return key == "requester" ? text(m_first, 0) : key == "cancelReason" ? text(m_second, 1) : Slot{};
    case Node::CancelExecution:
        return key == "cancelledBy"    ? text(item().canceled_by, 0)
               : key == "cancelReason" ? text(item().cancel_reason, 1)
                                       : Slot{};
    case Node::Package:
        return resolve_package(order().packages.back(), key);
    case Node::PackageStatus:
        return key == "status" ? text(order().packages.back().status, 0) : Slot{};
    case Node::PackageItem: {
        auto& pi = order().packages.back().items.back();
        return key == "orderItemId" ? text(pi.order_item_id, 0) : key == "quantity" ? count(m_package_quantity, 1) : Slot{};
    }
    default:
        return {};
    }
}

Slot PageHandler::resolve_order(Order& o, std::string_view key) {
    return key == "orderId"            ? text(o.order_id, 0)
           : key == "createdTime"      ? time(m_created, 1)
           : key == "lastUpdatedTime"  ? time(m_updated, 2)
           : key == "salesChannel"     ? object(Node::SalesChannel, nullptr, 3, true)
           : key == "fulfillment"      ? object(Node::Fulfillment, nullptr, 4)
           : key == "proceeds"         ? object(Node::Proceeds, nullptr, 5)
           : key == "programs"         ? array(Node::Programs, 6)
           : key == "associatedOrders" ? array(Node::Associations, 7)
           : key == "orderAliases"     ? array(Node::Aliases, 8)
           : key == "buyer"            ? object(Node::Buyer, nullptr, 9)
           : key == "recipient"        ? object(Node::Recipient, nullptr, 10)
           : key == "orderItems"       ? array(Node::Items, 11, true)
           : key == "packages"         ? array(Node::Packages, 12)
                                       : Slot{};
}

Slot PageHandler::resolve_item(OrderItem& item, std::string_view key) {
    return key == "orderItemId"       ? text(item.order_item_id, 0)
           : key == "quantityOrdered" ? count(m_quantities.back().ordered, 1)
           : key == "product"         ? object(Node::Product, nullptr, 2)
           : key == "fulfillment"     ? object(Node::ItemFulfillment, nullptr, 3)
           : key == "proceeds"        ? object(Node::ItemProceeds, nullptr, 4)
           : key == "cancellation"    ? object(Node::Cancellation, nullptr, 5)
                                      : Slot{};
}

Slot PageHandler::resolve_package(Package& p, std::string_view key) {
    return key == "packageReferenceId" ? text(p.reference_id, 0)
           : key == "carrier"          ? text(p.carrier, 1)
           : key == "shippingService"  ? text(p.shipping_service, 2)
           : key == "trackingNumber"   ? text(p.tracking_number, 3)
           : key == "shipTime"         ? time(p.ship_time, 4)
           : key == "packageStatus"    ? object(Node::PackageStatus, nullptr, 5)
           : key == "packageItems"     ? array(Node::PackageItems, 6)
                                       : Slot{};
}

// An object starts: make room for what it fills and clear its scratch.
bool PageHandler::begin(Frame& frame) {
    switch (frame.node) {
    case Node::Root:
        return !m_root_done; // one root only
    case Node::Order:
        m_page.orders.emplace_back();
        m_quantities.clear();
        m_created.reset();
        m_updated.reset();
        return true;
    case Node::Fulfillment:
        m_status_code.clear();
        m_fulfilled_by.clear();
        return true;
    case Node::Money:
        m_amount.clear();
        m_currency.clear();
        return true;
    case Node::Breakdown:
    case Node::ItemBreakdown:
        m_line_type.clear();
        m_line_money.reset();
        return true;
    case Node::Association:
    case Node::Alias:
    case Node::Condition:
    case Node::CancelRequest:
        m_first.clear();
        m_second.clear();
        return true;
    case Node::Buyer:
        order().buyer.emplace();
        return true;
    case Node::Address:
        order().ship_to.emplace();
        m_municipality.clear();
        return true;
    case Node::Item:
        order().items.emplace_back();
        m_quantities.emplace_back();
        return true;
    case Node::Package:
        order().packages.emplace_back();
        return true;
    case Node::PackageItem:
        order().packages.back().items.emplace_back();
        m_package_quantity.reset();
        return true;
    default:
        return true;
    }
}

// An object ends: check what it must have had, and settle what depends on all of it.
bool PageHandler::finish(const Frame& frame) {
    const auto had = [&frame](int bit) { return (frame.seen & (std::uint32_t{1} << bit)) != 0; };
    switch (frame.node) {
    case Node::Root:
        m_root_done = had(0);
        return m_root_done;
    case Node::Order:
        return had(3) && had(11) && finish_order(order());
    case Node::Item:
        return finish_item(item());
    case Node::Fulfillment: {
        Order& o = order();
        if (!m_status_code.empty()) {
            const auto status = status_from_v2026(m_status_code);
            if (!status) {
                return false;
            }
            o.status = *status;
        }
        o.fulfilled_by = fulfilled_by_from_v2026(m_fulfilled_by);
        return true;
    }
    case Node::Money: {
        if (m_amount.empty() || m_currency.empty()) {
            return false;
        }
        auto parsed = Money::parse(m_amount, m_currency);
        if (!parsed) {
            return false;
        }
        *static_cast<std::optional<Money>*>(frame.dest) = std::move(parsed);
        return true;
    }
    case Node::Breakdown:
        if (!m_line_money) {
            return false;
        }
        order().total_breakdown.push_back(MoneyLine{m_line_type, std::move(*m_line_money)});
        return true;
    case Node::ItemBreakdown: {
        if (!m_line_money) {
            return false;
        }
        OrderItem& i = item();
        std::optional<Money>* slot = m_line_type == "ITEM"       ? &i.item_total
                                     : m_line_type == "TAX"      ? &i.tax
                                     : m_line_type == "SHIPPING" ? &i.shipping_price
                                     : m_line_type == "DISCOUNT" ? &i.promotion_discount
                                                                 : nullptr;
        if (slot == nullptr) {
            return true;
        }
        if (!*slot) {
            *slot = std::move(m_line_money);
            return true;
        }
        try {
            *slot = (*slot)->plus(*m_line_money);
        } catch (const std::exception&) {
            return false; // mixed currencies: the document decoder names them
        }
        return true;
    }
    case Node::Association:
        if (m_first == "REPLACEMENT_ORIGINAL_ID") {
            order().is_replacement = true;
            order().replaced_order_id = m_second;
        }
        return true;
    case Node::Alias:
        if (m_first == "SELLER_ORDER_ID") {
            order().seller_order_id = m_second;
        }
        return true;
    case Node::Condition:
        item().condition = (m_second.empty() || m_second == m_first) ? m_first
                           : m_first.empty()                         ? m_second
                                                                     : m_first + " / " + m_second;
        return true;
    case Node::CancelRequest:
        if (m_first == "BUYER") {
            item().buyer_requested_cancel = true;
            item().buyer_cancel_reason = m_second;
        }
        return true;
    case Node::Address: {
        Address& a = *order().ship_to;
        if (a.district.empty()) {
            a.district = m_municipality;
        }
        return true;
    }
    case Node::Package:
        return !order().packages.back().reference_id.empty();
    case Node::PackageItem: {
        PackageItem& pi = order().packages.back().items.back();
        pi.quantity = m_package_quantity.value_or(0);
        return !pi.order_item_id.empty();
    }
    default:
        return true;
    }
}

bool PageHandler::finish_item(OrderItem& i) {
    const RawQuantities& q = m_quantities.back();
    if (i.order_item_id.empty() || !q.ordered) {
        return false;
    }
    i.quantity_ordered = *q.ordered;
    return true;
}

// The order's fields are all in: the times it must have, and each item's shipped/unshipped split
// (as orders_codec.cpp makes it, from the item's fulfillment or else the order's status).
bool PageHandler::finish_order(Order& o) {
    if (o.order_id.empty() || !m_created || !m_updated) {
        return false;
    }
    o.purchase_date = *m_created;
    o.last_updated = *m_updated;
    for (std::size_t n = 0; n < o.items.size(); ++n) {
        OrderItem& i = o.items[n];
        const RawQuantities& q = m_quantities[n];
        if (q.shipped && q.unshipped) {
            i.quantity_shipped = *q.shipped;
            i.quantity_unshipped = *q.unshipped;
        } else if (q.shipped) {
            i.quantity_shipped = *q.shipped;
            i.quantity_unshipped = std::max(0, i.quantity_ordered - *q.shipped);
        } else if (q.unshipped) {
            i.quantity_unshipped = *q.unshipped;
            i.quantity_shipped = std::max(0, i.quantity_ordered - *q.unshipped);
        } else if (o.status == Status::Shipped) {
            i.quantity_shipped = i.quantity_ordered;
        } else if (o.status != Status::Canceled && o.status != Status::Unfulfillable) {
            i.quantity_unshipped = i.quantity_ordered;
        }
    }
    return true;
}

} // namespace

namespace {

// Feeds the reader's events to the handler: true when the body was one well-formed JSON value
// that the handler took whole.
bool feed(JsonPull& in, PageHandler& h) {
    using Event = JsonPull::Event;
    for (;;) {
        bool ok = false;
        switch (in.next()) {
        case Event::ObjectStart:
            ok = h.start_object();
            break;
        case Event::ObjectEnd:
            ok = h.end_object();
            break;
        case Event::ArrayStart:
            ok = h.start_array();
            break;
        case Event::ArrayEnd:
            ok = h.end_array();
            break;
        case Event::Key:
            ok = h.key(in.text());
            break;
        case Event::String:
            ok = h.string(in.text());
            break;
        case Event::Integer:
            ok = h.integer(in.negative(), in.magnitude());
            break;
        case Event::Float:
        case Event::True:
        case Event::False:
            ok = h.other();
            break;
        case Event::Null:
            ok = h.null();
            break;
        case Event::End:
            return true;
        case Event::Error:
            return false;
        }
        if (!ok) {
            return false;
        }
    }
}

} // namespace

bool decode_orders_page_fast(std::string_view body, OrdersPage& out) {
    out.orders.clear();
    out.next_token.clear();
    PageHandler handler(out);
    JsonPull in(body);
    if (feed(in, handler) && handler.complete()) {
        return true;
    }
    out.orders.clear();
    out.next_token.clear();
    return false;
}

} // namespace asc
