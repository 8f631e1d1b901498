// The store's file: creating it safely, checking it is ours, pragmas, migrations, and the sync
// lock. Upserts, marks and info are in store.cpp, queries in store_query.cpp, the schema in
// store_schema.cpp.

#include "asc/base/errors.hpp"
#include "asc/base/interrupt.hpp"
#include "store_internal.hpp"
#include "store_pg.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <fmt/format.h>
#include <mutex>
#include <sys/file.h>
#include <sys/stat.h>
#include <thread>
#include <unistd.h>

namespace asc {

namespace fs = std::filesystem;

namespace {

// ----------------------------------------------------------------------------------------------
// Opening.

[[noreturn]] void not_a_store(const fs::path& path, std::string_view why) {
    throw Error(ErrorKind::Config, fmt::format("{} is not an asc store ({})", path.string(), why),
                "move it away or point --store/ASC_STORE elsewhere");
}

// Creates the directory (0700) if missing, then the file (0600) if missing. Checks that an
// existing file starts like an SQLite database, without writing to it.
void prepare_file(const fs::path& path) {
    const fs::path parent = path.parent_path();
    if (!parent.empty()) {
        std::error_code ec;
        if (!fs::exists(parent, ec)) {
            fs::create_directories(parent, ec);
            if (ec) {
                throw Error(
                    ErrorKind::Config,
                    fmt::format("cannot create the store directory {}: {}", parent.string(), ec.message()),
                    "create it, or point --store/ASC_STORE elsewhere");
            }
            fs::permissions(parent, fs::perms::owner_all, fs::perm_options::replace, ec);
        }
    }
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) {
        if (errno != ENOENT) {
            throw Error(ErrorKind::Config,
                        fmt::format("cannot read {}: {}", path.string(), std::strerror(errno)));
        }
        const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
        if (fd < 0 && errno != EEXIST) {
            throw Error(ErrorKind::Config,
                        fmt::format("cannot create the store {}: {}", path.string(), std::strerror(errno)),
                        "check the directory's permissions, or point --store/ASC_STORE elsewhere");
        }
        if (fd >= 0) {
            ::close(fd);
        }
        return;
    }
    if (S_ISDIR(st.st_mode)) {
        not_a_store(path, "it is a directory");
    }
    if (!S_ISREG(st.st_mode)) {
        not_a_store(path, "it is not a regular file");
    }
    if (st.st_size == 0) {
        return; // an empty file is an empty database
    }
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        throw Error(ErrorKind::Config, fmt::format("cannot read {}: {}", path.string(), std::strerror(errno)),
                    "check the file's permissions");
    }
    std::array<char, 16> header{};
    const auto n = ::read(fd, header.data(), header.size());
    ::close(fd);
    constexpr std::string_view k_magic{"SQLite format 3\0", 16};
    if (n != static_cast<ssize_t>(header.size()) ||
        std::string_view(header.data(), header.size()) != k_magic) {
        not_a_store(path, "file is not a database");
    }
}

// Why this process cannot write the store at `path` (an existing file), or "" when it can. The
// directory counts too: SQLite keeps the -wal and -shm files beside the database. access(2)
// answers for the real user, and a read-only filesystem answers EROFS even to root.
std::string read_only_reason(const fs::path& path) {
    const auto denied = [](const fs::path& p) -> std::string {
        if (::access(p.c_str(), W_OK) == 0) {
            return {};
        }
        if (errno == EROFS || errno == EACCES || errno == EPERM) {
            return std::strerror(errno);
        }
        return {};
    };
    if (std::string why = denied(path); !why.empty()) {
        return why;
    }
    const fs::path dir = path.parent_path().empty() ? fs::path(".") : path.parent_path();
    if (std::string why = denied(dir); !why.empty()) {
        return why + " (its directory)";
    }
    return {};
}

// "file:/path?..." with the characters a URI path cannot hold percent-encoded.
std::string sqlite_uri(const fs::path& path, std::string_view query) {
    std::string uri = "file:";
    for (const char c : path.string()) {
        if (c == '?' || c == '#' || c == '%') {
            uri += fmt::format("%{:02X}", static_cast<unsigned char>(c));
        } else {
            uri += c;
        }
    }
    uri += '?';
    uri += query;
    return uri;
}

// Opens an existing store that cannot be written. With its -wal file present (an asc process
// ended without checkpointing) SQLite must read it, so mode=ro; without one, nothing can create
// the -shm file SQLite needs for WAL, and immutable=1 reads the database file alone (nothing can
// change it while its filesystem or permissions forbid writing).
sqlite::Db open_read_only(const fs::path& path) {
    fs::path wal = path;
    wal += "-wal";
    std::error_code ec;
    const std::string uri = sqlite_uri(path, fs::exists(wal, ec) ? "mode=ro" : "immutable=1");
    sqlite3* raw = nullptr;
    const int rc = sqlite3_open_v2(uri.c_str(), &raw, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI | SQLITE_OPEN_NOMUTEX,
                                   nullptr);
    sqlite::Db db(raw);
    if (rc != SQLITE_OK) {
        sqlite::fail(raw, rc, fmt::format("open {} read-only", path.string()));
    }
    return db;
}

// Checks the schema is ours and not too new, sets the pragmas and migrates.
int configure(sqlite3* db, const fs::path& path, const StoreOptions& options, int target,
              const std::string& read_only) {
    sqlite3_extended_result_codes(db, 1);
    sqlite3_busy_timeout(db, static_cast<int>(std::clamp<std::int64_t>(options.busy_timeout.count(), 0,
                                                                       std::int64_t{1} << 30)));
    const std::string shown = path.empty() ? std::string(":memory:") : path.string();

    std::int64_t version = 0;
    std::int64_t app_id = 0;
    std::int64_t objects = 0;
    try {
        // One statement, so one snapshot: another asc creating this store at the same moment
        // is seen either before or after its migration commits, never half-way.
        sqlite::Stmt probe(db, "SELECT (SELECT user_version FROM pragma_user_version), "
                               "(SELECT application_id FROM pragma_application_id), "
                               "(SELECT count(*) FROM sqlite_master)");
        if (probe.step()) {
            version = probe.int64(0);
            app_id = probe.int64(1);
            objects = probe.int64(2);
        }
    } catch (const Error& e) {
        if (e.kind() == ErrorKind::Config) {
            not_a_store(shown, "file is not a database");
        }
        throw;
    }
    if ((app_id != 0 && app_id != store_schema::k_application_id) ||
        (app_id == 0 && (version != 0 || objects != 0))) {
        not_a_store(shown, "it is another application's SQLite database");
    }
    const int latest = store_schema::latest_version();
    if (version > latest) {
        throw Error(ErrorKind::Config,
                    fmt::format("{} was written by a newer asc (schema {}, this asc knows up to {})", shown,
                                version, latest),
                    "upgrade asc");
    }
    if (!read_only.empty()) {
        if (version < store_schema::latest_version()) {
            throw_read_only(path, read_only,
                            version == 0 ? "it is empty: `asc orders sync` creates its tables"
                                         : fmt::format("it has schema {}, and this asc must upgrade it to {}",
                                                       version, store_schema::latest_version()));
        }
        sqlite::exec(db, "PRAGMA foreign_keys = ON; PRAGMA cache_size = -8192");
        return static_cast<int>(version);
    }
    if (!path.empty()) {
        // Switching a new file to WAL needs a moment of exclusive access, which SQLite does not
        // wait for: retry within the busy timeout while another asc creates the same store.
        const auto deadline = std::chrono::steady_clock::now() + options.busy_timeout;
        for (;;) {
            const int rc = sqlite3_exec(db, "PRAGMA journal_mode = WAL", nullptr, nullptr, nullptr);
            if (rc == SQLITE_OK) {
                break;
            }
            if ((rc & 0xff) != SQLITE_BUSY || std::chrono::steady_clock::now() >= deadline) {
                sqlite::fail(db, rc, "journal_mode");
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
    }
    // synchronous=NORMAL: in WAL mode a commit survives a crash of asc, and only the last commits
    // can be lost on a power failure (never corrupting the file); a sync simply re-reads them.
    // A larger WAL between checkpoints (32 MiB) saves most fsyncs while a sync writes page after
    // page; journal_size_limit trims the file back afterwards. Up to 8 MiB of page cache: more made
    // `orders list --all` (which remembers what it fetches) grow with the number of orders.
    // (mmap was measured: no faster for the reports, and it maps the whole file into the RSS.)
    sqlite::exec(db, "PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL; "
                     "PRAGMA wal_autocheckpoint = 8192; PRAGMA journal_size_limit = 67108864; "
                     "PRAGMA cache_size = -8192");
    store_schema::migrate(db, target);
    // A bulk write that died before building its indexes (see Store::begin_bulk_write).
    store_schema::ensure_secondary_indexes(db);
    return static_cast<int>(sqlite::query_int(db, "PRAGMA user_version"));
}

// SQLite's library-wide settings, once per process, before its first connection (sqlite3_config
// must come before sqlite3_initialize: afterwards it answers SQLITE_MISUSE, and the defaults stay,
// which is only slower). Memory statistics off: with them on (the default), every allocation and
// free of SQLite takes one global mutex to count bytes, which asc never reads (no
// sqlite3_memory_used, no soft heap limit); Debian's build has no lookaside allocator, so that is
// several mutex round trips per row written (4.5% of all CPU of `orders list --all` into a new
// store). https://www.sqlite.org/c3ref/c_config_covering_index_scan.html#sqliteconfigmemstatus
void configure_sqlite_library() {
    static std::once_flag once;
    std::call_once(once, [] { (void)sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0); });
}

int checked_target(int target_version) {
    const int latest = store_schema::latest_version();
    if (target_version == 0) {
        return latest;
    }
    if (target_version < 1 || target_version > latest) {
        throw Error(ErrorKind::Internal, fmt::format("no store schema version {}", target_version));
    }
    return target_version;
}

} // namespace

// ----------------------------------------------------------------------------------------------

int Store::latest_schema_version() {
    return store_schema::latest_version();
}

Store::Store(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {}
Store::Store(Store&&) noexcept = default;
Store& Store::operator=(Store&&) noexcept = default;
Store::~Store() {
    if (m_impl) {
        m_impl->cache.clear(); // finalize statements before the connection closes
    }
}

Store Store::open(const fs::path& path, StoreOptions options, int target_version) {
    const int target = checked_target(target_version);
    if (is_postgres_store(path.native())) {
        auto impl = open_postgres(path.native(), options, target);
        return Store(std::move(impl));
    }
    configure_sqlite_library();
    prepare_file(path);
    const std::string read_only = read_only_reason(path);
    sqlite::Db db;
    if (!read_only.empty()) {
        db = open_read_only(path);
    } else {
        sqlite3* raw = nullptr;
        const int rc = sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nullptr);
        db = sqlite::Db(raw);
        if (rc != SQLITE_OK) {
            sqlite::fail(raw, rc, fmt::format("open {}", path.string()));
        }
    }
    auto impl = std::make_unique<Impl>();
    impl->schema_version = configure(db.get(), path, options, target, read_only);
    impl->db = db::sqlite_conn(db.release(), true);
    impl->path = path;
    impl->options = options;
    impl->read_only = !read_only.empty();

    // The store may hold personal data: owner-only, whatever the umask was (or who created it).
    struct stat st {};
    if (!impl->read_only && ::stat(path.c_str(), &st) == 0 && (st.st_mode & 077) != 0 &&
        st.st_uid == ::geteuid()) {
        ::chmod(path.c_str(), 0600);
    }
    return Store(std::move(impl));
}

Store Store::open_memory(StoreOptions options) {
    configure_sqlite_library();
    sqlite3* raw = nullptr;
    const int rc = sqlite3_open_v2(":memory:", &raw,
                                   SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
    sqlite::Db db(raw);
    if (rc != SQLITE_OK) {
        sqlite::fail(raw, rc, "open :memory:");
    }
    auto impl = std::make_unique<Impl>();
    impl->schema_version = configure(db.get(), {}, options, store_schema::latest_version(), {});
    impl->db = db::sqlite_conn(db.release(), true);
    impl->options = options;
    return Store(std::move(impl));
}

const fs::path& Store::path() const {
    return m_impl->path;
}
const StoreOptions& Store::options() const {
    return m_impl->options;
}
int Store::schema_version() const {
    return m_impl->schema_version;
}
bool Store::read_only() const {
    return m_impl->read_only;
}
sqlite3* Store::handle() {
    return m_impl->db->sqlite_handle();
}

void throw_read_only(const fs::path& path, std::string_view why, std::string_view what) {
    throw Error(ErrorKind::Config,
                fmt::format("the order store {} is read-only ({}): {}", path.string(), why, what),
                "read-only commands work on it (orders list --cached, order show --cached, report, store "
                "info); for this one, make it writable or point --store/ASC_STORE at a writable copy "
                "(keep the file: its cancellation journal prevents double sends)");
}

// ----------------------------------------------------------------------------------------------
// The sync lock.

SyncLock& SyncLock::operator=(SyncLock&& other) noexcept {
    if (this != &other) {
        if (m_fd >= 0) {
            ::close(m_fd);
        }
        if (m_release) {
            m_release();
        }
        m_fd = std::exchange(other.m_fd, -1);
        m_release = std::exchange(other.m_release, nullptr);
    }
    return *this;
}

SyncLock::~SyncLock() {
    if (m_fd >= 0) {
        ::close(m_fd); // releases the flock
    }
    if (m_release) {
        m_release();
    }
}

SyncLock take_run_lock(Store::Impl& impl, int pg_lock_class, std::string_view file_suffix,
                       std::chrono::milliseconds wait, std::string_view holder, std::string_view what) {
    if (impl.postgres()) {
        return take_pg_lock(impl, pg_lock_class, wait, holder, what);
    }
    if (impl.path.empty()) {
        return SyncLock{}; // an in-memory store has nothing to lock
    }
    fs::path lock_path = impl.path;
    lock_path += std::string(file_suffix);
    return take_file_lock(lock_path, wait, holder, what);
}

SyncLock Store::lock_for_sync(std::chrono::milliseconds wait) {
    return take_run_lock(*m_impl, pg::k_lock_class_sync, ".lock", wait, "`asc orders sync`", "sync");
}

SyncLock take_file_lock(const fs::path& lock_path, std::chrono::milliseconds wait, std::string_view holder,
                        std::string_view what) {
    const int fd = ::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0 && errno == EROFS) {
        // "<store>.lock", "<store>.cancel.lock": name the store.
        std::string store = lock_path.string();
        for (const std::string_view suffix : {".cancel.lock", ".lock"}) {
            if (store.ends_with(suffix)) {
                store.erase(store.size() - suffix.size());
                break;
            }
        }
        throw_read_only(store, std::strerror(errno), fmt::format("cannot take the {} lock", what));
    }
    if (fd < 0) {
        throw Error(
            ErrorKind::Config,
            fmt::format("cannot open the {} lock {}: {}", what, lock_path.string(), std::strerror(errno)),
            "check the permissions of the store's directory");
    }
    SyncLock lock(fd); // closes fd on every exit below
    const auto deadline = std::chrono::steady_clock::now() + wait;
    while (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
        if (errno != EWOULDBLOCK && errno != EINTR) {
            throw Error(ErrorKind::Internal,
                        fmt::format("cannot lock {}: {}", lock_path.string(), std::strerror(errno)));
        }
        if (interrupted()) {
            throw Error(ErrorKind::Interrupted,
                        fmt::format("interrupted while waiting for another {} to finish", what));
        }
        const auto now = std::chrono::steady_clock::now();
        if (now >= deadline) {
            std::array<char, 32> buf{};
            const auto n = ::pread(fd, buf.data(), buf.size() - 1, 0);
            std::string pid = n > 0 ? std::string(buf.data(), static_cast<std::size_t>(n)) : std::string{};
            while (!pid.empty() && (pid.back() == '\n' || pid.back() == ' ')) {
                pid.pop_back();
            }
            throw Error(ErrorKind::Temporary,
                        pid.empty()
                            ? fmt::format("another {} is running for this store", holder)
                            : fmt::format("another {} is running for this store (pid {})", holder, pid),
                        "wait for it or run again later");
        }
        std::this_thread::sleep_for(
            std::min<std::chrono::steady_clock::duration>(deadline - now, std::chrono::milliseconds(50)));
    }
    const auto pid = fmt::format("{}\n", ::getpid());
    if (::ftruncate(fd, 0) == 0) {
        [[maybe_unused]] const auto written = ::pwrite(fd, pid.data(), pid.size(), 0);
    }
    return lock;
}

} // namespace asc
