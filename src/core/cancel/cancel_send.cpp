// The cancel service, sending half: journal every order before anything is sent, then per feed
// createFeedDocument, upload, `submitting`, createFeed, `submitted`; then wait for the results
// (cancel_results.cpp) and turn the plan into one row per order.

#include "asc/base/strings.hpp"
#include "asc/amazon/ack_feed.hpp"
#include "asc/base/interrupt.hpp"
#include "asc/cancel/cancel.hpp"
#include "cancel_internal.hpp"

#include <fmt/format.h>
#include <utility>

namespace asc {

namespace {

CancelRow row_of(const CancelPlanItem& item) {
    return {item.order_id, item.outcome,     std::string(to_string(item.reason)),
            item.feed_id,  item.result_code, item.message};
}

// A failure of createFeed that proves Amazon did not create the feed: it answered with a 4xx
// (400 invalid, 401/403 refused, 429 throttled before processing). Anything else (no answer, a
// 5xx, an unreadable 2xx) may have created it.
bool definitely_not_created(const Error& e) {
    const auto* api = dynamic_cast<const ApiError*>(&e);
    return api != nullptr && api->http_status() >= 400 && api->http_status() < 500;
}

// Runs a journal write that comes before createFeed. If it fails (a full disk, a read-only
// store), no cancellation has reached Amazon yet, and the message says so.
template <class Write>
void before_create_feed(Write&& write) {
    try {
        std::forward<Write>(write)();
    } catch (const Error& e) {
        if (e.kind() == ErrorKind::Interrupted) {
            throw;
        }
        throw Error(e.kind(), std::string(e.what()) + "; no cancellation was sent to Amazon", e.hint());
    }
}

} // namespace

void CancelService::send(Flight& flight, const std::map<std::string, const CancelPlanItem*>& items) {
    std::vector<AckMessage> messages;
    messages.reserve(flight.rows.size());
    for (const Flight::Row& row : flight.rows) {
        const CancelPlanItem& item = *items.at(row.order_id);
        messages.push_back(ack_message_for(*item.order, item.reason, row.message_id));
    }
    const std::string xml = build_ack_feed(m_options.seller_id, messages);
    auto change_all = [&](JournalChange proto) {
        std::vector<JournalChange> changes;
        changes.reserve(flight.rows.size());
        for (const Flight::Row& row : flight.rows) {
            proto.id = row.journal_id;
            changes.push_back(proto);
        }
        m_store.journal_update(changes, now());
    };

    m_events.note(fmt::format("sending the cancellation of {} (feed {} of batch {})",
                              count_noun(static_cast<long long>(flight.rows.size()), "order"), flight.feed_seq, flight.batch_id));
    const FeedDocument document = m_feeds.create_feed_document(std::string(k_ack_content_type));
    flight.feed_document_id = document.feed_document_id;
    before_create_feed([&] { change_all({.feed_document_id = document.feed_document_id}); });
    step("after-document");
    m_feeds.upload(document, k_ack_content_type, xml);
    step("after-upload");

    // From here on createFeed may reach Amazon: the journal says so first.
    flight.submitted_at = now();
    flight.state = "submitting";
    before_create_feed(
        [&] { change_all({.state = std::string("submitting"), .submitted_at = flight.submitted_at}); });
    step("before-create-feed");
    std::string feed_id;
    try {
        feed_id =
            m_feeds.create_feed(std::string(k_ack_feed_type), flight.marketplaces(m_options.marketplace_ids),
                                document.feed_document_id);
    } catch (const Error& e) {
        if (e.kind() == ErrorKind::Interrupted) {
            throw; // `submitting` stays: the next run looks the feed up before sending anything
        }
        if (definitely_not_created(e)) {
            // Nothing reached Amazon: back to planned, so a rerun or resume sends it.
            flight.state = "planned";
            change_all({.state = std::string("planned"),
                        .feed_document_id = std::string(),
                        .submitted_at = std::optional<Timestamp>{}});
            throw;
        }
        // It may have reached Amazon: find out now, without sending it again.
        std::vector<Flight> one{flight};
        try {
            resolve_submitting(one, false);
        } catch (const Error& lookup) {
            if (lookup.kind() == ErrorKind::Interrupted) {
                throw;
            }
        }
        flight = std::move(one.front());
        if (flight.state != "submitted") {
            throw Error(
                e.kind(), e.what(),
                flight.state == "planned"
                    ? "Amazon did not receive the feed; run the command again or `asc cancellations resume`"
                    : "it is not known whether Amazon received the feed; `asc cancellations resume` finds "
                      "out before anything is sent again");
        }
        return; // adopted: Amazon had created it after all
    }
    step("after-create-feed");
    flight.feed_id = feed_id;
    flight.state = "submitted";
    change_all({.state = std::string("submitted"), .feed_id = feed_id});
    step("after-submit");
    m_events.note(fmt::format("feed {} sent with {}", feed_id, count_noun(static_cast<long long>(flight.rows.size()), "order")));
}

CancelResult CancelService::execute(const CancelPlan& plan) {
    CancelResult result;
    result.recovered = plan.recovered;
    if (m_options.dry_run) {
        for (const CancelPlanItem& item : plan.items) {
            result.rows.push_back(row_of(item));
        }
        return result;
    }

    std::vector<const CancelPlanItem*> sendable;
    std::map<std::string, const CancelPlanItem*> by_id;
    for (const CancelPlanItem& item : plan.items) {
        if (item.outcome == CancelOutcome::WouldCancel) {
            sendable.push_back(&item);
            by_id.emplace(item.order_id, &item);
        }
    }
    if (!sendable.empty() && m_options.seller_id.empty()) {
        throw Error(
            ErrorKind::Config,
            "no seller id: the cancellation feed must name your seller (merchant) id as MerchantIdentifier",
            "set seller_id in the profile (asc config) or the environment variable ASC_SELLER_ID");
    }

    // Journal every order before anything is sent, in one transaction.
    const Timestamp t = now();
    const std::string batch = make_batch_id(t);
    const std::size_t per_feed = m_options.max_messages_per_feed;
    std::vector<Flight> flights((sendable.size() + per_feed - 1) / per_feed);
    std::vector<JournalEntry> rows;
    std::vector<std::pair<std::size_t, std::size_t>> slots; // (flight, row) of each planned journal row
    std::size_t sent_index = 0;
    for (const CancelPlanItem& item : plan.items) {
        JournalEntry e;
        e.id = item.journal_id;
        e.order_id = item.order_id;
        e.reason = std::string(to_string(item.reason));
        e.batch_id = batch;
        e.created_at = t;
        e.updated_at = t;
        e.run_by = m_options.run_by;
        e.marketplace_id = item.order ? item.order->marketplace_id : std::string();
        e.result_message = item.message;
        switch (item.outcome) {
        case CancelOutcome::WouldCancel: {
            const std::size_t f = sent_index / per_feed;
            Flight& flight = flights[f];
            flight.batch_id = batch;
            flight.feed_seq = static_cast<int>(f + 1);
            flight.state = "planned";
            e.state = "planned";
            e.feed_seq = flight.feed_seq;
            e.message_id = static_cast<std::int64_t>(sent_index % per_feed + 1);
            e.result_message.clear();
            flight.rows.push_back(
                {0, item.order_id, static_cast<std::uint64_t>(*e.message_id), e.reason, e.marketplace_id});
            slots.emplace_back(f, flight.rows.size() - 1);
            ++sent_index;
            break;
        }
        case CancelOutcome::Refused:
            e.state = "refused";
            break;
        case CancelOutcome::AlreadyCanceled:
            e.state = item.fresh ? "already_canceled" : "";
            break;
        case CancelOutcome::NotFound:
        case CancelOutcome::Failed:
            // Only a planned row of an interrupted run needs closing; otherwise nothing was attempted.
            e.state = item.journal_id != 0 ? "failed" : "";
            break;
        default:
            e.state.clear();
            break;
        }
        if (!e.state.empty()) {
            rows.push_back(std::move(e));
            if (rows.back().state != "planned") {
                slots.emplace_back(SIZE_MAX, 0);
            }
        }
    }
    std::vector<std::int64_t> ids;
    before_create_feed([&] { ids = m_store.journal_write(rows); });
    for (std::size_t i = 0; i < ids.size(); ++i) {
        if (slots[i].first != SIZE_MAX) {
            flights[slots[i].first].rows[slots[i].second].journal_id = ids[i];
        }
    }
    if (!flights.empty()) {
        step("after-plan");
    }

    for (Flight& flight : flights) {
        if (result.error) {
            break; // the rest stays planned for a rerun or resume
        }
        try {
            send(flight, by_id);
            if (!flight.feed_id.empty()) {
                result.feed_ids.push_back(flight.feed_id);
            }
        } catch (const Error& e) {
            if (e.kind() == ErrorKind::Interrupted) {
                throw;
            }
            result.error = e;
        }
    }
    if (m_options.wait) {
        for (Flight& flight : flights) {
            if (flight.state != "submitted") {
                continue;
            }
            try {
                if (!collect(flight, true)) {
                    result.timed_out = true;
                    flight.pending_reason =
                        fmt::format("Amazon is still processing feed {} after {}", flight.feed_id,
                                    duration_text(m_options.wait_timeout));
                }
            } catch (const Error& e) {
                if (e.kind() == ErrorKind::Interrupted) {
                    throw;
                }
                flight.pending_reason = fmt::format("sent in feed {}, but its result could not be read ({})",
                                                    flight.feed_id, e.what());
                if (!result.error) {
                    result.error = e;
                }
            }
        }
    }

    // One row per plan item.
    std::map<std::string, CancelRow> sent;
    const std::string why = result.error ? std::string(result.error->what()) : std::string();
    for (const Flight& flight : flights) {
        for (std::size_t i = 0; i < flight.rows.size(); ++i) {
            const Flight::Row& row = flight.rows[i];
            CancelRow out;
            if (flight.state == "done" && i < flight.outcomes.size()) {
                out = flight.outcomes[i];
            } else if (flight.state == "submitted") {
                out = {
                    row.order_id,
                    CancelOutcome::Submitted,
                    row.reason,
                    flight.feed_id,
                    "",
                    !flight.pending_reason.empty()
                        ? flight.pending_reason + "; `asc cancellations resume` collects the result"
                        : fmt::format("sent in feed {}; `asc feeds show {}` shows its result when Amazon has "
                                      "processed it",
                                      flight.feed_id, flight.feed_id)};
            } else if (flight.state == "submitting") {
                out = {row.order_id,
                       CancelOutcome::Failed,
                       row.reason,
                       "",
                       "",
                       fmt::format("not known whether Amazon received it ({}); run the command again or `asc "
                                   "cancellations resume`: they find out before sending anything again",
                                   why)};
            } else {
                out = {row.order_id,
                       CancelOutcome::Failed,
                       row.reason,
                       "",
                       "",
                       fmt::format("not sent{}; run the command again or `asc cancellations resume`",
                                   why.empty() ? std::string() : " (" + why + ")")};
            }
            sent.emplace(row.order_id, std::move(out));
        }
    }
    for (const CancelPlanItem& item : plan.items) {
        if (item.outcome == CancelOutcome::WouldCancel) {
            result.rows.push_back(sent.at(item.order_id));
        } else {
            result.rows.push_back(row_of(item));
        }
    }
    return result;
}

} // namespace asc
