#pragma once
// Feeds API 2021-06-30 state: feed documents (uploaded inputs and result reports) and feeds that
// move IN_QUEUE -> IN_PROGRESS -> DONE (or FATAL / CANCELLED) over the processing time. When a
// POST_ORDER_ACKNOWLEDGEMENT_DATA feed finishes, its cancellations are applied to the store and
// a ProcessingReport becomes the result document. Thread-safe; tick() drives the clock.

#include "store.hpp"
#include "util.hpp"

#include <chrono>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace sim {

inline constexpr std::string_view k_ack_feed_type = "POST_ORDER_ACKNOWLEDGEMENT_DATA";
inline constexpr std::string_view k_fulfillment_feed_type = "POST_ORDER_FULFILLMENT_DATA";

struct FeedError {
    int status;       // HTTP status
    std::string code; // "InvalidInput", "NotFound"
    std::string message;
};

struct StoredDocument {
    std::string content_type;
    std::string data;
    bool gzip = false;
};

class Feeds {
  public:
    Feeds(Store& store, double processing_seconds, bool gzip_reports);

    // createFeedDocument: {"feedDocumentId","url"}; the url is base_url + "/_upload/<id>".
    Json create_document(const std::string& content_type, const std::string& base_url);
    enum class Upload { ok, unknown, content_type_mismatch };
    Upload upload(const std::string& id, const std::string& content_type, std::string body);
    // The bytes a document url serves (an uploaded input or a result), if any.
    std::optional<StoredDocument> download(const std::string& id) const;
    // getFeedDocument: {"feedDocumentId","url","compressionAlgorithm"?}
    std::optional<Json> document_info(const std::string& id, const std::string& base_url) const;

    // createFeed: the new feed id, or an error.
    std::variant<std::string, FeedError> create_feed(const std::string& type, const Json& marketplace_ids,
                                                     const std::string& document_id);
    std::optional<Json> feed(const std::string& id) const;
    struct ListQuery {
        std::vector<std::string> types, marketplaces, statuses;
        std::optional<Millis> since, until;
        std::size_t page_size = 10;
        std::size_t offset = 0;
    };
    // The query a getFeeds nextToken stands for.
    static std::optional<ListQuery> parse_token(const std::string& token);
    // getFeeds, newest first: {"feeds":[...],"nextToken"?}
    Json list(const ListQuery& q) const;
    // cancelFeed: nullopt on success.
    std::optional<FeedError> cancel(const std::string& id);

    // Makes the next created feed end FATAL or CANCELLED instead of being processed ("" clears).
    void set_next_outcome(std::string outcome);
    void set_processing_seconds(double seconds);
    void set_gzip(bool on);
    // Advances every feed whose time has come. Called often by a background thread.
    void tick();

  private:
    using Clock = std::chrono::steady_clock;
    struct Feed {
        std::string id;
        std::string type;
        Json marketplace_ids;
        Millis created = 0;
        std::string input_document;
        std::string status = "IN_QUEUE";
        Millis started = 0;
        Millis ended = 0;
        std::string result_document;
        Clock::time_point start_at;
        Clock::time_point end_at;
        std::string outcome; // forced FATAL / CANCELLED, else empty
    };
    struct Document {
        std::string content_type;
        bool uploaded = false;
        bool result = false;
        StoredDocument stored;
    };

    [[nodiscard]] static Json describe(const Feed& f);
    void finish(Feed& f); // runs with mutex_ held
    std::string add_result(std::string report);

    Store& store_;
    mutable std::mutex mutex_;
    double processing_seconds_;
    bool gzip_;
    std::string next_outcome_;
    std::uint64_t next_feed_number_ = 50'012'019'000;
    std::map<std::string, Document> documents_;
    std::map<std::string, Feed> feeds_;
    std::vector<std::string> feed_order_; // creation order
};

// The X-Amz-Signature of a document's upload (PUT) or download (GET) url.
std::string document_signature(const std::string& id, bool upload);

// Processes a POST_ORDER_ACKNOWLEDGEMENT_DATA document against the store and returns the
// ProcessingReport XML. `fatal` is set when the document itself is unusable (not well-formed XML,
// not an OrderAcknowledgement envelope); nothing is applied then.
std::string process_acknowledgements(std::string_view xml, Store& store, const std::string& feed_id,
                                     bool& fatal);
// Processes a POST_ORDER_FULFILLMENT_DATA document (fulfillment_feed.cpp): shipment confirmations.
std::string process_fulfillments(std::string_view xml, Store& store, const std::string& feed_id, bool& fatal);
// A report for a feed that failed as a whole.
std::string fatal_report(const std::string& feed_id, const std::string& description);

} // namespace sim
