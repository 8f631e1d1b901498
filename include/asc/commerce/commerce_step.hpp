#pragma once
// Part `commerce` (asc_commerce): the Magento client and the step that closes the linked order
// after a cancellation. May use: amazon, store, config, http, base, model.
//
// The commerce step of a cancellation: once Amazon's processing report confirms an order canceled
// (not when the feed is merely submitted), the linked Magento order is closed out the way Magento
// allows (commerce_close.hpp: canceled when nothing was invoiced, an offline credit memo back to
// stock when something was, so that it ends `canceled` or `closed`), or only commented with
// on_cancel = comment; then it gets one comment naming the Amazon order, the reason and asc,
// carrying the order's status after the action (or cancel_status, when that status is assigned to
// the resulting state). Journaled per order in the cancellation journal:
//   commerce_state
//     pending   Amazon confirmed the cancellation; Magento not updated yet (set by the cancel service
//               in the same transaction as `canceled`, see CancelOptions::commerce_on_cancel)
//     done      the Magento order is closed out (or commented) and has asc's comment: never again
//     failed    the update failed or was refused; `asc cancellations resume` retries it
//     no_link   no Magento order is linked to the Amazon order
//     skipped   --no-commerce
//   commerce_action          canceled | refunded | comment_only | nothing_to_do (CommerceAction);
//                            written as soon as a write may have been applied
//   commerce_creditmemo_id   the credit memo of `refunded` (when its answer was lost, the order's
//                            newest credit memo, looked up on the next attempt)
// Exactly once: every attempt starts from a fresh read of the order and decides from its state and
// quantities, so a write whose answer was lost (a timeout, a crash) is never repeated blindly: a
// refund already made leaves nothing refundable, a cancel already made leaves the order canceled.
// A comment of asc for the Amazon order already in the history counts as done. Two runs never
// update one Magento order at once (Store::lock_commerce_order: runs of several hosts on a shared
// PostgreSQL store), so the second reads it after the first is done. The Amazon result stands
// whatever happens here.

#include "asc/base/clock.hpp"
#include "asc/base/errors.hpp"
#include "asc/base/events.hpp"
#include "asc/commerce/commerce_client.hpp"
#include "asc/commerce/commerce_close.hpp"
#include "asc/store/store.hpp"

#include <chrono>
#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace asc {

struct CommerceStepRow {
    std::string order_id;
    // Done, Failed, NoLink, Pending (not attempted); for a row that needs no step, its journal's.
    std::optional<CommerceState> state;
    std::string increment_id;  // the Magento order number, when one was found
    std::string message;       // what happened, for the row shown to the user
    std::string action;        // CommerceAction as text, when known
    std::string creditmemo_id; // when a credit memo was made and its answer arrived
    std::string magento_state; // the Magento order's state and status after the step, when read
    std::string magento_status;
};

struct CommerceStepResult {
    std::vector<CommerceStepRow> rows; // one per journal row given, in the same order
    // What stopped the step before every row was attempted: Error(Auth) (the commerce system
    // refused the token), Error(Interrupted). Rows not attempted are `pending`.
    std::optional<Error> error;

    [[nodiscard]] std::size_t count(CommerceState state) const;
};

struct CommerceStepOptions {
    // After this many failures in a row the commerce system is taken to be down: the remaining
    // rows are left pending (for `asc cancellations resume`) instead of each waiting out retries.
    int give_up_after = 3;
    CommerceOnCancel on_cancel = CommerceOnCancel::Auto;
    // How long to wait while another run (another host's, on a shared PostgreSQL store) updates
    // the same Magento order (Store::lock_commerce_order); then the row is failed, for
    // `asc cancellations resume`.
    std::chrono::milliseconds order_lock_wait{std::chrono::minutes(5)};
    // Test hook: "commerce-read" (the Magento order read, its lock held).
    std::function<void(std::string_view step)> on_step{};
};

class CommerceStep {
  public:
    CommerceStep(CommerceClient& client, Store& store, Clock& clock, Events& events,
                 CommerceStepOptions options = {});

    // Runs the step for journal rows in state `canceled` whose commerce_state is pending or
    // failed (other rows come back unchanged, with their state), journaling each outcome as it
    // is known. Successive calls go on where the last one stopped (a batch handed over in parts):
    // after an Auth, Config or Interrupted error, or give_up_after failures in a row, the rows of
    // later calls are not attempted either, and the error comes back with each result.
    CommerceStepResult run(const std::vector<JournalEntry>& rows);

  private:
    CommerceStepRow update(const JournalEntry& row);
    // The journal's row `row` as it is now (another run may have changed it).
    JournalEntry reread(const JournalEntry& row);
    // Cancels and refunds until next_commerce_move says done; returns the fresh order.
    CommerceOrder close_out(const JournalEntry& row, CommerceOrder order, CommerceStepRow& out);
    // Adds asc's comment; returns the status it carried.
    std::string comment(const JournalEntry& row, const CommerceOrder& order, const CommerceStepRow& out);
    // Looks up the credit memo id of a refund whose answer was lost (best effort).
    void recover_creditmemo_id(const CommerceOrder& order, CommerceStepRow& out);
    void journal(const JournalEntry& row, std::optional<CommerceState> state, const CommerceStepRow* out = nullptr);

    CommerceClient& m_client;
    Store& m_store;
    Clock& m_clock;
    Events& m_events;
    CommerceStepOptions m_options;
    int m_failures_in_a_row = 0;
    std::optional<Error> m_stopped; // what stopped an earlier call
};

// Whether the journal row waits for the commerce step (canceled, commerce_state pending/failed).
bool needs_commerce_step(const JournalEntry& row);

// The comment asc leaves on the Magento order:
//   "[asc] Amazon order 112-1234567-1234567 was canceled on Amazon with reason NoInventory (...);
//    asc refunded this order offline (credit memo 12, items back to stock): state closed."
std::string commerce_cancel_comment(std::string_view amazon_order_id, std::string_view reason,
                                    std::string_view what_asc_did);
// Whether a status-history comment is asc's for this Amazon order.
bool is_commerce_cancel_comment(std::string_view comment, std::string_view amazon_order_id);

} // namespace asc
