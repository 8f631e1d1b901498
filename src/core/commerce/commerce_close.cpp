// What closing out a Magento order takes (include/asc/commerce/commerce_close.hpp). The rules
// mirror Magento's own checks, so that asc never sends a write Magento would refuse:
//   Order::canCancel (app/code/Magento/Sales/Model/Order.php): not on hold, not in payment review,
//     not canceled/complete/closed, and some item still has a quantity to invoice;
//   Order::canCreditmemo: not on hold, not in payment review, not canceled or closed;
//   Creditmemo\Validation\QuantityValidator: no more than the unrefunded quantity
//     (Item::getQtyToRefund = qty_invoiced - qty_refunded).

#include "asc/commerce/commerce_close.hpp"

#include <algorithm>
#include <array>
#include <fmt/format.h>

namespace asc {

namespace {

constexpr std::array<std::pair<CommerceOnCancel, std::string_view>, 2> k_modes{
    {{CommerceOnCancel::Auto, "auto"}, {CommerceOnCancel::Comment, "comment"}}};
constexpr std::array<std::pair<CommerceAction, std::string_view>, 4> k_actions{
    {{CommerceAction::Canceled, "canceled"},
     {CommerceAction::Refunded, "refunded"},
     {CommerceAction::CommentOnly, "comment_only"},
     {CommerceAction::NothingToDo, "nothing_to_do"}}};

template <typename E, std::size_t N>
std::string_view name_of(const std::array<std::pair<E, std::string_view>, N>& table, E value) {
    for (const auto& [v, name] : table) {
        if (v == value) {
            return name;
        }
    }
    return "unknown";
}

template <typename E, std::size_t N>
std::optional<E> value_of(const std::array<std::pair<E, std::string_view>, N>& table, std::string_view text) {
    for (const auto& [v, name] : table) {
        if (name == text) {
            return v;
        }
    }
    return std::nullopt;
}

CommerceMove refuse(std::string why) {
    CommerceMove m;
    m.kind = CommerceMove::Kind::Refuse;
    m.why = std::move(why);
    return m;
}

} // namespace

std::string_view to_string(CommerceOnCancel mode) {
    return name_of(k_modes, mode);
}
std::optional<CommerceOnCancel> parse_commerce_on_cancel(std::string_view text) {
    return value_of(k_modes, text);
}
std::string_view to_string(CommerceAction action) {
    return name_of(k_actions, action);
}
std::optional<CommerceAction> parse_commerce_action(std::string_view text) {
    return value_of(k_actions, text);
}

std::string default_status_of(std::string_view state) {
    return state == "new" ? std::string("pending") : std::string(state);
}

CommerceMove next_commerce_move(const CommerceOrder& order) {
    const std::string& state = order.state;
    const std::string& number = order.increment_id;
    if (state == "canceled" || state == "closed") {
        return {};
    }
    CommerceQty shipped = 0;
    CommerceQty to_cancel = 0;
    std::vector<CommerceRefundLine> lines;
    for (const CommerceItem& item : order.items) {
        if (item.parent_item_id != 0) {
            continue; // a child line follows its parent in Magento's cancel and credit memo
        }
        shipped += item.qty_shipped;
        to_cancel += std::max<CommerceQty>(0, item.qty_ordered - item.qty_invoiced - item.qty_canceled);
        if (const CommerceQty refundable = item.qty_invoiced - item.qty_refunded; refundable > 0) {
            lines.push_back({item.item_id, refundable});
        }
    }
    if (shipped > 0) {
        return refuse(fmt::format(
            "Magento order {} has {} unit(s) shipped: asc does not close out a shipped order (Amazon would "
            "have "
            "refused to cancel a shipped order too); check both orders and refund by hand if needed",
            number, format_commerce_qty(shipped)));
    }
    if (state == "holded") {
        return refuse(
            fmt::format("Magento order {} is on hold: Magento cannot cancel or refund it; release the "
                        "hold in Magento, then run `asc cancellations resume`",
                        number));
    }
    if (state == "payment_review") {
        return refuse(
            fmt::format("Magento order {} is in payment review: Magento cannot cancel or refund it until "
                        "the payment is accepted or denied; then run `asc cancellations resume`",
                        number));
    }
    if (state == "complete") {
        return refuse(
            fmt::format("Magento order {} is complete: asc does not close out a completed order; check "
                        "it and refund by hand if needed",
                        number));
    }
    if (to_cancel > 0) {
        CommerceMove m;
        m.kind = CommerceMove::Kind::Cancel;
        return m;
    }
    if (!lines.empty()) {
        CommerceMove m;
        m.kind = CommerceMove::Kind::Refund;
        m.lines = std::move(lines);
        return m;
    }
    return refuse(
        fmt::format("Magento order {} is {} with nothing left to cancel or refund; check it in Magento",
                    number, state.empty() ? std::string("in no state") : state));
}

} // namespace asc
