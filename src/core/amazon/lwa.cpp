// Login with Amazon, refresh-token grant, with an in-memory and an on-disk token cache.
//
// The disk cache lets consecutive runs of the tool (a cron job every few minutes, a shell loop)
// share one access token instead of asking LWA each time. The file holds a live credential, so
// it is created 0600 in a 0700 directory, written atomically, and read only when it is a regular
// file of ours that nobody else can read.

#include "asc/amazon/lwa.hpp"

#include "asc/base/errors.hpp"
#include "asc/base/interrupt.hpp"
#include "asc/http/retry.hpp"

#include <array>
#include <atomic>
#include <cerrno>
#include <cstdint>
#include <fcntl.h>
#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <random>
#include <string_view>
#include <sys/stat.h>
#include <unistd.h>

namespace asc {

namespace {

using nlohmann::json;

// A token is treated as expired this long before Amazon's expiry, so it never runs out mid-run.
constexpr std::chrono::seconds k_expiry_margin{60};
// LWA is retried a few times only: it is one cheap call, and a user is waiting.
constexpr RetryPolicy k_lwa_retry{3, std::chrono::milliseconds{500}, std::chrono::milliseconds{4'000}};
// A cache file is tiny; anything bigger is not ours.
constexpr std::size_t k_max_cache_file = std::size_t{64} * 1024;
// A token answer is a few hundred bytes.
constexpr std::size_t k_max_token_answer = std::size_t{64} * 1024;

std::uint64_t fnv1a64(std::string_view text) {
    std::uint64_t hash = 0xcbf29ce484222325ULL;
    for (const char c : text) {
        hash ^= static_cast<unsigned char>(c);
        hash *= 0x100000001b3ULL;
    }
    return hash;
}

std::string hex16(std::uint64_t value) {
    static constexpr std::string_view k_hex = "0123456789abcdef";
    std::string out(16, '0');
    for (int i = 15; i >= 0; --i) {
        out[static_cast<std::size_t>(i)] = k_hex[value & 0xFU];
        value >>= 4U;
    }
    return out;
}

// Writes all of `data` to `fd`; false on any failure.
bool write_all(int fd, std::string_view data) {
    while (!data.empty()) {
        const ssize_t n = ::write(fd, data.data(), data.size());
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            return false;
        }
        data.remove_prefix(static_cast<std::size_t>(n));
    }
    return true;
}

// Closes a file descriptor when it goes out of scope.
class Fd {
  public:
    explicit Fd(int fd) : m_fd(fd) {}
    ~Fd() {
        if (m_fd >= 0) {
            ::close(m_fd);
        }
    }
    Fd(const Fd&) = delete;
    Fd& operator=(const Fd&) = delete;
    Fd(Fd&&) = delete;
    Fd& operator=(Fd&&) = delete;
    [[nodiscard]] int get() const { return m_fd; }
    // Closes now; false if close reported an error (a write that did not make it).
    bool close() { return ::close(std::exchange(m_fd, -1)) == 0; }

  private:
    int m_fd;
};

// The Auth error for an LWA 4xx answer, with the fix for the two common causes.
Error auth_error(const HttpResponse& response) {
    std::string code;
    std::string description;
    const json body = json::parse(response.body, nullptr, false);
    if (body.is_object()) {
        if (const auto it = body.find("error"); it != body.end() && it->is_string()) {
            code = it->get<std::string>();
        }
        if (const auto it = body.find("error_description"); it != body.end() && it->is_string()) {
            description = it->get<std::string>();
        }
    }
    if (code == "invalid_grant") {
        return {ErrorKind::Auth, "Login with Amazon rejected the refresh token (invalid_grant)",
                "re-authorize the app in Seller Central (Apps and Services > Manage Your Apps) and set "
                "the new refresh token (refresh_token in the profile, or ASC_REFRESH_TOKEN)"};
    }
    if (code == "invalid_client") {
        return {ErrorKind::Auth, "Login with Amazon rejected the client credentials (invalid_client)",
                "the client secret is wrong or expired; LWA client secrets must be rotated every 180 days "
                "in the Developer Console: set the new client_secret (or ASC_CLIENT_SECRET)"};
    }
    std::string what =
        "Login with Amazon refused the token request (HTTP " + std::to_string(response.status) + ")";
    if (!code.empty()) {
        what += ": " + printable_excerpt(code, 60);
    }
    if (!description.empty()) {
        what += ": " + printable_excerpt(description, 300);
    }
    return {ErrorKind::Auth, what, "check the client_id, client_secret and refresh_token of this profile"};
}

// The token endpoint answered a redirect: the configured URL is not the token endpoint (a
// moved or mistyped host or path). asc never follows a redirect with credentials in the body.
Error redirected(const std::string& endpoint, const HttpResponse& response) {
    const std::string location = response.header("location");
    return {ErrorKind::Config,
            fmt::format("the Login with Amazon endpoint {} answered HTTP {} (a redirect{}): it is not the token "
                        "endpoint",
                        printable_excerpt(endpoint, 200), response.status,
                        location.empty() ? std::string() : " to " + printable_excerpt(location, 200)),
            "set lwa_endpoint in the profile (or ASC_LWA_ENDPOINT) to the token URL, normally "
            "https://api.amazon.com/auth/o2/token"};
}

} // namespace

std::optional<std::chrono::seconds> token_lifetime(std::int64_t expires_in) {
    constexpr std::int64_t k_max_lifetime = 3600;
    if (expires_in <= 0) {
        return std::nullopt;
    }
    return std::chrono::seconds(std::min(expires_in, k_max_lifetime));
}

LwaAuth::LwaAuth(Transport& transport, Clock& clock, LwaCredentials credentials,
                 std::filesystem::path cache_dir)
    : m_transport(transport), m_clock(clock), m_credentials(std::move(credentials)),
      m_cache_dir(std::move(cache_dir)) {}

std::string LwaAuth::access_token() {
    const std::lock_guard lock(m_mutex);
    const auto fresh = [this] {
        return !m_token.empty() && m_clock.wall_now() + k_expiry_margin < m_expires;
    };
    if (fresh()) {
        return m_token;
    }
    load_cache();
    if (fresh()) {
        return m_token;
    }
    m_token = fetch();
    store_cache();
    return m_token;
}

void LwaAuth::invalidate() {
    const std::lock_guard lock(m_mutex);
    m_token.clear();
    m_expires = {};
    if (!m_cache_dir.empty()) {
        std::error_code ec;
        std::filesystem::remove(cache_file(), ec); // best effort: a stale file is ignored anyway
    }
}

// One refresh-token grant, retried a few times on network errors and 5xx. Sets m_expires and
// returns the token.
std::string LwaAuth::fetch() {
    if (m_credentials.endpoint.empty()) {
        throw Error(ErrorKind::Config, "no Login with Amazon endpoint is configured",
                    "set lwa_endpoint in the profile or ASC_LWA_ENDPOINT (normally "
                    "https://api.amazon.com/auth/o2/token)");
    }
    HttpRequest request;
    request.method = "POST";
    request.url = m_credentials.endpoint;
    request.max_response_bytes = k_max_token_answer;
    request.headers = {{"Content-Type", "application/x-www-form-urlencoded;charset=UTF-8"},
                       {"Accept", "application/json"}};
    request.body = "grant_type=refresh_token&refresh_token=" + url_encode(m_credentials.refresh_token) +
                   "&client_id=" + url_encode(m_credentials.client_id) +
                   "&client_secret=" + url_encode(m_credentials.client_secret);

    std::mt19937_64 rng{std::random_device{}()};
    std::string last_reason;
    for (int attempt = 1; attempt <= k_lwa_retry.max_attempts; ++attempt) {
        if (interrupted()) {
            throw Error(ErrorKind::Interrupted, "interrupted");
        }
        const HttpResponse response = m_transport.send(request);
        if (interrupted()) {
            throw Error(ErrorKind::Interrupted, "interrupted");
        }
        bool can_retry = true;
        if (response.error != TransportError::None) {
            last_reason = describe(response.error, response.error_message);
            can_retry = is_retryable(response.error);
        } else if (response.status >= 200 && response.status < 300) {
            const json body = json::parse(response.body, nullptr, false);
            const auto token = body.is_object() ? body.find("access_token") : body.end();
            const auto expires_in = body.is_object() ? body.find("expires_in") : body.end();
            const auto lifetime = expires_in != body.end() && expires_in->is_number_integer()
                                      ? token_lifetime(expires_in->get<std::int64_t>())
                                      : std::nullopt;
            if (body.is_object() && token != body.end() && token->is_string() &&
                !token->get<std::string>().empty() && lifetime) {
                m_expires = std::chrono::time_point_cast<std::chrono::system_clock::duration>(m_clock.wall_now() +
                                                                                              *lifetime);
                return token->get<std::string>();
            }
            last_reason = "Login with Amazon answered without an access token and its lifetime";
        } else if (response.status >= 500 || is_retryable_status(response.status)) {
            last_reason = "Login with Amazon answered HTTP " + std::to_string(response.status);
        } else if (response.status >= 300 && response.status < 400) {
            throw redirected(m_credentials.endpoint, response);
        } else {
            throw auth_error(response);
        }
        if (!can_retry || attempt == k_lwa_retry.max_attempts) {
            break;
        }
        m_clock.sleep_for(k_lwa_retry.backoff(attempt, rng));
    }
    throw Error(ErrorKind::Temporary, "could not get an access token from Login with Amazon: " + last_reason,
                "check the network connection and the LWA endpoint, then try again");
}

std::filesystem::path LwaAuth::cache_file() const {
    // The token belongs to this (endpoint, app, seller authorization): a hash of the three names the
    // file, so profiles never share a token and the file name reveals none of them.
    const std::string key =
        m_credentials.endpoint + '\n' + m_credentials.client_id + '\n' + m_credentials.refresh_token;
    return m_cache_dir / ("token-" + hex16(fnv1a64(key)) + ".json");
}

// Loads the cached token into m_token/m_expires if the file is ours, private, well-formed and the
// token is still fresh; otherwise leaves them alone (a bad file is overwritten by store_cache).
void LwaAuth::load_cache() {
    if (m_cache_dir.empty()) {
        return;
    }
    const Fd fd(::open(cache_file().c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC));
    if (fd.get() < 0) {
        return;
    }
    struct stat st {};
    if (::fstat(fd.get(), &st) != 0 || !S_ISREG(st.st_mode) || st.st_uid != ::geteuid() ||
        (st.st_mode & 077U) != 0 || static_cast<std::size_t>(st.st_size) > k_max_cache_file) {
        return;
    }
    std::string text;
    std::array<char, 4096> buffer{};
    for (;;) {
        const ssize_t n = ::read(fd.get(), buffer.data(), buffer.size());
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            break;
        }
        text.append(buffer.data(), static_cast<std::size_t>(n));
        if (text.size() > k_max_cache_file) {
            return;
        }
    }
    const json j = json::parse(text, nullptr, false);
    if (!j.is_object()) {
        return;
    }
    const auto token = j.find("access_token");
    const auto expires_at = j.find("expires_at");
    if (token == j.end() || !token->is_string() || token->get<std::string>().empty() ||
        expires_at == j.end() || !expires_at->is_number_integer()) {
        return;
    }
    // A token lasts at most an hour (token_lifetime): a later expiry is not ours, and would
    // overflow the clock's type.
    const auto now_seconds =
        std::chrono::duration_cast<std::chrono::seconds>(m_clock.wall_now().time_since_epoch()).count();
    if (expires_at->get<std::int64_t>() > now_seconds + 3600 + k_expiry_margin.count()) {
        return;
    }
    const auto expires =
        std::chrono::system_clock::time_point(std::chrono::duration_cast<std::chrono::system_clock::duration>(
            std::chrono::seconds(expires_at->get<std::int64_t>())));
    if (m_clock.wall_now() + k_expiry_margin >= expires) {
        return;
    }
    m_token = token->get<std::string>();
    m_expires = expires;
}

// Writes the token to the cache: a private temporary file renamed over the old one, so a reader
// never sees half a file. Failures are ignored: the cache only saves a token request.
void LwaAuth::store_cache() const {
    if (m_cache_dir.empty() || m_token.empty()) {
        return;
    }
    std::error_code ec;
    std::filesystem::create_directories(m_cache_dir, ec);
    struct stat dir {};
    if (::stat(m_cache_dir.c_str(), &dir) != 0 || !S_ISDIR(dir.st_mode) || dir.st_uid != ::geteuid()) {
        return;
    }
    if ((dir.st_mode & 077U) != 0 && ::chmod(m_cache_dir.c_str(), 0700) != 0) {
        return;
    }
    const auto target = cache_file();
    static std::atomic<unsigned> counter{0};
    auto temp = target;
    temp += ".tmp." + std::to_string(::getpid()) + "." + std::to_string(counter.fetch_add(1));

    const json j = {
        {"access_token", m_token},
        {"expires_at",
         std::chrono::duration_cast<std::chrono::seconds>(m_expires.time_since_epoch()).count()},
    };
    Fd fd(::open(temp.c_str(), O_CREAT | O_EXCL | O_WRONLY | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600));
    if (fd.get() < 0) {
        return;
    }
    // The umask can only take bits away; make the mode exactly 0600 whatever it is.
    const bool written = ::fchmod(fd.get(), 0600) == 0 && write_all(fd.get(), j.dump() + "\n") &&
                         ::fsync(fd.get()) == 0 && fd.close();
    if (!written || ::rename(temp.c_str(), target.c_str()) != 0) {
        ::unlink(temp.c_str());
    }
}

} // namespace asc
