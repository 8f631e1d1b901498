// The PostgreSQL driver of the connection seam (db.hpp), over libpq: statements prepared once per
// connection and run with text parameters (the server infers each parameter's type from the SQL,
// as SQLite's type affinity would accept it), results read in text format, errors mapped to
// asc::Error by SQLSTATE. The URI is never shown with its password (redact_uri).

#include "asc/base/errors.hpp"
#include "store_pg.hpp"

#include <cctype>
#include <charconv>
#include <fmt/format.h>
#include <libpq-fe.h>
#include <vector>

namespace asc::pg {

namespace {

constexpr Oid k_text_oid = 25;

struct ResultFree {
    void operator()(PGresult* r) const { PQclear(r); }
};
using Result = std::unique_ptr<PGresult, ResultFree>;

std::string primary_message(const PGconn* conn, const PGresult* res) {
    const char* m = res != nullptr ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : nullptr;
    std::string out = m != nullptr ? m : PQerrorMessage(conn);
    while (!out.empty() && (out.back() == '\n' || out.back() == ' ')) {
        out.pop_back();
    }
    return out;
}

} // namespace

bool is_postgres_uri(std::string_view s) {
    return s.starts_with("postgresql://") || s.starts_with("postgres://");
}

std::string redact_uri(std::string_view uri) {
    std::string out(uri);
    // postgresql://user:secret@host/... -> postgresql://user@host/...
    const auto scheme = out.find("://");
    if (scheme != std::string::npos) {
        const auto start = scheme + 3;
        const auto at = out.find('@', start);
        const auto slash = out.find('/', start);
        if (at != std::string::npos && (slash == std::string::npos || at < slash)) {
            const auto colon = out.find(':', start);
            if (colon != std::string::npos && colon < at) {
                out.erase(colon, at - colon);
            }
        }
    }
    // ...?password=secret&... -> drop the parameter
    for (auto p = out.find("password="); p != std::string::npos; p = out.find("password=", p)) {
        if (p == 0 || (out[p - 1] != '?' && out[p - 1] != '&')) {
            ++p;
            continue;
        }
        auto end = out.find('&', p);
        out.erase(p, end == std::string::npos ? std::string::npos : end - p + 1);
    }
    if (!out.empty() && (out.back() == '&' || out.back() == '?')) {
        out.pop_back();
    }
    return out;
}

bool uri_has_password(std::string_view uri) {
    return redact_uri(uri) != uri;
}

void fail(const PGconn* conn, const PGresult* res, std::string_view what, std::string_view shown) {
    const char* state_field = res != nullptr ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : nullptr;
    const std::string state = state_field != nullptr ? state_field : "";
    const std::string message = primary_message(conn, res);
    const std::string_view cls = std::string_view(state).substr(0, std::min<std::size_t>(2, state.size()));
    if (PQstatus(conn) == CONNECTION_BAD || cls == "08" || state.starts_with("57P")) {
        throw Error(ErrorKind::Temporary,
                    fmt::format("lost the connection to the order store {} ({}: {})", shown, what, message),
                    "check that the PostgreSQL server is running and reachable, then run the command again "
                    "(`asc cancellations resume` completes an interrupted cancellation)");
    }
    if (state == "55P03" || cls == "40" || cls == "53") {
        throw Error(ErrorKind::Temporary,
                    fmt::format("the order store {} stayed locked or busy ({}: {})", shown, what, message),
                    "try again when the other asc command has finished");
    }
    if (cls == "28") {
        throw Error(ErrorKind::Config, fmt::format("the order store {} refused the login: {}", shown, message),
                    "put the password in ~/.pgpass (mode 0600) or the file PGPASSFILE names, never in the URI");
    }
    if (state == "3D000" || state == "42501" || cls == "42" || cls == "3F") {
        throw Error(ErrorKind::Config, fmt::format("cannot use the order store {} ({}: {})", shown, what, message),
                    "check the database name and the role's privileges in the store URI");
    }
    throw Error(ErrorKind::Internal, fmt::format("order store {}: {}: {}", shown, what, message));
}

namespace {

// SQLite's placeholders (?N, or ? numbered in order) as PostgreSQL's $N, outside quotes.
// `used[i]` says whether parameter i + 1 appears.
std::string translate(std::string_view sql, std::vector<bool>& used) {
    std::string out;
    out.reserve(sql.size() + 16);
    int next = 1;
    char quote = 0;
    for (std::size_t i = 0; i < sql.size(); ++i) {
        const char c = sql[i];
        if (quote != 0) {
            quote = c == quote ? 0 : quote;
            out += c;
            continue;
        }
        if (c == '\'' || c == '"') {
            quote = c;
            out += c;
            continue;
        }
        if (c != '?') {
            out += c;
            continue;
        }
        int n = 0;
        std::size_t j = i + 1;
        while (j < sql.size() && sql[j] >= '0' && sql[j] <= '9') {
            n = n * 10 + (sql[j] - '0');
            ++j;
        }
        if (j == i + 1) {
            n = next;
        }
        next = n + 1;
        i = j - 1;
        if (used.size() < static_cast<std::size_t>(n)) {
            used.resize(static_cast<std::size_t>(n), false);
        }
        used[static_cast<std::size_t>(n - 1)] = true;
        out += fmt::format("${}", n);
    }
    return out;
}

// A statement of the PostgreSQL driver: prepared on the server once per connection (the
// connection's statement cache), executed with text parameters. A Rows::Many statement inside a
// transaction runs as a cursor (DECLARE ... NO SCROLL CURSOR FOR, prepared like any statement) read
// by FETCH, a chunk of rows at a time.
class PgStmt final : public db::StmtImpl {
  public:
    PgStmt(PgConn& conn, std::string_view sql, db::Rows rows) : m_conn(conn), m_rows(rows) {
        std::vector<bool> used;
        m_sql = translate(sql, used);
        // A parameter the SQL skips has no type to infer: call it text.
        m_types.resize(used.size(), 0);
        for (std::size_t i = 0; i < used.size(); ++i) {
            m_types[i] = used[i] ? 0 : k_text_oid;
        }
        m_params.resize(used.size());
        if (rows == db::Rows::Few) {
            use_variant(false); // prepared now: a mistake in the SQL shows at once
        }
    }
    ~PgStmt() override {
        close_cursor();
        if (!m_name.empty()) {
            m_conn.give_back(m_key, std::move(m_name));
        }
    }
    PgStmt(const PgStmt&) = delete;
    PgStmt& operator=(const PgStmt&) = delete;

    void bind_int(int i, std::int64_t v) override { param(i) = std::to_string(v); }
    void bind_text(int i, std::string_view v) override { param(i) = std::string(v); }
    void bind_null(int i) override { param(i).reset(); }

    db::Step step() override {
        if (!m_executed) {
            m_executed = true;
            if (!execute()) {
                return db::Step::UniqueViolation;
            }
        }
        for (;;) {
            ++m_row;
            if (m_result && m_row < PQntuples(m_result.get())) {
                return db::Step::Row;
            }
            if (!m_cursor_open) {
                return db::Step::Done;
            }
            fetch();
        }
    }
    db::Step try_step() override {
        if (m_executed || PQtransactionStatus(m_conn.raw()) != PQTRANS_INTRANS) {
            return step(); // outside a transaction a failed statement takes nothing else with it
        }
        m_conn.exec("SAVEPOINT asc_try_step");
        db::Step out{};
        try {
            out = step();
        } catch (...) {
            if (PQtransactionStatus(m_conn.raw()) == PQTRANS_INERROR) {
                PQclear(PQexec(m_conn.raw(), "ROLLBACK TO SAVEPOINT asc_try_step; RELEASE SAVEPOINT asc_try_step"));
            }
            throw;
        }
        m_conn.exec(out == db::Step::UniqueViolation
                        ? "ROLLBACK TO SAVEPOINT asc_try_step; RELEASE SAVEPOINT asc_try_step"
                        : "RELEASE SAVEPOINT asc_try_step");
        return out;
    }
    void reset() override {
        close_cursor();
        m_result.reset();
        m_row = -1;
        m_executed = false;
        for (auto& p : m_params) {
            p.reset();
        }
    }
    [[nodiscard]] bool is_null(int col) const override { return PQgetisnull(m_result.get(), m_row, col) == 1; }
    [[nodiscard]] std::int64_t int64(int col) const override {
        const char* v = PQgetvalue(m_result.get(), m_row, col);
        const std::size_t n = static_cast<std::size_t>(PQgetlength(m_result.get(), m_row, col));
        if (n == 1 && (v[0] == 't' || v[0] == 'f')) {
            return v[0] == 't' ? 1 : 0; // a boolean
        }
        std::int64_t out = 0;
        std::from_chars(v, v + n, out);
        return out;
    }
    [[nodiscard]] std::string text(int col) const override {
        if (is_null(col)) {
            return {};
        }
        return {PQgetvalue(m_result.get(), m_row, col),
                static_cast<std::size_t>(PQgetlength(m_result.get(), m_row, col))};
    }
    [[nodiscard]] std::int64_t changes() const override { return m_changes; }

  private:
    std::optional<std::string>& param(int i) {
        if (i < 1 || static_cast<std::size_t>(i) > m_params.size()) {
            throw Error(ErrorKind::Internal, fmt::format("order store: no parameter {} to bind", i));
        }
        return m_params[static_cast<std::size_t>(i - 1)];
    }
    // Makes the prepared statement of the plain or the cursor variant current: from the
    // connection's cache, or prepared now.
    void use_variant(bool cursor) {
        std::string key = (cursor ? "C " : "P ") + m_sql;
        if (!m_name.empty() && key == m_key) {
            return;
        }
        if (!m_name.empty()) {
            m_conn.give_back(m_key, std::move(m_name));
            m_name.clear();
        }
        m_key = std::move(key);
        std::string name = m_conn.take_prepared(m_key);
        if (name.empty()) {
            name = fmt::format("asc_{}", m_conn.next_name());
            const std::string text =
                cursor ? fmt::format("DECLARE {}_c NO SCROLL CURSOR FOR {}", name, m_sql) : m_sql;
            const Result r(PQprepare(m_conn.raw(), name.c_str(), text.c_str(), static_cast<int>(m_types.size()),
                                     m_types.data()));
            if (PQresultStatus(r.get()) != PGRES_COMMAND_OK) {
                fail(m_conn.raw(), r.get(), "prepare", m_conn.shown());
            }
            m_conn.count_prepared();
        }
        m_name = std::move(name);
    }
    // Runs the statement (a cursor's DECLARE and first FETCH). False: it broke a UNIQUE constraint.
    bool execute() {
        const bool cursor = m_rows == db::Rows::Many && PQtransactionStatus(m_conn.raw()) == PQTRANS_INTRANS;
        use_variant(cursor);
        std::vector<const char*> values(m_params.size());
        for (std::size_t i = 0; i < m_params.size(); ++i) {
            values[i] = m_params[i] ? m_params[i]->c_str() : nullptr;
        }
        Result r(PQexecPrepared(m_conn.raw(), m_name.c_str(), static_cast<int>(values.size()), values.data(),
                                nullptr, nullptr, 0));
        const auto status = PQresultStatus(r.get());
        if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK) {
            const char* state = PQresultErrorField(r.get(), PG_DIAG_SQLSTATE);
            if (state != nullptr && std::string_view(state) == "23505") {
                return false; // the caller's transaction is now aborted, unless try_step's savepoint
            }
            fail(m_conn.raw(), r.get(), "query", m_conn.shown());
        }
        const char* tuples = PQcmdTuples(r.get());
        m_changes = tuples != nullptr && *tuples != '\0' ? std::stoll(tuples) : 0;
        m_row = -1;
        if (!cursor) {
            m_result = std::move(r);
            return true;
        }
        m_cursor_open = true;
        m_cursor_generation = m_conn.tx_generation();
        fetch();
        return true;
    }
    // The next chunk of the cursor's rows; closes the cursor after the last one.
    void fetch() {
        const int n = m_conn.fetch_rows();
        m_result.reset(); // the previous chunk's memory goes before the next one comes
        Result r(PQexec(m_conn.raw(), fmt::format("FETCH {} FROM {}_c", n, m_name).c_str()));
        if (PQresultStatus(r.get()) != PGRES_TUPLES_OK) {
            m_cursor_open = false;
            fail(m_conn.raw(), r.get(), "fetch", m_conn.shown());
        }
        m_conn.count_fetch();
        m_row = -1;
        const bool last = PQntuples(r.get()) < n;
        m_result = std::move(r);
        if (last) {
            close_cursor();
        }
    }
    // Closes an open cursor of this transaction (one read to its end is closed already; one of an
    // ended transaction is gone with it).
    void close_cursor() noexcept {
        if (m_cursor_open && m_cursor_generation == m_conn.tx_generation() &&
            PQtransactionStatus(m_conn.raw()) == PQTRANS_INTRANS) {
            PQclear(PQexec(m_conn.raw(), fmt::format("CLOSE {}_c", m_name).c_str()));
        }
        m_cursor_open = false;
    }

    PgConn& m_conn;
    db::Rows m_rows;
    std::string m_sql; // in PostgreSQL's spelling
    std::vector<Oid> m_types;
    std::string m_key;  // the cache key of the prepared statement in use
    std::string m_name; // its name on the server ("" before the first preparation)
    std::vector<std::optional<std::string>> m_params;
    Result m_result;
    int m_row = -1;
    bool m_executed = false;
    bool m_cursor_open = false;
    std::uint64_t m_cursor_generation = 0;
    std::int64_t m_changes = 0;
};

// Whether SQL run through exec() begins or ends a transaction (ROLLBACK TO a savepoint does not).
bool ends_or_begins_transaction(std::string_view sql) {
    std::string head;
    for (const char c : sql.substr(0, 16)) {
        head += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    }
    const auto first = head.find_first_not_of(" \n");
    if (first == std::string::npos) {
        return false;
    }
    const std::string_view h = std::string_view(head).substr(first);
    if (h.starts_with("ROLLBACK TO")) {
        return false;
    }
    for (const std::string_view word : {"BEGIN", "COMMIT", "ROLLBACK", "END", "ABORT", "START"}) {
        if (h.starts_with(word)) {
            return true;
        }
    }
    return false;
}

} // namespace

std::string PgConn::take_prepared(const std::string& key) {
    const auto it = m_idle_by_key.find(key);
    if (it == m_idle_by_key.end()) {
        return {};
    }
    std::string name = std::move(it->second->second);
    m_idle.erase(it->second);
    m_idle_by_key.erase(it);
    return name;
}

void PgConn::give_back(const std::string& key, std::string name) {
    if (m_idle_by_key.contains(key)) {
        deallocate(std::move(name)); // a second copy, prepared while the first was in use
        return;
    }
    m_idle.emplace_front(key, std::move(name));
    m_idle_by_key.emplace(key, m_idle.begin());
    if (m_idle.size() > k_idle_max) {
        auto& [old_key, old_name] = m_idle.back();
        m_idle_by_key.erase(old_key);
        std::string victim = std::move(old_name);
        m_idle.pop_back();
        deallocate(std::move(victim));
    }
}

void PgConn::deallocate(std::string name) {
    m_stale.push_back(std::move(name));
    if (PQstatus(m_conn) != CONNECTION_OK || PQtransactionStatus(m_conn) == PQTRANS_INERROR) {
        return; // later, or never: the server forgets them with the connection
    }
    for (const auto& n : m_stale) {
        PQclear(PQexec(m_conn, fmt::format("DEALLOCATE {}", n).c_str()));
    }
    m_stale.clear();
}

PgConn::PgConn(PGconn* conn, std::string shown) : m_conn(conn), m_shown(std::move(shown)) {}

PgConn::~PgConn() {
    PQfinish(m_conn);
}

std::unique_ptr<db::StmtImpl> PgConn::prepare(std::string_view sql, db::Rows rows) {
    return std::make_unique<PgStmt>(*this, sql, rows);
}

void PgConn::exec(std::string_view sql) {
    if (ends_or_begins_transaction(sql)) {
        ++m_tx_generation;
    }
    const Result r(PQexec(m_conn, std::string(sql).c_str()));
    const auto status = PQresultStatus(r.get());
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
        fail(m_conn, r.get(), "exec", m_shown);
    }
}

bool PgConn::in_transaction() const {
    return PQtransactionStatus(m_conn) != PQTRANS_IDLE;
}

void PgConn::begin(db::TxMode mode) {
    if (mode == db::TxMode::Read) {
        exec("BEGIN ISOLATION LEVEL REPEATABLE READ");
        return;
    }
    // Writers of one store take turns, as SQLite's BEGIN IMMEDIATE makes them: the upserts read
    // before they write, and the journal's checks must see every committed row.
    exec(fmt::format("BEGIN; SELECT pg_advisory_xact_lock({}, {})", k_lock_class_write, m_lock_key));
}

void PgConn::commit() {
    ++m_tx_generation;
    const Result r(PQexec(m_conn, "COMMIT"));
    if (PQresultStatus(r.get()) != PGRES_COMMAND_OK) {
        fail(m_conn, r.get(), "commit", m_shown);
    }
    if (std::string_view(PQcmdStatus(r.get())) != "COMMIT") {
        throw Error(ErrorKind::Temporary, fmt::format("the order store {} rolled the transaction back", m_shown),
                    "run the command again");
    }
}

void PgConn::rollback() noexcept {
    ++m_tx_generation;
    if (PQstatus(m_conn) == CONNECTION_OK) {
        PQclear(PQexec(m_conn, "ROLLBACK"));
    }
}

std::unique_ptr<PgConn> connect(std::string_view uri, std::chrono::milliseconds lock_timeout) {
    const std::string shown = redact_uri(uri);
    if (shown != uri) {
        throw Error(ErrorKind::Config, fmt::format("the store URI {} carries a password", shown),
                    "remove it from the URI and put it in ~/.pgpass (mode 0600) or the file PGPASSFILE "
                    "names: a URI shows up in process lists and shell histories");
    }
    PGconn* raw = PQconnectdb(std::string(uri).c_str());
    auto conn = std::make_unique<PgConn>(raw, shown);
    if (raw == nullptr || PQstatus(raw) != CONNECTION_OK) {
        std::string message = raw != nullptr ? PQerrorMessage(raw) : "out of memory";
        while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) {
            message.pop_back();
        }
        const bool auth = message.find("password") != std::string::npos ||
                          message.find("authentication") != std::string::npos;
        throw Error(auth ? ErrorKind::Config : ErrorKind::Temporary,
                    fmt::format("cannot connect to the order store {}: {}", shown, message),
                    auth ? "put the password in ~/.pgpass (mode 0600) or the file PGPASSFILE names"
                         : "check that the PostgreSQL server is running and reachable, then run the command "
                           "again");
    }
    // Quiet notices (they would go to stderr); waits for locks end like SQLite's busy timeout.
    conn->exec(fmt::format("SET client_min_messages = warning; SET lock_timeout = {}",
                           std::max<std::int64_t>(1, lock_timeout.count())));
    return conn;
}

std::string server_version(PgConn& conn) {
    const int v = PQserverVersion(conn.raw());
    return fmt::format("{}.{}", v / 10000, v % 10000);
}

std::string library_version() {
    const int v = PQlibVersion();
    return fmt::format("{}.{}", v / 10000, v % 10000);
}

} // namespace asc::pg
