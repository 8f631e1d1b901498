// The store's schema: an ordered list of migrations, one per version. PRAGMA user_version holds
// the version a file is at; open() applies the missing steps, each in its own transaction together
// with the user_version bump, so a crash leaves the file at a whole version.
//
// Rules for adding a version: append a step, never edit a released one; a step only adds or
// transforms (data survives); the test "migrates from each earlier schema version" covers it.

#include "asc/base/errors.hpp"
#include "store_internal.hpp"

#include <algorithm>
#include <array>
#include <string>
#include <tuple>
#include <vector>
#include <fmt/format.h>

namespace asc::store_schema {

namespace {

// Version 1: orders with their items, packages (and the items in each), money lines, and the
// per-marketplace sync marks.
constexpr const char* k_v1 = R"sql(
PRAGMA application_id = 1095975729;

CREATE TABLE orders (
    id                  INTEGER PRIMARY KEY,
    order_id            TEXT NOT NULL UNIQUE,
    status              TEXT NOT NULL,      -- seller name: Unshipped, PartiallyShipped...
    fulfilled_by        TEXT,               -- MERCHANT | AMAZON
    purchase_date       INTEGER NOT NULL,   -- unix seconds
    last_updated        INTEGER NOT NULL,
    marketplace_id      TEXT NOT NULL,
    marketplace_name    TEXT,
    sales_channel       TEXT,
    ship_service_level  TEXT,
    ship_by_earliest    INTEGER,
    ship_by_latest      INTEGER,
    deliver_by_earliest INTEGER,
    deliver_by_latest   INTEGER,
    total_minor         INTEGER,            -- money: minor units at total_scale, never REAL
    total_scale         INTEGER,
    total_currency      TEXT,
    is_prime            INTEGER NOT NULL DEFAULT 0,
    is_business         INTEGER NOT NULL DEFAULT 0,
    is_replacement      INTEGER NOT NULL DEFAULT 0,
    replaced_order_id   TEXT,
    seller_order_id     TEXT,
    ship_state          TEXT,               -- kept without store_pii: identifies no one
    ship_country        TEXT,
    content_hash        INTEGER NOT NULL,   -- of everything stored about the order
    stored_at           INTEGER NOT NULL,   -- when this content was written
    -- Personal data: NULL unless the profile sets store_pii = true.
    buyer_name          TEXT,
    buyer_email         TEXT,
    buyer_company       TEXT,
    buyer_po            TEXT,
    ship_name           TEXT,
    ship_company        TEXT,
    ship_line1          TEXT,
    ship_line2          TEXT,
    ship_line3          TEXT,
    ship_city           TEXT,
    ship_district       TEXT,
    ship_postal_code    TEXT,
    ship_phone          TEXT,
    ship_type           TEXT,
    CHECK (total_minor IS NULL OR (total_scale IS NOT NULL AND total_currency IS NOT NULL))
);
-- orders list --status S (newest first), and the default listing.
CREATE INDEX orders_status_purchase ON orders(status, purchase_date);
CREATE INDEX orders_purchase ON orders(purchase_date);
-- --updated-after/before, --sort last_updated, purge by age.
CREATE INDEX orders_updated ON orders(last_updated);
-- report late, --ship-by-before, --sort ship_by.
CREATE INDEX orders_ship_by ON orders(status, ship_by_latest) WHERE ship_by_latest IS NOT NULL;
CREATE INDEX orders_marketplace ON orders(marketplace_id, purchase_date);
-- report summary: a covering index, so the grouping reads neither the table nor a sorter.
CREATE INDEX orders_summary
    ON orders(status, marketplace_id, total_currency, total_scale, purchase_date, total_minor);

CREATE TABLE order_items (
    order_ref            INTEGER NOT NULL REFERENCES orders(id) ON DELETE CASCADE,
    seq                  INTEGER NOT NULL,
    order_item_id        TEXT,
    sku                  TEXT,
    asin                 TEXT,
    title                TEXT,
    condition            TEXT,
    quantity_ordered     INTEGER NOT NULL DEFAULT 0,
    quantity_shipped     INTEGER NOT NULL DEFAULT 0,
    quantity_unshipped   INTEGER NOT NULL DEFAULT 0,
    unit_price_minor     INTEGER, unit_price_scale   INTEGER, unit_price_currency   TEXT,
    item_total_minor     INTEGER, item_total_scale   INTEGER, item_total_currency   TEXT,
    tax_minor            INTEGER, tax_scale          INTEGER, tax_currency          TEXT,
    shipping_minor       INTEGER, shipping_scale     INTEGER, shipping_currency     TEXT,
    discount_minor       INTEGER, discount_scale     INTEGER, discount_currency     TEXT,
    proceeds_minor       INTEGER, proceeds_scale     INTEGER, proceeds_currency     TEXT,
    buyer_requested_cancel INTEGER NOT NULL DEFAULT 0,
    buyer_cancel_reason  TEXT,
    canceled_by          TEXT,
    cancel_reason        TEXT,
    PRIMARY KEY (order_ref, seq)
) WITHOUT ROWID;
CREATE INDEX order_items_sku ON order_items(sku) WHERE sku IS NOT NULL;
CREATE INDEX order_items_asin ON order_items(asin) WHERE asin IS NOT NULL;

CREATE TABLE packages (
    order_ref         INTEGER NOT NULL REFERENCES orders(id) ON DELETE CASCADE,
    seq               INTEGER NOT NULL,
    reference_id      TEXT,
    carrier           TEXT,
    shipping_service  TEXT,
    tracking_number   TEXT,
    ship_time         INTEGER,
    status            TEXT,
    PRIMARY KEY (order_ref, seq)
) WITHOUT ROWID;

CREATE TABLE package_items (
    order_ref      INTEGER NOT NULL REFERENCES orders(id) ON DELETE CASCADE,
    package_seq    INTEGER NOT NULL,
    seq            INTEGER NOT NULL,
    order_item_id  TEXT,
    quantity       INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (order_ref, package_seq, seq)
) WITHOUT ROWID;

CREATE TABLE order_money_lines (
    order_ref  INTEGER NOT NULL REFERENCES orders(id) ON DELETE CASCADE,
    seq        INTEGER NOT NULL,
    type       TEXT NOT NULL,
    minor      INTEGER NOT NULL,
    scale      INTEGER NOT NULL,
    currency   TEXT NOT NULL,
    PRIMARY KEY (order_ref, seq)
) WITHOUT ROWID;

CREATE TABLE sync_marks (
    key        TEXT PRIMARY KEY,       -- marketplace id
    mark       INTEGER NOT NULL,       -- everything updated at or before it is stored
    synced_at  INTEGER NOT NULL        -- wall time of the write that advanced it
) WITHOUT ROWID;
)sql";

// Version 2: the cancellation journal (what `order cancel` planned, sent and learned, order by
// order) and a key/value meta table (who created the store, when each version was applied).
constexpr const char* k_v2 = R"sql(
CREATE TABLE meta (
    key    TEXT PRIMARY KEY,
    value  TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE cancel_journal (
    id                INTEGER PRIMARY KEY,
    order_id          TEXT NOT NULL,
    reason            TEXT NOT NULL,
    batch_id          TEXT NOT NULL,
    feed_document_id  TEXT,
    feed_id           TEXT,
    message_id        INTEGER,
    state             TEXT NOT NULL
                      CHECK (state IN ('planned', 'submitted', 'canceled', 'failed', 'refused')),
    result_code       TEXT,
    result_message    TEXT,
    created_at        INTEGER NOT NULL,
    updated_at        INTEGER NOT NULL,
    run_by            TEXT NOT NULL,       -- user@host
    commerce_state    TEXT
);
CREATE INDEX cancel_journal_order ON cancel_journal(order_id);
CREATE INDEX cancel_journal_batch ON cancel_journal(batch_id);
CREATE INDEX cancel_journal_created ON cancel_journal(created_at);
)sql";

// Version 3: the journal as `order cancel` drives it (see include/asc/cancel.hpp).
//   * state 'submitting': createFeed may have been sent but its answer was not recorded yet; the
//     next run looks the feed up with getFeeds before sending anything new. 'already_canceled':
//     the order was Canceled on Amazon when the guard looked (nothing sent).
//   * feed_seq: which feed of the batch a row belongs to (a batch is split above the maximum
//     number of messages per feed); message_id is unique within (batch_id, feed_seq).
//   * submitted_at: when createFeed was sent (recovery asks getFeeds for feeds created since).
//   * marketplace_id: the order's marketplace, sent as the feed's marketplaceIds.
//   * at most one row per order in planned / submitting / submitted: an order is never in two
//     feeds at once. (Duplicates could only come from hand edits; older ones are failed first.)
// SQLite cannot change a CHECK constraint in place: the table is rebuilt, keeping every row.
constexpr const char* k_v3 = R"sql(
CREATE TABLE cancel_journal_v3 (
    id                INTEGER PRIMARY KEY,
    order_id          TEXT NOT NULL,
    reason            TEXT NOT NULL,
    batch_id          TEXT NOT NULL,
    feed_seq          INTEGER NOT NULL DEFAULT 0,
    feed_document_id  TEXT,
    feed_id           TEXT,
    message_id        INTEGER,
    state             TEXT NOT NULL
                      CHECK (state IN ('planned', 'submitting', 'submitted', 'canceled',
                                       'already_canceled', 'failed', 'refused')),
    result_code       TEXT,
    result_message    TEXT,
    created_at        INTEGER NOT NULL,
    updated_at        INTEGER NOT NULL,
    submitted_at      INTEGER,
    marketplace_id    TEXT,
    run_by            TEXT NOT NULL,       -- user@host
    commerce_state    TEXT
);
INSERT INTO cancel_journal_v3 (id, order_id, reason, batch_id, feed_document_id, feed_id, message_id,
                               state, result_code, result_message, created_at, updated_at, run_by,
                               commerce_state)
    SELECT id, order_id, reason, batch_id, feed_document_id, feed_id, message_id, state, result_code,
           result_message, created_at, updated_at, run_by, commerce_state
    FROM cancel_journal;
UPDATE cancel_journal_v3 SET state = 'failed',
       result_message = 'superseded by a later journal row of the same order (schema 3 migration)'
    WHERE state IN ('planned', 'submitted')
      AND EXISTS (SELECT 1 FROM cancel_journal_v3 later
                  WHERE later.order_id = cancel_journal_v3.order_id AND later.id > cancel_journal_v3.id
                    AND later.state IN ('planned', 'submitted'));
DROP TABLE cancel_journal;
ALTER TABLE cancel_journal_v3 RENAME TO cancel_journal;
CREATE INDEX cancel_journal_order ON cancel_journal(order_id, id);
CREATE INDEX cancel_journal_batch ON cancel_journal(batch_id, feed_seq, message_id);
CREATE INDEX cancel_journal_created ON cancel_journal(created_at);
CREATE INDEX cancel_journal_feed ON cancel_journal(feed_id) WHERE feed_id IS NOT NULL;
CREATE UNIQUE INDEX cancel_journal_in_flight ON cancel_journal(order_id)
    WHERE state IN ('planned', 'submitting', 'submitted');
)sql";

// Version 4: what the Magento step did to the linked order (include/asc/commerce/commerce_step.hpp):
//   * commerce_action: canceled | refunded | comment_only | nothing_to_do, NULL when not known
//     (rows of earlier versions, whose step only set a status);
//   * commerce_creditmemo_id: the id of the credit memo of `refunded`.
constexpr const char* k_v4 = R"sql(
ALTER TABLE cancel_journal ADD COLUMN commerce_action TEXT
    CHECK (commerce_action IN ('canceled', 'refunded', 'comment_only', 'nothing_to_do'));
ALTER TABLE cancel_journal ADD COLUMN commerce_creditmemo_id TEXT;
)sql";

// Version 5: send_timeout_ms, the request timeout createFeed was sent with. Recovery waits that
// long (plus a floor for Amazon's own processing) after submitted_at before it concludes that an
// unanswered createFeed can no longer create a feed; the rerun's own --timeout says nothing about
// the request that was lost. NULL for rows written before.
constexpr const char* k_v5 = R"sql(
ALTER TABLE cancel_journal ADD COLUMN send_timeout_ms INTEGER;
)sql";

// Version 6: the Reports API backfill of `orders sync` (issue 14; see include/asc/sync/backfill.hpp).
//   * orders.from_report: 1 when the stored copy came from an order report, which has less than
//     getOrder (no order item ids, packages, buyer, ship-by dates). Any later write of the order's
//     content from the Orders API clears it (the trigger), so the flag always describes the stored
//     copy. `order show` and the cancel guard read fresh from getOrder either way.
//   * backfill_windows: the report windows of each marketplace, requested (with the report id, so
//     an interrupted sync polls the same report again instead of requesting another) and done
//     (stored, together with the marketplace's sync mark, in one transaction).
constexpr const char* k_v6 = R"sql(
ALTER TABLE orders ADD COLUMN from_report INTEGER NOT NULL DEFAULT 0;
CREATE TRIGGER orders_from_report_cleared AFTER UPDATE OF content_hash ON orders
    WHEN OLD.from_report = 1 AND NEW.from_report = 1
BEGIN
    UPDATE orders SET from_report = 0 WHERE id = NEW.id;
END;

CREATE TABLE backfill_windows (
    marketplace_id  TEXT NOT NULL,
    data_start      INTEGER NOT NULL,       -- unix seconds, inclusive
    data_end        INTEGER NOT NULL,
    report_id       TEXT,
    state           TEXT NOT NULL CHECK (state IN ('requested', 'done')),
    outcome         TEXT,                   -- DONE | CANCELLED (no orders) once done
    rows            INTEGER NOT NULL DEFAULT 0,
    requested_at    INTEGER NOT NULL,
    finished_at     INTEGER,
    PRIMARY KEY (marketplace_id, data_start)
) WITHOUT ROWID;
)sql";

// Version 7: the shipment journal of `asc order ship` (include/asc/store/ship_journal.hpp; the
// state machine in include/asc/ship/ship.hpp): one row per package and attempt, written before
// anything is sent. At most one row per package (order id + tracking number) is in flight, so a
// package is never in two confirmations at once.
constexpr const char* k_v7 = R"sql(
CREATE TABLE ship_journal (
    id                INTEGER PRIMARY KEY,
    order_id          TEXT NOT NULL,
    marketplace_id    TEXT,
    package_ref       TEXT NOT NULL,       -- packageReferenceId
    carrier_code      TEXT NOT NULL,
    carrier_name      TEXT,
    shipping_method   TEXT,
    tracking_number   TEXT NOT NULL,
    ship_date         INTEGER NOT NULL,    -- unix seconds
    items             TEXT,                -- "order_item_id:quantity,...", NULL: every unshipped unit
    via               TEXT NOT NULL CHECK (via IN ('api', 'feed')),
    batch_id          TEXT NOT NULL,
    feed_document_id  TEXT,
    feed_id           TEXT,
    message_id        INTEGER,
    state             TEXT NOT NULL
                      CHECK (state IN ('planned', 'sending', 'submitted', 'confirmed', 'already_shipped',
                                       'failed', 'refused')),
    result_code       TEXT,
    result_message    TEXT,
    created_at        INTEGER NOT NULL,
    updated_at        INTEGER NOT NULL,
    sent_at           INTEGER,
    send_timeout_ms   INTEGER,
    run_by            TEXT NOT NULL,
    commerce_state    TEXT,
    commerce_shipment_id TEXT
);
CREATE INDEX ship_journal_order ON ship_journal(order_id, id);
CREATE INDEX ship_journal_created ON ship_journal(created_at);
CREATE INDEX ship_journal_feed ON ship_journal(feed_id) WHERE feed_id IS NOT NULL;
CREATE UNIQUE INDEX ship_journal_in_flight ON ship_journal(order_id, tracking_number)
    WHERE state IN ('planned', 'sending', 'submitted');
)sql";

// Version 8: the secondary indexes are those a query needs. Each one of version 1 was checked
// against the queries (store_query.cpp, the reports, purge_pii) with EXPLAIN QUERY PLAN:
//   orders_status_purchase  --status (newest first)        orders_purchase  the default listing,
//   orders_updated          --updated-*, --sort last_updated, purge      --created-*
//   orders_ship_by          report late, --ship-by-before  orders_summary   report summary (covering)
//   order_items_sku/_asin   --sku, --asin
// orders_marketplace (marketplace_id, purchase_date) only served --marketplace, and a seller has a
// handful of marketplaces, so it selects little: the newest-first scan of orders_purchase with the
// marketplace test serves those listings, and every write of an order no longer keeps one more
// B-tree up to date.
constexpr const char* k_v8 = R"sql(
DROP INDEX IF EXISTS orders_marketplace;
)sql";

// Version 9: claims, so that runs on several hosts sharing a PostgreSQL store cancel (and ship)
// at the same time, each order in exactly one run (see "Claims" in store.hpp).
//   * journal_runs: one row per running `order cancel` / `cancellations resume` / `order ship`
//     (kind), who runs it (user@host, pid) and since when. A run holds a session advisory lock
//     keyed by its id while it lives (PostgreSQL); the lock file makes every other run a finished
//     one on SQLite. A run deletes its row when it ends; a crashed run's row stays until another
//     run takes its claims over.
//   * cancel_journal.run_id: the run that holds the claim of an in-flight row (NULL for rows of
//     earlier versions: nobody's, so any run may take them over). ship_journal.run_id is the same
//     for `order ship`, which does not claim yet (its runs take turns under the ship lock): NULL.
constexpr const char* k_v9 = R"sql(
CREATE TABLE journal_runs (
    id          INTEGER PRIMARY KEY,
    kind        TEXT NOT NULL CHECK (kind IN ('cancel', 'ship')),
    run_by      TEXT NOT NULL,          -- user@host
    pid         INTEGER NOT NULL,
    started_at  INTEGER NOT NULL        -- unix seconds
);
ALTER TABLE cancel_journal ADD COLUMN run_id INTEGER;
ALTER TABLE ship_journal ADD COLUMN run_id INTEGER;
CREATE INDEX cancel_journal_run ON cancel_journal(run_id) WHERE run_id IS NOT NULL;
CREATE INDEX ship_journal_run ON ship_journal(run_id) WHERE run_id IS NOT NULL;
)sql";


// Version 10: order_id's uniqueness moves from the column's UNIQUE constraint (an index SQLite
// cannot drop) to a named index, orders_order_id, so that a bulk load into an empty store can
// leave it out like the secondary indexes and build it once, sorted, at the end. Order ids are
// random: kept up to date order by order, that index dirtied one random page per order in every
// transaction; measured with bench/store_bench.cpp (pages of 100, release build), leaving it out
// of the load took the cost per order from 18.2 to 14.1 us at 100,000 orders and from 27.8 to
// 17.1 us at 1,000,000 (6.9 GB written to 2.0 GB). SQLite cannot drop a constraint: the table is
// rebuilt, keeping every row and id, as https://www.sqlite.org/lang_altertable.html#otheralter
// describes (migrate() turns foreign keys off around this step, so dropping the old table does
// not cascade to the items, packages and money lines that reference orders(id)).
constexpr const char* k_v10 = R"sql(
CREATE TABLE orders_v10 (
    id                  INTEGER PRIMARY KEY,
    order_id            TEXT NOT NULL,      -- unique: orders_order_id
    status              TEXT NOT NULL,      -- seller name: Unshipped, PartiallyShipped...
    fulfilled_by        TEXT,               -- MERCHANT | AMAZON
    purchase_date       INTEGER NOT NULL,   -- unix seconds
    last_updated        INTEGER NOT NULL,
    marketplace_id      TEXT NOT NULL,
    marketplace_name    TEXT,
    sales_channel       TEXT,
    ship_service_level  TEXT,
    ship_by_earliest    INTEGER,
    ship_by_latest      INTEGER,
    deliver_by_earliest INTEGER,
    deliver_by_latest   INTEGER,
    total_minor         INTEGER,            -- money: minor units at total_scale, never REAL
    total_scale         INTEGER,
    total_currency      TEXT,
    is_prime            INTEGER NOT NULL DEFAULT 0,
    is_business         INTEGER NOT NULL DEFAULT 0,
    is_replacement      INTEGER NOT NULL DEFAULT 0,
    replaced_order_id   TEXT,
    seller_order_id     TEXT,
    ship_state          TEXT,               -- kept without store_pii: identifies no one
    ship_country        TEXT,
    content_hash        INTEGER NOT NULL,   -- of everything stored about the order
    stored_at           INTEGER NOT NULL,   -- when this content was written
    -- Personal data: NULL unless the profile sets store_pii = true.
    buyer_name          TEXT,
    buyer_email         TEXT,
    buyer_company       TEXT,
    buyer_po            TEXT,
    ship_name           TEXT,
    ship_company        TEXT,
    ship_line1          TEXT,
    ship_line2          TEXT,
    ship_line3          TEXT,
    ship_city           TEXT,
    ship_district       TEXT,
    ship_postal_code    TEXT,
    ship_phone          TEXT,
    ship_type           TEXT,
    from_report         INTEGER NOT NULL DEFAULT 0,
    CHECK (total_minor IS NULL OR (total_scale IS NOT NULL AND total_currency IS NOT NULL))
);
INSERT INTO orders_v10 SELECT * FROM orders;
DROP TABLE orders;
ALTER TABLE orders_v10 RENAME TO orders;
CREATE UNIQUE INDEX IF NOT EXISTS orders_order_id ON orders(order_id);
CREATE INDEX orders_status_purchase ON orders(status, purchase_date);
CREATE INDEX orders_purchase ON orders(purchase_date);
CREATE INDEX orders_updated ON orders(last_updated);
CREATE INDEX orders_ship_by ON orders(status, ship_by_latest) WHERE ship_by_latest IS NOT NULL;
CREATE INDEX orders_summary
    ON orders(status, marketplace_id, total_currency, total_scale, purchase_date, total_minor);
CREATE TRIGGER orders_from_report_cleared AFTER UPDATE OF content_hash ON orders
    WHEN OLD.from_report = 1 AND NEW.from_report = 1
BEGIN
    UPDATE orders SET from_report = 0 WHERE id = NEW.id;
END;
)sql";

// Version 11: an order's packages (with their items) and the money lines of its total move from
// three child tables into two JSON columns of the orders row (the format is in store_packed.cpp).
// Nothing searches them: they are read with the whole order (order show, the cancel and ship
// guards) and written with it, and as rows they were 313,000 of the 589,000 rows a first
// `orders list --all` of 100,000 orders wrote (bench/list's orders; 0.23 s of the store thread's
// 0.86 s of CPU, measured with perf). The rows are packed in order of seq (the subqueries'
// ORDER BY feeds the aggregate in that order: SQLite does not flatten a subquery with ORDER BY
// into an aggregate query, https://www.sqlite.org/optoverview.html#flattening rule 16); a text
// of the old tables that was NULL becomes JSON null, which reads as "".
constexpr const char* k_v11 = R"sql(
ALTER TABLE orders ADD COLUMN money_lines TEXT;
ALTER TABLE orders ADD COLUMN packages TEXT;
UPDATE orders SET money_lines = (
    SELECT json_group_array(json(m.j)) FROM (
        SELECT json_array(ml.type, ml.minor, ml.scale, ml.currency) AS j FROM order_money_lines AS ml
        WHERE ml.order_ref = orders.id ORDER BY ml.seq) AS m)
WHERE id IN (SELECT order_ref FROM order_money_lines);
UPDATE orders SET packages = (
    SELECT json_group_array(json(p.j)) FROM (
        SELECT json_array(pk.reference_id, pk.carrier, pk.shipping_service, pk.tracking_number, pk.ship_time,
                          pk.status,
                          json((SELECT json_group_array(json(i.j)) FROM (
                              SELECT json_array(pi.order_item_id, pi.quantity) AS j FROM package_items AS pi
                              WHERE pi.order_ref = pk.order_ref AND pi.package_seq = pk.seq
                              ORDER BY pi.seq) AS i))) AS j
        FROM packages AS pk WHERE pk.order_ref = orders.id ORDER BY pk.seq) AS p)
WHERE id IN (SELECT order_ref FROM packages);
DROP TABLE package_items;
DROP TABLE packages;
DROP TABLE order_money_lines;
)sql";

constexpr std::array k_steps{k_v1, k_v2, k_v3, k_v4, k_v5, k_v6, k_v7, k_v8, k_v9, k_v10, k_v11};

// The secondary indexes of orders and order_items at the latest version, by name, as k_v1 creates
// them (k_v1 stays as released; version 8 dropped orders_marketplace).
struct Index {
    const char* name;
    const char* create;
};
constexpr std::array<Index, 7> k_secondary{{
    {"orders_status_purchase", "CREATE INDEX orders_status_purchase ON orders(status, purchase_date)"},
    {"orders_purchase", "CREATE INDEX orders_purchase ON orders(purchase_date)"},
    {"orders_updated", "CREATE INDEX orders_updated ON orders(last_updated)"},
    {"orders_ship_by", "CREATE INDEX orders_ship_by ON orders(status, ship_by_latest) "
                       "WHERE ship_by_latest IS NOT NULL"},
    {"orders_summary", "CREATE INDEX orders_summary ON orders(status, marketplace_id, total_currency, "
                       "total_scale, purchase_date, total_minor)"},
    {"order_items_sku", "CREATE INDEX order_items_sku ON order_items(sku) WHERE sku IS NOT NULL"},
    {"order_items_asin", "CREATE INDEX order_items_asin ON order_items(asin) WHERE asin IS NOT NULL"},
}};

bool index_exists(sqlite3* db, const char* name) {
    sqlite::Stmt s(db, "SELECT 1 FROM sqlite_master WHERE type = 'index' AND name = ?1");
    s.bind(1, name);
    return s.step();
}

// The version whose orders_order_id holds order_id's uniqueness (k_v10).
constexpr int k_order_id_index_version = 10;

// Builds orders_order_id (inside the caller's write transaction). A bulk load into an empty store
// inserts without it and without looking orders up, so an order it met twice (changed while a
// sync paged through it, or named twice on one page) is stored twice. The index is tried first;
// only when it fails on such an order are the copies settled as the upsert would have settled
// them one by one, in the order they were written: a copy older than the kept one, or with the
// same content, is dropped (unchanged); any other replaces it (updated). A dropped copy's items go
// with it (ON DELETE CASCADE), its packages and money lines with its row (schema 11).
BulkSettled ensure_order_id_index(sqlite3* db) {
    constexpr const char* create = "CREATE UNIQUE INDEX orders_order_id ON orders(order_id)";
    BulkSettled settled;
    const int rc = sqlite3_exec(db, create, nullptr, nullptr, nullptr);
    if (rc == SQLITE_OK) {
        return settled;
    }
    if ((rc & 0xff) != SQLITE_CONSTRAINT) {
        sqlite::fail(db, rc, "create index orders_order_id");
    }
    std::vector<std::int64_t> dropped;
    {
        sqlite::Stmt copies(db, "SELECT order_id, id, last_updated, content_hash FROM orders WHERE order_id IN "
                                "(SELECT order_id FROM orders GROUP BY order_id HAVING count(*) > 1) "
                                "ORDER BY order_id, id");
        std::string order_id;
        std::int64_t kept = 0;
        std::int64_t kept_updated = 0;
        std::int64_t kept_hash = 0;
        while (copies.step()) {
            const std::int64_t id = copies.int64(1);
            const std::int64_t updated = copies.int64(2);
            const std::int64_t hash = copies.int64(3);
            if (std::string next = copies.text(0); next != order_id) {
                order_id = std::move(next);
                std::tie(kept, kept_updated, kept_hash) = std::tuple(id, updated, hash);
                continue;
            }
            ++settled.copies;
            if (hash == kept_hash || updated < kept_updated) {
                dropped.push_back(id);
            } else {
                ++settled.updated;
                dropped.push_back(kept);
                std::tie(kept, kept_updated, kept_hash) = std::tuple(id, updated, hash);
            }
        }
    }
    sqlite::Stmt drop(db, "DELETE FROM orders WHERE id = ?1");
    for (const std::int64_t id : dropped) {
        drop.bind(1, id);
        drop.run();
        drop.reset();
    }
    sqlite::exec(db, create);
    return settled;
}

} // namespace

void drop_secondary_indexes(sqlite3* db) {
    for (const auto& index : k_secondary) {
        sqlite::exec(db, fmt::format("DROP INDEX IF EXISTS {}", index.name).c_str());
    }
    if (sqlite::query_int(db, "PRAGMA user_version") >= k_order_id_index_version) {
        sqlite::exec(db, "DROP INDEX IF EXISTS orders_order_id");
    }
}

bool order_id_indexed(sqlite3* db) {
    return sqlite::query_int(db, "PRAGMA user_version") < k_order_id_index_version ||
           index_exists(db, "orders_order_id");
}

BulkSettled ensure_secondary_indexes(sqlite3* db) {
    const bool unique_index = sqlite::query_int(db, "PRAGMA user_version") >= k_order_id_index_version;
    const auto missing = [db, unique_index] {
        return (unique_index && !index_exists(db, "orders_order_id")) ||
               std::any_of(k_secondary.begin(), k_secondary.end(),
                           [db](const Index& index) { return !index_exists(db, index.name); });
    };
    BulkSettled settled;
    if (sqlite::query_int(db, "PRAGMA user_version") < 1 || !missing()) {
        return settled;
    }
    sqlite::Transaction tx(db, sqlite::Transaction::Mode::Write);
    if (unique_index && !index_exists(db, "orders_order_id")) { // re-read under the write lock
        settled = ensure_order_id_index(db);
    }
    for (const auto& index : k_secondary) {
        if (!index_exists(db, index.name)) { // re-read under the write lock
            sqlite::exec(db, index.create);
        }
    }
    tx.commit();
    return settled;
}

int latest_version() {
    return static_cast<int>(k_steps.size());
}

std::string_view sqlite_step(int version) {
    return k_steps.at(static_cast<std::size_t>(version - 1));
}

void migrate(sqlite3* db, int target) {
    for (int version = 1; version <= target; ++version) {
        // Version 10 rebuilds orders: with foreign keys on, dropping the old table would first
        // delete every row that references it. The pragma is a no-op inside a transaction: it is
        // set before this step's one begins and restored after it ends (either way).
        const bool rebuild = version == k_order_id_index_version &&
                             sqlite::query_int(db, "PRAGMA user_version") < version;
        struct ForeignKeysOff {
            sqlite3* db;
            bool on;
            ~ForeignKeysOff() {
                if (on) {
                    sqlite3_exec(db, "PRAGMA foreign_keys = ON", nullptr, nullptr, nullptr);
                }
            }
        } keys_off{db, rebuild && sqlite::query_int(db, "PRAGMA foreign_keys") != 0};
        if (keys_off.on) {
            sqlite::exec(db, "PRAGMA foreign_keys = OFF");
        }
        sqlite::Transaction tx(db, sqlite::Transaction::Mode::Write);
        // Re-read under the write lock: another process may have migrated meanwhile.
        const auto current = sqlite::query_int(db, "PRAGMA user_version");
        if (current >= version) {
            continue; // tx rolls back an empty transaction
        }
        sqlite::exec(db, k_steps.at(static_cast<std::size_t>(version - 1)));
        if (version == k_order_id_index_version) {
            // The rebuilt orders table must still be the parent of every child row.
            if (sqlite::query_int(db, "SELECT count(*) FROM pragma_foreign_key_check") != 0) {
                throw Error(ErrorKind::Internal, "store schema 10: rebuilding orders lost the parent of a row");
            }
        }
        if (version >= 2) {
            const auto stamp =
                fmt::format("INSERT OR REPLACE INTO meta(key, value) VALUES ('schema_{}_applied_at', "
                            "CAST(strftime('%s', 'now') AS TEXT))",
                            version);
            sqlite::exec(db, stamp.c_str());
        }
        sqlite::exec(db, fmt::format("PRAGMA user_version = {}", version).c_str());
        tx.commit();
    }
}

} // namespace asc::store_schema
