#pragma once
// What closing out a Magento order takes, decided from the order alone (pure functions, no I/O).
//
// Amazon Sales Channel closes out the Magento order of a canceled Amazon order by issuing a credit
// memo for every item and releasing the stock. Over Magento's REST API that is:
//   * nothing invoiced: cancel the order (POST orders/{id}/cancel) -> state `canceled`;
//   * invoiced: an offline credit memo of every refundable quantity, back to stock
//     (POST order/{id}/refund) -> state `closed`;
//   * partly invoiced: cancel (Magento cancels the quantities not invoiced and keeps the order
//     open for the invoiced ones), then the credit memo -> state `closed`.
// A status-history comment cannot do it: it never changes the state, and Magento 2.4.7+ refuses a
// status outside the current state (magento/magento2#38659). The state `complete` cannot be
// reached either: Magento reaches it only by shipping.
//
// Exactly once: a cancel or a credit memo is not idempotent on Magento's side, so the step never
// repeats a write because it sent one; it reads the order again and asks next_commerce_move,
// which decides from the quantities and the state. A credit memo of quantities already refunded
// is impossible by construction (the refundable quantity is invoiced - refunded).

#include "asc/commerce/commerce_client.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace asc {

// What the profile's `on_cancel` asks for ([profiles.NAME.commerce], default auto).
enum class CommerceOnCancel {
    /// Cancel or refund the linked order so that it ends `canceled` or `closed`, then comment.
    Auto,
    /// Only the history comment, no state change: for shops that close their orders themselves.
    Comment,
};
std::string_view to_string(CommerceOnCancel mode);
std::optional<CommerceOnCancel> parse_commerce_on_cancel(std::string_view text);

// What the commerce step did to a Magento order, as journaled (commerce_action).
enum class CommerceAction {
    /// The order was canceled (nothing was invoiced): state `canceled`.
    Canceled,
    /// An offline credit memo of every refundable item (and a cancel of what was not invoiced, if
    /// anything): state `closed`. The journal keeps the credit memo's id.
    Refunded,
    /// on_cancel = comment: only asc's comment was added.
    CommentOnly,
    /// The order was already `canceled` or `closed`: only asc's comment was added.
    NothingToDo,
};
std::string_view to_string(CommerceAction action);
std::optional<CommerceAction> parse_commerce_action(std::string_view text);

// The next write that closing out `order` takes.
struct CommerceMove {
    enum class Kind {
        /// Already `canceled` or `closed`: nothing left to do.
        Done,
        /// POST orders/{id}/cancel: something is neither invoiced nor canceled.
        Cancel,
        /// POST order/{id}/refund with `lines`: everything open is invoiced, some not refunded.
        Refund,
        /// Magento (or Amazon) would not allow it: `why` says why and what to do.
        Refuse,
    };
    Kind kind = Kind::Done;
    std::vector<CommerceRefundLine> lines; // Refund: every top-level item with qty invoiced - refunded > 0
    std::string why;                       // Refuse: the reason, in a sentence
};

// Decides from the order's state and its items' quantities (the order must carry its items).
// Refuses: anything shipped (Amazon refuses to cancel a shipped order too), on hold, in payment
// review, `complete`, or a state with nothing left to cancel or refund.
CommerceMove next_commerce_move(const CommerceOrder& order);

// The status Magento gives a state by default (new -> pending; the others are their own name):
// what asc's comment carries when the order has lost its status.
std::string default_status_of(std::string_view state);

} // namespace asc
