#pragma once
// Feeds API 2021-06-30: the calls that submit a feed and fetch its processing report.
//
//   createFeedDocument  POST /feeds/2021-06-30/documents {contentType}        -> 201 {feedDocumentId, url}
//   (upload)            PUT <url>, only Content-Type, byte-identical          -> 2xx (presigned S3)
//   createFeed          POST /feeds/2021-06-30/feeds {feedType, marketplaceIds, inputFeedDocumentId}
//                                                                             -> 202 {feedId}
//   getFeed             GET /feeds/2021-06-30/feeds/{feedId}                  -> Feed
//   getFeeds            GET /feeds/2021-06-30/feeds?feedTypes=&createdSince=  -> {feeds, nextToken}
//   getFeedDocument     GET /feeds/2021-06-30/documents/{id}                  -> {url, compressionAlgorithm?}
//   (download)          GET <url>, no SP-API headers; gunzip once when GZIP
//
// The SP-API calls go through SpApiClient (token, User-Agent, pacing per operation, retries, typed
// errors). The presigned S3 URLs go through a raw Transport: they must not get the access token,
// and the upload's signature covers its Content-Type. Presigned URLs carry credentials: they never
// appear in errors or events.

#include "asc/amazon/sp_api.hpp"
#include "asc/base/clock.hpp"
#include "asc/http/http.hpp"
#include "asc/model/model.hpp"

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace asc {

struct FeedDocument {
    std::string feed_document_id;
    std::string url; // presigned, for 5 minutes
};

struct Feed {
    std::string feed_id;
    std::string feed_type;
    std::vector<std::string> marketplace_ids;
    std::string processing_status; // IN_QUEUE, IN_PROGRESS, DONE, FATAL, CANCELLED
    Timestamp created_time{};
    std::optional<Timestamp> processing_start_time;
    std::optional<Timestamp> processing_end_time;
    std::string result_document_id; // empty until Amazon has one

    // DONE, FATAL or CANCELLED: the status will not change any more.
    [[nodiscard]] bool finished() const;
};

// True for DONE, FATAL and CANCELLED.
bool is_final_feed_status(std::string_view status);

struct ResultDocument {
    std::string feed_document_id;
    std::string url;                   // presigned, for 5 minutes
    std::string compression_algorithm; // "GZIP" or empty
};

// The largest processing report download() accepts: a report names each message of a feed (at
// most 100,000 orders, a few hundred bytes each).
inline constexpr std::size_t k_max_report_bytes = std::size_t{128} * 1024 * 1024;

class FeedsClient {
  public:
    // `raw_transport` carries the presigned S3 requests as they are (no token, no extra headers);
    // `clock` paces their retries.
    FeedsClient(SpApiClient& api, Transport& raw_transport, Clock& clock = system_clock());

    // createFeedDocument. `content_type` must be passed byte for byte to upload().
    FeedDocument create_feed_document(const std::string& content_type);

    // PUTs `body` to the document's presigned URL with the single header Content-Type:
    // `content_type`. Retries 5xx and network failures a few times. Throws Error(Temporary) when
    // they persist or the URL expired, Error(Internal) for other refusals (e.g. 403
    // SignatureDoesNotMatch), naming S3's error code.
    void upload(const FeedDocument& document, std::string_view content_type, std::string_view body);
    // The same, taking the body over instead of copying it (a feed document may be MiBs).
    void upload_owned(const FeedDocument& document, std::string_view content_type, std::string&& body);
    // The same, the body read from a file as it goes out (a feed document written to a TempFile,
    // so that it is never held in memory whole; every attempt sends it from the start).
    void upload_file(const FeedDocument& document, std::string_view content_type, const BodyFile& file);

    // createFeed; returns the feed id (checked against the model: a non-empty string identifier).
    // `before_send` runs right before each attempt goes out (the cancel service journals the send
    // time there). Throws what SpApiClient::call throws, and Error(Temporary) for an answer that
    // does not match the model (the feed may then exist: the outcome is unknown).
    std::string create_feed(const std::string& feed_type, const std::vector<std::string>& marketplace_ids,
                            const std::string& document_id, std::function<void()> before_send = {});

    // getFeed. Throws ApiError(NotFound) for an unknown id.
    Feed get_feed(const std::string& feed_id);

    // getFeeds of one type created at or after `created_since`, every page, oldest first.
    std::vector<Feed> get_feeds(const std::string& feed_type, Timestamp created_since);

    // getFeedDocument (for a feed's result document).
    ResultDocument get_feed_document(const std::string& document_id);

    // GETs the document's presigned URL; gunzips once when compression_algorithm is GZIP and the
    // body still starts with the gzip magic (a transport that honours Content-Encoding: gzip has
    // already decoded it). Retries like upload(). A document larger than k_max_report_bytes
    // (compressed or not) fails with Error(Temporary).
    std::string download(const ResultDocument& document);

  private:
    HttpResponse send_raw(const HttpRequest& request, std::string_view what);

    SpApiClient& m_api;
    Transport& m_raw;
    Clock& m_clock;
};

// Parses one Feed object of getFeed / getFeeds. Throws Error(Temporary) when a required field is
// missing or malformed. Public for tests.
Feed feed_from_json(std::string_view json_text);

inline constexpr std::chrono::milliseconds k_feed_poll_interval{2000};

// Polls getFeed (paced by the SpApiClient's rate limiter, and at most once per `interval`) until
// the feed is DONE, FATAL or CANCELLED, and returns it. `on_poll` sees every answer. Throws
// Error(Temporary, "feed X still IN_PROGRESS after T") with the hint to run `asc feeds show X`
// later when `timeout` passes first, and Error(Interrupted) on Ctrl-C.
Feed wait_for_feed(FeedsClient& feeds, const std::string& feed_id, Clock& clock,
                   std::chrono::milliseconds timeout, const std::function<void(const Feed&)>& on_poll = {},
                   std::chrono::milliseconds interval = k_feed_poll_interval);

// Recovery after a crash between sending createFeed and recording its answer: the feeds of
// `feed_type` created since `sent_at - clock_skew` (Amazon's clock may run behind ours), oldest
// first. The caller decides which one is its own (the Feed object carries no input document id)
// before sending anything new.
std::vector<Feed> find_feeds_sent_since(FeedsClient& feeds, const std::string& feed_type, Timestamp sent_at,
                                        std::chrono::seconds clock_skew = std::chrono::minutes(2));

} // namespace asc
