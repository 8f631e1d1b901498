#include "server.hpp"

#include "json_writer.hpp"

#include <fmt/format.h>
#include <thread>

namespace sim {

Context::Context(const Options& o)
    : options(o), store(o.seed, now_millis(), o.cache_mb << 20),
      gate(o.seed, o.rate_limits, o.time_scale, o.faults), auth(o.token_ttl),
      feeds(store, o.feed_processing_seconds / o.time_scale, o.gzip_reports),
      reports(store, o.report_build_seconds / o.time_scale, o.report_gzip_above),
      commerce(store, CommerceOptions{o.commerce_link_ratio, o.commerce_token,
                                      o.commerce_amazon_increment_ids, o.commerce_acl, o.commerce_statuses}),
      pages(o.page_cache_mb << 20),
      slow_seconds(o.slow_seconds) {}

void send_json(httplib::Response& res, int status, const Json& body) {
    res.status = status;
    res.set_content(to_json_text(body), "application/json");
}

void send_error(httplib::Response& res, int status, std::string_view code, std::string_view message,
                std::string_view details) {
    Json error{{"code", code}, {"message", message}};
    if (!details.empty()) {
        error["details"] = details;
    }
    send_json(res, status, Json{{"errors", Json::array({error})}});
}

void s3_error(httplib::Response& res, int status, std::string_view code, std::string_view message) {
    res.status = status;
    res.set_content(
        fmt::format("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>{}</Code><Message>{}</Message>"
                    "<RequestId>{}</RequestId></Error>",
                    code, message, random_alnum(16)),
        "application/xml");
}

std::optional<std::string> param(const httplib::Request& req, const char* name) {
    if (!req.has_param(name)) {
        return std::nullopt;
    }
    return req.get_param_value(name);
}

std::optional<std::string> list_param(const httplib::Request& req, const char* name) {
    const std::size_t n = req.get_param_value_count(name);
    if (n == 0) {
        return std::nullopt;
    }
    std::string out;
    for (std::size_t i = 0; i < n; ++i) {
        if (i > 0) {
            out += ',';
        }
        out += req.get_param_value(name, i);
    }
    return out;
}

namespace {

constexpr std::string_view k_expired = "The access token you provided has expired.";

bool is_s3(Op op) {
    return op == Op::uploadFeedDocument || op == Op::downloadFeedDocument || op == Op::downloadReportDocument;
}

// Writes the fault's answer in place of the real one.
void apply_fault(FaultKind kind, Op op, httplib::Response& res) {
    switch (kind) {
    case FaultKind::http429:
        if (is_s3(op)) {
            s3_error(res, 503, "SlowDown", "Please reduce your request rate.");
        } else {
            send_error(res, 429, "QuotaExceeded", "You exceeded your quota for the requested resource.");
        }
        return;
    case FaultKind::http500:
        if (is_s3(op)) {
            s3_error(res, 500, "InternalError", "We encountered an internal error. Please try again.");
        } else {
            send_error(res, 500, "InternalFailure", "We encountered an internal error. Please try again.");
        }
        return;
    case FaultKind::http503:
        if (is_s3(op)) {
            s3_error(res, 503, "ServiceUnavailable", "Service is unable to handle request.");
        } else {
            send_error(res, 503, "ServiceUnavailable", "Service temporarily unavailable. Please try again.");
        }
        return;
    case FaultKind::garbage:
        res.status = 200;
        res.set_content(R"({"orders":[{"orderId":"902-18459)"
                        "\x01<html>Bad Gateway</html>",
                        "application/json");
        return;
    case FaultKind::drop: {
        // Promise a long body, send part of it, then give up: the client sees the connection
        // close mid-response.
        res.status = 200;
        const std::string part = R"({"orders":[{"orderId":"902-1845936-5435065","createdTime":"2025-)";
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
        send_error(res, 403, "Unauthorized", k_expired, k_expired);
        return;
    case FaultKind::slow:
        return; // handled by the caller
    }
}

} // namespace

Handler api(Context& ctx, Op op, Handler handler) {
    return [&ctx, op, handler = std::move(handler)](const httplib::Request& req, httplib::Response& res) {
        res.set_header("x-amzn-RequestId", random_uuid());
        if (const auto fault = ctx.gate.enter(op)) {
            if (*fault == FaultKind::slow) {
                std::this_thread::sleep_for(std::chrono::duration<double>(ctx.slow_seconds.load()));
            } else {
                apply_fault(*fault, op, res);
                return;
            }
        }
        if (op != Op::token && !is_s3(op)) {
            switch (ctx.auth.check(req.get_header_value("x-amz-access-token"))) {
            case Auth::Check::ok:
                break;
            case Auth::Check::expired:
                send_error(res, 403, "Unauthorized", k_expired, k_expired);
                return;
            case Auth::Check::missing:
            case Auth::Check::unknown:
                send_error(res, 403, "Unauthorized", "Access to requested resource is denied.");
                return;
            }
        }
        if (!ctx.gate.admit(op)) {
            send_error(res, 429, "QuotaExceeded", "You exceeded your quota for the requested resource.");
            return;
        }
        handler(req, res);
        if (usage_plan(op).rate > 0 &&
            ((res.status >= 200 && res.status < 300) || res.status == 400 || res.status == 404)) {
            res.set_header("x-amzn-RateLimit-Limit", ctx.gate.limit_header(op));
        }
    };
}

} // namespace sim
