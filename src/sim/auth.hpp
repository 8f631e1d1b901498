#pragma once
// Login with Amazon: issues access tokens for any non-empty credentials and checks them on every
// API call. Thread-safe.

#include <chrono>
#include <mutex>
#include <string>
#include <unordered_map>

namespace sim {

class Auth {
  public:
    explicit Auth(int ttl_seconds) : ttl_(ttl_seconds) {}

    // A new "Atza|sim-..." token valid for the configured TTL from now.
    std::string issue();
    [[nodiscard]] int ttl() const;
    void set_ttl(int seconds);

    enum class Check { ok, missing, unknown, expired };
    [[nodiscard]] Check check(const std::string& token) const;
    // Makes every token issued so far expired (a test hook).
    void expire_all();

  private:
    using Clock = std::chrono::steady_clock;
    mutable std::mutex mutex_;
    int ttl_;
    std::unordered_map<std::string, Clock::time_point> expiry_;
};

} // namespace sim
