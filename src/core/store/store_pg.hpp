#pragma once
// The PostgreSQL driver of the store's connection seam (store_pg.cpp) and the opening of a
// PostgreSQL store (store_pg_schema.cpp). Not part of the public headers.

#include "db.hpp"

#include <chrono>
#include <cstdint>
#include <list>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

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
constexpr int k_lock_class_commerce = 0x41534335; // the Magento step of one order (the key: a hash)

// A connection of the PostgreSQL driver.
//
// Its statement cache: the statements prepared on the server, by their SQL, live as long as the
// connection, so a statement built again for the same SQL (a cached listing run twice, a lock
// poll) is neither parsed nor planned again, and nothing is deallocated per use. A statement is
// checked out by one PgStmt at a time; a second PgStmt of the same SQL meanwhile prepares its own
// (its cursor name must differ too), and the copy that finds the cache already holding its SQL
// when it is given back is deallocated. Up to k_idle_max idle statements are kept, the least
// recently used deallocated beyond that.
class PgConn final : public db::Conn {
  public:
    static constexpr std::size_t k_idle_max = 64;
    // Rows read per FETCH of a Rows::Many statement's cursor.
    static constexpr int k_default_fetch_rows = 1000;

    PgConn(PGconn* conn, std::string shown);
    ~PgConn() override;
    PgConn(const PgConn&) = delete;
    PgConn& operator=(const PgConn&) = delete;

    [[nodiscard]] db::Dialect dialect() const override { return db::Dialect::Postgres; }
    [[nodiscard]] std::unique_ptr<db::StmtImpl> prepare(std::string_view sql, db::Rows rows) override;
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

    // The statement cache (see above): the name of an idle prepared statement of `key`, taken out
    // of the cache, or "" when there is none; and giving one back after use.
    std::string take_prepared(const std::string& key);
    void give_back(const std::string& key, std::string name);
    // Deallocates a prepared statement now, or when the transaction is no longer in error.
    void deallocate(std::string name);
    // Statements prepared on the server so far, and FETCHes run (for tests).
    [[nodiscard]] std::int64_t prepared_count() const { return m_prepared; }
    void count_prepared() { ++m_prepared; }
    [[nodiscard]] std::int64_t fetch_count() const { return m_fetches; }
    void count_fetch() { ++m_fetches; }
    [[nodiscard]] int fetch_rows() const { return m_fetch_rows; }
    void set_fetch_rows(int n) { m_fetch_rows = n < 1 ? 1 : n; }
    // Changes whenever a transaction begins or ends: a cursor belongs to the transaction it was
    // declared in.
    [[nodiscard]] std::uint64_t tx_generation() const { return m_tx_generation; }

  private:
    PGconn* m_conn;
    std::string m_shown;
    int m_lock_key = 0;
    int m_names = 0;
    std::uint64_t m_tx_generation = 0;
    std::int64_t m_prepared = 0;
    std::int64_t m_fetches = 0;
    int m_fetch_rows = k_default_fetch_rows;
    // Idle prepared statements, most recently used first, and where each key is in that list.
    std::list<std::pair<std::string, std::string>> m_idle;
    std::unordered_map<std::string, std::list<std::pair<std::string, std::string>>::iterator> m_idle_by_key;
    std::vector<std::string> m_stale; // to deallocate once the transaction is out of error
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
