// Claims (schema 9; the contract is "Claims" in store.hpp): the runs registered in journal_runs,
// their liveness, and the claim of each in-flight journal row by one run, so that runs on several
// hosts sharing a PostgreSQL store cancel overlapping batches at once, each order in one run.
//
// Liveness. PostgreSQL: a run holds a session advisory lock with the one-bigint key
// (store lock key << 32 | run id) for as long as its connection lives; pg_locks shows it
// (classid = store key, objid = run id, objsubid = 1), so a run whose process died, or whose host
// was lost, is gone as soon as the server drops its session. SQLite: a run holds the cancel (or
// ship) lock file for its whole life, so while it works every other run is gone.
//
// Every write here runs in a write transaction, which the store serializes across hosts (BEGIN
// IMMEDIATE; PostgreSQL's transaction-level writer lock): a claim's check and its write are one
// atomic step.

#include "asc/base/errors.hpp"
#include "asc/base/identity.hpp"
#include "store_internal.hpp"
#include "store_pg.hpp"

#include <fmt/format.h>
#include <unistd.h>

namespace asc {

namespace {

constexpr std::string_view k_in_flight_cancel = "('planned', 'submitting', 'submitted')";
constexpr std::string_view k_in_flight_ship = "('planned', 'sending', 'submitted')";

void require_claims(const Store::Impl& impl) {
    if (impl.schema_version < 9) {
        throw Error(ErrorKind::Internal,
                    fmt::format("claims need store schema 9 (this store is at {})", impl.schema_version));
    }
}

int pg_store_key(const Store::Impl& impl) {
    return static_cast<const pg::PgConn&>(*impl.db).lock_key();
}

// SQL that is true when the run whose id is `column` is alive (see the top of this file). On
// SQLite only this Store's run is (the lock file keeps every other one out).
std::string alive_sql(const Store::Impl& impl, std::string_view column) {
    if (impl.postgres()) {
        return fmt::format("EXISTS (SELECT 1 FROM pg_locks l WHERE l.locktype = 'advisory' AND l.granted "
                           "AND l.objsubid = 1 AND l.database = (SELECT oid FROM pg_database WHERE datname = "
                           "current_database()) AND l.classid = {} AND l.objid::bigint = {})",
                           pg_store_key(impl), column);
    }
    return fmt::format("({} = {})", column, impl.run_id);
}

std::int64_t pg_run_key(const Store::Impl& impl, std::int64_t run_id) {
    return (static_cast<std::int64_t>(pg_store_key(impl)) << 32) | run_id;
}

// Registers a run of `kind` and, on PostgreSQL, takes its liveness lock in the same transaction.
std::int64_t begin_run(Store::Impl& impl, std::string_view kind, const std::string& run_by) {
    require_claims(impl);
    db::Transaction tx(impl.db.get(), db::TxMode::Write);
    db::Stmt ins(impl.db.get(), "INSERT INTO journal_runs (kind, run_by, pid, started_at) VALUES (?1, ?2, ?3, ?4) "
                                "RETURNING id");
    ins.bind(1, kind);
    ins.bind(2, run_by);
    ins.bind(3, static_cast<std::int64_t>(::getpid()));
    ins.bind(4, to_unix(std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now())));
    if (!ins.step()) {
        throw Error(ErrorKind::Internal, "registering the run returned no id");
    }
    const std::int64_t id = ins.int64(0);
    ins.reset();
    if (impl.postgres()) {
        db::query_int(impl.db.get(), fmt::format("SELECT 1 FROM pg_advisory_lock({})", pg_run_key(impl, id)));
    }
    tx.commit();
    return id;
}

// Ends this Store's run: removes its registration and, on PostgreSQL, releases its lock. The
// claims it still holds (rows left in flight) belong to a gone run from then on. Never throws: a
// lost connection has released the lock with the session.
void end_run(Store::Impl& impl) noexcept {
    const std::int64_t id = std::exchange(impl.run_id, 0);
    if (id == 0) {
        return;
    }
    try {
        db::Transaction tx(impl.db.get(), db::TxMode::Write);
        db::Stmt del(impl.db.get(), "DELETE FROM journal_runs WHERE id = ?1");
        del.bind(1, id);
        del.run();
        del.reset();
        tx.commit();
        if (impl.postgres()) {
            db::query_int(impl.db.get(), fmt::format("SELECT pg_advisory_unlock({})::int", pg_run_key(impl, id)));
        }
    } catch (const Error&) {
        // The connection is gone (and the lock with it), or the store became unwritable: the
        // registration stays, and the run counts as gone.
    }
}

// The run lock of `kind`: the lock file on SQLite (one run at a time), then the registration.
SyncLock run_lock(Store::Impl& impl, std::string_view kind, int pg_lock_class, std::string_view file_suffix,
                  std::chrono::milliseconds wait, std::string_view holder, std::string_view what,
                  const std::string& run_by) {
    if (impl.run_id != 0) {
        throw Error(ErrorKind::Internal, "this store already runs a cancel or ship run");
    }
    std::shared_ptr<SyncLock> file;
    if (!impl.postgres()) {
        file = std::make_shared<SyncLock>(take_run_lock(impl, pg_lock_class, file_suffix, wait, holder, what));
    }
    if (impl.schema_version < 9) {
        return file ? std::move(*file) : SyncLock{}; // an older store opened read-only: no claims
    }
    impl.run_id = begin_run(impl, kind, run_by);
    Store::Impl* raw = &impl;
    return SyncLock(std::function<void()>([raw, file]() mutable {
        end_run(*raw);
        file.reset(); // then the lock file
    }));
}

JournalRun read_run(const db::Stmt& s) {
    JournalRun r;
    r.id = s.int64(0);
    r.kind = s.text(1);
    r.run_by = s.text(2);
    r.pid = s.int64(3);
    r.started_at = from_unix(s.int64(4));
    r.alive = s.int64(5) != 0;
    return r;
}

} // namespace

SyncLock Store::lock_for_cancel(std::chrono::milliseconds wait) {
    return run_lock(*m_impl, "cancel", pg::k_lock_class_cancel, ".cancel.lock", wait, "`asc order cancel`",
                    "cancellation", current_user_at_host());
}

SyncLock Store::lock_commerce_order(std::string_view order_id, std::chrono::milliseconds wait) {
    Store::Impl& impl = *m_impl;
    if (!impl.postgres()) {
        return SyncLock{};
    }
    // The key: of the account's lock key and the order id. Two orders that share a key only take
    // turns; the lock class keeps the keys apart from every other lock of asc's.
    const int key = pg_lock_key(fmt::format("{}:{}", pg_store_key(impl), order_id));
    const std::string what = fmt::format("another run's update of the Magento order of {}", order_id);
    return take_pg_advisory_lock(impl, pg::k_lock_class_commerce, key, wait, what, [&] {
        return Error(ErrorKind::Temporary,
                     fmt::format("another run has been updating the Magento order of {} for longer than {} s",
                                 order_id, std::chrono::ceil<std::chrono::seconds>(wait).count()),
                     "`asc cancellations resume` takes the Magento step of this order again");
    });
}

std::int64_t Store::journal_run_id() const {
    return m_impl->run_id;
}

std::optional<JournalRun> Store::journal_run(std::int64_t id) {
    if (m_impl->schema_version < 9 || id == 0) {
        return std::nullopt;
    }
    db::Stmt s(m_impl->db.get(),
               fmt::format("SELECT id, kind, run_by, pid, started_at, CASE WHEN {} THEN 1 ELSE 0 END "
                           "FROM journal_runs WHERE id = ?1",
                           alive_sql(*m_impl, "journal_runs.id")));
    s.bind(1, id);
    std::optional<JournalRun> out;
    if (s.step()) {
        out = read_run(s);
    }
    s.reset();
    return out;
}

std::vector<JournalEntry> Store::journal_take_over() {
    std::vector<JournalEntry> rows;
    journal_take_over([&rows](JournalEntry&& e) { rows.push_back(std::move(e)); });
    return rows;
}

void Store::journal_take_over(const std::function<void(JournalEntry&&)>& row, bool by_id) {
    Impl& impl = *m_impl;
    const JournalFilter in_flight{.states = {JournalState::Planned, JournalState::Submitting, JournalState::Submitted}};
    if (impl.schema_version < 9) {
        journal_each(in_flight, row); // an older store opened read-only: no claims, and no writes
        return;
    }
    if (impl.run_id == 0) {
        throw Error(ErrorKind::Internal, "journal_take_over needs a run (lock_for_cancel)");
    }
    {
        db::Transaction tx(impl.db.get(), db::TxMode::Write);
        const std::string mine = std::to_string(impl.run_id);
        db::exec(impl.db.get(), fmt::format("UPDATE cancel_journal SET run_id = {0} WHERE state IN {1} AND "
                                        "(run_id IS NULL OR (run_id <> {0} AND NOT {2}))",
                                        mine, k_in_flight_cancel, alive_sql(impl, "cancel_journal.run_id")));
        db::exec(impl.db.get(),
                 fmt::format("DELETE FROM journal_runs WHERE id <> {0} AND NOT {1} "
                         "AND NOT EXISTS (SELECT 1 FROM cancel_journal j WHERE j.run_id = journal_runs.id "
                         "AND j.state IN {2}) "
                         "AND NOT EXISTS (SELECT 1 FROM ship_journal s WHERE s.run_id = journal_runs.id "
                         "AND s.state IN {3})",
                         mine, alive_sql(impl, "journal_runs.id"), k_in_flight_cancel, k_in_flight_ship));
        tx.commit();
    }
    JournalFilter mine_in_flight = in_flight;
    mine_in_flight.run_id = impl.run_id; // read through the run_id index, not the whole journal
    mine_in_flight.by_id = by_id;
    journal_each(mine_in_flight, [&impl, &row](JournalEntry&& e) {
        if (e.run_id == impl.run_id) {
            row(std::move(e));
        }
    });
}

namespace {

// The statements of one journal_claim() call.
struct ClaimStmts {
    db::Stmt latest;
    db::Stmt insert;
    db::Stmt replace;
};

ClaimStmts claim_stmts(Store::Impl& impl) {
    db::Conn* c = impl.db.get();
    return {
        db::Stmt(c, "SELECT coalesce(max(id), 0) FROM cancel_journal WHERE order_id = ?1"),
        db::Stmt(c, "INSERT INTO cancel_journal (order_id, reason, batch_id, feed_seq, feed_document_id, feed_id, "
                    "message_id, state, result_code, result_message, created_at, updated_at, submitted_at, "
                    "marketplace_id, run_by, commerce_state, commerce_action, commerce_creditmemo_id, "
                    "send_timeout_ms, run_id) "
                    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?18, ?19, ?20, "
                    "?21) ON CONFLICT DO NOTHING RETURNING id"),
        db::Stmt(c, fmt::format("UPDATE cancel_journal SET order_id = ?1, reason = ?2, batch_id = ?3, "
                                "feed_seq = ?4, feed_document_id = ?5, feed_id = ?6, message_id = ?7, state = ?8, "
                                "result_code = ?9, result_message = ?10, created_at = ?11, updated_at = ?12, "
                                "submitted_at = ?13, marketplace_id = ?14, run_by = ?15, commerce_state = ?16, "
                                "commerce_action = ?18, commerce_creditmemo_id = ?19, send_timeout_ms = ?20, "
                                "run_id = ?21 WHERE id = ?17 AND state = 'planned' AND "
                                "(run_id IS NULL OR run_id = ?21 OR NOT {})",
                                alive_sql(impl, "cancel_journal.run_id"))),
    };
}

void bind_entry(db::Stmt& s, const JournalEntry& e, std::int64_t run_id) {
    bind_journal_entry(s, e);
    s.bind(21, run_id != 0 ? std::optional<std::int64_t>(run_id) : std::nullopt);
}

// Writes one claimed row; returns its id, 0 when the order's journal changed since it was read.
std::int64_t claim_one(ClaimStmts& st, const JournalClaim& c, std::int64_t run_id) {
    st.latest.bind(1, c.entry.order_id);
    st.latest.step();
    const std::int64_t latest = st.latest.int64(0);
    st.latest.reset();
    if (latest != c.seen_latest || (c.entry.id != 0 && latest != c.entry.id)) {
        return 0;
    }
    db::Stmt& s = c.entry.id == 0 ? st.insert : st.replace;
    bind_entry(s, c.entry, run_id);
    std::int64_t id = 0;
    if (c.entry.id == 0) {
        id = s.step() ? s.int64(0) : 0; // no row: ON CONFLICT DO NOTHING (in flight elsewhere)
    } else {
        s.run();
        id = s.changes() == 1 ? c.entry.id : 0;
    }
    s.reset();
    return id;
}

} // namespace

std::vector<std::int64_t> Store::journal_claim(std::size_t count,
                                               const std::function<JournalClaim(std::size_t, std::size_t)>& row) {
    Impl& impl = *m_impl;
    if (impl.read_only) {
        throw_read_only(impl.path, "opened read-only", "the cancellation cannot be journaled");
    }
    require_claims(impl);
    if (impl.run_id == 0) {
        throw Error(ErrorKind::Internal, "journal_claim needs a run (lock_for_cancel)");
    }
    db::Transaction tx(impl.db.get(), db::TxMode::Write);
    ClaimStmts st = claim_stmts(impl);
    std::vector<std::int64_t> ids;
    ids.reserve(count);
    std::size_t claimed = 0;
    for (std::size_t i = 0; i < count; ++i) {
        const JournalClaim c = row(i, claimed);
        const std::int64_t id = claim_one(st, c, impl.run_id);
        if (id != 0 && c.entry.state == JournalState::Planned) {
            ++claimed;
        }
        ids.push_back(id);
    }
    tx.commit();
    return ids;
}

// The PostgreSQL side of StoreInfo::claim_holders (called by pg_info).
void pg_claim_holders(Store::Impl& impl, StoreInfo& info) {
    if (impl.schema_version < 9) {
        return;
    }
    for (const auto& [journal, states] : {std::pair{"cancel", k_in_flight_cancel}, {"ship", k_in_flight_ship}}) {
        db::Stmt s(impl.db.get(),
                   fmt::format("SELECT coalesce(j.run_id, 0), coalesce(r.kind, ''), coalesce(r.run_by, min(j.run_by)), "
                               "coalesce(r.pid, 0), coalesce(r.started_at, 0), CASE WHEN j.run_id IS NOT NULL AND {} "
                               "THEN 1 ELSE 0 END, count(*) FROM {}_journal j LEFT JOIN journal_runs r ON r.id = "
                               "j.run_id WHERE j.state IN {} GROUP BY j.run_id, r.kind, r.run_by, r.pid, r.started_at "
                               "ORDER BY 5, 1",
                               alive_sql(impl, "j.run_id"), journal, states));
        while (s.step()) {
            ClaimHolder h;
            h.run = read_run(s);
            h.journal = journal;
            h.rows = s.int64(6);
            info.claim_holders.push_back(std::move(h));
        }
        s.reset();
    }
}

} // namespace asc
