// The commerce step of a cancellation: the linked Magento order is closed out the way Magento
// allows, once, journaled per order (see include/asc/commerce/commerce_step.hpp).

#include "asc/commerce/commerce_step.hpp"

#include "asc/amazon/cancel_reason.hpp"
#include "asc/base/interrupt.hpp"

#include <algorithm>
#include <fmt/format.h>

namespace asc {

namespace {

// A cancel and a credit memo at most, and a spare read: more means the order keeps changing
// under asc's feet, and a person should look.
constexpr int k_max_moves = 3;

std::string marker(std::string_view amazon_order_id) {
    return fmt::format("[asc] Amazon order {} was canceled on Amazon", amazon_order_id);
}

// What asc did, for the comment and the row.
std::string what_was_done(const std::optional<CommerceAction>& action, const std::string& creditmemo_id,
                          const CommerceOrder& order) {
    const std::string memo = creditmemo_id.empty() ? std::string{} : fmt::format(" {}", creditmemo_id);
    switch (action.value_or(CommerceAction::NothingToDo)) {
    case CommerceAction::Canceled:
        return fmt::format("asc canceled this order (nothing was invoiced): state {}", order.state);
    case CommerceAction::Refunded:
        return fmt::format("asc refunded this order offline (credit memo{}, items back to stock): state {}",
                           memo, order.state);
    case CommerceAction::CommentOnly:
        return fmt::format("asc left the order as it was (on_cancel = comment): state {}", order.state);
    case CommerceAction::NothingToDo:
        break;
    }
    return fmt::format("the order was already {}; asc changed nothing", order.state);
}

// The result row of a journal row the step leaves as it is.
CommerceStepRow unchanged_row(const JournalEntry& row) {
    return {row.order_id, row.commerce_state, "", "", row.commerce_action, row.commerce_creditmemo_id, "", ""};
}

} // namespace

std::size_t CommerceStepResult::count(CommerceState state) const {
    return static_cast<std::size_t>(std::count_if(
        rows.begin(), rows.end(), [state](const CommerceStepRow& r) { return r.state == state; }));
}

bool needs_commerce_step(const JournalEntry& row) {
    return row.state == JournalState::Canceled &&
           (row.commerce_state == CommerceState::Pending || row.commerce_state == CommerceState::Failed);
}

std::string commerce_cancel_comment(std::string_view amazon_order_id, std::string_view reason,
                                    std::string_view what_asc_did) {
    std::string why(reason);
    if (const auto parsed = parse_cancel_reason(reason)) {
        why = fmt::format("{} ({})", to_string(*parsed), describe(*parsed));
    }
    return fmt::format("{} with reason {}; {}.", marker(amazon_order_id), why, what_asc_did);
}

bool is_commerce_cancel_comment(std::string_view comment, std::string_view amazon_order_id) {
    return comment.find(marker(amazon_order_id)) != std::string_view::npos;
}

CommerceStep::CommerceStep(CommerceClient& client, Store& store, Clock& clock, Events& events,
                           CommerceStepOptions options)
    : m_client(client), m_store(store), m_clock(clock), m_events(events), m_options(options) {}

void CommerceStep::journal(const JournalEntry& row, std::optional<CommerceState> state,
                           const CommerceStepRow* out) {
    JournalChange c;
    c.id = row.id;
    c.commerce_state = state;
    if (out != nullptr && !out->action.empty()) {
        c.commerce_action = out->action;
    }
    if (out != nullptr && !out->creditmemo_id.empty()) {
        c.commerce_creditmemo_id = out->creditmemo_id;
    }
    m_store.journal_update(std::span<const JournalChange>(&c, 1),
                           std::chrono::floor<std::chrono::seconds>(m_clock.wall_now()));
}

CommerceOrder CommerceStep::close_out(const JournalEntry& row, CommerceOrder order, CommerceStepRow& out) {
    for (int moves = 0;; ++moves) {
        const CommerceMove move = next_commerce_move(order);
        if (move.kind == CommerceMove::Kind::Done) {
            return order;
        }
        if (move.kind == CommerceMove::Kind::Refuse) {
            throw Error(ErrorKind::Refused, move.why);
        }
        if (moves == k_max_moves) {
            throw Error(ErrorKind::Internal,
                        fmt::format("Magento order {} is still {} after {} changes; check it in Magento",
                                    order.increment_id, order.state, moves));
        }
        const bool refund = move.kind == CommerceMove::Kind::Refund;
        // Journaled as soon as the write may have been applied, so that a lost answer leaves the
        // action on record for the fresh read of `asc cancellations resume`.
        const std::string attempted(to_string(refund ? CommerceAction::Refunded : CommerceAction::Canceled));
        if (out.action != "refunded") {
            out.action = attempted;
        }
        try {
            if (refund) {
                out.creditmemo_id = std::to_string(m_client.refund_order(order.entity_id, move.lines));
            } else if (!m_client.cancel_order(order.entity_id)) {
                throw Error(
                    ErrorKind::Refused,
                    fmt::format("Magento could not cancel order {} (it answered false: Order::canCancel "
                                "said no; the order may have changed since asc read it)",
                                order.increment_id),
                    "check the order in Magento; `asc cancellations resume` reads it again");
            }
        } catch (const CommerceOutcomeUnknown&) {
            journal(row, std::nullopt, &out);
            throw;
        } catch (const Error&) {
            out.action.clear(); // certainly not applied: nothing to put on record
            throw;
        }
        journal(row, std::nullopt, &out);
        m_events.debug(fmt::format("commerce step {}: {}", row.order_id, out.action));
        order = m_client.get_order(order.entity_id);
    }
}

std::string CommerceStep::comment(const JournalEntry& row, const CommerceOrder& order,
                                  const CommerceStepRow& out) {
    const std::string& wanted = m_client.settings().cancel_status;
    const std::string status = !wanted.empty()         ? wanted
                               : !order.status.empty() ? order.status
                                                       : default_status_of(order.state);
    const std::string text = commerce_cancel_comment(
        row.order_id, row.reason, what_was_done(parse_commerce_action(out.action), out.creditmemo_id, order));
    try {
        m_client.add_comment(order.entity_id, status, text);
        return status;
    } catch (const Error& e) {
        if (e.kind() != ErrorKind::Usage || wanted.empty()) {
            throw;
        }
        throw Error(
            ErrorKind::Config,
            fmt::format("Magento refused cancel_status '{}' on order {}: {}", wanted, order.increment_id,
                        e.what()),
            fmt::format("a comment may set only a status assigned to the order's state: assign '{}' to the "
                        "state '{}' in Magento (Stores > Settings > Order Status > Assign Status to State), "
                        "or remove cancel_status from [profiles.NAME.commerce]; then run `asc cancellations "
                        "resume`",
                        wanted, order.state));
    }
}

void CommerceStep::recover_creditmemo_id(const CommerceOrder& order, CommerceStepRow& out) {
    if (out.action != "refunded" || !out.creditmemo_id.empty()) {
        return;
    }
    // The refund's answer was lost: its credit memo is the order's newest. Only for the record, so
    // a failure here never fails the step.
    try {
        if (const auto ids = m_client.find_creditmemos(order.entity_id); !ids.empty()) {
            out.creditmemo_id = std::to_string(ids.back());
        }
    } catch (const Error& e) {
        if (e.kind() == ErrorKind::Interrupted) {
            throw;
        }
        m_events.debug(fmt::format("commerce step {}: credit memo id not found: {}", out.order_id, e.what()));
    }
}

CommerceStepRow CommerceStep::update(const JournalEntry& row) {
    CommerceStepRow out{
        row.order_id, std::nullopt, "", "", row.commerce_action, row.commerce_creditmemo_id, "", ""};
    const auto found = m_client.find_linked_order(row.order_id);
    if (!found) {
        out.state = CommerceState::NoLink;
        out.message = "no Magento order is linked to this Amazon order";
        return out;
    }
    out.increment_id = found->increment_id;
    // Always a fresh, full read: the decision is made from it, never from what asc did before.
    CommerceOrder order = m_client.get_order(found->entity_id);
    if (m_options.on_step) {
        m_options.on_step("commerce-read");
    }
    const bool commented =
        std::any_of(order.history.begin(), order.history.end(), [&](const CommerceComment& c) {
            return is_commerce_cancel_comment(c.comment, row.order_id);
        });
    out.magento_status = order.status;
    if (!commented) {
        if (m_options.on_cancel == CommerceOnCancel::Comment) {
            out.action = std::string(to_string(CommerceAction::CommentOnly));
        } else {
            order = close_out(row, std::move(order), out);
            if (out.action.empty()) {
                out.action = std::string(to_string(CommerceAction::NothingToDo));
            }
            recover_creditmemo_id(order, out);
        }
        out.magento_status = comment(row, order, out);
    } else if (out.action.empty()) {
        // The comment's answer was lost before any action was on record: none was taken.
        out.action = std::string(to_string(m_options.on_cancel == CommerceOnCancel::Comment
                                               ? CommerceAction::CommentOnly
                                               : CommerceAction::NothingToDo));
    } else {
        recover_creditmemo_id(order, out);
    }
    out.state = CommerceState::Done;
    out.magento_state = order.state;
    out.message =
        commented ? fmt::format("Magento order {} already has asc's comment (state {}); not sent again",
                                order.increment_id, order.state)
                  : fmt::format("Magento order {}: {}", order.increment_id,
                                what_was_done(parse_commerce_action(out.action), out.creditmemo_id, order));
    return out;
}

JournalEntry CommerceStep::reread(const JournalEntry& row) {
    const auto latest = m_store.journal_latest(std::span<const std::string>(&row.order_id, 1));
    const auto it = latest.find(row.order_id);
    return it != latest.end() && it->second.id == row.id ? it->second : row;
}

CommerceStepResult CommerceStep::run(const std::vector<JournalEntry>& rows) {
    CommerceStepResult result;
    result.rows.reserve(rows.size());
    int& failures_in_a_row = m_failures_in_a_row; // goes on across calls (a batch in parts)
    result.error = m_stopped;
    for (const JournalEntry& row : rows) {
        if (!needs_commerce_step(row)) {
            result.rows.push_back(unchanged_row(row));
            continue;
        }
        if (result.error || failures_in_a_row >= m_options.give_up_after) {
            CommerceStepRow later{row.order_id,        CommerceState::Pending,     "", "",
                                  row.commerce_action, row.commerce_creditmemo_id, "", ""};
            later.message = result.error
                                ? "not attempted"
                                : fmt::format("not attempted: the commerce system (Magento) failed {} times "
                                              "in a row",
                                              failures_in_a_row);
            result.rows.push_back(std::move(later));
            continue;
        }
        CommerceStepRow attempt{
            row.order_id, std::nullopt, "", "", row.commerce_action, row.commerce_creditmemo_id, "", ""};
        try {
            if (interrupted()) {
                throw Error(ErrorKind::Interrupted, "interrupted");
            }
            // Read, decided and journaled while no other run (another host's) updates this order.
            const SyncLock order_lock = m_store.lock_commerce_order(row.order_id, m_options.order_lock_wait);
            // Read again under the lock: another run may have done this order's step while this
            // one waited, and its record (the action, the credit memo) stands.
            if (const JournalEntry current = reread(row); !needs_commerce_step(current)) {
                CommerceStepRow same = unchanged_row(current);
                same.message = "the Magento step was done by another run meanwhile";
                result.rows.push_back(std::move(same));
                continue;
            }
            CommerceStepRow done = update(row);
            journal(row, done.state, &done);
            failures_in_a_row = 0;
            m_events.debug(fmt::format("commerce step {}: {} {}", row.order_id,
                                       done.state ? to_string(*done.state) : std::string_view(),
                                       done.action));
            result.rows.push_back(std::move(done));
        } catch (const Error& e) {
            if (e.kind() == ErrorKind::Interrupted) {
                result.error = e;
                m_stopped = e;
                attempt.state = CommerceState::Pending;
                attempt.message = "not attempted (interrupted)";
                result.rows.push_back(std::move(attempt));
                continue;
            }
            journal(row, CommerceState::Failed);
            attempt.state = CommerceState::Failed;
            attempt.message = e.hint().empty() ? e.what() : fmt::format("{} ({})", e.what(), e.hint());
            // The journal may hold an action written by close_out: show it.
            const std::string id = row.order_id;
            const auto latest = m_store.journal_latest(std::span<const std::string>(&id, 1));
            if (const auto it = latest.find(id); it != latest.end()) {
                attempt.action = it->second.commerce_action;
                attempt.creditmemo_id = it->second.commerce_creditmemo_id;
            }
            result.rows.push_back(std::move(attempt));
            if (e.kind() == ErrorKind::Auth || e.kind() == ErrorKind::Config) {
                result.error = e; // every other update would be refused the same way
                m_stopped = e;
                continue;
            }
            if (e.kind() == ErrorKind::Refused) {
                continue; // this order's answer, not a sign that Magento is down
            }
            ++failures_in_a_row;
            if (failures_in_a_row == m_options.give_up_after) {
                m_events.note(
                    fmt::format("the commerce system (Magento) failed {} times in a row; the remaining "
                                "orders are left for `asc cancellations resume`",
                                failures_in_a_row));
            }
        }
    }
    return result;
}

} // namespace asc
