#pragma once
// The PostgreSQL driver of the store's connection seam (store_pg.cpp) and the opening of a
// PostgreSQL store (store_pg_schema.cpp). Not part of the public headers.

#include "db.hpp"

#include <chrono>
#include <memory>
#include <string>
#include <string_view>

typedef struct pg_conn PGconn;     // NOLINT(modernize-use-using): libpq's own spelling
typedef struct pg_result PGresult; // NOLINT(modernize-use-using)

namespace asc::pg {

// The advisory lock classes (the first key of PostgreSQL's two-key advisory locks); the second
// key is the store's (its account schema's) hash. "ASC" + a digit.
constexpr int k_lock_class_write = 0x41534330;   // one writing transaction at a time
constexpr int k_lock_class_migrate = 0x41534331; // one migration at a time
constexpr int k_lock_class_sync = 0x41534332;    // `asc orders sync`
constexpr int k_lock_class_cancel = 0x41534333;  // `asc order cancel`, `cancellations resume`
constexpr int k_lock_class_ship = 0x41534334;    // `asc order ship`

// A connection of the PostgreSQL driver.
class PgConn final : public db::Conn {
  public:
    PgConn(PGconn* conn, std::string shown);
    ~PgConn() override;
    PgConn(const PgConn&) = delete;
    PgConn& operator=(const PgConn&) = delete;

    [[nodiscard]] db::Dialect dialect() const override { return db::Dialect::Postgres; }
    [[nodiscard]] std::unique_ptr<db::StmtImpl> prepare(std::string_view sql) override;
    void exec(std::string_view sql) override;
    [[nodiscard]] bool in_transaction() const override;
    void begin(db::TxMode mode) override;
    void commit() override;
    void rollback() noexcept override;

    [[nodiscard]] PGconn* raw() const { return m_conn; }
    // The URI without its password, for messages.
    [[nodiscard]] const std::string& shown() const { return m_shown; }
    // The second key of this store's advisory locks.
    void set_lock_key(int key) { m_lock_key = key; }
    [[nodiscard]] int lock_key() const { return m_lock_key; }
    int next_name() { return ++m_names; }

  private:
    PGconn* m_conn;
    std::string m_shown;
    int m_lock_key = 0;
    int m_names = 0;
};

// Whether a store setting names a PostgreSQL database rather than an SQLite file.
bool is_postgres_uri(std::string_view s);
// The URI without a password (user:password@ or a password= parameter), for messages and info.
std::string redact_uri(std::string_view uri);

// Connects. Refuses, with Error(Config), a URI that carries a password: libpq reads it from
// ~/.pgpass or the file PGPASSFILE names. A server that cannot be reached: Error(Temporary).
// `lock_timeout` bounds every wait for a lock, as SQLite's busy timeout does.
std::unique_ptr<PgConn> connect(std::string_view uri, std::chrono::milliseconds lock_timeout);

// Throws the asc::Error for a failed libpq call (by SQLSTATE): Temporary for a lost connection, a
// lock or serialization failure; Config for a refused login or a missing database; Internal
// otherwise. Only the server's primary message is shown (never its DETAIL, which may hold values).
[[noreturn]] void fail(const PGconn* conn, const PGresult* res, std::string_view what, std::string_view shown);

// "15.4": the server's version.
std::string server_version(PgConn& conn);
// The linked libpq's version.
std::string library_version();

} // namespace asc::pg
