// The structure of an order-acknowledgement feed, as Amazon's XSDs define it:
//
//   AmazonEnvelope  = Header, MessageType, MarketplaceName?, PurgeAndReplace?, EffectiveDate?,
//                     Message+                                            (amzn-envelope.xsd)
//   Header          = DocumentVersion (\d{1,2}\.\d{1,2}), MerchantIdentifier, OverrideReleaseId?
//                                                                         (Header.xsd)
//   Message         = MessageID (up to 20 digits), OperationType? (Update|Delete|PartialUpdate),
//                     OrderAcknowledgement                                (amzn-envelope.xsd)
//   OrderAcknowledgement = AmazonOrderID (\w{3}-\w{7}-\w{7}), MerchantOrderID?,
//                     StatusCode (Success|Failure), Item*                 (OrderAcknowledgement.xsd)
//   Item            = AmazonOrderItemCode (\d{14}), MerchantOrderItemID?, CancelReason? (the 10
//                     reasons of the XSD's enumeration)
//
// Messages are worded like the Xerces errors Amazon's processing reports carry.

#include "ack_schema.hpp"

#include "catalog.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <map>
#include <mutex>
#include <regex>
#include <vector>

namespace sim {

namespace {

struct Slot {
    const char* name;
    bool required;
    bool repeated;
};

struct Failure {
    pugi::xml_node at; // where the parser was
    std::string text;
};

std::string text_of(const pugi::xml_node& node) {
    std::string s;
    for (const auto& child : node.children()) {
        if (child.type() == pugi::node_pcdata || child.type() == pugi::node_cdata) {
            s += child.value();
        }
    }
    const auto b = s.find_first_not_of(" \t\r\n");
    if (b == std::string::npos) {
        return {};
    }
    return s.substr(b, s.find_last_not_of(" \t\r\n") - b + 1);
}

std::string expected(const std::vector<Slot>& slots, std::size_t from) {
    std::string names;
    for (std::size_t i = from; i < slots.size(); ++i) {
        names += (names.empty() ? "" : ", ") + std::string(slots[i].name);
        if (slots[i].required) {
            break; // the parser lists what may come next, up to the first required element
        }
    }
    return "{" + names + "}";
}

// Checks the element children of `parent` against the sequence `slots`; returns the children that
// matched each slot, in order.
std::optional<Failure> sequence(const pugi::xml_node& parent, const std::vector<Slot>& slots,
                                std::vector<std::vector<pugi::xml_node>>& matched) {
    matched.assign(slots.size(), {});
    std::size_t at = 0;
    for (const auto& child : parent.children()) {
        if ((child.type() == pugi::node_pcdata || child.type() == pugi::node_cdata) &&
            std::string_view(child.value()).find_first_not_of(" \t\r\n") != std::string_view::npos) {
            return Failure{child,
                           fmt::format("cvc-complex-type.2.3: Element '{}' cannot have character [children], "
                                       "because the type's content type is element-only.",
                                       parent.name())};
        }
        if (child.type() != pugi::node_element) {
            continue;
        }
        const std::string_view name = child.name();
        std::size_t i = at;
        while (i < slots.size() && name != slots[i].name) {
            if (slots[i].required && matched[i].empty()) {
                break;
            }
            ++i;
        }
        if (i == slots.size() || name != slots[i].name || (!slots[i].repeated && !matched[i].empty())) {
            // Nothing expected here matches: the element is out of order, repeated or unknown.
            std::size_t from = at;
            if (from < slots.size() && !matched[from].empty() && !slots[from].repeated) {
                ++from;
            }
            if (from == slots.size()) {
                return Failure{child,
                               fmt::format("cvc-complex-type.2.4.d: Invalid content was found starting with "
                                           "element '{}'. No child element is expected at this point.",
                                           name)};
            }
            return Failure{child,
                           fmt::format("cvc-complex-type.2.4.a: Invalid content was found starting with "
                                       "element '{}'. One of '{}' is expected.",
                                       name, expected(slots, from))};
        }
        matched[i].push_back(child);
        at = i;
    }
    for (std::size_t i = 0; i < slots.size(); ++i) {
        if (slots[i].required && matched[i].empty()) {
            return Failure{
                parent.last_child() ? parent.last_child() : parent,
                fmt::format("cvc-complex-type.2.4.b: The content of element '{}' is not complete. One of "
                            "'{}' is expected.",
                            parent.name(), expected(slots, i))};
        }
    }
    return std::nullopt;
}

std::optional<Failure> pattern(const pugi::xml_node& node, const char* regex, const char* type) {
    // Compiled once per pattern: a feed may carry tens of thousands of messages.
    static std::mutex mutex;
    static std::map<std::string, std::regex> compiled;
    const std::regex* re = nullptr;
    {
        std::lock_guard lock(mutex);
        re = &compiled.try_emplace(regex, regex).first->second;
    }
    const std::string v = text_of(node);
    if (!std::regex_match(v, *re)) {
        return Failure{node,
                       fmt::format("cvc-pattern-valid: Value '{}' is not facet-valid with respect to pattern "
                                   "'{}' for type '{}'.",
                                   v, regex, type)};
    }
    return std::nullopt;
}

std::optional<Failure> enumeration(const pugi::xml_node& node, const std::vector<std::string>& values) {
    const std::string v = text_of(node);
    if (std::find(values.begin(), values.end(), v) == values.end()) {
        return Failure{node,
                       fmt::format("cvc-enumeration-valid: Value '{}' is not facet-valid with respect to "
                                   "enumeration '[{}]'. It must be a value from the enumeration.",
                                   v, fmt::join(values, ", "))};
    }
    return std::nullopt;
}

std::optional<Failure> item(const pugi::xml_node& node) {
    std::vector<std::vector<pugi::xml_node>> m;
    if (auto f = sequence(node,
                          {{"AmazonOrderItemCode", true, false},
                           {"MerchantOrderItemID", false, false},
                           {"CancelReason", false, false}},
                          m)) {
        return f;
    }
    if (auto f = pattern(m[0][0], "\\d{14}", "AmazonOrderItemCode")) {
        return f;
    }
    if (!m[2].empty()) {
        const auto reasons = cancel_reasons();
        return enumeration(m[2][0], std::vector<std::string>(reasons.begin(), reasons.end()));
    }
    return std::nullopt;
}

std::optional<Failure> message(const pugi::xml_node& node) {
    std::vector<std::vector<pugi::xml_node>> m;
    if (auto f = sequence(node,
                          {{"MessageID", true, false},
                           {"OperationType", false, false},
                           {"OrderAcknowledgement", true, false}},
                          m)) {
        return f;
    }
    if (auto f = pattern(m[0][0], "\\d{1,20}", "IDNumber")) {
        return f;
    }
    if (!m[1].empty()) {
        if (auto f = enumeration(m[1][0], {"Update", "Delete", "PartialUpdate"})) {
            return f;
        }
    }
    std::vector<std::vector<pugi::xml_node>> a;
    if (auto f = sequence(m[2][0],
                          {{"AmazonOrderID", true, false},
                           {"MerchantOrderID", false, false},
                           {"StatusCode", true, false},
                           {"Item", false, true}},
                          a)) {
        return f;
    }
    if (auto f = pattern(a[0][0], "\\w{3}-\\w{7}-\\w{7}", "AmazonOrderID")) {
        return f;
    }
    if (auto f = enumeration(a[2][0], {"Success", "Failure"})) {
        return f;
    }
    for (const auto& i : a[3]) {
        if (auto f = item(i)) {
            return f;
        }
    }
    return std::nullopt;
}

std::optional<Failure> envelope(const pugi::xml_document& doc) {
    const auto root = doc.document_element();
    if (std::string_view(root.name()) != "AmazonEnvelope") {
        return Failure{root,
                       fmt::format("cvc-elt.1.a: Cannot find the declaration of element '{}'.", root.name())};
    }
    std::vector<std::vector<pugi::xml_node>> m;
    if (auto f = sequence(root,
                          {{"Header", true, false},
                           {"MessageType", true, false},
                           {"MarketplaceName", false, false},
                           {"PurgeAndReplace", false, false},
                           {"EffectiveDate", false, false},
                           {"Message", true, true}},
                          m)) {
        return f;
    }
    std::vector<std::vector<pugi::xml_node>> h;
    if (auto f = sequence(m[0][0],
                          {{"DocumentVersion", true, false},
                           {"MerchantIdentifier", true, false},
                           {"OverrideReleaseId", false, false}},
                          h)) {
        return f;
    }
    if (auto f = pattern(h[0][0], "\\d{1,2}\\.\\d{1,2}", "DocumentVersion")) {
        return f;
    }
    if (text_of(h[1][0]).empty()) {
        return Failure{h[1][0],
                       "cvc-minLength-valid: Value '' with length = '0' is not facet-valid with respect to "
                       "minLength '1' for type 'String'."};
    }
    for (const auto& msg : m[5]) {
        if (auto f = message(msg)) {
            return f;
        }
    }
    return std::nullopt;
}

} // namespace

std::optional<std::string> validate_ack_document(const pugi::xml_document& doc, std::string_view xml) {
    const auto failure = envelope(doc);
    if (!failure) {
        return std::nullopt;
    }
    const auto offset = static_cast<std::size_t>(std::max<std::ptrdiff_t>(0, failure->at.offset_debug()));
    std::size_t line = 1;
    std::size_t column = 1;
    for (std::size_t i = 0; i < offset && i < xml.size(); ++i) {
        if (xml[i] == '\n') {
            ++line;
            column = 1;
        } else {
            ++column;
        }
    }
    return fmt::format("XML Parsing Error at Line {}, Column {}: {}", line, column, failure->text);
}

} // namespace sim
