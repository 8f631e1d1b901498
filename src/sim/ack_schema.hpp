#pragma once
// Validation of a POST_ORDER_ACKNOWLEDGEMENT_DATA document against the structure of Amazon's
// amzn-envelope.xsd, Header.xsd and OrderAcknowledgement.xsd (release_4_1; the rules are written
// out in /work/shared/reference/spapi-contract.md, "Feed XML" and "Schema rules"): element order,
// required elements, patterns and enumerations. Amazon validates the whole document before it
// processes any message, so one violation rejects the document and nothing is canceled.

#include <optional>
#include <pugixml.hpp>
#include <string>
#include <string_view>

namespace sim {

// The first violation as Amazon's validating parser words it ("XML Parsing Error at Line 3,
// Column 18: cvc-complex-type.2.4.a: Invalid content was found starting with element
// 'StatusCode'. One of '{AmazonOrderID}' is expected."), or nullopt when the document is valid.
// `xml` is the text `doc` was parsed from (for line and column).
std::optional<std::string> validate_ack_document(const pugi::xml_document& doc, std::string_view xml);

} // namespace sim
