// POST_ORDER_FULFILLMENT_DATA processing (shipment confirmations by feed) and its ProcessingReport.
//
// The document is checked against the structure of OrderFulfillment.xsd and amzn-base.xsd (as
// mirrored in Westie/AmazonMarketplaceXSD, Products/OrderFulfillment.xsd and Products/amzn-base.xsd):
// per Message a MessageID, then OrderFulfillment = AmazonOrderID, FulfillmentDate (xsd:dateTime),
// FulfillmentData? = (CarrierCode from the enumeration | CarrierName), ShippingMethod?,
// ShipperTrackingNumber?; Item* = AmazonOrderItemCode (14 digits), Quantity? (positiveInteger).
// A violation rejects the whole document before any message is applied, as Amazon's validating
// parser does (ResultMessageCode 5000, MessageID 0), like the acknowledgement feed.
//
// Per message (codes other than 5000/18028 invented, in the spirit of Amazon's numeric codes, the
// same numbers as the acknowledgement feed where the meaning is the same):
//   18028 the order does not exist for this seller
//   25    the order has already shipped (nothing left to ship)
//   27    the order is fulfilled by Amazon
//   28    the order is canceled
//   29    the order's status (Pending, ...) cannot be confirmed
//   5002  an AmazonOrderItemCode is not an item of the order (or is canceled)
//   5005  a Quantity exceeds the item's unshipped units
// A message without Items ships every unshipped unit of the order. An applied message adds a
// package (carrier, ShippingMethod, ShipperTrackingNumber, FulfillmentDate) to the order, which
// becomes PARTIALLY_SHIPPED or SHIPPED, exactly as confirmShipment does.

#include "feeds.hpp"
#include "order_edits.hpp"

#include <algorithm>
#include <array>
#include <fmt/format.h>
#include <pugixml.hpp>
#include <sstream>

namespace sim {

namespace {

// amzn-base.xsd, element CarrierCode (release_4_1, revision C_1).
constexpr std::array<std::string_view, 51> k_carrier_codes{
    "USPS", "UPS", "UPSMI", "FedEx", "DHL", "Fastway", "GLS", "GO!", "Hermes Logistik Gruppe", "Royal Mail",
    "Parcelforce", "City Link", "TNT", "Target", "SagawaExpress", "NipponExpress", "YamatoTransport",
    "DHL Global Mail", "UPS Mail Innovations", "FedEx SmartPost", "OSM", "OnTrac", "Streamlite", "Newgistics",
    "Canada Post", "Blue Package", "Chronopost", "Deutsche Post", "DPD", "La Poste", "Parcelnet",
    "Poste Italiane", "SDA", "Smartmail", "FEDEX_JP", "JP_EXPRESS", "NITTSU", "SAGAWA", "YAMATO", "BlueDart",
    "AFL/Fedex", "Aramex", "India Post", "Professional", "DTDC", "Overnite Express", "First Flight",
    "Delhivery", "Lasership", "Yodel", "Other"};

struct Failure {
    std::string message_id;
    int code = 0;
    std::string description;
    std::string order_id;
    std::string item_code;
};

std::string text_of(const pugi::xml_node& node) {
    std::string s = node.text().as_string();
    const auto b = s.find_first_not_of(" \t\r\n");
    if (b == std::string::npos) {
        return {};
    }
    return s.substr(b, s.find_last_not_of(" \t\r\n") - b + 1);
}

bool digits(const std::string& s, std::size_t min, std::size_t max) {
    return s.size() >= min && s.size() <= max &&
           std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// The element names of `node`'s element children, in order.
std::vector<std::string> children_of(const pugi::xml_node& node) {
    std::vector<std::string> out;
    for (const auto& c : node.children()) {
        if (c.type() == pugi::node_element) {
            out.emplace_back(c.name());
        }
    }
    return out;
}

// The first structural violation of one OrderFulfillment, or "".
std::string invalid_fulfillment(const pugi::xml_node& f) {
    const auto names = children_of(f);
    std::size_t i = 0;
    auto at = [&](const char* name) { return i < names.size() && names[i] == name; };
    if (!at("AmazonOrderID")) {
        return "Invalid content was found in OrderFulfillment. One of '{AmazonOrderID, MerchantOrderID}' is expected.";
    }
    ++i;
    if (!at("FulfillmentDate")) {
        return "Invalid content was found in OrderFulfillment. '{FulfillmentDate}' is expected.";
    }
    if (!parse_iso8601(text_of(f.child("FulfillmentDate")))) {
        return fmt::format("'{}' is not a valid value for 'dateTime' (FulfillmentDate).", text_of(f.child("FulfillmentDate")));
    }
    ++i;
    if (at("FulfillmentData")) {
        const auto data = f.child("FulfillmentData");
        const auto d = children_of(data);
        if (d.empty() || (d[0] != "CarrierCode" && d[0] != "CarrierName")) {
            return "Invalid content was found in FulfillmentData. One of '{CarrierCode, CarrierName}' is expected.";
        }
        if (d[0] == "CarrierCode") {
            const std::string code = text_of(data.child("CarrierCode"));
            if (std::find(k_carrier_codes.begin(), k_carrier_codes.end(), code) == k_carrier_codes.end()) {
                return fmt::format("Value '{}' is not facet-valid with respect to enumeration for CarrierCode.", code);
            }
        }
        ++i;
    }
    for (; i < names.size(); ++i) {
        if (names[i] != "Item") {
            return fmt::format("Invalid content was found starting with element '{}'.", names[i]);
        }
    }
    for (const auto& item : f.children("Item")) {
        const std::string code = text_of(item.child("AmazonOrderItemCode"));
        if (!digits(code, 14, 14)) {
            return fmt::format("Value '{}' is not facet-valid with respect to pattern '\\d{{14}}' (AmazonOrderItemCode).", code);
        }
        if (item.child("Quantity") && (!digits(text_of(item.child("Quantity")), 1, 9) ||
                                       std::stoi(text_of(item.child("Quantity"))) < 1)) {
            return "Quantity must be a positiveInteger.";
        }
    }
    return {};
}

std::optional<std::string> invalid_document(const pugi::xml_node& env) {
    if (text_of(env.child("MessageType")) != "OrderFulfillment") {
        return fmt::format("MessageType '{}' does not match the feed type POST_ORDER_FULFILLMENT_DATA (expected "
                           "OrderFulfillment).",
                           text_of(env.child("MessageType")));
    }
    for (const auto& message : env.children("Message")) {
        if (!digits(text_of(message.child("MessageID")), 1, 20)) {
            return "MessageID is missing or is not a number of up to 20 digits.";
        }
        const auto f = message.child("OrderFulfillment");
        if (!f) {
            return "Invalid content was found in Message. '{OrderFulfillment}' is expected.";
        }
        if (auto why = invalid_fulfillment(f); !why.empty()) {
            return "XML Parsing Error: cvc-complex-type.2.4.a: " + why;
        }
    }
    return std::nullopt;
}

// Checks the order's state and the units; nullopt: `package` may ship.
std::optional<std::pair<int, std::string>> refusal(const Json& order, const NewPackage& package, bool all_units) {
    const FStatus s = order_status(order);
    if (fulfilled_by_amazon(order)) {
        return std::pair{27, std::string("The order is fulfilled by Amazon; only seller-fulfilled orders can be confirmed.")};
    }
    if (s == FStatus::Cancelled) {
        return std::pair{28, std::string("The order is canceled.")};
    }
    if (s == FStatus::Shipped) {
        return std::pair{25, std::string("The order has already shipped.")};
    }
    if (s != FStatus::Unshipped && s != FStatus::PartiallyShipped) {
        return std::pair{29, fmt::format("The order is {}; only UNSHIPPED and PARTIALLY_SHIPPED orders can be confirmed.",
                                         status_code(s))};
    }
    if (all_units) {
        return std::nullopt;
    }
    const auto states = item_states(order);
    for (const auto& unit : package.units) {
        const auto st = std::find_if(states.begin(), states.end(), [&](const ItemState& x) { return x.id == unit.item_id; });
        if (st == states.end() || st->cancelled) {
            return std::pair{5002, fmt::format("AmazonOrderItemCode {} is not an open item of the order.", unit.item_id)};
        }
        if (unit.quantity > st->unfulfilled) {
            return std::pair{5005, fmt::format("Quantity {} of item {} exceeds the {} unshipped units.", unit.quantity,
                                               unit.item_id, st->unfulfilled)};
        }
    }
    return std::nullopt;
}

std::optional<Failure> apply_message(const pugi::xml_node& message, Store& store, const std::string& feed_id) {
    Failure r;
    r.message_id = text_of(message.child("MessageID"));
    const auto f = message.child("OrderFulfillment");
    r.order_id = text_of(f.child("AmazonOrderID"));
    NewPackage package;
    package.ship_time = *parse_iso8601(text_of(f.child("FulfillmentDate")));
    const auto data = f.child("FulfillmentData");
    package.carrier = data.child("CarrierCode") && text_of(data.child("CarrierCode")) != "Other"
                          ? text_of(data.child("CarrierCode"))
                          : text_of(data.child("CarrierName"));
    package.service = text_of(data.child("ShippingMethod"));
    package.tracking = text_of(data.child("ShipperTrackingNumber"));
    for (const auto& item : f.children("Item")) {
        const std::string q = text_of(item.child("Quantity"));
        package.units.push_back({text_of(item.child("AmazonOrderItemCode")), q.empty() ? 0 : std::stoi(q)});
    }
    const bool all_units = package.units.empty();
    std::optional<std::pair<int, std::string>> refused;
    const bool found = store.edit(r.order_id, [&](Json& order, Notes&) {
        if (all_units) {
            for (const auto& s : item_states(order)) {
                if (!s.cancelled && s.unfulfilled > 0) {
                    package.units.push_back({s.id, s.unfulfilled});
                }
            }
        }
        for (auto& unit : package.units) {
            if (unit.quantity == 0) { // Quantity left out: every unshipped unit of the item
                for (const auto& s : item_states(order)) {
                    unit.quantity = s.id == unit.item_id ? s.unfulfilled : unit.quantity;
                }
            }
        }
        refused = refusal(order, package, all_units);
        if (refused) {
            return false;
        }
        ship_units(order, package);
        return true;
    });
    if (found) {
        store.note_feed(r.order_id, feed_id);
    }
    if (!found) {
        r.code = 18028;
        r.description = fmt::format("The order ID {} was not found for this seller.", r.order_id);
        return r;
    }
    if (refused) {
        r.code = refused->first;
        r.description = refused->second;
        return r;
    }
    return std::nullopt;
}

std::string report_xml(const std::string& feed_id, const std::string& merchant, int processed,
                       const std::vector<Failure>& failures) {
    pugi::xml_document doc;
    auto decl = doc.append_child(pugi::node_declaration);
    decl.append_attribute("version") = "1.0";
    decl.append_attribute("encoding") = "UTF-8";
    auto env = doc.append_child("AmazonEnvelope");
    env.append_attribute("xmlns:xsi") = "http://www.w3.org/2001/XMLSchema-instance";
    env.append_attribute("xsi:noNamespaceSchemaLocation") = "amzn-envelope.xsd";
    auto header = env.append_child("Header");
    header.append_child("DocumentVersion").text() = "1.02";
    header.append_child("MerchantIdentifier").text() = merchant.c_str();
    env.append_child("MessageType").text() = "ProcessingReport";
    auto message = env.append_child("Message");
    message.append_child("MessageID").text() = "1";
    auto pr = message.append_child("ProcessingReport");
    pr.append_child("DocumentTransactionID").text() = feed_id.c_str();
    pr.append_child("StatusCode").text() = "Complete";
    auto summary = pr.append_child("ProcessingSummary");
    const int errors = static_cast<int>(failures.size());
    summary.append_child("MessagesProcessed").text() = processed;
    summary.append_child("MessagesSuccessful").text() = std::max(0, processed - errors);
    summary.append_child("MessagesWithError").text() = errors;
    summary.append_child("MessagesWithWarning").text() = 0;
    for (const auto& r : failures) {
        auto result = pr.append_child("Result");
        result.append_child("MessageID").text() = r.message_id.empty() ? "0" : r.message_id.c_str();
        result.append_child("ResultCode").text() = "Error";
        result.append_child("ResultMessageCode").text() = r.code;
        result.append_child("ResultDescription").text() = r.description.c_str();
        if (!r.order_id.empty()) {
            result.append_child("AdditionalInfo").append_child("AmazonOrderID").text() = r.order_id.c_str();
        }
    }
    std::ostringstream out;
    doc.save(out, "  ", pugi::format_default, pugi::encoding_utf8);
    return out.str();
}

} // namespace

std::string process_fulfillments(std::string_view xml, Store& store, const std::string& feed_id, bool& fatal) {
    fatal = false;
    pugi::xml_document doc;
    const auto parsed = doc.load_buffer(xml.data(), xml.size());
    const auto env = doc.child("AmazonEnvelope");
    if (!parsed || !env) {
        fatal = true;
        return fatal_report(feed_id, parsed ? std::string("The root element of the feed must be AmazonEnvelope.")
                                            : fmt::format("XML Parsing Fatal Error at offset {}: {}", parsed.offset,
                                                          parsed.description()));
    }
    const std::string merchant = text_of(env.child("Header").child("MerchantIdentifier"));
    if (const auto invalid = invalid_document(env)) {
        return report_xml(feed_id, merchant, 0, {Failure{"0", 5000, *invalid, "", ""}});
    }
    int processed = 0;
    std::vector<Failure> failures;
    for (const auto& message : env.children("Message")) {
        ++processed;
        if (auto r = apply_message(message, store, feed_id)) {
            failures.push_back(std::move(*r));
        }
    }
    return report_xml(feed_id, merchant, processed, failures);
}

} // namespace sim
