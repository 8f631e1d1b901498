#pragma once
// Amazon's reasons for canceling a seller-fulfilled order: the CancelReason values of
// OrderAcknowledgement.xsd, sent in the POST_ORDER_ACKNOWLEDGEMENT_DATA feed.

#include "asc/model/model.hpp"

#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace asc {

enum class CancelReason {
    NoInventory,
    ShippingAddressUndeliverable,
    CustomerExchange,
    BuyerCanceled,
    GeneralAdjustment,
    CarrierCreditDecision,
    RiskAssessmentInformationNotValid,
    CarrierCoverageFailure,
    CustomerReturn,
    MerchandiseNotReceived,
};

// All ten, in the order of the XSD.
std::span<const CancelReason> all_cancel_reasons();

// Amazon's spelling, as the feed carries it: "NoInventory".
std::string_view to_string(CancelReason r);

// A one-line meaning for help texts and lists.
std::string_view describe(CancelReason r);

// Parses what a user types: Amazon's spelling in any case, with or without '-', '_' or spaces
// ("NoInventory", "no-inventory", "No Inventory", "NO_INVENTORY"). "BuyerCancelled" is accepted for
// BuyerCanceled. Returns nullopt for anything else.
std::optional<CancelReason> parse_cancel_reason(std::string_view text);

// One line per reason, "  NoInventory                        meaning\n", for error messages.
std::string cancel_reason_list();

// When an item of `order` carries a buyer cancellation request and the chosen reason (if any) is
// not BuyerCanceled: a sentence saying so, naming BuyerCanceled as the reason that does not count
// against the seller's cancellation rate. nullopt otherwise.
std::optional<std::string> buyer_cancel_advice(const Order& order, std::optional<CancelReason> chosen);

} // namespace asc
