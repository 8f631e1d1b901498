// The ship service's feed path: one POST_ORDER_FULFILLMENT_DATA feed for a batch, reconciled from
// the processing report message by message (include/asc/ship/ship.hpp, step 6).

#include "asc/amazon/ack_feed.hpp"
#include "asc/base/interrupt.hpp"
#include "asc/base/strings.hpp"
#include "asc/base/temp_file.hpp"
#include "asc/ship/ship.hpp"
#include "ship_internal.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <map>

namespace asc {

namespace {

bool definitely_not_created(const Error& e) {
    const auto* api = dynamic_cast<const ApiError*>(&e);
    return api != nullptr && api->http_status() >= 400 && api->http_status() < 500;
}

} // namespace

void ShipService::send_feed(std::vector<ShipEntry>& rows, ShipResult& result) {
    std::vector<ShipEntry*> planned;
    std::vector<std::string> marketplaces;
    for (ShipEntry& e : rows) {
        if (e.state == ShipState::Planned) {
            planned.push_back(&e);
            if (!e.marketplace_id.empty() &&
                std::find(marketplaces.begin(), marketplaces.end(), e.marketplace_id) == marketplaces.end()) {
                marketplaces.push_back(e.marketplace_id);
            }
        }
    }
    if (planned.empty()) {
        return;
    }
    std::sort(marketplaces.begin(), marketplaces.end());
    if (marketplaces.empty()) {
        marketplaces = m_options.marketplace_ids;
    }
    auto change_all = [&](ShipChange proto) {
        std::vector<ShipChange> changes;
        for (const ShipEntry* e : planned) {
            proto.id = e->id;
            changes.push_back(proto);
        }
        m_store.ship_journal_update(changes, now());
    };
    // The document goes to a temporary file a message at a time and is uploaded from there (the
    // file is gone on any way out).
    TempFile document_file("feed");
    {
        FulfillmentFeedWriter writer(m_options.seller_id,
                                     [&document_file](std::string_view bytes) { document_file.write(bytes); });
        for (const ShipEntry* e : planned) {
            writer.add(confirmation_of(*e), static_cast<std::uint64_t>(e->message_id.value_or(0)));
        }
        writer.finish();
        document_file.flush();
    }
    m_events.note(fmt::format("sending one fulfillment feed with {}", count_noun(static_cast<long long>(planned.size()), "package")));
    try {
        const FeedDocument document = m_feeds.create_feed_document(std::string(k_fulfillment_content_type));
        change_all({.feed_document_id = document.feed_document_id});
        step("after-document");
        m_feeds.upload_file(document, k_fulfillment_content_type, BodyFile{document_file.fd(), document_file.size()});
        step("after-upload");
        bool first = true;
        auto before_send = [&] {
            const Timestamp t = now();
            for (ShipEntry* e : planned) {
                e->state = ShipState::Sending;
                e->sent_at = t;
                e->send_timeout = m_options.request_timeout;
            }
            change_all({.state = ShipState::Sending, .sent_at = t, .send_timeout = m_options.request_timeout});
            if (std::exchange(first, false)) {
                step("before-create-feed");
            }
        };
        std::string feed_id;
        try {
            feed_id = m_feeds.create_feed(std::string(k_fulfillment_feed_type), marketplaces, document.feed_document_id,
                                          before_send);
        } catch (const Error& e) {
            if (e.kind() == ErrorKind::Interrupted || planned.front()->state == ShipState::Planned) {
                throw;
            }
            if (definitely_not_created(e)) {
                for (ShipEntry* r : planned) {
                    r->state = ShipState::Planned;
                }
                change_all({.state = ShipState::Planned,
                            .sent_at = std::optional<Timestamp>{},
                            .send_timeout = std::optional<std::chrono::milliseconds>{}});
                throw;
            }
            for (ShipEntry* r : planned) {
                r->result_message = fmt::format("not known whether Amazon received the feed ({}); not sent again: run "
                                                "the same command again, it finds out before sending anything",
                                                e.what());
            }
            result.error = Error(ErrorKind::Temporary, e.what(),
                                 "run the same command again: it checks the orders before sending anything again");
            return;
        }
        step("after-create-feed");
        for (ShipEntry* r : planned) {
            r->state = ShipState::Submitted;
            r->feed_id = feed_id;
        }
        change_all({.state = ShipState::Submitted, .feed_id = feed_id});
        result.feed_id = feed_id;
        step("after-submit");
    } catch (const Error& e) {
        if (e.kind() == ErrorKind::Interrupted) {
            throw;
        }
        if (planned.front()->state == ShipState::Planned) {
            result.error = Error(e.kind(), std::string(e.what()) + "; no shipment was sent to Amazon", e.hint());
            return;
        }
        throw;
    }
    std::vector<ShipRow> outcomes;
    collect_feed(planned, m_options.wait, outcomes);
}

// Reads the report of the rows' feed (waiting up to wait_timeout when `may_wait`) and journals
// each row's outcome; the confirmed orders become Shipped / PartiallyShipped in the store. Appends
// one row per entry to `out`. Returns false while the feed is still processing.
bool ShipService::collect_feed(std::vector<ShipEntry*>& rows, bool may_wait, std::vector<ShipRow>& out) {
    const std::string feed_id = rows.front()->feed_id;
    std::optional<Feed> feed;
    try {
        if (may_wait) {
            feed = wait_for_feed(m_feeds, feed_id, m_clock, m_options.wait_timeout,
                                 [&](const Feed&) { step("waiting"); }, m_options.poll_interval);
        } else {
            feed = m_feeds.get_feed(feed_id);
        }
    } catch (const Error& e) {
        if (e.kind() == ErrorKind::Interrupted) {
            throw;
        }
        for (ShipEntry* r : rows) {
            out.push_back(row_of(*r, ShipOutcome::Pending, fmt::format("feed {}: {}", feed_id, e.what())));
        }
        return false;
    }
    if (!feed->finished()) {
        for (ShipEntry* r : rows) {
            out.push_back(row_of(*r, ShipOutcome::Pending, fmt::format("feed {} is {}", feed_id, feed->processing_status)));
        }
        return false;
    }
    std::optional<ProcessingReport> report;
    if (feed->processing_status == "DONE" && !feed->result_document_id.empty()) {
        report = parse_processing_report(m_feeds.download(m_feeds.get_feed_document(feed->result_document_id)));
    }
    std::vector<ShipChange> changes;
    std::map<std::string, Order> orders;
    for (ShipEntry* r : rows) {
        if (!report) {
            r->state = ShipState::Failed;
            r->result_code = feed->processing_status;
            r->result_message = fmt::format("the feed ended {}", feed->processing_status);
        } else {
            const MessageOutcome o = outcome_of(*report, static_cast<std::uint64_t>(r->message_id.value_or(0)));
            r->state = o.succeeded ? ShipState::Confirmed : ShipState::Failed;
            r->result_code = o.message_code;
            r->result_message = o.description;
        }
        changes.push_back({.id = r->id,
                           .state = r->state,
                           .result_code = r->result_code,
                           .result_message = r->result_message,
                           .commerce_state = r->state == ShipState::Confirmed ? m_options.commerce_on_confirm
                                                                              : std::nullopt});
        if (r->state == ShipState::Confirmed) {
            auto it = orders.find(r->order_id);
            if (it == orders.end()) {
                if (auto stored = m_store.get_order(r->order_id)) {
                    it = orders.emplace(r->order_id, std::move(*stored)).first;
                } else if (const auto fresh = m_fresh.find(r->order_id); fresh != m_fresh.end()) {
                    it = orders.emplace(r->order_id, fresh->second).first;
                }
            }
            if (it != orders.end()) {
                it->second = shipped_copy(std::move(it->second), r->items);
            }
        }
        out.push_back(row_of(*r, r->state == ShipState::Confirmed ? ShipOutcome::Confirmed : ShipOutcome::Failed));
    }
    std::vector<Order> updated;
    for (auto& [id, order] : orders) {
        updated.push_back(std::move(order));
    }
    m_store.ship_journal_update(changes, now(), updated);
    return true;
}

} // namespace asc
