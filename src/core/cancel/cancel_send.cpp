// The cancel service, sending half: journal every order before anything is sent, then per feed
// createFeedDocument, upload, `submitting`, createFeed, `submitted`; then wait for the results
// (cancel_results.cpp) and turn the plan into one row per order.

#include "asc/amazon/ack_feed.hpp"
#include "asc/base/interrupt.hpp"
#include "asc/base/strings.hpp"
#include "asc/base/temp_file.hpp"
#include "asc/cancel/cancel.hpp"
#include "cancel_internal.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <utility>

namespace asc {

namespace {

// A failure of createFeed that proves Amazon did not create the feed: it answered with a 4xx
// (400 invalid, 401/403 refused, 429 throttled before processing). Anything else (no answer, a
// 5xx, an unreadable 2xx) may have created it.
bool definitely_not_created(const Error& e) {
    const auto* api = dynamic_cast<const ApiError*>(&e);
    return api != nullptr && api->http_status() >= 400 && api->http_status() < 500;
}

// Runs a journal write that comes before createFeed. If it fails (a full disk, a read-only
// store), no cancellation has reached Amazon yet, and the message says so.
template <class Write> void before_create_feed(Write&& write) {
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

void CancelService::settle_lost_answer(Flight& flight, const Error& lost) {
    std::vector<Flight> one{flight};
    try {
        resolve_unknown(one, m_options.wait);
    } catch (const Error& e) {
        if (e.kind() == ErrorKind::Interrupted) {
            throw;
        }
        m_events.note(
            fmt::format("could not check the orders after the lost createFeed answer: {}", e.what()));
    }
    flight = std::move(one.front());
    FeedProgress& progress = flight.progress;
    progress.settled = true;
    progress.feed_id.clear();
    progress.outcome = CancelOutcome::Failed;
    progress.result_code.clear();
    progress.message =
        fmt::format("not known whether Amazon received it ({}); not sent again: run the command again or "
                    "`asc cancellations resume`, they find out before sending anything",
                    lost.what());
    bool all_canceled = true;
    bool any_pending = false;
    for (const Flight::Row& row : flight.rows) {
        if (!row.resolution) {
            any_pending = true;
        } else {
            progress.own[row.message_id] = row.outcome();
        }
        all_canceled = all_canceled && row.resolution == JournalState::Canceled;
    }
    if (!all_canceled) {
        throw Error(ErrorKind::Temporary, lost.what(),
                    any_pending
                        ? "it is not known yet whether Amazon received the feed; `asc cancellations "
                          "resume` finds out before anything is sent again"
                        : "run the command again or `asc cancellations resume`: they send what Amazon did "
                          "not receive");
    }
    m_events.note(fmt::format("createFeed's answer was lost, but Amazon shows all {} order(s) Canceled",
                              flight.rows.size()));
}

void CancelService::send(Flight& flight, const CancelPlan& plan, const Batch& batch) {
    // The document goes to a temporary file a message at a time and is uploaded from there: a
    // feed of 10,000 orders is never held in memory (the file is gone on any way out).
    TempFile document_file("feed");
    {
        AckFeedWriter writer(m_options.seller_id, [&document_file](std::string_view bytes) { document_file.write(bytes); });
        const std::size_t first = static_cast<std::size_t>(flight.feed_seq - batch.first_feed_seq) * batch.per_feed;
        std::vector<std::string> item_ids; // reused for every message
        for (std::size_t i = 0; i < flight.rows.size(); ++i) {
            const CancelPlanItem& item = plan.items[batch.sendable[first + i]];
            plan.target_of(item)->item_ids(item_ids);
            writer.add(flight.rows[i].message_id, item.order_id, item_ids, item.reason);
        }
        writer.finish();
        document_file.flush();
    }
    std::vector<std::int64_t> journal_ids; // the flight's rows, for the changes that move them together
    journal_ids.reserve(flight.rows.size());
    for (const Flight::Row& row : flight.rows) {
        journal_ids.push_back(row.journal_id);
    }
    submit(flight, document_file, journal_ids, flight.marketplaces(m_options.marketplace_ids), {});
}

void CancelService::submit(Flight& flight, TempFile& document_file, const std::vector<std::int64_t>& journal_ids,
                           const std::vector<std::string>& marketplaces, const std::function<void(Flight&)>& load) {
    auto change_all = [&](const JournalChange& change) { m_store.journal_update_each(journal_ids, change, now()); };
    const auto orders = static_cast<long long>(journal_ids.size());

    m_events.note(fmt::format("sending the cancellation of {} (feed {} of batch {})", count_noun(orders, "order"),
                              flight.feed_seq, flight.batch_id));
    const FeedDocument document = m_feeds.create_feed_document(std::string(k_ack_content_type));
    flight.feed_document_id = document.feed_document_id;
    before_create_feed([&] { change_all({.feed_document_id = document.feed_document_id}); });
    step("after-document");
    m_feeds.upload_file(document, k_ack_content_type, BodyFile{document_file.fd(), document_file.size()});
    step("after-upload");

    // From here on createFeed may reach Amazon: right before each attempt goes out the journal
    // says so, with the send time and the timeout it goes out with (recovery's grace period).
    bool first_attempt = true;
    auto before_send = [&] {
        flight.submitted_at = now();
        flight.send_timeout = m_options.request_timeout;
        flight.progress.state = FlightState::Submitting;
        before_create_feed([&] {
            change_all({.state = JournalState::Submitting,
                        .submitted_at = flight.submitted_at,
                        .send_timeout = flight.send_timeout});
        });
        if (std::exchange(first_attempt, false)) {
            step("before-create-feed");
        }
    };
    std::string feed_id;
    try {
        feed_id =
            m_feeds.create_feed(std::string(k_ack_feed_type), marketplaces, document.feed_document_id, before_send);
    } catch (const Error& e) {
        if (e.kind() == ErrorKind::Interrupted || flight.progress.state == FlightState::Planned) {
            throw; // planned: it never went out; submitting: the next run finds out before sending
        }
        if (definitely_not_created(e)) {
            // Nothing reached Amazon: back to planned, so a rerun or resume sends it.
            flight.progress.state = FlightState::Planned;
            change_all({.state = JournalState::Planned,
                        .feed_document_id = std::string(),
                        .submitted_at = std::optional<Timestamp>{},
                        .send_timeout = std::optional<std::chrono::milliseconds>{}});
            throw;
        }
        if (flight.rows.empty() && load) {
            load(flight); // a chunked run's rows wait in its spill
        }
        settle_lost_answer(flight, e);
        return;
    }
    step("after-create-feed");
    flight.progress.feed_id = feed_id;
    flight.progress.state = FlightState::Submitted;
    change_all({.state = JournalState::Submitted, .feed_id = feed_id});
    step("after-submit");
    m_events.note(fmt::format("feed {} sent with {}", feed_id, count_noun(orders, "order")));
}

CancelService::Batch CancelService::journal_plan(CancelPlan& plan, std::string batch_id, int first_feed_seq,
                                                std::size_t first_message) {
    Batch batch;
    const Timestamp t = now();
    batch.batch_id = batch_id.empty() ? make_batch_id(t) : std::move(batch_id);
    batch.first_feed_seq = first_feed_seq;
    batch.per_feed = m_options.max_messages_per_feed;
    std::vector<std::size_t> journaled; // plan item index of each journal row written
    for (std::size_t i = 0; i < plan.items.size(); ++i) {
        const CancelPlanItem& item = plan.items[i];
        // Only a planned row of an interrupted run needs closing when the order is not sent;
        // otherwise nothing was attempted and nothing is journaled.
        const bool closes =
            (item.outcome == CancelOutcome::NotFound || item.outcome == CancelOutcome::Failed) &&
            item.journal_id != 0;
        if (item.outcome == CancelOutcome::WouldCancel || item.outcome == CancelOutcome::Refused ||
            (item.outcome == CancelOutcome::AlreadyCanceled && item.fresh) || closes) {
            journaled.push_back(i);
        }
    }
    // One row at a time, all in one transaction, before anything is sent; each order is claimed
    // (written) only if its journal is still as the plan read it. Planned rows are numbered in the
    // order they are claimed.
    auto row = [&](std::size_t k, std::size_t claimed) {
        const CancelPlanItem& item = plan.items[journaled[k]];
        const CancelTarget* target = plan.target_of(item);
        JournalEntry e;
        e.id = item.journal_id;
        e.order_id = item.order_id;
        e.reason = std::string(to_string(item.reason));
        e.batch_id = batch.batch_id;
        e.created_at = t;
        e.updated_at = t;
        e.run_by = m_options.run_by;
        e.marketplace_id = target != nullptr ? target->marketplace_id : std::string();
        e.result_message = item.message;
        switch (item.outcome) {
        case CancelOutcome::WouldCancel:
            e.state = JournalState::Planned;
            e.feed_seq = static_cast<int>((first_message + claimed) / batch.per_feed) + first_feed_seq;
            e.message_id = static_cast<std::int64_t>((first_message + claimed) % batch.per_feed + 1);
            e.result_message.clear();
            break;
        case CancelOutcome::Refused:
            e.state = JournalState::Refused;
            break;
        case CancelOutcome::AlreadyCanceled:
            e.state = JournalState::AlreadyCanceled;
            break;
        default:
            e.state = JournalState::Failed;
            break;
        }
        return JournalClaim{std::move(e), item.seen_journal};
    };
    std::vector<std::int64_t> ids;
    before_create_feed([&] { ids = m_store.journal_claim(journaled.size(), row); });
    for (std::size_t k = 0; k < ids.size(); ++k) {
        CancelPlanItem& item = plan.items[journaled[k]];
        if (ids[k] == 0) {
            // Another run wrote the order's journal since the plan read it: it handles the order.
            item.outcome = CancelOutcome::Elsewhere;
            item.message = "claimed by another run while this one planned it";
            item.feed_id.clear();
        } else if (item.outcome == CancelOutcome::WouldCancel) {
            batch.sendable.push_back(journaled[k]);
            batch.journal_ids.push_back(ids[k]);
        }
    }
    batch.flights.resize((batch.sendable.size() + batch.per_feed - 1) / batch.per_feed);
    for (std::size_t f = 0; f < batch.flights.size(); ++f) {
        batch.flights[f].batch_id = batch.batch_id;
        batch.flights[f].feed_seq = static_cast<int>(f) + first_feed_seq;
    }
    return batch;
}

void CancelService::load_rows(const CancelPlan& plan, Batch& batch, std::size_t index) {
    Flight& flight = batch.flights[index];
    const std::size_t first = index * batch.per_feed;
    const std::size_t last = std::min(first + batch.per_feed, batch.sendable.size());
    flight.rows.clear();
    flight.rows.reserve(last - first);
    for (std::size_t k = first; k < last; ++k) {
        const CancelPlanItem& item = plan.items[batch.sendable[k]];
        const CancelTarget* target = plan.target_of(item);
        flight.rows.push_back({batch.journal_ids[k], item.order_id, static_cast<std::uint64_t>(k - first + 1),
                               std::string(to_string(item.reason)),
                               target != nullptr ? target->marketplace_id : std::string()});
    }
}

void CancelService::send_all(const CancelPlan& plan, Batch& batch, CancelResult& result) {
    for (std::size_t f = 0; f < batch.flights.size() && !result.error; ++f) {
        // After an error the rest stays planned for a rerun or resume.
        Flight& flight = batch.flights[f];
        load_rows(plan, batch, f);
        try {
            send(flight, plan, batch);
            if (!flight.progress.feed_id.empty()) {
                result.feed_ids.push_back(flight.progress.feed_id);
            }
        } catch (const Error& e) {
            if (e.kind() == ErrorKind::Interrupted) {
                throw;
            }
            result.error = e;
        }
        release(flight.rows);
    }
}

void CancelService::await_all(const CancelPlan& plan, Batch& batch, CancelResult& result) {
    for (std::size_t f = 0; f < batch.flights.size(); ++f) {
        Flight& flight = batch.flights[f];
        if (flight.progress.state != FlightState::Submitted || flight.progress.settled) {
            continue;
        }
        load_rows(plan, batch, f);
        await_flight(flight, result);
        release(flight.rows);
    }
}

void CancelService::await_flight(Flight& flight, CancelResult& result) {
    try {
        if (!collect(flight, true)) {
            result.timed_out = true;
            flight.progress.pending_reason =
                fmt::format("Amazon is still processing feed {} after {}", flight.progress.feed_id,
                            duration_text(m_options.wait_timeout));
        }
    } catch (const Error& e) {
        if (e.kind() == ErrorKind::Interrupted) {
            throw;
        }
        flight.progress.pending_reason = fmt::format("sent in feed {}, but its result could not be read ({})",
                                                     flight.progress.feed_id, e.what());
        if (!result.error) {
            result.error = e;
        }
    }
}

void CancelService::require_seller_id() const {
    if (m_options.seller_id.empty()) {
        throw Error(
            ErrorKind::Config,
            "no seller id: the cancellation feed must name your seller (merchant) id as MerchantIdentifier",
            "set seller_id in the profile (asc config) or the environment variable ASC_SELLER_ID");
    }
}

CancelResult CancelService::execute(const CancelPlan& plan) {
    return execute(CancelPlan(plan));
}

CancelResult CancelService::execute(CancelPlan&& plan, const CancelRowSink& sink) {
    CancelResult result;
    const auto deliver = [&](CancelRow&& row) { deliver_row(result, sink, std::move(row)); };
    // Rows in plan order, except the orders another run handles: they come last, once their
    // outcome there is known or the bounded wait for it is over.
    std::vector<CancelRow> elsewhere;
    const auto emit = [&](CancelRow&& row) {
        if (row.outcome == CancelOutcome::Elsewhere) {
            elsewhere.push_back(std::move(row));
        } else {
            deliver(std::move(row));
        }
    };
    const auto emit_elsewhere = [&](bool await, bool may_wait) {
        if (await && !elsewhere.empty()) {
            await_elsewhere(elsewhere, may_wait);
        }
        for (CancelRow& row : elsewhere) {
            deliver(std::move(row));
        }
    };
    if (!sink) {
        result.rows.reserve(plan.items.size());
    }
    result.recovered = std::move(plan.recovered);
    const bool sends = plan.count(CancelOutcome::WouldCancel) > 0;
    if (m_options.dry_run || !sends) {
        if (!m_options.dry_run) {
            Batch batch = journal_plan(plan); // refused / already canceled / closed rows
            (void)batch;
        }
        release(plan.targets);
        each_cancel_row(plan.items, {}, 1, "", emit);
        emit_elsewhere(!m_options.dry_run, m_options.wait);
        return result;
    }
    require_seller_id();
    Batch batch = journal_plan(plan);
    step("after-plan");
    send_all(plan, batch, result);
    release(plan.targets); // every feed is built: the fresh state is not needed any more
    if (m_options.wait) {
        await_all(plan, batch, result);
    }
    std::vector<FeedProgress> feeds;
    feeds.reserve(batch.flights.size());
    for (Flight& flight : batch.flights) {
        feeds.push_back(std::move(flight.progress));
    }
    batch = {};
    const std::string why = result.error ? std::string(result.error->what()) : std::string();
    each_cancel_row(plan.items, feeds, m_options.max_messages_per_feed, why, emit);
    emit_elsewhere(true, m_options.wait && !result.error);
    return result;
}

} // namespace asc
