#pragma once
// The simulator's Adobe Commerce (Magento 2) side: Magento orders linked to the Amazon orders.
//
// Of the merchant-fulfilled orders, in createdTime order, a share `link_ratio` has a linked Magento
// order (0.5: every other one, deterministic): entity_id 1, 2, 3, ... in that order, increment_id
// "000100001"-style (or the Amazon order id, for stores whose order number is Amazon's),
// ext_order_id the Amazon order id, state and status "processing", no status history. The links
// are worked out on the first commerce request (a large simulation that never touches commerce
// pays nothing); only orders that changed are kept in full. Thread-safe.

#include "store.hpp"
#include "util.hpp"

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace sim {

class Commerce {
  public:
    Commerce(const Store& store, double link_ratio, std::string token, bool amazon_increment_ids);

    // True for "Bearer <the configured token>".
    [[nodiscard]] bool authorized(std::string_view authorization) const;

    // The Magento order whose `field` (ext_order_id, increment_id or entity_id) equals `value`.
    std::optional<Json> find(std::string_view field, std::string_view value);
    std::optional<Json> get(std::int64_t entity_id);
    // The Magento order linked to the Amazon order, or nullopt.
    std::optional<Json> linked_to(std::string_view amazon_order_id);

    enum class CommentResult { ok, not_found, unknown_status };
    // Appends a status-history entry; a non-empty status becomes the order's status (and state
    // "complete" / "canceled" / "closed" for those statuses).
    CommentResult add_comment(std::int64_t entity_id, const std::string& comment, const std::string& status,
                              bool customer_notified, bool visible_on_front);

    // Every link: [{"amazon_order_id","entity_id","increment_id","status","comments"}], up to `limit`.
    Json links(std::size_t limit);

  private:
    struct Changed {
        std::string state;
        std::string status;
        Json histories = Json::array(); // newest first, as Magento returns them
        std::string updated_at;
    };

    void ensure_links();                                    // caller holds mutex_
    [[nodiscard]] Json order_json(std::uint32_t index) const; // caller holds mutex_
    [[nodiscard]] std::string increment_id(std::uint32_t index) const;
    std::optional<std::uint32_t> index_of_entity(std::int64_t entity_id) const;

    const Store& store_;
    double link_ratio_;
    std::string token_;
    bool amazon_increment_ids_;

    mutable std::mutex mutex_;
    bool linked_ = false;
    std::vector<std::string> amazon_ids_;                      // entity_id - 1 -> Amazon order id
    std::unordered_map<std::string, std::uint32_t> by_amazon_; // Amazon order id -> index
    std::unordered_map<std::uint32_t, Changed> changed_;
    std::int64_t next_history_id_ = 1;
};

} // namespace sim
