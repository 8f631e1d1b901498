#pragma once
// Part `store`: the two state machines of the cancellation journal (JournalEntry in store.hpp),
// typed. The store keeps each state as text in its column, spelled by to_string(); these are the
// only spellings, and the store converts at its boundary (store_journal.cpp).

#include <optional>
#include <span>
#include <string_view>

namespace asc {

// Where an order's cancellation is (the cancel service's protocol: cancel.hpp).
enum class JournalState {
    /// Journaled before anything is sent; not sent yet.
    Planned,
    /// createFeed is being sent: it may have reached Amazon, its answer is not recorded.
    Submitting,
    /// Amazon accepted the feed (feed_id); its result is not known yet.
    Submitted,
    /// Amazon's processing report (or the order's state) says the order was canceled.
    Canceled,
    /// The order was already Canceled on Amazon (nothing was sent).
    AlreadyCanceled,
    /// Amazon reported an error for it (result_code, result_message), or the feed failed.
    Failed,
    /// The status guard refused it on fresh state (result_message says why; not sent).
    Refused,
};

// Every journal state, in the order above.
std::span<const JournalState> all_journal_states();
// "planned", "submitting", "submitted", "canceled", "already_canceled", "failed", "refused".
std::string_view to_string(JournalState state);
// The exact spelling of to_string(); nullopt for anything else.
std::optional<JournalState> parse_journal_state(std::string_view text);
// Whether the cancellation is not finished: planned, submitting, submitted.
bool is_in_flight(JournalState state);

// Where the Magento step of a canceled order is (commerce_step.hpp). A row without one (no
// commerce link when it was canceled) has no commerce state.
enum class CommerceState {
    /// Amazon confirmed the cancellation; Magento is not updated yet.
    Pending,
    /// The Magento order is closed out (or commented) and has asc's comment: never again.
    Done,
    /// The update failed or was refused; `asc cancellations resume` retries it.
    Failed,
    /// No Magento order is linked to the Amazon order.
    NoLink,
    /// --no-commerce: the step was not wanted for this run.
    Skipped,
};

// Every commerce state, in the order above.
std::span<const CommerceState> all_commerce_states();
// "pending", "done", "failed", "no_link", "skipped".
std::string_view to_string(CommerceState state);
// The exact spelling of to_string(); nullopt for anything else.
std::optional<CommerceState> parse_commerce_state(std::string_view text);

} // namespace asc
