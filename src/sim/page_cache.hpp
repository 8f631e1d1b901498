#pragma once
// searchOrders pages as gzip bodies, kept so that the same question is answered again without
// rendering and compressing the page a second time (--page-cache-mb, off by default). It is for
// benchmarks: with it every client that asks the same query gets the very same bytes at almost no
// cost to the simulator, so the clients, not the simulator sharing their machine, are what is
// measured. Amazon's answers do not depend on it: an entry is dropped as soon as the store
// changes (any edit or fixture) and after an hour (the page's nextToken, issued when it was
// rendered, lives 24 hours).

#include "util.hpp"

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

namespace sim {

class PageCache {
  public:
    // `limit_bytes` 0: nothing is kept. Past the limit the whole cache is emptied (a bench asks
    // for the same pages in the same order, round after round).
    explicit PageCache(std::size_t limit_bytes) : m_limit(limit_bytes) {}

    [[nodiscard]] bool enabled() const { return m_limit > 0; }

    // The gzip body kept for `key` while the store was at `generation`, or null.
    [[nodiscard]] std::shared_ptr<const std::string> find(const std::string& key, std::uint64_t generation);
    void put(const std::string& key, std::uint64_t generation, std::shared_ptr<const std::string> gzip_body);

  private:
    struct Entry {
        std::uint64_t generation = 0;
        Millis made = 0;
        std::shared_ptr<const std::string> body;
    };
    std::size_t m_limit;
    std::mutex m_mutex;
    std::unordered_map<std::string, Entry> m_entries;
    std::size_t m_bytes = 0;
};

} // namespace sim
