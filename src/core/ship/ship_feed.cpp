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
#include <functional>
#include <set>

namespace asc {

namespace {

bool definitely_not_created(const Error& e) {
    const auto* api = dynamic_cast<const ApiError*>(&e);
    return api != nullptr && api->http_status() >= 400 && api->http_status() < 500;
}

} // namespace

void ShipService::send_feed(const ShipPlan& plan, const ShipJournaled& journaled, ShipResult& result,
                            std::string& sending_note, bool collect) {
    std::vector<std::int64_t> planned; // the journal ids of the packages in the feed
    std::set<std::string> marketplace_set;
    for (std::size_t k = 0; k < journaled.items.size(); ++k) {
        const ShipPlanItem& item = plan.items[journaled.items[k]];
        if (item.outcome == ShipOutcome::WouldShip) {
            planned.push_back(journaled.ids[k]);
            if (!item.marketplace_id.empty()) {
                marketplace_set.insert(item.marketplace_id);
            }
        }
    }
    if (planned.empty()) {
        return;
    }
    std::vector<std::string> marketplaces(marketplace_set.begin(), marketplace_set.end()); // sorted
    if (marketplaces.empty()) {
        marketplaces = m_options.marketplace_ids;
    }
    auto change_all = [&](ShipChange proto) { m_store.ship_journal_update_each(planned, std::move(proto), now()); };
    // The document goes to a temporary file a message at a time and is uploaded from there (the
    // file is gone on any way out). Its rows are made again from the plan, numbered as execute()
    // journaled them.
    TempFile document_file("feed");
    {
        FulfillmentFeedWriter writer(m_options.seller_id,
                                     [&document_file](std::string_view bytes) { document_file.write(bytes); });
        std::int64_t message = 0;
        for (const std::size_t index : journaled.items) {
            const ShipPlanItem& item = plan.items[index];
            if (item.outcome == ShipOutcome::WouldShip) {
                ++message;
                writer.add(confirmation_of(journal_entry(item, journaled, message)), static_cast<std::uint64_t>(message));
            }
        }
        writer.finish();
        document_file.flush();
    }
    m_events.note(fmt::format("sending one fulfillment feed with {}", count_noun(static_cast<long long>(planned.size()), "package")));
    bool sent = false; // the rows are `sending`: createFeed may have gone out
    try {
        const FeedDocument document = m_feeds.create_feed_document(std::string(k_fulfillment_content_type));
        change_all({.feed_document_id = document.feed_document_id});
        step("after-document");
        m_feeds.upload_file(document, k_fulfillment_content_type, BodyFile{document_file.fd(), document_file.size()});
        step("after-upload");
        bool first = true;
        auto before_send = [&] {
            change_all({.state = ShipState::Sending, .sent_at = now(), .send_timeout = m_options.request_timeout});
            sent = true;
            if (std::exchange(first, false)) {
                step("before-create-feed");
            }
        };
        std::string feed_id;
        try {
            feed_id = m_feeds.create_feed(std::string(k_fulfillment_feed_type), marketplaces, document.feed_document_id,
                                          before_send);
        } catch (const Error& e) {
            if (e.kind() == ErrorKind::Interrupted || !sent) {
                throw;
            }
            if (definitely_not_created(e)) {
                change_all({.state = ShipState::Planned,
                            .sent_at = std::optional<Timestamp>{},
                            .send_timeout = std::optional<std::chrono::milliseconds>{}});
                sent = false;
                throw;
            }
            sending_note = fmt::format("not known whether Amazon received the feed ({}); not sent again: run "
                                       "the same command again, it finds out before sending anything",
                                       e.what());
            result.error = Error(ErrorKind::Temporary, e.what(),
                                 "run the same command again: it checks the orders before sending anything again");
            return;
        }
        step("after-create-feed");
        change_all({.state = ShipState::Submitted, .feed_id = feed_id});
        result.feed_id = feed_id;
        step("after-submit");
    } catch (const Error& e) {
        if (e.kind() == ErrorKind::Interrupted) {
            throw;
        }
        if (!sent) {
            result.error = Error(e.kind(), std::string(e.what()) + "; no shipment was sent to Amazon", e.hint());
            return;
        }
        throw;
    }
    if (collect) {
        collect_feed(result.feed_id, m_options.wait, nullptr);
    }
}

// Reads the report of feed `feed_id` (waiting up to wait_timeout when `may_wait`) and journals the
// outcome of each of its submitted rows, a page of rows per transaction; the confirmed orders
// become Shipped / PartiallyShipped in the store in the same transaction. Appends one row per
// journal row to `out` when it is set. Returns false while the feed is still processing.
bool ShipService::collect_feed(const std::string& feed_id, bool may_wait, std::vector<ShipRow>* out) {
    constexpr std::size_t k_page = 256;
    // Calls `each` with each page of the feed's submitted rows; `each` may settle them.
    const auto pages = [&](const std::function<void(std::vector<ShipEntry>&)>& each) {
        std::int64_t after = 0;
        for (;;) {
            std::vector<ShipEntry> page = m_store.ship_journal_submitted(feed_id, after, k_page);
            if (page.empty()) {
                return;
            }
            after = page.back().id;
            each(page);
            if (page.size() < k_page) {
                return;
            }
        }
    };
    const auto all_pending = [&](const std::string& message) {
        if (out != nullptr) {
            pages([&](std::vector<ShipEntry>& page) {
                for (const ShipEntry& r : page) {
                    out->push_back(row_of(r, ShipOutcome::Pending, message));
                }
            });
        }
        return false;
    };
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
        return all_pending(fmt::format("feed {}: {}", feed_id, e.what()));
    }
    if (!feed->finished()) {
        return all_pending(fmt::format("feed {} is {}", feed_id, feed->processing_status));
    }
    std::optional<ProcessingReport> report;
    if (feed->processing_status == "DONE" && !feed->result_document_id.empty()) {
        report = parse_processing_report(m_feeds.download(m_feeds.get_feed_document(feed->result_document_id)));
    }
    pages([&](std::vector<ShipEntry>& page) {
        std::vector<ShipChange> changes;
        std::vector<const ShipEntry*> confirmed;
        for (ShipEntry& r : page) {
            if (!report) {
                r.state = ShipState::Failed;
                r.result_code = feed->processing_status;
                r.result_message = fmt::format("the feed ended {}", feed->processing_status);
            } else {
                const MessageOutcome o = outcome_of(*report, static_cast<std::uint64_t>(r.message_id.value_or(0)));
                r.state = o.succeeded ? ShipState::Confirmed : ShipState::Failed;
                r.result_code = o.message_code;
                r.result_message = o.description;
            }
            const bool ok = r.state == ShipState::Confirmed;
            changes.push_back({.id = r.id,
                               .state = r.state,
                               .result_code = r.result_code,
                               .result_message = r.result_message,
                               .commerce_state = ok ? m_options.commerce_on_confirm : std::nullopt});
            if (ok) {
                confirmed.push_back(&r);
            }
            if (out != nullptr) {
                out->push_back(row_of(r, ok ? ShipOutcome::Confirmed : ShipOutcome::Failed));
            }
        }
        m_store.ship_journal_update(changes, now(), shipped_orders(confirmed));
        step("after-report-page");
    });
    return true;
}

} // namespace asc
