#pragma once
// Part `sync` (asc_sync): the incremental sync of the store from Amazon.
// May use: amazon, store, http, base, model.
//
// `asc orders sync`: brings the local store up to date with Amazon through incremental
// searchOrders calls (lastUpdatedAfter), with items, packages and proceeds in the same calls.
//
// One search per run covers every requested marketplace (searchOrders is the scarcest operation:
// one call per three minutes after a burst of 20), while the store keeps one sync mark per
// marketplace id, so `store info` can say when each was last synced and adding a marketplace later
// starts its own 30-day history.

#include "asc/amazon/orders_client.hpp"
#include "asc/base/events.hpp"
#include "asc/store/store.hpp"
#include "asc/sync/backfill.hpp"

#include <chrono>
#include <functional>
#include <optional>
#include <span>
#include <string_view>
#include <string>
#include <vector>

namespace asc {

// Where sync gets orders from: OrdersClient in the tool, an in-memory fake in tests.
class OrderSource {
  public:
    virtual ~OrderSource() = default;
    // Same contract as OrdersClient::search: pages in Amazon's order, until none is left or
    // on_page returns false. Throws asc::Error (Interrupted on Ctrl-C, Temporary on network...).
    virtual void search(const SearchQuery& query,
                        const std::function<bool(std::vector<Order>&&)>& on_page) = 0;
    // How long before now a search window must end (OrdersClient::search_lag).
    [[nodiscard]] virtual std::chrono::seconds search_lag() const { return k_search_lag; }
};

// Adapts the Orders v2026 client.
class OrdersClientSource final : public OrderSource {
  public:
    explicit OrdersClientSource(OrdersClient& client) : m_client(client) {}
    void search(const SearchQuery& query, const std::function<bool(std::vector<Order>&&)>& on_page) override {
        m_client.search(query, on_page);
    }
    [[nodiscard]] std::chrono::seconds search_lag() const override { return m_client.search_lag(); }

  private:
    OrdersClient& m_client;
};

// The includedData the store expects of every order written to it (sync, and live list/show
// writing through): FULFILLMENT, PROCEEDS, PACKAGES, CANCELLATION, plus BUYER and RECIPIENT when
// the store keeps personal data.
std::vector<Included> sync_included(bool store_pii);

// getOrder for each of ids[i], i in `indexes`, with `included`: the fresh copies are written to
// the store 100 at a time (so cached lists see them too; a store that cannot be written is a
// warning through `events`, not an error) and then handed to `found(i, order)` and let go. An
// order Amazon does not know is skipped; any other error is thrown. Cancel and ship read the
// fresh state of the orders their guards decide on this way.
void fetch_fresh_orders(OrdersClient& orders, Store& store, Events& events, std::span<const std::string_view> ids,
                        std::span<const std::size_t> indexes, const std::vector<Included>& included,
                        const std::function<void(std::size_t, const Order&)>& found);

struct SyncOptions {
    std::vector<std::string> marketplace_ids;          // required
    std::optional<Timestamp> since;                    // --since: start of the window instead of the marks
    std::chrono::seconds overlap{300};                 // re-read this much before each mark (Amazon lags)
    std::chrono::seconds first_window{30 * 24 * 3600}; // history of a marketplace without a mark
    Timestamp now{};                                   // wall time of the run
    int page_size = 100;
    // How long to wait for another sync of the same store before Error(Temporary).
    std::chrono::milliseconds lock_wait{0};
    // The Reports API backfill of the part of the window the store does not cover (backfill.hpp);
    // off while backfill.reports is null.
    BackfillOptions backfill;
    // Fetch the next page while this one is stored (SearchQuery::read_ahead).
    bool read_ahead = false;
    // A page cache sized for the run (a quarter of the store file, 64-256 MiB: see
    // Store::begin_bulk_write). Off for the sync a command runs before its own work (order cancel,
    // order ship): that sync writes with the 2 MiB cache, for that command's memory must not
    // depend on how stale the store was, and such a sync is mostly small.
    bool grow_cache = true;
};

struct SyncResult {
    UpsertCounts counts; // inserted (new), updated, unchanged
    std::size_t pages = 0;
    std::size_t orders = 0;   // orders received
    Timestamp window_start{}; // lastUpdatedAfter sent
    Timestamp window_end{};   // lastUpdatedBefore sent: now - the search lag (2 minutes)
    // Marketplaces whose mark moved to window_end. A marketplace whose mark is before --since is
    // not advanced: the orders between its mark and --since were not fetched.
    std::vector<std::string> advanced;
    std::chrono::milliseconds elapsed{0};
    BackfillResult backfill; // what the Reports API backfill did before the search
};

// Runs one incremental sync under the store's sync lock. Pages are stored one transaction each;
// an interruption (Error(Interrupted) from the source, or asc::interrupted() between pages),
// a crash or a network failure leaves the store consistent and the next run loses nothing.
// Throws Error(Usage) without marketplaces, Error(Temporary) if another sync holds the lock, and
// whatever the source throws.
SyncResult sync_orders(OrderSource& source, Store& store, const SyncOptions& options,
                       Events& events = no_events());

inline SyncResult sync_orders(OrdersClient& client, Store& store, const SyncOptions& options,
                              Events& events = no_events()) {
    OrdersClientSource source(client);
    return sync_orders(source, store, options, events);
}

// The incremental sync a command runs before it checks `orders` orders against the store (the
// guards of order cancel and order ship, and their recoveries): a note says why, and it writes
// with the 2 MiB page cache (SyncOptions::grow_cache off), so that the command's memory does not
// depend on how stale the store was. Waits up to `lock_wait` for another sync of the store.
SyncResult sync_before_check(OrdersClient& client, Store& store, const std::vector<std::string>& marketplace_ids,
                             Timestamp now, std::chrono::milliseconds lock_wait, Events& events, std::size_t orders);

} // namespace asc
