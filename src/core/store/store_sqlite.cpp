// The SQLite driver of the connection seam (db.hpp), its error mapping, and the seam's
// driver-independent parts (Stmt::step, Transaction).

#include "asc/base/errors.hpp"
#include "store_internal.hpp"

#include <fmt/format.h>

namespace asc::sqlite {

void fail(sqlite3* db, int rc, std::string_view what) {
    const int primary = rc & 0xff;
    const char* message = db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
    switch (primary) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
        throw Error(ErrorKind::Temporary,
                    fmt::format("the order store stayed locked by another asc process ({})", what),
                    "try again when the other asc command has finished");
    case SQLITE_NOTADB:
    case SQLITE_CORRUPT:
        throw Error(ErrorKind::Config, fmt::format("the order store is damaged ({}: {})", what, message),
                    "move the store file away; `asc orders sync` rebuilds it");
    case SQLITE_FULL:
        throw Error(ErrorKind::Temporary, fmt::format("the order store's disk is full ({})", what),
                    "free some space and run the command again");
    case SQLITE_IOERR:
        // What a full disk often looks like to SQLite (a write of the WAL or of its index failed).
        throw Error(ErrorKind::Temporary,
                    fmt::format("the order store could not be written or read ({}: {})", what, message),
                    "check that its disk is not full and is healthy (df -h), then run the command again");
    case SQLITE_READONLY:
        if (db != nullptr && sqlite3_db_readonly(db, "main") == 1) {
            const char* file = sqlite3_db_filename(db, "main");
            throw_read_only(file != nullptr ? file : "", "opened read-only",
                            fmt::format("this command writes to it ({})", what));
        }
        [[fallthrough]];
    case SQLITE_CANTOPEN:
    case SQLITE_PERM:
        throw Error(ErrorKind::Config, fmt::format("cannot write the order store ({}: {})", what, message),
                    "check the permissions of the store file and its directory");
    default:
        throw Error(ErrorKind::Internal, fmt::format("order store: {}: {}", what, message));
    }
}

namespace {

// A statement of the SQLite driver.
class SqliteStmt final : public db::StmtImpl {
  public:
    SqliteStmt(sqlite3* db, std::string_view sql) {
        const int rc = sqlite3_prepare_v3(db, sql.data(), static_cast<int>(sql.size()),
                                          SQLITE_PREPARE_PERSISTENT, &m_stmt, nullptr);
        if (rc != SQLITE_OK) {
            fail(db, rc, "prepare");
        }
    }
    ~SqliteStmt() override { sqlite3_finalize(m_stmt); }
    SqliteStmt(const SqliteStmt&) = delete;
    SqliteStmt& operator=(const SqliteStmt&) = delete;

    void bind_int(int i, std::int64_t v) override { check_bind(sqlite3_bind_int64(m_stmt, i, v)); }
    void bind_text(int i, std::string_view v) override {
        check_bind(sqlite3_bind_text64(m_stmt, i, v.data(), v.size(), SQLITE_TRANSIENT, SQLITE_UTF8));
    }
    void bind_text_ref(int i, std::string_view v) override {
        check_bind(sqlite3_bind_text64(m_stmt, i, v.data(), v.size(), SQLITE_STATIC, SQLITE_UTF8));
    }
    void bind_null(int i) override { check_bind(sqlite3_bind_null(m_stmt, i)); }

    db::Step step() override {
        const int rc = sqlite3_step(m_stmt);
        if (rc == SQLITE_ROW) {
            return db::Step::Row;
        }
        if (rc == SQLITE_DONE) {
            m_changes = sqlite3_changes64(sqlite3_db_handle(m_stmt));
            return db::Step::Done;
        }
        sqlite3* db = sqlite3_db_handle(m_stmt);
        sqlite3_reset(m_stmt);
        if (rc == SQLITE_CONSTRAINT_UNIQUE || rc == SQLITE_CONSTRAINT_PRIMARYKEY) {
            return db::Step::UniqueViolation;
        }
        fail(db, rc, "query");
    }
    void reset() override {
        sqlite3_reset(m_stmt);
        sqlite3_clear_bindings(m_stmt);
    }
    [[nodiscard]] bool is_null(int col) const override {
        return sqlite3_column_type(m_stmt, col) == SQLITE_NULL;
    }
    [[nodiscard]] std::int64_t int64(int col) const override { return sqlite3_column_int64(m_stmt, col); }
    [[nodiscard]] std::string text(int col) const override {
        const auto* p = sqlite3_column_text(m_stmt, col);
        if (p == nullptr) {
            return {};
        }
        const int n = sqlite3_column_bytes(m_stmt, col);
        return {reinterpret_cast<const char*>(p), static_cast<std::size_t>(n)};
    }
    [[nodiscard]] std::int64_t changes() const override { return m_changes; }

  private:
    void check_bind(int rc) const {
        if (rc != SQLITE_OK) {
            fail(sqlite3_db_handle(m_stmt), rc, "bind");
        }
    }
    sqlite3_stmt* m_stmt = nullptr;
    std::int64_t m_changes = 0;
};

// A connection of the SQLite driver.
class SqliteConn final : public db::Conn {
  public:
    SqliteConn(sqlite3* db, bool owning) : m_db(db), m_owning(owning) {}
    ~SqliteConn() override {
        if (m_owning) {
            sqlite3_close_v2(m_db);
        }
    }
    SqliteConn(const SqliteConn&) = delete;
    SqliteConn& operator=(const SqliteConn&) = delete;

    [[nodiscard]] db::Dialect dialect() const override { return db::Dialect::Sqlite; }
    [[nodiscard]] std::unique_ptr<db::StmtImpl> prepare(std::string_view sql, db::Rows /*rows*/) override {
        return std::make_unique<SqliteStmt>(m_db, sql);
    }
    void exec(std::string_view sql) override { sqlite::exec(m_db, std::string(sql).c_str()); }
    [[nodiscard]] bool in_transaction() const override { return sqlite3_get_autocommit(m_db) == 0; }
    void begin(db::TxMode mode) override {
        sqlite::exec(m_db, mode == db::TxMode::Write ? "BEGIN IMMEDIATE" : "BEGIN");
    }
    void commit() override { sqlite::exec(m_db, "COMMIT"); }
    void rollback() noexcept override { sqlite3_exec(m_db, "ROLLBACK", nullptr, nullptr, nullptr); }
    [[nodiscard]] sqlite3* sqlite_handle() const override { return m_db; }

  private:
    sqlite3* m_db;
    bool m_owning;
};

} // namespace

void exec(sqlite3* db, const char* sql) {
    const int rc = sqlite3_exec(db, sql, nullptr, nullptr, nullptr);
    if (rc != SQLITE_OK) {
        fail(db, rc, "exec");
    }
}

std::int64_t query_int(sqlite3* db, const char* sql) {
    SqliteStmt s(db, sql);
    if (s.step() != db::Step::Row) {
        return 0;
    }
    return s.int64(0);
}

} // namespace asc::sqlite

namespace asc::db {

std::unique_ptr<Conn> sqlite_conn(sqlite3* db, bool owning) {
    return std::make_unique<sqlite::SqliteConn>(db, owning);
}

Stmt::Stmt(sqlite3* db, std::string_view sql) : m_impl(std::make_unique<sqlite::SqliteStmt>(db, sql)) {}

bool Stmt::step() {
    switch (m_impl->step()) {
    case Step::Row:
        return true;
    case Step::Done:
        return false;
    case Step::UniqueViolation:
        break;
    }
    throw Error(ErrorKind::Internal, "order store: a write broke a UNIQUE constraint");
}

void exec(Conn* conn, std::string_view sql) {
    conn->exec(sql);
}

std::int64_t query_int(Conn* conn, std::string_view sql) {
    Stmt s(conn, sql);
    if (!s.step()) {
        return 0;
    }
    return s.int64(0);
}

Transaction::Transaction(Conn* conn, Mode mode) : m_conn(conn) {
    if (conn->in_transaction()) {
        return; // nested: the outer transaction decides
    }
    conn->begin(mode);
    m_active = true;
}

Transaction::Transaction(sqlite3* db, Mode mode)
    : m_borrowed(sqlite_conn(db, false)), m_conn(m_borrowed.get()) {
    if (m_conn->in_transaction()) {
        return;
    }
    m_conn->begin(mode);
    m_active = true;
}

Transaction::~Transaction() {
    if (m_active) {
        m_conn->rollback();
    }
}

void Transaction::commit() {
    if (m_active) {
        m_conn->commit();
        m_active = false;
    }
}

} // namespace asc::db
