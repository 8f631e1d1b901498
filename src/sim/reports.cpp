#include "reports.hpp"

#include <array>
#include <fmt/format.h>

namespace sim {

namespace {

// The columns of GET_FLAT_FILE_ALL_ORDERS_DATA_BY_LAST_UPDATE_GENERAL, in Amazon's order
// ("Order Tracking reports attributes",
// https://developer-docs.amazon.com/sp-api/docs/order-tracking-reports-attributes).
constexpr std::array<std::string_view, 31> k_columns{
    "amazon-order-id",  "merchant-order-id",  "purchase-date",          "last-updated-date",
    "order-status",     "fulfillment-channel", "sales-channel",         "order-channel",
    "ship-service-level", "product-name",     "sku",                    "asin",
    "item-status",      "quantity",           "currency",               "item-price",
    "item-tax",         "shipping-price",     "shipping-tax",           "gift-wrap-price",
    "gift-wrap-tax",    "item-promotion-discount", "ship-promotion-discount", "ship-city",
    "ship-state",       "ship-postal-code",   "ship-country",           "promotion-ids",
    "is-business-order", "purchase-order-number", "price-designation"};

// Flat files carry dates as ISO 8601 with a numeric offset ("2024-01-15T10:20:30+00:00").
std::string report_time(const std::string& iso) {
    return iso.ends_with('Z') ? iso.substr(0, iso.size() - 1) + "+00:00" : iso;
}

// Tabs and line breaks would break the row: Amazon replaces them in flat files.
std::string cell(std::string text) {
    for (char& c : text) {
        if (c == '\t' || c == '\n' || c == '\r') {
            c = ' ';
        }
    }
    return text;
}

std::string str(const Json& j, const char* key) {
    const auto it = j.find(key);
    return it != j.end() && it->is_string() ? it->get<std::string>() : std::string{};
}

// The report's spelling of the order status. Amazon-fulfilled orders still being fulfilled show
// as "Shipping"; cancelled orders use the British "Cancelled".
std::string order_status(const std::string& code, bool merchant) {
    if (code == "PENDING_AVAILABILITY") {
        return "PendingAvailability";
    }
    if (code == "PENDING") {
        return "Pending";
    }
    if (code == "UNSHIPPED") {
        return merchant ? "Unshipped" : "Shipping";
    }
    if (code == "PARTIALLY_SHIPPED") {
        return "PartiallyShipped";
    }
    if (code == "SHIPPED") {
        return "Shipped";
    }
    if (code == "CANCELLED") {
        return "Cancelled";
    }
    return "Unfulfillable";
}

// "SECOND_DAY" -> "SecondDay", as Seller Central and the flat files spell service levels.
std::string service_level(const std::string& code) {
    std::string out;
    bool upper = true;
    for (const char c : code) {
        if (c == '_') {
            upper = true;
            continue;
        }
        out += upper ? c : static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
        upper = false;
    }
    return out;
}

struct ItemMoney {
    std::string item, tax, shipping, discount;
};

ItemMoney item_money(const Json& item, const std::string& zero) {
    ItemMoney m;
    const auto proceeds = item.find("proceeds");
    if (proceeds == item.end()) {
        return m; // Pending: Amazon has no prices yet
    }
    m.tax = m.shipping = m.discount = zero;
    for (const auto& b : proceeds->value("breakdowns", Json::array())) {
        const std::string type = str(b, "type");
        const std::string amount = b.contains("subtotal") ? str(b["subtotal"], "amount") : std::string{};
        if (type == "ITEM") {
            m.item = amount;
        } else if (type == "TAX") {
            m.tax = amount;
        } else if (type == "SHIPPING") {
            m.shipping = amount;
        } else if (type == "DISCOUNT") {
            m.discount = amount;
        }
    }
    return m;
}

void append_rows(std::string& out, const Json& o) {
    const Json& channel = o.value("salesChannel", Json::object());
    const Json& fulfillment = o.value("fulfillment", Json::object());
    const bool merchant = str(fulfillment, "fulfilledBy") != "AMAZON";
    const std::string status_code = str(fulfillment, "fulfillmentStatus");
    std::string seller_order_id;
    for (const auto& a : o.value("orderAliases", Json::array())) {
        if (str(a, "aliasType") == "SELLER_ORDER_ID") {
            seller_order_id = str(a, "aliasId");
        }
    }
    bool business = false;
    for (const auto& p : o.value("programs", Json::array())) {
        business = business || p == "AMAZON_BUSINESS";
    }
    Json address = Json::object();
    if (o.contains("recipient") && o["recipient"].contains("deliveryAddress")) {
        address = o["recipient"]["deliveryAddress"];
    }
    const Json& buyer = o.value("buyer", Json::object());
    std::string currency;
    for (const auto& item : o.value("orderItems", Json::array())) {
        if (item.contains("product") && item["product"].contains("price")) {
            currency = str(item["product"]["price"]["unitPrice"], "currencyCode");
        }
    }
    const std::string zero = decimal(0, currency_digits(currency));
    for (const auto& item : o.value("orderItems", Json::array())) {
        const Json& product = item.value("product", Json::object());
        const int quantity = item.value("quantityOrdered", 0);
        const int fulfilled =
            item.contains("fulfillment") ? item["fulfillment"].value("quantityFulfilled", 0) : 0;
        const std::string item_status = status_code == "CANCELLED"               ? "Cancelled"
                                        : fulfilled >= quantity && quantity > 0 ? "Shipped"
                                                                                 : "Unshipped";
        const ItemMoney m = item_money(item, zero);
        const std::string shipping_tax = m.item.empty() ? std::string{} : zero;
        const std::array<std::string, k_columns.size()> row{
            str(o, "orderId"),
            seller_order_id.empty() ? str(o, "orderId") : seller_order_id,
            report_time(str(o, "createdTime")),
            report_time(str(o, "lastUpdatedTime")),
            order_status(status_code, merchant),
            merchant ? "Merchant" : "Amazon",
            str(channel, "marketplaceName"),
            "",
            service_level(str(fulfillment, "fulfillmentServiceLevel")),
            cell(str(product, "title")),
            str(product, "sellerSku"),
            str(product, "asin"),
            item_status,
            std::to_string(quantity),
            currency,
            m.item,
            m.tax,
            m.shipping,
            shipping_tax,
            shipping_tax, // gift-wrap-price
            shipping_tax, // gift-wrap-tax
            m.discount,
            shipping_tax, // ship-promotion-discount
            cell(str(address, "city")),
            cell(str(address, "stateOrRegion")),
            cell(str(address, "postalCode")),
            str(address, "countryCode"),
            "",
            business ? "true" : "false",
            cell(str(buyer, "buyerPurchaseOrderNumber")),
            business ? "BusinessPrice" : ""};
        for (std::size_t i = 0; i < row.size(); ++i) {
            out += row[i];
            out += i + 1 < row.size() ? '\t' : '\n';
        }
    }
}

std::string presign(const std::string& signature) {
    std::string day = iso8601(now_millis()).substr(0, 10);
    std::erase(day, '-');
    return "?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=ASIASIMULATOR%2F" + day +
           "%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Expires=300&X-Amz-SignedHeaders=host&X-Amz-Signature=" +
           signature;
}

} // namespace

std::string report_signature(const std::string& document_id) {
    const std::uint64_t h = fnv1a(document_id) ^ 0x4e90ull;
    return fmt::format("{:016x}{:016x}{:016x}{:016x}", mix64(h), mix64(h + 1), mix64(h + 2), mix64(h + 3));
}

std::string build_order_report(const Store& store, Millis start, Millis end,
                               const std::vector<std::string>& marketplaces) {
    OrderQuery q;
    q.by_updated = true;
    q.after = start;
    q.before = end;
    q.marketplaces = marketplaces;
    const auto ids = store.ids(q);
    if (ids.empty()) {
        return {};
    }
    std::string out;
    for (std::size_t i = 0; i < k_columns.size(); ++i) {
        out += k_columns[i];
        out += i + 1 < k_columns.size() ? '\t' : '\n';
    }
    for (const auto& id : ids) {
        if (const auto order = store.get(id, k_all_included)) {
            append_rows(out, *order);
        }
    }
    return out;
}

Reports::Reports(Store& store, double build_seconds, std::size_t gzip_above)
    : store_(store), build_seconds_(build_seconds), gzip_above_(gzip_above) {}

std::variant<std::string, ReportError> Reports::create(const std::string& type,
                                                       const std::vector<std::string>& marketplaces,
                                                       std::optional<Millis> start, std::optional<Millis> end) {
    if (type != k_order_report_type) {
        return ReportError{400, "InvalidInput",
                           fmt::format("Report type {} is not supported by asc-sim (only {}).", type,
                                       k_order_report_type)};
    }
    if (marketplaces.empty() || marketplaces.size() > 25) {
        // CreateReportSpecification.marketplaceIds: minItems 1, maxItems 25.
        return ReportError{400, "InvalidInput", "marketplaceIds must list 1 to 25 marketplaces."};
    }
    const Millis now = now_millis();
    // dataStartTime / dataEndTime default to now and "must be prior to or equal to the current
    // date and time" (CreateReportSpecification in the model).
    const Millis s = start.value_or(now);
    const Millis e = end.value_or(now);
    if (s > now || e > now) {
        return ReportError{400, "InvalidInput", "dataStartTime and dataEndTime must not be in the future."};
    }
    if (s > e) {
        return ReportError{400, "InvalidInput", "dataStartTime must be before dataEndTime."};
    }
    std::lock_guard lock(mutex_);
    Report r;
    r.id = std::to_string(next_number_++);
    r.type = type;
    r.marketplaces = marketplaces;
    r.start = s;
    r.end = e;
    r.created = now;
    r.outcome = std::exchange(next_outcome_, std::string{});
    const auto half = std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(build_seconds_ / 2));
    r.start_at = Clock::now() + half;
    r.end_at = r.start_at + half;
    const std::string id = r.id;
    reports_[id] = std::move(r);
    return id;
}

Json Reports::describe(const Report& r) {
    Json j{{"reportId", r.id},
           {"reportType", r.type},
           {"dataStartTime", iso8601(r.start)},
           {"dataEndTime", iso8601(r.end)},
           {"marketplaceIds", r.marketplaces},
           {"createdTime", iso8601(r.created)},
           {"processingStatus", r.status}};
    if (r.started != 0) {
        j["processingStartTime"] = iso8601(r.started);
    }
    if (r.ended != 0) {
        j["processingEndTime"] = iso8601(r.ended);
    }
    if (!r.document.empty()) {
        j["reportDocumentId"] = r.document;
    }
    return j;
}

std::optional<Json> Reports::report(const std::string& id) const {
    std::lock_guard lock(mutex_);
    const auto it = reports_.find(id);
    if (it == reports_.end()) {
        return std::nullopt;
    }
    return describe(it->second);
}

std::optional<Json> Reports::document_info(const std::string& id, const std::string& base_url) const {
    std::lock_guard lock(mutex_);
    const auto it = documents_.find(id);
    if (it == documents_.end()) {
        return std::nullopt;
    }
    Json j{{"reportDocumentId", id}, {"url", base_url + "/_reports/" + id + presign(report_signature(id))}};
    if (it->second.gzip) {
        j["compressionAlgorithm"] = "GZIP";
    }
    return j;
}

std::optional<ReportDocumentBytes> Reports::download(const std::string& id) const {
    std::lock_guard lock(mutex_);
    const auto it = documents_.find(id);
    if (it == documents_.end()) {
        return std::nullopt;
    }
    return it->second;
}

void Reports::set_next_outcome(std::string outcome) {
    std::lock_guard lock(mutex_);
    next_outcome_ = std::move(outcome);
}

void Reports::set_build_seconds(double seconds) {
    std::lock_guard lock(mutex_);
    build_seconds_ = seconds;
}

void Reports::set_gzip_above(std::size_t bytes) {
    std::lock_guard lock(mutex_);
    gzip_above_ = bytes;
}

void Reports::tick() {
    struct Job {
        std::string id;
        Millis start, end;
        std::vector<std::string> marketplaces;
    };
    std::vector<Job> jobs;
    std::size_t gzip_above = 0;
    {
        std::lock_guard lock(mutex_);
        const auto now = Clock::now();
        gzip_above = gzip_above_;
        for (auto& [id, r] : reports_) {
            if (r.status == "IN_QUEUE" && now >= r.start_at) {
                r.status = "IN_PROGRESS";
                r.started = now_millis();
            }
            if (r.status == "IN_PROGRESS" && now >= r.end_at && !r.building) {
                if (!r.outcome.empty()) {
                    r.status = r.outcome;
                    r.ended = now_millis();
                    continue;
                }
                r.building = true;
                jobs.push_back({id, r.start, r.end, r.marketplaces});
            }
        }
    }
    // Building reads the order store: never under our lock.
    for (const auto& job : jobs) {
        std::string text = build_order_report(store_, job.start, job.end, job.marketplaces);
        ReportDocumentBytes bytes;
        if (!text.empty()) {
            bytes.gzip = text.size() > gzip_above;
            bytes.data = std::make_shared<const std::string>(bytes.gzip ? gzip(text) : std::move(text));
        }
        std::lock_guard lock(mutex_);
        Report& r = reports_.at(job.id);
        r.building = false;
        r.ended = now_millis();
        if (!bytes.data) {
            // "The reports are canceled if no eligible data is found."
            // (https://developer-docs.amazon.com/sp-api/docs/report-type-values-order)
            r.status = "CANCELLED";
            continue;
        }
        r.document = "amzn1.spdoc.1.4.na." + random_uuid();
        documents_[r.document] = std::move(bytes);
        r.status = "DONE";
    }
}

} // namespace sim
