// A page of orders upserted in a few multi-row statements: the PostgreSQL path of upsert_page and
// upsert_orders, where every statement is a round trip to the server (one by one, a page of 100
// orders took some 700). The rows written are those of the one-by-one path (store.cpp), with the
// same counts:
//   1. one SELECT finds which of the page's orders are stored (order_id = ANY of an array);
//   2. a stored order with the same content, or an older copy than the stored one, is unchanged;
//      one with new content is updated one by one (upsert_each: rare in a big load);
//   3. the new orders go in with one multi-row INSERT ... RETURNING their ids (their packages and
//      money lines are columns of the row), their items with one multi-row INSERT.
// A page naming an order twice goes one by one (the second copy must meet the first).

#include "asc/base/errors.hpp"
#include "store_internal.hpp"

#include <fmt/format.h>
#include <unordered_map>

namespace asc::store_rows {

namespace {

// PostgreSQL accepts up to 65535 parameters in a statement.
constexpr std::size_t k_max_params = 60000;

// '{"a","b"}': a PostgreSQL array literal of the texts.
std::string text_array(std::span<const Order> orders) {
    std::string out = "{";
    for (const auto& o : orders) {
        out += out.size() == 1 ? "\"" : ",\"";
        for (const char c : o.order_id) {
            if (c == '"' || c == '\\') {
                out += '\\';
            }
            out += c;
        }
        out += '"';
    }
    out += '}';
    return out;
}

// "INSERT INTO t (cols) VALUES " of a one-row INSERT, the head of its multi-row form.
std::string_view insert_head(std::string_view one_row_sql) {
    const auto values = one_row_sql.find("VALUES");
    if (values == std::string_view::npos) {
        throw Error(ErrorKind::Internal, "order store: an INSERT without VALUES");
    }
    return one_row_sql.substr(0, values + 6);
}

// INSERTs `rows` rows of `width` parameters in statements of as many rows as the parameter limit
// allows; bind(stmt, base, row) binds row `row` at base + 1... `on_row` reads each returned row
// (with a RETURNING tail).
template <typename Bind, typename OnRow>
void insert_rows(Store::Impl& impl, std::string_view head, std::string_view tail, int width, std::size_t rows,
                 Bind bind, OnRow on_row) {
    const std::size_t per_statement = k_max_params / static_cast<std::size_t>(width);
    for (std::size_t first = 0; first < rows; first += per_statement) {
        const std::size_t n = std::min(per_statement, rows - first);
        std::string sql(head);
        int param = 1;
        for (std::size_t r = 0; r < n; ++r) {
            sql += r == 0 ? " (" : ", (";
            for (int c = 0; c < width; ++c) {
                sql += fmt::format("{}?{}", c == 0 ? "" : ", ", param++);
            }
            sql += ')';
        }
        sql += tail;
        sqlite::Stmt s(impl.db.get(), sql); // the driver's statement cache keeps it for the next page
        for (std::size_t r = 0; r < n; ++r) {
            bind(s, static_cast<int>(r) * width, first + r);
        }
        while (s.step()) {
            on_row(s);
        }
        s.reset();
    }
}

const std::string& orders_head() {
    static const std::string head = [] {
        std::string cols;
        for (const auto c : k_columns) {
            cols += cols.empty() ? "" : ", ";
            cols += c;
        }
        return fmt::format("INSERT INTO orders ({}) VALUES", cols);
    }();
    return head;
}

struct Found {
    std::int64_t hash = 0;
    std::int64_t last_updated = 0;
};

// The stored orders of the page, by order id.
std::unordered_map<std::string, Found> find_stored(Store::Impl& impl, std::span<const Order> orders) {
    std::unordered_map<std::string, Found> found;
    sqlite::StmtUse s(impl.stmt("SELECT order_id, content_hash, last_updated FROM orders "
                                "WHERE order_id = ANY (CAST(?1 AS text[]))"));
    s->bind(1, text_array(orders));
    while (s->step()) {
        found.emplace(s->text(0), Found{s->int64(1), s->int64(2)});
    }
    return found;
}

// The items of the new orders (ids[i] is the row id of fresh[i]); their packages and money lines
// went in with their rows (schema 11).
void insert_items_batch(Store::Impl& impl, const std::vector<const Order*>& fresh,
                        const std::vector<std::int64_t>& ids) {
    struct Item {
        std::int64_t ref;
        std::int64_t seq;
        const OrderItem* item;
    };
    std::vector<Item> items;
    for (std::size_t k = 0; k < fresh.size(); ++k) {
        const Order& o = *fresh[k];
        for (std::size_t i = 0; i < o.items.size(); ++i) {
            items.push_back({ids[k], static_cast<std::int64_t>(i), &o.items[i]});
        }
    }
    insert_rows(impl, insert_head(k_insert_item_sql), "", 32, items.size(),
                [&](sqlite::Stmt& s, int base, std::size_t r) {
                    bind_item(s, base, items[r].ref, items[r].seq, *items[r].item);
                },
                [](const sqlite::Stmt&) {});
}

} // namespace

UpsertCounts upsert_batch(Store::Impl& impl, std::span<const Order> orders, std::int64_t now) {
    {
        std::unordered_map<std::string_view, int> seen;
        for (const auto& o : orders) {
            if (++seen[o.order_id] > 1) {
                return upsert_each(impl, orders, now);
            }
        }
    }
    const auto stored = find_stored(impl, orders);
    UpsertCounts counts;
    std::vector<const Order*> fresh;
    std::vector<std::int64_t> hashes;
    for (const auto& o : orders) {
        const Stored st{o, o.ship_to.has_value(), o.buyer.has_value(), impl.options.store_pii};
        const std::int64_t hash = content_hash(st);
        const auto it = stored.find(o.order_id);
        if (it == stored.end()) {
            fresh.push_back(&o);
            hashes.push_back(hash);
        } else if (it->second.hash == hash || to_unix(o.last_updated) < it->second.last_updated) {
            ++counts.unchanged; // as upsert_each decides
        } else {
            counts += upsert_each(impl, std::span<const Order>(&o, 1), now);
        }
    }
    std::unordered_map<std::string, std::int64_t> id_of;
    insert_rows(
        impl, orders_head(), " RETURNING order_id, id", static_cast<int>(k_columns.size()), fresh.size(),
        [&](sqlite::Stmt& s, int base, std::size_t r) {
            const Order& o = *fresh[r];
            bind_order_row(s, base, Stored{o, o.ship_to.has_value(), o.buyer.has_value(), impl.options.store_pii},
                           hashes[r], now);
        },
        [&](const sqlite::Stmt& s) { id_of.emplace(s.text(0), s.int64(1)); });
    std::vector<std::int64_t> ids;
    ids.reserve(fresh.size());
    for (const Order* o : fresh) {
        const auto it = id_of.find(o->order_id);
        if (it == id_of.end()) {
            throw Error(ErrorKind::Internal, "order store: an inserted order returned no id");
        }
        ids.push_back(it->second);
    }
    insert_items_batch(impl, fresh, ids);
    counts.inserted += fresh.size();
    return counts;
}

} // namespace asc::store_rows
