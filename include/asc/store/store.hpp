#pragma once
// Part `store` (asc_store): the SQLite (or PostgreSQL) copy of the orders, sync marks and the
// cancellation journal; owns SQLite and libpq. May use: base, model.
//
// The store setting is a file path (SQLite, the default) or a postgresql:// URI: a store shared
// by several hosts, with the same commands and guarantees (see open()). Both run the same SQL
// through one connection seam (src/core/store/db.hpp).
//
// The local order store: an SQLite copy of the seller's orders, synced incrementally (see
// sync.hpp), queried instantly by `orders list --cached`, `order show --cached` and the reports,
// and the home of the cancellation journal.
//
// The file lives at $XDG_DATA_HOME/asc/<profile>.db (or ASC_STORE / --store). It is opened in WAL
// mode with foreign keys on and a busy timeout, so two asc processes at once wait for each other
// instead of failing; it is created with mode 0600 in a 0700 directory. The schema is versioned
// (PRAGMA user_version) and migrated forward on open; a store written by a newer asc is refused.
//
// Personal data: buyer name/email/company/purchase order and the ship-to address (name, company,
// lines, city, district, postal code, phone, type) are written only when StoreOptions::store_pii
// is set; otherwise those columns stay NULL. The ship-to state and country are always kept: they
// identify no one and the reports use them. purge_pii() clears personal data by age.
//
// Money is stored as INTEGER minor units + INTEGER scale + TEXT currency, never REAL; times as
// INTEGER unix seconds; statuses by their seller name ("Unshipped").
//
// A Store is used from one thread at a time. Every method throws asc::Error: Config when the file
// is not an asc store, is damaged, or is too new; Temporary when the database stays locked by
// another process past the busy timeout; Internal for anything else (disk full, I/O error).

#include "asc/model/model.hpp"
#include "asc/store/ship_journal.hpp"
#include "asc/store/journal_state.hpp"

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

struct sqlite3;

namespace asc {

struct StoreOptions {
    // Write buyer and address data (see above). Off by default.
    bool store_pii = false;
    // How long a write waits for another process's write to finish before Error(Temporary).
    std::chrono::milliseconds busy_timeout{30'000};
    // A PostgreSQL store: the seller account (the profile's seller id) whose rows to use. One
    // database serves several accounts, each in its own schema (asc_<seller id>, recorded in
    // the table asc_accounts); empty: the schema asc_default. Ignored by SQLite.
    std::string account{};
    // A PostgreSQL store: the password file (~/.pgpass format) libpq reads, instead of PGPASSFILE
    // or ~/.pgpass. Refused (Error(Config)) unless it is a file only its owner can read or write.
    std::filesystem::path password_file{};
};

struct UpsertCounts {
    std::size_t inserted = 0;  // orders the store did not have
    std::size_t updated = 0;   // orders whose stored content changed
    std::size_t unchanged = 0; // same content, or older than the stored copy (kept as it was)
    UpsertCounts& operator+=(const UpsertCounts& o) {
        inserted += o.inserted;
        updated += o.updated;
        unchanged += o.unchanged;
        return *this;
    }
};

// What building the order-id index after a bulk load into an empty store found
// (Store::end_bulk_write): the load stores an order it meets more than once as that many new rows,
// each counted inserted; `copies` of them were extra, of which `updated` replaced the copy before
// them and the rest were dropped as unchanged, as upserting them one by one would have counted.
struct BulkSettled {
    std::size_t copies = 0;
    std::size_t updated = 0;
    // The counts of the load, corrected.
    [[nodiscard]] UpsertCounts applied_to(UpsertCounts counts) const {
        counts.inserted -= std::min(copies, counts.inserted);
        counts.updated += updated;
        counts.unchanged += copies - updated;
        return counts;
    }
};

// "Everything updated at or before `mark` has been stored" for one sync key (a marketplace id),
// modulo Amazon's indexing lag, which the sync covers with an overlap.
struct SyncMark {
    std::string key;
    Timestamp mark{};
    Timestamp synced_at{}; // wall time of the write that last advanced it
};

// A registered run of `order cancel` / `cancellations resume` / `order ship` (see "Claims" below).
struct JournalRun {
    std::int64_t id = 0;
    std::string kind;   // cancel | ship
    std::string run_by; // user@host
    std::int64_t pid = 0;
    Timestamp started_at{};
    bool alive = false; // still running (PostgreSQL: its session holds the run's lock)
};

// `asc store info`: who holds claims of in-flight rows. A run that is gone has alive == false
// (kind empty, pid 0 and started_at the epoch when its registration was removed; run_by then is
// its rows'; run.id 0: rows written before schema 9, claimed by no run).
struct ClaimHolder {
    JournalRun run;
    std::string journal;    // cancel | ship
    std::int64_t rows = 0;  // rows in flight it holds
};

struct StoreInfo {
    std::string backend = "sqlite"; // sqlite | postgresql
    std::string location;           // the file, or the URI without its password
    std::string server_version;     // PostgreSQL: the server's version
    std::string account_schema;     // PostgreSQL: the account's schema
    // PostgreSQL: who holds the store's sync and cancellation locks ("cancel: asc user@host pid 12").
    std::vector<std::string> lock_holders;
    std::filesystem::path path;   // empty for an in-memory store
    std::uintmax_t file_size = 0; // the database file plus its -wal file, in bytes
    int schema_version = 0;
    std::int64_t orders = 0;
    std::int64_t orders_with_pii = 0; // orders that hold a buyer name/email or an address line
    std::int64_t orders_from_report = 0; // orders stored only from an order report (from_report)
    std::int64_t journal_entries = 0;
    std::vector<SyncMark> marks; // sorted by key
    // Runs holding claims of in-flight journal rows, oldest run first (see "Claims").
    std::vector<ClaimHolder> claim_holders;
};

// Filters of `orders list --cached`. Every "after"/"before" bound is inclusive, as in Amazon's
// searchOrders. Empty vectors and strings mean "any".
struct OrderFilter {
    std::vector<Status> statuses;
    std::optional<Timestamp> created_after, created_before; // purchase date
    std::optional<Timestamp> updated_after, updated_before; // last update
    std::optional<Timestamp> ship_by_before;                // latest ship date <= this
    std::optional<FulfilledBy> fulfilled_by;
    std::vector<std::string> marketplace_ids;
    std::string sku;  // the order has an item with this seller SKU (exact)
    std::string asin; // the order has an item with this ASIN (exact)
    // purchase_date | ship_by | last_updated | total, with a leading '-' for descending.
    // ship_by puts orders without a ship-by date last; total orders by currency, then amount.
    std::string sort = "-purchase_date";
    std::optional<std::size_t> limit;
};

// How much of each order query_orders reads.
enum class OrderParts {
    // Every column, the items, packages and money lines: the order as it was stored.
    Full,
    // What `orders list` prints: the order's own columns but the ship-to address and buyer, and
    // its items with their three quantities only (no ids, titles, prices); no packages, no money
    // lines. About a fifth of the reading per order.
    ListRow,
};

// The sort keys OrderFilter::sort accepts (without the '-'), for help texts and validation.
std::span<const std::string_view> order_sort_keys();

// One line of the summary report. An empty dimension means "all" (rolled up over it).
struct SummaryRow {
    std::string status; // seller name
    std::string marketplace_id;
    std::string currency; // "" for orders without a total (e.g. Pending orders)
    std::int64_t orders = 0;
    std::optional<Money> total; // exact sum in `currency`; nullopt when currency is ""
};

// `report summary`: the same orders broken down three ways, plus the full cross table. Totals are
// summed exactly in integer minor units, per currency only (never across currencies); amounts of
// one currency with different scales are added at the larger scale.
struct Summary {
    std::int64_t orders = 0;
    std::vector<SummaryRow> by_status;      // status + currency, in status order
    std::vector<SummaryRow> by_marketplace; // marketplace + currency
    std::vector<SummaryRow> by_currency;    // currency only
    std::vector<SummaryRow> detail;         // status + marketplace + currency
};

// One row of the cancellation journal, written by `order cancel` (see cancel.hpp): one row per
// order and attempt, in a JournalState (journal_state.hpp).
struct JournalEntry {
    std::int64_t id = 0;
    std::string order_id;
    std::string reason;
    std::string batch_id;
    int feed_seq = 0; // which feed of the batch
    std::string feed_document_id;
    std::string feed_id;
    std::optional<std::int64_t> message_id; // unique within (batch_id, feed_seq)
    JournalState state = JournalState::Planned;
    std::string result_code;
    std::string result_message;
    Timestamp created_at{};
    Timestamp updated_at{};
    std::optional<Timestamp> submitted_at; // when createFeed was sent
    // The request timeout createFeed was sent with (how long its request could take); nullopt for
    // rows written before schema 4.
    std::optional<std::chrono::milliseconds> send_timeout;
    std::string marketplace_id;
    std::string run_by;         // user@host
    // The Magento step of a canceled order (nullopt: none; see commerce_step.hpp).
    std::optional<CommerceState> commerce_state;
    // What the Magento step did (schema 4; see commerce_step.hpp): canceled, refunded,
    // comment_only, nothing_to_do; and the credit memo id of `refunded`. Empty: not known.
    std::string commerce_action;
    std::string commerce_creditmemo_id;
    // The run that holds the claim of this row (schema 9; see "Claims" below); 0: none.
    std::int64_t run_id = 0;
};

// ---- Claims (schema 9) ----
// Several hosts may run `order cancel` on one PostgreSQL store at the same time. Each run is
// registered (journal_runs) and holds a session advisory lock of its own while it lives; every
// journal row it writes in flight (planned, submitting, submitted) carries its run id: the row is
// claimed by that run. A row is written only when the order's journal is still as the run read it
// (journal_claim), in a write transaction committed before anything is sent, so of two runs that
// plan the same order at once exactly one claims it; the other reports it as handled elsewhere.
// A claim of a run that is gone (its session ended: a crash, a lost host) is taken over by the
// next run that recovers (journal_take_over), from any host. On SQLite the lock file lets one run
// at a time in: every other run is gone, and a claim is always granted.

// A row for journal_claim(): `entry` (id 0: a new row; else the planned row of a gone run that
// this run plans again) and the id of the order's newest journal row when the run read it (0: it
// had none). The row is written only if that is still the order's newest row.
struct JournalClaim {
    JournalEntry entry;
    std::int64_t seen_latest = 0;
};

// A change to one journal row: every field that is set is assigned ("" assigns NULL).
struct JournalChange {
    std::int64_t id = 0;
    std::optional<JournalState> state{};
    std::optional<std::string> feed_document_id{};
    std::optional<std::string> feed_id{};
    std::optional<std::optional<Timestamp>> submitted_at{};
    std::optional<std::optional<std::chrono::milliseconds>> send_timeout{};
    std::optional<std::string> result_code{};
    std::optional<std::string> result_message{};
    std::optional<CommerceState> commerce_state{};
    std::optional<std::string> commerce_action{};
    std::optional<std::string> commerce_creditmemo_id{};
};

// Which journal rows journal_entries() returns; every set filter must match. Oldest first.
struct JournalFilter {
    std::optional<Timestamp> since{}; // created at or after
    std::vector<JournalState> states{};
    std::string feed_id{};
    std::string batch_id{};
    std::string order_id{};
    std::int64_t run_id = 0; // only the rows this registered run holds (0: any; ignored before schema 9)
    // In id order instead of oldest first: a run's rows (run_id) come through its index without a
    // sort (SQLite sorts 100,000 rows in up to its cache size of memory).
    bool by_id = false;
};

// One page of the in-flight rows of one feed that this Store's run holds (journal_flight_page).
struct JournalPage {
    std::string batch_id;
    int feed_seq = 0;
    std::vector<JournalState> states{}; // any when empty
    std::string feed_id{};              // any when empty
    std::int64_t after_message_id = 0;  // only rows with a higher MessageID
    std::size_t limit = 500;
};

// One report window of the Reports API backfill (backfill.hpp), as the store records it.
struct BackfillWindow {
    std::string marketplace_id;
    Timestamp start{}; // dataStartTime
    Timestamp end{};   // dataEndTime
    std::string report_id;
    std::string state;   // requested | done
    std::string outcome; // DONE | CANCELLED, once done
    std::int64_t rows = 0;
};

// Held while a sync runs, so two syncs of one store never interleave: an exclusive flock() on
// "<store>.lock", which also records the holder's pid; for a PostgreSQL store, a session advisory
// lock in the database (so across hosts). Released on destruction (and by the kernel, or the
// server when the connection ends, if the process dies). Move-only.
class SyncLock {
  public:
    SyncLock() = default;
    explicit SyncLock(int fd) : m_fd(fd) {}
    explicit SyncLock(std::function<void()> release) : m_release(std::move(release)) {}
    SyncLock(SyncLock&& other) noexcept : m_fd(other.m_fd), m_release(std::move(other.m_release)) {
        other.m_fd = -1;
        other.m_release = nullptr;
    }
    SyncLock& operator=(SyncLock&& other) noexcept;
    SyncLock(const SyncLock&) = delete;
    SyncLock& operator=(const SyncLock&) = delete;
    ~SyncLock();

  private:
    int m_fd = -1;
    std::function<void()> m_release;
};

class Store {
  public:
    // The newest schema version this asc knows.
    static int latest_schema_version();

    // Opens (creating if needed) the store at `path`. Creates the parent directory (mode 0700)
    // and the file (mode 0600); tightens an existing store file to 0600. Refuses, with
    // Error(Config) and without writing to the file: a file that is not an SQLite database, an
    // SQLite database of another application, a store whose schema is newer than this asc knows.
    // Applies pending migrations, one transaction per version.
    // A store that cannot be written (a read-only filesystem, a file or directory without write
    // permission) opens read-only when it is at the latest schema: queries work, and every write
    // throws Error(Config) saying the store is read-only (never that it is not a store).
    // `target_version` is for tests: migrate only up to that version (an older-schema store
    // supports only handle() queries).
    // A `path` that is a postgresql:// URI opens a PostgreSQL store instead: the tables of
    // options.account in their own schema of that database, created and migrated as above (the
    // schema's asc_schema table holds the version; a newer one is refused). The URI must not
    // carry a password (Error(Config)): libpq reads it from ~/.pgpass or PGPASSFILE. A server
    // that cannot be reached, or a connection lost later, is Error(Temporary).
    static Store open(const std::filesystem::path& path, StoreOptions options = {}, int target_version = 0);
    // A private in-memory store at the latest schema, for tests.
    static Store open_memory(StoreOptions options = {});

    Store(Store&&) noexcept;
    Store& operator=(Store&&) noexcept;
    Store(const Store&) = delete;
    Store& operator=(const Store&) = delete;
    ~Store();

    [[nodiscard]] const std::filesystem::path& path() const;
    [[nodiscard]] const StoreOptions& options() const;
    [[nodiscard]] int schema_version() const;
    // True when the store was opened read-only (see open()).
    [[nodiscard]] bool read_only() const;

    // Inserts or replaces `orders` in one transaction. An order whose stored copy has the same
    // content (or a later last_updated) is left alone and counted unchanged; a changed one has
    // its row updated and its items, packages and money lines replaced. An order without
    // buyer/ship_to (not fetched) keeps the stored buyer/address columns.
    // The store expects orders fetched with at least FULFILLMENT, PROCEEDS, PACKAGES and
    // CANCELLATION (sync_included() in sync.hpp): an order fetched without PACKAGES replaces a
    // stored copy that had packages.
    UpsertCounts upsert_orders(std::span<const Order> orders);

    // upsert_orders() plus, in the same transaction, advances the sync mark of every key in
    // `mark_keys` to `mark` (a mark never moves back). So a mark only advances with its page.
    UpsertCounts upsert_page(std::span<const Order> orders, std::span<const std::string> mark_keys,
                             Timestamp mark);

    // ---- The Reports API backfill (store_backfill.cpp; used by the sync) ----

    // Writes orders read from an order report, in one transaction: an order the store does not
    // have, or has in an older version (an earlier last_updated), is written and flagged
    // from_report; one whose stored copy is as recent or newer (a fuller copy from the Orders API)
    // is left alone and counted unchanged.
    UpsertCounts upsert_report_orders(std::span<const Order> orders);
    // The recorded windows of a marketplace, by start.
    [[nodiscard]] std::vector<BackfillWindow> backfill_windows(const std::string& marketplace_id);
    // Records a window whose report was requested (replacing a record with the same start).
    void backfill_requested(const BackfillWindow& window, Timestamp now);
    // Records the window as done (outcome DONE or CANCELLED, `rows` item rows) and, in the same
    // transaction, advances the marketplace's sync mark to the window's end when `advance_mark`.
    void backfill_done(const BackfillWindow& window, Timestamp now, bool advance_mark);
    // Whether the stored copy of the order came from a report (orders.from_report).
    [[nodiscard]] bool order_from_report(const std::string& order_id);
    // A long run of page writes (a sync) starts: SQLite's page cache grows from the small default
    // (which keeps a live `orders list` flat in memory) to a quarter of the store file, between
    // 64 MiB and 256 MiB, re-sized as the store grows, and the WAL runs longer between
    // checkpoints. Into a store without orders (SQLite), the orders go in without their indexes
    // (order id, status, dates, summary, SKU, ASIN): end_bulk_write() builds them in one sorted
    // pass each, much cheaper than keeping eight B-trees up to date order by order (order ids are
    // random), and each order is INSERTed without being looked up first. An order met a second
    // time in the load is stored twice until then; building the order-id index keeps the copy an
    // upsert would have kept (the latest last_updated, then the last written), and counts said
    // both were new. If the process dies first, the next open() does the same. Queries stay
    // correct meanwhile, only slower (a lookup by order id reads the whole table). On PostgreSQL
    // every index stays.
    // `grow_cache` false shrinks the page cache to 2 MiB for the write (a live `orders list --all`,
    // whose memory must stay flat whatever the store holds) and only leaves the indexes out.
    void begin_bulk_write(bool grow_cache = true);
    // Builds the indexes a bulk write left out and restores the default cache and WAL sizes; what
    // it settled of orders the load met more than once (see BulkSettled). Idempotent. Throws like
    // any write.
    BulkSettled end_bulk_write();

    [[nodiscard]] std::optional<Timestamp> sync_mark(const std::string& key);
    [[nodiscard]] std::vector<SyncMark> sync_marks();

    [[nodiscard]] std::optional<Order> get_order(const std::string& order_id);

    // Streams the orders matching `filter`, in its sort order, to `on_order` until it returns
    // false. One order (with its items, packages and money lines) is in memory at a time; the
    // rows come from one consistent snapshot. Throws Error(Usage) for an unknown sort key.
    // on_order may read this store (get_order) but must not write to it.
    // `parts` says how much of each order is read (ListRow for a listing).
    void query_orders(const OrderFilter& filter, const std::function<bool(Order&&)>& on_order,
                      OrderParts parts = OrderParts::Full);

    // Orders placed in [since, until] (both optional, inclusive) by status, marketplace, currency.
    [[nodiscard]] Summary report_summary(std::optional<Timestamp> since, std::optional<Timestamp> until);

    // Merchant-fulfilled orders with items still to ship (Unshipped or PartiallyShipped) whose
    // latest ship date is at or before now + within: late, or about to be. Oldest ship-by first.
    void report_late(Timestamp now, std::chrono::seconds within,
                     const std::function<bool(Order&&)>& on_order);

    // Journal rows created at or after `since` (all when nullopt), oldest first.
    [[nodiscard]] std::vector<JournalEntry> report_cancellations(std::optional<Timestamp> since);

    // ---- The cancellation journal (store_journal.cpp; used by the cancel service) ----

    // Rows matching `filter`, oldest first (by created_at, then id).
    [[nodiscard]] std::vector<JournalEntry> journal_entries(const JournalFilter& filter);
    // The same rows handed over one at a time as they are read, never all held (a batch of any
    // size). `row` must not write to the store.
    void journal_each(const JournalFilter& filter, const std::function<void(JournalEntry&&)>& row);
    // The newest row of each order in `order_ids` that has one.
    [[nodiscard]] std::map<std::string, JournalEntry> journal_latest(std::span<const std::string> order_ids);
    // Rows in planned, submitting or submitted state, oldest first.
    [[nodiscard]] std::vector<JournalEntry> journal_in_flight();
    // Whether any row names this feed id.
    [[nodiscard]] bool journal_knows_feed(const std::string& feed_id);
    // Writes `rows` in one transaction: a row with id 0 is inserted, a row with an id replaces
    // that row (a planned row of an interrupted run, planned again). created_at/updated_at are
    // set by the caller. Returns the ids, in order. Throws Error(Temporary) "already in flight"
    // when an order would get a second planned/submitting/submitted row.
    std::vector<std::int64_t> journal_write(std::span<const JournalEntry> rows);
    // The same for `count` rows made one at a time by `row(i)`, i = 0..count-1, all in one
    // transaction: a batch of any size without holding every row.
    std::vector<std::int64_t> journal_write(std::size_t count, const std::function<JournalEntry(std::size_t)>& row);
    // Applies `changes` (updated_at = `now`) and upserts `orders` (e.g. now Canceled) in one
    // transaction.
    void journal_update(std::span<const JournalChange> changes, Timestamp now, std::span<const Order> orders = {});
    // Applies `change` (its id ignored) to each row of `ids` in one transaction: a feed's rows
    // move together without a change per row in memory.
    void journal_update_each(std::span<const std::int64_t> ids, JournalChange change, Timestamp now);

    // Held while `order cancel` or `cancellations resume` runs: registers the run (see "Claims";
    // journal_run_id() is its id until the lock is released). On SQLite also an flock on
    // "<store>.cancel.lock", so one run at a time works on the journal (waiting up to `wait`, same
    // contract as lock_for_sync()); on PostgreSQL runs of several hosts work at once, each order
    // claimed by one of them.
    [[nodiscard]] SyncLock lock_for_cancel(std::chrono::milliseconds wait);
    // Held while the Magento step updates the Magento order linked to Amazon order `order_id`
    // (CommerceStep): on PostgreSQL a session advisory lock per order, so that runs of several
    // hosts (an `order cancel` stepping its own rows, a `cancellations resume` stepping every owed
    // one) never update one Magento order at once: the second reads it after the first is done,
    // finds asc's comment and sends nothing. Waits up to `wait`, then throws Error(Temporary)
    // (Error(Interrupted) on Ctrl-C). On SQLite nothing: the cancel lock file keeps every other
    // run out already.
    [[nodiscard]] SyncLock lock_commerce_order(std::string_view order_id, std::chrono::milliseconds wait);
    // The run registered by lock_for_cancel() (or lock_for_ship()) of this Store; 0: none.
    [[nodiscard]] std::int64_t journal_run_id() const;
    // The registered run `id`; nullopt when it has ended (or never was).
    [[nodiscard]] std::optional<JournalRun> journal_run(std::int64_t id);
    // Takes over, for this Store's run, the claims of in-flight cancel rows whose run is gone (or
    // that have none), and returns every in-flight row this run holds, oldest first. Removes the
    // registrations of gone runs that hold nothing any more. Throws Error(Internal) without a run.
    std::vector<JournalEntry> journal_take_over();
    // The same, handing the rows to `row` one at a time as they are read (none held: a resume of
    // any number of rows in flight); `by_id`: in id order, not oldest first (no sort).
    void journal_take_over(const std::function<void(JournalEntry&&)>& row, bool by_id = false);
    // The rows of one feed, `page.batch_id` and `page.feed_seq`, that this Store's run holds (any
    // run before schema 9), in `page.states`, naming `page.feed_id` (when set), with a MessageID
    // above `page.after_message_id`: at most `page.limit` of them, in MessageID order, read
    // through the (batch_id, feed_seq, message_id) index. Recovery reads a feed of any size with it
    // a page at a time, and may write between pages. A row in flight always has a MessageID (why:
    // beside the query in store_journal.cpp); a row without one is never returned.
    [[nodiscard]] std::vector<JournalEntry> journal_flight_page(const JournalPage& page);
    // Planned rows of any run whose order id sorts after `after_order_id`, at most `limit`, in
    // order id order: read through the index of the rows in flight, never a walk over the whole
    // journal (what a dry run counts as left for resume, a page at a time).
    [[nodiscard]] std::vector<JournalEntry> journal_planned_page(const std::string& after_order_id, std::size_t limit);
    // Canceled rows whose Magento step is owed (commerce_state pending or failed: see
    // commerce_step.hpp) with an id above `after_id`, at most `limit`, by id: the commerce step of
    // `cancellations resume` reads them a page at a time, and may write between pages.
    [[nodiscard]] std::vector<JournalEntry> journal_commerce_owed(std::int64_t after_id, std::size_t limit);
    // Writes `count` rows made one at a time by `row(i, claimed)` (claimed: how many planned rows
    // of this call were written so far, for numbering them) in one transaction, each only when
    // its order's newest row is still JournalClaim::seen_latest (and a planned row it replaces is
    // still planned and not held by a live run). Rows in flight get this run's id. Returns each
    // row's id, 0 for a row not written: the order is handled by another run. created_at and
    // updated_at are set by the caller.
    std::vector<std::int64_t> journal_claim(std::size_t count,
                                            const std::function<JournalClaim(std::size_t, std::size_t)>& row);

    // ---- The shipment journal (store_ship.cpp; schema 7; used by the ship service) ----

    // Rows matching `filter`, oldest first (by created_at, then id).
    [[nodiscard]] std::vector<ShipEntry> ship_journal_entries(const ShipFilter& filter);
    // Up to `limit` rows in flight (planned, sending, submitted) with an id above `after_id`, by
    // id: a page at a time, so a journal of any size is read without holding it.
    [[nodiscard]] std::vector<ShipEntry> ship_journal_in_flight(std::int64_t after_id, std::size_t limit);
    // Up to `limit` submitted rows of the feed `feed_id` with an id above `after_id`, by id.
    [[nodiscard]] std::vector<ShipEntry> ship_journal_submitted(const std::string& feed_id, std::int64_t after_id,
                                                                std::size_t limit);
    // Up to `limit` confirmed rows whose Magento step is owed (commerce_state pending or sending)
    // with an id above `after_id`, by id.
    [[nodiscard]] std::vector<ShipEntry> ship_journal_commerce_owed(std::int64_t after_id, std::size_t limit);
    // The rows `ids`, in that order. Throws Error(Internal) when one is gone.
    [[nodiscard]] std::vector<ShipEntry> ship_journal_rows(std::span<const std::int64_t> ids);
    // Writes `rows` in one transaction: id 0 inserts, an id replaces that row. Returns the ids.
    // Throws Error(Temporary) "already in flight" when a package (order id + tracking number)
    // would get a second in-flight row.
    std::vector<std::int64_t> ship_journal_write(std::span<const ShipEntry> rows);
    // The same for `count` rows made one at a time by `row(i)`, all in one transaction: a batch of
    // any size without holding every row.
    std::vector<std::int64_t> ship_journal_write(std::size_t count, const std::function<ShipEntry(std::size_t)>& row);
    // Applies `changes` (updated_at = `now`) and upserts `orders` in one transaction.
    void ship_journal_update(std::span<const ShipChange> changes, Timestamp now, std::span<const Order> orders = {});
    // Applies `change` (its id ignored) to each row of `ids` in one transaction.
    void ship_journal_update_each(std::span<const std::int64_t> ids, ShipChange change, Timestamp now);
    // Held while `order ship` runs (an flock on "<store>.ship.lock"); as lock_for_cancel().
    [[nodiscard]] SyncLock lock_for_ship(std::chrono::milliseconds wait);

    // Clears buyer and address columns (all but state and country) of orders last updated before
    // `older_than`. Age is the order's last update: an order still changing (a return, a late
    // delivery) keeps its address until it has been quiet for the retention period.
    // Returns how many orders had personal data removed.
    std::int64_t purge_pii(Timestamp older_than);

    [[nodiscard]] StoreInfo info();

    // Takes the sync lock, waiting up to `wait`. Throws Error(Temporary) "another `asc orders
    // sync` is running for this store (pid N)" when still held, Error(Interrupted) on Ctrl-C.
    // An in-memory store has nothing to lock and returns an empty lock.
    [[nodiscard]] SyncLock lock_for_sync(std::chrono::milliseconds wait);

    // The raw connection, for tests and benchmarks. Do not keep it past the Store. nullptr for a
    // PostgreSQL store.
    [[nodiscard]] sqlite3* handle();
    // Reads the text kept under `key` ("" when none), lets `fn` change it and writes it back, in
    // one transaction holding a lock on it that every process (every host, for PostgreSQL) using
    // this store takes: e.g. the rate buckets shared by all hosts of one seller account
    // (make_bucket_text in rate_limit.hpp). PostgreSQL runs it on a second connection of its own,
    // so it is never held up by, nor joins, a transaction of this Store. Throws like any write.
    void update_shared_text(std::string_view key, const std::function<void(std::string&)>& fn);
    // `asc store migrate`: copies everything of `source` (an SQLite store) into this store, once,
    // in one transaction: the orders (as stored, so with personal data only when this store's
    // store_pii is set, and with their from_report flags), the sync marks and the backfill windows
    // as they are (with their times) and the cancellation journal (new ids, same rows). Refuses, with Error(Usage), a destination that
    // already holds orders or journal rows, and checks the counts after the copy (Error(Internal)
    // and nothing kept when they differ). Returns the copied counts (orders, journal entries, marks).
    StoreInfo copy_from(Store& source);
    // "sqlite" or "postgresql".
    [[nodiscard]] std::string_view backend() const;
    // Runs SQL without results on the store's connection, in its dialect (tests, benchmarks).
    void exec_sql(std::string_view sql);

    struct Impl;

  private:
    explicit Store(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> m_impl;
};

// What shell completion may ask of a store.
enum class CompletionKind {
    /// Order ids, newest purchase first, at most 1,000.
    order_ids,
    /// Feed ids of the cancellation journal, newest first, at most 200.
    feed_ids,
};

// Ids of `kind` that start with `prefix`, read from the store file at `path` without creating,
// migrating or locking it (read-only, a 200 ms busy timeout). Nothing when there is no store, it
// cannot be read, or its schema is older or foreign: completion must never fail or write.
std::vector<std::string> completion_ids(const std::filesystem::path& path, CompletionKind kind,
                                        std::string_view prefix) noexcept;
// The same for a store setting: an SQLite file as above, or a postgresql:// URI, read in the schema
// of options.account (with options.password_file) over a read-only session with short connect and
// statement timeouts. Nothing when the server cannot be reached or the account has no store.
std::vector<std::string> completion_ids(const std::string& setting, const StoreOptions& options, CompletionKind kind,
                                        std::string_view prefix) noexcept;

// Whether a store setting is a PostgreSQL URI (postgresql://...) rather than a file path.
bool is_postgres_store(std::string_view setting);
// The URI without its password (for messages); anything else unchanged.
std::string redact_store_setting(std::string_view setting);

// The version of the database library behind the store ("3.40.1"), for `asc --version`.
std::string store_library_version();

} // namespace asc
