#pragma once
// The simulator's Adobe Commerce (Magento 2.4.7+) side: Magento orders linked to the Amazon orders,
// with Magento's states, statuses, items and quantities, and the rules Magento applies to comments,
// cancels and credit memos (each rule cites the Magento file it mirrors, in commerce.cpp).
//
// Of the merchant-fulfilled orders, in createdTime order, a share `link_ratio` has a linked Magento
// order (0.5: every other one, deterministic): entity_id 1, 2, 3, ... in that order, increment_id
// "000100001"-style (or the Amazon order id), ext_order_id the Amazon order id, one item per Amazon
// order item with its quantity. The n-th linked order (entity_id - 1 = n) is, by n % 20:
//   0-7    invoiced            state processing, status processing, every item invoiced
//   8-13   not invoiced        state new, status pending
//   14-15  partly invoiced     state processing, the first unit of the first item invoiced
//   16     shipped             state complete, invoiced and shipped
//   17     on hold             state holded (before: new), not invoiced
//   18     already closed      state closed, invoiced and refunded, one credit memo
//   19     not invoiced        state new, status pending
// The links and the orders are worked out on the first commerce request (a large simulation that
// never touches commerce pays nothing); only orders that changed are kept in full. Thread-safe.

#include "store.hpp"
#include "util.hpp"

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <variant>
#include <vector>

namespace sim {

struct CommerceOptions {
    double link_ratio = 0.5;
    std::string token; // the main integration: every ACL resource
    bool amazon_increment_ids = false;
    std::vector<std::pair<std::string, std::vector<std::string>>> acl; // more integrations
    std::vector<std::pair<std::string, std::string>> statuses;         // custom status -> state
};

// Magento's answer to a refused request: HTTP status, message with %placeholders, parameters.
struct MagentoError {
    int status = 400;
    std::string message;
    Json parameters; // null, an array (%1...) or an object (%name)
};

class Commerce {
  public:
    Commerce(const Store& store, CommerceOptions options);

    // Whether "Bearer <token>" names an integration with the ACL resource; nullopt when it does,
    // else the 401 to answer (app/code/Magento/Webapi/Controller/Rest/RequestValidator.php).
    [[nodiscard]] std::optional<MagentoError> authorize(std::string_view authorization,
                                                        std::string_view resource) const;

    // The Magento order whose `field` (ext_order_id, increment_id or entity_id) equals `value`.
    std::optional<Json> find(std::string_view field, std::string_view value);
    std::optional<Json> get(std::int64_t entity_id);
    // The linked Magento order with its credit memos, for /_sim/commerce/orders/ID.
    std::optional<Json> linked_to(std::string_view amazon_order_id);

    // POST orders/{id}/comments. nullopt: added.
    std::optional<MagentoError> add_comment(std::int64_t entity_id, const std::string& comment,
                                            const std::string& status, bool customer_notified,
                                            bool visible_on_front);
    // POST orders/{id}/cancel: true when canceled, false when Magento could not; or an error.
    std::variant<bool, MagentoError> cancel(std::int64_t entity_id);
    struct RefundLine {
        std::int64_t order_item_id = 0;
        double qty = 0; // as Magento reads it (a float), validated against the item's quantities
    };
    // POST order/{id}/refund: the credit memo id, or an error. `lines` empty: every refundable item.
    std::variant<std::int64_t, MagentoError> refund(std::int64_t entity_id,
                                                    const std::vector<RefundLine>& lines,
                                                    const std::vector<std::int64_t>& return_to_stock);

    // GET creditmemos?searchCriteria (order_id eq): the credit memos of the order.
    Json creditmemos_of(std::int64_t entity_id);

    // POST order/{id}/ship (commerce_ship.cpp): the shipment id, or an error. `lines` empty: every
    // unshipped quantity. `tracks`: [{"track_number","title","carrier_code"}].
    struct ShipLine {
        std::int64_t order_item_id = 0;
        double qty = 0;
    };
    std::variant<std::int64_t, MagentoError> ship(std::int64_t entity_id, const std::vector<ShipLine>& lines,
                                                  const Json& tracks, bool notify);
    // GET shipments?searchCriteria (order_id eq): the shipments of the order, with their tracks.
    Json shipments_of(std::int64_t entity_id);

    // Every link: [{"amazon_order_id","entity_id","increment_id","state","status","comments",
    // "credit_memos"}], up to `limit`.
    Json links(std::size_t limit);

  private:
    struct Item {
        std::int64_t item_id = 0;
        std::string sku;
        double ordered = 0, invoiced = 0, refunded = 0, canceled = 0, shipped = 0;
    };
    struct Order {
        std::string state, status, hold_before_state;
        std::vector<Item> items;
        Json histories = Json::array(); // newest first, as Magento returns them
        Json credit_memos = Json::array();
        Json shipments = Json::array();
        std::string created_at, updated_at;
    };

    void ensure_links();                                      // caller holds mutex_
    Order& changed(std::uint32_t index);                      // caller holds mutex_
    [[nodiscard]] Order generated(std::uint32_t index) const; // caller holds mutex_
    [[nodiscard]] Json order_json(std::uint32_t index) const; // caller holds mutex_
    [[nodiscard]] std::string increment_id(std::uint32_t index) const;
    std::optional<std::uint32_t> index_of_entity(std::int64_t entity_id) const;
    [[nodiscard]] std::set<std::string> statuses_of(std::string_view state) const;
    [[nodiscard]] std::string default_status(std::string_view state) const;

    const Store& store_;
    CommerceOptions options_;
    std::map<std::string, std::string> status_state_; // status -> state

    mutable std::mutex mutex_;
    bool linked_ = false;
    std::vector<std::string> amazon_ids_;                      // entity_id - 1 -> Amazon order id
    std::unordered_map<std::string, std::uint32_t> by_amazon_; // Amazon order id -> index
    std::unordered_map<std::uint32_t, Order> changed_;
    std::int64_t next_history_id_ = 1;
    std::int64_t next_creditmemo_id_ = 1;
    std::int64_t next_shipment_id_ = 1;
};

} // namespace sim
