// Orders API v2026-01-01 (searchOrders, getOrder) and v0 confirmShipment.

#include "json_writer.hpp"
#include "order_edits.hpp"
#include "server.hpp"

#include <algorithm>
#include <charconv>
#include <fmt/format.h>

namespace sim {

namespace {

constexpr Millis k_token_lifetime = 24LL * 3600 * 1000;

// What a pagination token carries: where the previous page ended and a hash of the query it
// belongs to (every parameter except maxResultsPerPage and includedData).
struct Cursor {
    bool by_updated = false;
    Millis last_time = 0;
    std::string last_id;
    std::uint64_t query_hash = 0;
    Millis issued = 0;
};

void put64(std::string& out, std::uint64_t v) {
    for (int i = 0; i < 8; ++i) {
        out += static_cast<char>((v >> (8 * i)) & 0xffu);
    }
}

std::uint64_t get64(std::string_view in, std::size_t at) {
    std::uint64_t v = 0;
    for (std::size_t i = 0; i < 8; ++i) {
        v |= static_cast<std::uint64_t>(static_cast<unsigned char>(in[at + i])) << (8 * i);
    }
    return v;
}

// Standard base64 of a small binary record, so tokens regularly contain '+', '/' and '='.
std::string encode(const Cursor& c) {
    std::string bytes;
    bytes += '\x01';
    bytes += c.by_updated ? '\x01' : '\x00';
    put64(bytes, static_cast<std::uint64_t>(c.last_time));
    put64(bytes, c.query_hash);
    put64(bytes, static_cast<std::uint64_t>(c.issued));
    // 0-2 filler bytes vary the length, so the base64 padding ('=', '==') shows up too.
    const auto filler =
        static_cast<std::size_t>(mix64(c.query_hash ^ static_cast<std::uint64_t>(c.last_time)) % 3);
    bytes += static_cast<char>(filler);
    bytes.append(filler, '\x5a');
    bytes += c.last_id;
    return base64_encode(bytes);
}

std::optional<Cursor> decode(const std::string& token) {
    const auto bytes = base64_decode(token);
    if (!bytes || bytes->size() < 27 || (*bytes)[0] != '\x01') {
        return std::nullopt;
    }
    const auto filler = static_cast<std::size_t>(static_cast<unsigned char>((*bytes)[26]));
    if (filler > 2 || bytes->size() < 27 + filler) {
        return std::nullopt;
    }
    Cursor c;
    c.by_updated = (*bytes)[1] == '\x01';
    c.last_time = static_cast<Millis>(get64(*bytes, 2));
    c.query_hash = get64(*bytes, 10);
    c.issued = static_cast<Millis>(get64(*bytes, 18));
    c.last_id = bytes->substr(27 + filler);
    return c;
}

std::uint64_t query_hash(const OrderQuery& q) {
    auto mps = q.marketplaces;
    std::sort(mps.begin(), mps.end());
    std::string s = fmt::format("{}|{}|{}|{}|{}|", q.by_updated, q.after.value_or(-1), q.before.value_or(-1),
                                q.statuses, q.fulfilled_by);
    for (const auto& m : mps) {
        s += m + ",";
    }
    return fnv1a(s);
}

struct BadInput {
    std::string message;
};

std::optional<Millis> date_param(const httplib::Request& req, const char* name,
                                 std::optional<BadInput>& bad) {
    const auto v = param(req, name);
    if (!v || bad) {
        return std::nullopt;
    }
    const auto t = parse_iso8601(*v);
    if (!t) {
        bad = BadInput{fmt::format("Invalid {} '{}': use an ISO 8601 date-time in UTC with a 'Z' suffix, "
                                   "e.g. 2025-01-01T00:00:00Z.",
                                   name, *v)};
    }
    return t;
}

std::optional<std::uint32_t> mask_param(const httplib::Request& req, std::optional<BadInput>& bad) {
    const auto v = list_param(req, "includedData");
    if (!v) {
        return 0u;
    }
    std::string unknown;
    const auto mask = parse_included(*v, unknown);
    if (!mask) {
        bad = BadInput{fmt::format("Invalid includedData value '{}'.", unknown)};
    }
    return mask;
}

// {"orders":[...],"pagination":{"nextToken":...}} of a page of `q` (hash: query_hash(q)).
std::string render_page(const Page& page, const OrderQuery& q, std::uint64_t hash) {
    // Written piece by piece: a page can be large, and nothing here needs a tree of the whole.
    std::string body = R"({"orders":[)";
    body.reserve(page.orders.size() * 2600 + 200);
    for (std::size_t i = 0; i < page.orders.size(); ++i) {
        if (i > 0) {
            body += ',';
        }
        body += *page.orders[i];
    }
    body += ']';
    if (page.more) {
        body += R"(,"pagination":{"nextToken":)";
        write_json(body,
                   Json(encode(Cursor{q.by_updated, page.last_time, page.last_id, hash, now_millis()})));
        body += '}';
    }
    body += '}';
    return body;
}

// As httplib decides whether to compress (detail::encoding_type): "gzip" anywhere in it.
bool accepts_gzip(const httplib::Request& req) {
    return req.get_header_value("Accept-Encoding").find("gzip") != std::string::npos;
}

// What a page depends on besides the store: the query (its hash), where it resumes, the
// includedData mask and the page size.
std::string page_key(std::uint64_t hash, const OrderQuery& q, std::uint32_t mask) {
    return fmt::format("{}|{}|{}|{}|{}|{}", hash, q.by_updated, mask, q.limit,
                       q.start_after ? q.start_after->first : -1, q.start_after ? q.start_after->second : "");
}

// A body already compressed. Given with its length, httplib sends it as it is (it compresses
// only bodies set as text and chunked content providers).
void send_gzip(httplib::Response& res, std::shared_ptr<const std::string> body) {
    res.status = 200;
    res.set_header("Content-Encoding", "gzip");
    const std::size_t size = body->size();
    res.set_content_provider(size, "application/json",
                             [body = std::move(body)](std::size_t offset, std::size_t length, httplib::DataSink& sink) {
                                 return sink.write(body->data() + offset, length);
                             });
}

void search_orders(Context& ctx, const httplib::Request& req, httplib::Response& res) {
    std::optional<BadInput> bad;
    auto reject = [&] { send_error(res, 400, "InvalidInput", bad->message); };
    OrderQuery q;
    const auto created_after = date_param(req, "createdAfter", bad);
    const auto created_before = date_param(req, "createdBefore", bad);
    const auto updated_after = date_param(req, "lastUpdatedAfter", bad);
    const auto updated_before = date_param(req, "lastUpdatedBefore", bad);
    if (bad) {
        return reject();
    }
    const bool has_created = req.has_param("createdAfter") || req.has_param("createdBefore");
    const bool has_updated = req.has_param("lastUpdatedAfter") || req.has_param("lastUpdatedBefore");
    if (req.has_param("createdAfter") == req.has_param("lastUpdatedAfter")) {
        bad = BadInput{"Exactly one of createdAfter and lastUpdatedAfter must be provided."};
    } else if (has_created && has_updated) {
        bad = BadInput{
            "createdAfter and createdBefore cannot be combined with lastUpdatedAfter or lastUpdatedBefore."};
    }
    if (bad) {
        return reject();
    }
    q.by_updated = has_updated;
    q.after = q.by_updated ? updated_after : created_after;
    q.before = q.by_updated ? updated_before : created_before;
    const char* before_name = q.by_updated ? "lastUpdatedBefore" : "createdBefore";
    if (q.before && *q.before < *q.after) {
        bad = BadInput{fmt::format("{} must be equal to or after {}.", before_name,
                                   q.by_updated ? "lastUpdatedAfter" : "createdAfter")};
    } else if (q.before && *q.before > now_millis() - ctx.options.search_lag_seconds * 1000) {
        // Amazon's wording for its two minutes (orders_2026-01-01.json, searchOrders).
        bad = BadInput{ctx.options.search_lag_seconds == 120
                           ? fmt::format("{} must be at least two minutes before the time of the request.",
                                         before_name)
                           : fmt::format("{} must be at least {} seconds before the time of the request.",
                                         before_name, ctx.options.search_lag_seconds)};
    }
    if (bad) {
        return reject();
    }
    if (const auto v = list_param(req, "fulfillmentStatuses")) {
        for (const auto& s : split(*v, ',')) {
            const auto status = parse_status_code(s);
            if (!status) {
                bad = BadInput{fmt::format("Invalid fulfillmentStatuses value '{}'.", s)};
                return reject();
            }
            q.statuses |= status_bit(*status);
        }
    }
    if (const auto v = list_param(req, "fulfilledBy")) {
        for (const auto& s : split(*v, ',')) {
            if (s == "MERCHANT") {
                q.fulfilled_by |= k_by_merchant;
            } else if (s == "AMAZON") {
                q.fulfilled_by |= k_by_amazon;
            } else {
                bad = BadInput{fmt::format("Invalid fulfilledBy value '{}'; use MERCHANT or AMAZON.", s)};
                return reject();
            }
        }
    }
    if (const auto v = list_param(req, "marketplaceIds")) {
        q.marketplaces = split(*v, ',');
        if (q.marketplaces.size() > 50) {
            bad = BadInput{"marketplaceIds accepts at most 50 values."};
            return reject();
        }
    }
    q.limit = 100;
    if (const auto v = param(req, "maxResultsPerPage")) {
        int n = 0;
        const auto [end, ec] = std::from_chars(v->data(), v->data() + v->size(), n);
        if (ec != std::errc{} || end != v->data() + v->size() || n < 1 || n > 100) {
            bad = BadInput{fmt::format("Invalid maxResultsPerPage '{}': it must be between 1 and 100.", *v)};
            return reject();
        }
        q.limit = static_cast<std::size_t>(n);
    }
    const auto mask = mask_param(req, bad);
    if (!mask) {
        return reject();
    }
    const std::uint64_t hash = query_hash(q);
    if (const auto token = param(req, "paginationToken")) {
        const auto cursor = decode(*token);
        if (!cursor || cursor->query_hash != hash || cursor->by_updated != q.by_updated ||
            now_millis() - cursor->issued > k_token_lifetime) {
            send_error(res, 400, "InvalidInput", "We could not decode your NextToken.",
                       !cursor
                           ? "The token is not one this service issued (check its URL encoding)."
                           : "The token does not match the other parameters of the request, or has expired.");
            return;
        }
        q.start_after = std::make_pair(cursor->last_time, cursor->last_id);
    }

    // With --page-cache-mb, a gzip client asking the same question again gets the same bytes.
    const bool cached = ctx.pages.enabled() && accepts_gzip(req);
    const std::uint64_t generation = ctx.store.generation(); // before the search: an edit during it
    const std::string key = cached ? page_key(hash, q, *mask) : std::string();
    if (cached) {
        if (auto body = ctx.pages.find(key, generation)) {
            return send_gzip(res, std::move(body));
        }
    }
    std::string body = render_page(ctx.store.search(q, *mask), q, hash);
    if (cached) {
        auto packed = std::make_shared<const std::string>(gzip(body));
        ctx.pages.put(key, generation, packed);
        return send_gzip(res, std::move(packed));
    }
    res.status = 200;
    res.set_content(body, "application/json");
}

void get_order(Context& ctx, const httplib::Request& req, httplib::Response& res) {
    const std::string id = req.matches[1];
    if (!is_order_id(id)) {
        send_error(res, 400, "InvalidInput", fmt::format("Invalid orderId '{}': expected 3-7-7 digits.", id));
        return;
    }
    std::optional<BadInput> bad;
    const auto mask = mask_param(req, bad);
    if (!mask) {
        send_error(res, 400, "InvalidInput", bad->message);
        return;
    }
    auto order = ctx.store.get(id, *mask);
    if (!order) {
        send_error(res, 404, "NotFound", "The requested order was not found.",
                   fmt::format("Order ID: {}", id));
        return;
    }
    Json body = Json::object();
    body["order"] = std::move(*order);
    send_json(res, 200, body);
}

// POST /orders/v0/orders/{orderId}/shipmentConfirmation -> 204. The request shape and its required
// fields are ordersV0.json's ConfirmShipmentRequest / PackageDetail / ConfirmShipmentOrderItem
// (packageReferenceId "only positive numeric values", carrierName "required when carrierCode is
// Other", shipDate ISO 8601); errors are its ConfirmShipmentErrorResponse (400 InvalidInput for
// missing or invalid parameters, 404 for an unknown order). The state rules (UNSHIPPED or
// PARTIALLY_SHIPPED, seller-fulfilled, at most the unshipped units of an open item) follow
// /work/shared/reference/spapi-contract.md and Amazon's docs for confirmShipment.
void confirm_shipment(Context& ctx, const httplib::Request& req, httplib::Response& res) {
    const std::string id = req.matches[1];
    auto invalid = [&](const std::string& message) { send_error(res, 400, "InvalidInput", message); };
    if (!is_order_id(id)) {
        return invalid(fmt::format("Invalid orderId '{}': expected 3-7-7 digits.", id));
    }
    const Json body = Json::parse(req.body, nullptr, false);
    if (!body.is_object()) {
        return invalid("The request body is not a JSON object.");
    }
    const auto mp = body.value("marketplaceId", Json{});
    const auto detail = body.value("packageDetail", Json{});
    if (!mp.is_string() || !detail.is_object()) {
        return invalid("marketplaceId and packageDetail are required.");
    }
    NewPackage package;
    const auto text = [&](const char* key) {
        const auto it = detail.find(key);
        return it != detail.end() && it->is_string() ? it->get<std::string>() : std::string{};
    };
    package.reference_id = text("packageReferenceId");
    const std::string carrier_code = text("carrierCode");
    package.carrier = carrier_code == "Other" ? text("carrierName") : carrier_code;
    package.service = text("shippingMethod");
    package.tracking = text("trackingNumber");
    const auto ship_date = parse_iso8601(text("shipDate"));
    if (package.reference_id.empty() ||
        !std::all_of(package.reference_id.begin(), package.reference_id.end(),
                     [](char c) { return c >= '0' && c <= '9'; }) ||
        package.reference_id.find_first_not_of('0') == std::string::npos) {
        return invalid("packageDetail.packageReferenceId must be a positive numeric string.");
    }
    if (carrier_code.empty() || package.carrier.empty()) {
        return invalid("packageDetail.carrierCode is required (and carrierName when carrierCode is Other).");
    }
    if (package.tracking.empty()) {
        return invalid("packageDetail.trackingNumber is required.");
    }
    if (!ship_date) {
        return invalid("packageDetail.shipDate must be an ISO 8601 date-time with a 'Z' suffix.");
    }
    package.ship_time = *ship_date;
    const auto items = detail.value("orderItems", Json{});
    if (!items.is_array() || items.empty()) {
        return invalid("packageDetail.orderItems must list at least one item.");
    }
    for (const auto& item : items) {
        const auto item_id = item.value("orderItemId", Json{});
        const auto quantity = item.value("quantity", Json{});
        if (!item_id.is_string() || !quantity.is_number_integer() || quantity.get<int>() < 1) {
            return invalid("Each orderItems entry needs an orderItemId and a positive quantity.");
        }
        package.units.push_back({item_id.get<std::string>(), quantity.get<int>()});
    }

    std::string error;
    const bool found = ctx.store.edit(id, [&](Json& order, Notes&) {
        if (marketplace_of(order) != mp.get<std::string>()) {
            error = "marketplaceId does not match the order's marketplace.";
            return false;
        }
        if (fulfilled_by_amazon(order)) {
            error = "The order is fulfilled by Amazon; only seller-fulfilled orders can be confirmed.";
            return false;
        }
        const FStatus s = order_status(order);
        if (s != FStatus::Unshipped && s != FStatus::PartiallyShipped) {
            error =
                fmt::format("The order is {}; only UNSHIPPED and PARTIALLY_SHIPPED orders can be confirmed.",
                            status_code(s));
            return false;
        }
        const auto states = item_states(order);
        for (const auto& unit : package.units) {
            const auto st = std::find_if(states.begin(), states.end(),
                                         [&](const ItemState& x) { return x.id == unit.item_id; });
            if (st == states.end() || st->cancelled) {
                error = fmt::format("orderItemId {} is not an open item of the order.", unit.item_id);
                return false;
            }
            if (unit.quantity > st->unfulfilled) {
                error = fmt::format("quantity {} of orderItemId {} exceeds the {} unshipped units.",
                                    unit.quantity, unit.item_id, st->unfulfilled);
                return false;
            }
        }
        ship_units(order, package);
        return true;
    });
    if (!found) {
        send_error(res, 404, "NotFound", "The requested order was not found.",
                   fmt::format("Order ID: {}", id));
    } else if (!error.empty()) {
        invalid(error);
    } else {
        res.status = 204;
    }
}

} // namespace

void add_orders_routes(httplib::Server& server, Context& ctx) {
    server.Get("/orders/2026-01-01/orders", api(ctx, Op::searchOrders, [&ctx](const auto& req, auto& res) {
                   search_orders(ctx, req, res);
               }));
    server.Get(R"(/orders/2026-01-01/orders/([^/]+))",
               api(ctx, Op::getOrder, [&ctx](const auto& req, auto& res) { get_order(ctx, req, res); }));
    server.Post(R"(/orders/v0/orders/([^/]+)/shipmentConfirmation)",
                api(ctx, Op::confirmShipment,
                    [&ctx](const auto& req, auto& res) { confirm_shipment(ctx, req, res); }));
}

} // namespace sim
