// The store's rows: upserts of orders with their items, packages and money lines, sync marks, PII
// purge and info. The rows' bindings and content hash are in store_rows.cpp, opening and the sync
// lock in store_open.cpp, queries and reports in store_query.cpp, the schema in store_schema.cpp.

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
using store_rows::k_first_packed;
using store_rows::k_first_pii_address;
// The UPDATE's parameters after the columns'.
constexpr int k_param_keep_address = static_cast<int>(k_columns.size()) + 1; // ship_state, ship_country
constexpr int k_param_keep_personal_address = k_param_keep_address + 1;      // the other ship_* columns
constexpr int k_param_keep_buyer = k_param_keep_address + 2;
constexpr int k_param_id = k_param_keep_address + 3;

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

// The INSERT of an order's row; `returning`: with "RETURNING id" (PostgreSQL has no
// last_insert_rowid; SQLite's RETURNING costs an ephemeral table per row, so SQLite asks
// sqlite3_last_insert_rowid instead).
const std::string& insert_sql(bool returning) {
    static const std::array<std::string, 2> sql = [] {
        std::string values;
        for (std::size_t i = 1; i <= k_columns.size(); ++i) {
            values += fmt::format("{}?{}", i == 1 ? "" : ", ", i);
        }
        const std::string plain = fmt::format("INSERT INTO orders ({}) VALUES ({})", join_columns(""), values);
        return std::array<std::string, 2>{plain, plain + " RETURNING id"};
    }();
    return sql[returning ? 1 : 0];
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
            if (static_cast<int>(i) >= k_first_packed) {
                sets += fmt::format("{} = ?{}", col, param);
            } else if (static_cast<int>(i) >= k_first_buyer) {
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
// An order's packages and money lines are columns of its row (schema 11): the update rewrites them.
constexpr std::string_view k_delete_items_sql = "DELETE FROM order_items WHERE order_ref = ?1";
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

namespace {

using store_rows::Stored;

void insert_items(Store::Impl& impl, std::int64_t ref, const Order& o) {
    sqlite::StmtUse s(impl.stmt(k_insert_item_sql));
    std::int64_t seq = 0;
    for (const auto& i : o.items) {
        store_rows::bind_item(*s, 0, ref, seq++, i);
        s->run();
        s->reset();
    }
}

enum class UpsertOutcome { Inserted, Updated, Unchanged };

// INSERTs the order's row: its row id. `may_exist`: the order_id may be stored already, and then
// nothing is written, the transaction goes on, and the answer is nullopt (PostgreSQL pays a
// SAVEPOINT for that); otherwise a stored order_id throws Error(Internal).
std::optional<std::int64_t> insert_row(Store::Impl& impl, const Stored& st, std::int64_t hash, std::int64_t now,
                                       bool may_exist) {
    sqlite3* lite = impl.db->sqlite_handle();
    sqlite::StmtUse ins(impl.stmt(insert_sql(lite == nullptr)));
    store_rows::bind_order_row(*ins, 0, st, hash, now);
    const db::Step step = may_exist ? ins->try_step() : (ins->step() ? db::Step::Row : db::Step::Done);
    if (step == db::Step::UniqueViolation) {
        return std::nullopt;
    }
    if (lite != nullptr) {
        return sqlite3_last_insert_rowid(lite); // this connection's, one thread at a time
    }
    if (step != db::Step::Row) {
        throw Error(ErrorKind::Internal, "order store: an inserted order returned no id");
    }
    return ins->int64(0);
}

UpsertOutcome upsert_one(Store::Impl& impl, const Order& o, std::int64_t now) {
    const Stored st{o, o.ship_to.has_value(), o.buyer.has_value(), impl.options.store_pii};
    const std::int64_t hash = store_rows::content_hash(st);

    if (impl.bulk_into_empty) {
        // Most orders of a first load are new: one INSERT, without the lookup before it.
        if (const auto new_id = insert_row(impl, st, hash, now, /*may_exist=*/true)) {
            insert_items(impl, *new_id, o);
            return UpsertOutcome::Inserted;
        }
    }
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
        const auto new_id = insert_row(impl, st, hash, now, /*may_exist=*/false); // not found above
        insert_items(impl, new_id.value(), o);
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
    {
        sqlite::StmtUse del(impl.stmt(k_delete_items_sql));
        del->bind(1, *id);
        del->run();
    }
    insert_items(impl, *id, o);
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
// A bulk write whose memory must stay flat (KiB): `orders list` writing what it lists, and the sync
// before an order cancel or ship. Such a write reads back each order it compares (its order-id
// index entry and its row), a working set of the whole store that no cache of a few MiB holds:
// measured with bench/list on a store of 100,000 unchanged orders (release build), 2 MiB and
// 8 MiB took the same CPU (1.0 s) and peak RSS went from 34-37 MiB to 28-31 MiB; with 8 MiB the
// cache was still filling at 10,000 orders, so RSS grew 1.3x from 10,000 to 100,000 orders.
constexpr std::int64_t k_flat_cache_kib = 2 * 1024;
// While a bulk write that kept the small cache builds its indexes (KiB).
constexpr std::int64_t k_index_build_cache_kib = 1024;
// During a bulk write: a quarter of the store file, within these bounds; checkpoints every 256 MiB.
// Measured on a load of 1,000,000 orders (bench/store), when the UNIQUE index on order_id was
// kept up to date during the load (before schema 10): it took one random leaf per order, and with
// an eighth of the file the page cache lost some of those leaves to the pages the load appends
// (about 10% more CPU than with the whole hot set cached); a WAL four times longer let each
// checkpoint write a leaf once for four times as many orders (7% fewer bytes written). The index
// is now left out of a load into an empty store; a load into a store that has orders keeps it.
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
    } else {
        sqlite::exec(impl.db.get(), fmt::format("PRAGMA cache_size = -{}", k_flat_cache_kib).c_str());
    }
    bool empty = false;
    {
        sqlite::Transaction tx(impl.db.get(), sqlite::Transaction::Mode::Write);
        // Checked under the write lock: another process may be filling the store right now.
        empty = sqlite::query_int(impl.db.get(), "SELECT NOT EXISTS (SELECT 1 FROM orders)") != 0;
        if (empty) {
            store_schema::drop_secondary_indexes(impl.db->sqlite_handle());
        }
        tx.commit();
    }
    impl.bulk = true;
    impl.bulk_into_empty = empty;
    impl.bulk_grows_cache = grow_cache;
    impl.bulk_pages = 0;
}

BulkSettled Store::end_bulk_write() {
    Impl& impl = *m_impl;
    if (!impl.bulk) {
        return {};
    }
    if (!impl.bulk_grows_cache) {
        // SQLite sorts an index's keys in memory up to the page cache's size, on top of the cache:
        // a bulk write that keeps memory flat builds its indexes with a 1 MiB budget (the sort
        // spills to temporary files instead).
        sqlite::exec(impl.db.get(), fmt::format("PRAGMA cache_size = -{}", k_index_build_cache_kib).c_str());
    }
    impl.bulk_into_empty = false;
    const BulkSettled settled = store_schema::ensure_secondary_indexes(impl.db->sqlite_handle());
    impl.bulk = false;
    sqlite::exec(impl.db.get(),
                 fmt::format("PRAGMA cache_size = -{}; PRAGMA wal_autocheckpoint = {}", k_default_cache_kib,
                             k_default_autocheckpoint)
                     .c_str());
    return settled;
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
