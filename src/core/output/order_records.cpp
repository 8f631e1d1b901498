#include "asc/output/order_records.hpp"

#include "asc/base/time.hpp"

#include <fmt/format.h>

namespace asc {

namespace {

Record time_record(const std::optional<Timestamp>& t) {
    return t ? Record(format_rfc3339(*t)) : Record(nullptr);
}

Record window_record(const TimeWindow& w) {
    Record r = Record::object();
    r["earliest"] = time_record(w.earliest);
    r["latest"] = time_record(w.latest);
    return r;
}

Record string_or_null(const std::string& s) { return s.empty() ? Record(nullptr) : Record(s); }

// format_rfc3339(t) written into `out` digit by digit (a listing prints three times a row; the
// formatting library was most of that). Years outside 0-9999 take format_rfc3339 itself.
std::string_view rfc3339_into(std::string& out, Timestamp t) {
    const auto day = std::chrono::floor<std::chrono::days>(t);
    const std::chrono::year_month_day ymd{day};
    const std::chrono::hh_mm_ss hms{t - day};
    const int year = static_cast<int>(ymd.year());
    if (year < 0 || year > 9999) {
        out = format_rfc3339(t);
        return out;
    }
    out.assign("0000-00-00T00:00:00Z");
    const auto put = [&out](std::size_t at, long long value, std::size_t digits) {
        for (std::size_t i = digits; i-- > 0; value /= 10) {
            out[at + i] = static_cast<char>('0' + value % 10);
        }
    };
    put(0, year, 4);
    put(5, static_cast<unsigned>(ymd.month()), 2);
    put(8, static_cast<unsigned>(ymd.day()), 2);
    put(11, hms.hours().count(), 2);
    put(14, hms.minutes().count(), 2);
    put(17, hms.seconds().count(), 2);
    return out;
}

} // namespace

Record money_record(const std::optional<Money>& m) {
    if (!m) {
        return nullptr;
    }
    Record r = Record::object();
    r["amount"] = m->amount();
    r["currency"] = m->currency;
    return r;
}

const std::vector<Field>& list_fields() {
    using K = ColumnKind;
    static const std::vector<Field> fields{
        {"order_id", "", K::Id, k_always, "The Amazon order id (3-7-7 digits)"},
        {"purchase_date", "PURCHASED", K::Date, 80, "When the buyer placed the order"},
        {"status", "", K::Status, k_always,
         "Pending, PendingAvailability, Unshipped, PartiallyShipped, Shipped, Canceled or Unfulfillable"},
        {"fulfilled_by", "", K::Code, 45, "MFN (you ship) or AFN (Amazon ships)"},
        {"ship_by", "", K::Date, 90, "The latest ship date Amazon promised the buyer"},
        {"items_shipped", "SHIPPED", K::Count, 40, "Units shipped"},
        {"items_unshipped", "UNSHIPPED", K::Count, 60, "Units not shipped yet"},
        {"total", "", K::Money, k_always, "The order total"},
        {"sales_channel", "CHANNEL", K::Text, 30, "Where it was sold, e.g. Amazon.com"},
        {"marketplace_id", "MARKETPLACE", K::Id, 20, "The marketplace id, e.g. ATVPDKIKX0DER"},
        {"last_updated", "UPDATED", K::Date, 25, "When Amazon last changed the order"},
        {"ship_service_level", "SERVICE", K::Text, 15, "The shipping service the buyer chose"},
        {"is_prime", "PRIME", K::Flag, 12, "A Prime order"},
        {"is_business", "BUSINESS", K::Flag, 10, "An Amazon Business order"},
        {"seller_order_id", "", K::Id, 20, "Your own order id, if you set one"},
    };
    return fields;
}

const std::vector<Field>& list_default_fields() {
    static const std::vector<Field> fields(list_fields().begin(), list_fields().begin() + 9);
    return fields;
}

Record list_record(const Order& o) {
    Record r = Record::object();
    r["order_id"] = o.order_id;
    r["purchase_date"] = format_rfc3339(o.purchase_date);
    r["status"] = std::string(to_string(o.status));
    r["fulfilled_by"] = o.fulfilled_by ? Record(std::string(to_string(*o.fulfilled_by))) : Record(nullptr);
    r["ship_by"] = time_record(o.ship_by.latest);
    r["items_shipped"] = o.items_shipped();
    r["items_unshipped"] = o.items_unshipped();
    r["total"] = money_record(o.total);
    r["sales_channel"] = string_or_null(o.marketplace_name.empty() ? o.sales_channel : o.marketplace_name);
    r["marketplace_id"] = o.marketplace_id;
    r["last_updated"] = format_rfc3339(o.last_updated);
    r["ship_service_level"] = string_or_null(o.ship_service_level);
    r["is_prime"] = o.is_prime;
    r["is_business"] = o.is_business;
    r["seller_order_id"] = string_or_null(o.seller_order_id);
    return r;
}

ListCells::ListCells(const std::vector<Field>& fields) {
    static constexpr std::array<std::pair<std::string_view, Column>, 15> k_columns{{
        {"order_id", Column::OrderId},
        {"purchase_date", Column::PurchaseDate},
        {"status", Column::Status},
        {"fulfilled_by", Column::FulfilledBy},
        {"ship_by", Column::ShipBy},
        {"items_shipped", Column::ItemsShipped},
        {"items_unshipped", Column::ItemsUnshipped},
        {"total", Column::Total},
        {"sales_channel", Column::SalesChannel},
        {"marketplace_id", Column::MarketplaceId},
        {"last_updated", Column::LastUpdated},
        {"ship_service_level", Column::ServiceLevel},
        {"is_prime", Column::Prime},
        {"is_business", Column::Business},
        {"seller_order_id", Column::SellerOrderId},
    }};
    for (const Field& f : fields) {
        Column c = Column::None;
        for (const auto& [key, column] : k_columns) {
            if (key == f.key) {
                c = column;
            }
        }
        m_columns.push_back(c);
    }
    m_cells.resize(m_columns.size());
}

std::span<const CellValue> ListCells::of(const Order& o) {
    using T = CellValue::Type;
    const auto text = [](std::string_view s) { return CellValue{T::Text, s}; };
    const auto text_or_null = [](std::string_view s) { return s.empty() ? CellValue{} : CellValue{T::Text, s}; };
    const auto time = [this](std::size_t slot, const std::optional<Timestamp>& t) {
        if (!t) {
            return CellValue{};
        }
        return CellValue{T::Text, rfc3339_into(m_times[slot], *t)};
    };
    for (std::size_t i = 0; i < m_columns.size(); ++i) {
        CellValue& cell = m_cells[i];
        switch (m_columns[i]) {
        case Column::None: cell = {}; break;
        case Column::OrderId: cell = text(o.order_id); break;
        case Column::PurchaseDate: cell = time(0, o.purchase_date); break;
        case Column::Status: cell = text(to_string(o.status)); break;
        case Column::FulfilledBy: cell = o.fulfilled_by ? text(to_string(*o.fulfilled_by)) : CellValue{}; break;
        case Column::ShipBy: cell = time(1, o.ship_by.latest); break;
        case Column::ItemsShipped: cell = CellValue{T::Integer, {}, {}, o.items_shipped()}; break;
        case Column::ItemsUnshipped: cell = CellValue{T::Integer, {}, {}, o.items_unshipped()}; break;
        case Column::Total:
            if (o.total) {
                m_amount = o.total->amount();
                cell = CellValue{T::Money, m_amount, o.total->currency};
            } else {
                cell = {};
            }
            break;
        case Column::SalesChannel:
            cell = text_or_null(o.marketplace_name.empty() ? o.sales_channel : o.marketplace_name);
            break;
        case Column::MarketplaceId: cell = text(o.marketplace_id); break;
        case Column::LastUpdated: cell = time(2, o.last_updated); break;
        case Column::ServiceLevel: cell = text_or_null(o.ship_service_level); break;
        case Column::Prime: cell = CellValue{T::Flag, {}, {}, 0, o.is_prime}; break;
        case Column::Business: cell = CellValue{T::Flag, {}, {}, 0, o.is_business}; break;
        case Column::SellerOrderId: cell = text_or_null(o.seller_order_id); break;
        }
    }
    return m_cells;
}

Record details_record(const Order& o) {
    Record r = Record::object();
    r["order_id"] = o.order_id;
    r["status"] = std::string(to_string(o.status));
    r["purchase_date"] = format_rfc3339(o.purchase_date);
    r["last_updated"] = format_rfc3339(o.last_updated);
    r["marketplace_id"] = o.marketplace_id;
    r["marketplace_name"] = string_or_null(o.marketplace_name);
    r["sales_channel"] = string_or_null(o.sales_channel);
    r["fulfilled_by"] = o.fulfilled_by ? Record(std::string(to_string(*o.fulfilled_by))) : Record(nullptr);
    r["ship_service_level"] = string_or_null(o.ship_service_level);
    r["ship_by"] = window_record(o.ship_by);
    r["deliver_by"] = window_record(o.deliver_by);
    r["items_shipped"] = o.items_shipped();
    r["items_unshipped"] = o.items_unshipped();
    r["total"] = money_record(o.total);
    Record breakdown = Record::array();
    for (const auto& line : o.total_breakdown) {
        Record b = Record::object();
        b["type"] = line.type;
        b["amount"] = money_record(line.amount);
        breakdown.push_back(std::move(b));
    }
    r["total_breakdown"] = std::move(breakdown);
    r["is_prime"] = o.is_prime;
    r["is_business"] = o.is_business;
    r["is_replacement"] = o.is_replacement;
    r["replaced_order_id"] = string_or_null(o.replaced_order_id);
    r["seller_order_id"] = string_or_null(o.seller_order_id);
    if (o.buyer && !o.buyer->empty()) {
        Record b = Record::object();
        b["name"] = string_or_null(o.buyer->name);
        b["email"] = string_or_null(o.buyer->email);
        b["company"] = string_or_null(o.buyer->company);
        b["purchase_order"] = string_or_null(o.buyer->purchase_order);
        r["buyer"] = std::move(b);
    } else {
        r["buyer"] = nullptr;
    }
    if (o.ship_to && !o.ship_to->empty()) {
        const Address& a = *o.ship_to;
        Record s = Record::object();
        s["name"] = string_or_null(a.name);
        s["company"] = string_or_null(a.company);
        s["line1"] = string_or_null(a.line1);
        s["line2"] = string_or_null(a.line2);
        s["line3"] = string_or_null(a.line3);
        s["city"] = string_or_null(a.city);
        s["district"] = string_or_null(a.district);
        s["state"] = string_or_null(a.state);
        s["postal_code"] = string_or_null(a.postal_code);
        s["country_code"] = string_or_null(a.country_code);
        s["phone"] = string_or_null(a.phone);
        s["type"] = string_or_null(a.type);
        r["ship_to"] = std::move(s);
    } else {
        r["ship_to"] = nullptr;
    }
    return r;
}

const std::vector<Field>& item_fields() {
    using K = ColumnKind;
    static const std::vector<Field> fields{
        {"order_item_id", "ITEM ID", K::Id, k_always, "Amazon's id of the order item"},
        {"sku", "", K::Id, 90, "Your seller SKU"},
        {"asin", "", K::Id, 70, "The ASIN"},
        {"title", "", K::Text, 75, "The product title"},
        {"condition", "", K::Code, 10, "New, Used, ..."},
        {"quantity_ordered", "QTY", K::Count, k_always, "Units ordered"},
        {"quantity_shipped", "SHIPPED", K::Count, 60, "Units shipped"},
        {"unit_price", "", K::Money, 80, "The price of one unit"},
        {"item_total", "", K::Money, k_always, "The item's price for all its units"},
        {"tax", "", K::Money, 30, "The tax on the item"},
        {"shipping_price", "SHIPPING", K::Money, 35, "What the buyer paid for shipping"},
        {"promotion_discount", "DISCOUNT", K::Money, 40, "Promotion discount (negative)"},
        {"buyer_requested_cancel", "CANCEL REQ", K::Flag, 55, "The buyer asked to cancel this item"},
        {"buyer_cancel_reason", "CANCEL REASON", K::Reason, 50, "The buyer's reason, when they asked"},
    };
    return fields;
}

Record item_record(const OrderItem& i) {
    Record r = Record::object();
    r["order_item_id"] = i.order_item_id;
    r["sku"] = string_or_null(i.sku);
    r["asin"] = string_or_null(i.asin);
    r["title"] = string_or_null(i.title);
    r["condition"] = string_or_null(i.condition);
    r["quantity_ordered"] = i.quantity_ordered;
    r["quantity_shipped"] = i.quantity_shipped;
    r["unit_price"] = money_record(i.unit_price);
    r["item_total"] = money_record(i.item_total);
    r["tax"] = money_record(i.tax);
    r["shipping_price"] = money_record(i.shipping_price);
    r["promotion_discount"] = money_record(i.promotion_discount);
    r["buyer_requested_cancel"] = i.buyer_requested_cancel;
    r["buyer_cancel_reason"] = string_or_null(i.buyer_cancel_reason);
    return r;
}

const std::vector<Field>& package_fields() {
    using K = ColumnKind;
    static const std::vector<Field> fields{
        {"package_reference_id", "PACKAGE", K::Id, k_always, "The package's reference id"},
        {"carrier", "", K::Text, 80, "The carrier, e.g. UPS"},
        {"shipping_service", "SERVICE", K::Text, 30, "The carrier's service"},
        {"tracking_number", "", K::Id, 90, "The carrier's tracking number"},
        {"ship_date", "SHIPPED", K::Date, 70, "When the package was shipped"},
        {"status", "", K::Status, k_always, "Where the package is (In transit, Delivered, ...)"},
        {"items", "", K::List, 60, "What the package holds: order item ids, SKUs and quantities"},
    };
    return fields;
}

Record package_record(const Package& p, const Order& o) {
    Record r = Record::object();
    r["package_reference_id"] = p.reference_id;
    r["carrier"] = string_or_null(p.carrier);
    r["shipping_service"] = string_or_null(p.shipping_service);
    r["tracking_number"] = string_or_null(p.tracking_number);
    r["ship_date"] = time_record(p.ship_time);
    r["status"] = string_or_null(p.status);
    Record items = Record::array();
    for (const auto& pi : p.items) {
        Record it = Record::object();
        it["order_item_id"] = pi.order_item_id;
        // The SKU makes the row readable; look it up from the order's items.
        std::string sku;
        for (const auto& oi : o.items) {
            if (oi.order_item_id == pi.order_item_id) {
                sku = oi.sku;
            }
        }
        it["sku"] = string_or_null(sku);
        it["quantity"] = pi.quantity;
        items.push_back(std::move(it));
    }
    r["items"] = std::move(items);
    return r;
}

Error not_an_order_id(std::string_view id) {
    return {ErrorKind::Usage, fmt::format("'{}' is not an Amazon order id", strip_control(id)),
            fmt::format("an Amazon order id has {}", k_order_id_shape)};
}

void require_order_id(std::string_view id) {
    if (!is_amazon_order_id(id)) {
        throw not_an_order_id(id);
    }
}

} // namespace asc
