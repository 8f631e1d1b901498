// The Adobe Commerce (Magento 2) REST surface of the simulator, on the same server as the Amazon
// side:
//
//   GET  /rest/{store}/V1/orders?searchCriteria[filterGroups][0][filters][0][field]=F
//        &searchCriteria[filterGroups][0][filters][0][value]=V
//        &searchCriteria[filterGroups][0][filters][0][conditionType]=eq
//                                 {"items":[...],"search_criteria":{...},"total_count":N}
//                                 (F: ext_order_id, increment_id or entity_id; snake_case keys too)
//   GET  /rest/{store}/V1/orders/{entity_id}
//   POST /rest/{store}/V1/orders/{entity_id}/comments   {"statusHistory":{comment,status,...}} -> true
//   POST /rest/{store}/V1/orders/{entity_id}/cancel     -> true | false (HTTP 200 either way)
//   POST /rest/{store}/V1/order/{entity_id}/refund      {"items":[{order_item_id,qty}],"notify":false,
//        "arguments":{"extension_attributes":{"return_to_stock_items":[id,...]}}} -> credit memo id
//   GET  /rest/{store}/V1/creditmemos?searchCriteria...[field]=order_id&...[value]=N
//                                 {"items":[{entity_id,order_id,...}],"total_count":N}
//   POST /rest/{store}/V1/order/{entity_id}/ship  {"items":[{order_item_id,qty}],"notify":bool,
//        "tracks":[{track_number,title,carrier_code}]} -> shipment id (Magento_Sales::ship;
//        rules in commerce_ship.cpp)
//   GET  /rest/{store}/V1/shipments?searchCriteria...[field]=order_id&...[value]=N
//                                 {"items":[{entity_id,order_id,items,tracks}],"total_count":N}
//                                 (Magento_Sales::shipment)
//
// Routes and ACL resources as in app/code/Magento/Sales/etc/webapi.xml (2.4): reads need
// Magento_Sales::actions_view, comments Magento_Sales::comment, cancel Magento_Sales::cancel, refund
// Magento_Sales::creditmemo, the credit memo list Magento_Sales::sales_creditmemo. {store} is "default" or "all". Every call needs `Authorization: Bearer
// <token>` of an integration with the route's resource (--commerce-token has all; --commerce-acl
// gives others), else 401 in Magento's {"message","parameters"} shape; it is counted as
// commerceSearch, commerceGet, commerceComment, commerceCancel or commerceRefund in /_sim/stats,
// and takes faults like the Amazon operations (--fault 500:commerceRefund:1, POST /_sim/config; a
// `slow` fault delays the answer and then applies the request, like a Magento that answers after
// the client gave up). Control endpoints (no auth, not counted):
//
//   GET  /_sim/commerce/orders/{amazon_order_id}   the linked Magento order (state, status, items,
//                                                   status_histories, credit_memos) or 404
//   GET  /_sim/commerce/orders[?limit=N]           {"links":[{amazon_order_id,entity_id,increment_id,
//                                                   state,status,comments,credit_memos}]}

#include "server.hpp"

#include <fmt/format.h>
#include <thread>

namespace sim {

namespace {

void magento_error(httplib::Response& res, int status, std::string_view message, Json parameters = Json()) {
    Json body{{"message", message}};
    if (!parameters.is_null()) {
        body["parameters"] = std::move(parameters);
    }
    send_json(res, status, body);
}

void send_magento_error(httplib::Response& res, const MagentoError& e) {
    magento_error(res, e.status, e.message, e.parameters);
}

void entity_not_found(httplib::Response& res) {
    magento_error(res, 404, "The entity that was requested doesn't exist. Verify the entity and try again.");
}

// The fault's answer in Magento's shape.
void apply_fault(FaultKind kind, httplib::Response& res) {
    switch (kind) {
    case FaultKind::http429:
        magento_error(res, 429, "Too many requests. Try again later.");
        return;
    case FaultKind::http500:
        magento_error(res, 500, "Internal Error. Details are available in Magento log file. Report ID: %1",
                      Json::array({fmt::format("webapi-{}", random_alnum(13))}));
        return;
    case FaultKind::http503:
        res.status = 503;
        res.set_content("<html><body><h1>503 Service Unavailable</h1></body></html>", "text/html");
        return;
    case FaultKind::garbage:
        res.status = 200;
        res.set_content("{\"items\":[{\"entity_id\":\x01<html>Bad Gateway</html>", "application/json");
        return;
    case FaultKind::drop: {
        res.status = 200;
        const std::string part = R"({"items":[{"entity_id":1,"increment_id":"0001)";
        res.set_content_provider(4096, "application/json",
                                 [part](std::size_t offset, std::size_t, httplib::DataSink& sink) {
                                     if (offset == 0) {
                                         sink.write(part.data(), part.size());
                                     }
                                     return false;
                                 });
        return;
    }
    case FaultKind::expire:
        magento_error(res, 401, "The consumer isn't authorized to access %resources.",
                      Json{{"resources", "Magento_Sales::sales"}});
        return;
    case FaultKind::slow:
        return; // handled by the caller
    }
}

// The ACL resource each route needs (app/code/Magento/Sales/etc/webapi.xml).
std::string_view resource_of(Op op) {
    switch (op) {
    case Op::commerceComment:
        return "Magento_Sales::comment";
    case Op::commerceCancel:
        return "Magento_Sales::cancel";
    case Op::commerceRefund:
        return "Magento_Sales::creditmemo";
    case Op::commerceCreditmemos:
        return "Magento_Sales::sales_creditmemo";
    case Op::commerceShip:
        return "Magento_Sales::ship";
    case Op::commerceShipments:
        return "Magento_Sales::shipment";
    default:
        return "Magento_Sales::actions_view";
    }
}

// Counting, faults, the store code and the bearer token, then the handler.
Handler commerce_api(Context& ctx, Op op, Handler handler) {
    return [&ctx, op, handler = std::move(handler)](const httplib::Request& req, httplib::Response& res) {
        if (const auto fault = ctx.gate.enter(op)) {
            if (*fault == FaultKind::slow) {
                std::this_thread::sleep_for(std::chrono::duration<double>(ctx.slow_seconds.load()));
            } else {
                apply_fault(*fault, res);
                return;
            }
        }
        if (const auto refused = ctx.commerce.authorize(req.get_header_value("Authorization"), resource_of(op))) {
            return send_magento_error(res, *refused);
        }
        const std::string store = req.matches[1];
        if (store != "default" && store != "all") {
            magento_error(res, 400, "The store that was requested wasn't found. Verify the store and try again.");
            return;
        }
        handler(req, res);
    };
}

// A searchCriteria filter key, in the camelCase or snake_case spelling.
std::optional<std::string> criteria(const httplib::Request& req, std::string_view camel, std::string_view snake) {
    for (const std::string_view group : {"filterGroups", "filter_groups"}) {
        for (const std::string_view name : {camel, snake}) {
            const std::string full = fmt::format("searchCriteria[{}][0][filters][0][{}]", group, name);
            if (auto v = param(req, full.c_str())) {
                return v;
            }
        }
    }
    return std::nullopt;
}

void search(Context& ctx, const httplib::Request& req, httplib::Response& res) {
    const auto field = criteria(req, "field", "field");
    const auto value = criteria(req, "value", "value");
    const std::string condition = criteria(req, "conditionType", "condition_type").value_or("eq");
    if (!field || !value) {
        return magento_error(res, 400, "\"%fieldName\" is required. Enter and try again.",
                             Json{{"fieldName", "searchCriteria"}});
    }
    if (condition != "eq") {
        return magento_error(res, 400, "asc-sim supports only conditionType eq, not %1.", Json::array({condition}));
    }
    if (*field != "ext_order_id" && *field != "increment_id" && *field != "entity_id") {
        return magento_error(res, 400, "Invalid filter field: %1 (asc-sim supports ext_order_id, increment_id, "
                                       "entity_id).",
                             Json::array({*field}));
    }
    Json items = Json::array();
    if (auto order = ctx.commerce.find(*field, *value)) {
        items.push_back(std::move(*order));
    }
    const std::size_t count = items.size();
    Json filter{{"field", *field}, {"value", *value}, {"condition_type", condition}};
    send_json(res, 200,
              Json{{"items", std::move(items)},
                   {"search_criteria", {{"filter_groups", Json::array({{{"filters", Json::array({filter})}}})}}},
                   {"total_count", count}});
}

void search_creditmemos(Context& ctx, const httplib::Request& req, httplib::Response& res) {
    const auto field = criteria(req, "field", "field");
    const auto value = criteria(req, "value", "value");
    if (!field || !value) {
        return magento_error(res, 400, "\"%fieldName\" is required. Enter and try again.",
                             Json{{"fieldName", "searchCriteria"}});
    }
    if (*field != "order_id") {
        return magento_error(res, 400, "Invalid filter field: %1 (asc-sim supports order_id).", Json::array({*field}));
    }
    std::int64_t id = 0;
    try {
        id = std::stoll(*value);
    } catch (const std::exception&) {
        id = 0;
    }
    Json items = ctx.commerce.creditmemos_of(id);
    const std::size_t count = items.size();
    send_json(res, 200, Json{{"items", std::move(items)}, {"total_count", count}});
}

std::int64_t entity_id(const httplib::Request& req) {
    try {
        return std::stoll(req.matches[2]);
    } catch (const std::exception&) {
        return 0;
    }
}

void get_order(Context& ctx, const httplib::Request& req, httplib::Response& res) {
    if (auto order = ctx.commerce.get(entity_id(req))) {
        return send_json(res, 200, *order);
    }
    entity_not_found(res);
}

void add_comment(Context& ctx, const httplib::Request& req, httplib::Response& res) {
    const Json body = Json::parse(req.body, nullptr, false);
    const Json* history = nullptr;
    if (body.is_object()) {
        for (const char* key : {"statusHistory", "status_history"}) {
            if (body.contains(key) && body[key].is_object()) {
                history = &body[key];
            }
        }
    }
    if (history == nullptr) {
        return magento_error(res, 400, "\"%fieldName\" is required. Enter and try again.",
                             Json{{"fieldName", "statusHistory"}});
    }
    auto text = [history](const char* key) {
        const auto it = history->find(key);
        return it != history->end() && it->is_string() ? it->get<std::string>() : std::string{};
    };
    auto flag = [history](const char* key) {
        const auto it = history->find(key);
        return it != history->end() && ((it->is_number() && it->get<double>() != 0) ||
                                        (it->is_boolean() && it->get<bool>()));
    };
    const std::string status = text("status");
    if (const auto refused = ctx.commerce.add_comment(entity_id(req), text("comment"), status,
                                                      flag("is_customer_notified"), flag("is_visible_on_front"))) {
        return send_magento_error(res, *refused);
    }
    res.status = 200;
    res.set_content("true", "application/json");
}

void cancel_order(Context& ctx, const httplib::Request& req, httplib::Response& res) {
    const auto result = ctx.commerce.cancel(entity_id(req));
    if (const auto* e = std::get_if<MagentoError>(&result)) {
        return send_magento_error(res, *e);
    }
    res.status = 200;
    res.set_content(std::get<bool>(result) ? "true" : "false", "application/json");
}

void refund_order(Context& ctx, const httplib::Request& req, httplib::Response& res) {
    const Json body = Json::parse(req.body, nullptr, false);
    if (!body.is_object()) {
        return magento_error(res, 400, "Decoding error: %1", Json::array({"the request body is not a JSON object"}));
    }
    std::vector<Commerce::RefundLine> lines;
    if (const auto items = body.find("items"); items != body.end()) {
        if (!items->is_array()) {
            return magento_error(res, 400, "Invalid type for value: \"%1\". Expected Type: \"%2\".",
                                 Json::array({"items", "array"}));
        }
        for (const auto& item : *items) {
            if (!item.is_object() || !item.contains("order_item_id") || !item.contains("qty")) {
                return magento_error(res, 400, "\"%fieldName\" is required. Enter and try again.",
                                     Json{{"fieldName", item.is_object() && item.contains("order_item_id")
                                                            ? "qty"
                                                            : "order_item_id"}});
            }
            const Json& qty = item["qty"];
            if (!item["order_item_id"].is_number_integer() || !qty.is_number()) {
                return magento_error(res, 400, "Invalid type for value: \"%1\". Expected Type: \"%2\".",
                                     Json::array({qty.dump(), "float"}));
            }
            lines.push_back({item["order_item_id"].get<std::int64_t>(), qty.get<double>()});
        }
    }
    std::vector<std::int64_t> back_to_stock;
    if (const auto args = body.find("arguments"); args != body.end() && args->is_object()) {
        if (const auto ext = args->find("extension_attributes"); ext != args->end() && ext->is_object()) {
            if (const auto r = ext->find("return_to_stock_items"); r != ext->end() && r->is_array()) {
                for (const auto& id : *r) {
                    back_to_stock.push_back(id.is_number_integer() ? id.get<std::int64_t>() : 0);
                }
            }
        }
    }
    const auto result = ctx.commerce.refund(entity_id(req), lines, back_to_stock);
    if (const auto* e = std::get_if<MagentoError>(&result)) {
        return send_magento_error(res, *e);
    }
    // RefundOrderInterface::execute returns the credit memo's entity id, a JSON integer.
    res.status = 200;
    res.set_content(std::to_string(std::get<std::int64_t>(result)), "application/json");
}

// POST order/{id}/ship {"items":[{order_item_id,qty}],"notify":bool,"tracks":[{track_number,title,
// carrier_code}]} -> the shipment id (ShipOrderInterface::execute returns an int).
void ship_order(Context& ctx, const httplib::Request& req, httplib::Response& res) {
    const Json body = Json::parse(req.body, nullptr, false);
    if (!body.is_object()) {
        return magento_error(res, 400, "Decoding error: the request body is not valid JSON.");
    }
    std::vector<Commerce::ShipLine> lines;
    for (const auto& item : body.value("items", Json::array())) {
        if (!item.is_object() || !item.contains("order_item_id") || !item.contains("qty")) {
            return magento_error(res, 400, "\"%fieldName\" is required. Enter and try again.",
                                 Json{{"fieldName", "order_item_id"}});
        }
        lines.push_back({item["order_item_id"].get<std::int64_t>(), item["qty"].get<double>()});
    }
    const Json tracks = body.value("tracks", Json::array());
    for (const auto& t : tracks) {
        // ShipmentTrackCreationInterface: track_number, title and carrier_code are required.
        if (!t.is_object() || !t.contains("track_number") || !t.contains("title") || !t.contains("carrier_code")) {
            return magento_error(res, 400, "\"%fieldName\" is required. Enter and try again.",
                                 Json{{"fieldName", "tracks"}});
        }
    }
    const auto result = ctx.commerce.ship(std::stoll(req.matches[2].str()), lines, tracks, body.value("notify", false));
    if (const auto* e = std::get_if<MagentoError>(&result)) {
        return send_magento_error(res, *e);
    }
    res.status = 200;
    res.set_content(std::to_string(std::get<std::int64_t>(result)), "application/json");
}

void search_shipments(Context& ctx, const httplib::Request& req, httplib::Response& res) {
    const auto field = criteria(req, "field", "field");
    const auto value = criteria(req, "value", "value");
    if (!field || !value || *field != "order_id") {
        return magento_error(res, 400, "asc-sim supports searchCriteria on order_id only.");
    }
    std::int64_t id = 0;
    try {
        id = std::stoll(*value);
    } catch (const std::exception&) {
        id = 0;
    }
    Json items = ctx.commerce.shipments_of(id);
    const std::size_t count = items.size();
    send_json(res, 200, Json{{"items", std::move(items)}, {"total_count", count}});
}

} // namespace

void add_commerce_routes(httplib::Server& server, Context& ctx) {
    using Req = const httplib::Request&;
    using Res = httplib::Response&;
    server.Get(R"(/rest/([^/]+)/V1/orders)",
               commerce_api(ctx, Op::commerceSearch, [&ctx](Req req, Res res) { search(ctx, req, res); }));
    server.Get(R"(/rest/([^/]+)/V1/orders/(\d+))",
               commerce_api(ctx, Op::commerceGet, [&ctx](Req req, Res res) { get_order(ctx, req, res); }));
    server.Post(R"(/rest/([^/]+)/V1/orders/(\d+)/comments)",
                commerce_api(ctx, Op::commerceComment, [&ctx](Req req, Res res) { add_comment(ctx, req, res); }));
    server.Get(R"(/rest/([^/]+)/V1/creditmemos)",
               commerce_api(ctx, Op::commerceCreditmemos, [&ctx](Req req, Res res) { search_creditmemos(ctx, req, res); }));
    server.Post(R"(/rest/([^/]+)/V1/orders/(\d+)/cancel)",
                commerce_api(ctx, Op::commerceCancel, [&ctx](Req req, Res res) { cancel_order(ctx, req, res); }));
    server.Post(R"(/rest/([^/]+)/V1/order/(\d+)/ship)",
                commerce_api(ctx, Op::commerceShip, [&ctx](Req req, Res res) { ship_order(ctx, req, res); }));
    server.Get(R"(/rest/([^/]+)/V1/shipments)",
               commerce_api(ctx, Op::commerceShipments, [&ctx](Req req, Res res) { search_shipments(ctx, req, res); }));
    server.Post(R"(/rest/([^/]+)/V1/order/(\d+)/refund)",
                commerce_api(ctx, Op::commerceRefund, [&ctx](Req req, Res res) { refund_order(ctx, req, res); }));

    server.Get(R"(/_sim/commerce/orders/([^/]+))", [&ctx](Req req, Res res) {
        const std::string id = req.matches[1];
        if (auto order = ctx.commerce.linked_to(id)) {
            return send_json(res, 200, *order);
        }
        magento_error(res, 404, "No Magento order is linked to Amazon order %1.", Json::array({id}));
    });
    server.Get("/_sim/commerce/orders", [&ctx](Req req, Res res) {
        std::size_t limit = static_cast<std::size_t>(-1);
        if (const auto v = param(req, "limit")) {
            limit = static_cast<std::size_t>(std::stoull(*v));
        }
        send_json(res, 200, Json{{"links", ctx.commerce.links(limit)}});
    });
}

} // namespace sim
