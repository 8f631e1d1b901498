#pragma once
// The orders' true state. Generated orders live as compact index records and are rebuilt from
// the generator on demand; fixture orders and orders that changed since startup are kept as
// full JSON. Two index vectors keep the orders sorted by (createdTime, orderId) and by
// (lastUpdatedTime, orderId) so that searches are a binary search plus a short scan.
// Thread-safe: every public member takes the store's mutex.

#include "generator.hpp"
#include "order_status.hpp"
#include "util.hpp"

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace sim {

// includedData values as bits.
enum Included : std::uint32_t {
    k_buyer = 1u << 0,
    k_recipient = 1u << 1,
    k_proceeds = 1u << 2,
    k_expense = 1u << 3,
    k_promotion = 1u << 4,
    k_cancellation = 1u << 5,
    k_fulfillment = 1u << 6,
    k_packages = 1u << 7,
    k_tax = 1u << 8,
    k_payment = 1u << 9,
    k_fulfillment_orders = 1u << 10,
};
inline constexpr std::uint32_t k_all_included = (1u << 11) - 1;

// Parses a comma-separated includedData value; nullopt names the first unknown value in `bad`.
std::optional<std::uint32_t> parse_included(std::string_view csv, std::string& bad);
// A copy of `full` with only the blocks `mask` asks for (plus the always-present fields).
Json project(const Json& full, std::uint32_t mask);
Json project(Json&& full, std::uint32_t mask);

inline constexpr std::uint32_t k_by_merchant = 1;
inline constexpr std::uint32_t k_by_amazon = 2;

struct OrderQuery {
    bool by_updated = false;               // filter and sort by lastUpdatedTime instead of createdTime
    std::optional<Millis> after;           // inclusive
    std::optional<Millis> before;          // inclusive
    std::uint32_t statuses = 0;            // status_bit()s; 0 = any
    std::uint32_t fulfilled_by = 0;        // k_by_merchant | k_by_amazon; 0 = any
    std::vector<std::string> marketplaces; // empty = any
    std::optional<std::pair<Millis, std::string>> start_after; // resume strictly after this key
    std::size_t limit = static_cast<std::size_t>(-1);
};

struct Page {
    // Each order as compact JSON text (shared with the cache of generated orders).
    std::vector<std::shared_ptr<const std::string>> orders;
    bool more = false;    // more matches exist after the last one returned
    Millis last_time = 0; // sort key of the last order returned
    std::string last_id;
};

// What the simulator remembers about an order beyond Amazon's shape.
struct Notes {
    int cancellations = 0;    // successful cancellations by a seller's feed
    Json log = Json::array(); // one entry per cancellation (feed or control hook): who, why, when
    // Every feed whose messages named this order, in processing order, whatever the outcome: a
    // test hook to prove that no order was in two feeds.
    std::vector<std::string> feeds;
};

class Store {
  public:
    // Serialized generated orders are cached (per includedData set) up to `cache_bytes`.
    Store(std::uint64_t seed, Millis start, std::size_t cache_bytes = 256u << 20);

    // Startup only (not thread-safe with searches): add generated and fixture orders, then index.
    void generate(std::uint32_t count);
    // Adds every order of a searchOrders-shaped document ({"orders":[...]}); an order whose id
    // already exists replaces it. Throws std::runtime_error naming the problem.
    std::size_t load_fixture(const Json& doc);
    void build_indexes();

    [[nodiscard]] std::size_t size() const;
    [[nodiscard]] Page search(const OrderQuery& q, std::uint32_t mask) const;
    [[nodiscard]] std::vector<std::string> ids(const OrderQuery& q) const;
    [[nodiscard]] std::optional<Json> get(std::string_view id, std::uint32_t mask) const;
    // {"order": <full>, "cancellations": N, "cancellation_log": [...], "feeds": [feed ids]}
    [[nodiscard]] std::optional<Json> true_state(std::string_view id) const;
    // Remembers that feed `feed_id` named the order (Notes::feeds); false if it does not exist.
    bool note_feed(std::string_view id, const std::string& feed_id);

    // Runs `edit` on the order's full JSON and notes under the lock. If it returns true the
    // change is kept, lastUpdatedTime is bumped to now (strictly increasing) and the indexes are
    // updated. Returns false if the order does not exist.
    using Edit = std::function<bool(Json& order, Notes& notes)>;
    // `at`: when the change happened (default now): a test hook for "Amazon indexed this change a
    // while ago", so a sync (whose window ends 2 minutes before now) can see it at once.
    bool edit(std::string_view id, const Edit& edit, std::optional<Millis> at = std::nullopt);

    // Counts the changes to the orders (generate, fixtures, kept edits): what a cached page was
    // rendered from is still true while this has not moved.
    [[nodiscard]] std::uint64_t generation() const { return generation_.load(); }

  private:
    struct Record {
        std::string id;
        Millis created = 0;
        Millis updated = 0;
        FStatus status = FStatus::Pending;
        bool merchant = true;
        std::uint16_t marketplace = 0; // index into marketplace_ids_
        std::int64_t generated = -1;   // generator index, or -1
        std::unique_ptr<Json> doc;     // full JSON when loaded or changed
        std::unique_ptr<Notes> notes;
    };

    std::uint16_t intern_marketplace(const std::string& id);
    void derive(const Json& order, Record& rec); // throws std::runtime_error
    [[nodiscard]] bool matches(const Record& r, const OrderQuery& q,
                               const std::vector<std::uint16_t>& mps) const;
    template <typename Visit> void scan(const OrderQuery& q, Visit&& visit) const;
    [[nodiscard]] Json full(const Record& r) const;

    Generator gen_;
    mutable std::mutex mutex_;
    std::vector<Record> records_;
    std::unordered_map<std::string, std::uint32_t> by_id_;
    std::vector<std::uint32_t> by_created_;
    std::vector<std::uint32_t> by_updated_;
    std::vector<std::string> marketplace_ids_;
    // (generator index << 16 | mask) -> the projected order's JSON text. Generated orders are
    // immutable until edited, and an edited order is served from its doc instead.
    mutable std::unordered_map<std::uint64_t, std::shared_ptr<const std::string>> text_cache_;
    mutable std::size_t cache_bytes_ = 0;
    std::size_t cache_limit_;
    std::atomic<std::uint64_t> generation_{0};
};

} // namespace sim
