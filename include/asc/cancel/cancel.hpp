#pragma once
// Part `cancel` (asc_cancel): the status guard and the cancel service.
// May use: sync, amazon, store, config, http, base, model.
//
// The cancel service: cancels unshipped seller-fulfilled orders through the order-acknowledgement
// feed, one order or thousands, journaling every step so that an interrupted run is completed by
// the next one and no order is ever sent twice.
//
// plan():
//   1. Recovery. Journal rows that earlier runs left in flight are completed before anything new is
//      sent (see "Recovery" below).
//   2. Dedupe. An order whose newest journal row says canceled / already_canceled is reported
//      already canceled; one in a submitted (or possibly submitted) feed is reported pending in
//      that feed. Neither is sent again. failed and refused rows may be tried again.
//   3. Fresh state, right before deciding: up to `fresh_state_threshold` orders are fetched with
//      getOrder each; more refresh the store with one incremental sync and are read from it (ids
//      the sync did not bring, if few, get a getOrder). Unknown ids are not_found.
//   4. The guard (guard.hpp) on that state: Allowed -> would_cancel, AlreadyDone ->
//      already_canceled, Refused -> refused with the reason and the remedy.
// execute():
//   5. Every order is journaled BEFORE anything is sent, in one transaction: planned (with batch,
//      feed_seq, message id, marketplace, who ran it), refused, already_canceled.
//   6. Per feed (the batch is split only above max_messages_per_feed messages): build the XML,
//      createFeedDocument (journal the document id), upload, journal `submitting` with the time,
//      createFeed (never retried after a failure that may have reached Amazon), journal `submitted`
//      with the feed id.
//   7. Unless --no-wait: poll getFeed until DONE / FATAL / CANCELLED, read the processing report and
//      journal each order's outcome in one transaction (canceled orders also become Canceled in
//      the store, so cached lists and reports agree at once).
//
// Recovery (the journal says exactly how far a run got; every step above commits before the next
// one starts):
//   * planned: nothing was sent (createFeed comes only after `submitting` is committed). The order
//     is planned again, against fresh state, when the same command runs again or by
//     `asc cancellations resume`.
//   * submitting: createFeed may or may not have reached Amazon. getFeeds(POST_ORDER_ACKNOWLEDGEMENT_DATA,
//     createdSince = submitted_at - clock skew) lists the candidates: feeds not named by any journal
//     row, created since then, for the same marketplaces. A candidate whose processing report is
//     available is checked against the rows: MessagesProcessed equals the number of messages and
//     every Result's (MessageID, AmazonOrderID) is one of ours. The first that matches is adopted;
//     failing that, a single candidate that cannot be checked (still processing, FATAL, CANCELLED)
//     is adopted, and its report is checked when it arrives. No candidate: createFeed never reached
//     Amazon, and the rows go back to planned (when it was sent less than in_flight_grace ago,
//     recovery first waits for that and asks getFeeds again: the request may still be in flight). Several
//     candidates and none provably ours: the rows fail with a message to check the orders (never sent again
//     blindly).
//   * submitted: the feed id is known; its result is collected (waiting up to wait_timeout when the
//     rows concern this run's orders or this is a resume; otherwise looked at once).
// A second `order cancel` on the same store waits for the first (a lock file), so rows in flight
// are always from a run that died.

#include "asc/amazon/ack_feed.hpp"
#include "asc/amazon/cancel_reason.hpp"
#include "asc/amazon/feeds_client.hpp"
#include "asc/amazon/orders_client.hpp"
#include "asc/base/clock.hpp"
#include "asc/base/errors.hpp"
#include "asc/base/events.hpp"
#include "asc/model/model.hpp"
#include "asc/store/store.hpp"

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace asc {

enum class CancelOutcome {
    Canceled,        // Amazon's report says canceled
    AlreadyCanceled, // it was Canceled before (on Amazon, or by an earlier run per the journal)
    Submitted,       // in a feed whose result is not known yet (--no-wait, timeout, earlier run)
    WouldCancel,     // dry run: the guard allows it
    Refused,         // the guard refused it on fresh state; nothing sent
    Failed,          // Amazon reported an error, the feed failed, or it could not be sent
    NotFound,        // Amazon does not know the order
    InvalidId,       // not an Amazon order id (3-7-7 digits)
};

// "canceled", "already_canceled", "submitted", "would_cancel", "refused", "failed", "not_found",
// "invalid_id".
std::string_view to_string(CancelOutcome outcome);

// One result row (one per order).
struct CancelRow {
    std::string order_id;
    CancelOutcome outcome = CancelOutcome::Failed;
    std::string reason;      // Amazon's spelling of the CancelReason
    std::string feed_id;     // the feed that carried (or carries) it
    std::string result_code; // Amazon's ResultMessageCode when it failed; FATAL / CANCELLED for the feed
    std::string message;     // why (refusal reason and remedy, Amazon's description, ...)
    // The Magento step of a canceled order (commerce_step.hpp): "" (no commerce link), pending,
    // done, failed, no_link, skipped. Filled by the CLI after the commerce step.
    std::string commerce{};
    // What the Magento step did (CommerceAction as text: canceled, refunded, comment_only,
    // nothing_to_do), and the credit memo id of `refunded`. Filled by the CLI.
    std::string commerce_action{};
    std::string commerce_creditmemo_id{};
};

struct CancelOptions {
    bool dry_run = false;
    bool wait = true;
    std::chrono::milliseconds wait_timeout{std::chrono::minutes(30)};
    // getFeed polls start at this interval and slow down to max_poll_interval (getFeed allows 2/s).
    std::chrono::milliseconds poll_interval{500};
    std::chrono::milliseconds max_poll_interval{std::chrono::seconds(15)};
    std::size_t max_messages_per_feed = 10'000;
    std::size_t fresh_state_threshold = 20;
    std::string seller_id;                    // the feed's MerchantIdentifier
    std::vector<std::string> marketplace_ids; // the profile's: what the sync covers
    std::string run_by;                       // user@host
    std::chrono::milliseconds lock_wait{std::chrono::seconds(10)};
    std::chrono::milliseconds sync_lock_wait{std::chrono::minutes(2)};
    std::chrono::seconds clock_skew{std::chrono::minutes(2)};
    // A createFeed sent this recently may still be on its way: recovery that finds no feed waits
    // until this much time has passed since the submission and asks getFeeds once more before it
    // concludes that nothing was sent. The CLI uses the request timeout plus a few seconds.
    std::chrono::milliseconds in_flight_grace{std::chrono::seconds(65)};
    // Called at each step, for tests (a crash at each point) and the documented ASC_TEST_CRASH_AT
    // hook: "after-plan", "after-document", "after-upload", "before-create-feed",
    // "after-create-feed" (answered, answer not journaled), "after-submit", "waiting" (each poll of
    // an unfinished feed).
    std::function<void(std::string_view step)> on_step;
    // The journal's commerce_state for an order Amazon's report confirms canceled, set in the same
    // transaction: "pending" (a commerce link is configured: the commerce step follows, see
    // commerce_step.hpp), "skipped" (--no-commerce), "" (no commerce link).
    std::string commerce_on_cancel;
};

// What plan() found for one order.
struct CancelPlanItem {
    std::string order_id;
    CancelReason reason = CancelReason::NoInventory;
    CancelOutcome outcome = CancelOutcome::WouldCancel; // Canceled: by an earlier run's feed, just now
    std::string feed_id;
    std::string result_code;
    std::string message;
    std::optional<Order> order;  // the fresh state, when it was fetched
    std::int64_t journal_id = 0; // a planned row of an interrupted run that this plans again
    bool fresh = false;          // decided on fresh state now (not from the journal)
    bool from_input = true;      // false: a planned row of an earlier run (resume)
};

struct CancelPlan {
    std::vector<CancelPlanItem> items; // the input orders in input order, then resumed ones
    // Buyer cancellation requests met with another reason than BuyerCanceled, one line per order.
    std::vector<std::string> advice;
    // Orders of earlier runs that recovery completed (or found still pending), not in the input.
    std::vector<CancelRow> recovered;
    // Planned rows of interrupted runs for other orders, left for `asc cancellations resume`.
    std::size_t left_for_resume = 0;

    [[nodiscard]] std::size_t count(CancelOutcome outcome) const;
};

struct CancelResult {
    std::vector<CancelRow> rows;      // one per plan item, in plan order
    std::vector<CancelRow> recovered; // as CancelPlan::recovered
    std::vector<std::string> feed_ids; // the feeds this run sent
    // What stopped the run before every order had an outcome (Amazon unreachable, ...). The
    // journal is consistent; the affected rows say "not sent" or "pending". nullopt otherwise.
    std::optional<Error> error;
    bool timed_out = false; // a feed was still processing after wait_timeout

    [[nodiscard]] std::size_t count(CancelOutcome outcome) const;
};

class CancelService {
  public:
    CancelService(OrdersClient& orders, FeedsClient& feeds, Store& store, Clock& clock, Events& events,
                  CancelOptions options);

    // Steps 1-4. Sends no cancellation; writes the journal only to complete earlier runs (not in a
    // dry run, which does no recovery). Takes the cancel lock (unless dry run) and holds it until
    // this service is destroyed. `order_ids` are deduplicated; malformed ones become invalid_id.
    // `resume` also plans the planned rows that interrupted runs left (with their own reasons).
    // Throws Error(Temporary) when Amazon cannot be reached (nothing new is sent then),
    // Error(Interrupted) on Ctrl-C.
    CancelPlan plan(const std::vector<std::string>& order_ids, CancelReason reason, bool resume = false);

    // Steps 5-7 for a plan from this service. A dry run returns the plan's rows. Throws
    // Error(Config) when there is something to send and no seller id; Error(Interrupted) on
    // Ctrl-C (the journal stays consistent: run again or resume); other failures after the
    // journal was written come back in CancelResult::error.
    CancelResult execute(const CancelPlan& plan);

    // plan() + execute().
    CancelResult run(const std::vector<std::string>& order_ids, CancelReason reason);

    // The processing report of a finished feed (getFeedDocument, download, gunzip, parse), or
    // nullopt when it has no result document. Reports are cached per feed for this service.
    std::optional<ProcessingReport> report_of(const Feed& feed);

    // The journal rows of one feed (or feed-to-be); internal (src/core/cancel_internal.hpp).
    struct Flight;

  private:

    // Recovery (cancel_recover.cpp).
    std::vector<CancelRow> recover(const std::set<std::string>& input, bool resume);
    void resolve_submitting(std::vector<Flight>& flights, bool may_wait);
    // Fresh state (cancel.cpp).
    std::map<std::string, Order> fresh_state(const std::vector<std::string>& ids);
    // Sending (cancel_send.cpp).
    void send(Flight& flight, const std::map<std::string, const CancelPlanItem*>& items);
    // Waiting and results (cancel_results.cpp).
    bool collect(Flight& flight, bool may_wait); // false: still processing
    // Polls getFeed until the feed is finished (nullopt: still processing after wait_timeout, or
    // at once when !may_wait).
    std::optional<Feed> await_feed(const std::string& feed_id, bool may_wait, std::size_t orders);
    void apply_report(Flight& flight, const Feed& feed);
    void record(Flight& flight, const std::vector<CancelRow>& outcomes);

    [[nodiscard]] Timestamp now() const;
    void step(std::string_view name) const;

    OrdersClient& m_orders;
    FeedsClient& m_feeds;
    Store& m_store;
    Clock& m_clock;
    Events& m_events;
    CancelOptions m_options;
    SyncLock m_lock;
    std::map<std::string, ProcessingReport> m_reports;
    std::set<std::string> m_adopted; // feeds adopted by recovery in this run
};

// "user@host" of this process, for CancelOptions::run_by.
std::string current_user_at_host();

} // namespace asc
