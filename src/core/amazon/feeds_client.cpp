#include "asc/amazon/feeds_client.hpp"

#include "asc/amazon/ack_feed.hpp"
#include "asc/base/errors.hpp"
#include "asc/base/interrupt.hpp"
#include "asc/base/time.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <pugixml.hpp>

namespace asc {

namespace {

using nlohmann::json;

constexpr std::string_view k_feeds_path = "/feeds/2021-06-30/feeds";
constexpr std::string_view k_documents_path = "/feeds/2021-06-30/documents";

// Attempts at a presigned-URL request, and the pause before the next one (times the attempt).
constexpr int k_raw_attempts = 3;
// S3 answers an upload with an empty body, or a short XML error.
constexpr std::size_t k_max_upload_answer = std::size_t{64} * 1024;
constexpr std::chrono::seconds k_raw_pause{1};

[[noreturn]] void unreadable(std::string_view operation, const std::string& why) {
    throw Error(ErrorKind::Temporary,
                "Amazon's " + std::string(operation) + " answer could not be read: " + why,
                "try again later; if it persists, run with --debug and report it");
}

json parse_body(std::string_view operation, const std::string& body) {
    json j = json::parse(body, nullptr, false);
    if (j.is_discarded() || !j.is_object()) {
        unreadable(operation, "it is not a JSON object");
    }
    return j;
}

// Every answer is checked against the Feeds API model (feeds_2021-06-30.json) before anything in it
// is used or journaled: a member of the wrong type is an unreadable answer, never coerced (a
// numeric feedId once went into the journal and made every later getFeed 404).

// An optional string member: nullopt when absent or null; an unreadable answer when present with
// another type.
std::optional<std::string> optional_text(std::string_view operation, const json& j, const char* key) {
    const auto it = j.find(key);
    if (it == j.end() || it->is_null()) {
        return std::nullopt;
    }
    if (!it->is_string()) {
        unreadable(operation, std::string("\"") + key + "\" is a " + it->type_name() + ", not a string");
    }
    return it->get<std::string>();
}

std::string text_of(std::string_view operation, const json& j, const char* key) {
    return optional_text(operation, j, key).value_or(std::string());
}

// An identifier asc stores and puts in URLs: 1 to 256 printable ASCII characters, no spaces (the
// model says only "string"; Amazon's are digits or amzn1.tortuga... tokens).
std::string required_id(std::string_view operation, const json& j, const char* key) {
    const auto value = optional_text(operation, j, key);
    if (!value || value->empty()) {
        unreadable(operation, std::string("\"") + key + "\" is missing");
    }
    const bool printable =
        std::all_of(value->begin(), value->end(), [](char c) { return c > ' ' && c < 0x7f; });
    if (value->size() > 256 || !printable) {
        unreadable(operation, std::string("\"") + key + "\" is not an identifier");
    }
    return *value;
}

std::string required_text(std::string_view operation, const json& j, const char* key) {
    std::string value = text_of(operation, j, key);
    if (value.empty()) {
        unreadable(operation, std::string("\"") + key + "\" is missing");
    }
    return value;
}

// A document's presigned URL from Amazon's answer: https (or plain http to a loopback host, the
// simulator). Anything else is Amazon's answer being wrong, not the configuration: nothing has
// been uploaded or downloaded with it.
std::string required_url(std::string_view operation, const json& j, const char* key) {
    std::string url = required_text(operation, j, key);
    const bool https = url.size() > 8 && url.compare(0, 8, "https://") == 0;
    const bool loopback_http = url.compare(0, 7, "http://") == 0 && is_loopback_url(url);
    if (!https && !loopback_http) {
        unreadable(operation, fmt::format("\"{}\" is not an https URL ({:?})", key, printable_excerpt(url, 60)));
    }
    return url;
}

std::optional<Timestamp> optional_time(std::string_view operation, const json& j, const char* key) {
    const auto text = optional_text(operation, j, key);
    if (!text) {
        return std::nullopt;
    }
    const auto time = parse_rfc3339(*text);
    if (!time) {
        unreadable(operation, std::string(key) + " \"" + text->substr(0, 40) + "\" is not a date-time");
    }
    return time;
}

Feed feed_from(std::string_view operation, const json& j) {
    if (!j.is_object()) {
        unreadable(operation, "a feed is not a JSON object");
    }
    Feed feed;
    feed.feed_id = required_id(operation, j, "feedId");
    feed.feed_type = required_text(operation, j, "feedType");
    feed.processing_status = required_text(operation, j, "processingStatus");
    static constexpr std::array<std::string_view, 5> k_statuses{"CANCELLED", "DONE", "FATAL", "IN_PROGRESS",
                                                                "IN_QUEUE"};
    if (std::find(k_statuses.begin(), k_statuses.end(), feed.processing_status) == k_statuses.end()) {
        unreadable(operation, "processingStatus \"" + feed.processing_status.substr(0, 40) +
                                  "\" is not one of the model's");
    }
    const auto created_time = optional_time(operation, j, "createdTime");
    if (!created_time) {
        unreadable(operation, "\"createdTime\" is missing");
    }
    feed.created_time = *created_time;
    feed.processing_start_time = optional_time(operation, j, "processingStartTime");
    feed.processing_end_time = optional_time(operation, j, "processingEndTime");
    if (const auto result = optional_text(operation, j, "resultFeedDocumentId"); result && !result->empty()) {
        feed.result_document_id = required_id(operation, j, "resultFeedDocumentId");
    }
    if (const auto it = j.find("marketplaceIds"); it != j.end() && !it->is_null()) {
        if (!it->is_array()) {
            unreadable(operation, "\"marketplaceIds\" is not a list");
        }
        for (const json& id : *it) {
            if (!id.is_string()) {
                unreadable(operation, "\"marketplaceIds\" holds a " + std::string(id.type_name()));
            }
            feed.marketplace_ids.push_back(id.get<std::string>());
        }
    }
    return feed;
}

bool is_2xx(int status) {
    return status >= 200 && status < 300;
}

// S3 answers errors as <Error><Code>..</Code><Message>..</Message></Error>.
struct S3Error {
    std::string code;
    std::string message;
};

S3Error s3_error(const std::string& body) {
    pugi::xml_document doc;
    if (!doc.load_buffer(body.data(), body.size())) {
        return {};
    }
    const pugi::xml_node error = doc.child("Error");
    return {error.child_value("Code"), error.child_value("Message")};
}

bool contains_ignore_case(std::string_view text, std::string_view word) {
    const auto it = std::search(text.begin(), text.end(), word.begin(), word.end(), [](char a, char b) {
        return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
    });
    return it != text.end();
}

std::string format_duration(std::chrono::milliseconds d) {
    const auto ms = d.count();
    if (ms != 0 && ms % 3'600'000 == 0) {
        return std::to_string(ms / 3'600'000) + "h";
    }
    if (ms != 0 && ms % 60'000 == 0) {
        return std::to_string(ms / 60'000) + "m";
    }
    if (ms % 1000 == 0) {
        return std::to_string(ms / 1000) + "s";
    }
    return std::to_string(ms) + "ms";
}

} // namespace

bool is_final_feed_status(std::string_view status) {
    return status == "DONE" || status == "FATAL" || status == "CANCELLED";
}

bool Feed::finished() const {
    return is_final_feed_status(processing_status);
}

Feed feed_from_json(std::string_view json_text) {
    return feed_from("getFeed", parse_body("getFeed", std::string(json_text)));
}

FeedsClient::FeedsClient(SpApiClient& api, Transport& raw_transport, Clock& clock)
    : m_api(api), m_raw(raw_transport), m_clock(clock) {}

FeedDocument FeedsClient::create_feed_document(const std::string& content_type) {
    ApiCall call;
    call.operation = "createFeedDocument";
    call.method = "POST";
    call.path = std::string(k_documents_path);
    call.body = json{{"contentType", content_type}}.dump();
    const HttpResponse response = m_api.call(call);
    const json j = parse_body(call.operation, response.body);
    return {required_id(call.operation, j, "feedDocumentId"), required_url(call.operation, j, "url")};
}

HttpResponse FeedsClient::send_raw(const HttpRequest& request, std::string_view what) {
    for (int attempt = 1;; ++attempt) {
        HttpResponse response = m_raw.send(request);
        if (response.error == TransportError::None && is_2xx(response.status)) {
            return response;
        }
        const bool retryable =
            response.error != TransportError::None || response.status == 429 || response.status >= 500;
        if (retryable && attempt < k_raw_attempts) {
            m_clock.sleep_for(k_raw_pause * attempt);
            if (interrupted()) {
                throw Error(ErrorKind::Interrupted, std::string(what) + " was interrupted");
            }
            continue;
        }
        if (response.error != TransportError::None) {
            throw Error(ErrorKind::Temporary,
                        std::string(what) + " failed after " + std::to_string(attempt) +
                            " attempts: " + response.error_message,
                        "check the network and try again");
        }
        const S3Error s3 = s3_error(response.body);
        std::string message = std::string(what) + " failed: HTTP " + std::to_string(response.status);
        if (!s3.code.empty()) {
            message += " " + s3.code;
        }
        if (!s3.message.empty()) {
            message += ": " + s3.message;
        }
        if (retryable) {
            throw Error(ErrorKind::Temporary, message + " (after " + std::to_string(attempt) + " attempts)",
                        "Amazon's storage is unavailable; try again later");
        }
        if (contains_ignore_case(s3.message, "expired") || s3.code == "ExpiredToken" ||
            s3.code == "RequestExpired") {
            throw Error(ErrorKind::Temporary, message,
                        "the presigned link lasts 5 minutes; run the command again");
        }
        if (response.status == 403 && s3.code != "SignatureDoesNotMatch") {
            // A presigned link is refused once it expired, or when this machine's clock is off
            // (the link is checked against Amazon's time).
            throw Error(ErrorKind::Temporary, message,
                        "Amazon's storage refused the presigned link: it lasts 5 minutes and is checked "
                        "against the clock; check this machine's clock (timedatectl) and run the command "
                        "again");
        }
        throw Error(
            ErrorKind::Internal, message,
            s3.code == "SignatureDoesNotMatch"
                ? "the request did not match the presigned link (its Content-Type must be byte-identical); "
                  "this is a bug in asc, please report it"
                : "");
    }
}

void FeedsClient::upload(const FeedDocument& document, std::string_view content_type, std::string_view body) {
    upload_owned(document, content_type, std::string(body));
}

void FeedsClient::upload_owned(const FeedDocument& document, std::string_view content_type, std::string&& body) {
    HttpRequest request;
    request.method = "PUT";
    request.url = document.url;
    request.headers = {{"Content-Type", std::string(content_type)}};
    request.body = std::move(body);
    request.max_response_bytes = k_max_upload_answer;
    send_raw(request, "uploading feed document " + document.feed_document_id);
}

void FeedsClient::upload_file(const FeedDocument& document, std::string_view content_type, const BodyFile& file) {
    HttpRequest request;
    request.method = "PUT";
    request.url = document.url;
    request.headers = {{"Content-Type", std::string(content_type)}};
    request.body_file = file;
    request.max_response_bytes = k_max_upload_answer;
    send_raw(request, "uploading feed document " + document.feed_document_id);
}

std::string FeedsClient::create_feed(const std::string& feed_type,
                                     const std::vector<std::string>& marketplace_ids,
                                     const std::string& document_id, std::function<void()> before_send) {
    ApiCall call;
    call.operation = "createFeed";
    call.before_send = std::move(before_send);
    call.method = "POST";
    // Never sent twice: after a failure that may have reached Amazon the caller looks the feed up
    // (getFeeds) instead of sending it again. A 429 is still retried.
    call.idempotent = false;
    call.path = std::string(k_feeds_path);
    call.body = json{{"feedType", feed_type},
                     {"marketplaceIds", marketplace_ids},
                     {"inputFeedDocumentId", document_id}}
                    .dump();
    HttpResponse response;
    try {
        response = m_api.call(call);
    } catch (const ApiError& e) {
        if (e.http_status() == 400 && std::string_view(e.what()).find(document_id) != std::string_view::npos) {
            // The upload was answered 2xx, but Amazon does not have the document: its storage
            // lost it. Amazon created no feed (a 400), so nothing was sent.
            throw ApiError(ErrorKind::Temporary,
                           fmt::format("the upload of feed document {} was acknowledged, but Amazon does not "
                                       "have it ({}); no feed was created, nothing was sent",
                                       document_id, e.what()),
                           "run the command again: it uploads the document anew", e.http_status(), e.code(),
                           e.request_id());
        }
        throw;
    }
    return required_id(call.operation, parse_body(call.operation, response.body), "feedId");
}

Feed FeedsClient::get_feed(const std::string& feed_id) {
    ApiCall call;
    call.operation = "getFeed";
    call.path = std::string(k_feeds_path) + "/" + url_encode(feed_id);
    const HttpResponse response = m_api.call(call);
    return feed_from(call.operation, parse_body(call.operation, response.body));
}

std::vector<Feed> FeedsClient::get_feeds(const std::string& feed_type, Timestamp created_since) {
    std::vector<Feed> feeds;
    ApiCall call;
    call.operation = "getFeeds";
    call.path = std::string(k_feeds_path);
    call.query = {
        {"feedTypes", feed_type}, {"createdSince", format_rfc3339(created_since)}, {"pageSize", "100"}};
    for (;;) {
        const HttpResponse response = m_api.call(call);
        const json j = parse_body(call.operation, response.body);
        const auto list = j.find("feeds");
        if (list == j.end() || !list->is_array()) {
            unreadable(call.operation, "\"feeds\" is missing");
        }
        for (const json& f : *list) {
            feeds.push_back(feed_from(call.operation, f));
        }
        const std::string next = text_of(call.operation, j, "nextToken");
        if (next.empty()) {
            break;
        }
        // Amazon wants the token as the only parameter of the next request.
        call.query = {{"nextToken", next}};
    }
    std::stable_sort(feeds.begin(), feeds.end(),
                     [](const Feed& a, const Feed& b) { return a.created_time < b.created_time; });
    return feeds;
}

ResultDocument FeedsClient::get_feed_document(const std::string& document_id) {
    ApiCall call;
    call.operation = "getFeedDocument";
    call.path = std::string(k_documents_path) + "/" + url_encode(document_id);
    const HttpResponse response = m_api.call(call);
    const json j = parse_body(call.operation, response.body);
    ResultDocument document{required_id(call.operation, j, "feedDocumentId"),
                            required_url(call.operation, j, "url"),
                            text_of(call.operation, j, "compressionAlgorithm")};
    // The model's only value is GZIP; anything else would be saved still compressed.
    if (!document.compression_algorithm.empty() && document.compression_algorithm != "GZIP") {
        unreadable(call.operation, "compressionAlgorithm \"" + document.compression_algorithm.substr(0, 20) +
                                       "\" is not one asc knows");
    }
    return document;
}

std::string FeedsClient::download(const ResultDocument& document) {
    HttpRequest request;
    request.method = "GET";
    request.url = document.url;
    request.max_response_bytes = k_max_report_bytes;
    HttpResponse response = send_raw(request, "downloading feed document " + document.feed_document_id);
    const bool gzip_magic = response.body.size() >= 2 &&
                            static_cast<unsigned char>(response.body[0]) == 0x1f &&
                            static_cast<unsigned char>(response.body[1]) == 0x8b;
    if (document.compression_algorithm == "GZIP" && gzip_magic) {
        return gunzip(response.body, k_max_report_bytes);
    }
    return std::move(response.body);
}

Feed wait_for_feed(FeedsClient& feeds, const std::string& feed_id, Clock& clock,
                   std::chrono::milliseconds timeout, const std::function<void(const Feed&)>& on_poll,
                   std::chrono::milliseconds interval) {
    const auto start = clock.now();
    for (;;) {
        Feed feed = feeds.get_feed(feed_id);
        if (on_poll) {
            on_poll(feed);
        }
        if (feed.finished()) {
            return feed;
        }
        const auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(clock.now() - start);
        if (elapsed >= timeout) {
            throw Error(ErrorKind::Temporary,
                        "feed " + feed_id + " still " + feed.processing_status + " after " +
                            format_duration(timeout),
                        "Amazon keeps processing it; run `asc feeds show " + feed_id + "` later");
        }
        clock.sleep_for(std::min(interval, timeout - elapsed));
        if (interrupted()) {
            throw Error(ErrorKind::Interrupted, "interrupted while waiting for feed " + feed_id,
                        "Amazon keeps processing it; run `asc feeds show " + feed_id + "` later");
        }
    }
}

std::vector<Feed> find_feeds_sent_since(FeedsClient& feeds, const std::string& feed_type, Timestamp sent_at,
                                        std::chrono::seconds clock_skew) {
    const Timestamp since = sent_at - clock_skew;
    std::vector<Feed> found = feeds.get_feeds(feed_type, since);
    std::erase_if(found, [&](const Feed& f) { return f.feed_type != feed_type || f.created_time < since; });
    return found;
}

} // namespace asc
