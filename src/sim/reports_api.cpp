// Reports API 2021-06-30 routes (createReport, getReport, getReportDocument) and the presigned
// report document url (/_reports/<id>) that stands in for S3.

#include "server.hpp"

#include <fmt/format.h>

namespace sim {

namespace {

constexpr std::size_t k_chunk = 64 * 1024;

void create_report(Context& ctx, const httplib::Request& req, httplib::Response& res) {
    const Json body = Json::parse(req.body, nullptr, false);
    if (!body.is_object()) {
        return send_error(res, 400, "InvalidInput", "The request body is not a JSON object.");
    }
    const auto type = body.value("reportType", Json{});
    const auto mps = body.value("marketplaceIds", Json{});
    // CreateReportSpecification: reportType and marketplaceIds are required.
    if (!type.is_string() || !mps.is_array()) {
        return send_error(res, 400, "InvalidInput", "reportType and marketplaceIds are required.");
    }
    std::vector<std::string> marketplaces;
    for (const auto& m : mps) {
        if (!m.is_string()) {
            return send_error(res, 400, "InvalidInput", "marketplaceIds must be strings.");
        }
        marketplaces.push_back(m.get<std::string>());
    }
    std::optional<Millis> times[2];
    const char* names[2] = {"dataStartTime", "dataEndTime"};
    for (int i = 0; i < 2; ++i) {
        if (!body.contains(names[i])) {
            continue;
        }
        const auto& v = body[names[i]];
        times[i] = v.is_string() ? parse_iso8601(v.get<std::string>()) : std::nullopt;
        if (!times[i]) {
            return send_error(res, 400, "InvalidInput",
                              fmt::format("Invalid {}: use ISO 8601 with a 'Z' suffix.", names[i]));
        }
    }
    auto result = ctx.reports.create(type.get<std::string>(), marketplaces, times[0], times[1]);
    if (const auto* error = std::get_if<ReportError>(&result)) {
        return send_error(res, error->status, error->code, error->message);
    }
    send_json(res, 202, Json{{"reportId", std::get<std::string>(result)}});
}

void get_report(Context& ctx, const httplib::Request& req, httplib::Response& res) {
    const std::string id = req.matches[1];
    if (auto report = ctx.reports.report(id)) {
        send_json(res, 200, *report);
    } else {
        send_error(res, 404, "NotFound", fmt::format("The report {} was not found.", id));
    }
}

void get_report_document(Context& ctx, const httplib::Request& req, httplib::Response& res) {
    const std::string id = req.matches[1];
    if (auto info = ctx.reports.document_info(id, ctx.base_url)) {
        send_json(res, 200, *info);
    } else {
        send_error(res, 404, "NotFound", fmt::format("The report document {} was not found.", id));
    }
}

void download(Context& ctx, const httplib::Request& req, httplib::Response& res) {
    const std::string id = req.matches[1];
    const auto signature = param(req, "X-Amz-Signature");
    if (!signature || *signature != report_signature(id)) {
        return s3_error(res, 403, signature ? "SignatureDoesNotMatch" : "AccessDenied",
                        "The request signature we calculated does not match the signature you provided.");
    }
    if (req.has_header("x-amz-access-token")) {
        return s3_error(res, 400, "InvalidRequest",
                        "There were headers present in the request which were not signed: x-amz-access-token");
    }
    const auto doc = ctx.reports.download(id);
    if (!doc) {
        return s3_error(res, 404, "NoSuchKey", "The specified key does not exist.");
    }
    res.status = 200;
    // Streamed in chunks from the shared bytes: a large report is never copied per request. A GZIP
    // document is served as opaque bytes without Content-Encoding, like S3 does.
    auto data = doc->data;
    res.set_content_provider(data->size(), doc->gzip ? "application/octet-stream" : "text/tab-separated-values",
                             [data](std::size_t offset, std::size_t length, httplib::DataSink& sink) {
                                 const std::size_t n = std::min({length, k_chunk, data->size() - offset});
                                 sink.write(data->data() + offset, n);
                                 return true;
                             });
}

} // namespace

void add_reports_routes(httplib::Server& server, Context& ctx) {
    auto bind = [&ctx](void (*fn)(Context&, const httplib::Request&, httplib::Response&)) {
        return [&ctx, fn](const httplib::Request& req, httplib::Response& res) { fn(ctx, req, res); };
    };
    server.Post("/reports/2021-06-30/reports", api(ctx, Op::createReport, bind(create_report)));
    server.Get(R"(/reports/2021-06-30/reports/([^/]+))", api(ctx, Op::getReport, bind(get_report)));
    server.Get(R"(/reports/2021-06-30/documents/([^/]+))",
               api(ctx, Op::getReportDocument, bind(get_report_document)));
    server.Get(R"(/_reports/([^/]+))", api(ctx, Op::downloadReportDocument, bind(download)));
}

} // namespace sim
