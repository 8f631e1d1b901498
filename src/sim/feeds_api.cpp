// Feeds API 2021-06-30 routes and the presigned document urls (/_upload/<id>, /_download/<id>)
// that stand in for S3.

#include "server.hpp"

#include <array>
#include <charconv>
#include <fmt/format.h>

namespace sim {

namespace {

// S3 checks the presigned signature before anything else.
bool signed_ok(const httplib::Request& req, httplib::Response& res, const std::string& id, bool upload) {
    const auto signature = param(req, "X-Amz-Signature");
    if (!signature) {
        s3_error(res, 403, "AccessDenied",
                 "Query-string authentication requires the X-Amz-Signature parameter.");
        return false;
    }
    if (*signature != document_signature(id, upload)) {
        s3_error(res, 403, "SignatureDoesNotMatch",
                 "The request signature we calculated does not match the signature you provided.");
        return false;
    }
    return true;
}

void create_feed_document(Context& ctx, const httplib::Request& req, httplib::Response& res) {
    const Json body = Json::parse(req.body, nullptr, false);
    const auto type = body.is_object() ? body.value("contentType", Json{}) : Json{};
    if (!type.is_string() || type.get<std::string>().empty()) {
        send_error(res, 400, "InvalidInput", "contentType is required.");
        return;
    }
    send_json(res, 201, ctx.feeds.create_document(type.get<std::string>(), ctx.base_url));
}

void upload(Context& ctx, const httplib::Request& req, httplib::Response& res) {
    const std::string id = req.matches[1];
    if (!signed_ok(req, res, id, true)) {
        return;
    }
    if (req.has_header("x-amz-access-token")) {
        s3_error(res, 400, "InvalidRequest",
                 "There were headers present in the request which were not signed: x-amz-access-token");
        return;
    }
    switch (ctx.feeds.upload(id, req.get_header_value("Content-Type"), req.body)) {
    case Feeds::Upload::ok:
        res.status = 200;
        res.set_header("ETag", fmt::format("\"{:016x}\"", fnv1a(req.body)));
        return;
    case Feeds::Upload::unknown:
        s3_error(res, 404, "NoSuchUpload", "The specified upload does not exist.");
        return;
    case Feeds::Upload::content_type_mismatch:
        s3_error(
            res, 403, "SignatureDoesNotMatch",
            "The request signature we calculated does not match the signature you provided. Check your key "
            "and signing method. (The Content-Type differs from the one given to createFeedDocument.)");
        return;
    }
}

void download(Context& ctx, const httplib::Request& req, httplib::Response& res) {
    const std::string id = req.matches[1];
    if (!signed_ok(req, res, id, false)) {
        return;
    }
    const auto doc = ctx.feeds.download(id);
    if (!doc) {
        s3_error(res, 404, "NoSuchKey", "The specified key does not exist.");
        return;
    }
    res.status = 200;
    // A GZIP document is served as opaque bytes without Content-Encoding, like S3 does.
    res.set_content(doc->data, doc->gzip ? "application/octet-stream" : doc->content_type);
}

void create_feed(Context& ctx, const httplib::Request& req, httplib::Response& res) {
    const Json body = Json::parse(req.body, nullptr, false);
    if (!body.is_object()) {
        send_error(res, 400, "InvalidInput", "The request body is not a JSON object.");
        return;
    }
    const auto type = body.value("feedType", Json{});
    const auto doc = body.value("inputFeedDocumentId", Json{});
    if (!type.is_string() || !doc.is_string() || !body.contains("marketplaceIds")) {
        send_error(res, 400, "InvalidInput",
                   "feedType, marketplaceIds and inputFeedDocumentId are required.");
        return;
    }
    auto result =
        ctx.feeds.create_feed(type.get<std::string>(), body["marketplaceIds"], doc.get<std::string>());
    if (const auto* error = std::get_if<FeedError>(&result)) {
        send_error(res, error->status, error->code, error->message);
        return;
    }
    send_json(res, 202, Json{{"feedId", std::get<std::string>(result)}});
}

void get_feeds(Context& ctx, const httplib::Request& req, httplib::Response& res) {
    auto invalid = [&](const std::string& message) { send_error(res, 400, "InvalidInput", message); };
    if (const auto token = param(req, "nextToken")) {
        // "To get the next page of results, call the getFeeds operation and include this token as
        // the only parameter. Specifying nextToken with any other parameters will cause the request
        // to fail." (feeds_2021-06-30.json, getFeeds, parameter nextToken)
        for (const auto& [name, value] : req.params) {
            if (name != "nextToken") {
                return invalid(
                    fmt::format("nextToken must be the only parameter; '{}' was also given.", name));
            }
        }
        const auto decoded = Feeds::parse_token(*token);
        if (!decoded) {
            return invalid("We could not decode your NextToken.");
        }
        send_json(res, 200, ctx.feeds.list(*decoded));
        return;
    }
    if (!req.has_param("feedTypes")) {
        return invalid("feedTypes is required when nextToken is not given.");
    }
    Feeds::ListQuery q;
    if (const auto v = list_param(req, "feedTypes")) {
        q.types = split(*v, ',');
    }
    if (const auto v = list_param(req, "marketplaceIds")) {
        q.marketplaces = split(*v, ',');
    }
    if (const auto v = list_param(req, "processingStatuses")) {
        static constexpr std::array<std::string_view, 5> valid{"CANCELLED", "DONE", "FATAL", "IN_PROGRESS",
                                                               "IN_QUEUE"};
        q.statuses = split(*v, ',');
        for (const auto& s : q.statuses) {
            if (std::find(valid.begin(), valid.end(), s) == valid.end()) {
                return invalid(fmt::format("Invalid processingStatuses value '{}'.", s));
            }
        }
    }
    if (const auto v = param(req, "pageSize")) {
        int n = 0;
        const auto [end, ec] = std::from_chars(v->data(), v->data() + v->size(), n);
        if (ec != std::errc{} || end != v->data() + v->size() || n < 1 || n > 100) {
            return invalid("pageSize must be between 1 and 100.");
        }
        q.page_size = static_cast<std::size_t>(n);
    }
    for (const auto& [name, slot] :
         {std::pair{"createdSince", &q.since}, std::pair{"createdUntil", &q.until}}) {
        if (const auto v = param(req, name)) {
            *slot = parse_iso8601(*v);
            if (!*slot) {
                return invalid(fmt::format("Invalid {} '{}': use ISO 8601 with a 'Z' suffix.", name, *v));
            }
        }
    }
    send_json(res, 200, ctx.feeds.list(q));
}

void get_feed(Context& ctx, const httplib::Request& req, httplib::Response& res) {
    const std::string id = req.matches[1];
    if (auto feed = ctx.feeds.feed(id)) {
        send_json(res, 200, *feed);
    } else {
        send_error(res, 404, "NotFound", fmt::format("The feed {} was not found.", id));
    }
}

void cancel_feed(Context& ctx, const httplib::Request& req, httplib::Response& res) {
    if (const auto error = ctx.feeds.cancel(req.matches[1])) {
        send_error(res, error->status, error->code, error->message);
    } else {
        res.status = 200;
    }
}

void get_feed_document(Context& ctx, const httplib::Request& req, httplib::Response& res) {
    const std::string id = req.matches[1];
    if (auto info = ctx.feeds.document_info(id, ctx.base_url)) {
        send_json(res, 200, *info);
    } else {
        send_error(res, 404, "NotFound", fmt::format("The feed document {} was not found.", id));
    }
}

} // namespace

void add_feeds_routes(httplib::Server& server, Context& ctx) {
    auto bind = [&ctx](void (*fn)(Context&, const httplib::Request&, httplib::Response&)) {
        return [&ctx, fn](const httplib::Request& req, httplib::Response& res) { fn(ctx, req, res); };
    };
    server.Post("/feeds/2021-06-30/documents", api(ctx, Op::createFeedDocument, bind(create_feed_document)));
    server.Get(R"(/feeds/2021-06-30/documents/([^/]+))",
               api(ctx, Op::getFeedDocument, bind(get_feed_document)));
    server.Post("/feeds/2021-06-30/feeds", api(ctx, Op::createFeed, bind(create_feed)));
    server.Get("/feeds/2021-06-30/feeds", api(ctx, Op::getFeeds, bind(get_feeds)));
    server.Get(R"(/feeds/2021-06-30/feeds/([^/]+))", api(ctx, Op::getFeed, bind(get_feed)));
    server.Delete(R"(/feeds/2021-06-30/feeds/([^/]+))", api(ctx, Op::cancelFeed, bind(cancel_feed)));
    server.Put(R"(/_upload/([^/]+))", api(ctx, Op::uploadFeedDocument, bind(upload)));
    server.Get(R"(/_download/([^/]+))", api(ctx, Op::downloadFeedDocument, bind(download)));
}

} // namespace sim
