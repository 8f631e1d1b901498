// The PostgreSQL driver of the connection seam (db.hpp), over libpq: statements prepared once per
// connection and run with text parameters (the server infers each parameter's type from the SQL,
// as SQLite's type affinity would accept it), results read in text format, errors mapped to
// asc::Error by SQLSTATE. The URI is never shown with its password (redact_uri).

#include "asc/base/errors.hpp"
#include "store_pg.hpp"

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

class PgStmt final : public db::StmtImpl {
  public:
    PgStmt(PgConn& conn, std::string_view sql) : m_conn(conn), m_name(fmt::format("asc_{}", conn.next_name())) {
        std::vector<bool> used;
        const std::string text = translate(sql, used);
        // A parameter the SQL skips has no type to infer: call it text.
        std::vector<Oid> types(used.size(), 0);
        for (std::size_t i = 0; i < used.size(); ++i) {
            types[i] = used[i] ? 0 : k_text_oid;
        }
        m_params.resize(used.size());
        const Result r(PQprepare(conn.raw(), m_name.c_str(), text.c_str(), static_cast<int>(types.size()),
                                 types.data()));
        if (PQresultStatus(r.get()) != PGRES_COMMAND_OK) {
            fail(conn.raw(), r.get(), "prepare", conn.shown());
        }
    }
    ~PgStmt() override {
        if (PQstatus(m_conn.raw()) == CONNECTION_OK && PQtransactionStatus(m_conn.raw()) != PQTRANS_INERROR) {
            PQclear(PQexec(m_conn.raw(), fmt::format("DEALLOCATE {}", m_name).c_str()));
        }
    }
    PgStmt(const PgStmt&) = delete;
    PgStmt& operator=(const PgStmt&) = delete;

    void bind_int(int i, std::int64_t v) override { param(i) = std::to_string(v); }
    void bind_text(int i, std::string_view v) override { param(i) = std::string(v); }
    void bind_null(int i) override { param(i).reset(); }

    db::Step step() override {
        if (!m_result) {
            execute();
            if (!m_result) {
                return db::Step::UniqueViolation;
            }
        }
        ++m_row;
        return m_row < PQntuples(m_result.get()) ? db::Step::Row : db::Step::Done;
    }
    void reset() override {
        m_result.reset();
        m_row = -1;
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
    void execute() {
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
                return; // UniqueViolation; the caller's transaction is now aborted
            }
            fail(m_conn.raw(), r.get(), "query", m_conn.shown());
        }
        const char* tuples = PQcmdTuples(r.get());
        m_changes = tuples != nullptr && *tuples != '\0' ? std::stoll(tuples) : 0;
        m_row = -1;
        m_result = std::move(r);
    }

    PgConn& m_conn;
    std::string m_name;
    std::vector<std::optional<std::string>> m_params;
    Result m_result;
    int m_row = -1;
    std::int64_t m_changes = 0;
};

} // namespace

PgConn::PgConn(PGconn* conn, std::string shown) : m_conn(conn), m_shown(std::move(shown)) {}

PgConn::~PgConn() {
    PQfinish(m_conn);
}

std::unique_ptr<db::StmtImpl> PgConn::prepare(std::string_view sql) {
    return std::make_unique<PgStmt>(*this, sql);
}

void PgConn::exec(std::string_view sql) {
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
