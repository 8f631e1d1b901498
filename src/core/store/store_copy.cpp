// `asc store migrate`: an SQLite store copied into another store (a PostgreSQL one), once and
// checked (Store::copy_from in store.hpp).

#include "asc/base/errors.hpp"
#include "store_internal.hpp"

#include <fmt/format.h>

namespace asc {

namespace {

constexpr std::size_t k_page = 500;

void copy_orders(Store& source, Store& dest) {
    std::vector<Order> page;
    page.reserve(k_page);
    OrderFilter all;
    all.sort = "purchase_date";
    source.query_orders(all, [&](Order&& o) {
        page.push_back(std::move(o));
        if (page.size() == k_page) {
            dest.upsert_orders(page);
            page.clear();
        }
        return true;
    });
    dest.upsert_orders(page);
}

// The from_report flags (schema 6), which upsert_orders() does not write: set on the copies of
// the orders the source stored only from an order report, so the cancel service still reads those
// fresh (a report has no order item ids). Flag-only updates leave content_hash alone, so the
// trigger that clears the flag does not fire.
void copy_report_flags(db::Conn* source, int source_version, db::Conn* dest) {
    if (source_version < 6) {
        return;
    }
    db::Stmt ids(source, "SELECT order_id FROM orders WHERE from_report = 1");
    db::Stmt flag(dest, "UPDATE orders SET from_report = 1 WHERE order_id = ?1");
    while (ids.step()) {
        flag.bind(1, ids.text(0));
        flag.run();
        flag.reset();
    }
    ids.reset();
}

// The marks as they are: the mark and the time of the write that advanced it (not now).
void copy_marks(Store& source, db::Conn* dest) {
    db::Stmt put(dest, "INSERT INTO sync_marks (key, mark, synced_at) VALUES (?1, ?2, ?3)");
    for (const SyncMark& m : source.sync_marks()) {
        put.bind(1, m.key);
        put.bind(2, to_unix(m.mark));
        put.bind(3, to_unix(m.synced_at));
        put.run();
        put.reset();
    }
}

// The backfill windows (schema 6) row by row, with their request and finish times.
void copy_windows(db::Conn* source, int source_version, db::Conn* dest) {
    if (source_version < 6) {
        return;
    }
    db::Stmt rows(source, "SELECT marketplace_id, data_start, data_end, report_id, state, outcome, rows, "
                          "requested_at, finished_at FROM backfill_windows");
    db::Stmt put(dest, "INSERT INTO backfill_windows (marketplace_id, data_start, data_end, report_id, state, "
                       "outcome, rows, requested_at, finished_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)");
    while (rows.step()) {
        for (int c = 0; c < 9; ++c) {
            const bool integer = c == 1 || c == 2 || c == 6 || c == 7 || c == 8;
            if (rows.is_null(c)) {
                put.bind_null(c + 1);
            } else if (integer) {
                put.bind(c + 1, rows.int64(c));
            } else {
                put.bind(c + 1, rows.text(c));
            }
        }
        put.run();
        put.reset();
    }
    rows.reset();
}

void copy_journal(Store& source, Store& dest) {
    std::vector<JournalEntry> rows = source.journal_entries({});
    for (JournalEntry& e : rows) {
        e.id = 0;
    }
    dest.journal_write(rows);
}

} // namespace

StoreInfo Store::copy_from(Store& source) {
    db::Transaction tx(m_impl->db.get(), db::TxMode::Write);
    const StoreInfo before = info();
    if (before.orders != 0 || before.journal_entries != 0) {
        throw Error(ErrorKind::Usage,
                    fmt::format("the store {} already holds {} orders and {} journal entries: a migration copies "
                                "into an empty store, once",
                                before.location, before.orders, before.journal_entries),
                    "point the profile's store at an empty database (or another seller account), or keep "
                    "using this one");
    }
    copy_orders(source, *this);
    copy_report_flags(source.m_impl->db.get(), source.m_impl->schema_version, m_impl->db.get());
    copy_marks(source, m_impl->db.get());
    copy_windows(source.m_impl->db.get(), source.m_impl->schema_version, m_impl->db.get());
    copy_journal(source, *this);
    const StoreInfo from = source.info();
    const StoreInfo to = info();
    if (from.orders != to.orders || from.journal_entries != to.journal_entries ||
        from.marks.size() != to.marks.size() || from.orders_from_report != to.orders_from_report) {
        throw Error(ErrorKind::Internal,
                    fmt::format("the copy does not match its source ({} orders, {} journal entries, {} marks copied "
                                "of {}, {}, {}); nothing was kept",
                                to.orders, to.journal_entries, to.marks.size(), from.orders, from.journal_entries,
                                from.marks.size()));
    }
    tx.commit();
    return to;
}

} // namespace asc
