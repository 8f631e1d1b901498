#pragma once
// Part `commerce` (asc_commerce): the Magento client and the step that closes the linked order
// after a cancellation. May use: amazon, store, config, http, base, model.
//
// The commerce step of a cancellation: once Amazon's processing report confirms an order canceled
// (not when the feed is merely submitted), the linked Magento order gets the status
// `cancel_status` and a comment naming the Amazon order, the reason and asc. Journaled per order
// in the cancellation journal's commerce_state:
//   pending   Amazon confirmed the cancellation; Magento not updated yet (set by the cancel service
//             in the same transaction as `canceled`, see CancelOptions::commerce_on_cancel)
//   done      the Magento order has the status and asc's comment: never updated again
//   failed    the update failed; `asc cancellations resume` retries it
//   no_link   no Magento order is linked to the Amazon order
//   skipped   --no-commerce
// Never twice: a comment of asc for the Amazon order already in the Magento order's history (a
// POST whose answer was lost, a crash before `done` was journaled) counts as done, and nothing is
// sent again. The Amazon result stands whatever happens here.

#include "asc/base/clock.hpp"
#include "asc/base/errors.hpp"
#include "asc/base/events.hpp"
#include "asc/commerce/commerce_client.hpp"
#include "asc/store/store.hpp"

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace asc {

struct CommerceStepRow {
    std::string order_id;
    std::string state;        // done | failed | no_link | pending (not attempted)
    std::string increment_id; // the Magento order number, when one was found
    std::string message;      // what happened, for the row shown to the user
};

struct CommerceStepResult {
    std::vector<CommerceStepRow> rows; // one per journal row given, in the same order
    // What stopped the step before every row was attempted: Error(Auth) (the commerce system
    // refused the token), Error(Interrupted). Rows not attempted are `pending`.
    std::optional<Error> error;

    [[nodiscard]] std::size_t count(std::string_view state) const;
};

struct CommerceStepOptions {
    // After this many failures in a row the commerce system is taken to be down: the remaining
    // rows are left pending (for `asc cancellations resume`) instead of each waiting out retries.
    int give_up_after = 3;
};

class CommerceStep {
  public:
    CommerceStep(CommerceClient& client, Store& store, Clock& clock, Events& events,
                 CommerceStepOptions options = {});

    // Runs the step for journal rows in state `canceled` whose commerce_state is pending or
    // failed (other rows come back unchanged, with their state), journaling each outcome as it
    // is known.
    CommerceStepResult run(const std::vector<JournalEntry>& rows);

  private:
    CommerceStepRow update(const JournalEntry& row);
    void journal(const JournalEntry& row, const std::string& state);

    CommerceClient& m_client;
    Store& m_store;
    Clock& m_clock;
    Events& m_events;
    CommerceStepOptions m_options;
};

// Whether the journal row waits for the commerce step (canceled, commerce_state pending/failed).
bool needs_commerce_step(const JournalEntry& row);

// The comment asc leaves on the Magento order:
//   "[asc] Amazon order 112-1234567-1234567 was canceled on Amazon with reason NoInventory (...);
//    asc set this order's status to complete."
std::string commerce_cancel_comment(std::string_view amazon_order_id, std::string_view reason,
                                    std::string_view status);
// Whether a status-history comment is asc's for this Amazon order.
bool is_commerce_cancel_comment(std::string_view comment, std::string_view amazon_order_id);

} // namespace asc
