// Opening a PostgreSQL store: the account's schema, the schema version table, the migrations
// (ported from SQLite's, store_schema.cpp), the advisory locks that replace the lock files, and
// what `asc store info` shows of the server.
//
// One database serves several seller accounts: each account's tables live in their own schema,
// asc_<seller id> (lower case), recorded in public.asc_accounts (seller id -> schema). The store's
// SQL names tables unqualified and the connection's search_path selects the account, so every
// statement written for SQLite runs unchanged. The schema version is the largest version in the
// account schema's asc_schema table (one row per applied migration).

#include "asc/base/errors.hpp"
#include "asc/base/identity.hpp"
#include "asc/base/interrupt.hpp"
#include "store_internal.hpp"
#include "store_pg.hpp"

#include <fmt/format.h>
#include <cctype>
#include <regex>
#include <sys/stat.h>
#include <thread>
#include <unistd.h>

namespace asc {

namespace {

// asc_<account>, from letters, digits and '_' only (a seller id is upper-case alphanumeric).
std::string schema_name(const std::string& account) {
    std::string out = "asc_";
    for (const char c : account) {
        if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_') {
            out += c;
        } else if (c >= 'A' && c <= 'Z') {
            out += static_cast<char>(c - 'A' + 'a');
        }
    }
    return account.empty() ? "asc_default" : out.substr(0, 63);
}

int lock_key(std::string_view schema) {
    std::uint32_t h = 2166136261U;
    for (const char c : schema) {
        h = (h ^ static_cast<unsigned char>(c)) * 16777619U;
    }
    return static_cast<int>(h & 0x7fffffffU);
}

// Migration `version` in PostgreSQL's dialect: SQLite's step with 64-bit integers, identity ids,
// no WITHOUT ROWID, and version 6's trigger as a trigger function. A step using anything else
// SQLite-only fails loudly here (a new migration needs its port).
std::string pg_step(int version) {
    if (version == 10) {
        // SQLite's version 10 rebuilds orders to move order_id's uniqueness into a named index a
        // bulk load can leave out. PostgreSQL keeps its UNIQUE constraint: a bulk write there
        // keeps every index (Store::begin_bulk_write), so nothing changes.
        return {};
    }
    if (version == 11) {
        // SQLite's json_group_array over an ordered subquery, as json_agg(... ORDER BY seq), which
        // orders its input by definition
        // (https://www.postgresql.org/docs/current/sql-expressions.html#SYNTAX-AGGREGATES).
        return R"sql(
ALTER TABLE orders ADD COLUMN money_lines TEXT;
ALTER TABLE orders ADD COLUMN packages TEXT;
UPDATE orders SET money_lines = m.j FROM (
    SELECT order_ref, json_agg(json_build_array(type, minor, scale, currency) ORDER BY seq)::text AS j
    FROM order_money_lines GROUP BY order_ref) AS m
WHERE m.order_ref = orders.id;
UPDATE orders SET packages = p.j FROM (
    SELECT pk.order_ref,
           json_agg(json_build_array(pk.reference_id, pk.carrier, pk.shipping_service, pk.tracking_number,
                                     pk.ship_time, pk.status,
                                     coalesce((SELECT json_agg(json_build_array(pi.order_item_id, pi.quantity)
                                                               ORDER BY pi.seq)
                                               FROM package_items AS pi
                                               WHERE pi.order_ref = pk.order_ref AND pi.package_seq = pk.seq),
                                              '[]'::json))
                    ORDER BY pk.seq)::text AS j
    FROM packages AS pk GROUP BY pk.order_ref) AS p
WHERE p.order_ref = orders.id;
DROP TABLE package_items;
DROP TABLE packages;
DROP TABLE order_money_lines;
)sql";
    }
    std::string sql(store_schema::sqlite_step(version));
    if (version == 1) {
        // SQLite's stamp of the file; the account schema's asc_schema table is PostgreSQL's.
        const auto stamp = sql.find("PRAGMA application_id");
        sql.erase(stamp, sql.find('\n', stamp) - stamp);
    }
    if (version == 6) {
        const auto start = sql.find("CREATE TRIGGER");
        const auto end = sql.find("END;", start);
        sql.replace(start, end + 4 - start, R"sql(
CREATE FUNCTION orders_from_report_cleared() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.from_report = 1 AND NEW.from_report = 1 THEN
        NEW.from_report := 0;
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER orders_from_report_cleared BEFORE UPDATE OF content_hash ON orders
    FOR EACH ROW EXECUTE FUNCTION orders_from_report_cleared();
)sql");
    }
    for (const char* sqlite_only : {"CREATE TRIGGER orders_from_report_cleared AFTER", "INSERT OR ", "PRAGMA",
                                    "strftime", "AUTOINCREMENT"}) {
        if (sql.find(sqlite_only) != std::string::npos) {
            throw Error(ErrorKind::Internal,
                        fmt::format("store schema {} has no PostgreSQL port ('{}')", version, sqlite_only));
        }
    }
    sql = std::regex_replace(sql, std::regex(R"(\bINTEGER PRIMARY KEY\b)"),
                             "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY");
    sql = std::regex_replace(sql, std::regex(R"(\bINTEGER\b)"), "BIGINT");
    sql = std::regex_replace(sql, std::regex(R"(\)\s*WITHOUT ROWID)"), ")");
    return sql;
}

constexpr const char* k_registry = R"sql(
CREATE TABLE IF NOT EXISTS public.asc_accounts (
    seller_id    TEXT PRIMARY KEY,
    schema_name  TEXT NOT NULL UNIQUE,
    created_at   BIGINT NOT NULL
))sql";

// The version of the account schema; -1 when it holds tables but no asc_schema (not an asc store).
int schema_version(db::Conn* conn, const std::string& schema) {
    db::Stmt s(conn, "SELECT (SELECT count(*) FROM information_schema.tables WHERE table_schema = ?1), "
                     "(SELECT count(*) FROM information_schema.tables WHERE table_schema = ?1 "
                     "AND table_name = 'asc_schema')");
    s.bind(1, schema);
    s.step();
    const auto tables = s.int64(0);
    const auto ours = s.int64(1);
    s.reset();
    if (ours == 0) {
        return tables == 0 ? 0 : -1;
    }
    return static_cast<int>(db::query_int(conn, "SELECT coalesce(max(version), 0) FROM asc_schema"));
}

// Creates the schema if needed and migrates it to `target`, under the migration lock, in one
// transaction. Returns the version.
int migrate_pg(pg::PgConn& conn, const std::string& schema, const std::string& account, int target) {
    conn.exec(fmt::format("BEGIN; SELECT pg_advisory_xact_lock({}, {})", pg::k_lock_class_migrate, conn.lock_key()));
    conn.exec(k_registry);
    conn.exec(fmt::format("CREATE SCHEMA IF NOT EXISTS {}; SET LOCAL search_path TO {}", schema, schema));
    const int version = schema_version(&conn, schema);
    if (version < 0) {
        conn.rollback();
        throw Error(ErrorKind::Config,
                    fmt::format("the schema {} of {} is not an asc store (it has tables but no asc_schema)",
                                schema, conn.shown()),
                    "use another database, or another seller id for this profile");
    }
    if (version > store_schema::latest_version()) {
        conn.rollback();
        throw Error(ErrorKind::Config,
                    fmt::format("{} (schema {}) was written by a newer asc (schema {}, this asc knows up to {})",
                                conn.shown(), schema, version, store_schema::latest_version()),
                    "upgrade asc on this host (every host sharing the store needs the newer asc)");
    }
    if (version == 0) {
        conn.exec("CREATE TABLE asc_schema (version BIGINT PRIMARY KEY, applied_at BIGINT NOT NULL)");
    }
    for (int v = version + 1; v <= target; ++v) {
        if (const std::string step = pg_step(v); !step.empty()) {
            conn.exec(step);
        }
        conn.exec(fmt::format("INSERT INTO asc_schema (version, applied_at) VALUES ({}, "
                              "extract(epoch FROM now())::bigint)",
                              v));
    }
    db::Stmt reg(&conn, "INSERT INTO public.asc_accounts (seller_id, schema_name, created_at) "
                        "VALUES (?1, ?2, extract(epoch FROM now())::bigint) ON CONFLICT DO NOTHING");
    reg.bind(1, account.empty() ? std::string("(default)") : account);
    reg.bind(2, schema);
    reg.run();
    reg.reset();
    conn.commit();
    return std::max(version, target);
}

// "asc user@host pid N": who this connection is, for `store info` and lock messages.
std::string application_name() {
    return fmt::format("asc {} pid {}", current_user_at_host(), ::getpid());
}

// The URI with libpq's passfile parameter when a password file is set, after checking the file is
// private (libpq itself would only warn on stderr and ignore it).
std::string with_password_file(const std::string& uri, const std::filesystem::path& file) {
    if (file.empty()) {
        return uri;
    }
    struct stat st {};
    if (::stat(file.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) {
        throw Error(ErrorKind::Config, fmt::format("the store password file {} does not exist", file.string()),
                    "create it in ~/.pgpass format (host:port:database:user:password), mode 0600, or unset "
                    "store_password_file");
    }
    if ((st.st_mode & 077) != 0) {
        throw Error(ErrorKind::Config,
                    fmt::format("the store password file {} is readable by other users", file.string()),
                    fmt::format("chmod 600 {}", file.string()));
    }
    std::string out = uri;
    out += uri.find('?') == std::string::npos ? '?' : '&';
    out += "passfile=";
    for (const char c : file.string()) { // percent-encode all but unreserved characters
        const bool plain = std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '/' || c == '.' || c == '-' ||
                           c == '_' || c == '~';
        out += plain ? std::string(1, c) : fmt::format("%{:02X}", static_cast<unsigned char>(c));
    }
    return out;
}

} // namespace

std::unique_ptr<Store::Impl> open_postgres(const std::string& uri_setting, const StoreOptions& options, int target) {
    if (pg::redact_uri(uri_setting) != uri_setting) {
        pg::connect(uri_setting, options.busy_timeout); // refuses it, naming the URI without the password
    }
    const std::string uri = with_password_file(uri_setting, options.password_file);
    auto conn = pg::connect(uri, options.busy_timeout);
    const std::string schema = schema_name(options.account);
    conn->set_lock_key(lock_key(schema));
    {
        db::Stmt name(conn.get(), "SELECT set_config('application_name', ?1, false)");
        name.bind(1, application_name());
        name.run();
        name.reset();
    }
    const int version = migrate_pg(*conn, schema, options.account, target);
    conn->exec(fmt::format("SET search_path TO {}", schema));
    auto impl = std::make_unique<Store::Impl>();
    impl->uri_shown = conn->shown();
    impl->pg_uri = uri;
    impl->pg_schema = schema;
    impl->db = std::move(conn);
    impl->options = options;
    impl->schema_version = version;
    return impl;
}

SyncLock take_pg_lock(Store::Impl& impl, int lock_class, std::chrono::milliseconds wait, std::string_view holder,
                      std::string_view what) {
    auto& conn = static_cast<pg::PgConn&>(*impl.db);
    const auto deadline = std::chrono::steady_clock::now() + wait;
    const std::string take = fmt::format("SELECT pg_try_advisory_lock({}, {})", lock_class, conn.lock_key());
    for (;;) {
        if (db::query_int(&conn, take) != 0) {
            break;
        }
        if (interrupted()) {
            throw Error(ErrorKind::Interrupted, fmt::format("interrupted while waiting for another {} to finish", what));
        }
        if (std::chrono::steady_clock::now() >= deadline) {
            db::Stmt who(&conn, "SELECT a.application_name FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
                                "WHERE l.locktype = 'advisory' AND l.classid = ?1 AND l.objid = ?2 AND l.granted");
            who.bind(1, static_cast<std::int64_t>(static_cast<std::uint32_t>(lock_class)));
            who.bind(2, static_cast<std::int64_t>(conn.lock_key()));
            const std::string by = who.step() ? who.text(0) : std::string("another host");
            who.reset();
            throw Error(ErrorKind::Temporary, fmt::format("another {} is running for this store ({})", holder, by),
                        "wait for it to finish, then run the command again");
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    db::Conn* raw = impl.db.get();
    const std::string release = fmt::format("SELECT pg_advisory_unlock({}, {})", lock_class, conn.lock_key());
    return SyncLock(std::function<void()>([raw, release] {
        try {
            db::query_int(raw, release);
        } catch (const Error&) {
            // The connection is gone: the server released the lock with it.
        }
    }));
}

std::vector<std::string> pg_completion_ids(const std::string& uri, const StoreOptions& options, std::string_view sql,
                                           const std::string& lower, const std::string& upper) {
    // Tab must stay fast: a short connect timeout, a short statement timeout, reads only.
    std::string quick = with_password_file(uri, options.password_file);
    quick += quick.find('?') == std::string::npos ? "?connect_timeout=2" : "&connect_timeout=2";
    const auto conn = pg::connect(quick, std::chrono::milliseconds(200));
    conn->exec(fmt::format("SET search_path TO {}; SET statement_timeout = 1000; "
                           "SET default_transaction_read_only = on",
                           schema_name(options.account)));
    db::Stmt s(conn.get(), sql);
    s.bind(1, lower);
    s.bind(2, upper);
    std::vector<std::string> out;
    while (s.step()) {
        out.push_back(s.text(0));
    }
    s.reset();
    return out;
}

bool is_postgres_store(std::string_view setting) {
    return pg::is_postgres_uri(setting);
}

std::string redact_store_setting(std::string_view setting) {
    return pg::is_postgres_uri(setting) ? pg::redact_uri(setting) : std::string(setting);
}

namespace {

// The read-modify-write of update_shared_text, inside the caller's transaction.
void update_meta_text(db::Conn* conn, bool row_lock, std::string_view key,
                      const std::function<void(std::string&)>& fn) {
    {
        db::Stmt ins(conn, "INSERT INTO meta (key, value) VALUES (?1, '') ON CONFLICT (key) DO NOTHING");
        ins.bind(1, key);
        ins.run();
    }
    std::string text;
    {
        db::Stmt get(conn, row_lock ? "SELECT value FROM meta WHERE key = ?1 FOR UPDATE"
                                    : "SELECT value FROM meta WHERE key = ?1");
        get.bind(1, key);
        if (get.step()) {
            text = get.text(0);
        }
        get.reset();
    }
    fn(text);
    db::Stmt put(conn, "UPDATE meta SET value = coalesce(?2, '') WHERE key = ?1");
    put.bind(1, key);
    put.bind(2, text);
    put.run();
}

} // namespace

void Store::update_shared_text(std::string_view key, const std::function<void(std::string&)>& fn) {
    Impl& impl = *m_impl;
    if (impl.schema_version < 2) {
        throw Error(ErrorKind::Internal, "shared state needs store schema 2");
    }
    if (!impl.postgres()) {
        db::Transaction tx(impl.db.get(), db::TxMode::Write);
        update_meta_text(impl.db.get(), false, key, fn);
        tx.commit();
        return;
    }
    if (!impl.side) {
        auto side = pg::connect(impl.pg_uri, impl.options.busy_timeout);
        side->exec(fmt::format("SET search_path TO {}", impl.pg_schema));
        impl.side = std::move(side);
    }
    // A plain transaction: the row lock (FOR UPDATE) alone serializes the hosts, without the
    // store's writer lock that a sync's page writes hold.
    impl.side->exec("BEGIN");
    try {
        update_meta_text(impl.side.get(), true, key, fn);
        impl.side->commit();
    } catch (...) {
        impl.side->rollback();
        throw;
    }
}

std::string_view Store::backend() const {
    return m_impl->postgres() ? "postgresql" : "sqlite";
}

void Store::exec_sql(std::string_view sql) {
    m_impl->db->exec(sql);
}

// The PostgreSQL side of info(): the server's version and who holds the store's locks.
void pg_info(Store::Impl& impl, StoreInfo& info) {
    auto& conn = static_cast<pg::PgConn&>(*impl.db);
    info.backend = "postgresql";
    info.location = impl.uri_shown;
    info.account_schema = impl.pg_schema;
    info.server_version = pg::server_version(conn);
    db::Stmt who(&conn, "SELECT CASE l.classid WHEN ?1 THEN 'sync' WHEN ?2 THEN 'cancel' ELSE 'ship' END, "
                        "a.application_name FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
                        "WHERE l.locktype = 'advisory' AND l.granted AND l.objid = ?3 AND l.classid IN (?1, ?2, ?4) "
                        "ORDER BY 1, 2");
    who.bind(1, static_cast<std::int64_t>(pg::k_lock_class_sync));
    who.bind(2, static_cast<std::int64_t>(pg::k_lock_class_cancel));
    who.bind(3, static_cast<std::int64_t>(conn.lock_key()));
    who.bind(4, static_cast<std::int64_t>(pg::k_lock_class_ship));
    while (who.step()) {
        info.lock_holders.push_back(fmt::format("{}: {}", who.text(0), who.text(1)));
    }
    who.reset();
    pg_claim_holders(impl, info);
}

} // namespace asc
