// The commerce step of a cancellation: the linked Magento order follows the Amazon cancellation,
// once, journaled per order (see include/asc/commerce_step.hpp).

#include "asc/commerce/commerce_step.hpp"

#include "asc/amazon/cancel_reason.hpp"
#include "asc/base/interrupt.hpp"

#include <algorithm>
#include <fmt/format.h>

namespace asc {

namespace {

std::string marker(std::string_view amazon_order_id) {
    return fmt::format("[asc] Amazon order {} was canceled on Amazon", amazon_order_id);
}

} // namespace

std::size_t CommerceStepResult::count(std::string_view state) const {
    return static_cast<std::size_t>(
        std::count_if(rows.begin(), rows.end(), [state](const CommerceStepRow& r) { return r.state == state; }));
}

bool needs_commerce_step(const JournalEntry& row) {
    return row.state == "canceled" && (row.commerce_state == "pending" || row.commerce_state == "failed");
}

std::string commerce_cancel_comment(std::string_view amazon_order_id, std::string_view reason,
                                    std::string_view status) {
    std::string why(reason);
    if (const auto parsed = parse_cancel_reason(reason)) {
        why = fmt::format("{} ({})", to_string(*parsed), describe(*parsed));
    }
    return fmt::format("{} with reason {}; asc set this order's status to {}.", marker(amazon_order_id), why, status);
}

bool is_commerce_cancel_comment(std::string_view comment, std::string_view amazon_order_id) {
    return comment.find(marker(amazon_order_id)) != std::string_view::npos;
}

CommerceStep::CommerceStep(CommerceClient& client, Store& store, Clock& clock, Events& events,
                           CommerceStepOptions options)
    : m_client(client), m_store(store), m_clock(clock), m_events(events), m_options(options) {}

void CommerceStep::journal(const JournalEntry& row, const std::string& state) {
    JournalChange c;
    c.id = row.id;
    c.commerce_state = state;
    m_store.journal_update(std::span<const JournalChange>(&c, 1),
                           std::chrono::floor<std::chrono::seconds>(m_clock.wall_now()));
}

CommerceStepRow CommerceStep::update(const JournalEntry& row) {
    CommerceStepRow out{row.order_id, "", "", ""};
    const std::string& status = m_client.settings().cancel_status;
    auto order = m_client.find_linked_order(row.order_id);
    if (!order) {
        out.state = "no_link";
        out.message = "no Magento order is linked to this Amazon order";
        return out;
    }
    out.increment_id = order->increment_id;
    if (!order->has_history) {
        *order = m_client.get_order(order->entity_id);
    }
    const bool already = std::any_of(order->history.begin(), order->history.end(), [&](const CommerceComment& c) {
        return is_commerce_cancel_comment(c.comment, row.order_id);
    });
    if (already) {
        out.state = "done";
        out.message = fmt::format("Magento order {} already has asc's comment (status {}); not sent again",
                                  order->increment_id, order->status);
        return out;
    }
    m_client.set_status(order->entity_id, status, commerce_cancel_comment(row.order_id, row.reason, status));
    out.state = "done";
    out.message = fmt::format("Magento order {} set to {}", order->increment_id, status);
    return out;
}

CommerceStepResult CommerceStep::run(const std::vector<JournalEntry>& rows) {
    CommerceStepResult result;
    result.rows.reserve(rows.size());
    int failures_in_a_row = 0;
    for (const JournalEntry& row : rows) {
        if (!needs_commerce_step(row)) {
            result.rows.push_back({row.order_id, row.commerce_state, "", ""});
            continue;
        }
        if (result.error || failures_in_a_row >= m_options.give_up_after) {
            result.rows.push_back(
                {row.order_id, "pending", "",
                 result.error ? "not attempted"
                              : fmt::format("not attempted: the commerce system (Magento) failed {} times in a row",
                                            failures_in_a_row)});
            continue;
        }
        try {
            if (interrupted()) {
                throw Error(ErrorKind::Interrupted, "interrupted");
            }
            CommerceStepRow done = update(row);
            journal(row, done.state);
            failures_in_a_row = 0;
            m_events.debug(fmt::format("commerce step {}: {}", row.order_id, done.state));
            result.rows.push_back(std::move(done));
        } catch (const Error& e) {
            if (e.kind() == ErrorKind::Interrupted) {
                result.error = e;
                result.rows.push_back({row.order_id, "pending", "", "not attempted (interrupted)"});
                continue;
            }
            journal(row, "failed");
            result.rows.push_back({row.order_id, "failed", "", e.what()});
            if (e.kind() == ErrorKind::Auth) {
                result.error = e; // every other update would be refused the same way
                continue;
            }
            ++failures_in_a_row;
            if (failures_in_a_row == m_options.give_up_after) {
                m_events.note(fmt::format("the commerce system (Magento) failed {} times in a row; the remaining "
                                          "orders are left for `asc cancellations resume`",
                                          failures_in_a_row));
            }
        }
    }
    return result;
}

} // namespace asc
