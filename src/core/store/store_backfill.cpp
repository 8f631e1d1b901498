// The store's side of the Reports API backfill (include/asc/sync/backfill.hpp): orders read from
// order reports, flagged from_report, and the report windows of each marketplace (schema 6).

#include "store_internal.hpp"

#include <vector>

namespace asc {

namespace {

constexpr std::string_view k_stored_updated_sql = "SELECT last_updated FROM orders WHERE order_id = ?1";
constexpr std::string_view k_flag_sql = "UPDATE orders SET from_report = 1 WHERE order_id = ?1";
constexpr std::string_view k_flag_new_sql = "UPDATE orders SET from_report = 1 WHERE id > ?1";
constexpr std::string_view k_windows_sql =
    "SELECT marketplace_id, data_start, data_end, report_id, state, outcome, rows FROM backfill_windows "
    "WHERE marketplace_id = ?1 ORDER BY data_start";
constexpr std::string_view k_requested_sql =
    "INSERT INTO backfill_windows (marketplace_id, data_start, data_end, report_id, state, "
    "requested_at) VALUES (?1, ?2, ?3, ?4, 'requested', ?5) "
    "ON CONFLICT (marketplace_id, data_start) DO UPDATE SET data_end = excluded.data_end, "
    "report_id = excluded.report_id, state = 'requested', outcome = NULL, rows = 0, "
    "requested_at = excluded.requested_at, finished_at = NULL";
constexpr std::string_view k_done_sql =
    "INSERT INTO backfill_windows (marketplace_id, data_start, data_end, report_id, state, outcome, rows, "
    "requested_at, finished_at) VALUES (?1, ?2, ?3, ?4, 'done', ?5, ?6, ?7, ?7) "
    "ON CONFLICT (marketplace_id, data_start) DO UPDATE SET data_end = excluded.data_end, "
    "report_id = excluded.report_id, state = 'done', outcome = excluded.outcome, rows = excluded.rows, "
    "finished_at = excluded.finished_at";
constexpr std::string_view k_from_report_sql = "SELECT from_report FROM orders WHERE order_id = ?1";

} // namespace

UpsertCounts Store::upsert_report_orders(std::span<const Order> orders) {
    sqlite::Transaction tx(m_impl->db.get(), sqlite::Transaction::Mode::Write);
    // Checked under the write lock: another process's open may have built the index meanwhile.
    if (m_impl->bulk_into_empty && !store_schema::order_id_indexed(m_impl->db->sqlite_handle())) {
        // A load into an empty store has no order_id index until it ends (begin_bulk_write): a
        // lookup by order id would read the whole table. Each order goes in as a new row (one met
        // twice is settled when the index is built: store_schema::ensure_secondary_indexes), and
        // the rows this call adds are those above the largest id before it.
        const std::int64_t before =
            sqlite::query_int(m_impl->db.get(), "SELECT coalesce(max(id), 0) FROM orders");
        const UpsertCounts counts = upsert_orders(orders); // joins this transaction
        sqlite::StmtUse flag(m_impl->stmt(k_flag_new_sql));
        flag->bind(1, before);
        flag->run();
        tx.commit();
        return counts;
    }
    std::vector<Order> fresh;
    UpsertCounts counts;
    for (const auto& o : orders) {
        sqlite::StmtUse find(m_impl->stmt(k_stored_updated_sql));
        find->bind(1, o.order_id);
        if (find->step() && find->int64(0) >= to_unix(o.last_updated)) {
            ++counts.unchanged; // the stored copy is as recent, and fuller
            continue;
        }
        fresh.push_back(o);
    }
    counts += upsert_orders(fresh); // joins this transaction
    for (const auto& o : fresh) {
        sqlite::StmtUse flag(m_impl->stmt(k_flag_sql));
        flag->bind(1, o.order_id);
        flag->run();
    }
    tx.commit();
    return counts;
}

std::vector<BackfillWindow> Store::backfill_windows(const std::string& marketplace_id) {
    std::vector<BackfillWindow> out;
    sqlite::StmtUse s(m_impl->stmt(k_windows_sql));
    s->bind(1, marketplace_id);
    while (s->step()) {
        BackfillWindow w;
        w.marketplace_id = s->text(0);
        w.start = from_unix(s->int64(1));
        w.end = from_unix(s->int64(2));
        w.report_id = s->text(3);
        w.state = s->text(4);
        w.outcome = s->text(5);
        w.rows = s->int64(6);
        out.push_back(std::move(w));
    }
    return out;
}

void Store::backfill_requested(const BackfillWindow& window, Timestamp now) {
    sqlite::Transaction tx(m_impl->db.get(), sqlite::Transaction::Mode::Write);
    sqlite::StmtUse s(m_impl->stmt(k_requested_sql));
    s->bind(1, window.marketplace_id);
    s->bind(2, to_unix(window.start));
    s->bind(3, to_unix(window.end));
    s->bind(4, window.report_id);
    s->bind(5, to_unix(now));
    s->run();
    tx.commit();
}

void Store::backfill_done(const BackfillWindow& window, Timestamp now, bool advance_mark) {
    sqlite::Transaction tx(m_impl->db.get(), sqlite::Transaction::Mode::Write);
    {
        sqlite::StmtUse s(m_impl->stmt(k_done_sql));
        s->bind(1, window.marketplace_id);
        s->bind(2, to_unix(window.start));
        s->bind(3, to_unix(window.end));
        s->bind(4, window.report_id);
        s->bind(5, window.outcome);
        s->bind(6, window.rows);
        s->bind(7, to_unix(now));
        s->run();
    }
    if (advance_mark) {
        const std::vector<std::string> keys{window.marketplace_id};
        upsert_page({}, keys, window.end); // joins this transaction
    }
    tx.commit();
}

bool Store::order_from_report(const std::string& order_id) {
    sqlite::StmtUse s(m_impl->stmt(k_from_report_sql));
    s->bind(1, order_id);
    return s->step() && s->int64(0) != 0;
}

} // namespace asc
