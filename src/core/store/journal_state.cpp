// The journal's state machines as text (include/asc/store/journal_state.hpp).

#include "asc/store/journal_state.hpp"

#include <array>

namespace asc {

namespace {

constexpr std::array k_journal_states{
    JournalState::Planned,         JournalState::Submitting, JournalState::Submitted, JournalState::Canceled,
    JournalState::AlreadyCanceled, JournalState::Failed,     JournalState::Refused};

constexpr std::array k_commerce_states{CommerceState::Pending, CommerceState::Done, CommerceState::Failed,
                                       CommerceState::NoLink, CommerceState::Skipped};

} // namespace

std::span<const JournalState> all_journal_states() {
    return k_journal_states;
}

std::string_view to_string(JournalState state) {
    switch (state) {
    case JournalState::Planned:
        return "planned";
    case JournalState::Submitting:
        return "submitting";
    case JournalState::Submitted:
        return "submitted";
    case JournalState::Canceled:
        return "canceled";
    case JournalState::AlreadyCanceled:
        return "already_canceled";
    case JournalState::Failed:
        return "failed";
    case JournalState::Refused:
        return "refused";
    }
    return "failed";
}

std::optional<JournalState> parse_journal_state(std::string_view text) {
    for (const JournalState s : k_journal_states) {
        if (to_string(s) == text) {
            return s;
        }
    }
    return std::nullopt;
}

bool is_in_flight(JournalState state) {
    return state == JournalState::Planned || state == JournalState::Submitting ||
           state == JournalState::Submitted;
}

std::span<const CommerceState> all_commerce_states() {
    return k_commerce_states;
}

std::string_view to_string(CommerceState state) {
    switch (state) {
    case CommerceState::Pending:
        return "pending";
    case CommerceState::Done:
        return "done";
    case CommerceState::Failed:
        return "failed";
    case CommerceState::NoLink:
        return "no_link";
    case CommerceState::Skipped:
        return "skipped";
    }
    return "failed";
}

std::optional<CommerceState> parse_commerce_state(std::string_view text) {
    for (const CommerceState s : k_commerce_states) {
        if (to_string(s) == text) {
            return s;
        }
    }
    return std::nullopt;
}

} // namespace asc
