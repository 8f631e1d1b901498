// Completion's window on the store: a read-only query that never creates, migrates or waits, on
// an SQLite file or a PostgreSQL store.

#include "asc/store/store.hpp"
#include "store_internal.hpp"

#include <memory>
#include <sqlite3.h>
#include <system_error>

namespace asc {

namespace {

struct DbCloser {
    void operator()(sqlite3* db) const { sqlite3_close(db); }
};
struct StmtFinalizer {
    void operator()(sqlite3_stmt* stmt) const { sqlite3_finalize(stmt); }
};

const char* sql_for(CompletionKind kind) {
    switch (kind) {
    case CompletionKind::order_ids:
        return "SELECT order_id FROM orders WHERE order_id >= ?1 AND order_id < ?2 "
               "ORDER BY purchase_date DESC LIMIT 1000";
    case CompletionKind::feed_ids:
        return "SELECT feed_id FROM cancel_journal WHERE feed_id >= ?1 AND feed_id < ?2 "
               "GROUP BY feed_id ORDER BY max(created_at) DESC LIMIT 200";
    }
    return "";
}

} // namespace

std::vector<std::string> completion_ids(const std::filesystem::path& path, CompletionKind kind,
                                        std::string_view prefix) noexcept {
    std::vector<std::string> out;
    try {
        std::error_code ec;
        if (path.empty() || !std::filesystem::is_regular_file(path, ec)) {
            return out;
        }
        sqlite3* raw = nullptr;
        const int rc = sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READONLY, nullptr);
        const std::unique_ptr<sqlite3, DbCloser> db(raw);
        if (rc != SQLITE_OK) {
            return out;
        }
        sqlite3_busy_timeout(db.get(), 200);
        sqlite3_stmt* raw_stmt = nullptr;
        if (sqlite3_prepare_v2(db.get(), sql_for(kind), -1, &raw_stmt, nullptr) != SQLITE_OK) {
            return out; // an older or foreign schema
        }
        const std::unique_ptr<sqlite3_stmt, StmtFinalizer> stmt(raw_stmt);
        // Ids are ASCII: [prefix, prefix + DEL) is every id that starts with the prefix.
        const std::string lower(prefix);
        const std::string upper = lower + '\x7f';
        sqlite3_bind_text(stmt.get(), 1, lower.c_str(), static_cast<int>(lower.size()), SQLITE_TRANSIENT);
        sqlite3_bind_text(stmt.get(), 2, upper.c_str(), static_cast<int>(upper.size()), SQLITE_TRANSIENT);
        while (sqlite3_step(stmt.get()) == SQLITE_ROW) {
            if (const auto* text = sqlite3_column_text(stmt.get(), 0); text != nullptr) {
                out.emplace_back(reinterpret_cast<const char*>(text));
            }
        }
    } catch (const std::exception&) {
        out.clear(); // out of memory: nothing to offer on Tab
    }
    return out;
}

std::vector<std::string> completion_ids(const std::string& setting, const StoreOptions& options, CompletionKind kind,
                                        std::string_view prefix) noexcept {
    if (!is_postgres_store(setting)) {
        return completion_ids(std::filesystem::path(setting), kind, prefix);
    }
    try {
        const std::string lower(prefix);
        return pg_completion_ids(setting, options, sql_for(kind), lower, lower + '\x7f');
    } catch (const std::exception&) {
        return {}; // no server, no such account, an older schema: nothing to offer on Tab
    }
}

std::string store_library_version() {
    return sqlite3_libversion();
}

} // namespace asc
