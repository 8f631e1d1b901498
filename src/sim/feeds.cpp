#include "feeds.hpp"

#include <algorithm>
#include <fmt/format.h>

namespace sim {

namespace {

// The query string of a presigned S3 url; the simulator checks the signature it issued.
std::string presign(const std::string& signature) {
    std::string day = iso8601(now_millis()).substr(0, 10);
    std::erase(day, '-');
    return "?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=ASIASIMULATOR%2F" + day +
           "%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Expires=300&X-Amz-SignedHeaders=content-type%3Bhost"
           "&X-Amz-Signature=" +
           signature;
}

} // namespace

std::string document_signature(const std::string& id, bool upload) {
    const std::uint64_t h = fnv1a(id) ^ (upload ? 0x5157ull : 0xd0c5ull);
    return fmt::format("{:016x}{:016x}{:016x}{:016x}", mix64(h), mix64(h + 1), mix64(h + 2), mix64(h + 3));
}

Feeds::Feeds(Store& store, double processing_seconds, bool gzip_reports)
    : store_(store), processing_seconds_(processing_seconds), gzip_(gzip_reports) {}

Json Feeds::create_document(const std::string& content_type, const std::string& base_url) {
    const std::string id = random_uuid();
    const std::string signature = document_signature(id, true);
    std::lock_guard lock(mutex_);
    Document d;
    d.content_type = content_type;
    documents_[id] = std::move(d);
    return Json{{"feedDocumentId", id}, {"url", base_url + "/_upload/" + id + presign(signature)}};
}

Feeds::Upload Feeds::upload(const std::string& id, const std::string& content_type, std::string body) {
    std::lock_guard lock(mutex_);
    const auto it = documents_.find(id);
    if (it == documents_.end() || it->second.result) {
        return Upload::unknown;
    }
    if (content_type != it->second.content_type) {
        return Upload::content_type_mismatch;
    }
    it->second.uploaded = true;
    it->second.stored = StoredDocument{content_type, std::move(body), false};
    return Upload::ok;
}

std::optional<StoredDocument> Feeds::download(const std::string& id) const {
    std::lock_guard lock(mutex_);
    const auto it = documents_.find(id);
    if (it == documents_.end() || (!it->second.uploaded && !it->second.result)) {
        return std::nullopt;
    }
    return it->second.stored;
}

std::optional<Json> Feeds::document_info(const std::string& id, const std::string& base_url) const {
    std::lock_guard lock(mutex_);
    const auto it = documents_.find(id);
    if (it == documents_.end()) {
        return std::nullopt;
    }
    const std::string signature = document_signature(id, false);
    Json out{{"feedDocumentId", id}, {"url", base_url + "/_download/" + id + presign(signature)}};
    if (it->second.stored.gzip) {
        out["compressionAlgorithm"] = "GZIP";
    }
    return out;
}

std::variant<std::string, FeedError> Feeds::create_feed(const std::string& type, const Json& marketplace_ids,
                                                        const std::string& document_id) {
    if (type != k_ack_feed_type && type != k_fulfillment_feed_type) {
        return FeedError{400, "InvalidInput",
                         fmt::format("Invalid feedType '{}': asc-sim processes only {} and {}.", type, k_ack_feed_type,
                                     k_fulfillment_feed_type)};
    }
    if (!marketplace_ids.is_array() || marketplace_ids.empty() || marketplace_ids.size() > 25 ||
        !std::all_of(marketplace_ids.begin(), marketplace_ids.end(),
                     [](const Json& m) { return m.is_string(); })) {
        return FeedError{400, "InvalidInput", "marketplaceIds must be a list of 1 to 25 marketplace IDs."};
    }
    std::lock_guard lock(mutex_);
    const auto doc = documents_.find(document_id);
    if (doc == documents_.end() || doc->second.result) {
        return FeedError{400, "InvalidInput", fmt::format("Invalid inputFeedDocumentId '{}'.", document_id)};
    }
    if (!doc->second.uploaded) {
        return FeedError{400, "InvalidInput",
                         fmt::format("The feed document {} has not been uploaded.", document_id)};
    }
    Feed f;
    f.id = std::to_string(next_feed_number_++);
    f.type = type;
    f.marketplace_ids = marketplace_ids;
    f.created = now_millis();
    f.input_document = document_id;
    const auto now = Clock::now();
    const auto total =
        std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(processing_seconds_));
    f.start_at = now + total * 3 / 10;
    f.end_at = now + total;
    f.outcome = std::exchange(next_outcome_, std::string{});
    const std::string id = f.id;
    feeds_[id] = std::move(f);
    feed_order_.push_back(id);
    return id;
}

Json Feeds::describe(const Feed& f) {
    Json out{{"feedId", f.id},
             {"feedType", f.type},
             {"marketplaceIds", f.marketplace_ids},
             {"createdTime", iso8601(f.created)},
             {"processingStatus", f.status}};
    if (f.started != 0) {
        out["processingStartTime"] = iso8601(f.started);
    }
    if (f.ended != 0) {
        out["processingEndTime"] = iso8601(f.ended);
    }
    if (!f.result_document.empty()) {
        out["resultFeedDocumentId"] = f.result_document;
    }
    return out;
}

std::optional<Json> Feeds::feed(const std::string& id) const {
    std::lock_guard lock(mutex_);
    const auto it = feeds_.find(id);
    if (it == feeds_.end()) {
        return std::nullopt;
    }
    return describe(it->second);
}

std::optional<Feeds::ListQuery> Feeds::parse_token(const std::string& token) {
    const auto text = base64_decode(token);
    const Json j = text ? Json::parse(*text, nullptr, false) : Json{};
    if (!j.is_object()) {
        return std::nullopt;
    }
    try {
        ListQuery q;
        q.types = j.at("types").get<std::vector<std::string>>();
        q.marketplaces = j.at("marketplaces").get<std::vector<std::string>>();
        q.statuses = j.at("statuses").get<std::vector<std::string>>();
        q.page_size = j.at("page_size").get<std::size_t>();
        q.offset = j.at("offset").get<std::size_t>();
        if (j.contains("since")) {
            q.since = j.at("since").get<Millis>();
        }
        if (j.contains("until")) {
            q.until = j.at("until").get<Millis>();
        }
        return q;
    } catch (const Json::exception&) {
        return std::nullopt;
    }
}

Json Feeds::list(const ListQuery& q) const {
    std::lock_guard lock(mutex_);
    auto listed = [](const std::vector<std::string>& set, const std::string& v) {
        return set.empty() || std::find(set.begin(), set.end(), v) != set.end();
    };
    Json feeds = Json::array();
    std::size_t matched = 0;
    bool more = false;
    for (auto it = feed_order_.rbegin(); it != feed_order_.rend(); ++it) {
        const Feed& f = feeds_.at(*it);
        bool mp_ok = q.marketplaces.empty();
        for (const auto& m : f.marketplace_ids) {
            mp_ok = mp_ok || listed(q.marketplaces, m.get<std::string>());
        }
        if (!listed(q.types, f.type) || !listed(q.statuses, f.status) || !mp_ok ||
            (q.since && f.created < *q.since) || (q.until && f.created >= *q.until)) {
            continue;
        }
        if (matched++ < q.offset) {
            continue;
        }
        if (feeds.size() == q.page_size) {
            more = true;
            break;
        }
        feeds.push_back(describe(f));
    }
    Json out{{"feeds", feeds}};
    if (more) {
        // The token carries the whole query: a follow-up request sends only nextToken.
        Json next{{"types", q.types},
                  {"marketplaces", q.marketplaces},
                  {"statuses", q.statuses},
                  {"page_size", q.page_size},
                  {"offset", q.offset + q.page_size}};
        if (q.since) {
            next["since"] = *q.since;
        }
        if (q.until) {
            next["until"] = *q.until;
        }
        out["nextToken"] = base64_encode(next.dump());
    }
    return out;
}

std::optional<FeedError> Feeds::cancel(const std::string& id) {
    std::lock_guard lock(mutex_);
    const auto it = feeds_.find(id);
    if (it == feeds_.end()) {
        return FeedError{404, "NotFound", fmt::format("The feed {} was not found.", id)};
    }
    Feed& f = it->second;
    if (f.status != "IN_QUEUE") {
        return FeedError{
            400, "InvalidInput",
            fmt::format("The feed {} cannot be cancelled because its processingStatus is {}.", id, f.status)};
    }
    f.status = "CANCELLED";
    f.ended = now_millis();
    return std::nullopt;
}

void Feeds::set_next_outcome(std::string outcome) {
    std::lock_guard lock(mutex_);
    next_outcome_ = std::move(outcome);
}

void Feeds::set_processing_seconds(double seconds) {
    std::lock_guard lock(mutex_);
    processing_seconds_ = seconds;
}

void Feeds::set_gzip(bool on) {
    std::lock_guard lock(mutex_);
    gzip_ = on;
}

std::string Feeds::add_result(std::string report) {
    std::string id = random_uuid();
    Document d;
    d.result = true;
    d.content_type = "text/xml; charset=UTF-8";
    d.stored.content_type = d.content_type;
    d.stored.gzip = gzip_;
    d.stored.data = gzip_ ? gzip(report) : std::move(report);
    documents_[id] = std::move(d);
    return id;
}

void Feeds::finish(Feed& f) {
    f.ended = now_millis();
    if (f.outcome == "FATAL") {
        f.status = "FATAL";
        f.result_document = add_result(
            fatal_report(f.id, "Simulated fatal processing error (POST /_sim/feeds/next?outcome=FATAL)."));
        return;
    }
    const auto doc = documents_.find(f.input_document);
    bool fatal = false;
    const std::string_view input = doc == documents_.end() ? std::string_view{} : doc->second.stored.data;
    std::string report = f.type == k_fulfillment_feed_type ? process_fulfillments(input, store_, f.id, fatal)
                                                           : process_acknowledgements(input, store_, f.id, fatal);
    f.status = fatal ? "FATAL" : "DONE";
    f.result_document = add_result(std::move(report));
}

void Feeds::tick() {
    std::lock_guard lock(mutex_);
    const auto now = Clock::now();
    for (auto& [id, f] : feeds_) {
        if (f.status == "IN_QUEUE" && now >= f.start_at) {
            if (f.outcome == "CANCELLED") {
                f.status = "CANCELLED";
                f.ended = now_millis();
                continue;
            }
            f.status = "IN_PROGRESS";
            f.started = now_millis();
        }
        if (f.status == "IN_PROGRESS" && now >= f.end_at) {
            finish(f);
        }
    }
}

} // namespace sim
