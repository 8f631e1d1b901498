// The Adobe Commerce (Magento 2) REST client: requests, retries within a time budget, and the
// mapping of Magento's {"message","parameters"} errors to typed errors that name the commerce side.

#include "asc/commerce/commerce_client.hpp"

#include "asc/base/errors.hpp"
#include "asc/base/interrupt.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <stdexcept>

namespace asc {

namespace {

// A Magento answer: one order, or a search page of a few orders (asc asks for one at a time).
constexpr std::size_t k_max_commerce_answer = std::size_t{16} * 1024 * 1024;

using nlohmann::json;

constexpr std::string_view k_side = "the commerce system (Magento)";

std::string scalar_text(const json& j) {
    if (j.is_string()) {
        return j.get<std::string>();
    }
    if (j.is_number() || j.is_boolean()) {
        return j.dump();
    }
    return {};
}

// Magento's {"message":"... %name ... %1 ...","parameters":{...} or [...]}, placeholders filled
// in; "" when the body is not in that shape.
std::string magento_message(const std::string& body) {
    const json j = json::parse(body, nullptr, false);
    if (!j.is_object()) {
        return {};
    }
    const auto m = j.find("message");
    if (m == j.end() || !m->is_string()) {
        return {};
    }
    std::string text = m->get<std::string>();
    const auto replace = [&text](const std::string& placeholder, const std::string& value) {
        for (std::size_t pos = text.find(placeholder); pos != std::string::npos;
             pos = text.find(placeholder, pos + value.size())) {
            text.replace(pos, placeholder.size(), value);
        }
    };
    if (const auto p = j.find("parameters"); p != j.end()) {
        if (p->is_object()) {
            for (const auto& [key, value] : p->items()) {
                replace("%" + key, scalar_text(value));
            }
        } else if (p->is_array()) {
            // %10 before %1.
            for (std::size_t i = p->size(); i > 0; --i) {
                replace("%" + std::to_string(i), scalar_text((*p)[i - 1]));
            }
        }
    }
    return printable_excerpt(text, 300);
}

// "HTTP 503: <Magento's message>" or "HTTP 503" when it said nothing usable.
std::string describe(int status, const std::string& body) {
    std::string message = magento_message(body);
    if (message.empty() && !body.empty() && body.front() != '<') {
        message = printable_excerpt(body, 160);
    }
    return message.empty() ? fmt::format("HTTP {}", status) : fmt::format("HTTP {}: {}", status, message);
}

void throw_if_interrupted() {
    if (interrupted()) {
        throw Error(ErrorKind::Interrupted, "interrupted");
    }
}

std::string string_at(const json& j, const char* key) {
    const auto it = j.find(key);
    return it == j.end() ? std::string{} : scalar_text(*it);
}

std::int64_t id_at(const json& j, const char* key) {
    const auto it = j.find(key);
    if (it == j.end()) {
        return 0;
    }
    if (it->is_number_integer()) {
        return it->get<std::int64_t>();
    }
    if (it->is_string()) {
        try {
            return std::stoll(it->get<std::string>());
        } catch (const std::exception&) {
            return 0;
        }
    }
    return 0;
}

// A quantity field: Magento sends decimals as JSON numbers (2, 2.0, 0.5) or strings ("2.0000").
// Read from the number's text, so that nothing passes through a float. Absent or null: 0.
CommerceQty qty_at(const json& j, const char* key) {
    const auto it = j.find(key);
    if (it == j.end() || it->is_null()) {
        return 0;
    }
    const std::string text = it->is_string() ? it->get<std::string>() : it->dump();
    if (const auto q = parse_commerce_qty(text)) {
        return *q;
    }
    throw Error(
        ErrorKind::Temporary,
        fmt::format("{} returned a malformed quantity {} '{}'", k_side, key, printable_excerpt(text, 40)),
        "try again later");
}

CommerceItem parse_item(const json& j) {
    CommerceItem i;
    i.item_id = id_at(j, "item_id");
    i.parent_item_id = id_at(j, "parent_item_id");
    i.sku = string_at(j, "sku");
    i.qty_ordered = qty_at(j, "qty_ordered");
    i.qty_invoiced = qty_at(j, "qty_invoiced");
    i.qty_refunded = qty_at(j, "qty_refunded");
    i.qty_canceled = qty_at(j, "qty_canceled");
    i.qty_shipped = qty_at(j, "qty_shipped");
    return i;
}

CommerceOrder parse_order(const json& j) {
    CommerceOrder o;
    o.entity_id = id_at(j, "entity_id");
    o.increment_id = string_at(j, "increment_id");
    o.ext_order_id = string_at(j, "ext_order_id");
    o.state = string_at(j, "state");
    o.status = string_at(j, "status");
    if (const auto h = j.find("status_histories"); h != j.end() && h->is_array()) {
        o.has_history = true;
        for (const auto& entry : *h) {
            if (entry.is_object()) {
                o.history.push_back({string_at(entry, "comment"), string_at(entry, "status"),
                                     string_at(entry, "created_at")});
            }
        }
    }
    if (const auto items = j.find("items"); items != j.end() && items->is_array()) {
        o.has_items = true;
        for (const auto& item : *items) {
            if (item.is_object()) {
                o.items.push_back(parse_item(item));
            }
        }
    }
    return o;
}

// Where an integration gets an ACL resource: System > Extensions > Integrations > API.
std::string acl_path(std::string_view resource) {
    if (resource == "Magento_Sales::creditmemo") {
        return "Sales > Operations > Orders > Actions > Credit Memos";
    }
    if (resource == "Magento_Sales::cancel") {
        return "Sales > Operations > Orders > Actions > Cancel";
    }
    if (resource == "Magento_Sales::comment") {
        return "Sales > Operations > Orders > Actions > Comment";
    }
    if (resource == "Magento_Sales::sales_creditmemo") {
        return "Sales > Operations > Credit Memos";
    }
    return "Sales > Operations > Orders > Actions > View";
}

json parse_body(const std::string& body, const std::string& what) {
    json j = json::parse(body, nullptr, false);
    if (j.is_discarded()) {
        throw Error(ErrorKind::Temporary,
                    fmt::format("{} returned a malformed response for {}", k_side, what), "try again later");
    }
    return j;
}

} // namespace

std::string commerce_search_query(std::string_view field, std::string_view value) {
    constexpr std::string_view k_filter = "searchCriteria[filterGroups][0][filters][0]";
    return fmt::format("{}={}&{}={}&{}={}", url_encode(fmt::format("{}[field]", k_filter)), url_encode(field),
                       url_encode(fmt::format("{}[value]", k_filter)), url_encode(value),
                       url_encode(fmt::format("{}[conditionType]", k_filter)), "eq");
}

std::optional<CommerceQty> parse_commerce_qty(std::string_view text) {
    // Magento prints decimal(12,4) columns; JSON encoders may add an exponent-free fraction.
    CommerceQty whole = 0;
    std::size_t i = 0;
    if (text.empty()) {
        return std::nullopt;
    }
    for (; i < text.size() && text[i] >= '0' && text[i] <= '9'; ++i) {
        if (whole > 100'000'000'000LL) {
            return std::nullopt;
        }
        whole = whole * 10 + (text[i] - '0');
    }
    if (i == 0) {
        return std::nullopt;
    }
    CommerceQty fraction = 0;
    CommerceQty scale = k_commerce_qty_one;
    if (i < text.size() && text[i] == '.') {
        ++i;
        for (; i < text.size() && text[i] >= '0' && text[i] <= '9'; ++i) {
            if (scale > 1) {
                scale /= 10;
                fraction += (text[i] - '0') * scale;
            } else if (text[i] != '0') {
                return std::nullopt; // more than 4 places: not a Magento quantity
            }
        }
    }
    if (i != text.size()) {
        return std::nullopt;
    }
    return whole * k_commerce_qty_one + fraction;
}

std::string format_commerce_qty(CommerceQty qty) {
    std::string out = std::to_string(qty / k_commerce_qty_one);
    if (CommerceQty fraction = qty % k_commerce_qty_one; fraction != 0) {
        std::string digits = fmt::format("{:04}", fraction);
        while (digits.back() == '0') {
            digits.pop_back();
        }
        out += "." + digits;
    }
    return out;
}

CommerceClient::CommerceClient(Transport& transport, Clock& clock, CommerceSettings settings,
                               CommerceOptions options, Events& events)
    : m_transport(transport), m_clock(clock), m_settings(std::move(settings)), m_options(options),
      m_events(events), m_rng(std::random_device{}()) {
    while (!m_settings.base_url.empty() && m_settings.base_url.back() == '/') {
        m_settings.base_url.pop_back();
    }
}

std::optional<CommerceOrder> CommerceClient::find_linked_order(std::string_view amazon_order_id) {
    Call call;
    call.what = fmt::format("the search for the order linked to Amazon order {}",
                            printable_excerpt(amazon_order_id, 40));
    call.path = "/orders";
    call.query = commerce_search_query(m_settings.link_field, amazon_order_id);
    const json j = parse_body(send(call), call.what);
    const auto items = j.is_object() ? j.find("items") : j.end();
    if (items == j.end() || items->is_null()) {
        return std::nullopt;
    }
    if (!items->is_array()) {
        throw Error(ErrorKind::Temporary,
                    fmt::format("{} returned a malformed search result for {}", k_side, call.what),
                    "try again later");
    }
    std::optional<CommerceOrder> first;
    for (const auto& item : *items) {
        if (!item.is_object()) {
            continue;
        }
        CommerceOrder o = parse_order(item);
        const std::string& linked = m_settings.link_field == "increment_id" ? o.increment_id : o.ext_order_id;
        if (linked == amazon_order_id) {
            return o;
        }
        if (!first) {
            first = std::move(o);
        }
    }
    return first;
}

CommerceOrder CommerceClient::get_order(std::int64_t entity_id) {
    Call call;
    call.what = fmt::format("the Magento order with entity_id {}", entity_id);
    call.path = fmt::format("/orders/{}", entity_id);
    const json j = parse_body(send(call), call.what);
    if (!j.is_object()) {
        throw Error(ErrorKind::Temporary,
                    fmt::format("{} returned a malformed order for {}", k_side, call.what),
                    "try again later");
    }
    return parse_order(j);
}

void CommerceClient::add_comment(std::int64_t entity_id, std::string_view status, std::string_view comment) {
    if (status.empty()) {
        // Magento would blank the order's status (magento/magento2#34180).
        throw std::invalid_argument("CommerceClient::add_comment: empty status");
    }
    Call call;
    call.what = fmt::format("the comment on the Magento order with entity_id {}", entity_id);
    call.method = "POST";
    call.op = "commerce comment";
    call.acl = "Magento_Sales::comment";
    call.path = fmt::format("/orders/{}/comments", entity_id);
    call.body = json{{"statusHistory",
                      {{"comment", comment},
                       {"status", status},
                       {"is_customer_notified", 0},
                       {"is_visible_on_front", 0}}}}
                    .dump();
    call.idempotent = false;
    call.on_400 =
        fmt::format("Magento 2.4.7+ accepts only a status assigned to the order's current state; if "
                    "'{}' is your cancel_status, assign it to the state the order is in (Stores > "
                    "Settings > Order Status > Assign Status to State) or remove cancel_status from "
                    "[profiles.NAME.commerce]",
                    status);
    const std::string body = send(call);
    // OrderManagementInterface::addComment answers `true`. `false` means it did not add the entry;
    // anything else (a proxy's page, a cut answer) says nothing about whether it did.
    const json j = json::parse(body, nullptr, false);
    if (j.is_boolean() && !j.get<bool>()) {
        throw Error(ErrorKind::Internal,
                    fmt::format("{} did not add {} (it answered false)", k_side, call.what),
                    "check the order in the Magento admin");
    }
    if (!j.is_boolean()) {
        throw CommerceOutcomeUnknown(
            ErrorKind::Temporary,
            fmt::format("{} answered {} with neither true nor false ({})", k_side, call.what,
                        printable_excerpt(body, 80)),
            "`asc cancellations resume` reads the order's history before sending it again");
    }
}

bool CommerceClient::cancel_order(std::int64_t entity_id) {
    Call call;
    call.what = fmt::format("the cancellation of the Magento order with entity_id {}", entity_id);
    call.method = "POST";
    call.op = "commerce cancel";
    call.acl = "Magento_Sales::cancel";
    call.path = fmt::format("/orders/{}/cancel", entity_id);
    call.on_400 = "check the order in the Magento admin; `asc cancellations resume` reads it again";
    call.idempotent = false;
    const json j = json::parse(send(call), nullptr, false);
    // OrderManagementInterface::cancel returns (bool)$order->cancel(): `false` with HTTP 200 when
    // Order::canCancel() said no (app/code/Magento/Sales/Model/Service/OrderService.php).
    if (!j.is_boolean()) {
        throw CommerceOutcomeUnknown(
            ErrorKind::Temporary,
            fmt::format("{} answered {} with neither true nor false", k_side, call.what),
            "`asc cancellations resume` reads the order again before doing anything");
    }
    return j.get<bool>();
}

std::int64_t CommerceClient::refund_order(std::int64_t entity_id,
                                          const std::vector<CommerceRefundLine>& lines) {
    Call call;
    call.what = fmt::format("the credit memo of the Magento order with entity_id {}", entity_id);
    call.method = "POST";
    call.op = "commerce refund";
    call.acl = "Magento_Sales::creditmemo";
    call.path = fmt::format("/order/{}/refund", entity_id);
    json items = json::array();
    json back_to_stock = json::array();
    for (const CommerceRefundLine& l : lines) {
        // Magento reads qty as a float; the decimal text of an exact quantity parses to the same.
        items.push_back(
            {{"order_item_id", l.order_item_id}, {"qty", json::parse(format_commerce_qty(l.qty))}});
        back_to_stock.push_back(l.order_item_id);
    }
    // RefundOrderInterface::execute(orderId, items, notify, appendComment, comment, arguments);
    // arguments.extension_attributes.return_to_stock_items is Magento_SalesInventory's.
    call.body = json{{"items", items},
                     {"notify", false},
                     {"arguments", {{"extension_attributes", {{"return_to_stock_items", back_to_stock}}}}}}
                    .dump();
    call.idempotent = false;
    call.on_400 = "Magento refused the credit memo; the order may have changed in Magento since asc read it "
                  "(`asc cancellations resume` reads it again), or it cannot be refunded offline";
    const std::string body = send(call);
    const json j = json::parse(body, nullptr, false);
    std::int64_t id = 0;
    if (j.is_number_integer()) {
        id = j.get<std::int64_t>();
    } else if (j.is_string()) {
        id = id_at(json{{"id", j}}, "id");
    }
    if (id <= 0) {
        throw CommerceOutcomeUnknown(
            ErrorKind::Temporary,
            fmt::format("{} answered {} without a credit memo id ({})", k_side, call.what,
                        printable_excerpt(body, 80)),
            "`asc cancellations resume` reads the order again before doing anything");
    }
    return id;
}

std::vector<std::int64_t> CommerceClient::find_creditmemos(std::int64_t entity_id) {
    Call call;
    call.what = fmt::format("the credit memos of the Magento order with entity_id {}", entity_id);
    call.path = "/creditmemos";
    call.query = commerce_search_query("order_id", std::to_string(entity_id));
    call.acl = "Magento_Sales::sales_creditmemo";
    const json j = parse_body(send(call), call.what);
    std::vector<std::int64_t> ids;
    if (const auto items = j.is_object() ? j.find("items") : j.end(); items != j.end() && items->is_array()) {
        for (const auto& item : *items) {
            if (item.is_object()) {
                if (const std::int64_t id = id_at(item, "entity_id"); id > 0) {
                    ids.push_back(id);
                }
            }
        }
    }
    std::sort(ids.begin(), ids.end());
    return ids;
}

std::int64_t CommerceClient::ship_order(std::int64_t entity_id, const std::vector<CommerceShipLine>& lines,
                                        const CommerceTrack& track, bool notify) {
    Call call;
    call.what = fmt::format("the shipment of the Magento order with entity_id {}", entity_id);
    call.method = "POST";
    call.op = "commerce ship";
    call.acl = "Magento_Sales::ship";
    call.path = fmt::format("/order/{}/ship", entity_id);
    json items = json::array();
    for (const CommerceShipLine& l : lines) {
        items.push_back({{"order_item_id", l.order_item_id}, {"qty", json::parse(format_commerce_qty(l.qty))}});
    }
    // ShipOrderInterface::execute(orderId, items, notify, appendComment, comment, tracks, packages, arguments).
    call.body = json{{"items", items},
                     {"notify", notify},
                     {"tracks", json::array({{{"track_number", track.track_number},
                                              {"title", track.title},
                                              {"carrier_code", track.carrier_code}}})}}
                    .dump();
    call.idempotent = false;
    call.on_400 = "Magento refused the shipment: the order cannot ship there (canceled, on hold, already shipped) "
                  "or its items differ from Amazon's";
    const std::string body = send(call);
    const json j = json::parse(body, nullptr, false);
    std::int64_t id = 0;
    if (j.is_number_integer()) {
        id = j.get<std::int64_t>();
    } else if (j.is_string()) {
        id = id_at(json{{"id", j}}, "id");
    }
    if (id <= 0) {
        throw CommerceOutcomeUnknown(ErrorKind::Temporary,
                                     fmt::format("{} answered {} without a shipment id ({})", k_side, call.what,
                                                 printable_excerpt(body, 80)),
                                     "run the same `asc order ship` again: it reads the order's shipments first");
    }
    return id;
}

std::vector<CommerceShipmentTrack> CommerceClient::find_shipment_tracks(std::int64_t entity_id) {
    Call call;
    call.what = fmt::format("the shipments of the Magento order with entity_id {}", entity_id);
    call.path = "/shipments";
    call.query = commerce_search_query("order_id", std::to_string(entity_id));
    call.acl = "Magento_Sales::shipment";
    const json j = parse_body(send(call), call.what);
    std::vector<CommerceShipmentTrack> out;
    if (const auto items = j.is_object() ? j.find("items") : j.end(); items != j.end() && items->is_array()) {
        for (const auto& shipment : *items) {
            if (!shipment.is_object()) {
                continue;
            }
            const std::int64_t id = id_at(shipment, "entity_id");
            if (const auto tracks = shipment.find("tracks"); tracks != shipment.end() && tracks->is_array()) {
                for (const auto& t : *tracks) {
                    if (t.is_object() && t.contains("track_number") && t["track_number"].is_string()) {
                        out.push_back({id, t["track_number"].get<std::string>()});
                    }
                }
            }
        }
    }
    return out;
}

std::string CommerceClient::send(const Call& call) {
    std::string url = fmt::format("{}/rest/{}/V1{}", m_settings.base_url, m_settings.store_code, call.path);
    if (!call.query.empty()) {
        url += "?" + call.query;
    }
    const std::string& op = call.op;
    const int max_attempts = std::max(1, m_options.retry.max_attempts);
    const auto started = m_clock.now();

    for (int attempt = 1;; ++attempt) {
        throw_if_interrupted();
        m_events.debug(fmt::format("{} (attempt {})", op, attempt));
        HttpRequest request;
        request.method = call.method;
        request.url = url;
        request.max_response_bytes = k_max_commerce_answer;
        request.headers = {{"Authorization", "Bearer " + m_settings.access_token},
                           {"Accept", "application/json"}};
        if (!call.body.empty()) {
            request.headers.emplace_back("Content-Type", "application/json");
            request.body = call.body;
        }
        HttpResponse response;
        try {
            response = m_transport.send(request);
        } catch (const Error& e) {
            // Misuse the transport refuses (plain http to a remote host): name our side.
            throw Error(e.kind(), fmt::format("{}: {}", k_side, e.what()), e.hint());
        }
        throw_if_interrupted();

        std::string reason;
        bool certainly_not_applied = false;
        if (response.error != TransportError::None) {
            reason = describe(response.error, response.error_message);
            certainly_not_applied = response.error == TransportError::Connect;
            if (!is_retryable(response.error)) {
                throw Error(
                    ErrorKind::Temporary,
                    fmt::format("{} could not be reached for {}: {}", k_side, call.what, reason),
                    response.error == TransportError::Tls
                        ? "check the commerce base_url's host name, the system clock and the CA certificates"
                        : "check the network connection and try again");
            }
        } else if (response.status >= 200 && response.status < 300) {
            // A POST that was answered 2xx was applied, whatever the body says.
            if (!call.idempotent || json::accept(response.body)) {
                return response.body;
            }
            reason = fmt::format("malformed response (HTTP {}, not JSON)", response.status);
        } else {
            const std::string what = describe(response.status, response.body);
            switch (response.status) {
            case 401:
            case 403:
                // Magento answers 401 "The consumer isn't authorized to access %resources." both for
                // a token it does not know and for an integration without the route's ACL resource
                // (app/code/Magento/Webapi/Controller/Rest/RequestValidator.php).
                throw Error(
                    ErrorKind::Auth, fmt::format("{} refused the access token: {}", k_side, what),
                    fmt::format("check the Magento integration (System > Extensions > Integrations): active, "
                                "its access token set as ASC_COMMERCE_TOKEN or access_token_file in "
                                "[profiles.NAME.commerce], and API access to {} ({})",
                                call.acl.empty() ? "Magento_Sales::actions_view" : call.acl,
                                acl_path(call.acl)));
            case 404:
                throw Error(ErrorKind::NotFound,
                            fmt::format("{}: {}: not found ({})", k_side, call.what, what),
                            "check the commerce base_url and store_code");
            case 400:
                throw Error(ErrorKind::Usage, fmt::format("{} rejected {}: {}", k_side, call.what, what),
                            call.on_400);
            default:
                break;
            }
            if (!is_retryable_status(response.status)) {
                throw Error(ErrorKind::Internal, fmt::format("{}: {} failed: {}", k_side, call.what, what));
            }
            reason = what;
            certainly_not_applied = response.status == 429;
        }

        if (!call.idempotent && !certainly_not_applied) {
            throw CommerceOutcomeUnknown(
                ErrorKind::Temporary,
                fmt::format("{} may or may not have applied {} ({})", k_side, call.what, reason),
                "it is not sent again automatically: `asc cancellations resume` reads the Magento order "
                "again "
                "and decides from its quantities and state");
        }
        const auto delay = m_options.retry.backoff(attempt, m_rng);
        const auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(m_clock.now() - started);
        if (attempt >= max_attempts || elapsed + delay >= m_options.budget) {
            throw Error(ErrorKind::Temporary,
                        fmt::format("{}: {} failed after {} attempt{}: {}", k_side, call.what, attempt,
                                    attempt == 1 ? "" : "s", reason),
                        "Magento or the network is having trouble; try again later");
        }
        m_events.retrying(op, attempt, reason, delay);
        m_clock.sleep_for(delay);
    }
}

} // namespace asc
