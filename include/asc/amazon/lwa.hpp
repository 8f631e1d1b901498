#pragma once
// Login with Amazon: the refresh-token grant. The access token (1 h) is cached in memory and on
// disk (0600, $XDG_CACHE_HOME/asc/token-<hash>.json) until shortly before it expires.

#include "asc/base/clock.hpp"
#include "asc/http/http.hpp"

#include <chrono>
#include <filesystem>
#include <mutex>
#include <optional>
#include <cstdint>
#include <string>

namespace asc {

struct LwaCredentials {
    std::string endpoint;       // https://api.amazon.com/auth/o2/token
    std::string client_id;
    std::string client_secret;
    std::string refresh_token;
};

// How long to use an access token whose answer said `expires_in` seconds: Amazon's tokens last an
// hour, so a longer claim is cut to an hour (and a later 401 "expired" refreshes it once); nullopt
// when the claim is not positive.
std::optional<std::chrono::seconds> token_lifetime(std::int64_t expires_in);

class LwaAuth {
  public:
    // `cache_dir` empty: no disk cache.
    LwaAuth(Transport& transport, Clock& clock, LwaCredentials credentials,
            std::filesystem::path cache_dir);

    // A valid access token, from memory, the disk cache, or a new grant. A token counts as expired
    // 60 s before its expires_in runs out. Throws Error(Auth) for invalid_grant / invalid_client
    // (with the fix), Error(Temporary) when LWA is unreachable after a few attempts,
    // Error(Interrupted) on Ctrl-C. Messages never contain a token or the secret.
    std::string access_token();
    // Forget the current token (the API said it expired), in memory and on disk; the next
    // access_token() fetches anew.
    void invalidate();

  private:
    std::string fetch();
    void load_cache();
    void store_cache() const;
    [[nodiscard]] std::filesystem::path cache_file() const;

    Transport& m_transport;
    Clock& m_clock;
    LwaCredentials m_credentials;
    std::filesystem::path m_cache_dir;
    std::string m_token;
    std::chrono::system_clock::time_point m_expires{};
    std::mutex m_mutex;
};

} // namespace asc
