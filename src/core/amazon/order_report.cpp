#include "asc/amazon/order_report.hpp"

#include "asc/base/errors.hpp"
#include "asc/base/time.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <fmt/format.h>

namespace asc {

namespace {

// Column slots, and the header names Amazon gives them.
enum Slot : std::size_t {
    s_order_id,
    s_merchant_order_id,
    s_purchase_date,
    s_last_updated,
    s_order_status,
    s_fulfillment_channel,
    s_sales_channel,
    s_ship_service_level,
    s_product_name,
    s_sku,
    s_asin,
    s_item_status,
    s_quantity,
    s_currency,
    s_item_price,
    s_item_tax,
    s_shipping_price,
    s_shipping_tax,
    s_gift_wrap_price,
    s_gift_wrap_tax,
    s_item_promotion_discount,
    s_ship_promotion_discount,
    s_ship_city,
    s_ship_state,
    s_ship_postal_code,
    s_ship_country,
    s_is_business_order,
    s_count,
};

constexpr std::array<std::string_view, s_count> k_names{
    "amazon-order-id", "merchant-order-id", "purchase-date", "last-updated-date", "order-status",
    "fulfillment-channel", "sales-channel", "ship-service-level", "product-name", "sku", "asin",
    "item-status", "quantity", "currency", "item-price", "item-tax", "shipping-price", "shipping-tax",
    "gift-wrap-price", "gift-wrap-tax", "item-promotion-discount", "ship-promotion-discount", "ship-city",
    "ship-state", "ship-postal-code", "ship-country", "is-business-order"};

// Without these a row means nothing.
constexpr std::array k_required{s_order_id, s_purchase_date, s_last_updated, s_order_status};

// Report text shown in an error: printable, short. Money, ids and statuses identify no one.
std::string shown(std::string_view text) {
    std::string out;
    for (const char c : text.substr(0, 40)) {
        out += (c >= 0x20 && c < 0x7f) ? c : '?';
    }
    return "\"" + out + (text.size() > 40 ? "...\"" : "\"");
}

bool iequals(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
           });
}

std::string_view trim_view(std::string_view text) {
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) {
        text.remove_prefix(1);
    }
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) {
        text.remove_suffix(1);
    }
    return text;
}

std::optional<Money> add(const std::optional<Money>& a, const std::optional<Money>& b) {
    if (!a) {
        return b;
    }
    if (!b) {
        return a;
    }
    return a->plus(*b);
}

// A zero part is left out, as in Amazon's proceeds breakdowns.
std::optional<Money> nonzero(const std::optional<Money>& m) {
    return m && m->minor != 0 ? m : std::nullopt;
}

std::optional<Status> report_status(std::string_view text) {
    // Amazon-fulfilled orders still being picked and packed show as "Shipping" in the flat file.
    if (iequals(text, "Shipping")) {
        return Status::Unshipped;
    }
    // v0's InvoiceUnconfirmed: every item shipped, the invoice not confirmed yet.
    if (iequals(text, "InvoiceUnconfirmed")) {
        return Status::Shipped;
    }
    return parse_status(text); // any case, "Cancelled" or "Canceled", v2026 codes too
}

} // namespace

std::string service_level_code(std::string_view report_value) {
    if (report_value.empty() ||
        !std::all_of(report_value.begin(), report_value.end(), [](char c) { return std::isalpha(static_cast<unsigned char>(c)); })) {
        return std::string(report_value);
    }
    std::string out;
    for (std::size_t i = 0; i < report_value.size(); ++i) {
        const char c = report_value[i];
        if (i > 0 && std::isupper(static_cast<unsigned char>(c)) &&
            std::islower(static_cast<unsigned char>(report_value[i - 1]))) {
            out += '_';
        }
        out += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    }
    return out;
}

OrderReportParser::OrderReportParser(std::string marketplace_id, std::function<void(Order&&)> on_order)
    : m_marketplace_id(std::move(marketplace_id)), m_on_order(std::move(on_order)) {}

void OrderReportParser::feed(std::string_view bytes) {
    while (!bytes.empty()) {
        const auto newline = bytes.find('\n');
        if (newline == std::string_view::npos) {
            m_partial.append(bytes);
            return;
        }
        if (m_partial.empty()) {
            parse_line(bytes.substr(0, newline));
        } else {
            m_partial.append(bytes.substr(0, newline));
            const std::string line = std::move(m_partial);
            m_partial.clear();
            parse_line(line);
        }
        bytes.remove_prefix(newline + 1);
    }
}

void OrderReportParser::finish() {
    if (!m_partial.empty()) {
        const std::string line = std::move(m_partial);
        m_partial.clear();
        parse_line(line);
    }
    if (!m_have_header) {
        throw Error(ErrorKind::Temporary, "the order report is empty: it has no header line",
                    "run the command again; if it persists, report it with --debug output");
    }
    emit();
}

void OrderReportParser::parse_line(std::string_view line) {
    ++m_line;
    if (!line.empty() && line.back() == '\r') {
        line.remove_suffix(1);
    }
    if (line.empty()) {
        return;
    }
    m_cells.clear();
    for (;;) {
        const auto tab = line.find('\t');
        m_cells.push_back(line.substr(0, tab));
        if (tab == std::string_view::npos) {
            break;
        }
        line.remove_prefix(tab + 1);
    }
    if (!m_have_header) {
        parse_header(line);
    } else {
        parse_row(line);
    }
}

void OrderReportParser::parse_header(std::string_view /*line*/) {
    m_index.assign(s_count, -1);
    for (std::size_t i = 0; i < m_cells.size(); ++i) {
        std::string_view name = m_cells[i];
        if (i == 0 && name.starts_with("\xEF\xBB\xBF")) {
            name.remove_prefix(3); // a UTF-8 byte order mark
        }
        for (std::size_t s = 0; s < s_count; ++s) {
            if (name == k_names[s] && m_index[s] < 0) {
                m_index[s] = static_cast<int>(i);
            }
        }
    }
    for (const auto s : k_required) {
        if (m_index[s] < 0) {
            throw Error(ErrorKind::Temporary,
                        fmt::format("order report line {}: the header has no \"{}\" column", m_line, k_names[s]),
                        "Amazon changed the report's columns or sent another document; report it with --debug output");
        }
    }
    m_have_header = true;
}

namespace {

// The cells of one item row, by slot, with the errors that name the line and the column.
class Row {
  public:
    Row(const std::vector<std::string_view>& cells, const std::vector<int>& index, std::size_t line)
        : m_cells(cells), m_index(index), m_line(line) {}

    [[nodiscard]] std::string_view cell(Slot s) const {
        const int at = m_index[s];
        return at >= 0 && static_cast<std::size_t>(at) < m_cells.size() ? trim_view(m_cells[static_cast<std::size_t>(at)])
                                                                         : std::string_view{};
    }

    [[nodiscard]] Error bad(Slot s, std::string_view why) const {
        return {ErrorKind::Temporary,
                fmt::format("order report line {}: {} {} {}", m_line, k_names[s], shown(cell(s)), why),
                "Amazon sent a row asc cannot read; nothing after it was stored. Run the command "
                "again later, and report it with --debug output if it persists"};
    }

    [[nodiscard]] Timestamp time_of(Slot s) const {
        const auto t = parse_rfc3339(cell(s));
        if (!t) {
            throw bad(s, "is not a date-time");
        }
        return *t;
    }

    [[nodiscard]] std::optional<Money> money_of(Slot s) const {
        const std::string_view text = cell(s);
        if (text.empty()) {
            return std::nullopt;
        }
        const std::string_view currency = cell(s_currency);
        if (currency.empty()) {
            throw bad(s, "has no currency");
        }
        auto m = Money::parse(text, currency);
        if (!m) {
            throw bad(s, "is not an amount");
        }
        return m;
    }

  private:
    const std::vector<std::string_view>& m_cells;
    const std::vector<int>& m_index;
    std::size_t m_line;
};

// The order-level columns of the first row of an order.
Order order_of_row(const Row& row, const std::string& marketplace_id) {
    Order order;
    order.order_id = std::string(row.cell(s_order_id));
    const std::string_view seller_id = row.cell(s_merchant_order_id);
    if (seller_id != order.order_id) {
        order.seller_order_id = std::string(seller_id);
    }
    order.purchase_date = row.time_of(s_purchase_date);
    order.last_updated = row.time_of(s_last_updated);
    const auto status = report_status(row.cell(s_order_status));
    if (!status) {
        // Guessing a status could let a guarded action through: refuse instead.
        throw row.bad(s_order_status, "is not an order status asc knows");
    }
    order.status = *status;
    if (const auto channel = row.cell(s_fulfillment_channel); !channel.empty()) {
        order.fulfilled_by = parse_fulfilled_by(channel);
        if (!order.fulfilled_by) {
            throw row.bad(s_fulfillment_channel, "is neither Amazon nor Merchant");
        }
    }
    order.marketplace_id = marketplace_id;
    const std::string_view sales = row.cell(s_sales_channel);
    const bool non_amazon = iequals(sales, "Non-Amazon");
    order.sales_channel = non_amazon ? "NON_AMAZON" : "AMAZON";
    order.marketplace_name = std::string(sales);
    order.ship_service_level = service_level_code(row.cell(s_ship_service_level));
    order.is_business = iequals(row.cell(s_is_business_order), "true");
    Address ship;
    ship.city = std::string(row.cell(s_ship_city));
    ship.state = std::string(row.cell(s_ship_state));
    ship.postal_code = std::string(row.cell(s_ship_postal_code));
    ship.country_code = std::string(row.cell(s_ship_country));
    if (!ship.empty()) {
        order.ship_to = std::move(ship);
    }
    return order;
}

// The item of a row: its quantities (from the item status, else the order's) and its money.
OrderItem item_of_row(const Row& row, Status order_status) {
    OrderItem item;
    item.title = std::string(row.cell(s_product_name));
    item.sku = std::string(row.cell(s_sku));
    item.asin = std::string(row.cell(s_asin));
    const std::string_view quantity = row.cell(s_quantity);
    int count = 0;
    const auto [end, ec] = std::from_chars(quantity.data(), quantity.data() + quantity.size(), count);
    if (quantity.empty() || ec != std::errc{} || end != quantity.data() + quantity.size() || count < 0) {
        throw row.bad(s_quantity, "is not a quantity");
    }
    item.quantity_ordered = count;
    const std::string_view item_status = row.cell(s_item_status);
    if (iequals(item_status, "Shipped")) {
        item.quantity_shipped = count;
    } else if (iequals(item_status, "Unshipped")) {
        item.quantity_unshipped = count;
    } else if (!iequals(item_status, "Cancelled") && !iequals(item_status, "Canceled")) {
        // Unknown or empty: as far as the order's status tells (like the Orders API codec).
        if (order_status == Status::Shipped) {
            item.quantity_shipped = count;
        } else if (order_status != Status::Canceled && order_status != Status::Unfulfillable) {
            item.quantity_unshipped = count;
        }
    }

    const auto price = row.money_of(s_item_price);
    const auto tax =
        add(add(row.money_of(s_item_tax), row.money_of(s_shipping_tax)), row.money_of(s_gift_wrap_tax));
    const auto shipping = row.money_of(s_shipping_price);
    const auto gift_wrap = row.money_of(s_gift_wrap_price);
    auto discount = add(row.money_of(s_item_promotion_discount), row.money_of(s_ship_promotion_discount));
    if (discount && discount->minor > 0) {
        discount->minor = -discount->minor; // a discount lowers the proceeds, however it is signed
    }
    if (price) {
        item.item_total = price;
        if (count > 0 && price->minor % count == 0) {
            item.unit_price = Money{price->minor / count, price->scale, price->currency};
        }
        item.tax = nonzero(tax);
        item.shipping_price = nonzero(shipping);
        item.promotion_discount = nonzero(discount);
        item.proceeds_total = add(add(add(add(price, shipping), tax), discount), gift_wrap);
    }
    return item;
}

} // namespace

void OrderReportParser::parse_row(std::string_view /*line*/) {
    const Row row(m_cells, m_index, m_line);
    const std::string_view order_id = row.cell(s_order_id);
    if (order_id.empty()) {
        throw row.bad(s_order_id, "is empty");
    }
    if (!m_have_order || order_id != m_order.order_id) {
        emit();
        m_order = order_of_row(row, m_marketplace_id);
        m_have_order = true;
    }
    m_order.items.push_back(item_of_row(row, m_order.status));
    ++m_rows;
}

void OrderReportParser::emit() {
    if (!m_have_order) {
        return;
    }
    std::optional<Money> item_sum, shipping_sum, tax_sum, discount_sum, total;
    for (const auto& item : m_order.items) {
        if (!item.item_total) {
            continue;
        }
        item_sum = add(item_sum, item.item_total);
        shipping_sum = add(shipping_sum, item.shipping_price);
        tax_sum = add(tax_sum, item.tax);
        discount_sum = add(discount_sum, item.promotion_discount);
        total = add(total, item.proceeds_total);
    }
    if (item_sum) {
        m_order.total = total;
        m_order.total_breakdown.push_back({"ITEM", *item_sum});
        for (const auto& [type, sum] : {std::pair{"SHIPPING", shipping_sum}, std::pair{"TAX", tax_sum},
                                        std::pair{"DISCOUNT", discount_sum}}) {
            if (const auto m = nonzero(sum)) {
                m_order.total_breakdown.push_back({type, *m});
            }
        }
        const Money parts = [&] {
            Money sum = *item_sum;
            for (std::size_t i = 1; i < m_order.total_breakdown.size(); ++i) {
                sum = sum.plus(m_order.total_breakdown[i].amount);
            }
            return sum;
        }();
        if (const auto gift_wrap = nonzero(total ? std::optional<Money>(total->plus(parts.times(-1))) : std::nullopt)) {
            m_order.total_breakdown.push_back({"GIFT_WRAP", *gift_wrap});
        }
    }
    m_have_order = false;
    m_on_order(std::move(m_order));
}

} // namespace asc
