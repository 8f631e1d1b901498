// The ship service's feed path: POST_ORDER_FULFILLMENT_DATA feeds of up to feed_packages packages,
// filled a chunk of the batch at a time, reconciled from the processing report message by message
// (include/asc/ship/ship.hpp, step 6).

#include "asc/amazon/ack_feed.hpp"
#include "asc/base/interrupt.hpp"
#include "asc/base/strings.hpp"
#include "asc/base/temp_file.hpp"
#include "asc/ship/ship.hpp"
#include "ship_internal.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <functional>
#include <iterator>
#include <map>
#include <set>

namespace asc {

namespace {

bool definitely_not_created(const Error& e) {
    const auto* api = dynamic_cast<const ApiError*>(&e);
    return api != nullptr && api->http_status() >= 400 && api->http_status() < 500;
}

} // namespace

void lay_out_feeds(std::span<const std::string_view> orders, std::size_t open, std::size_t max,
                   std::vector<std::int64_t>& messages, std::vector<std::size_t>& cuts) {
    const std::size_t m = orders.size();
    messages.assign(m, 0);
    cuts.clear();
    max = std::max<std::size_t>(max, 1);
    // The positions where a feed may end: after package k - 1 when no order has packages on both
    // sides (`last`: each order's last package).
    std::map<std::string_view, std::size_t> last;
    for (std::size_t k = 0; k < m; ++k) {
        last[orders[k]] = k;
    }
    std::vector<std::size_t> ends;
    std::size_t reach = 0;
    for (std::size_t k = 0; k < m; ++k) {
        reach = std::max(reach, last[orders[k]]);
        if (reach == k) {
            ends.push_back(k + 1);
        }
    }
    std::size_t fill = std::min(open, max);
    for (std::size_t pos = 0; pos < m;) {
        // The furthest end the feed has room for.
        const auto fits = std::upper_bound(ends.begin(), ends.end(), pos + (max - fill));
        std::size_t end = fits == ends.begin() ? pos : *std::prev(fits);
        if (end <= pos) { // the next order's packages do not fit
            if (fill > 0) {
                cuts.push_back(pos);
                fill = 0;
                continue;
            }
            end = *std::upper_bound(ends.begin(), ends.end(), pos); // more than a feed holds: its own
        }
        for (; pos < end; ++pos) {
            messages[pos] = static_cast<std::int64_t>(++fill);
        }
        if (pos < m) {
            cuts.push_back(pos);
            fill = 0;
        }
    }
}

void ShipFeedFill::add(const PackageConfirmation& package, std::int64_t message_id, std::int64_t journal_id) {
    if (message_id != static_cast<std::int64_t>(size()) + 1) {
        throw Error(ErrorKind::Internal,
                    fmt::format("package {} of order {} was journaled as message {} of its feed, which holds {}",
                                package.package_reference_id, package.order_id, message_id, size()),
                    "nothing of this feed was sent: run the same command again");
    }
    if (!m_writer) {
        m_document.emplace("feed");
        m_writer.emplace(m_seller_id, [this](std::string_view bytes) { m_document->write(bytes); });
    }
    m_writer->add(package, static_cast<std::uint64_t>(message_id));
    m_journal_ids.push_back(journal_id);
    if (!package.marketplace_id.empty()) {
        m_marketplaces.insert(package.marketplace_id);
    }
}

TempFile& ShipFeedFill::finish() {
    m_writer->finish();
    m_document->flush();
    return *m_document;
}

std::vector<std::string> ShipFeedFill::marketplaces(const std::vector<std::string>& fallback) const {
    if (m_marketplaces.empty()) {
        return fallback;
    }
    return {m_marketplaces.begin(), m_marketplaces.end()};
}

void ShipFeedFill::clear() {
    m_writer.reset();
    m_document.reset();
    std::vector<std::int64_t>().swap(m_journal_ids);
    m_marketplaces.clear();
}

void ShipService::fill_feed(const ShipPlan& plan, const ShipJournaled& journaled, ShipFeedFill& feed,
                            ShipResult& result, std::string& sending_note) {
    std::size_t w = 0;   // the next package to send, among journaled.messages
    std::size_t cut = 0; // the next of journaled.feed_cuts
    for (std::size_t k = 0; k < journaled.items.size() && !result.error; ++k) {
        const ShipPlanItem& item = plan.items[journaled.items[k]];
        if (item.outcome != ShipOutcome::WouldShip) {
            continue;
        }
        if (cut < journaled.feed_cuts.size() && journaled.feed_cuts[cut] == w) {
            ++cut;
            send_feed(feed, result, sending_note);
            if (result.error) {
                break; // the rest stays planned: reported "not sent"
            }
        }
        const std::int64_t message = journaled.messages[w++];
        feed.add(confirmation_of(journal_entry(item, journaled, message)), message, journaled.ids[k]);
    }
    if (feed.full()) {
        send_feed(feed, result, sending_note);
    }
}

void ShipService::send_feed(ShipFeedFill& feed, ShipResult& result, std::string& sending_note) {
    if (feed.size() == 0 || result.error) {
        return; // after an error that stopped the run its rows stay planned: "not sent"
    }
    const std::vector<std::int64_t>& planned = feed.journal_ids();
    auto change_all = [&](ShipChange proto) { m_store.ship_journal_update_each(planned, std::move(proto), now()); };
    TempFile& document_file = feed.finish();
    m_events.note(fmt::format("sending a fulfillment feed with {}", count_noun(static_cast<long long>(planned.size()), "package")));
    bool sent = false; // the rows are `sending`: createFeed may have gone out
    try {
        const FeedDocument document = m_feeds.create_feed_document(std::string(k_fulfillment_content_type));
        change_all({.feed_document_id = document.feed_document_id});
        step("after-document");
        m_feeds.upload_file(document, k_fulfillment_content_type, BodyFile{document_file.fd(), document_file.size()});
        step("after-upload");
        bool first = true;
        auto before_send = [&] {
            // Every row of the feed, from whichever chunk of the batch: a lost answer leaves them
            // all `sending`, settled from the orders by the next run, never sent again blindly.
            change_all({.state = ShipState::Sending, .sent_at = now(), .send_timeout = m_options.request_timeout});
            sent = true;
            if (std::exchange(first, false)) {
                step("before-create-feed");
            }
        };
        std::string feed_id;
        try {
            feed_id = m_feeds.create_feed(std::string(k_fulfillment_feed_type),
                                          feed.marketplaces(m_options.marketplace_ids), document.feed_document_id,
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
            feed.clear();
            return;
        }
        step("after-create-feed");
        change_all({.state = ShipState::Submitted, .feed_id = feed_id});
        result.feed_ids.push_back(feed_id);
        step("after-submit");
    } catch (const Error& e) {
        if (e.kind() == ErrorKind::Interrupted) {
            throw;
        }
        if (!sent) {
            result.error = Error(e.kind(), std::string(e.what()) + "; no shipment was sent to Amazon", e.hint());
            feed.clear();
            return;
        }
        throw;
    }
    feed.clear();
}

void ShipService::collect_feeds(const ShipResult& result) {
    for (const std::string& feed_id : result.feed_ids) {
        collect_feed(feed_id, m_options.wait, nullptr);
    }
}

// Reads the report of feed `feed_id` (waiting up to wait_timeout when `may_wait`) and journals the
// outcome of each of its submitted rows, a page of rows per transaction; the confirmed orders
// become Shipped / PartiallyShipped in the store in the same transaction. Gives one row per
// journal row to `out` when it is set. Returns false while the feed is still processing.
bool ShipService::collect_feed(const std::string& feed_id, bool may_wait, ShipRecovered* out) {
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
                    out->add(row_of(r, ShipOutcome::Pending, message));
                }
                out->committed(); // nothing to write: they stay submitted
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
                out->add(row_of(r, ok ? ShipOutcome::Confirmed : ShipOutcome::Failed));
            }
        }
        m_store.ship_journal_update(changes, now(), shipped_orders(confirmed));
        if (out != nullptr) {
            out->committed();
        }
        step("after-report-page");
    });
    return true;
}

} // namespace asc
