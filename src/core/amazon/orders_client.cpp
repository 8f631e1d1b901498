// Orders API v2026-01-01: searchOrders (paged) and getOrder.

#include "asc/amazon/orders_client.hpp"

#include "asc/base/errors.hpp"
#include "asc/base/time.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <set>

namespace asc {

namespace {

using nlohmann::json;

constexpr std::string_view k_search_path = "/orders/2026-01-01/orders";
// Amazon rejects a ...Before later than this long before the request.
constexpr std::chrono::minutes k_before_margin{2};

std::string_view to_v2026(Included i) {
    switch (i) {
    case Included::Buyer:
        return "BUYER";
    case Included::Recipient:
        return "RECIPIENT";
    case Included::Proceeds:
        return "PROCEEDS";
    case Included::Fulfillment:
        return "FULFILLMENT";
    case Included::Packages:
        return "PACKAGES";
    case Included::Cancellation:
        return "CANCELLATION";
    case Included::Promotion:
        return "PROMOTION";
    case Included::Tax:
        return "TAX";
    }
    return "FULFILLMENT";
}

// "BUYER,FULFILLMENT": the caller's order, duplicates dropped, FULFILLMENT always there.
std::string included_data(const std::vector<Included>& included) {
    std::vector<Included> all = included;
    if (std::find(all.begin(), all.end(), Included::Fulfillment) == all.end()) {
        all.push_back(Included::Fulfillment);
    }
    std::string out;
    std::set<Included> seen;
    for (const Included i : all) {
        if (!seen.insert(i).second) {
            continue;
        }
        out += (out.empty() ? "" : ",") + std::string(to_v2026(i));
    }
    return out;
}

json parse_body(const HttpResponse& response) {
    // SpApiClient::call only returns empty or valid JSON bodies.
    return response.body.empty() ? json() : json::parse(response.body);
}

[[noreturn]] void unexpected(std::string_view operation, const std::string& what) {
    throw Error(ErrorKind::Temporary,
                "Amazon returned an unexpected response for " + std::string(operation) + ": " + what,
                "if this persists, Amazon changed the Orders API response: report it with --debug output");
}

} // namespace

std::vector<std::pair<std::string, std::string>> OrdersClient::search_parameters(const SearchQuery& query,
                                                                                 Timestamp now) const {
    const bool created = query.created_after.has_value();
    const bool updated = query.updated_after.has_value();
    if (created == updated) {
        throw Error(ErrorKind::Usage,
                    created ? "give either a created-after or an updated-after time, not both"
                            : "listing orders needs a created-after or an updated-after time",
                    "use --created-after or --updated-after (e.g. 7d, 2026-11-01, or an RFC 3339 time)");
    }
    if ((created && query.updated_before) || (updated && query.created_before)) {
        throw Error(ErrorKind::Usage, "created and updated time filters cannot be mixed",
                    "use --created-after with --created-before, or --updated-after alone");
    }
    if (query.page_size < 1 || query.page_size > 100) {
        throw Error(ErrorKind::Usage,
                    "the page size must be between 1 and 100, not " + std::to_string(query.page_size));
    }
    const Timestamp latest = now - k_before_margin;
    const auto clamp = [latest](Timestamp t) { return std::min(t, latest); };

    std::vector<std::pair<std::string, std::string>> params;
    const auto window = [&](const char* after_name, Timestamp after, const char* before_name,
                            const std::optional<Timestamp>& before, std::string_view flag) {
        params.emplace_back(after_name, format_rfc3339(after));
        if (before) {
            const Timestamp b = clamp(*before);
            if (b < after) {
                throw Error(ErrorKind::Usage,
                            std::string("the ") + std::string(flag) + " window is empty: it ends at " +
                                format_rfc3339(b) + " (Amazon accepts an end no later than 2 minutes ago) " +
                                "but starts at " + format_rfc3339(after),
                            "widen the time window");
            }
            params.emplace_back(before_name, format_rfc3339(b));
        }
    };
    if (created) {
        window("createdAfter", *query.created_after, "createdBefore", query.created_before, "created");
    } else {
        window("lastUpdatedAfter", *query.updated_after, "lastUpdatedBefore", query.updated_before,
               "updated");
    }
    if (!query.statuses.empty()) {
        std::string statuses;
        std::set<Status> seen;
        for (const Status s : query.statuses) {
            if (seen.insert(s).second) {
                statuses += (statuses.empty() ? "" : ",") + std::string(asc::to_v2026(s));
            }
        }
        params.emplace_back("fulfillmentStatuses", statuses);
    }
    if (query.fulfilled_by) {
        params.emplace_back("fulfilledBy", std::string(asc::to_v2026(*query.fulfilled_by)));
    }
    if (!query.marketplace_ids.empty()) {
        std::string ids;
        for (const auto& id : query.marketplace_ids) {
            ids += (ids.empty() ? "" : ",") + id;
        }
        params.emplace_back("marketplaceIds", ids);
    }
    params.emplace_back("maxResultsPerPage", std::to_string(query.page_size));
    params.emplace_back("includedData", included_data(query.included));
    return params;
}

void OrdersClient::search(const SearchQuery& query,
                          const std::function<bool(std::vector<Order>&&)>& on_page) {
    const Timestamp now = std::chrono::floor<std::chrono::seconds>(m_api.clock().wall_now());
    const auto params = search_parameters(query, now);

    std::string token;
    std::set<std::string> seen_tokens;
    for (;;) {
        ApiCall call;
        call.operation = "searchOrders";
        call.path = std::string(k_search_path);
        call.query = params;
        if (!token.empty()) {
            // Raw here: SpApiClient percent-encodes every value exactly once.
            call.query.emplace_back("paginationToken", token);
        }
        const json body = parse_body(m_api.call(call));
        if (!body.is_object()) {
            unexpected(call.operation, "the body is not a JSON object");
        }
        const auto orders = body.find("orders");
        if (orders == body.end() || !orders->is_array()) {
            unexpected(call.operation, "no \"orders\" array");
        }
        std::vector<Order> batch;
        batch.reserve(orders->size());
        for (const json& o : *orders) {
            batch.push_back(order_from_v2026(o, call.operation));
        }

        token.clear();
        if (const auto pagination = body.find("pagination");
            pagination != body.end() && pagination->is_object()) {
            if (const auto next = pagination->find("nextToken");
                next != pagination->end() && next->is_string()) {
                token = next->get<std::string>();
            }
        }
        if (!on_page(std::move(batch)) || token.empty()) {
            return;
        }
        if (!seen_tokens.insert(token).second) {
            unexpected(call.operation, "the same pagination token came back twice");
        }
    }
}

Order OrdersClient::get(const std::string& order_id, const std::vector<Included>& included) {
    if (order_id.empty()) {
        throw Error(ErrorKind::Usage, "no order id given");
    }
    ApiCall call;
    call.operation = "getOrder";
    call.path = std::string(k_search_path) + "/" + url_encode(order_id);
    call.query = {{"includedData", included_data(included)}};
    HttpResponse response;
    try {
        response = m_api.call(call);
    } catch (const ApiError& e) {
        if (e.kind() != ErrorKind::NotFound) {
            throw;
        }
        std::string what = "order " + order_id + " was not found";
        if (!e.request_id().empty()) {
            what += " (request id " + e.request_id() + ")";
        }
        throw ApiError(ErrorKind::NotFound, what,
                       "check the order id, and that the order belongs to this seller and region (--profile)",
                       e.http_status(), e.code(), e.request_id());
    }
    const json body = parse_body(response);
    if (!body.is_object()) {
        unexpected(call.operation, "the body is not a JSON object");
    }
    const auto order = body.find("order");
    if (order == body.end() || !order->is_object()) {
        unexpected(call.operation, "no \"order\" object");
    }
    return order_from_v2026(*order, call.operation);
}

} // namespace asc
