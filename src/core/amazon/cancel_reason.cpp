#include "asc/amazon/cancel_reason.hpp"

#include <algorithm>
#include <array>
#include <cctype>

namespace asc {

namespace {

struct ReasonInfo {
    CancelReason reason;
    std::string_view name; // Amazon's spelling
    std::string_view meaning;
};

constexpr std::array k_reasons{
    ReasonInfo{CancelReason::NoInventory, "NoInventory",
               "you cannot fulfil: out of stock (the units are not restocked)"},
    ReasonInfo{CancelReason::ShippingAddressUndeliverable, "ShippingAddressUndeliverable",
               "you cannot deliver to the buyer's shipping address"},
    ReasonInfo{CancelReason::CustomerExchange, "CustomerExchange",
               "the buyer exchanges the item for another one"},
    ReasonInfo{CancelReason::BuyerCanceled, "BuyerCanceled",
               "the buyer asked to cancel; does not count against your cancellation rate"},
    ReasonInfo{CancelReason::GeneralAdjustment, "GeneralAdjustment",
               "another reason on your side (e.g. a pricing or listing error)"},
    ReasonInfo{CancelReason::CarrierCreditDecision, "CarrierCreditDecision",
               "the carrier refused the shipment (credit decision)"},
    ReasonInfo{CancelReason::RiskAssessmentInformationNotValid, "RiskAssessmentInformationNotValid",
               "the order failed your risk (fraud) assessment"},
    ReasonInfo{CancelReason::CarrierCoverageFailure, "CarrierCoverageFailure",
               "no carrier you use covers the shipping address"},
    ReasonInfo{CancelReason::CustomerReturn, "CustomerReturn", "the buyer returned or refused the item"},
    ReasonInfo{CancelReason::MerchandiseNotReceived, "MerchandiseNotReceived",
               "the buyer did not receive the merchandise"},
};

constexpr std::array k_all{
    CancelReason::NoInventory,
    CancelReason::ShippingAddressUndeliverable,
    CancelReason::CustomerExchange,
    CancelReason::BuyerCanceled,
    CancelReason::GeneralAdjustment,
    CancelReason::CarrierCreditDecision,
    CancelReason::RiskAssessmentInformationNotValid,
    CancelReason::CarrierCoverageFailure,
    CancelReason::CustomerReturn,
    CancelReason::MerchandiseNotReceived,
};

// Lower-case letters and digits only: "No-Inventory" -> "noinventory".
std::string squash(std::string_view text) {
    std::string out;
    for (char c : text) {
        if (c == '-' || c == '_' || c == ' ') {
            continue;
        }
        out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
    }
    return out;
}

const ReasonInfo& info(CancelReason r) {
    for (const auto& i : k_reasons) {
        if (i.reason == r) {
            return i;
        }
    }
    return k_reasons.front(); // unreachable: every enumerator has a row
}

} // namespace

std::span<const CancelReason> all_cancel_reasons() {
    return k_all;
}

std::string_view to_string(CancelReason r) {
    return info(r).name;
}

std::string_view describe(CancelReason r) {
    return info(r).meaning;
}

std::optional<CancelReason> parse_cancel_reason(std::string_view text) {
    const std::string wanted = squash(text);
    if (wanted.empty()) {
        return std::nullopt;
    }
    for (const auto& i : k_reasons) {
        if (squash(i.name) == wanted) {
            return i.reason;
        }
    }
    if (wanted == "buyercancelled") {
        return CancelReason::BuyerCanceled;
    }
    return std::nullopt;
}

std::string cancel_reason_list() {
    std::size_t width = 0;
    for (const auto& i : k_reasons) {
        width = std::max(width, i.name.size());
    }
    std::string out;
    for (const auto& i : k_reasons) {
        out += "  ";
        out += i.name;
        out.append(width - i.name.size() + 2, ' ');
        out += i.meaning;
        out += '\n';
    }
    return out;
}

std::optional<std::string> buyer_cancel_advice(const Order& order, std::optional<CancelReason> chosen) {
    if (chosen == CancelReason::BuyerCanceled) {
        return std::nullopt;
    }
    const auto requested = std::find_if(order.items.begin(), order.items.end(),
                                        [](const OrderItem& item) { return item.buyer_requested_cancel; });
    if (requested == order.items.end()) {
        return std::nullopt;
    }
    std::string text = "the buyer asked to cancel order " + order.order_id;
    if (!requested->buyer_cancel_reason.empty()) {
        text += " (" + requested->buyer_cancel_reason + ")";
    }
    text += ": use the reason BuyerCanceled, which does not count against your cancellation rate";
    return text;
}

} // namespace asc
