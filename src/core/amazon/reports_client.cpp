#include "asc/amazon/reports_client.hpp"

#include "asc/base/errors.hpp"
#include "asc/base/time.hpp"

#include <array>
#include <memory>
#include <nlohmann/json.hpp>
#include <zlib.h>

namespace asc {

namespace {

using nlohmann::json;

constexpr std::string_view k_reports_path = "/reports/2021-06-30/reports";
constexpr std::string_view k_documents_path = "/reports/2021-06-30/documents";

[[noreturn]] void unreadable(std::string_view operation, const std::string& why) {
    throw Error(ErrorKind::Temporary, "Amazon's " + std::string(operation) + " answer could not be read: " + why,
                "try again later; if it persists, run with --debug and report it");
}

json parse_body(std::string_view operation, std::string_view body) {
    json j = json::parse(body, nullptr, false);
    if (j.is_discarded() || !j.is_object()) {
        unreadable(operation, "it is not a JSON object");
    }
    return j;
}

std::string text_of(const json& j, const char* key) {
    const auto it = j.find(key);
    if (it == j.end() || it->is_null()) {
        return {};
    }
    if (it->is_string()) {
        return it->get<std::string>();
    }
    if (it->is_number_integer() || it->is_number_unsigned()) {
        return it->dump();
    }
    return {};
}

std::string required_text(std::string_view operation, const json& j, const char* key) {
    std::string value = text_of(j, key);
    if (value.empty()) {
        unreadable(operation, std::string("\"") + key + "\" is missing");
    }
    return value;
}

std::optional<Timestamp> optional_time(std::string_view operation, const json& j, const char* key) {
    const std::string text = text_of(j, key);
    if (text.empty()) {
        return std::nullopt;
    }
    const auto t = parse_rfc3339(text);
    if (!t) {
        unreadable(operation, std::string(key) + " \"" + text.substr(0, 40) + "\" is not a date-time");
    }
    return t;
}

Report report_from(std::string_view operation, const json& j) {
    Report r;
    r.report_id = required_text(operation, j, "reportId");
    r.report_type = required_text(operation, j, "reportType");
    r.processing_status = required_text(operation, j, "processingStatus");
    static constexpr std::array k_statuses{"IN_QUEUE", "IN_PROGRESS", "DONE", "CANCELLED", "FATAL"};
    if (std::find(k_statuses.begin(), k_statuses.end(), r.processing_status) == k_statuses.end()) {
        unreadable(operation, "processingStatus \"" + r.processing_status.substr(0, 40) + "\" is unknown");
    }
    const auto created = optional_time(operation, j, "createdTime");
    if (!created) {
        unreadable(operation, "\"createdTime\" is missing");
    }
    r.created_time = *created;
    r.data_start = optional_time(operation, j, "dataStartTime");
    r.data_end = optional_time(operation, j, "dataEndTime");
    r.document_id = text_of(j, "reportDocumentId");
    if (r.processing_status == "DONE" && r.document_id.empty()) {
        unreadable(operation, "a DONE report has no reportDocumentId");
    }
    if (const auto it = j.find("marketplaceIds"); it != j.end() && it->is_array()) {
        for (const json& id : *it) {
            if (id.is_string()) {
                r.marketplace_ids.push_back(id.get<std::string>());
            }
        }
    }
    return r;
}

// Streaming gunzip (RFC 1952, via zlib's inflate with automatic gzip header detection).
class Inflater {
  public:
    explicit Inflater(const BodySink& out) : m_out(out) {
        if (inflateInit2(&m_z, 16 + MAX_WBITS) != Z_OK) {
            throw Error(ErrorKind::Internal, "could not start gunzip (zlib)");
        }
    }
    Inflater(const Inflater&) = delete;
    Inflater& operator=(const Inflater&) = delete;
    ~Inflater() { inflateEnd(&m_z); }

    void feed(std::string_view in) {
        // zlib's API is not const-correct; it never writes through next_in.
        m_z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
        m_z.avail_in = static_cast<uInt>(in.size());
        while (m_z.avail_in > 0) {
            if (m_ended) {
                // A second gzip member: gunzip reads concatenated members as one stream.
                if (inflateReset(&m_z) != Z_OK) {
                    corrupt();
                }
                m_ended = false;
            }
            m_z.next_out = reinterpret_cast<Bytef*>(m_buffer.data());
            m_z.avail_out = static_cast<uInt>(m_buffer.size());
            const int rc = inflate(&m_z, Z_NO_FLUSH);
            if (rc != Z_OK && rc != Z_STREAM_END && rc != Z_BUF_ERROR) {
                corrupt();
            }
            const std::size_t produced = m_buffer.size() - m_z.avail_out;
            if (produced > 0) {
                m_out(std::string_view(m_buffer.data(), produced));
            }
            m_ended = rc == Z_STREAM_END;
            if (rc == Z_BUF_ERROR && produced == 0) {
                break; // needs more input
            }
        }
    }

    void finish() const {
        if (!m_ended) {
            corrupt();
        }
    }

  private:
    [[noreturn]] static void corrupt() {
        throw Error(ErrorKind::Temporary, "the report document is not a valid gzip stream (cut short or corrupt)",
                    "run the command again: the report is downloaded afresh");
    }

    const BodySink& m_out;
    z_stream m_z{};
    std::array<char, 64 * 1024> m_buffer{};
    bool m_ended = false;
};

bool is_2xx(int status) {
    return status >= 200 && status < 300;
}

} // namespace

bool Report::finished() const {
    return processing_status == "DONE" || processing_status == "CANCELLED" || processing_status == "FATAL";
}

Report report_from_json(std::string_view json_text) {
    return report_from("getReport", parse_body("getReport", json_text));
}

ReportsClient::ReportsClient(SpApiClient& api, Transport& raw_transport) : m_api(api), m_raw(raw_transport) {}

std::string ReportsClient::create_report(std::string_view report_type,
                                         const std::vector<std::string>& marketplace_ids, Timestamp data_start,
                                         Timestamp data_end) {
    ApiCall call;
    call.operation = "createReport";
    call.method = "POST";
    call.path = std::string(k_reports_path);
    call.body = json{{"reportType", report_type},
                     {"marketplaceIds", marketplace_ids},
                     {"dataStartTime", format_rfc3339(data_start)},
                     {"dataEndTime", format_rfc3339(data_end)}}
                    .dump();
    const HttpResponse response = m_api.call(call);
    return required_text(call.operation, parse_body(call.operation, response.body), "reportId");
}

Report ReportsClient::get_report(const std::string& report_id) {
    ApiCall call;
    call.operation = "getReport";
    call.path = std::string(k_reports_path) + "/" + url_encode(report_id);
    const HttpResponse response = m_api.call(call);
    return report_from(call.operation, parse_body(call.operation, response.body));
}

ReportDocument ReportsClient::get_report_document(const std::string& document_id) {
    ApiCall call;
    call.operation = "getReportDocument";
    call.path = std::string(k_documents_path) + "/" + url_encode(document_id);
    const HttpResponse response = m_api.call(call);
    const json j = parse_body(call.operation, response.body);
    return {required_text(call.operation, j, "reportDocumentId"), required_text(call.operation, j, "url"),
            text_of(j, "compressionAlgorithm")};
}

void ReportsClient::download(const ReportDocument& document, const BodySink& sink) {
    HttpRequest request;
    request.method = "GET";
    request.url = document.url;
    const bool gzip = document.compression_algorithm == "GZIP";
    std::unique_ptr<Inflater> inflater;
    bool first = true;
    bool compressed = false;
    const BodySink receive = [&](std::string_view bytes) {
        if (first && !bytes.empty()) {
            first = false;
            compressed = gzip && bytes.size() >= 2 && static_cast<unsigned char>(bytes[0]) == 0x1f &&
                         static_cast<unsigned char>(bytes[1]) == 0x8b;
            if (compressed) {
                inflater = std::make_unique<Inflater>(sink);
            }
        }
        if (compressed) {
            inflater->feed(bytes);
        } else {
            sink(bytes);
        }
    };
    const HttpResponse response = m_raw.send_streaming(request, receive);
    const std::string what = "downloading report document " + document.report_document_id;
    if (response.error != TransportError::None) {
        throw Error(ErrorKind::Temporary, what + " failed: " + describe(response.error, response.error_message),
                    "check the network and run the command again; stored orders are kept");
    }
    if (!is_2xx(response.status)) {
        const std::string message = what + " failed: HTTP " + std::to_string(response.status) + " " +
                                    printable_excerpt(response.body, 200);
        if (response.status >= 500 || response.status == 403 || response.status == 400) {
            // 403 after five minutes: the presigned link expired; a new one is one call away.
            throw Error(ErrorKind::Temporary, message, "run the command again; stored orders are kept");
        }
        throw Error(ErrorKind::Internal, message);
    }
    if (compressed) {
        inflater->finish();
    }
}

} // namespace asc
