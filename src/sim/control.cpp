// /_sim/... control endpoints (no auth, not counted): what really happened on the "Amazon" side,
// and hooks that change it.
//
//   GET  /_sim/health                       {"status":"ok","orders":N}
//   GET  /_sim/stats {"operations":{op:{requests,throttled,faults}},"total_requests":N} POST
//   /_sim/stats/reset GET  /_sim/orders?fulfillmentStatus=..&fulfilledBy=..&marketplaceId=..&createdAfter=..
//        &createdBefore=..&lastUpdatedAfter=..&lastUpdatedBefore=..    {"order_ids":[...]} (by createdTime)
//   GET  /_sim/orders/{id}                  {"order":{all blocks},"cancellations":N,"cancellation_log":[...],
//                                            "feeds":[ids of every feed that named the order]}
//   POST /_sim/orders/{id}/ship[?ago=SECONDS] ships every open unit (a package for merchant orders)
//   POST /_sim/orders/{id}/status?to=S[&by=BUYER|MERCHANT|AMAZON][&reason=..][&ago=SECONDS]
//   GET  /_sim/config, POST /_sim/config    {"rate_limits","faults","time_scale","token_ttl",
//                                            "feed_processing_seconds","slow_seconds","gzip_reports"}
//   POST /_sim/feeds/next?outcome=FATAL|CANCELLED|NONE
//   POST /_sim/reports/next?outcome=FATAL|CANCELLED|NONE
//   POST /_sim/tokens/expire                every issued access token expires now

#include "order_edits.hpp"
#include "server.hpp"

#include <fmt/format.h>
#include <mutex>

namespace sim {

namespace {

void not_found(httplib::Response& res, const std::string& id) {
    send_error(res, 404, "NotFound", "The requested order was not found.", fmt::format("Order ID: {}", id));
}

void list_orders(Context& ctx, const httplib::Request& req, httplib::Response& res) {
    OrderQuery q;
    auto bad = [&](const std::string& m) { send_error(res, 400, "InvalidInput", m); };
    for (const char* name : {"fulfillmentStatus", "fulfillmentStatuses"}) {
        if (const auto v = param(req, name)) {
            for (const auto& s : split(*v, ',')) {
                const auto st = parse_status_code(s);
                if (!st) {
                    return bad(fmt::format("Invalid {} value '{}'.", name, s));
                }
                q.statuses |= status_bit(*st);
            }
        }
    }
    if (const auto v = param(req, "fulfilledBy")) {
        for (const auto& s : split(*v, ',')) {
            if (s != "MERCHANT" && s != "AMAZON") {
                return bad(fmt::format("Invalid fulfilledBy value '{}'.", s));
            }
            q.fulfilled_by |= s == "MERCHANT" ? k_by_merchant : k_by_amazon;
        }
    }
    for (const char* name : {"marketplaceId", "marketplaceIds"}) {
        if (const auto v = param(req, name)) {
            for (auto& m : split(*v, ',')) {
                q.marketplaces.push_back(std::move(m));
            }
        }
    }
    std::optional<Millis> dates[4];
    const char* names[4] = {"createdAfter", "createdBefore", "lastUpdatedAfter", "lastUpdatedBefore"};
    for (int i = 0; i < 4; ++i) {
        if (const auto v = param(req, names[i])) {
            dates[i] = parse_iso8601(*v);
            if (!dates[i]) {
                return bad(fmt::format("Invalid {} '{}'.", names[i], *v));
            }
        }
    }
    q.after = dates[0];
    q.before = dates[1];
    std::vector<std::string> ids = ctx.store.ids(q);
    if (dates[2] || dates[3]) {
        // Filter the created-ordered list by lastUpdatedTime too.
        OrderQuery u = q;
        u.by_updated = true;
        u.after = dates[2];
        u.before = dates[3];
        auto updated = ctx.store.ids(u);
        std::sort(updated.begin(), updated.end());
        std::erase_if(ids, [&](const std::string& id) {
            return !std::binary_search(updated.begin(), updated.end(), id);
        });
    }
    send_json(res, 200, Json{{"order_ids", ids}});
}

void true_state(Context& ctx, const httplib::Request& req, httplib::Response& res) {
    const std::string id = req.matches[1];
    if (auto state = ctx.store.true_state(id)) {
        send_json(res, 200, *state);
    } else {
        not_found(res, id);
    }
}

// ?ago=SECONDS: the change happened that long ago (see Store::edit).
std::optional<Millis> edit_time(const httplib::Request& req) {
    const auto ago = param(req, "ago");
    if (!ago) {
        return std::nullopt;
    }
    return now_millis() - static_cast<Millis>(std::stoll(*ago)) * 1000;
}

void ship(Context& ctx, const httplib::Request& req, httplib::Response& res) {
    const std::string id = req.matches[1];
    std::string refused;
    const bool found = ctx.store.edit(id, [&](Json& order, Notes&) {
        if (order_status(order) == FStatus::Cancelled) {
            refused = "A cancelled order cannot ship.";
            return false;
        }
        ship_all(order, now_millis() / 1000 * 1000);
        return true;
    }, edit_time(req));
    if (!found) {
        return not_found(res, id);
    }
    if (!refused.empty()) {
        return send_error(res, 409, "Conflict", refused);
    }
    true_state(ctx, req, res);
}

void set_status(Context& ctx, const httplib::Request& req, httplib::Response& res) {
    const std::string id = req.matches[1];
    const auto to = parse_status_code(param(req, "to").value_or(""));
    if (!to) {
        return send_error(res, 400, "InvalidInput",
                          "to must be a v2026 fulfillmentStatus, e.g. to=CANCELLED.");
    }
    const std::string by = param(req, "by").value_or("BUYER");
    const std::string reason = param(req, "reason").value_or("Set by asc-sim");
    const bool found = ctx.store.edit(id, [&](Json& order, Notes& notes) {
        force_status(order, *to, now_millis() / 1000 * 1000, by, reason);
        if (*to == FStatus::Cancelled) {
            // Logged but not counted: `cancellations` counts what the seller's feeds did.
            notes.log.push_back({{"source", "control"},
                                 {"cancelled_by", by},
                                 {"reason", reason},
                                 {"time", iso8601(now_millis())}});
        }
        return true;
    }, edit_time(req));
    if (!found) {
        return not_found(res, id);
    }
    true_state(ctx, req, res);
}

std::mutex g_config_mutex; // serializes run-time configuration changes

Json config_json(Context& ctx) {
    Json out = ctx.gate.config();
    out["token_ttl"] = ctx.auth.ttl();
    out["feed_processing_seconds"] = ctx.options.feed_processing_seconds;
    out["slow_seconds"] = ctx.slow_seconds.load();
    out["gzip_reports"] = ctx.options.gzip_reports;
    out["report_build_seconds"] = ctx.options.report_build_seconds;
    out["report_gzip_above"] = ctx.options.report_gzip_above;
    return out;
}

void post_config(Context& ctx, const httplib::Request& req, httplib::Response& res) {
    const Json body = Json::parse(req.body, nullptr, false);
    auto bad = [&](const std::string& m) { send_error(res, 400, "InvalidInput", m); };
    if (!body.is_object()) {
        return bad("The body must be a JSON object.");
    }
    std::lock_guard lock(g_config_mutex);
    // Validate everything before changing anything.
    std::optional<std::vector<FaultSpec>> faults;
    if (body.contains("faults")) {
        if (!body["faults"].is_array()) {
            return bad("faults must be a list of KIND:OPERATION:PROBABILITY strings.");
        }
        faults.emplace();
        for (const auto& f : body["faults"]) {
            std::string error;
            auto spec = f.is_string() ? parse_fault(f.get<std::string>(), error) : std::nullopt;
            if (!spec) {
                return bad(error.empty() ? "faults must be strings." : error);
            }
            faults->push_back(std::move(*spec));
        }
    }
    auto number = [&](const char* key, double min) -> std::optional<double> {
        if (!body.contains(key)) {
            return std::nullopt;
        }
        if (!body[key].is_number() || body[key].get<double>() < min) {
            throw std::invalid_argument(fmt::format("{} must be a number >= {}.", key, min));
        }
        return body[key].get<double>();
    };
    std::optional<double> scale, fps, slow, ttl, rbs, rga;
    try {
        scale = number("time_scale", 1e-9);
        rbs = number("report_build_seconds", 0);
        rga = number("report_gzip_above", 0);
        fps = number("feed_processing_seconds", 0);
        slow = number("slow_seconds", 0);
        ttl = number("token_ttl", 0);
    } catch (const std::invalid_argument& e) {
        return bad(e.what());
    }
    for (const char* key : {"rate_limits", "gzip_reports"}) {
        if (body.contains(key) && !body[key].is_boolean()) {
            return bad(fmt::format("{} must be true or false.", key));
        }
    }
    if (body.contains("rate_limits")) {
        ctx.gate.set_rate_limits(body["rate_limits"].get<bool>());
    }
    if (faults) {
        ctx.gate.set_faults(std::move(*faults));
    }
    if (scale) {
        ctx.options.time_scale = *scale;
        ctx.gate.set_time_scale(*scale);
    }
    if (fps) {
        ctx.options.feed_processing_seconds = *fps;
    }
    if (scale || fps) {
        ctx.feeds.set_processing_seconds(ctx.options.feed_processing_seconds / ctx.options.time_scale);
    }
    if (rbs) {
        ctx.options.report_build_seconds = *rbs;
    }
    if (scale || rbs) {
        ctx.reports.set_build_seconds(ctx.options.report_build_seconds / ctx.options.time_scale);
    }
    if (rga) {
        ctx.options.report_gzip_above = static_cast<std::size_t>(*rga);
        ctx.reports.set_gzip_above(ctx.options.report_gzip_above);
    }
    if (slow) {
        ctx.slow_seconds = *slow;
    }
    if (ttl) {
        ctx.auth.set_ttl(static_cast<int>(*ttl));
    }
    if (body.contains("gzip_reports")) {
        ctx.options.gzip_reports = body["gzip_reports"].get<bool>();
        ctx.feeds.set_gzip(ctx.options.gzip_reports);
    }
    send_json(res, 200, config_json(ctx));
}

// POST endpoints that take no body are registered as content-reader handlers: httplib then does
// not wait for a body that a bare `curl -X POST` (no Content-Length) never sends. A body that is
// sent anyway is read and ignored, to keep the connection usable.
httplib::Server::HandlerWithContentReader bodyless(Handler handler) {
    return [handler = std::move(handler)](const httplib::Request& req, httplib::Response& res,
                                          const httplib::ContentReader& reader) {
        if (req.has_header("Content-Length") || req.has_header("Transfer-Encoding")) {
            reader([](const char*, std::size_t) { return true; });
        }
        handler(req, res);
    };
}

} // namespace

void add_control_routes(httplib::Server& server, Context& ctx) {
    using Req = const httplib::Request&;
    using Res = httplib::Response&;
    server.Get("/_sim/health", [&ctx](Req, Res res) {
        send_json(res, 200, Json{{"status", "ok"}, {"orders", ctx.store.size()}});
    });
    server.Get("/_sim/stats", [&ctx](Req, Res res) { send_json(res, 200, ctx.gate.stats()); });
    server.Post("/_sim/stats/reset", bodyless([&ctx](Req, Res res) {
                    ctx.gate.reset_stats();
                    send_json(res, 200, ctx.gate.stats());
                }));
    server.Get("/_sim/orders", [&ctx](Req req, Res res) { list_orders(ctx, req, res); });
    server.Get(R"(/_sim/orders/([^/]+))", [&ctx](Req req, Res res) { true_state(ctx, req, res); });
    server.Post(R"(/_sim/orders/([^/]+)/ship)", bodyless([&ctx](Req req, Res res) { ship(ctx, req, res); }));
    server.Post(R"(/_sim/orders/([^/]+)/status)",
                bodyless([&ctx](Req req, Res res) { set_status(ctx, req, res); }));
    server.Get("/_sim/config", [&ctx](Req, Res res) {
        std::lock_guard lock(g_config_mutex);
        send_json(res, 200, config_json(ctx));
    });
    server.Post("/_sim/config", [&ctx](Req req, Res res) { post_config(ctx, req, res); });
    server.Post("/_sim/feeds/next", bodyless([&ctx](Req req, Res res) {
                    const std::string outcome = param(req, "outcome").value_or("");
                    if (outcome != "FATAL" && outcome != "CANCELLED" && outcome != "NONE") {
                        return send_error(res, 400, "InvalidInput",
                                          "outcome must be FATAL, CANCELLED or NONE.");
                    }
                    ctx.feeds.set_next_outcome(outcome == "NONE" ? "" : outcome);
                    send_json(res, 200, Json{{"next_outcome", outcome}});
                }));
    server.Post("/_sim/reports/next", bodyless([&ctx](Req req, Res res) {
                    const std::string outcome = param(req, "outcome").value_or("");
                    if (outcome != "FATAL" && outcome != "CANCELLED" && outcome != "NONE") {
                        return send_error(res, 400, "InvalidInput",
                                          "outcome must be FATAL, CANCELLED or NONE.");
                    }
                    ctx.reports.set_next_outcome(outcome == "NONE" ? "" : outcome);
                    send_json(res, 200, Json{{"next_outcome", outcome}});
                }));
    server.Post("/_sim/tokens/expire", bodyless([&ctx](Req, Res res) {
                    ctx.auth.expire_all();
                    send_json(res, 200, Json{{"expired", true}});
                }));
}

} // namespace sim
