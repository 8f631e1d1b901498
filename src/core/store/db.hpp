#pragma once
// The store's connection seam: one interface for a database connection and its statements, with
// two drivers, SQLite (store_sqlite.cpp) and PostgreSQL over libpq (store_pg.cpp). The store's SQL
// is written once, in SQLite's spelling with numbered parameters (?1, ?2, ... or bare ?), using
// only what both engines accept (ON CONFLICT ... DO UPDATE, RETURNING, CASE, COALESCE); the
// PostgreSQL driver rewrites the placeholders to $n. What differs beyond that (DDL, pragmas,
// locks) is asked of dialect(). Not part of the public headers.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

struct sqlite3;

namespace asc::db {

enum class Dialect { Sqlite, Postgres };

// How many rows a statement may return. Many: any number (a listing, a report over every order);
// the PostgreSQL driver then reads them through a cursor, a chunk at a time, so memory stays
// bounded and the connection stays free for other statements between chunks (inside a
// transaction; outside one it reads the whole result). Few: a handful, read in one answer. SQLite
// steps row by row either way.
enum class Rows { Few, Many };

// What one step of a statement produced. UniqueViolation: the statement broke a UNIQUE constraint
// (nothing was changed by it); every other failure throws.
enum class Step { Row, Done, UniqueViolation };

// One prepared statement of a driver. Binding indexes are 1-based, columns 0-based.
class StmtImpl {
  public:
    StmtImpl() = default;
    StmtImpl(const StmtImpl&) = delete;
    StmtImpl& operator=(const StmtImpl&) = delete;
    virtual ~StmtImpl() = default;

    virtual void bind_int(int i, std::int64_t v) = 0;
    virtual void bind_text(int i, std::string_view v) = 0; // never empty (empty binds NULL)
    // Like bind_text, but the driver may keep a pointer to v's bytes instead of copying them: they
    // must stay alive and unchanged until the statement is reset (which clears its bindings) or
    // finalized, or parameter i is bound again. SQLite binds them SQLITE_STATIC.
    virtual void bind_text_ref(int i, std::string_view v) { bind_text(i, v); }
    virtual void bind_null(int i) = 0;
    virtual Step step() = 0;
    // Like step(), for a statement that may break a UNIQUE constraint: on UniqueViolation the
    // statement changed nothing and the caller's transaction goes on as before (SQLite rolls back
    // the statement alone; the PostgreSQL driver runs it inside a SAVEPOINT).
    virtual Step try_step() { return step(); }
    // Resets the statement to run again and clears its bindings.
    virtual void reset() = 0;
    [[nodiscard]] virtual bool is_null(int col) const = 0;
    [[nodiscard]] virtual std::int64_t int64(int col) const = 0;
    [[nodiscard]] virtual std::string text(int col) const = 0;
    // Rows changed by the last completed INSERT/UPDATE/DELETE of this statement.
    [[nodiscard]] virtual std::int64_t changes() const = 0;
};

enum class TxMode { Read, Write };

// One connection of a driver. Used from one thread at a time.
class Conn {
  public:
    Conn() = default;
    Conn(const Conn&) = delete;
    Conn& operator=(const Conn&) = delete;
    virtual ~Conn() = default;

    [[nodiscard]] virtual Dialect dialect() const = 0;
    [[nodiscard]] virtual std::unique_ptr<StmtImpl> prepare(std::string_view sql, Rows rows) = 0;
    // Runs SQL without parameters or results (several statements allowed).
    virtual void exec(std::string_view sql) = 0;
    [[nodiscard]] virtual bool in_transaction() const = 0;
    // Write: writers of one store are serialized, a second one waits (SQLite: BEGIN IMMEDIATE and
    // the busy timeout; PostgreSQL: a transaction-level advisory lock of the store). Read: one
    // consistent snapshot (PostgreSQL: REPEATABLE READ).
    virtual void begin(TxMode mode) = 0;
    virtual void commit() = 0;
    virtual void rollback() noexcept = 0;
    // The SQLite handle behind an SQLite connection (tests, benchmarks, pragmas); else nullptr.
    [[nodiscard]] virtual sqlite3* sqlite_handle() const { return nullptr; }
};

// A statement of any driver, with the store's binding conventions. Move-only.
class Stmt {
  public:
    Stmt() = default;
    Stmt(Conn* conn, std::string_view sql, Rows rows = Rows::Few) : m_impl(conn->prepare(sql, rows)) {}
    // An SQLite statement on a raw handle (the SQLite driver's own schema code).
    Stmt(sqlite3* db, std::string_view sql);
    explicit Stmt(std::unique_ptr<StmtImpl> impl) : m_impl(std::move(impl)) {}

    void bind(int i, std::int64_t v) { m_impl->bind_int(i, v); }
    void bind(int i, int v) { bind(i, static_cast<std::int64_t>(v)); }
    void bind(int i, bool v) { bind(i, static_cast<std::int64_t>(v ? 1 : 0)); }
    // An empty string binds NULL: the store keeps "absent" and "empty" alike as NULL.
    void bind(int i, std::string_view v) {
        if (v.empty()) {
            m_impl->bind_null(i);
        } else {
            m_impl->bind_text(i, v);
        }
    }
    void bind(int i, const std::string& v) { bind(i, std::string_view(v)); }
    // Binds v without copying it (see StmtImpl::bind_text_ref: v must outlive the step and stay
    // unchanged until reset()); empty binds NULL, as bind() does.
    void bind_ref(int i, std::string_view v) {
        if (v.empty()) {
            m_impl->bind_null(i);
        } else {
            m_impl->bind_text_ref(i, v);
        }
    }
    void bind(int i, const char* v) { bind(i, std::string_view(v)); }
    void bind(int i, std::optional<std::int64_t> v) {
        if (v) {
            bind(i, *v);
        } else {
            m_impl->bind_null(i);
        }
    }
    void bind_null(int i) { m_impl->bind_null(i); }

    // Steps once: true when a row is available, false when done. Throws on any error, a broken
    // UNIQUE constraint included (Error(Internal)).
    bool step();
    // Steps once, reporting a broken UNIQUE constraint instead of throwing; after one, the
    // transaction goes on (see StmtImpl::try_step).
    Step try_step() { return m_impl->try_step(); }
    // Steps a statement that returns no rows.
    void run() {
        while (step()) {
        }
    }
    void reset() { m_impl->reset(); }

    [[nodiscard]] bool is_null(int col) const { return m_impl->is_null(col); }
    [[nodiscard]] std::int64_t int64(int col) const { return m_impl->int64(col); }
    [[nodiscard]] int int32(int col) const { return static_cast<int>(m_impl->int64(col)); }
    [[nodiscard]] std::optional<std::int64_t> opt_int64(int col) const {
        if (is_null(col)) {
            return std::nullopt;
        }
        return int64(col);
    }
    [[nodiscard]] std::string text(int col) const { return m_impl->text(col); } // NULL reads as ""
    [[nodiscard]] std::int64_t changes() const { return m_impl->changes(); }

  private:
    std::unique_ptr<StmtImpl> m_impl;
};

// Resets a cached statement when the scope that uses it ends, even by an exception.
class StmtUse {
  public:
    explicit StmtUse(Stmt& s) : m_stmt(s) {}
    StmtUse(const StmtUse&) = delete;
    StmtUse& operator=(const StmtUse&) = delete;
    ~StmtUse() { m_stmt.reset(); }
    Stmt* operator->() { return &m_stmt; }
    Stmt& operator*() { return m_stmt; }

  private:
    Stmt& m_stmt;
};

void exec(Conn* conn, std::string_view sql);
// The single integer a query returns (0 when it returns no row).
std::int64_t query_int(Conn* conn, std::string_view sql);

// A transaction rolled back unless commit() is called (see Conn::begin). Inside an already open
// transaction it does nothing (the outer one decides).
class Transaction {
  public:
    using Mode = TxMode;
    Transaction(Conn* conn, Mode mode);
    // On a raw SQLite handle (the SQLite driver's own schema code).
    Transaction(sqlite3* db, Mode mode);
    Transaction(const Transaction&) = delete;
    Transaction& operator=(const Transaction&) = delete;
    ~Transaction();
    void commit();

  private:
    std::unique_ptr<Conn> m_borrowed; // a non-owning view of a raw SQLite handle
    Conn* m_conn;
    bool m_active = false;
};

// A connection to the SQLite database `db`, owning it (sqlite3_close_v2 on destruction) or not.
std::unique_ptr<Conn> sqlite_conn(sqlite3* db, bool owning);

} // namespace asc::db
