// The store's rows: upserts of orders with their items, packages and money lines, sync marks, PII
// purge and info. Opening and the sync lock are in store_open.cpp, queries and reports in
// store_query.cpp, the schema in store_schema.cpp.

#include "asc/base/errors.hpp"
#include "asc/base/interrupt.hpp"
#include "store_internal.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <fmt/format.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <thread>
#include <unistd.h>

namespace asc {

namespace fs = std::filesystem;

// ----------------------------------------------------------------------------------------------
// The orders row: one column list drives the INSERT, the UPDATE and the SELECT, so they cannot
// drift apart. A column's bind parameter is its index + 1.
namespace {

using store_rows::k_columns;
using store_rows::k_first_address;
using store_rows::k_first_buyer;
using store_rows::k_first_pii_address;
constexpr int k_param_keep_address = 40;          // ship_state, ship_country
constexpr int k_param_keep_personal_address = 41; // the other ship_* columns
constexpr int k_param_keep_buyer = 42;
constexpr int k_param_id = 43;

std::string join_columns(std::string_view prefix) {
    std::string out;
    for (const auto c : k_columns) {
        if (!out.empty()) {
            out += ", ";
        }
        out += prefix;
        out += c;
    }
    return out;
}

const std::string& insert_sql() {
    static const std::string sql = [] {
        std::string values;
        for (std::size_t i = 1; i <= k_columns.size(); ++i) {
            values += fmt::format("{}?{}", i == 1 ? "" : ", ", i);
        }
        return fmt::format("INSERT INTO orders ({}) VALUES ({}) RETURNING id", join_columns(""), values);
    }();
    return sql;
}

const std::string& update_sql() {
    static const std::string sql = [] {
        std::string sets;
        for (std::size_t i = 1; i < k_columns.size(); ++i) { // order_id never changes
            const auto col = k_columns[i];
            const int param = static_cast<int>(i) + 1;
            if (!sets.empty()) {
                sets += ", ";
            }
            if (static_cast<int>(i) >= k_first_buyer) {
                sets += fmt::format("{0} = CASE WHEN ?{1} THEN {0} ELSE ?{2} END", col, k_param_keep_buyer,
                                    param);
            } else if (static_cast<int>(i) >= k_first_pii_address) {
                sets += fmt::format("{0} = CASE WHEN ?{1} THEN {0} ELSE ?{2} END", col,
                                    k_param_keep_personal_address, param);
            } else if (static_cast<int>(i) >= k_first_address) {
                sets += fmt::format("{0} = CASE WHEN ?{1} THEN {0} ELSE ?{2} END", col, k_param_keep_address,
                                    param);
            } else {
                sets += fmt::format("{} = ?{}", col, param);
            }
        }
        return fmt::format("UPDATE orders SET {} WHERE id = ?{}", sets, k_param_id);
    }();
    return sql;
}

constexpr std::string_view k_find_sql =
    "SELECT id, content_hash, last_updated FROM orders WHERE order_id = ?1";

using store_rows::k_insert_item_sql;
using store_rows::k_insert_money_line_sql;
using store_rows::k_insert_package_item_sql;
using store_rows::k_insert_package_sql;
constexpr std::array<std::string_view, 4> k_delete_children_sql{
    "DELETE FROM order_items WHERE order_ref = ?1",
    "DELETE FROM packages WHERE order_ref = ?1",
    "DELETE FROM package_items WHERE order_ref = ?1",
    "DELETE FROM order_money_lines WHERE order_ref = ?1",
};
constexpr std::string_view k_advance_mark_sql =
    "INSERT INTO sync_marks (key, mark, synced_at) VALUES (?1, ?2, ?3) "
    "ON CONFLICT (key) DO UPDATE SET mark = CASE WHEN excluded.mark > sync_marks.mark THEN excluded.mark "
    "ELSE sync_marks.mark END, synced_at = excluded.synced_at";

// The personal-data columns, and an expression true when a row holds any of them.
constexpr std::string_view k_has_pii =
    "(buyer_name IS NOT NULL OR buyer_email IS NOT NULL OR buyer_company IS NOT NULL OR "
    "buyer_po IS NOT NULL OR ship_name IS NOT NULL OR ship_company IS NOT NULL OR "
    "ship_line1 IS NOT NULL OR ship_line2 IS NOT NULL OR ship_line3 IS NOT NULL OR "
    "ship_city IS NOT NULL OR ship_district IS NOT NULL OR ship_postal_code IS NOT NULL OR "
    "ship_phone IS NOT NULL OR ship_type IS NOT NULL)";

} // namespace

namespace store_rows {

namespace {

// FNV-1a over a length-prefixed encoding of every stored field: "unchanged" means this hash and
// the stored one are equal.
class Hasher {
  public:
    void bytes(const void* data, std::size_t n) {
        const auto* p = static_cast<const unsigned char*>(data);
        for (std::size_t i = 0; i < n; ++i) {
            m_h ^= p[i];
            m_h *= 1099511628211ULL;
        }
    }
    void add(std::int64_t v) { bytes(&v, sizeof v); }
    void add(std::string_view s) {
        add(static_cast<std::int64_t>(s.size()));
        bytes(s.data(), s.size());
    }
    void add(bool b) { add(static_cast<std::int64_t>(b ? 1 : 0)); }
    void add(int v) { add(static_cast<std::int64_t>(v)); }
    void add(Timestamp t) { add(to_unix(t)); }
    void add(const std::optional<Timestamp>& t) {
        add(t.has_value());
        if (t) {
            add(*t);
        }
    }
    void add(const std::optional<Money>& m) {
        add(m.has_value());
        if (m) {
            add(m->minor);
            add(m->scale);
            add(std::string_view(m->currency));
        }
    }
    [[nodiscard]] std::int64_t value() const { return std::bit_cast<std::int64_t>(m_h); }

  private:
    std::uint64_t m_h = 14695981039346656037ULL;
};

} // namespace

std::int64_t content_hash(const Stored& s) {
    const Order& o = s.order;
    Hasher h;
    h.add(std::string_view(o.order_id));
    h.add(to_string(o.status));
    h.add(o.fulfilled_by ? to_v2026(*o.fulfilled_by) : std::string_view{});
    h.add(o.purchase_date);
    h.add(o.last_updated);
    for (const auto* text : {&o.marketplace_id, &o.marketplace_name, &o.sales_channel, &o.ship_service_level,
                             &o.replaced_order_id, &o.seller_order_id}) {
        h.add(std::string_view(*text));
    }
    h.add(o.ship_by.earliest);
    h.add(o.ship_by.latest);
    h.add(o.deliver_by.earliest);
    h.add(o.deliver_by.latest);
    h.add(o.total);
    h.add(o.is_prime);
    h.add(o.is_business);
    h.add(o.is_replacement);
    h.add(s.has_address);
    if (s.has_address) {
        const Address& a = *o.ship_to;
        h.add(std::string_view(a.state));
        h.add(std::string_view(a.country_code));
        if (s.pii) {
            for (const auto* text : {&a.name, &a.company, &a.line1, &a.line2, &a.line3, &a.city, &a.district,
                                     &a.postal_code, &a.phone, &a.type}) {
                h.add(std::string_view(*text));
            }
        }
    }
    h.add(s.has_buyer && s.pii);
    if (s.has_buyer && s.pii) {
        const Buyer& b = *o.buyer;
        for (const auto* text : {&b.name, &b.email, &b.company, &b.purchase_order}) {
            h.add(std::string_view(*text));
        }
    }
    h.add(static_cast<std::int64_t>(o.items.size()));
    for (const auto& i : o.items) {
        for (const auto* text : {&i.order_item_id, &i.sku, &i.asin, &i.title, &i.condition,
                                 &i.buyer_cancel_reason, &i.canceled_by, &i.cancel_reason}) {
            h.add(std::string_view(*text));
        }
        h.add(i.quantity_ordered);
        h.add(i.quantity_shipped);
        h.add(i.quantity_unshipped);
        for (const auto* m : {&i.unit_price, &i.item_total, &i.tax, &i.shipping_price, &i.promotion_discount,
                              &i.proceeds_total}) {
            h.add(*m);
        }
        h.add(i.buyer_requested_cancel);
    }
    h.add(static_cast<std::int64_t>(o.packages.size()));
    for (const auto& p : o.packages) {
        for (const auto* text :
             {&p.reference_id, &p.carrier, &p.shipping_service, &p.tracking_number, &p.status}) {
            h.add(std::string_view(*text));
        }
        h.add(p.ship_time);
        h.add(static_cast<std::int64_t>(p.items.size()));
        for (const auto& pi : p.items) {
            h.add(std::string_view(pi.order_item_id));
            h.add(pi.quantity);
        }
    }
    h.add(static_cast<std::int64_t>(o.total_breakdown.size()));
    for (const auto& line : o.total_breakdown) {
        h.add(std::string_view(line.type));
        h.add(std::optional<Money>(line.amount));
    }
    return h.value();
}

void bind_money(sqlite::Stmt& s, int first, const std::optional<Money>& m) {
    if (m) {
        s.bind(first, m->minor);
        s.bind(first + 1, m->scale);
        s.bind(first + 2, m->currency);
    } else {
        s.bind_null(first);
        s.bind_null(first + 1);
        s.bind_null(first + 2);
    }
}

void bind_order_row(sqlite::Stmt& s, int base, const Stored& st, std::int64_t hash, std::int64_t now) {
    const Order& o = st.order;
    s.bind(base + 1, o.order_id);
    s.bind(base + 2, to_string(o.status));
    s.bind(base + 3, o.fulfilled_by ? to_v2026(*o.fulfilled_by) : std::string_view{});
    s.bind(base + 4, to_unix(o.purchase_date));
    s.bind(base + 5, to_unix(o.last_updated));
    s.bind(base + 6, o.marketplace_id);
    s.bind(base + 7, o.marketplace_name);
    s.bind(base + 8, o.sales_channel);
    s.bind(base + 9, o.ship_service_level);
    s.bind(base + 10, to_unix(o.ship_by.earliest));
    s.bind(base + 11, to_unix(o.ship_by.latest));
    s.bind(base + 12, to_unix(o.deliver_by.earliest));
    s.bind(base + 13, to_unix(o.deliver_by.latest));
    bind_money(s, base + 14, o.total);
    s.bind(base + 17, o.is_prime);
    s.bind(base + 18, o.is_business);
    s.bind(base + 19, o.is_replacement);
    s.bind(base + 20, o.replaced_order_id);
    s.bind(base + 21, o.seller_order_id);
    s.bind(base + 22, hash);
    s.bind(base + 23, now);
    // Address and buyer columns: NULL unless present (and, for personal ones, store_pii).
    for (int i = k_first_address; i < static_cast<int>(k_columns.size()); ++i) {
        s.bind_null(base + i + 1);
    }
    if (st.has_address) {
        const Address& a = *o.ship_to;
        s.bind(base + 24, a.state);
        s.bind(base + 25, a.country_code);
        if (st.pii) {
            int p = base + k_first_pii_address + 1;
            for (const auto* text : {&a.name, &a.company, &a.line1, &a.line2, &a.line3, &a.city, &a.district,
                                     &a.postal_code, &a.phone, &a.type}) {
                s.bind(p++, *text);
            }
        }
    }
    if (st.has_buyer && st.pii) {
        const Buyer& b = *o.buyer;
        int p = base + k_first_buyer + 1;
        for (const auto* text : {&b.name, &b.email, &b.company, &b.purchase_order}) {
            s.bind(p++, *text);
        }
    }
}

void bind_item(sqlite::Stmt& s, int base, std::int64_t ref, std::int64_t seq, const OrderItem& i) {
    s.bind(base + 1, ref);
    s.bind(base + 2, seq);
    s.bind(base + 3, i.order_item_id);
    s.bind(base + 4, i.sku);
    s.bind(base + 5, i.asin);
    s.bind(base + 6, i.title);
    s.bind(base + 7, i.condition);
    s.bind(base + 8, i.quantity_ordered);
    s.bind(base + 9, i.quantity_shipped);
    s.bind(base + 10, i.quantity_unshipped);
    bind_money(s, base + 11, i.unit_price);
    bind_money(s, base + 14, i.item_total);
    bind_money(s, base + 17, i.tax);
    bind_money(s, base + 20, i.shipping_price);
    bind_money(s, base + 23, i.promotion_discount);
    bind_money(s, base + 26, i.proceeds_total);
    s.bind(base + 29, i.buyer_requested_cancel);
    s.bind(base + 30, i.buyer_cancel_reason);
    s.bind(base + 31, i.canceled_by);
    s.bind(base + 32, i.cancel_reason);
}

void bind_package(sqlite::Stmt& s, int base, std::int64_t ref, std::int64_t seq, const Package& p) {
    s.bind(base + 1, ref);
    s.bind(base + 2, seq);
    s.bind(base + 3, p.reference_id);
    s.bind(base + 4, p.carrier);
    s.bind(base + 5, p.shipping_service);
    s.bind(base + 6, p.tracking_number);
    s.bind(base + 7, to_unix(p.ship_time));
    s.bind(base + 8, p.status);
}

void bind_package_item(sqlite::Stmt& s, int base, std::int64_t ref, std::int64_t package_seq, std::int64_t seq,
                       const PackageItem& pi) {
    s.bind(base + 1, ref);
    s.bind(base + 2, package_seq);
    s.bind(base + 3, seq);
    s.bind(base + 4, pi.order_item_id);
    s.bind(base + 5, pi.quantity);
}

void bind_money_line(sqlite::Stmt& s, int base, std::int64_t ref, std::int64_t seq, const MoneyLine& line) {
    s.bind(base + 1, ref);
    s.bind(base + 2, seq);
    s.bind(base + 3, line.type.empty() ? std::string_view("OTHER") : std::string_view(line.type));
    s.bind(base + 4, line.amount.minor);
    s.bind(base + 5, line.amount.scale);
    s.bind(base + 6, line.amount.currency);
}

} // namespace store_rows

namespace {

using store_rows::Stored;

void insert_children(Store::Impl& impl, std::int64_t ref, const Order& o) {
    {
        sqlite::StmtUse s(impl.stmt(k_insert_item_sql));
        std::int64_t seq = 0;
        for (const auto& i : o.items) {
            store_rows::bind_item(*s, 0, ref, seq++, i);
            s->run();
            s->reset();
        }
    }
    {
        sqlite::StmtUse s(impl.stmt(k_insert_package_sql));
        sqlite::StmtUse si(impl.stmt(k_insert_package_item_sql));
        std::int64_t seq = 0;
        for (const auto& p : o.packages) {
            store_rows::bind_package(*s, 0, ref, seq, p);
            s->run();
            s->reset();
            std::int64_t item_seq = 0;
            for (const auto& pi : p.items) {
                store_rows::bind_package_item(*si, 0, ref, seq, item_seq++, pi);
                si->run();
                si->reset();
            }
            ++seq;
        }
    }
    {
        sqlite::StmtUse s(impl.stmt(k_insert_money_line_sql));
        std::int64_t seq = 0;
        for (const auto& line : o.total_breakdown) {
            store_rows::bind_money_line(*s, 0, ref, seq++, line);
            s->run();
            s->reset();
        }
    }
}

enum class UpsertOutcome { Inserted, Updated, Unchanged };

UpsertOutcome upsert_one(Store::Impl& impl, const Order& o, std::int64_t now) {
    const Stored st{o, o.ship_to.has_value(), o.buyer.has_value(), impl.options.store_pii};
    const std::int64_t hash = store_rows::content_hash(st);

    std::optional<std::int64_t> id;
    {
        sqlite::StmtUse find(impl.stmt(k_find_sql));
        find->bind(1, o.order_id);
        if (find->step()) {
            id = find->int64(0);
            const std::int64_t stored_hash = find->int64(1);
            const std::int64_t stored_updated = find->int64(2);
            // Same content, or an older copy than ours (a slow live listing racing a sync).
            if (stored_hash == hash || to_unix(o.last_updated) < stored_updated) {
                return UpsertOutcome::Unchanged;
            }
        }
    }
    if (!id) {
        std::int64_t new_id = 0;
        {
            sqlite::StmtUse ins(impl.stmt(insert_sql()));
            store_rows::bind_order_row(*ins, 0, st, hash, now);
            ins->step(); // RETURNING id
            new_id = ins->int64(0);
        }
        insert_children(impl, new_id, o);
        return UpsertOutcome::Inserted;
    }
    {
        sqlite::StmtUse upd(impl.stmt(update_sql()));
        store_rows::bind_order_row(*upd, 0, st, hash, now);
        // When the order was fetched without buyer/recipient, keep what is stored, unless personal
        // data is not to be stored at all: then the update clears it.
        upd->bind(k_param_keep_address, !st.has_address);
        upd->bind(k_param_keep_personal_address, !st.has_address && st.pii);
        upd->bind(k_param_keep_buyer, !st.has_buyer && st.pii);
        upd->bind(k_param_id, *id);
        upd->run();
    }
    for (const auto sql : k_delete_children_sql) {
        sqlite::StmtUse del(impl.stmt(sql));
        del->bind(1, *id);
        del->run();
    }
    insert_children(impl, *id, o);
    return UpsertOutcome::Updated;
}

std::int64_t wall_now() {
    return std::chrono::duration_cast<std::chrono::seconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

} // namespace

UpsertCounts store_rows::upsert_each(Store::Impl& impl, std::span<const Order> orders, std::int64_t now) {
    UpsertCounts counts;
    for (const auto& o : orders) {
        switch (upsert_one(impl, o, now)) {
        case UpsertOutcome::Inserted:
            ++counts.inserted;
            break;
        case UpsertOutcome::Updated:
            ++counts.updated;
            break;
        case UpsertOutcome::Unchanged:
            ++counts.unchanged;
            break;
        }
    }
    return counts;
}

namespace {

// PostgreSQL: a page in a few multi-row statements (one round trip each, not several per order).
UpsertCounts upsert_all(Store::Impl& impl, std::span<const Order> orders) {
    const std::int64_t now = wall_now();
    if (impl.postgres() && orders.size() > 1) {
        return store_rows::upsert_batch(impl, orders, now);
    }
    return store_rows::upsert_each(impl, orders, now);
}

} // namespace

// ----------------------------------------------------------------------------------------------
// Bulk writes: cache and WAL sized for a sync, indexes built at the end of a first load.
namespace {

// The default, small page cache (KiB; see store_open.cpp) and WAL checkpoint interval (pages).
constexpr std::int64_t k_default_cache_kib = 8 * 1024;
constexpr std::int64_t k_default_autocheckpoint = 8192;
// While a bulk write that kept the small cache builds its indexes (KiB).
constexpr std::int64_t k_index_build_cache_kib = 1024;
// During a bulk write: a quarter of the store file, within these bounds; checkpoints every 256 MiB.
// Measured on a load of 1,000,000 orders (bench/store): the UNIQUE index on order_id takes one
// random leaf per order, and with an eighth of the file the page cache lost some of those leaves
// to the pages the load appends (about 10% more CPU than with the whole hot set cached); a WAL
// four times longer lets each checkpoint write a leaf once for four times as many orders (7% fewer
// bytes written).
constexpr std::int64_t k_bulk_cache_min_kib = 64 * 1024;
constexpr std::int64_t k_bulk_cache_max_kib = 256 * 1024;
constexpr std::int64_t k_bulk_autocheckpoint = 65536;
// How often (in pages written) the cache is re-sized to the grown store.
constexpr std::size_t k_resize_every = 100;

void size_bulk_cache(Store::Impl& impl) {
    std::int64_t file_kib = 0;
    if (!impl.path.empty()) {
        std::error_code ec;
        const auto size = fs::file_size(impl.path, ec);
        file_kib = ec ? 0 : static_cast<std::int64_t>(size / 1024);
    }
    if (impl.postgres()) {
        return; // the server sizes its own buffers
    }
    const std::int64_t kib = std::clamp(file_kib / 4, k_bulk_cache_min_kib, k_bulk_cache_max_kib);
    sqlite::exec(impl.db.get(), fmt::format("PRAGMA cache_size = -{}", kib).c_str());
}

} // namespace

void Store::begin_bulk_write(bool grow_cache) {
    Impl& impl = *m_impl;
    if (impl.bulk || impl.postgres()) {
        return; // PostgreSQL: indexes stay, the server's buffers are its own
    }
    if (grow_cache) {
        size_bulk_cache(impl);
        sqlite::exec(impl.db.get(), fmt::format("PRAGMA wal_autocheckpoint = {}", k_bulk_autocheckpoint).c_str());
    }
    {
        sqlite::Transaction tx(impl.db.get(), sqlite::Transaction::Mode::Write);
        // Checked under the write lock: another process may be filling the store right now.
        if (sqlite::query_int(impl.db.get(), "SELECT NOT EXISTS (SELECT 1 FROM orders)") != 0) {
            store_schema::drop_secondary_indexes(impl.db->sqlite_handle());
        }
        tx.commit();
    }
    impl.bulk = true;
    impl.bulk_grows_cache = grow_cache;
    impl.bulk_pages = 0;
}

void Store::end_bulk_write() {
    Impl& impl = *m_impl;
    if (!impl.bulk) {
        return;
    }
    if (!impl.bulk_grows_cache) {
        // SQLite sorts an index's keys in memory up to the page cache's size, on top of the cache:
        // a bulk write that keeps memory flat builds its indexes with a 1 MiB budget (the sort
        // spills to temporary files instead).
        sqlite::exec(impl.db.get(), fmt::format("PRAGMA cache_size = -{}", k_index_build_cache_kib).c_str());
    }
    store_schema::ensure_secondary_indexes(impl.db->sqlite_handle());
    impl.bulk = false;
    sqlite::exec(impl.db.get(),
                 fmt::format("PRAGMA cache_size = -{}; PRAGMA wal_autocheckpoint = {}", k_default_cache_kib,
                             k_default_autocheckpoint)
                     .c_str());
}

UpsertCounts Store::upsert_orders(std::span<const Order> orders) {
    sqlite::Transaction tx(m_impl->db.get(), sqlite::Transaction::Mode::Write);
    const auto counts = upsert_all(*m_impl, orders);
    tx.commit();
    if (m_impl->bulk && m_impl->bulk_grows_cache && ++m_impl->bulk_pages % k_resize_every == 0) {
        size_bulk_cache(*m_impl);
    }
    return counts;
}

UpsertCounts Store::upsert_page(std::span<const Order> orders, std::span<const std::string> mark_keys,
                                Timestamp mark) {
    sqlite::Transaction tx(m_impl->db.get(), sqlite::Transaction::Mode::Write);
    const auto counts = upsert_all(*m_impl, orders);
    {
        sqlite::StmtUse s(m_impl->stmt(k_advance_mark_sql));
        const std::int64_t now = wall_now();
        for (const auto& key : mark_keys) {
            s->bind(1, key);
            s->bind(2, to_unix(mark));
            s->bind(3, now);
            s->run();
            s->reset();
        }
    }
    tx.commit();
    if (m_impl->bulk && m_impl->bulk_grows_cache && ++m_impl->bulk_pages % k_resize_every == 0) {
        size_bulk_cache(*m_impl);
    }
    return counts;
}

std::optional<Timestamp> Store::sync_mark(const std::string& key) {
    sqlite::StmtUse s(m_impl->stmt("SELECT mark FROM sync_marks WHERE key = ?1"));
    s->bind(1, key);
    if (!s->step()) {
        return std::nullopt;
    }
    return from_unix(s->int64(0));
}

std::vector<SyncMark> Store::sync_marks() {
    sqlite::StmtUse s(m_impl->stmt("SELECT key, mark, synced_at FROM sync_marks ORDER BY key"));
    std::vector<SyncMark> marks;
    while (s->step()) {
        marks.push_back({s->text(0), from_unix(s->int64(1)), from_unix(s->int64(2))});
    }
    return marks;
}

std::int64_t Store::purge_pii(Timestamp older_than) {
    static const std::string sql =
        fmt::format("UPDATE orders SET buyer_name = NULL, buyer_email = NULL, buyer_company = NULL, "
                    "buyer_po = NULL, ship_name = NULL, ship_company = NULL, ship_line1 = NULL, "
                    "ship_line2 = NULL, ship_line3 = NULL, ship_city = NULL, ship_district = NULL, "
                    "ship_postal_code = NULL, ship_phone = NULL, ship_type = NULL "
                    "WHERE last_updated < ?1 AND {}",
                    k_has_pii);
    sqlite::Transaction tx(m_impl->db.get(), sqlite::Transaction::Mode::Write);
    std::int64_t changed = 0;
    {
        sqlite::StmtUse s(m_impl->stmt(sql));
        s->bind(1, to_unix(older_than));
        s->run();
        changed = s->changes();
    }
    tx.commit();
    return changed;
}

StoreInfo Store::info() {
    static const std::string pii_sql = fmt::format("SELECT count(*) FROM orders WHERE {}", k_has_pii);
    StoreInfo info;
    info.path = m_impl->path;
    info.location = m_impl->path.string();
    if (m_impl->postgres()) {
        pg_info(*m_impl, info);
    }
    if (!m_impl->path.empty()) {
        std::error_code ec;
        const auto main_size = fs::file_size(m_impl->path, ec);
        info.file_size = ec ? 0 : main_size;
        fs::path wal = m_impl->path;
        wal += "-wal";
        const auto wal_size = fs::file_size(wal, ec);
        info.file_size += ec ? 0 : wal_size;
    }
    info.schema_version = m_impl->schema_version;
    sqlite::Transaction tx(m_impl->db.get(), sqlite::Transaction::Mode::Read);
    db::Conn* db = m_impl->db.get();
    info.orders = sqlite::query_int(db, "SELECT count(*) FROM orders");
    info.orders_with_pii = sqlite::query_int(db, pii_sql);
    if (m_impl->schema_version >= 2) {
        info.journal_entries = sqlite::query_int(db, "SELECT count(*) FROM cancel_journal");
    }
    if (m_impl->schema_version >= 6) {
        info.orders_from_report = sqlite::query_int(db, "SELECT count(*) FROM orders WHERE from_report = 1");
    }
    info.marks = sync_marks();
    tx.commit();
    return info;
}

} // namespace asc
