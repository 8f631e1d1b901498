// Confirming shipments to Amazon: confirmShipment and the POST_ORDER_FULFILLMENT_DATA feed
// (contracts in include/asc/amazon/ship_confirm.hpp).

#include "asc/amazon/ship_confirm.hpp"

#include "asc/base/errors.hpp"
#include "asc/base/time.hpp"
#include "asc/http/http.hpp"

#include <array>
#include <nlohmann/json.hpp>
#include <pugixml.hpp>
#include <stdexcept>

namespace asc {

namespace {

// The CarrierCode enumeration of amzn-base.xsd (release_4_1, revision C_1), in its order.
constexpr std::array<std::string_view, 51> k_carriers{
    "USPS", "UPS", "UPSMI", "FedEx", "DHL", "Fastway", "GLS", "GO!", "Hermes Logistik Gruppe", "Royal Mail",
    "Parcelforce", "City Link", "TNT", "Target", "SagawaExpress", "NipponExpress", "YamatoTransport",
    "DHL Global Mail", "UPS Mail Innovations", "FedEx SmartPost", "OSM", "OnTrac", "Streamlite", "Newgistics",
    "Canada Post", "Blue Package", "Chronopost", "Deutsche Post", "DPD", "La Poste", "Parcelnet",
    "Poste Italiane", "SDA", "Smartmail", "FEDEX_JP", "JP_EXPRESS", "NITTSU", "SAGAWA", "YAMATO", "BlueDart",
    "AFL/Fedex", "Aramex", "India Post", "Professional", "DTDC", "Overnite Express", "First Flight",
    "Delhivery", "Lasership", "Yodel", "Other"};

class StringWriter : public pugi::xml_writer {
  public:
    explicit StringWriter(std::string& out) : m_out(out) {}
    void write(const void* data, size_t size) override { m_out.append(static_cast<const char*>(data), size); }

  private:
    std::string& m_out;
};

void add_text(pugi::xml_node parent, const char* name, std::string_view text) {
    parent.append_child(name).text().set(std::string(text).c_str());
}

void add_message(pugi::xml_node envelope, const PackageConfirmation& p, std::uint64_t message_id) {
    pugi::xml_node message = envelope.append_child("Message");
    add_text(message, "MessageID", std::to_string(message_id));
    pugi::xml_node f = message.append_child("OrderFulfillment");
    add_text(f, "AmazonOrderID", p.order_id);
    add_text(f, "FulfillmentDate", format_rfc3339(p.ship_date));
    pugi::xml_node data = f.append_child("FulfillmentData");
    if (p.carrier_code == "Other") {
        add_text(data, "CarrierName", p.carrier_name);
    } else {
        add_text(data, "CarrierCode", p.carrier_code);
    }
    if (!p.shipping_method.empty()) {
        add_text(data, "ShippingMethod", p.shipping_method);
    }
    add_text(data, "ShipperTrackingNumber", p.tracking_number);
    for (const PackageItem& item : p.items) {
        pugi::xml_node i = f.append_child("Item");
        add_text(i, "AmazonOrderItemCode", item.order_item_id);
        add_text(i, "Quantity", std::to_string(item.quantity));
    }
}

} // namespace

std::span<const std::string_view> amazon_carrier_codes() {
    return k_carriers;
}

std::string confirm_shipment_body(const PackageConfirmation& package) {
    nlohmann::ordered_json detail;
    detail["packageReferenceId"] = package.package_reference_id;
    detail["carrierCode"] = package.carrier_code;
    if (!package.carrier_name.empty()) {
        detail["carrierName"] = package.carrier_name;
    }
    if (!package.shipping_method.empty()) {
        detail["shippingMethod"] = package.shipping_method;
    }
    detail["trackingNumber"] = package.tracking_number;
    detail["shipDate"] = format_rfc3339(package.ship_date);
    auto items = nlohmann::ordered_json::array();
    for (const PackageItem& item : package.items) {
        items.push_back({{"orderItemId", item.order_item_id}, {"quantity", item.quantity}});
    }
    detail["orderItems"] = std::move(items);
    nlohmann::ordered_json body;
    body["marketplaceId"] = package.marketplace_id;
    body["packageDetail"] = std::move(detail);
    return body.dump();
}

void confirm_shipment(SpApiClient& api, const PackageConfirmation& package, std::function<void()> before_send) {
    ApiCall call;
    call.operation = "confirmShipment";
    call.method = "POST";
    call.path = "/orders/v0/orders/" + url_encode(package.order_id) + "/shipmentConfirmation";
    call.body = confirm_shipment_body(package);
    call.idempotent = false;
    call.before_send = std::move(before_send);
    api.call(call);
}

namespace {

constexpr std::string_view k_envelope_end = "</AmazonEnvelope>";

// The document's start: declaration, envelope, header and message type, as pugixml writes them.
std::string fulfillment_feed_start(std::string_view merchant_id) {
    pugi::xml_document doc;
    pugi::xml_node decl = doc.append_child(pugi::node_declaration);
    decl.append_attribute("version") = "1.0";
    decl.append_attribute("encoding") = "UTF-8";
    pugi::xml_node envelope = doc.append_child("AmazonEnvelope");
    envelope.append_attribute("xmlns:xsi") = "http://www.w3.org/2001/XMLSchema-instance";
    envelope.append_attribute("xsi:noNamespaceSchemaLocation") = "amzn-envelope.xsd";
    pugi::xml_node header = envelope.append_child("Header");
    add_text(header, "DocumentVersion", "1.01");
    add_text(header, "MerchantIdentifier", merchant_id);
    add_text(envelope, "MessageType", "OrderFulfillment");
    std::string out;
    StringWriter writer(out);
    doc.save(writer, "", pugi::format_raw, pugi::encoding_utf8);
    // Raw format: the envelope's end is the last thing written; messages go before it.
    out.resize(out.size() - k_envelope_end.size());
    return out;
}

} // namespace

FulfillmentFeedWriter::FulfillmentFeedWriter(std::string_view merchant_id, Out out) : m_out(std::move(out)) {
    m_out(fulfillment_feed_start(merchant_id));
}

void FulfillmentFeedWriter::add(const PackageConfirmation& package, std::uint64_t message_id) {
    if (package.items.empty() || package.order_id.empty() || message_id == 0) {
        throw std::invalid_argument("build_fulfillment_feed: a package without order, items or message id");
    }
    // One message in a scratch envelope, written raw: the same bytes as in the whole document.
    pugi::xml_document doc;
    pugi::xml_node envelope = doc.append_child("AmazonEnvelope");
    add_message(envelope, package, message_id);
    std::string out;
    StringWriter writer(out);
    envelope.first_child().print(writer, "", pugi::format_raw, pugi::encoding_utf8);
    m_out(out);
    ++m_messages;
}

void FulfillmentFeedWriter::finish() {
    if (m_messages == 0) {
        throw std::invalid_argument("build_fulfillment_feed: no packages, or not one message id per package");
    }
    m_out(k_envelope_end);
}

std::string build_fulfillment_feed(std::string_view merchant_id, std::span<const PackageConfirmation> packages,
                                   std::span<const std::uint64_t> message_ids) {
    if (packages.empty() || packages.size() != message_ids.size()) {
        throw std::invalid_argument("build_fulfillment_feed: no packages, or not one message id per package");
    }
    std::string out;
    FulfillmentFeedWriter writer(merchant_id, [&out](std::string_view bytes) { out += bytes; });
    for (std::size_t i = 0; i < packages.size(); ++i) {
        writer.add(packages[i], message_ids[i]);
    }
    writer.finish();
    return out;
}

} // namespace asc
