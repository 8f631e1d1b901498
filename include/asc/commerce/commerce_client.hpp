#pragma once
// The Adobe Commerce (Magento 2) REST client: finds the Magento order linked to an Amazon order,
// reads it, and adds a status-history entry that sets its status. Over the same Transport as the
// Amazon clients, with its own retry and time budget, and errors that always name the commerce
// side ("the commerce system (Magento) ..."), so that they are never mistaken for Amazon's.
//
//   GET  {base_url}/rest/{store_code}/V1/orders?searchCriteria[filterGroups][0][filters][0][field]=...
//   GET  {base_url}/rest/{store_code}/V1/orders/{entity_id}
//   POST {base_url}/rest/{store_code}/V1/orders/{entity_id}/comments   {"statusHistory":{...}} -> true
//
// Auth: the integration's access token as `Authorization: Bearer ...` (never logged: the transport's
// --debug lines go through asc::redact).

#include "asc/base/clock.hpp"
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

struct CommerceOrder {
    std::int64_t entity_id = 0;   // Magento's internal id: the one the REST paths take
    std::string increment_id;     // the order number people see ("000000123")
    std::string ext_order_id;
    std::string state;            // "processing", "complete", ...
    std::string status;
    std::vector<CommerceComment> history; // status_histories, as returned
    bool has_history = false;             // the answer carried status_histories (a search may not)
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
    CommerceClient(Transport& transport, Clock& clock, CommerceSettings settings, CommerceOptions options = {},
                   Events& events = no_events());

    // The Magento order whose `link_field` equals the Amazon order id (the first if several), or
    // nullopt when there is none.
    std::optional<CommerceOrder> find_linked_order(std::string_view amazon_order_id);

    // The Magento order with this entity id. Throws Error(NotFound) when there is none.
    CommerceOrder get_order(std::int64_t entity_id);

    // Adds a status-history entry (not notified to the customer, not visible on the storefront)
    // that sets the order's status. Sent at most once unless it certainly did not reach Magento
    // (no connection, or 429): after a failure that may have reached Magento it throws
    // Error(Temporary) at once, so a comment is never added twice by a retry.
    void set_status(std::int64_t entity_id, std::string_view status, std::string_view comment);

    [[nodiscard]] const CommerceSettings& settings() const { return m_settings; }

  private:
    struct Call {
        std::string what;   // "looking up the order linked to ...": for messages and events
        std::string method = "GET";
        std::string path;   // after /rest/{store_code}/V1
        std::string query;  // encoded, without '?'
        std::string body;
        bool idempotent = true;
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

// The searchCriteria query that matches `field` = `value` (eq), percent-encoded.
std::string commerce_search_query(std::string_view field, std::string_view value);

} // namespace asc
