// `asc orders sync`: incremental searchOrders into the store.
//
// How the marks stay correct (the reasoning the tests check):
//
// A mark M of a marketplace promises: every order of it updated at or before M is in the store, as
// far as Amazon showed it at the time. Amazon indexes updates with a lag, so the next run asks for
// lastUpdatedAfter = M - overlap, re-reading a few minutes it has already seen (the upserts make
// that free: unchanged orders are not rewritten).
//
// Each run searches one fixed window [start, end] with end = now - 2 minutes (Amazon's rule for
// ...Before, and a bound that keeps the result set from shifting under the pagination). A mark
// may advance:
//   * at the end of the window, to `end`, in its own transaction after the last page is stored:
//     always safe, whatever order Amazon returned the orders in;
//   * after each page, to the largest lastUpdatedTime seen so far, in the page's transaction, but
//     only while every order of the run has arrived in non-decreasing lastUpdatedTime order
//     (checked order by order, within and across pages). Then every order updated between start
//     and that value has been received and stored, so the promise holds. Amazon does not
//     document the sort order, so this is checked, not assumed: from the first out-of-order order,
//     the run stops advancing marks per page and only the end-of-window advance remains.
// Marks never move back (the store keeps the max), so one combined window for several marketplaces
// cannot lower a marketplace whose mark was later than the window start.
//
// So an interrupted run (Ctrl-C, crash, network failure) resumes from its last stored page when
// the results were sorted, or re-reads its window from the old mark otherwise; either way nothing
// is lost and already stored orders are counted unchanged.
//
// --since T starts the window at T instead of the marks. A marketplace with a mark before T is not
// advanced by such a run (the updates between its mark and T were not fetched); a marketplace
// without a mark starts its history at T.

#include "asc/base/strings.hpp"
#include "asc/sync/sync.hpp"

#include "asc/base/errors.hpp"
#include "asc/base/interrupt.hpp"
#include "asc/base/time.hpp"

#include <algorithm>
#include <fmt/format.h>

namespace asc {

std::vector<Included> sync_included(bool store_pii) {
    std::vector<Included> included{Included::Fulfillment, Included::Proceeds, Included::Packages,
                                   Included::Cancellation};
    if (store_pii) {
        included.push_back(Included::Buyer);
        included.push_back(Included::Recipient);
    }
    return included;
}

namespace {

// After a failed sync: builds the indexes a bulk write left out, unless Ctrl-C should end the run
// now (then the next open builds them). A failure here is not reported: the first error is.
// `counts`: the sync's, corrected for orders the load met twice (BulkSettled).
void end_bulk_unless_interrupted(Store& store, const Error& e, UpsertCounts& counts) {
    if (e.kind() == ErrorKind::Interrupted) {
        return;
    }
    try {
        counts = store.end_bulk_write().applied_to(counts);
    } catch (const Error&) {
        // The next open builds what is missing.
    }
}

} // namespace

SyncResult sync_before_check(OrdersClient& client, Store& store, const std::vector<std::string>& marketplace_ids,
                             Timestamp now, std::chrono::milliseconds lock_wait, Events& events, std::size_t orders) {
    events.note(fmt::format("refreshing the local store (incremental sync) to check {} orders", orders));
    SyncOptions sync;
    sync.marketplace_ids = marketplace_ids;
    sync.now = now;
    sync.lock_wait = lock_wait;
    sync.grow_cache = false;
    return sync_orders(client, store, sync, events);
}

SyncResult sync_orders(OrderSource& source, Store& store, const SyncOptions& options, Events& events) {
    const auto started = std::chrono::steady_clock::now();
    std::vector<std::string> keys = options.marketplace_ids;
    std::sort(keys.begin(), keys.end());
    keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
    keys.erase(std::remove(keys.begin(), keys.end(), std::string{}), keys.end());
    if (keys.empty()) {
        throw Error(ErrorKind::Usage, "no marketplace to sync",
                    "set marketplace_ids in the profile, ASC_MARKETPLACE, or pass --marketplace");
    }

    const SyncLock lock = store.lock_for_sync(options.lock_wait);

    SyncResult result;
    result.window_end = options.now - source.search_lag();
    std::optional<Timestamp> start = options.since;
    for (const auto& key : keys) {
        const auto mark = store.sync_mark(key);
        if (options.since) {
            // Contiguous with what is stored, or a marketplace's first history: may advance.
            if (!mark || *mark >= *options.since) {
                result.advanced.push_back(key);
            }
            continue;
        }
        result.advanced.push_back(key);
        const Timestamp key_start = mark ? *mark - options.overlap : options.now - options.first_window;
        start = start ? std::min(*start, key_start) : key_start;
    }
    result.window_start = *start;
    if (result.window_start >= result.window_end) {
        throw Error(ErrorKind::Usage,
                    fmt::format("nothing to sync after {}: Amazon lists updates up to 2 minutes ago",
                                format_rfc3339(result.window_start)),
                    "give --since a time at least 2 minutes ago");
    }

    // A sync writes page after page, the report windows included: a bigger cache, and into an
    // empty store no secondary indexes until the end (built below, or by the next open if this
    // process dies).
    store.begin_bulk_write(options.grow_cache);
    // The planner hook: old uncovered parts through order reports, the rest through searchOrders.
    if (options.backfill.reports != nullptr && options.backfill.via != SyncVia::Orders) {
        const BackfillScope scope{keys,         result.advanced,      options.since,     options.now,
                                  result.window_end, options.overlap, options.first_window, options.page_size,
                                  sync_included(store.options().store_pii)};
        try {
            result.backfill = backfill_orders(source, options.backfill, store, scope, events);
        } catch (const Error& e) {
            end_bulk_unless_interrupted(store, e, result.counts);
            throw;
        }
        if (result.backfill.search_from) {
            result.window_start = std::max(result.window_start, *result.backfill.search_from);
        }
    }

    SearchQuery query;
    query.updated_after = result.window_start;
    query.updated_before = result.window_end;
    query.marketplace_ids = keys;
    query.page_size = options.page_size;
    query.included = sync_included(store.options().store_pii);
    query.read_ahead = options.read_ahead;

    events.note(fmt::format("syncing orders updated from {} to {} ({})", format_rfc3339(result.window_start),
                            format_rfc3339(result.window_end), fmt::join(keys, ", ")));

    bool ascending = true; // every order so far came in lastUpdatedTime order
    std::optional<Timestamp> max_seen;
    bool stopped_by_interrupt = false;
    try {
        source.search(query, [&](std::vector<Order>&& page) {
            for (const auto& o : page) {
                if (max_seen && o.last_updated < *max_seen) {
                    ascending = false;
                }
                max_seen = max_seen ? std::max(*max_seen, o.last_updated) : o.last_updated;
            }
            if (ascending && max_seen) {
                result.counts +=
                    store.upsert_page(page, result.advanced, std::min(*max_seen, result.window_end));
            } else {
                result.counts += store.upsert_orders(page);
            }
            ++result.pages;
            result.orders += page.size();
            events.page_received(static_cast<int>(result.pages), result.orders);
            if (interrupted()) {
                stopped_by_interrupt = true;
                return false;
            }
            return true;
        });
        if (stopped_by_interrupt) {
            throw Error(ErrorKind::Interrupted, "sync interrupted");
        }
    } catch (const Error& e) {
        end_bulk_unless_interrupted(store, e, result.counts);
        events.note(fmt::format(
            "sync stopped after {}: {} new, {} updated, {} unchanged are stored; the next sync "
            "continues from there",
            count_noun(static_cast<long long>(result.pages), "page"), result.counts.inserted, result.counts.updated, result.counts.unchanged));
        throw;
    }
    // The whole window is stored: every advancing mark moves to its end.
    store.upsert_page({}, result.advanced, result.window_end);
    result.counts = store.end_bulk_write().applied_to(result.counts);
    result.elapsed =
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
    return result;
}

void fetch_fresh_orders(OrdersClient& orders, Store& store, Events& events, std::span<const std::string_view> ids,
                        std::span<const std::size_t> indexes, const std::vector<Included>& included,
                        const std::function<void(std::size_t, const Order&)>& found) {
    constexpr std::size_t k_chunk = 100;
    std::vector<Order> fetched;
    std::vector<std::size_t> fetched_index;
    fetched.reserve(k_chunk);
    fetched_index.reserve(k_chunk);
    auto flush = [&] {
        try {
            store.upsert_orders(fetched);
        } catch (const Error& e) {
            events.note(fmt::format("warning: could not update the local store: {}", e.what()));
        }
        for (std::size_t k = 0; k < fetched.size(); ++k) {
            found(fetched_index[k], fetched[k]);
        }
        fetched.clear();
        fetched_index.clear();
    };
    for (const std::size_t index : indexes) {
        try {
            fetched.push_back(orders.get(std::string(ids[index]), included));
            fetched_index.push_back(index);
        } catch (const ApiError& e) {
            if (e.kind() != ErrorKind::NotFound) {
                throw;
            }
        }
        if (fetched.size() == k_chunk) {
            flush();
        }
    }
    if (!fetched.empty()) {
        flush();
    }
}

} // namespace asc
