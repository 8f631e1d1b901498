#include "page_cache.hpp"

namespace sim {

namespace {

// Well inside the 24 hours a nextToken in a kept page stays valid.
constexpr Millis k_max_age = 3600LL * 1000;

} // namespace

std::shared_ptr<const std::string> PageCache::find(const std::string& key, std::uint64_t generation) {
    if (!enabled()) {
        return nullptr;
    }
    const std::lock_guard lock(m_mutex);
    const auto it = m_entries.find(key);
    if (it == m_entries.end() || it->second.generation != generation ||
        now_millis() - it->second.made > k_max_age) {
        return nullptr;
    }
    return it->second.body;
}

void PageCache::put(const std::string& key, std::uint64_t generation, std::shared_ptr<const std::string> gzip_body) {
    if (!enabled()) {
        return;
    }
    const std::lock_guard lock(m_mutex);
    if (m_bytes + gzip_body->size() > m_limit) {
        m_entries.clear();
        m_bytes = 0;
    }
    auto& entry = m_entries[key];
    if (entry.body) {
        m_bytes -= entry.body->size();
    }
    m_bytes += gzip_body->size();
    entry = Entry{generation, now_millis(), std::move(gzip_body)};
}

} // namespace sim
