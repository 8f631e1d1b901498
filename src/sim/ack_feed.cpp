// POST_ORDER_ACKNOWLEDGEMENT_DATA processing and the ProcessingReport it produces.
//
// A document that is not valid against Amazon's XSDs (ack_schema.hpp: element order, required
// elements, patterns, enumerations) is rejected whole before any message is processed, as Amazon
// does: a report with MessagesProcessed 0 and one Result, MessageID 0, ResultCode Error,
// ResultMessageCode 5000 ("XML Parsing Error at Line L, Column C: cvc-..."); nothing is canceled.
//
// ResultMessageCode values (5000/5001 as Amazon uses them; the others invented, in the spirit of
// Amazon's numeric codes):
//   5000  XML Parsing Error: the document is not valid against the XSDs
//   5001  XML Parsing Fatal Error: not XML at all (the feed ends FATAL)
//   5001  AmazonOrderID is missing or not in the 3-7-7 form
//   5002  an AmazonOrderItemCode is not 14 digits, or is not an item of the order
//   5003  CancelReason is missing or not one of the 10 valid values
//   5004  StatusCode is missing or not Success / Failure
//   18028 the order does not exist for this seller
//   25    the order has already shipped
//   26    the order is partially shipped (some units already shipped)
//   27    the order is fulfilled by Amazon (AFN); sellers cannot cancel it with this feed
//   28    the order (or every listed item) is already canceled
//   29    the order's status (Pending, PendingAvailability, Unfulfillable) cannot be canceled here

#include "ack_schema.hpp"
#include "catalog.hpp"
#include "feeds.hpp"
#include "order_edits.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <pugixml.hpp>
#include <sstream>

namespace sim {

namespace {

struct Result {
    std::string message_id;
    int code = 0;
    std::string description;
    std::string order_id;
    std::string item_code;
};

std::string trimmed(const pugi::xml_node& node) {
    std::string s = node.text().as_string();
    const auto b = s.find_first_not_of(" \t\r\n");
    if (b == std::string::npos) {
        return {};
    }
    const auto e = s.find_last_not_of(" \t\r\n");
    return s.substr(b, e - b + 1);
}

bool all_digits(const std::string& s, std::size_t min, std::size_t max) {
    return s.size() >= min && s.size() <= max &&
           std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// Applies one Message; nullopt means it succeeded.
std::optional<Result> process_message(const pugi::xml_node& message, Store& store, const std::string& feed_id,
                                      const std::string& merchant) {
    Result r;
    r.message_id = trimmed(message.child("MessageID"));
    auto fail = [&](int code, std::string description) {
        r.code = code;
        r.description = std::move(description);
        return std::optional<Result>{r};
    };
    if (!all_digits(r.message_id, 1, 20)) {
        return fail(5000, "MessageID is missing or is not a number of up to 20 digits.");
    }
    const auto ack = message.child("OrderAcknowledgement");
    if (!ack) {
        return fail(5000, "The message has no OrderAcknowledgement element.");
    }
    r.order_id = trimmed(ack.child("AmazonOrderID"));
    if (r.order_id.empty()) {
        return fail(5001, "AmazonOrderID is missing.");
    }
    if (!is_order_id(r.order_id)) {
        return fail(5001, fmt::format("AmazonOrderID '{}' is not a valid Amazon order ID.", r.order_id));
    }
    const std::string status = trimmed(ack.child("StatusCode"));
    if (status != "Success" && status != "Failure") {
        return fail(5004, fmt::format("StatusCode '{}' is invalid; use Success or Failure.", status));
    }
    const bool cancel = status == "Failure";
    std::vector<std::string> item_ids;
    std::vector<std::string> reasons;
    for (const auto& item : ack.children("Item")) {
        const std::string code = trimmed(item.child("AmazonOrderItemCode"));
        if (!all_digits(code, 14, 14)) {
            r.item_code = code;
            return fail(5002,
                        fmt::format("AmazonOrderItemCode '{}' is invalid; it must be 14 digits.", code));
        }
        const std::string reason = trimmed(item.child("CancelReason"));
        if (cancel) {
            const auto valid = cancel_reasons();
            if (reason.empty()) {
                r.item_code = code;
                return fail(5003, fmt::format("CancelReason is required to cancel item {}.", code));
            }
            if (std::find(valid.begin(), valid.end(), reason) == valid.end()) {
                r.item_code = code;
                return fail(5003, fmt::format("CancelReason '{}' is not a valid value.", reason));
            }
        }
        item_ids.push_back(code);
        reasons.push_back(reason.empty() ? "GeneralAdjustment" : reason);
    }

    std::optional<Result> error;
    const bool found = store.edit(r.order_id, [&](Json& order, Notes& notes) {
        const auto items = item_states(order);
        for (const auto& id : item_ids) {
            if (std::none_of(items.begin(), items.end(), [&](const ItemState& s) { return s.id == id; })) {
                r.item_code = id;
                error = fail(
                    5002, fmt::format("AmazonOrderItemCode {} is not an item of order {}.", id, r.order_id));
                return false;
            }
        }
        if (!cancel) {
            return false; // an acknowledgement changes nothing here
        }
        const FStatus s = order_status(order);
        const bool listed_cancelled =
            !item_ids.empty() && std::all_of(item_ids.begin(), item_ids.end(), [&](const std::string& id) {
                return std::any_of(items.begin(), items.end(),
                                   [&](const ItemState& st) { return st.id == id && st.cancelled; });
            });
        const bool any_shipped =
            std::any_of(items.begin(), items.end(), [](const ItemState& st) { return st.fulfilled > 0; });
        if (s == FStatus::Cancelled || listed_cancelled) {
            error = fail(28, fmt::format("Order {} is already canceled.", r.order_id));
        } else if (fulfilled_by_amazon(order)) {
            error =
                fail(27, fmt::format("Order {} is fulfilled by Amazon and cannot be canceled by the seller.",
                                     r.order_id));
        } else if (s == FStatus::Shipped) {
            error = fail(25, fmt::format("Order {} has already shipped and cannot be canceled.", r.order_id));
        } else if (s == FStatus::PartiallyShipped || any_shipped) {
            error = fail(26, fmt::format("Order {} is partially shipped; shipped items cannot be canceled.",
                                         r.order_id));
        } else if (s != FStatus::Unshipped) {
            error =
                fail(29, fmt::format("Order {} is {}; only Unshipped orders can be canceled with this feed.",
                                     r.order_id, status_code(s)));
        }
        if (error) {
            return false;
        }
        cancel_items(order, item_ids, "MERCHANT",
                     item_ids.empty() ? std::vector<std::string>{"GeneralAdjustment"} : reasons);
        ++notes.cancellations;
        Json entry{{"feed_id", feed_id},
                   {"message_id", r.message_id},
                   {"merchant_identifier", merchant},
                   {"time", iso8601(now_millis())}};
        Json items_json = Json::array();
        for (std::size_t i = 0; i < item_ids.size(); ++i) {
            items_json.push_back({{"order_item_id", item_ids[i]}, {"reason", reasons[i]}});
        }
        entry["items"] = items_json;
        entry["whole_order"] = order_status(order) == FStatus::Cancelled;
        notes.log.push_back(std::move(entry));
        return true;
    });
    if (!found) {
        return fail(18028, fmt::format("The order ID {} was not found for this seller.", r.order_id));
    }
    return error;
}

std::string report(const std::string& feed_id, const std::string& merchant, int processed,
                   const std::vector<Result>& results) {
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
    int errors = 0;
    std::vector<std::string> failed;
    for (const auto& r : results) {
        if (std::find(failed.begin(), failed.end(), r.message_id) == failed.end()) {
            failed.push_back(r.message_id);
            ++errors;
        }
    }
    summary.append_child("MessagesProcessed").text() = processed;
    summary.append_child("MessagesSuccessful").text() = processed - std::min(errors, processed);
    summary.append_child("MessagesWithError").text() = errors;
    summary.append_child("MessagesWithWarning").text() = 0;
    for (const auto& r : results) {
        auto result = pr.append_child("Result");
        result.append_child("MessageID").text() = r.message_id.empty() ? "0" : r.message_id.c_str();
        result.append_child("ResultCode").text() = "Error";
        result.append_child("ResultMessageCode").text() = r.code;
        result.append_child("ResultDescription").text() = r.description.c_str();
        if (!r.order_id.empty() || !r.item_code.empty()) {
            auto info = result.append_child("AdditionalInfo");
            if (!r.order_id.empty()) {
                info.append_child("AmazonOrderID").text() = r.order_id.c_str();
            }
            if (!r.item_code.empty()) {
                info.append_child("AmazonOrderItemCode").text() = r.item_code.c_str();
            }
        }
    }
    std::ostringstream out;
    doc.save(out, "  ", pugi::format_default, pugi::encoding_utf8);
    return out.str();
}

} // namespace

std::string fatal_report(const std::string& feed_id, const std::string& description) {
    Result r;
    r.message_id = "0";
    r.code = 5001;
    r.description = description;
    return report(feed_id, "", 0, {r});
}

std::string process_acknowledgements(std::string_view xml, Store& store, const std::string& feed_id,
                                     bool& fatal) {
    fatal = false;
    pugi::xml_document doc;
    const auto parsed = doc.load_buffer(xml.data(), xml.size());
    if (!parsed) {
        fatal = true;
        return fatal_report(feed_id, fmt::format("XML Parsing Fatal Error at offset {}: {}", parsed.offset,
                                                 parsed.description()));
    }
    const auto env = doc.child("AmazonEnvelope");
    if (!env) {
        fatal = true;
        return fatal_report(feed_id, "The root element of the feed must be AmazonEnvelope.");
    }
    if (const auto invalid = validate_ack_document(doc, xml)) {
        Result r;
        r.message_id = "0";
        r.code = 5000;
        r.description = *invalid;
        return report(feed_id, trimmed(env.child("Header").child("MerchantIdentifier")), 0, {r});
    }
    const std::string type = trimmed(env.child("MessageType"));
    if (type != "OrderAcknowledgement") {
        fatal = true;
        return fatal_report(feed_id,
                            fmt::format("MessageType '{}' does not match the feed type "
                                        "POST_ORDER_ACKNOWLEDGEMENT_DATA (expected OrderAcknowledgement).",
                                        type));
    }
    const std::string merchant = trimmed(env.child("Header").child("MerchantIdentifier"));
    int processed = 0;
    std::vector<Result> results;
    for (const auto& message : env.children("Message")) {
        ++processed;
        if (auto r = process_message(message, store, feed_id, merchant)) {
            results.push_back(std::move(*r));
        }
    }
    return report(feed_id, merchant, processed, results);
}

} // namespace sim
