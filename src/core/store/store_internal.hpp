#pragma once
// Internals of the store shared by store.cpp, store_schema.cpp and store_query.cpp: RAII holders
// for SQLite handles, error mapping, and Store::Impl. Not part of the public headers.

#include "asc/base/errors.hpp"
#include "asc/store/store.hpp"
#include "db.hpp"

#include <array>
#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <sqlite3.h>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>

namespace asc::sqlite {

// Throws the asc::Error for a failed SQLite call: Temporary for BUSY/LOCKED (another process
// kept the database locked past the busy timeout), Config for NOTADB/CORRUPT (the file is damaged),
// Internal otherwise. `what` names the operation; no SQL parameters (which could be personal data)
// ever go into a message.
[[noreturn]] void fail(sqlite3* db, int rc, std::string_view what);

// Owns a sqlite3 connection. Move-only.
class Db {
  public:
    Db() = default;
    explicit Db(sqlite3* db) : m_db(db) {}
    Db(Db&& other) noexcept : m_db(std::exchange(other.m_db, nullptr)) {}
    Db& operator=(Db&& other) noexcept {
        if (this != &other) {
            close();
            m_db = std::exchange(other.m_db, nullptr);
        }
        return *this;
    }
    Db(const Db&) = delete;
    Db& operator=(const Db&) = delete;
    ~Db() { close(); }

    [[nodiscard]] sqlite3* get() const { return m_db; }
    // Hands the handle over (to db::sqlite_conn).
    sqlite3* release() { return std::exchange(m_db, nullptr); }

  private:
    void close() {
        if (m_db != nullptr) {
            sqlite3_close_v2(m_db);
            m_db = nullptr;
        }
    }
    sqlite3* m_db = nullptr;
};

// The statements and transactions of the seam (db.hpp), under the names the store's code uses.
using db::Stmt;
using db::StmtUse;
using db::Transaction;
using db::exec;
using db::query_int;

// Runs SQL without results (several statements allowed) on a raw handle.
void exec(sqlite3* db, const char* sql);
// The single integer a query (e.g. a PRAGMA) returns.
std::int64_t query_int(sqlite3* db, const char* sql);

} // namespace asc::sqlite

namespace asc {

inline std::int64_t to_unix(Timestamp t) {
    return t.time_since_epoch().count();
}
inline Timestamp from_unix(std::int64_t s) {
    return Timestamp{std::chrono::seconds{s}};
}
inline std::optional<std::int64_t> to_unix(const std::optional<Timestamp>& t) {
    return t ? std::optional<std::int64_t>{to_unix(*t)} : std::nullopt;
}

struct Store::Impl {
    std::unique_ptr<db::Conn> db;
    std::filesystem::path path; // empty for :memory: and for a PostgreSQL store
    // A PostgreSQL store: its URI without the password (for messages) and the schema of the
    // seller account (see store_pg_schema.cpp). Empty for SQLite.
    std::string uri_shown;
    std::string pg_schema;
    std::string pg_uri;                // to open `side`
    std::unique_ptr<db::Conn> side;   // update_shared_text's own connection, opened on first use
    StoreOptions options;
    int schema_version = 0;
    // The cancel or ship run registered by lock_for_cancel/lock_for_ship (store_claims.cpp); 0: none.
    std::int64_t run_id = 0;
    // Opened read-only: the file or its directory cannot be written (a read-only filesystem, a
    // read-only file); reads work, every write throws Error(Config) "... is read-only".
    bool read_only = false;
    // Prepared statements of fixed SQL, compiled once per connection. A cached statement must not
    // be in use twice at once: callers step it to the end (or reset it through StmtUse) before
    // handing control back to user code. Keys are views of SQL in static storage (literals,
    // constants, function-local statics), told apart by their address and length, not by their
    // text: hashing and comparing a statement of several hundred characters on every use cost
    // ~4% of the CPU of `orders list --all` into a new store. The same text at another address
    // is merely another statement.
    struct SameView {
        bool operator()(std::string_view a, std::string_view b) const noexcept {
            return a.data() == b.data() && a.size() == b.size();
        }
    };
    struct ViewAddress {
        std::size_t operator()(std::string_view v) const noexcept {
            return std::hash<const void*>{}(v.data()) ^ (v.size() * 0x9e3779b97f4a7c15ULL);
        }
    };
    struct Cached {
        sqlite::Stmt stmt;
#ifndef NDEBUG
        std::string text; // debug builds: the SQL as it was when compiled, to check the rule above
#endif
    };
    std::unordered_map<std::string_view, Cached, ViewAddress, SameView> cache;
    // Between begin_bulk_write() and end_bulk_write(): pages written, for re-sizing the cache.
    bool bulk = false;
    bool bulk_grows_cache = false;
    std::size_t bulk_pages = 0;
    // The bulk write began on a store without orders (SQLite): an order is INSERTed straight
    // away, without looking it up first, and the unique index on order_id is left out with the
    // secondary ones; an order met twice is stored twice until end_bulk_write() (or the next
    // open) builds the indexes and keeps the copy an upsert would have kept. If another process
    // built the index meanwhile, an order already stored goes the lookup-and-update way.
    bool bulk_into_empty = false;

    [[nodiscard]] bool postgres() const { return db->dialect() == db::Dialect::Postgres; }

    sqlite::Stmt& stmt(std::string_view sql) {
        auto it = cache.find(sql);
        if (it == cache.end()) {
#ifndef NDEBUG
            it = cache.emplace(sql, Cached{sqlite::Stmt(db.get(), sql), std::string(sql)}).first;
#else
            it = cache.emplace(sql, Cached{sqlite::Stmt(db.get(), sql)}).first;
#endif
        }
#ifndef NDEBUG
        // SQL built at run time breaks the rule above silently: a later string at a freed key's
        // address and of its length would get the old statement. Debug and sanitizer builds (every
        // test run) compare the text.
        if (it->second.text != sql) {
            throw Error(ErrorKind::Internal, "a cached statement's SQL changed under its key (SQL built at run time "
                                             "passed to Store::Impl::stmt)");
        }
#endif
        return it->second.stmt;
    }
};

// Throws Error(Config): the store at `path` is read-only (`why`, e.g. "Read-only file system"), so
// `what` (a command's write) cannot happen; reads still work.
[[noreturn]] void throw_read_only(const std::filesystem::path& path, std::string_view why, std::string_view what);

// Opens the PostgreSQL store at `uri` (store_pg_schema.cpp): connects, selects the schema of
// options.account, and migrates it up to `target`.
std::unique_ptr<Store::Impl> open_postgres(const std::string& uri, const StoreOptions& options, int target);
// Takes a session advisory lock of the PostgreSQL store (class k_lock_class_sync or _cancel),
// waiting up to `wait`; same errors as take_file_lock, naming the holder's host and pid.
SyncLock take_pg_lock(Store::Impl& impl, int lock_class, std::chrono::milliseconds wait,
                      std::string_view holder, std::string_view what);
// The session advisory lock (lock_class, key) on the store's connection, tried every 100 ms for up
// to `wait`; then the error `timed_out()` makes is thrown (Error(Interrupted) on Ctrl-C, naming
// `what` it waited for). Released when the SyncLock goes (or with the connection).
SyncLock take_pg_advisory_lock(Store::Impl& impl, int lock_class, int key, std::chrono::milliseconds wait,
                               std::string_view what, const std::function<Error()>& timed_out);
// A lock key of `text` (FNV-1a, 31 bits): of the account's schema name, and of what the store
// locks within an account.
int pg_lock_key(std::string_view text);

// Fills in the PostgreSQL side of info(): backend, location, server version, lock holders.
void pg_info(Store::Impl& impl, StoreInfo& info);
// Shell completion's query `sql` (?1 lower, ?2 upper bound) on the PostgreSQL store at `uri`, in
// the schema of options.account, without creating or migrating anything (store_pg_schema.cpp).
// Throws like any store call; completion_ids() turns every failure into nothing.
std::vector<std::string> pg_completion_ids(const std::string& uri, const StoreOptions& options, std::string_view sql,
                                           const std::string& lower, const std::string& upper);
// Fills in StoreInfo::claim_holders of a PostgreSQL store (store_claims.cpp).
void pg_claim_holders(Store::Impl& impl, StoreInfo& info);

// Takes an exclusive flock() on `lock_path` (created 0600), waiting up to `wait`; writes our pid
// into it. Throws Error(Temporary) "another <holder> is running for this store (pid N)" when it
// stays held, Error(Interrupted) on Ctrl-C ("... another <what> to finish").
SyncLock take_file_lock(const std::filesystem::path& lock_path, std::chrono::milliseconds wait,
                        std::string_view holder, std::string_view what);

// The lock of one kind of run (sync, cancel, ship): the advisory lock `pg_lock_class` on a
// PostgreSQL store, an flock on "<store><file_suffix>" on an SQLite file, none in memory.
SyncLock take_run_lock(Store::Impl& impl, int pg_lock_class, std::string_view file_suffix,
                       std::chrono::milliseconds wait, std::string_view holder, std::string_view what);

namespace store_schema {
// The newest schema version.
int latest_version();
// The SQL of migration `version` (1..latest) in SQLite's dialect; the PostgreSQL port derives
// from it (store_pg_schema.cpp).
std::string_view sqlite_step(int version);
// Applies migrations until PRAGMA user_version == target, one transaction per version. Each
// transaction re-reads user_version after taking the write lock, so two processes migrating the
// same new file at once apply each step once.
void migrate(sqlite3* db, int target);
// The secondary indexes of orders and order_items, and from schema 10 the unique index on
// orders.order_id (not the primary keys): a bulk write into an empty store leaves them out and
// builds them at the end.
void drop_secondary_indexes(sqlite3* db);
// Creates whichever of them is missing (none after a normal open; all after a bulk write). A
// no-op, without taking the write lock, when they all exist. Before building the unique index it
// removes the extra copies of an order a bulk load stored twice, keeping the one an upsert would
// have kept (the latest last_updated, then the last written).
BulkSettled ensure_secondary_indexes(sqlite3* db);
// Whether orders can be looked up by order_id through an index: from schema 10, unless a bulk
// load into an empty store left the index out.
bool order_id_indexed(sqlite3* db);
// The application_id asc stamps on its stores ("ASC1").
constexpr std::int64_t k_application_id = 0x41534331;
} // namespace store_schema

namespace store_rows {
// The orders columns (all but id), in the order of the INSERT/UPDATE parameters (index + 1) and of
// SELECTs that read a whole order ("o.id" first, then these at 1..41).
inline constexpr std::array<std::string_view, 41> k_columns{
    "order_id", "status", "fulfilled_by", "purchase_date", "last_updated", "marketplace_id",
    "marketplace_name", "sales_channel", "ship_service_level", "ship_by_earliest", "ship_by_latest",
    "deliver_by_earliest", "deliver_by_latest", "total_minor", "total_scale", "total_currency", "is_prime",
    "is_business", "is_replacement", "replaced_order_id", "seller_order_id", "content_hash", "stored_at",
    // 23..34: from ship_to; kept as stored when the incoming order has no ship_to.
    "ship_state", "ship_country", "ship_name", "ship_company", "ship_line1", "ship_line2", "ship_line3",
    "ship_city", "ship_district", "ship_postal_code", "ship_phone", "ship_type",
    // 35..38: from buyer; kept as stored when the incoming order has no buyer.
    "buyer_name", "buyer_email", "buyer_company", "buyer_po",
    // 39..40: the packed lists (schema 11, store_packed.cpp), written with every order.
    "money_lines", "packages"};
inline constexpr int k_first_address = 23;
inline constexpr int k_first_pii_address = 25; // ship_state and ship_country are not personal
inline constexpr int k_first_buyer = 35;
inline constexpr int k_first_packed = 39; // the end of the buyer's columns

// The INSERT of an order's item, one row each (parameters ?1.. in bind_item's order below).
inline constexpr std::string_view k_insert_item_sql =
    "INSERT INTO order_items (order_ref, seq, order_item_id, sku, asin, title, condition, "
    "quantity_ordered, quantity_shipped, quantity_unshipped, "
    "unit_price_minor, unit_price_scale, unit_price_currency, "
    "item_total_minor, item_total_scale, item_total_currency, "
    "tax_minor, tax_scale, tax_currency, shipping_minor, shipping_scale, shipping_currency, "
    "discount_minor, discount_scale, discount_currency, "
    "proceeds_minor, proceeds_scale, proceeds_currency, "
    "buyer_requested_cancel, buyer_cancel_reason, canceled_by, cancel_reason) VALUES "
    "(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, "
    "?21, ?22, ?23, ?24, ?25, ?26, ?27, ?28, ?29, ?30, ?31, ?32)";
// What of an order the store keeps, after the store_pii rule.
struct Stored {
    const Order& order;
    bool has_address; // ship_to present: its columns are written (else kept)
    bool has_buyer;   // buyer present: its columns are written (else kept)
    bool pii;         // personal columns written (else NULL)
};
// A hash of a length-prefixed encoding of every stored field (store_rows.cpp): "unchanged"
// means this hash and the stored one are equal.
std::int64_t content_hash(const Stored& s);

// The bindings of one row, at parameters base + 1, base + 2, ... (base > 0: a later row of a
// multi-row INSERT). bind_order_row binds the k_columns (41 parameters); an item binds the
// columns of k_insert_item_sql above in their order (32 parameters). Texts are
// bound by reference (Stmt::bind_ref): the order must stay alive and unchanged until the statement
// is stepped and reset.
void bind_money(sqlite::Stmt& s, int first, const std::optional<Money>& m);
void bind_order_row(sqlite::Stmt& s, int base, const Stored& st, std::int64_t hash, std::int64_t now);
void bind_item(sqlite::Stmt& s, int base, std::int64_t ref, std::int64_t seq, const OrderItem& i);

// An order's money lines and packages as the JSON texts of their columns (store_packed.cpp):
// nullopt for an empty list (stored as NULL). The unpacking throws Error(Config) naming the order
// when a text is not what pack_* writes.
std::optional<std::string> pack_money_lines(const std::vector<MoneyLine>& lines);
std::optional<std::string> pack_packages(const std::vector<Package>& packages);
std::vector<MoneyLine> unpack_money_lines(std::string_view json, std::string_view order_id);
std::vector<Package> unpack_packages(std::string_view json, std::string_view order_id);

// Upserts orders one by one (find, then insert or update with the children): the SQLite path.
// `now` is the stored_at of what is written.
UpsertCounts upsert_each(Store::Impl& impl, std::span<const Order> orders, std::int64_t now);
// The same for a page of orders in a few multi-row statements (store_upsert_batch.cpp): the
// PostgreSQL path, where each statement is a round trip to the server. Same rows, same counts.
UpsertCounts upsert_batch(Store::Impl& impl, std::span<const Order> orders, std::int64_t now);

// "o.id, o.order_id, o.status, ...": the select list read_order expects.
const std::string& select_list();
// Reads the current row of a statement selecting select_list() (with the packed packages and
// money lines) and loads the order's items (with a cached statement, stepped to the end before
// returning).
Order read_order(Store::Impl& impl, const sqlite::Stmt& row);
} // namespace store_rows

// The journal's state columns read back (store_journal.cpp): the store's text to the typed states.
// Throws Error(Internal) for a spelling this asc does not know; "" / NULL commerce_state is none.
JournalState journal_state_column(std::string_view text);
std::optional<CommerceState> commerce_state_column(std::string_view text);

// Binds a cancel journal row to the parameters of its INSERT and UPDATE (store_journal.cpp):
// ?1-?16 and ?18-?20 the columns in table order, ?17 the row's id when it has one.
void bind_journal_entry(sqlite::Stmt& s, const JournalEntry& e);

// The tail of a journal listing (the cancel and the ship journal alike): rows created at or after
// `since` (all when nullopt), equal to each non-empty value of `equal` (column, value), in one of
// `states` (any when empty), held by the run `run_id` (any when 0), oldest first (`by_id`: in id
// order, which a run's rows read through the run_id index are in without a sort). `select` is the
// SELECT ... FROM part; built per call: the filters vary, and listing a journal is not a hot path.
sqlite::Stmt journal_listing(Store::Impl& impl, std::string select, std::optional<Timestamp> since,
                             std::initializer_list<std::pair<const char*, const std::string*>> equal,
                             const std::vector<std::string>& states, std::int64_t run_id = 0, bool by_id = false);

} // namespace asc
