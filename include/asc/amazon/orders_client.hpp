#pragma once
// Orders API v2026-01-01: searchOrders and getOrder.

#include "asc/amazon/sp_api.hpp"
#include "asc/model/model.hpp"

#include <chrono>
#include <functional>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace asc {

// searchOrders shows an order's changes only up to two minutes before the request: its
// createdBefore / lastUpdatedBefore must be at least 2 minutes before now (orders_2026-01-01.json,
// searchOrders; reference/spapi-contract.md). The client clamps its windows to that end, the sync
// ends its window there, and recovery waits it out before concluding from a sync what did not
// happen: all of them through OrdersClient::search_lag(), which is this except in tests.
inline constexpr std::chrono::minutes k_search_lag{2};

// includedData values of v2026.
enum class Included { Buyer, Recipient, Proceeds, Fulfillment, Packages, Cancellation, Promotion, Tax };

struct SearchQuery {
    std::optional<Timestamp> created_after, created_before;
    std::optional<Timestamp> updated_after, updated_before;
    std::vector<Status> statuses;
    std::optional<FulfilledBy> fulfilled_by;
    std::vector<std::string> marketplace_ids;
    int page_size = 100;                 // maxResultsPerPage, 1..100
    // includedData; Fulfillment is always added, because the order's status comes from it.
    std::vector<Included> included;
    // Ask for page n+1 (on a second thread) while the caller's on_page handles page n. Still one
    // request in flight at a time, each paced by the rate limiter as usual. Only for callers that
    // want every page: a page fetched ahead and then not wanted is a searchOrders request spent.
    // Rate-limit waits and retries of the read-ahead reach the client's Events on the caller's
    // thread; the transport's own --debug hook is called on the other thread, so leave this off
    // when that hook is not thread-safe.
    bool read_ahead = false;
};

// Parses one v2026 Order object (as in searchOrders' "orders" or getOrder's "order").
// Throws Error(Temporary) with a clear message when a required field is missing or malformed
// (an amount that is not a decimal string, a time that is not ISO 8601, an unknown
// fulfillmentStatus); the message names `operation` when given and the field's path.
// Without a fulfillment block the status is Pending: ask for Included::Fulfillment.
Order order_from_v2026(const nlohmann::json& j, std::string_view operation = {});
// The same for a document parsed as ordered_json (an object is a small vector, not a tree of
// nodes: cheaper to build, which is what a page of orders mostly costs).
Order order_from_v2026(const nlohmann::ordered_json& j, std::string_view operation = {});

// A searchOrders page: its orders, and the token of the next page ("" for the last).
struct OrdersPage {
    std::vector<Order> orders;
    std::string next_token;
};

// Decodes a searchOrders body in one pass (JsonPull's events filling the orders directly). Returns
// false, with `out` empty, when the body is anything but a well-formed page: not JSON, or a field
// of the wrong type, missing, duplicated or out of range. It never explains why: the caller then
// decodes the body as a document with order_from_v2026, which names the fault. For a page it
// accepts, the orders are the ones order_from_v2026 makes. Public for tests.
bool decode_orders_page_fast(std::string_view body, OrdersPage& out);

// The next page's token read off a searchOrders body without parsing it (the value of a
// "nextToken" key; the body's end is looked at first), so that the next request can leave while
// this body is decoded. A guess, to be confirmed against the decoded page: "" when there is none
// or the value holds an escape. Public for tests.
std::string guess_next_token(std::string_view body);

class OrdersClient {
  public:
    // `search_lag` is k_search_lag against Amazon; tests shorten it together with asc-sim's
    // --search-lag-seconds (the ASC_TEST_SEARCH_LAG_SECONDS hook), so as not to wait two real minutes.
    explicit OrdersClient(SpApiClient& api, std::chrono::seconds search_lag = k_search_lag)
        : m_api(api), m_search_lag(search_lag) {}

    // How long before a request searchOrders' windows must end (k_search_lag).
    [[nodiscard]] std::chrono::seconds search_lag() const { return m_search_lag; }

    // Calls searchOrders page by page and hands each page to `on_page`; stops when there is no
    // next page or `on_page` returns false. Every follow-up request resends every other parameter
    // unchanged with paginationToken. A ...Before later than now - search_lag() is clamped to it.
    // Throws Error(Usage) unless exactly one of created_after / updated_after is given (and the
    // created/updated filters are not mixed), or for a page_size outside 1..100.
    void search(const SearchQuery& query, const std::function<bool(std::vector<Order>&&)>& on_page);

    // getOrder with includedData (Fulfillment always added). Throws ApiError(NotFound) for an
    // unknown id.
    Order get(const std::string& order_id, const std::vector<Included>& included);

    // The query parameters searchOrders gets for `query` (without paginationToken). Public for tests.
    [[nodiscard]] std::vector<std::pair<std::string, std::string>>
    search_parameters(const SearchQuery& query, Timestamp now) const;

  private:
    SpApiClient& m_api;
    std::chrono::seconds m_search_lag;
};

} // namespace asc
