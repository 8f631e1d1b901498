#pragma once
// The simulator's HTTP side: the shared context every route uses, response helpers, and the
// wrapper that puts an API operation behind counting, faults, auth and rate limits.

#include "auth.hpp"
#include "commerce.hpp"
#include "feeds.hpp"
#include "gate.hpp"
#include "http.hpp"
#include "options.hpp"
#include "page_cache.hpp"
#include "reports.hpp"
#include "store.hpp"

#include <atomic>
#include <functional>
#include <string>
#include <string_view>

namespace sim {

struct Context {
    explicit Context(const Options& o);

    Options options;
    Store store;
    Gate gate;
    Auth auth;
    Feeds feeds;
    Reports reports;
    Commerce commerce; // the Magento side
    PageCache pages;   // --page-cache-mb
    std::string base_url; // "http://127.0.0.1:PORT", set once the port is bound
    std::atomic<double> slow_seconds;
};

using Handler = std::function<void(const httplib::Request&, httplib::Response&)>;

// A JSON body (compact).
void send_json(httplib::Response& res, int status, const Json& body);
// {"errors":[{"code","message","details"?}]}
void send_error(httplib::Response& res, int status, std::string_view code, std::string_view message,
                std::string_view details = {});
// An S3-style XML error ({"Code","Message","RequestId"}) for the presigned document urls.
void s3_error(httplib::Response& res, int status, std::string_view code, std::string_view message);
// The query parameter, or nullopt when absent.
std::optional<std::string> param(const httplib::Request& req, const char* name);
// A list parameter: every occurrence joined with ',' ("a=X,Y&a=Z" gives "X,Y,Z").
std::optional<std::string> list_param(const httplib::Request& req, const char* name);

// Wraps the handler of an API operation: sets x-amzn-RequestId, counts the request, applies an
// injected fault, checks the access token (not for token/upload/download), takes a rate-limit
// token, and adds x-amzn-RateLimit-Limit to 2xx/400/404 answers of limited operations.
Handler api(Context& ctx, Op op, Handler handler);

void add_auth_routes(httplib::Server& server, Context& ctx);
void add_orders_routes(httplib::Server& server, Context& ctx);
void add_feeds_routes(httplib::Server& server, Context& ctx);
void add_reports_routes(httplib::Server& server, Context& ctx);
void add_control_routes(httplib::Server& server, Context& ctx);
void add_commerce_routes(httplib::Server& server, Context& ctx);

} // namespace sim
