#pragma once
// The shipment journal (store schema 7): what `asc order ship` planned, sent and learned, one row
// per package. The ship service (include/asc/ship/ship.hpp) drives the state machine; the store
// (src/core/store/store_ship.cpp) keeps it, every write in one transaction.

#include "asc/model/model.hpp"

#include <chrono>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace asc {

/// The state of one package's shipment confirmation.
enum class ShipState {
    /// Journaled before anything is sent; nothing has gone out for it.
    Planned,
    /// The confirmation is going out (confirmShipment sent, or the createFeed that carries it): it
    /// may have reached Amazon, its answer is not recorded. Recovery proves the outcome from the
    /// order's packages (the tracking number), never guesses.
    Sending,
    /// In a feed Amazon accepted (feed_id); the processing report is not read yet.
    Submitted,
    /// Amazon confirmed it (204, a report without an error for it, or the order's packages).
    Confirmed,
    /// The package was on the order already (an earlier run, or another tool); nothing was sent.
    AlreadyShipped,
    /// Amazon refused it (result_code, result_message), or the feed failed.
    Failed,
    /// The guard refused it on fresh state; nothing was sent.
    Refused,
};

// "planned", "sending", "submitted", "confirmed", "already_shipped", "failed", "refused".
std::string_view to_string(ShipState state);
// The inverse of to_string(); nullopt for anything else.
std::optional<ShipState> parse_ship_state(std::string_view text);
// Planned, Sending and Submitted: the confirmation is not finished.
bool is_in_flight(ShipState state);

/// The Magento step of one confirmed package (when a commerce link is set).
enum class ShipCommerceState {
    /// Amazon confirmed the package; the Magento shipment is owed.
    Pending,
    /// The Magento request is out, or its answer was lost: the next run reads the order's shipments
    /// for the tracking number before it sends again.
    Sending,
    /// The Magento order has the shipment with its track: never again.
    Done,
    /// Magento refused it (e.g. the order is on hold), or an item's SKU is not on it.
    Failed,
    /// No Magento order is linked to the Amazon order.
    NoLink,
    /// --no-commerce: the step was not wanted for this run.
    Skipped,
};

// "pending", "sending", "done", "failed", "no_link", "skipped".
std::string_view to_string(ShipCommerceState state);
// The inverse of to_string(); nullopt for anything else.
std::optional<ShipCommerceState> parse_ship_commerce_state(std::string_view text);

/// How the confirmation went to Amazon.
enum class ShipVia {
    /// Orders v0 confirmShipment, one request per package.
    Api,
    /// One POST_ORDER_FULFILLMENT_DATA feed for the batch.
    Feed,
};
// "api", "feed".
std::string_view to_string(ShipVia via);
std::optional<ShipVia> parse_ship_via(std::string_view text);

// One unit line of a package: the order item and how many of its units are in the package.
struct ShipItem {
    std::string order_item_id;
    int quantity = 0;
};

// "id:qty,id:qty" (the journal's items column) and back; nullopt for malformed text.
std::string items_text(const std::vector<ShipItem>& items);
std::optional<std::vector<ShipItem>> parse_items_text(std::string_view text);

// One row of the shipment journal (one package of one order, one attempt).
struct ShipEntry {
    std::int64_t id = 0;
    std::string order_id;
    std::string marketplace_id;
    std::string package_ref; // packageReferenceId: positive numeric, unique within the order
    std::string carrier_code;
    std::string carrier_name; // with carrier_code Other
    std::string shipping_method;
    std::string tracking_number;
    Timestamp ship_date{};
    std::vector<ShipItem> items;
    ShipVia via = ShipVia::Api;
    std::string batch_id;
    std::string feed_document_id;
    std::string feed_id;
    std::optional<std::int64_t> message_id; // in the feed
    ShipState state = ShipState::Planned;
    std::string result_code;
    std::string result_message;
    Timestamp created_at{};
    Timestamp updated_at{};
    std::optional<Timestamp> sent_at; // when the request that carries it went out
    std::optional<std::chrono::milliseconds> send_timeout;
    std::string run_by;
    // The Magento step; nullopt: none (no commerce link).
    std::optional<ShipCommerceState> commerce_state;
    std::string commerce_shipment_id;
};

// A change to one row: every field that is set is assigned ("" assigns NULL).
struct ShipChange {
    std::int64_t id = 0;
    std::optional<ShipState> state{};
    std::optional<std::string> feed_document_id{};
    std::optional<std::string> feed_id{};
    std::optional<std::optional<Timestamp>> sent_at{};
    std::optional<std::optional<std::chrono::milliseconds>> send_timeout{};
    std::optional<std::string> result_code{};
    std::optional<std::string> result_message{};
    std::optional<ShipCommerceState> commerce_state{};
    std::optional<std::string> commerce_shipment_id{};
};

// Which rows ship_journal_entries() returns; every set filter must match. Oldest first.
struct ShipFilter {
    std::optional<Timestamp> since{};
    std::vector<ShipState> states{};
    std::string order_id{};
    std::string feed_id{};
    std::string batch_id{};
};

} // namespace asc
