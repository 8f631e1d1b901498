#pragma once
// Reports API 2021-06-30 (model: shared/spapi-models/reports_2021-06-30.json): the calls that
// request a report and fetch its document.
//
//   createReport       POST /reports/2021-06-30/reports {reportType, dataStartTime, dataEndTime,
//                      marketplaceIds}                                        -> 202 {reportId}
//   getReport          GET /reports/2021-06-30/reports/{reportId}             -> Report
//   getReportDocument  GET /reports/2021-06-30/documents/{reportDocumentId}   -> {url, compressionAlgorithm?}
//   (download)         GET <url>, no SP-API headers; gunzip when GZIP
//
// The SP-API calls go through SpApiClient (token, User-Agent, pacing per operation with the usage
// plans createReport 0.0167/s burst 15, getReport 2/s burst 15, getReportDocument 0.0167/s burst 15,
// retries, typed errors). The presigned URL goes through a raw Transport without the access token,
// streamed: a year of a large seller's orders is hundreds of MB. Presigned URLs carry credentials:
// they never appear in errors or events.

#include "asc/amazon/sp_api.hpp"
#include "asc/base/clock.hpp"
#include "asc/http/http.hpp"
#include "asc/model/model.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace asc {

// Every order and item updated in [dataStartTime, dataEndTime], one tab-separated row per item.
inline constexpr std::string_view k_order_report_type = "GET_FLAT_FILE_ALL_ORDERS_DATA_BY_LAST_UPDATE_GENERAL";

struct Report {
    std::string report_id;
    std::string report_type;
    std::vector<std::string> marketplace_ids;
    // IN_QUEUE, IN_PROGRESS, DONE (document ready), CANCELLED (no data in the window), FATAL.
    std::string processing_status;
    std::optional<Timestamp> data_start;
    std::optional<Timestamp> data_end;
    Timestamp created_time{};
    std::string document_id; // set when DONE

    // DONE, CANCELLED or FATAL: the status will not change any more.
    [[nodiscard]] bool finished() const;
};

struct ReportDocument {
    std::string report_document_id;
    std::string url;                   // presigned, for 5 minutes
    std::string compression_algorithm; // "GZIP" or empty
};

class ReportsClient {
  public:
    // `raw_transport` carries the presigned download as it is (no token, no extra headers).
    ReportsClient(SpApiClient& api, Transport& raw_transport);

    // createReport; returns the report id. Retried like any read: a report requested twice costs
    // one createReport token and builds the same data, so an answer that never came is safe to ask
    // again. Throws what SpApiClient::call throws.
    std::string create_report(std::string_view report_type, const std::vector<std::string>& marketplace_ids,
                              Timestamp data_start, Timestamp data_end);

    // getReport. Throws ApiError(NotFound) for an unknown id, Error(Temporary) for an answer that
    // cannot be read.
    Report get_report(const std::string& report_id);

    // getReportDocument.
    ReportDocument get_report_document(const std::string& document_id);

    // GETs the document's presigned URL and hands its bytes to `sink` as they arrive, gunzipped
    // when compression_algorithm is GZIP and the bytes start with the gzip magic (a transport that
    // honours Content-Encoding has already decoded them). One attempt: a failure part way has
    // already passed bytes on, so the caller restarts from a fresh sink. Throws Error(Temporary)
    // for network failures, 5xx, an expired URL or a corrupt gzip stream, Error(Internal) for other
    // refusals, and whatever `sink` throws.
    void download(const ReportDocument& document, const BodySink& sink);

  private:
    SpApiClient& m_api;
    Transport& m_raw;
};

// Parses a Report object of getReport. Throws Error(Temporary) when a required field is missing
// or malformed. Public for tests.
Report report_from_json(std::string_view json_text);

} // namespace asc
