// POST /auth/o2/token: Login with Amazon's refresh-token (and client-credentials) grant.
//   refresh_token "revoked" -> 400 invalid_grant; client_secret "expired" -> 401 invalid_client;
//   a missing parameter -> 400 invalid_request; any other non-empty credentials succeed.

#include "server.hpp"

#include <map>

namespace sim {

namespace {

void lwa_error(httplib::Response& res, int status, const char* error, const char* description) {
    res.status = status;
    res.set_content(Json{{"error", error}, {"error_description", description}}.dump(),
                    "application/json;charset=UTF-8");
}

std::map<std::string, std::string> token_params(const httplib::Request& req) {
    std::map<std::string, std::string> out;
    if (req.get_header_value("Content-Type").starts_with("application/json")) {
        const Json body = Json::parse(req.body, nullptr, false);
        if (body.is_object()) {
            for (auto it = body.begin(); it != body.end(); ++it) {
                if (it->is_string()) {
                    out[it.key()] = it->get<std::string>();
                }
            }
        }
        return out;
    }
    for (auto& [k, v] : parse_form(req.body)) {
        out[k] = v;
    }
    return out;
}

} // namespace

void add_auth_routes(httplib::Server& server, Context& ctx) {
    server.Post(
        "/auth/o2/token", api(ctx, Op::token, [&ctx](const httplib::Request& req, httplib::Response& res) {
            auto p = token_params(req);
            const std::string grant = p["grant_type"];
            if (grant.empty()) {
                lwa_error(res, 400, "invalid_request",
                          "The request is missing a required parameter : grant_type");
                return;
            }
            if (grant != "refresh_token" && grant != "client_credentials") {
                lwa_error(res, 400, "unsupported_grant_type",
                          "The authorization grant type is not supported.");
                return;
            }
            for (const char* name : {"client_id", "client_secret"}) {
                if (p[name].empty()) {
                    lwa_error(res, 400, "invalid_request",
                              "The request is missing a required parameter : client_id or client_secret");
                    return;
                }
            }
            if (grant == "refresh_token" && p["refresh_token"].empty()) {
                lwa_error(res, 400, "invalid_request",
                          "The request is missing a required parameter : refresh_token");
                return;
            }
            if (grant == "client_credentials" && p["scope"].empty()) {
                lwa_error(res, 400, "invalid_request", "The request is missing a required parameter : scope");
                return;
            }
            if (p["client_secret"] == "expired") {
                lwa_error(res, 401, "invalid_client", "Client authentication failed");
                return;
            }
            if (p["refresh_token"] == "revoked") {
                lwa_error(res, 400, "invalid_grant",
                          "The request has an invalid grant parameter : refresh_token");
                return;
            }
            Json body{{"access_token", ctx.auth.issue()}};
            if (grant == "refresh_token") {
                body["refresh_token"] = p["refresh_token"];
            }
            body["token_type"] = "bearer";
            body["expires_in"] = ctx.auth.ttl();
            res.status = 200;
            res.set_content(body.dump(), "application/json;charset=UTF-8");
        }));
}

} // namespace sim
