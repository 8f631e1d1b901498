#include "auth.hpp"

#include "util.hpp"

namespace sim {

std::string Auth::issue() {
    std::string token = "Atza|sim-" + random_alnum(40);
    std::lock_guard lock(mutex_);
    expiry_[token] = Clock::now() + std::chrono::seconds(ttl_);
    return token;
}

int Auth::ttl() const {
    std::lock_guard lock(mutex_);
    return ttl_;
}

void Auth::set_ttl(int seconds) {
    std::lock_guard lock(mutex_);
    ttl_ = seconds;
}

Auth::Check Auth::check(const std::string& token) const {
    if (token.empty()) {
        return Check::missing;
    }
    std::lock_guard lock(mutex_);
    const auto it = expiry_.find(token);
    if (it == expiry_.end()) {
        return Check::unknown;
    }
    return Clock::now() < it->second ? Check::ok : Check::expired;
}

void Auth::expire_all() {
    std::lock_guard lock(mutex_);
    const auto past = Clock::now() - std::chrono::seconds(1);
    for (auto& [token, expiry] : expiry_) {
        expiry = past;
    }
}

} // namespace sim
