#pragma once
// The Adobe Commerce (Magento 2) REST client: finds the Magento order linked to an Amazon order,
// reads it (state, status, items and their quantities), cancels it, refunds it offline (a credit
// memo) and adds status-history comments. Over the same Transport as the Amazon clients, with its
// own retry and time budget, and errors that always name the commerce side ("the commerce system
// (Magento) ..."), so that they are never mistaken for Amazon's.
//
//   GET  {base_url}/rest/{store_code}/V1/orders?searchCriteria[filterGroups][0][filters][0][field]=...
//   GET  {base_url}/rest/{store_code}/V1/orders/{entity_id}                 ACL Magento_Sales::actions_view
//   POST {base_url}/rest/{store_code}/V1/orders/{entity_id}/cancel   -> true | false   Magento_Sales::cancel
//   POST {base_url}/rest/{store_code}/V1/order/{entity_id}/refund    -> credit memo id
//   Magento_Sales::creditmemo
//        {"items":[{"order_item_id":N,"qty":Q}],"notify":false,
//         "arguments":{"extension_attributes":{"return_to_stock_items":[N,...]}}}
//   POST {base_url}/rest/{store_code}/V1/orders/{entity_id}/comments {"statusHistory":{...}} -> true
//                                                                           Magento_Sales::comment
//   GET  {base_url}/rest/{store_code}/V1/creditmemos?searchCriteria...order_id...
//                                                                     Magento_Sales::sales_creditmemo
// (routes and ACL resources: app/code/Magento/Sales/etc/webapi.xml; cancel answers the bool of
// Order::cancel, so `false` with HTTP 200 means Magento could not cancel: Model/Service/OrderService.php)
//
// Auth: the integration's access token as `Authorization: Bearer ...` (never logged: the transport's
// --debug lines go through asc::redact).

#include "asc/base/clock.hpp"
#include "asc/base/errors.hpp"
#include "asc/base/events.hpp"
#include "asc/config/config.hpp"
#include "asc/http/http.hpp"
#include "asc/http/retry.hpp"

#include <chrono>
#include <cstdint>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <vector>

namespace asc {

// One entry of a Magento order's status_histories.
struct CommerceComment {
    std::string comment;
    std::string status;
    std::string created_at; // as Magento gives it ("2026-11-01 10:00:00")
};

// A quantity as Magento keeps it (decimal(12,4)), in ten-thousandths: exact, never a float.
using CommerceQty = std::int64_t;
inline constexpr CommerceQty k_commerce_qty_one = 10000;

// "2" -> 20000, "0.5" -> 5000; nullopt when it is not a non-negative decimal with at most 4 places.
std::optional<CommerceQty> parse_commerce_qty(std::string_view text);
// 20000 -> "2", 5000 -> "0.5".
std::string format_commerce_qty(CommerceQty qty);

// One line of a Magento order (sales_order_item).
struct CommerceItem {
    std::int64_t item_id = 0;
    std::int64_t parent_item_id = 0; // 0: a top-level line (a child of a configurable or bundle is not)
    std::string sku;
    CommerceQty qty_ordered = 0;
    CommerceQty qty_invoiced = 0;
    CommerceQty qty_refunded = 0;
    CommerceQty qty_canceled = 0;
    CommerceQty qty_shipped = 0;
};

struct CommerceOrder {
    std::int64_t entity_id = 0; // Magento's internal id: the one the REST paths take
    std::string increment_id;   // the order number people see ("000000123")
    std::string ext_order_id;
    std::string state;  // "new", "processing", "complete", "closed", "canceled", "holded", ...
    std::string status; // a status assigned to that state ("pending", "processing", custom)
    std::vector<CommerceComment> history; // status_histories, as returned
    bool has_history = false;             // the answer carried status_histories (a search may not)
    std::vector<CommerceItem> items;      // as returned (a search may not carry them)
    bool has_items = false;
};

// One line of a shipment, and its track (ShipOrderInterface: items, tracks).
struct CommerceShipLine {
    std::int64_t order_item_id = 0;
    CommerceQty qty = 0;
};
struct CommerceTrack {
    std::string track_number;
    std::string title;        // the carrier's name, as Magento shows it
    std::string carrier_code; // Magento's carrier code ("ups", "fedex", "custom")
};
// A track of one of the order's shipments.
struct CommerceShipmentTrack {
    std::int64_t shipment_id = 0;
    std::string track_number;
};

// One line of an offline credit memo.
struct CommerceRefundLine {
    std::int64_t order_item_id = 0;
    CommerceQty qty = 0;
};

struct CommerceOptions {
    // Attempts per call (>= 1) and the backoff between them.
    RetryPolicy retry{4, std::chrono::milliseconds(250), std::chrono::seconds(4)};
    // No new attempt starts once a call has taken this long (each attempt is bounded by the
    // transport's own timeouts).
    std::chrono::milliseconds budget{std::chrono::seconds(90)};
};

// Every call throws (the message names "the commerce system (Magento)"): Error(Auth) for 401/403,
// Error(NotFound) for 404, Error(Usage) for 400, Error(Temporary) when the attempts or the time
// budget ran out (429, 5xx, timeouts, dropped connections, malformed bodies), Error(Internal) for
// other statuses, Error(Interrupted) on Ctrl-C. GETs are retried; see set_status for the POST.
class CommerceClient {
  public:
    // `settings` must be complete (CommerceSettings::require_complete).
    CommerceClient(Transport& transport, Clock& clock, CommerceSettings settings,
                   CommerceOptions options = {}, Events& events = no_events());

    // The Magento order whose `link_field` equals the Amazon order id (the first if several), or
    // nullopt when there is none.
    std::optional<CommerceOrder> find_linked_order(std::string_view amazon_order_id);

    // The Magento order with this entity id. Throws Error(NotFound) when there is none.
    CommerceOrder get_order(std::int64_t entity_id);

    // The writes below are sent at most once unless they certainly did not reach Magento (no
    // connection, or 429): after a failure that may have reached Magento they throw
    // CommerceOutcomeUnknown at once, so that nothing is done twice by a
    // retry; the caller re-reads the order before deciding anything again.

    // Adds a status-history entry (not notified to the customer, not visible on the storefront)
    // carrying `status`, which must be a status of the order's current state (Magento 2.4.7+
    // refuses any other with 400) and never empty (an empty one blanks the order's status).
    void add_comment(std::int64_t entity_id, std::string_view status, std::string_view comment);

    // Cancels the order. False when Magento answered `false` (HTTP 200): it could not cancel it
    // (something invoiced, on hold, already closed...).
    bool cancel_order(std::int64_t entity_id);

    // An offline credit memo of `lines`, their quantities returned to stock, nobody notified.
    // Returns the credit memo's id.
    std::int64_t refund_order(std::int64_t entity_id, const std::vector<CommerceRefundLine>& lines);

    // The ids of the order's credit memos, oldest first (for a credit memo whose answer was lost).
    std::vector<std::int64_t> find_creditmemos(std::int64_t entity_id);

    // POST order/{id}/ship (ACL Magento_Sales::ship): a shipment of `lines` with `track`, `notify`
    // telling the customer. Returns the shipment's id. Magento refuses (400) an order that cannot
    // ship (canceled, on hold, nothing left: Model/Order/Validation/CanShip.php); a complete order
    // is what it becomes once everything is invoiced and shipped.
    std::int64_t ship_order(std::int64_t entity_id, const std::vector<CommerceShipLine>& lines,
                            const CommerceTrack& track, bool notify);
    // The tracks of the order's shipments (GET shipments?searchCriteria order_id; ACL
    // Magento_Sales::shipment), for a shipment whose answer was lost.
    std::vector<CommerceShipmentTrack> find_shipment_tracks(std::int64_t entity_id);

    [[nodiscard]] const CommerceSettings& settings() const { return m_settings; }

  private:
    struct Call {
        std::string what; // "looking up the order linked to ...": for messages and events
        std::string method = "GET";
        std::string path;  // after /rest/{store_code}/V1
        std::string query; // encoded, without '?'
        std::string body;
        bool idempotent = true;
        std::string op = "commerce lookup"; // for --debug and retry events
        // The hint of a 400 answer.
        std::string on_400 = "check base_url, store_code and link_field in [profiles.NAME.commerce]";
        std::string acl = "Magento_Sales::actions_view"; // the route's ACL resource, for a 401's hint
    };
    // The 2xx body, parsed JSON.
    std::string send(const Call& call);

    Transport& m_transport;
    Clock& m_clock;
    CommerceSettings m_settings;
    CommerceOptions m_options;
    Events& m_events;
    std::mt19937_64 m_rng;
};

// Thrown (kind Temporary) by a CommerceClient write whose answer was lost: Magento may or may not
// have applied it, so the order must be read again before deciding anything.
class CommerceOutcomeUnknown : public Error {
  public:
    using Error::Error;
};

// The searchCriteria query that matches `field` = `value` (eq), percent-encoded.
std::string commerce_search_query(std::string_view field, std::string_view value);

} // namespace asc
