#pragma once
// Part `ship` (asc_ship): the shipment guard and the ship service. May use: sync, amazon, store,
// http, base, model.
//
// The ship service confirms seller-fulfilled shipments to Amazon, one package or thousands, with
// the same guarantees as the cancel service (cancel.hpp): every package is journaled before
// anything is sent, and no package is ever confirmed twice.
//
// plan():
//   1. Recovery of earlier runs' rows in flight (see below), before anything new is sent.
//   2. Fresh state, right before deciding: up to `fresh_state_threshold` orders with getOrder (with
//      PACKAGES) each; more refresh the store with one incremental sync and are read from it (as
//      the cancel service does: getOrder allows 0.5 requests/s, a sync pages 100 orders a request).
//   3. The guard (decide_ship) on that state, package by package in input order; the packages of
//      one order use up its unshipped units one after the other. A package whose tracking number
//      the order already has, or that the journal already confirmed, is already_shipped.
// execute():
//   4. Every package is journaled BEFORE anything is sent, in one transaction: planned (with its
//      packageReferenceId, carrier, tracking, items), refused, already_shipped.
//   5. API (confirmShipment, one request per package): right before each request goes out its
//      row becomes `sending` with the send time and the request timeout; a 204 makes it
//      `confirmed` and, in the same transaction, the store's copy of the order Shipped or
//      PartiallyShipped with the units moved (the Tracking tab shows the package after the next
//      read from Amazon). A 4xx makes it `failed` (Amazon refused it; nothing was recorded). A
//      lost answer (timeout, 5xx, dropped connection) is settled from the order at once if it
//      shows the package; otherwise the row stays `sending` and the run stops: nothing else is
//      sent while Amazon is unreachable.
//   6. Feed (POST_ORDER_FULFILLMENT_DATA feeds of up to feed_packages packages, every package of
//      an order in the same feed; one feed for most batches): createFeedDocument, upload, `sending`
//      right before createFeed, `submitted` with the feed id, then the processing report per
//      message (confirmed / failed).
//
// Recovery. The rule: asc proves, it never guesses. A package is confirmed when Amazon said so (a
// 204, a report without an error for its message) or when the order on Amazon carries a package
// with its tracking number.
//   * planned: nothing was sent. The same input run again plans it again (the row is reused).
//   * sending: the outcome is unknown. The order's packages: the tracking number on the order ->
//     confirmed ("confirmed by the order's packages"). Otherwise nothing may be concluded while the
//     request could still arrive: once sent_at + send_timeout + in_flight_floor has passed (recovery
//     waits for it, bounded by wait_timeout, unless --no-wait) and, for a feed, no fulfillment feed
//     created since is still processing, the order is read again; still without the package ->
//     planned again (sent again after the guard looks again). Until then it is reported pending.
//     Up to fresh_state_threshold such rows read their order with getOrder each (0.5 requests/s).
//     More (a lost createFeed answer on a feed of thousands) read it from the store, refreshed by
//     one incremental sync (searchOrders with includedData PACKAGES, 100 orders a request;
//     orders_2026-01-01.json): before the latest of the rows' settle moments a sync confirms what
//     the orders show already; the rest wait for that moment and the fulfillment feeds, then for
//     the search to show every change up to then (it lags two minutes), and a second sync
//     concludes. A stored copy proves "not on the order" only when the sync mark of the order's
//     marketplace is at or after that moment and the copy has packages (not from an order
//     report); otherwise that order is read with getOrder. The plan then reads the store this sync
//     left (no second sync for the same orders).
//   * submitted: the feed is ours; its report is read (waiting up to wait_timeout).
// A second `order ship` on the same store waits for the first (a lock file), so rows in flight are
// always from a run that died or gave up.

#include "asc/amazon/feeds_client.hpp"
#include "asc/amazon/orders_client.hpp"
#include "asc/amazon/ship_confirm.hpp"
#include "asc/amazon/sp_api.hpp"
#include "asc/base/clock.hpp"
#include "asc/base/errors.hpp"
#include "asc/base/events.hpp"
#include "asc/model/model.hpp"
#include "asc/store/store.hpp"

#include <array>
#include <chrono>
#include <cstddef>
#include <functional>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace asc {

// ---- Carriers ----

// Amazon's spelling of a carrier code typed in any case, with or without spaces, dashes or
// underscores ("fedex", "royal-mail", "DHL_GLOBAL_MAIL"); nullopt when it is not on Amazon's list.
std::optional<std::string_view> parse_carrier_code(std::string_view text);
// Up to `max` codes of Amazon's list that look like `text` (for "did you mean").
std::vector<std::string_view> close_carrier_codes(std::string_view text, std::size_t max = 3);

// ---- One package to ship ----

struct ShipRequest {
    std::string order_id;
    std::string carrier_code; // Amazon's spelling (parse_carrier_code)
    std::string carrier_name; // required with Other
    std::string tracking_number;
    std::string shipping_method;
    std::optional<Timestamp> ship_date; // nullopt: now
    // The units in the package; a quantity of 0 means every unshipped unit of that item. Empty:
    // every unshipped unit of the order.
    std::vector<ShipItem> items;
    std::size_t line = 0; // the input line (batches), 0 for the command line
};

// Checks what can be checked without Amazon: the order id, the carrier code (Error(Usage) with
// the close matches), the carrier name with Other, the tracking number, the quantities. Returns
// the request with the carrier code in Amazon's spelling.
ShipRequest validated(ShipRequest request);

// ---- The guard ----

enum class ShipVerdict {
    /// The package may be confirmed; `items` is what it will carry.
    Allowed,
    /// The order already carries a package with this tracking number: nothing to send.
    AlreadyShipped,
    /// The order's state forbids it (exit 5); `remedy` says what to do instead.
    Refused,
};
// "allowed", "already_shipped", "refused"
std::string_view to_string(ShipVerdict verdict);

struct ShipDecision {
    ShipVerdict verdict = ShipVerdict::Refused;
    std::string reason;
    std::string remedy;
    std::vector<ShipItem> items; // Allowed: the units, every quantity resolved
};

// The guard, a pure function of the order's fresh state: merchant-fulfilled, Unshipped or
// PartiallyShipped, every item of the request on the order with at most its unshipped units, and
// no buyer cancellation request on an item of the package unless `ignore_cancel_request`.
ShipDecision decide_ship(const Order& order, const ShipRequest& request, bool ignore_cancel_request);

// `order` with the units of `items` moved from unshipped to shipped and its status Shipped (no
// unit left to ship) or PartiallyShipped; last_updated kept, so Amazon's next copy replaces it.
Order shipped_copy(Order order, const std::vector<ShipItem>& items);

// ---- The service ----

/// What happened to one package.
enum class ShipOutcome {
    /// Amazon confirmed it.
    Confirmed,
    /// The order already had it (an earlier run, another tool); nothing was sent.
    AlreadyShipped,
    /// Sent, result not known yet (a feed still processing, a lost answer being settled).
    Pending,
    /// Dry run: the guard allows it.
    WouldShip,
    /// The guard refused it on fresh state; nothing sent.
    Refused,
    /// Amazon refused it, or it could not be sent.
    Failed,
    /// Amazon does not know the order.
    NotFound,
    /// Not an Amazon order id.
    InvalidId,
};

// How many outcomes there are: InvalidId is the last one (keep it so when adding one).
inline constexpr std::size_t k_ship_outcomes = static_cast<std::size_t>(ShipOutcome::InvalidId) + 1;

// "confirmed", "already_shipped", "pending", "would_ship", "refused", "failed", "not_found",
// "invalid_id".
std::string_view to_string(ShipOutcome outcome);

struct ShipRow {
    std::string order_id;
    std::string package_ref;
    std::string carrier; // the code, or the name with Other
    std::string tracking_number;
    std::string items; // "id:qty,..."
    ShipOutcome outcome = ShipOutcome::Failed;
    std::string via;    // api | feed, once sent
    std::string feed_id;
    std::string result_code;
    std::string message;
};

// Receives the result rows one at a time, in plan order (execute() with a sink), so that `order
// ship` writes them out without holding a batch of any size.
using ShipRowSink = std::function<void(ShipRow&& row)>;

enum class ShipViaChoice { Auto, Api, Feed };

struct ShipOptions {
    bool dry_run = false;
    bool wait = true;
    bool ignore_cancel_request = false;
    ShipViaChoice via = ShipViaChoice::Auto;
    // --via auto sends through one feed above this many packages, else confirmShipment each.
    std::size_t feed_above = 20;
    std::chrono::milliseconds wait_timeout{std::chrono::minutes(30)};
    std::chrono::milliseconds poll_interval{500};
    std::string seller_id; // the feed's MerchantIdentifier
    std::vector<std::string> marketplace_ids;
    std::string run_by;
    std::chrono::milliseconds lock_wait{std::chrono::seconds(10)};
    std::chrono::milliseconds sync_lock_wait{std::chrono::minutes(2)};
    std::size_t fresh_state_threshold = 20;
    // run_chunked() plans and journals about this many packages at a time (every package of an
    // order in the same chunk); a batch up to this size runs as one plan, as plan() + execute().
    std::size_t plan_chunk = 2'000;
    // A fulfillment feed holds at most this many packages, every package of an order in the same
    // feed; a chunked run fills each feed from as many chunks as it takes. A feed's processing
    // report is read whole (parse_processing_report), so this also bounds that: it lists at most
    // one result per message of its feed.
    std::size_t feed_packages = 10'000;
    std::chrono::milliseconds request_timeout{std::chrono::seconds(60)};
    // As CancelOptions::in_flight_floor.
    std::chrono::milliseconds in_flight_floor{std::chrono::seconds(60)};
    std::chrono::seconds clock_skew{std::chrono::minutes(2)};
    // The journal's commerce_state for a package Amazon confirms, set in the same transaction:
    // Pending (a commerce link is configured: the Magento step follows), Skipped (--no-commerce),
    // nullopt (no link).
    std::optional<ShipCommerceState> commerce_on_confirm;
    // When set, the packages the user confirmed (a batch too large to hold its plan while asking
    // is planned once as a dry run to ask, then again to send): a package the guard allows that
    // this does not name is refused, not sent: it was not in the plan the user confirmed.
    std::function<bool(const ShipRequest& request)> confirmed;
    // Test hook, as CancelOptions::on_step: "after-plan", "before-send" (first confirmShipment
    // about to go out, its row `sending`), "after-send" (answered, not journaled),
    // "after-confirm" (first package journaled confirmed), "after-document", "after-upload",
    // "before-create-feed", "after-create-feed", "after-submit", "waiting", "after-report-page" (a
    // page of a feed's rows journaled from its report; more may follow).
    std::function<void(std::string_view step)> on_step;
    // When set, the rows of earlier runs that recovery settles go to it a page at a time, each
    // once its journal change is committed, instead of into ShipPlan::recovered: a run killed with
    // any number of packages in flight is settled in flat memory (as CancelOptions::on_recovered).
    ShipRowSink on_recovered;
};

struct ShipPlanItem {
    ShipRequest request;
    ShipOutcome outcome = ShipOutcome::WouldShip;
    std::string message;
    std::vector<ShipItem> items; // WouldShip: the resolved units
    std::string package_ref;
    std::string marketplace_id;  // the order's, once its fresh state was read
    std::int64_t journal_id = 0; // a planned row of an interrupted run that this plans again
};

struct ShipPlan {
    std::vector<ShipPlanItem> items;
    ShipVia via = ShipVia::Api;
    // Rows of earlier runs that recovery completed or found pending (empty when
    // ShipOptions::on_recovered took them).
    std::vector<ShipRow> recovered;
    std::size_t left_planned = 0;      // planned rows of interrupted runs not in this input
    [[nodiscard]] std::size_t count(ShipOutcome outcome) const;
};

struct ShipResult {
    std::vector<ShipRow> rows; // one per plan item (empty when a sink took them)
    std::vector<ShipRow> recovered;
    std::string feed_id;               // the run's feed, when it sent exactly one
    std::vector<std::string> feed_ids; // every feed the run sent, in order
    std::optional<Error> error; // what stopped the run early
    std::array<std::size_t, k_ship_outcomes> counts{}; // rows by ShipOutcome, also when a sink took them
    [[nodiscard]] std::size_t count(ShipOutcome outcome) const;
};

struct ShipJournaled; // the journal rows one execute() wrote (src/core/ship/ship_internal.hpp)
struct ShipInFlight;  // what recovery found in flight (src/core/ship/ship_internal.hpp)
class ShipFeedFill;   // the fulfillment feed a run is filling (src/core/ship/ship_internal.hpp)
class ShipRecovered;  // the rows recovery settles, on their way out (src/core/ship/ship_internal.hpp)
class ShipRequestList; // the packages of a run, held compactly (ship_requests.hpp)

class ShipService {
  public:
    ShipService(SpApiClient& api, OrdersClient& orders, FeedsClient& feeds, Store& store, Clock& clock,
                Events& events, ShipOptions options);

    // Steps 1-3. Takes the ship lock (unless dry run). Throws Error(Temporary) when Amazon cannot
    // be reached, Error(Interrupted) on Ctrl-C. The requests move into the plan's items. Per
    // package the plan keeps the request and the guard's answer, never the order: each order's
    // fresh state is read, decides its packages and is let go (memory flat in the batch size).
    ShipPlan plan(std::vector<ShipRequest> requests);
    // Steps 4-6. Throws Error(Config) for a feed without a seller id, Error(Interrupted) on
    // Ctrl-C; other failures after the journal was written come back in ShipResult::error.
    // With a `sink`, each row goes to it in plan order instead of into ShipResult::rows.
    ShipResult execute(const ShipPlan& plan, const ShipRowSink& sink = {});
    // plan() + execute() in memory that does not grow with the batch (ship_chunked.cpp): the
    // packages are planned (steps 2-3) and journaled (4) about plan_chunk at a time, every package
    // of an order in the chunk of its first package (the guard sees all of an order's packages at
    // once), with one recovery, one lock and one incremental sync for the batch. Through the API
    // each chunk is sent (5) once journaled. Through feeds (6) each chunk's packages go into the
    // feed being filled (its document written a message at a time to a temporary file), which is
    // sent once it holds feed_packages, every package of an order in the same feed: as few feeds
    // as one plan would send, each sent only once all of its rows are journaled. Each package's
    // result waits in an unlinked temporary file (the Spill) until every feed's report is in; the
    // rows then go to `sink` in input order, with the same values as plan() + execute() would
    // give. A batch of up to plan_chunk packages is exactly plan() + execute(). `planned` is called
    // with each chunk's plan before it is journaled (the first carries the recovered rows, the
    // last left_planned). Differences from one plan, for larger batches: --via auto sends feeds
    // when the batch has more than feed_above packages, however many of them the guard allows;
    // Ctrl-C between chunks stops with Error(Interrupted) (what was journaled stays so, the feed
    // being filled is not sent: the same command run again sends nothing twice); and after an
    // error that stops the run, the packages of chunks not planned yet are failed rows ("not
    // sent"), as are the journaled packages of the feed not sent yet.
    ShipResult run_chunked(const ShipRequestList& packages, const std::function<void(const ShipPlan&)>& planned,
                           const ShipRowSink& sink);

  private:
    class Spill;
    // Takes the ship lock and settles earlier runs' rows in flight (not in a dry run).
    ShipPlan begin_plan();
    // Steps 2-3 for `requests` (moved into plan.items), and the way they are sent.
    void plan_packages(ShipPlan& plan, std::vector<ShipRequest> requests);
    // Steps 2-3 for the requests already in plan.items (outcome WouldShip), and the way.
    void decide_items(ShipPlan& plan);
    // Step 4: the journal rows of `plan` in one transaction, in the batch `batch_id` (a new
    // one when empty); through feeds, the packages numbered as they go into `feed` and the feeds
    // after it (ShipJournaled::feed_cuts).
    ShipJournaled journal(const ShipPlan& plan, std::string batch_id, const ShipFeedFill& feed);
    // Steps 5-6 for the journaled rows of `plan`: confirmShipment each, or into `feed` (the feed
    // being filled), which is sent each time it is full (no feed report read yet).
    void send(const ShipPlan& plan, const ShipJournaled& journaled, ShipFeedFill& feed, ShipResult& result,
              std::string& sending_note);
    // Steps 4-6 of one chunk's plan (no feed report read yet), its results into `spill` at the
    // chunk's package indexes; the first chunk sets `batch_id`.
    void spill_chunk(const ShipPlan& plan, const std::vector<std::uint32_t>& chunk, Spill& spill, ShipFeedFill& feed,
                     std::string& batch_id, std::string& sending_note, ShipResult& result);
    // The rows of packages 0 .. packages - 1 in order, journaled ones as the journal has them now.
    void emit_spilled(Spill& spill, std::size_t packages, const std::string& sending_note, ShipResult& result,
                      const ShipRowSink& sink);
    // Settles earlier runs' rows in flight, their result rows into `out`.
    void recover(ShipRecovered& out);
    // Recovery's first pass over the rows in flight: counts and moments only, nothing written.
    ShipInFlight survey_in_flight();
    // A few `sending` rows: settle_sending each (getOrder).
    void settle_each(ShipRecovered& out);
    // Many `sending` rows: one incremental sync of the store, then each row from its stored order
    // (ship_recover_sync.cpp).
    void settle_synced(const ShipInFlight& flight, ShipRecovered& out);
    enum class StoreSettle {
        ConfirmOnly,   // what the store shows proves confirmed; the other rows are left as they are
        ReportPending, // as ConfirmOnly, and each other row is reported pending, with `why`
        Conclude,      // nothing can arrive any more: a row not on its order is planned again
    };
    // The `sending` rows settled from the store (and getOrder where the store cannot tell); returns
    // how many are still `sending`. Conclude needs `quiet`: no request could arrive after it.
    std::size_t settle_from_store(StoreSettle mode, const std::string& why, Timestamp quiet, ShipRecovered& out);
    // The moment after which nothing sent by the `sending` rows can change an order: their settle
    // moment, and the end of every fulfillment feed created since the first of them went out in a
    // feed (waited for, unless --no-wait). nullopt, with `busy` naming it, while one still processes.
    std::optional<Timestamp> quiet_since(const ShipInFlight& flight, std::string& busy);
    // Waits until searchOrders shows every change up to `quiet` (k_search_lag after it).
    void await_search(Timestamp quiet, std::size_t packages);
    // One incremental sync of the store (sync_orders), for `orders` orders.
    void refresh_store(std::size_t orders);
    // The journal changes that settle row `e`, with its result row in `out` (settle_sending's steps).
    ShipChange confirm_change(ShipEntry& e, ShipRecovered& out);
    ShipChange not_found_change(ShipEntry& e, ShipRecovered& out);
    ShipChange replan_change(ShipEntry& e); // counts the row into m_planned_before
    // getOrder of `order_id` with what the guard needs; nullopt when Amazon does not know it.
    std::optional<Order> read_order(const std::string& order_id);
    // The orders' fresh state (step 2): `found(i, order)` for each ids[i] Amazon knows, one at a
    // time (none is kept); an id Amazon does not know gets no call.
    void fresh_state(const std::vector<std::string_view>& ids,
                     const std::function<void(std::size_t, const Order&)>& found);
    // The guard on one order's fresh state (nullptr: Amazon does not know it) for its packages
    // `indexes` (into plan.items, in input order).
    void decide_order(ShipPlan& plan, std::span<const std::size_t> indexes, const Order* fresh);
    void send_api(const ShipPlan& plan, const ShipJournaled& journaled, ShipResult& result, std::string& sending_note);
    // The journaled rows of `plan` to feed into `feed`, in plan order, sending it where the
    // journal's numbering starts a new feed.
    void fill_feed(const ShipPlan& plan, const ShipJournaled& journaled, ShipFeedFill& feed, ShipResult& result,
                   std::string& sending_note);
    // Sends `feed` (createFeedDocument, upload, `sending`, createFeed, `submitted`), its feed id
    // into result.feed_ids, and empties it; after an error that stopped the run it stays unsent.
    void send_feed(ShipFeedFill& feed, ShipResult& result, std::string& sending_note);
    // Reads the report of each feed the run sent (collect_feed).
    void collect_feeds(const ShipResult& result);
    void emit_rows(const ShipPlan& plan, const ShipJournaled& journaled, const std::string& sending_note,
                   const std::function<void(ShipRow&&)>& emit);
    bool settle_sending(ShipEntry& row, bool may_wait, ShipRow& out);
    // The report of feed `feed_id` for its submitted rows, a page of rows at a time; the rows'
    // results go to `out` when it is set.
    bool collect_feed(const std::string& feed_id, bool may_wait, ShipRecovered* out);
    // The store's copy of each order of `rows` that Amazon confirmed, with the packages' units
    // shipped (shipped_copy); orders the store does not hold are left out.
    std::vector<Order> shipped_orders(const std::vector<const ShipEntry*>& rows);
    [[nodiscard]] Timestamp now() const;
    void step(std::string_view name) const;

    SpApiClient& m_api;
    OrdersClient& m_orders;
    FeedsClient& m_feeds;
    Store& m_store;
    Clock& m_clock;
    Events& m_events;
    ShipOptions m_options;
    SyncLock m_lock;
    // Per batch of feed rows whose createFeed outcome is unknown: the fulfillment feed that may
    // hold them still processing ("" once none is), so getFeeds (0.0222/s) is asked once a batch.
    std::map<std::string, std::string> m_busy_feed;
    // Planned rows of interrupted runs, counted by recovery (the `sending` rows it planned again
    // included), and how many of them a package of this run has planned again: each is found in the
    // journal when its package is decided (journal_of), so that none is held (memory flat in the
    // batch, however many an interrupted run left).
    std::size_t m_planned_before = 0;
    std::size_t m_replanned = 0;
    [[nodiscard]] std::size_t left_planned() const;
    bool m_synced = false; // the store had its incremental sync in this run (a chunked run syncs once)
    // Recovery refreshed the store with an incremental sync moments ago (settle_synced): a plan of
    // more orders than getOrder is used for reads the store it left, as fresh as its own sync.
    bool m_recovery_synced = false;
    bool m_first_send = true;
    bool m_first_confirm = true;
};


} // namespace asc
