#pragma once
// A small in-memory Amazon for the cancel service's unit tests: LWA, getOrder, searchOrders, and
// the Feeds API with presigned documents, answering through FakeTransport handlers. Feeds finish
// after a number of getFeed polls; an order-acknowledgement feed cancels Unshipped merchant orders
// of which nothing shipped and reports an error for every other message. Synthetic data only.

#include "asc/base/time.hpp"
#include "asc/http/http.hpp"
#include "fake_clock.hpp"
#include "fake_transport.hpp"

#include <fmt/format.h>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <pugixml.hpp>
#include <sstream>
#include <string>
#include <vector>
#include <zlib.h>

namespace asc_test {

inline constexpr const char* k_fake_endpoint = "https://sellingpartnerapi-na.amazon.com";
inline constexpr const char* k_fake_lwa = "https://api.amazon.com/auth/o2/token";
inline constexpr const char* k_fake_s3 = "https://tortuga-prod-na.s3-external-1.amazonaws.com/";

inline std::string gzip_bytes(std::string_view data) {
    z_stream s{};
    deflateInit2(&s, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
    std::string out(deflateBound(&s, static_cast<uLong>(data.size())), '\0');
    s.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data())); // NOLINT
    s.avail_in = static_cast<uInt>(data.size());
    s.next_out = reinterpret_cast<Bytef*>(out.data()); // NOLINT
    s.avail_out = static_cast<uInt>(out.size());
    deflate(&s, Z_FINISH);
    out.resize(s.total_out);
    deflateEnd(&s);
    return out;
}

struct FakeApiOrder {
    std::string id;
    std::string status = "UNSHIPPED"; // v2026 fulfillmentStatus
    std::string by = "MERCHANT";
    int items = 2;
    int shipped = 0; // units shipped of the first item
    bool buyer_cancel_request = false;
    std::string marketplace = "ATVPDKIKX0DER";
    int cancellations = 0; // how many times a feed canceled it
    std::string cancel_reason{};
    std::vector<std::string> tracking{}; // its packages' tracking numbers (reference ids 1, 2, ...)
};

class FakeSellerApi {
  public:
    using json = nlohmann::json;

    struct Feed {
        std::string id;
        std::string status = "IN_QUEUE";
        std::string document;
        std::string created;
        std::vector<std::string> marketplaces;
        std::string result;
        int polls_left = 1;
        std::string outcome;       // FATAL / CANCELLED
        int foreign_messages = -1; // >= 0: another client's feed (add_foreign_feed)
        std::string type = "POST_ORDER_ACKNOWLEDGEMENT_DATA";
    };

    explicit FakeSellerApi(FakeClock& clock) : m_clock(clock) {}

    std::map<std::string, FakeApiOrder> orders;
    std::map<std::string, int> calls;        // per operation
    std::map<std::string, std::string> docs; // uploaded inputs and results
    std::map<std::string, std::string> doc_types;
    std::vector<Feed> feeds;
    int polls_before_done = 1; // getFeed answers IN_PROGRESS this many times first
    std::string next_outcome;  // FATAL or CANCELLED for the next createFeed
    bool gzip = true;
    // Called before each SP-API operation; a response returned is sent instead.
    std::function<std::optional<asc::HttpResponse>(const std::string& operation)> fault;
    // Called after createFeed created a feed, with its id; a response returned replaces the 202.
    std::function<std::optional<asc::HttpResponse>(const std::string& feed_id)> after_create_feed;

    void add(FakeApiOrder o) {
        std::string id = o.id;
        orders[id] = std::move(o);
    }

    static std::string item_id(const std::string& order_id, int n) {
        std::string digits;
        for (char c : order_id) {
            if (c >= '0' && c <= '9') {
                digits += c;
            }
        }
        return digits.substr(0, 12) + fmt::format("{:02}", n);
    }

    json order_json(const FakeApiOrder& o) const {
        json items = json::array();
        for (int i = 0; i < o.items; ++i) {
            const int shipped = i == 0 ? o.shipped : 0;
            json item{
                {"orderItemId", item_id(o.id, i + 1)},
                {"quantityOrdered", 1},
                {"product",
                 {{"asin", "B000TEST01"}, {"sellerSku", fmt::format("SKU-{}", i)}, {"title", "Widget"}}},
                {"fulfillment", {{"quantityFulfilled", shipped}, {"quantityUnfulfilled", 1 - shipped}}}};
            if (o.buyer_cancel_request && i == 0) {
                item["cancellation"] = {
                    {"cancellationRequest", {{"requester", "BUYER"}, {"cancelReason", "Changed mind"}}}};
            }
            if (o.status == "CANCELLED") {
                item["cancellation"] = {{"cancellationExecution",
                                         {{"cancelledBy", "MERCHANT"}, {"cancelReason", o.cancel_reason}}}};
            }
            items.push_back(item);
        }
        json out{{"orderId", o.id},
                 {"createdTime", "2026-10-30T10:00:00Z"},
                 {"lastUpdatedTime", "2026-10-31T10:00:00Z"},
                 {"salesChannel",
                  {{"channelName", "AMAZON"}, {"marketplaceId", o.marketplace}, {"marketplaceName", "Amazon.com"}}},
                 {"fulfillment", {{"fulfillmentStatus", o.status}, {"fulfilledBy", o.by}}},
                 {"orderItems", items}};
        if (!o.tracking.empty()) {
            json packages = json::array();
            for (std::size_t i = 0; i < o.tracking.size(); ++i) {
                packages.push_back({{"packageReferenceId", std::to_string(i + 1)}, {"trackingNumber", o.tracking[i]}});
            }
            out["packages"] = packages;
        }
        return out;
    }

    // The SP-API side (install as FakeTransport::handler).
    asc::HttpResponse sp(const asc::HttpRequest& r) {
        if (r.url == k_fake_lwa) {
            return respond(200, R"({"access_token":"Atza|fake","token_type":"bearer","expires_in":3600})");
        }
        const std::string rest = r.url.substr(std::string(k_fake_endpoint).size());
        const std::string path = rest.substr(0, rest.find('?'));
        const std::string query = rest.find('?') == std::string::npos ? "" : rest.substr(rest.find('?') + 1);
        const std::string op = operation(r.method, path);
        ++calls[op];
        if (fault) {
            if (auto response = fault(op)) {
                return *response;
            }
        }
        if (op == "getOrder") {
            const auto it = orders.find(path.substr(path.rfind('/') + 1));
            if (it == orders.end()) {
                return respond(404, R"({"errors":[{"code":"NotFound","message":"Order not found"}]})");
            }
            return respond(200, json{{"order", order_json(it->second)}}.dump());
        }
        if (op == "searchOrders") {
            json list = json::array();
            for (const auto& [id, o] : orders) {
                list.push_back(order_json(o));
            }
            return respond(200, json{{"orders", list}}.dump());
        }
        if (op == "createFeedDocument") {
            const std::string id = fmt::format("amzn1.tortuga.doc{}", docs.size() + 1);
            docs[id] = "";
            doc_types[id] = json::parse(r.body).at("contentType").get<std::string>();
            return respond(
                201, json{{"feedDocumentId", id}, {"url", std::string(k_fake_s3) + id + "?X-Amz-Signature=s"}}
                         .dump());
        }
        if (op == "createFeed") {
            const json body = json::parse(r.body);
            Feed f;
            f.id = std::to_string(50'000 + feeds.size() + 1);
            f.document = body.at("inputFeedDocumentId").get<std::string>();
            f.marketplaces = body.at("marketplaceIds").get<std::vector<std::string>>();
            f.created = now_text();
            f.polls_left = polls_before_done;
            f.outcome = std::exchange(next_outcome, std::string());
            f.type = body.at("feedType").get<std::string>();
            if (docs.count(f.document) == 0 || docs[f.document].empty()) {
                return respond(400,
                               R"({"errors":[{"code":"InvalidInput","message":"document not uploaded"}]})");
            }
            feeds.push_back(f);
            if (after_create_feed) {
                if (auto response = after_create_feed(f.id)) {
                    return *response;
                }
            }
            return respond(202, json{{"feedId", f.id}}.dump());
        }
        if (op == "getFeeds") {
            std::string since;
            const auto at = query.find("createdSince=");
            if (at != std::string::npos) {
                since = query.substr(at + 13, query.find('&', at) - at - 13);
                std::string decoded;
                for (std::size_t i = 0; i < since.size(); ++i) {
                    if (since[i] == '%' && i + 2 < since.size()) {
                        decoded += static_cast<char>(std::stoi(since.substr(i + 1, 2), nullptr, 16));
                        i += 2;
                    } else {
                        decoded += since[i];
                    }
                }
                since = decoded;
            }
            json list = json::array();
            for (const Feed& f : feeds) {
                if (since.empty() || f.created >= since) {
                    list.push_back(feed_json(f));
                }
            }
            return respond(200, json{{"feeds", list}}.dump());
        }
        if (op == "getFeed") {
            Feed* f = find_feed(path.substr(path.rfind('/') + 1));
            if (f == nullptr) {
                return respond(404, R"({"errors":[{"code":"NotFound","message":"no such feed"}]})");
            }
            advance(*f);
            return respond(200, feed_json(*f).dump());
        }
        if (op == "confirmShipment") {
            constexpr std::size_t k_prefix = std::string_view("/orders/v0/orders/").size();
            const std::string id = path.substr(k_prefix, path.find('/', k_prefix) - k_prefix);
            const json detail = json::parse(r.body).at("packageDetail");
            if (auto refused = ship(id, detail.at("trackingNumber").get<std::string>())) {
                return respond(400, json{{"errors", {{{"code", "InvalidInput"}, {"message", refused->description}}}}}.dump());
            }
            return respond(204);
        }
        if (op == "getFeedDocument") {
            const std::string id = path.substr(path.rfind('/') + 1);
            json j{{"feedDocumentId", id}, {"url", std::string(k_fake_s3) + id + "?X-Amz-Signature=d"}};
            if (gzip) {
                j["compressionAlgorithm"] = "GZIP";
            }
            return respond(200, j.dump());
        }
        return respond(404, R"({"errors":[{"code":"NotFound","message":"unknown path"}]})");
    }

    // The presigned S3 side (install as the raw FakeTransport::handler).
    asc::HttpResponse s3(const asc::HttpRequest& r) {
        const std::string rest = r.url.substr(std::string(k_fake_s3).size());
        const std::string id = rest.substr(0, rest.find('?'));
        ++calls[r.method == "PUT" ? "upload" : "download"];
        if (r.method == "PUT") {
            if (r.headers.size() != 1 || FakeTransport::header(r, "Content-Type") != doc_types[id]) {
                return respond(403, "<Error><Code>SignatureDoesNotMatch</Code></Error>");
            }
            docs[id] = r.body;
            return respond(200);
        }
        return respond(200, docs.at(id));
    }

    // Adds a feed that someone else sent (another client of the same seller), with `messages`
    // messages for other orders: DONE at once, or after `polls` getFeed calls. Returns its id.
    std::string add_foreign_feed(int messages, int polls = 0) {
        Feed f;
        f.id = std::to_string(50'000 + feeds.size() + 1);
        f.created = now_text();
        f.marketplaces = {"ATVPDKIKX0DER"};
        f.foreign_messages = messages;
        f.polls_left = polls;
        if (polls == 0) {
            f.status = "DONE";
            f.result = store_result(report(f.id, messages, {}));
        }
        feeds.push_back(f);
        return f.id;
    }

    std::string last_feed_xml() const {
        return feeds.empty() ? std::string() : docs.at(feeds.back().document);
    }

  private:
    struct Result {
        std::string message_id;
        int code;
        std::string description;
        std::string order_id;
    };

    static std::string operation(const std::string& method, const std::string& path) {
        if (path.starts_with("/orders/v0/orders/") && path.ends_with("/shipmentConfirmation")) {
            return "confirmShipment";
        }
        if (path.starts_with("/orders/2026-01-01/orders/")) {
            return "getOrder";
        }
        if (path == "/orders/2026-01-01/orders") {
            return "searchOrders";
        }
        if (path == "/feeds/2021-06-30/documents") {
            return "createFeedDocument";
        }
        if (path.starts_with("/feeds/2021-06-30/documents/")) {
            return "getFeedDocument";
        }
        if (path == "/feeds/2021-06-30/feeds") {
            return method == "POST" ? "createFeed" : "getFeeds";
        }
        if (path.starts_with("/feeds/2021-06-30/feeds/")) {
            return "getFeed";
        }
        return "unknown";
    }

    std::string now_text() const {
        return asc::format_rfc3339(std::chrono::floor<std::chrono::seconds>(m_clock.wall_now()));
    }

    Feed* find_feed(const std::string& id) {
        for (Feed& f : feeds) {
            if (f.id == id) {
                return &f;
            }
        }
        return nullptr;
    }

    json feed_json(const Feed& f) const {
        json j{{"feedId", f.id},
               {"feedType", f.type},
               {"marketplaceIds", f.marketplaces},
               {"createdTime", f.created},
               {"processingStatus", f.status}};
        if (!f.result.empty()) {
            j["resultFeedDocumentId"] = f.result;
        }
        return j;
    }

    std::string store_result(const std::string& xml) {
        const std::string id = fmt::format("amzn1.tortuga.result{}", docs.size() + 1);
        docs[id] = gzip ? gzip_bytes(xml) : xml;
        return id;
    }

    void advance(Feed& f) {
        if (f.status == "DONE" || f.status == "FATAL" || f.status == "CANCELLED") {
            return;
        }
        if (f.polls_left-- > 0) {
            f.status = "IN_PROGRESS";
            return;
        }
        if (f.outcome == "CANCELLED") {
            f.status = "CANCELLED";
            return;
        }
        if (f.outcome == "FATAL") {
            f.status = "FATAL";
            f.result = store_result(report(f.id, 0, {{"0", 5001, "Simulated fatal error", ""}}));
            return;
        }
        f.status = "DONE";
        f.result = store_result(f.foreign_messages >= 0 ? report(f.id, f.foreign_messages, {})
                                                        : process(docs.at(f.document), f.id));
    }

    std::string process(const std::string& xml, const std::string& feed_id) {
        pugi::xml_document doc;
        doc.load_buffer(xml.data(), xml.size());
        int processed = 0;
        std::vector<Result> results;
        for (const auto& m : doc.child("AmazonEnvelope").children("Message")) {
            ++processed;
            const std::string mid = m.child_value("MessageID");
            if (const auto fulfillment = m.child("OrderFulfillment")) {
                const std::string id = fulfillment.child_value("AmazonOrderID");
                if (auto refused = ship(id, fulfillment.child("FulfillmentData").child_value("ShipperTrackingNumber"))) {
                    refused->message_id = mid;
                    results.push_back(*refused);
                }
                continue;
            }
            const auto ack = m.child("OrderAcknowledgement");
            const std::string id = ack.child_value("AmazonOrderID");
            const auto it = orders.find(id);
            if (it == orders.end()) {
                results.push_back({mid, 18028, "The order ID was not found for this seller.", id});
                continue;
            }
            FakeApiOrder& o = it->second;
            if (o.status == "CANCELLED") {
                results.push_back({mid, 28, "The order is already canceled.", id});
            } else if (o.by != "MERCHANT") {
                results.push_back({mid, 27, "The order is fulfilled by Amazon.", id});
            } else if (o.status == "SHIPPED") {
                results.push_back({mid, 25, "The order has already shipped and cannot be canceled.", id});
            } else if (o.status != "UNSHIPPED" || o.shipped > 0) {
                results.push_back({mid, 26, "The order cannot be canceled in its state.", id});
            } else {
                o.status = "CANCELLED";
                o.cancel_reason = ack.child("Item").child_value("CancelReason");
                ++o.cancellations;
            }
        }
        return report(feed_id, processed, results);
    }

    // Confirms a package of order `id` (every unit): nullopt, or why Amazon refuses it.
    std::optional<Result> ship(const std::string& id, const std::string& tracking) {
        const auto it = orders.find(id);
        if (it == orders.end()) {
            return Result{"", 18028, "The order ID was not found for this seller.", id};
        }
        FakeApiOrder& o = it->second;
        if (o.by != "MERCHANT" || (o.status != "UNSHIPPED" && o.status != "PARTIALLY_SHIPPED")) {
            return Result{"", 25, "The order cannot be shipped in its state.", id};
        }
        o.status = "SHIPPED";
        o.tracking.push_back(tracking);
        return std::nullopt;
    }

    static std::string report(const std::string& feed_id, int processed, const std::vector<Result>& results) {
        std::string xml =
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?><AmazonEnvelope><Header><DocumentVersion>1.02"
            "</DocumentVersion><MerchantIdentifier>A1SELLER</MerchantIdentifier></Header>"
            "<MessageType>ProcessingReport</MessageType><Message><MessageID>1</MessageID>"
            "<ProcessingReport><DocumentTransactionID>" +
            feed_id + "</DocumentTransactionID><StatusCode>Complete</StatusCode>";
        const int errors = static_cast<int>(results.size());
        xml +=
            fmt::format("<ProcessingSummary><MessagesProcessed>{}</MessagesProcessed><MessagesSuccessful>{}"
                        "</MessagesSuccessful><MessagesWithError>{}</MessagesWithError><MessagesWithWarning>0"
                        "</MessagesWithWarning></ProcessingSummary>",
                        processed, std::max(0, processed - errors), errors);
        for (const Result& r : results) {
            xml += fmt::format(
                "<Result><MessageID>{}</MessageID><ResultCode>Error</ResultCode><ResultMessageCode>{}"
                "</ResultMessageCode><ResultDescription>{}</ResultDescription>",
                r.message_id, r.code, r.description);
            if (!r.order_id.empty()) {
                xml += "<AdditionalInfo><AmazonOrderID>" + r.order_id + "</AmazonOrderID></AdditionalInfo>";
            }
            xml += "</Result>";
        }
        return xml + "</ProcessingReport></Message></AmazonEnvelope>";
    }

    FakeClock& m_clock;
};

} // namespace asc_test
