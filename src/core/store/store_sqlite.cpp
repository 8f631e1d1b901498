// RAII holders and error mapping for SQLite (see store_internal.hpp).

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

Stmt::Stmt(sqlite3* db, std::string_view sql) {
    const int rc = sqlite3_prepare_v3(db, sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT,
                                      &m_stmt, nullptr);
    if (rc != SQLITE_OK) {
        fail(db, rc, "prepare");
    }
}

void Stmt::check_bind(int rc) const {
    if (rc != SQLITE_OK) {
        fail(sqlite3_db_handle(m_stmt), rc, "bind");
    }
}

void Stmt::bind(int i, std::int64_t v) {
    check_bind(sqlite3_bind_int64(m_stmt, i, v));
}

void Stmt::bind(int i, std::string_view v) {
    if (v.empty()) {
        bind_null(i);
        return;
    }
    check_bind(sqlite3_bind_text64(m_stmt, i, v.data(), v.size(), SQLITE_TRANSIENT, SQLITE_UTF8));
}

void Stmt::bind(int i, std::optional<std::int64_t> v) {
    if (v) {
        bind(i, *v);
    } else {
        bind_null(i);
    }
}

void Stmt::bind_null(int i) {
    check_bind(sqlite3_bind_null(m_stmt, i));
}

bool Stmt::step() {
    const int rc = sqlite3_step(m_stmt);
    if (rc == SQLITE_ROW) {
        return true;
    }
    if (rc == SQLITE_DONE) {
        return false;
    }
    sqlite3* db = sqlite3_db_handle(m_stmt);
    sqlite3_reset(m_stmt);
    fail(db, rc, "query");
}

void Stmt::reset() {
    sqlite3_reset(m_stmt);
    sqlite3_clear_bindings(m_stmt);
}

bool Stmt::is_null(int col) const {
    return sqlite3_column_type(m_stmt, col) == SQLITE_NULL;
}

std::int64_t Stmt::int64(int col) const {
    return sqlite3_column_int64(m_stmt, col);
}

int Stmt::int32(int col) const {
    return sqlite3_column_int(m_stmt, col);
}

std::optional<std::int64_t> Stmt::opt_int64(int col) const {
    if (is_null(col)) {
        return std::nullopt;
    }
    return int64(col);
}

std::string Stmt::text(int col) const {
    const auto* p = sqlite3_column_text(m_stmt, col);
    if (p == nullptr) {
        return {};
    }
    const int n = sqlite3_column_bytes(m_stmt, col);
    return {reinterpret_cast<const char*>(p), static_cast<std::size_t>(n)};
}

void exec(sqlite3* db, const char* sql) {
    const int rc = sqlite3_exec(db, sql, nullptr, nullptr, nullptr);
    if (rc != SQLITE_OK) {
        fail(db, rc, "exec");
    }
}

std::int64_t query_int(sqlite3* db, const char* sql) {
    Stmt s(db, sql);
    if (!s.step()) {
        return 0;
    }
    return s.int64(0);
}

Transaction::Transaction(sqlite3* db, Mode mode) : m_db(db) {
    if (sqlite3_get_autocommit(db) == 0) {
        return; // nested: the outer transaction decides
    }
    exec(db, mode == Mode::Write ? "BEGIN IMMEDIATE" : "BEGIN");
    m_active = true;
}

Transaction::~Transaction() {
    if (m_active) {
        sqlite3_exec(m_db, "ROLLBACK", nullptr, nullptr, nullptr);
    }
}

void Transaction::commit() {
    if (m_active) {
        exec(m_db, "COMMIT");
        m_active = false;
    }
}

} // namespace asc::sqlite
