// Reading orders back from the store: get_order, query_orders (the --cached listing), and the
// reports (summary, late, cancellations).

#include "asc/base/errors.hpp"
#include "store_internal.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <limits>
#include <map>
#include <tuple>
#include <unordered_map>
#include <variant>

namespace asc {

namespace {

constexpr std::array<std::string_view, 4> k_sort_keys{"purchase_date", "ship_by", "last_updated", "total"};

std::optional<Money> read_money(const sqlite::Stmt& s, int first) {
    if (s.is_null(first)) {
        return std::nullopt;
    }
    Money m;
    m.minor = s.int64(first);
    m.scale = s.int32(first + 1);
    m.currency = s.text(first + 2);
    return m;
}

std::optional<Timestamp> read_time(const sqlite::Stmt& s, int col) {
    if (s.is_null(col)) {
        return std::nullopt;
    }
    return from_unix(s.int64(col));
}

bool any_set(const sqlite::Stmt& s, int first, int last) {
    for (int c = first; c <= last; ++c) {
        if (!s.is_null(c)) {
            return true;
        }
    }
    return false;
}

constexpr std::string_view k_items_sql =
    "SELECT order_item_id, sku, asin, title, condition, quantity_ordered, quantity_shipped, "
    "quantity_unshipped, unit_price_minor, unit_price_scale, unit_price_currency, "
    "item_total_minor, item_total_scale, item_total_currency, tax_minor, tax_scale, tax_currency, "
    "shipping_minor, shipping_scale, shipping_currency, discount_minor, discount_scale, "
    "discount_currency, proceeds_minor, proceeds_scale, proceeds_currency, "
    "buyer_requested_cancel, buyer_cancel_reason, canceled_by, cancel_reason "
    "FROM order_items WHERE order_ref = ?1 ORDER BY seq";

void load_items(Store::Impl& impl, std::int64_t ref, Order& o) {
    {
        sqlite::StmtUse s(impl.stmt(k_items_sql));
        s->bind(1, ref);
        while (s->step()) {
            OrderItem i;
            i.order_item_id = s->text(0);
            i.sku = s->text(1);
            i.asin = s->text(2);
            i.title = s->text(3);
            i.condition = s->text(4);
            i.quantity_ordered = s->int32(5);
            i.quantity_shipped = s->int32(6);
            i.quantity_unshipped = s->int32(7);
            i.unit_price = read_money(*s, 8);
            i.item_total = read_money(*s, 11);
            i.tax = read_money(*s, 14);
            i.shipping_price = read_money(*s, 17);
            i.promotion_discount = read_money(*s, 20);
            i.proceeds_total = read_money(*s, 23);
            i.buyer_requested_cancel = s->int64(26) != 0;
            i.buyer_cancel_reason = s->text(27);
            i.canceled_by = s->text(28);
            i.cancel_reason = s->text(29);
            o.items.push_back(std::move(i));
        }
    }
}

using Value = std::variant<std::int64_t, std::string>;

void bind_values(sqlite::Stmt& s, const std::vector<Value>& values) {
    int i = 1;
    for (const auto& v : values) {
        if (const auto* n = std::get_if<std::int64_t>(&v)) {
            s.bind(i++, *n);
        } else {
            s.bind(i++, std::get<std::string>(v));
        }
    }
}

// "?, ?, ?" for n values appended to `values`.
template <typename T, typename F>
std::string placeholders(const std::vector<T>& items, std::vector<Value>& values, F to_value) {
    std::string out;
    for (const auto& item : items) {
        out += out.empty() ? "?" : ", ?";
        values.emplace_back(to_value(item));
    }
    return out;
}

std::string order_by(std::string_view sort) {
    const bool desc = !sort.empty() && sort.front() == '-';
    const std::string_view key = desc ? sort.substr(1) : sort;
    const std::string_view dir = desc ? "DESC" : "ASC";
    if (key == "purchase_date") {
        return fmt::format("o.purchase_date {0}, o.id {0}", dir);
    }
    if (key == "last_updated") {
        return fmt::format("o.last_updated {0}, o.id {0}", dir);
    }
    if (key == "ship_by") {
        return fmt::format("o.ship_by_latest IS NULL, o.ship_by_latest {0}, o.id {0}", dir);
    }
    if (key == "total") {
        // Grouped by currency (amounts of different currencies do not compare), then the amount
        // brought to a common scale (integer arithmetic; ordering only, no sum).
        return fmt::format("o.total_currency IS NULL, o.total_currency, "
                           "o.total_minor * (CASE o.total_scale WHEN 0 THEN 1000000000 WHEN 1 THEN 100000000 "
                           "WHEN 2 THEN 10000000 WHEN 3 THEN 1000000 WHEN 4 THEN 100000 WHEN 5 THEN 10000 "
                           "WHEN 6 THEN 1000 WHEN 7 THEN 100 WHEN 8 THEN 10 ELSE 1 END) {0}, o.id {0}",
                           dir);
    }
    std::string keys;
    for (const auto k : k_sort_keys) {
        keys += keys.empty() ? "" : ", ";
        keys += k;
    }
    throw Error(ErrorKind::Usage, fmt::format("unknown sort key '{}'", sort),
                fmt::format("sort by one of {} (prefix '-' for descending)", keys));
}

} // namespace

std::span<const std::string_view> order_sort_keys() {
    return k_sort_keys;
}

namespace store_rows {

const std::string& select_list() {
    static const std::string list = [] {
        std::string out = "o.id";
        for (const auto c : k_columns) {
            out += ", o.";
            out += c;
        }
        return out;
    }();
    return list;
}

// Columns 1 to 11, the same in a whole-order row and a list row: the id, status, channel and
// dates. An unknown status means a store written by a newer asc or damaged.
void read_order_head(const sqlite::Stmt& s, Order& o) {
    o.order_id = s.text(1);
    const auto status_text = s.text(2);
    const auto status = parse_status(status_text);
    if (!status) {
        throw Error(
            ErrorKind::Config,
            fmt::format("the order store holds an unknown status '{}' for order {}", status_text, o.order_id),
            "run `asc orders sync` with a current asc, or move the store away");
    }
    o.status = *status;
    if (!s.is_null(3)) {
        o.fulfilled_by = fulfilled_by_from_v2026(s.text(3));
    }
    o.purchase_date = from_unix(s.int64(4));
    o.last_updated = from_unix(s.int64(5));
    o.marketplace_id = s.text(6);
    o.marketplace_name = s.text(7);
    o.sales_channel = s.text(8);
    o.ship_service_level = s.text(9);
    o.ship_by.earliest = read_time(s, 10);
    o.ship_by.latest = read_time(s, 11);
}

Order read_order(Store::Impl& impl, const sqlite::Stmt& s) {
    // Column c of k_columns is at c + 1 (o.id is column 0).
    Order o;
    const std::int64_t ref = s.int64(0);
    read_order_head(s, o);
    o.deliver_by.earliest = read_time(s, 12);
    o.deliver_by.latest = read_time(s, 13);
    o.total = read_money(s, 14);
    o.is_prime = s.int64(17) != 0;
    o.is_business = s.int64(18) != 0;
    o.is_replacement = s.int64(19) != 0;
    o.replaced_order_id = s.text(20);
    o.seller_order_id = s.text(21);
    // 22 content_hash, 23 stored_at
    if (any_set(s, k_first_address + 1, k_first_buyer)) {
        Address a;
        a.state = s.text(24);
        a.country_code = s.text(25);
        a.name = s.text(26);
        a.company = s.text(27);
        a.line1 = s.text(28);
        a.line2 = s.text(29);
        a.line3 = s.text(30);
        a.city = s.text(31);
        a.district = s.text(32);
        a.postal_code = s.text(33);
        a.phone = s.text(34);
        a.type = s.text(35);
        o.ship_to = std::move(a);
    }
    if (any_set(s, k_first_buyer + 1, k_first_packed)) {
        Buyer b;
        b.name = s.text(36);
        b.email = s.text(37);
        b.company = s.text(38);
        b.purchase_order = s.text(39);
        o.buyer = std::move(b);
    }
    if (!s.is_null(k_first_packed + 1)) {
        o.total_breakdown = unpack_money_lines(s.text(k_first_packed + 1), o.order_id);
    }
    if (!s.is_null(k_first_packed + 2)) {
        o.packages = unpack_packages(s.text(k_first_packed + 2), o.order_id);
    }
    load_items(impl, ref, o);
    return o;
}

} // namespace store_rows

namespace {

// The columns of OrderParts::ListRow, and the reading of one such row.
constexpr std::string_view k_list_row_columns =
    "o.id, o.order_id, o.status, o.fulfilled_by, o.purchase_date, o.last_updated, o.marketplace_id, "
    "o.marketplace_name, o.sales_channel, o.ship_service_level, o.ship_by_earliest, o.ship_by_latest, "
    "o.total_minor, o.total_scale, o.total_currency, o.is_prime, o.is_business, o.seller_order_id";
// How many list rows get their item quantities in one query.
constexpr std::size_t k_list_chunk = 256;

Order read_list_row(const sqlite::Stmt& s) {
    Order o;
    store_rows::read_order_head(s, o);
    o.total = read_money(s, 12);
    o.is_prime = s.int64(15) != 0;
    o.is_business = s.int64(16) != 0;
    o.seller_order_id = s.text(17);
    return o;
}

// The items of every order of `rows` (store id, order), with their three quantities, in one query.
// The statement has k_list_chunk parameters whatever the chunk's size (the cache keys statements by
// SQL of static storage): the ones past the chunk are NULL, which IN never matches.
void read_item_quantities(Store::Impl& impl, std::vector<std::pair<std::int64_t, Order>>& rows) {
    if (rows.empty()) {
        return;
    }
    static const std::string sql = [] {
        std::string in;
        for (std::size_t i = 0; i < k_list_chunk; ++i) {
            in += in.empty() ? "?" : ", ?";
        }
        return fmt::format("SELECT order_ref, quantity_ordered, quantity_shipped, quantity_unshipped "
                           "FROM order_items WHERE order_ref IN ({}) ORDER BY order_ref, seq",
                           in);
    }();
    std::unordered_map<std::int64_t, Order*> by_ref;
    for (auto& [ref, order] : rows) {
        by_ref.emplace(ref, &order);
    }
    sqlite::StmtUse q(impl.stmt(sql));
    int i = 1;
    for (const auto& row : rows) {
        q->bind(i++, row.first);
    }
    for (; i <= static_cast<int>(k_list_chunk); ++i) {
        q->bind_null(i);
    }
    while (q->step()) {
        const auto it = by_ref.find(q->int64(0));
        if (it == by_ref.end()) {
            continue;
        }
        OrderItem item;
        item.quantity_ordered = q->int32(1);
        item.quantity_shipped = q->int32(2);
        item.quantity_unshipped = q->int32(3);
        it->second->items.push_back(std::move(item));
    }
}

// The rows of a stepping list statement in chunks, each with its items read in one query, handed
// to `on_order` until it says stop.
void read_list_rows(Store::Impl& impl, sqlite::Stmt& s, const std::function<bool(Order&&)>& on_order) {
    std::vector<std::pair<std::int64_t, Order>> chunk;
    for (bool more = true; more;) {
        chunk.clear();
        while (chunk.size() < k_list_chunk && (more = s.step())) {
            chunk.emplace_back(s.int64(0), read_list_row(s));
        }
        read_item_quantities(impl, chunk);
        for (auto& row : chunk) {
            if (!on_order(std::move(row.second))) {
                return;
            }
        }
    }
}

} // namespace

std::optional<Order> Store::get_order(const std::string& order_id) {
    static const std::string sql =
        fmt::format("SELECT {} FROM orders o WHERE o.order_id = ?1", store_rows::select_list());
    sqlite::Transaction tx(m_impl->db.get(), sqlite::Transaction::Mode::Read);
    std::optional<Order> order;
    {
        sqlite::StmtUse s(m_impl->stmt(sql));
        s->bind(1, order_id);
        if (s->step()) {
            order = store_rows::read_order(*m_impl, *s);
        }
    }
    tx.commit();
    return order;
}

void Store::query_orders(const OrderFilter& f, const std::function<bool(Order&&)>& on_order,
                         OrderParts parts) {
    std::vector<Value> values;
    std::string where;
    auto add = [&where](const std::string& cond) {
        where += where.empty() ? " WHERE " : " AND ";
        where += cond;
    };
    if (!f.statuses.empty()) {
        add(fmt::format("o.status IN ({})", placeholders(f.statuses, values, [](Status s) {
                            return Value{std::string(to_string(s))};
                        })));
    }
    auto bound = [&](const std::optional<Timestamp>& t, std::string_view cond) {
        if (t) {
            values.emplace_back(to_unix(*t));
            add(std::string(cond));
        }
    };
    bound(f.created_after, "o.purchase_date >= ?");
    bound(f.created_before, "o.purchase_date <= ?");
    bound(f.updated_after, "o.last_updated >= ?");
    bound(f.updated_before, "o.last_updated <= ?");
    bound(f.ship_by_before, "o.ship_by_latest <= ?");
    if (f.fulfilled_by) {
        values.emplace_back(std::string(to_v2026(*f.fulfilled_by)));
        add("o.fulfilled_by = ?");
    }
    if (!f.marketplace_ids.empty()) {
        add(fmt::format(
            "o.marketplace_id IN ({})",
            placeholders(f.marketplace_ids, values, [](const std::string& m) { return Value{m}; })));
    }
    if (!f.sku.empty()) {
        values.emplace_back(f.sku);
        add("o.id IN (SELECT order_ref FROM order_items WHERE sku = ?)");
    }
    if (!f.asin.empty()) {
        values.emplace_back(f.asin);
        add("o.id IN (SELECT order_ref FROM order_items WHERE asin = ?)");
    }
    const std::string_view columns =
        parts == OrderParts::ListRow ? k_list_row_columns : std::string_view(store_rows::select_list());
    std::string sql = fmt::format("SELECT {} FROM orders o{} ORDER BY {}", columns, where,
                                  order_by(f.sort.empty() ? "-purchase_date" : f.sort));
    if (f.limit) {
        values.emplace_back(static_cast<std::int64_t>(std::min<std::size_t>(
            *f.limit, static_cast<std::size_t>(std::numeric_limits<std::int64_t>::max()))));
        sql += " LIMIT ?";
    }

    sqlite::Transaction tx(m_impl->db.get(), sqlite::Transaction::Mode::Read);
    // Not in the store's cache: a callback may run another query on this store while this one is
    // stepping. Any number of rows (PostgreSQL reads them through a cursor, a chunk at a time).
    sqlite::Stmt s(m_impl->db.get(), sql, db::Rows::Many);
    bind_values(s, values);
    if (parts == OrderParts::ListRow) {
        read_list_rows(*m_impl, s, on_order);
    } else {
        while (s.step()) {
            if (!on_order(store_rows::read_order(*m_impl, s))) {
                break;
            }
        }
    }
    s.reset();
    tx.commit();
}

void Store::report_late(Timestamp now, std::chrono::seconds within,
                        const std::function<bool(Order&&)>& on_order) {
    OrderFilter f;
    f.statuses = {Status::Unshipped, Status::PartiallyShipped};
    f.fulfilled_by = FulfilledBy::Merchant;
    f.ship_by_before = now + within;
    f.sort = "ship_by";
    query_orders(f, on_order);
}

Summary Store::report_summary(std::optional<Timestamp> since, std::optional<Timestamp> until) {
    std::string sql =
        "SELECT status, marketplace_id, total_currency, total_scale, count(*), sum(total_minor) "
        "FROM orders";
    std::vector<Value> values;
    if (since) {
        values.emplace_back(to_unix(*since));
        sql += " WHERE purchase_date >= ?";
    }
    if (until) {
        values.emplace_back(to_unix(*until));
        sql += since ? " AND purchase_date <= ?" : " WHERE purchase_date <= ?";
    }
    sql += " GROUP BY status, marketplace_id, total_currency, total_scale";

    // (status rank, marketplace, currency) -> count, exact total. SQLite's sum() over integers is
    // exact or fails with "integer overflow" (it never falls back to floating point); amounts of
    // one currency with different scales meet here through Money::plus.
    struct Cell {
        std::int64_t orders = 0;
        std::optional<Money> total;
        void add(std::int64_t n, const std::optional<Money>& m) {
            orders += n;
            if (m) {
                total = total ? total->plus(*m) : *m;
            }
        }
    };
    using Key3 = std::tuple<int, std::string, std::string>;
    std::map<Key3, Cell> detail;
    std::map<std::string, int> rank_of;
    const auto statuses = all_statuses();
    for (std::size_t i = 0; i < statuses.size(); ++i) {
        rank_of.emplace(std::string(to_string(statuses[i])), static_cast<int>(i));
    }
    {
        sqlite::Transaction tx(m_impl->db.get(), sqlite::Transaction::Mode::Read);
        sqlite::Stmt s(m_impl->db.get(), sql, db::Rows::Many);
        bind_values(s, values);
        while (s.step()) {
            const auto status = s.text(0);
            const auto it = rank_of.find(status);
            const int rank = it == rank_of.end() ? static_cast<int>(statuses.size()) : it->second;
            std::string currency = s.text(2);
            std::optional<Money> total;
            if (!currency.empty() && !s.is_null(5)) {
                total = Money{s.int64(5), s.int32(3), currency};
            }
            detail[{rank, s.text(1), std::move(currency)}].add(s.int64(4), total);
        }
        s.reset();
        tx.commit();
    }

    Summary out;
    std::map<std::pair<int, std::string>, Cell> by_status;
    std::map<std::pair<std::string, std::string>, Cell> by_marketplace;
    std::map<std::string, Cell> by_currency;
    for (const auto& [key, cell] : detail) {
        const auto& [rank, marketplace, currency] = key;
        out.orders += cell.orders;
        by_status[{rank, currency}].add(cell.orders, cell.total);
        by_marketplace[{marketplace, currency}].add(cell.orders, cell.total);
        by_currency[currency].add(cell.orders, cell.total);
    }
    auto status_name = [&](int rank) {
        return rank < static_cast<int>(statuses.size())
                   ? std::string(to_string(statuses[static_cast<std::size_t>(rank)]))
                   : std::string("Unknown");
    };
    for (const auto& [key, cell] : detail) {
        out.detail.push_back(
            {status_name(std::get<0>(key)), std::get<1>(key), std::get<2>(key), cell.orders, cell.total});
    }
    for (const auto& [key, cell] : by_status) {
        out.by_status.push_back({status_name(key.first), "", key.second, cell.orders, cell.total});
    }
    for (const auto& [key, cell] : by_marketplace) {
        out.by_marketplace.push_back({"", key.first, key.second, cell.orders, cell.total});
    }
    for (const auto& [currency, cell] : by_currency) {
        out.by_currency.push_back({"", "", currency, cell.orders, cell.total});
    }
    return out;
}

std::vector<JournalEntry> Store::report_cancellations(std::optional<Timestamp> since) {
    std::vector<JournalEntry> out;
    if (m_impl->schema_version < 2) {
        return out;
    }
    if (m_impl->schema_version >= 3) {
        return journal_entries(JournalFilter{.since = since});
    }
    sqlite::StmtUse s(
        m_impl->stmt("SELECT id, order_id, reason, batch_id, feed_document_id, feed_id, message_id, state, "
                     "result_code, result_message, created_at, updated_at, run_by, commerce_state "
                     "FROM cancel_journal WHERE created_at >= ?1 ORDER BY created_at, id"));
    s->bind(1, since ? to_unix(*since) : std::numeric_limits<std::int64_t>::min());
    while (s->step()) {
        JournalEntry e;
        e.id = s->int64(0);
        e.order_id = s->text(1);
        e.reason = s->text(2);
        e.batch_id = s->text(3);
        e.feed_document_id = s->text(4);
        e.feed_id = s->text(5);
        e.message_id = s->opt_int64(6);
        e.state = journal_state_column(s->text(7));
        e.result_code = s->text(8);
        e.result_message = s->text(9);
        e.created_at = from_unix(s->int64(10));
        e.updated_at = from_unix(s->int64(11));
        e.run_by = s->text(12);
        e.commerce_state = commerce_state_column(s->text(13));
        out.push_back(std::move(e));
    }
    return out;
}

} // namespace asc
