// The cancellation journal in the store: what `order cancel` planned, sent and learned, order by
// order (schema versions 2 to 4 in store_schema.cpp; the state machine in cancel.hpp). Every
// write is one transaction, so a crash leaves each row in a state that says what is known.

#include "asc/base/errors.hpp"
#include "store_internal.hpp"
#include "store_pg.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <limits>

namespace asc {

namespace {

// The columns read_entry() reads. A store opened read-only may be older than the latest schema:
// commerce_action and commerce_creditmemo_id came with 4, send_timeout_ms with 5.
std::string select_columns(int schema_version) {
    return fmt::format(
        "SELECT id, order_id, reason, batch_id, feed_seq, feed_document_id, feed_id, message_id, "
        "state, result_code, result_message, created_at, updated_at, submitted_at, "
        "marketplace_id, run_by, commerce_state, {}, {}, {} FROM cancel_journal ",
        schema_version >= 4 ? "commerce_action, commerce_creditmemo_id" : "NULL, NULL",
        schema_version >= 5 ? "send_timeout_ms" : "NULL", schema_version >= 9 ? "run_id" : "NULL");
}

JournalEntry read_entry(const sqlite::Stmt& s) {
    JournalEntry e;
    e.id = s.int64(0);
    e.order_id = s.text(1);
    e.reason = s.text(2);
    e.batch_id = s.text(3);
    e.feed_seq = s.int32(4);
    e.feed_document_id = s.text(5);
    e.feed_id = s.text(6);
    e.message_id = s.opt_int64(7);
    e.state = journal_state_column(s.text(8));
    e.result_code = s.text(9);
    e.result_message = s.text(10);
    e.created_at = from_unix(s.int64(11));
    e.updated_at = from_unix(s.int64(12));
    if (const auto t = s.opt_int64(13)) {
        e.submitted_at = from_unix(*t);
    }
    e.marketplace_id = s.text(14);
    e.run_by = s.text(15);
    e.commerce_state = commerce_state_column(s.text(16));
    e.commerce_action = s.text(17);
    e.commerce_creditmemo_id = s.text(18);
    if (const auto ms = s.opt_int64(19)) {
        e.send_timeout = std::chrono::milliseconds(*ms);
    }
    e.run_id = s.opt_int64(20).value_or(0);
    return e;
}

// Reading needs schema 3, writing the latest (commerce_action came with 4, send_timeout_ms with 5).
void require_journal(const Store::Impl& impl, int version = 3) {
    if (impl.schema_version < version) {
        throw Error(ErrorKind::Internal,
                    fmt::format("the cancellation journal needs store schema {} (this store is at {})",
                                version, impl.schema_version));
    }
}

} // namespace

JournalState journal_state_column(std::string_view text) {
    if (const auto state = parse_journal_state(text)) {
        return *state;
    }
    throw Error(ErrorKind::Internal, fmt::format("the cancellation journal has a row in state '{}', which this asc "
                                                 "does not know",
                                                 text),
                "a newer asc may have written it: use that version");
}

std::optional<CommerceState> commerce_state_column(std::string_view text) {
    if (text.empty()) {
        return std::nullopt;
    }
    if (const auto state = parse_commerce_state(text)) {
        return state;
    }
    throw Error(ErrorKind::Internal, fmt::format("the cancellation journal has a commerce_state '{}', which this "
                                                 "asc does not know",
                                                 text),
                "a newer asc may have written it: use that version");
}

namespace {

// Appends " AND state IN (?next, ...)" for `states` (nothing when empty), numbering the parameters
// from `next`; each goes to `values` with the text it binds.
void append_states_in(std::string& sql, int& next, const std::vector<std::string>& states,
                      std::vector<std::pair<int, const std::string*>>& values) {
    if (states.empty()) {
        return;
    }
    sql += " AND state IN (";
    for (std::size_t i = 0; i < states.size(); ++i) {
        sql += fmt::format("{}?{}", i == 0 ? "" : ", ", next);
        values.emplace_back(next++, &states[i]);
    }
    sql += ")";
}

} // namespace

sqlite::Stmt journal_listing(Store::Impl& impl, std::string select, std::optional<Timestamp> since,
                             std::initializer_list<std::pair<const char*, const std::string*>> equal,
                             const std::vector<std::string>& states, std::int64_t run_id, bool by_id) {
    std::string& sql = select;
    sql += "WHERE created_at >= ?1";
    int next = 2;
    std::vector<std::pair<int, const std::string*>> values;
    for (const auto& [column, value] : equal) {
        if (!value->empty()) {
            sql += fmt::format(" AND {} = ?{}", column, next);
            values.emplace_back(next++, value);
        }
    }
    append_states_in(sql, next, states, values);
    // A run's rows are found through the run_id index: without it, listing the rows in flight
    // walks the whole journal (every row of every earlier run) in created_at order.
    const int run_param = next;
    if (run_id != 0) {
        sql += fmt::format(" AND run_id = ?{}", run_param);
    }
    sql += by_id ? " ORDER BY id" : " ORDER BY created_at, id";
    sqlite::Stmt s(impl.db.get(), sql);
    s.bind(1, since ? to_unix(*since) : std::numeric_limits<std::int64_t>::min());
    for (const auto& [index, value] : values) {
        s.bind(index, *value);
    }
    if (run_id != 0) {
        s.bind(run_param, run_id);
    }
    return s;
}

std::vector<JournalEntry> Store::journal_entries(const JournalFilter& filter) {
    std::vector<JournalEntry> out;
    journal_each(filter, [&out](JournalEntry&& e) { out.push_back(std::move(e)); });
    return out;
}

void Store::journal_each(const JournalFilter& filter, const std::function<void(JournalEntry&&)>& row) {
    require_journal(*m_impl);
    std::vector<std::string> states;
    for (const JournalState state : filter.states) {
        states.emplace_back(to_string(state));
    }
    sqlite::Stmt s = journal_listing(*m_impl, select_columns(m_impl->schema_version), filter.since,
                                     {{"feed_id", &filter.feed_id}, {"batch_id", &filter.batch_id},
                                      {"order_id", &filter.order_id}},
                                     states, m_impl->schema_version >= 9 ? filter.run_id : 0, filter.by_id);
    while (s.step()) {
        row(read_entry(s));
    }
}

std::map<std::string, JournalEntry> Store::journal_latest(std::span<const std::string> order_ids) {
    require_journal(*m_impl);
    std::map<std::string, JournalEntry> out;
    sqlite::Transaction tx(m_impl->db.get(), sqlite::Transaction::Mode::Read);
    // Statement cache keys must be literals: one per schema the columns differ in.
    static constexpr std::string_view sql_v9 =
        "SELECT id, order_id, reason, batch_id, feed_seq, feed_document_id, feed_id, message_id, state, "
        "result_code, result_message, created_at, updated_at, submitted_at, marketplace_id, run_by, "
        "commerce_state, commerce_action, commerce_creditmemo_id, send_timeout_ms, run_id FROM cancel_journal "
        "WHERE order_id = ?1 ORDER BY id DESC LIMIT 1";
    static constexpr std::string_view sql_v5 =
        "SELECT id, order_id, reason, batch_id, feed_seq, feed_document_id, feed_id, message_id, state, "
        "result_code, result_message, created_at, updated_at, submitted_at, marketplace_id, run_by, "
        "commerce_state, commerce_action, commerce_creditmemo_id, send_timeout_ms, NULL FROM cancel_journal "
        "WHERE order_id = ?1 ORDER BY id DESC LIMIT 1";
    static constexpr std::string_view sql_v4 =
        "SELECT id, order_id, reason, batch_id, feed_seq, feed_document_id, feed_id, message_id, state, "
        "result_code, result_message, created_at, updated_at, submitted_at, marketplace_id, run_by, "
        "commerce_state, commerce_action, commerce_creditmemo_id, NULL, NULL FROM cancel_journal "
        "WHERE order_id = ?1 ORDER BY id DESC LIMIT 1";
    static constexpr std::string_view sql_v3 =
        "SELECT id, order_id, reason, batch_id, feed_seq, feed_document_id, feed_id, message_id, state, "
        "result_code, result_message, created_at, updated_at, submitted_at, marketplace_id, run_by, "
        "commerce_state, NULL, NULL, NULL, NULL FROM cancel_journal WHERE order_id = ?1 ORDER BY id DESC LIMIT 1";
    for (const auto& id : order_ids) {
        const int v = m_impl->schema_version;
        sqlite::StmtUse s(m_impl->stmt(v >= 9 ? sql_v9 : v >= 5 ? sql_v5 : v >= 4 ? sql_v4 : sql_v3));
        s->bind(1, id);
        if (s->step()) {
            out.emplace(id, read_entry(*s));
        }
    }
    tx.commit();
    return out;
}

std::vector<JournalEntry> Store::journal_flight_page(const JournalPage& page) {
    require_journal(*m_impl);
    // `message_id > ?3` leaves out a row whose MessageID is NULL, and none in flight has one: a
    // row becomes planned only through journal_claim() (or journal_write()) as a numbered message
    // of its feed (CancelService::journal_plan, cancel_send.cpp; a planned row of a gone run that is
    // planned again is renumbered there), submitting and submitted rows are planned rows changed
    // by journal_update(), and a JournalChange cannot assign message_id. Only schema 2 allowed a
    // NULL one in flight, and no asc wrote the journal before schema 3 (the service and schema 3
    // came together, commit 985426a; store_schema.cpp): the v3 migration can carry over only
    // hand-made rows. A store copy (store_copy.cpp) keeps each row's MessageID.
    std::string sql = select_columns(m_impl->schema_version) +
                      "WHERE batch_id = ?1 AND feed_seq = ?2 AND message_id > ?3";
    int next = 4;
    const bool by_run = m_impl->schema_version >= 9 && m_impl->run_id != 0;
    const int run_param = next;
    if (by_run) {
        sql += fmt::format(" AND run_id = ?{}", next++);
    }
    std::vector<std::pair<int, const std::string*>> values;
    if (!page.feed_id.empty()) {
        sql += fmt::format(" AND feed_id = ?{}", next);
        values.emplace_back(next++, &page.feed_id);
    }
    std::vector<std::string> states;
    for (const JournalState state : page.states) {
        states.emplace_back(to_string(state));
    }
    append_states_in(sql, next, states, values);
    sql += fmt::format(" ORDER BY message_id LIMIT ?{}", next);
    sqlite::Stmt s(m_impl->db.get(), sql);
    s.bind(1, page.batch_id);
    s.bind(2, static_cast<std::int64_t>(page.feed_seq));
    s.bind(3, page.after_message_id);
    if (by_run) {
        s.bind(run_param, m_impl->run_id);
    }
    for (const auto& [index, value] : values) {
        s.bind(index, *value);
    }
    s.bind(next, static_cast<std::int64_t>(std::max<std::size_t>(page.limit, 1)));
    std::vector<JournalEntry> out;
    while (s.step()) {
        out.push_back(read_entry(s));
    }
    return out;
}

std::vector<JournalEntry> Store::journal_planned_page(const std::string& after_order_id, std::size_t limit) {
    require_journal(*m_impl);
    // The first term is the WHERE of the partial index cancel_journal_in_flight, spelled alike so
    // that both engines read the rows in flight through it.
    // The first page has no lower bound ("" would bind NULL, and no text sorts below every other
    // in each collation PostgreSQL may use).
    sqlite::Stmt s(m_impl->db.get(),
                   select_columns(m_impl->schema_version) +
                       "WHERE state IN ('planned', 'submitting', 'submitted') AND state = 'planned' " +
                       (after_order_id.empty() ? "" : "AND order_id > ?2 ") + "ORDER BY order_id LIMIT ?1");
    s.bind(1, static_cast<std::int64_t>(std::max<std::size_t>(limit, 1)));
    if (!after_order_id.empty()) {
        s.bind(2, after_order_id);
    }
    std::vector<JournalEntry> out;
    while (s.step()) {
        out.push_back(read_entry(s));
    }
    return out;
}

std::vector<JournalEntry> Store::journal_commerce_owed(std::int64_t after_id, std::size_t limit) {
    require_journal(*m_impl);
    // Through the primary key from `after_id` on: the pages of one pass read the journal once.
    sqlite::Stmt s(m_impl->db.get(), select_columns(m_impl->schema_version) +
                                         "WHERE id > ?1 AND state = ?3 AND commerce_state IN (?4, ?5) "
                                         "ORDER BY id LIMIT ?2");
    s.bind(1, after_id);
    s.bind(2, static_cast<std::int64_t>(std::max<std::size_t>(limit, 1)));
    s.bind(3, to_string(JournalState::Canceled));
    s.bind(4, to_string(CommerceState::Pending));
    s.bind(5, to_string(CommerceState::Failed));
    std::vector<JournalEntry> out;
    while (s.step()) {
        out.push_back(read_entry(s));
    }
    return out;
}

std::vector<JournalEntry> Store::journal_in_flight() {
    return journal_entries(
        JournalFilter{.states = {JournalState::Planned, JournalState::Submitting, JournalState::Submitted}});
}

bool Store::journal_knows_feed(const std::string& feed_id) {
    require_journal(*m_impl);
    sqlite::StmtUse s(m_impl->stmt("SELECT 1 FROM cancel_journal WHERE feed_id = ?1 LIMIT 1"));
    s->bind(1, feed_id);
    return s->step();
}

void bind_journal_entry(sqlite::Stmt& s, const JournalEntry& e) {
    s.bind(1, e.order_id);
    s.bind(2, e.reason);
    s.bind(3, e.batch_id);
    s.bind(4, e.feed_seq);
    s.bind(5, e.feed_document_id);
    s.bind(6, e.feed_id);
    s.bind(7, e.message_id);
    s.bind(8, to_string(e.state));
    s.bind(9, e.result_code);
    s.bind(10, e.result_message);
    s.bind(11, to_unix(e.created_at));
    s.bind(12, to_unix(e.updated_at));
    s.bind(13, to_unix(e.submitted_at));
    s.bind(14, e.marketplace_id);
    s.bind(15, e.run_by);
    s.bind(16, e.commerce_state ? to_string(*e.commerce_state) : std::string_view());
    if (e.id != 0) {
        s.bind(17, e.id);
    }
    s.bind(18, e.commerce_action);
    s.bind(19, e.commerce_creditmemo_id);
    s.bind(20, e.send_timeout ? std::optional<std::int64_t>(e.send_timeout->count()) : std::nullopt);
}

std::vector<std::int64_t> Store::journal_write(std::span<const JournalEntry> rows) {
    return journal_write(rows.size(), [rows](std::size_t i) { return rows[i]; });
}

std::vector<std::int64_t> Store::journal_write(std::size_t count,
                                               const std::function<JournalEntry(std::size_t)>& row) {
    require_journal(*m_impl, 5);
    sqlite::Transaction tx(m_impl->db.get(), sqlite::Transaction::Mode::Write);
    std::vector<std::int64_t> ids;
    ids.reserve(count);
    static constexpr std::string_view insert_sql =
        "INSERT INTO cancel_journal (order_id, reason, batch_id, feed_seq, feed_document_id, feed_id, "
        "message_id, state, result_code, result_message, created_at, updated_at, submitted_at, "
        "marketplace_id, run_by, commerce_state, commerce_action, commerce_creditmemo_id, send_timeout_ms) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?18, ?19, ?20) "
        "RETURNING id";
    static constexpr std::string_view replace_sql =
        "UPDATE cancel_journal SET order_id = ?1, reason = ?2, batch_id = ?3, feed_seq = ?4, "
        "feed_document_id = ?5, feed_id = ?6, message_id = ?7, state = ?8, result_code = ?9, "
        "result_message = ?10, created_at = ?11, updated_at = ?12, submitted_at = ?13, "
        "marketplace_id = ?14, run_by = ?15, commerce_state = ?16, commerce_action = ?18, "
        "commerce_creditmemo_id = ?19, send_timeout_ms = ?20 WHERE id = ?17";
    for (std::size_t i = 0; i < count; ++i) {
        const JournalEntry e = row(i);
        sqlite::StmtUse s(m_impl->stmt(e.id == 0 ? insert_sql : replace_sql));
        bind_journal_entry(*s, e);
        if (s->try_step() == db::Step::UniqueViolation) {
            throw Error(ErrorKind::Temporary,
                        fmt::format("order {} is already in flight in another cancellation", e.order_id),
                        "run `asc cancellations resume` to complete it");
        }
        ids.push_back(e.id != 0 ? e.id : s->int64(0)); // the insert's RETURNING id
    }
    tx.commit();
    return ids;
}

namespace {

// Applies one change (updated_at = `now`) within the caller's transaction.
void apply_journal_change(Store::Impl& impl, const JournalChange& c, Timestamp now) {
    // ?N*2 says whether the field is assigned, ?N*2+1 is its value.
    static constexpr std::string_view sql =
        "UPDATE cancel_journal SET "
        "state = CASE WHEN ?2 THEN ?3 ELSE state END, "
        "feed_document_id = CASE WHEN ?4 THEN ?5 ELSE feed_document_id END, "
        "feed_id = CASE WHEN ?6 THEN ?7 ELSE feed_id END, "
        "submitted_at = CASE WHEN ?8 THEN ?9 ELSE submitted_at END, "
        "result_code = CASE WHEN ?10 THEN ?11 ELSE result_code END, "
        "result_message = CASE WHEN ?12 THEN ?13 ELSE result_message END, "
        "commerce_state = CASE WHEN ?15 THEN ?16 ELSE commerce_state END, "
        "commerce_action = CASE WHEN ?17 THEN ?18 ELSE commerce_action END, "
        "commerce_creditmemo_id = CASE WHEN ?19 THEN ?20 ELSE commerce_creditmemo_id END, "
        "send_timeout_ms = CASE WHEN ?21 THEN ?22 ELSE send_timeout_ms END, "
        "updated_at = ?14 WHERE id = ?1";
    sqlite::StmtUse s(impl.stmt(sql));
    s->bind(1, c.id);
    auto text = [&s](int flag, const std::optional<std::string>& value) {
        s->bind(flag, value.has_value());
        if (value) {
            s->bind(flag + 1, *value);
        }
    };
    text(2, c.state ? std::optional<std::string>(to_string(*c.state)) : std::nullopt);
    text(4, c.feed_document_id);
    text(6, c.feed_id);
    s->bind(8, c.submitted_at.has_value());
    if (c.submitted_at) {
        s->bind(9, to_unix(*c.submitted_at));
    }
    text(10, c.result_code);
    text(12, c.result_message);
    text(15, c.commerce_state ? std::optional<std::string>(to_string(*c.commerce_state)) : std::nullopt);
    text(17, c.commerce_action);
    text(19, c.commerce_creditmemo_id);
    s->bind(21, c.send_timeout.has_value());
    s->bind(22, c.send_timeout && *c.send_timeout
                    ? std::optional<std::int64_t>((*c.send_timeout)->count())
                    : std::nullopt);
    s->bind(14, to_unix(now));
    if (s->try_step() == db::Step::UniqueViolation) {
        throw Error(ErrorKind::Temporary, "an order would be in flight in two cancellations at once",
                    "run `asc cancellations resume` to complete the other one");
    }
}

} // namespace

void Store::journal_update(std::span<const JournalChange> changes, Timestamp now,
                           std::span<const Order> orders) {
    require_journal(*m_impl, 5);
    sqlite::Transaction tx(m_impl->db.get(), sqlite::Transaction::Mode::Write);
    for (const JournalChange& c : changes) {
        apply_journal_change(*m_impl, c, now);
    }
    if (!orders.empty()) {
        upsert_orders(orders); // joins this transaction
    }
    tx.commit();
}

void Store::journal_update_each(std::span<const std::int64_t> ids, JournalChange change, Timestamp now) {
    require_journal(*m_impl, 5);
    sqlite::Transaction tx(m_impl->db.get(), sqlite::Transaction::Mode::Write);
    for (const std::int64_t id : ids) {
        change.id = id;
        apply_journal_change(*m_impl, change, now);
    }
    tx.commit();
}

} // namespace asc
