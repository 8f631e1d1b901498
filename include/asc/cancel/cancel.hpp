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
//   5. Every order is journaled BEFORE anything is sent (run_chunked: the orders of a chunk, in
//      one transaction, before the feed that carries them), in one transaction: planned (with batch,
//      feed_seq, message id, marketplace, who ran it), refused, already_canceled.
//      Memory stays flat in the batch size: the plan keeps per order only what the guard and the
//      feed need (CancelTarget), journal rows are written one at a time, each feed's rows exist only
//      while that feed is worked on, and the results of a feed are kept as one shared outcome plus
//      the messages Amazon reported on (cancel_rows.hpp).
//   6. Per feed (the batch is split only above max_messages_per_feed messages): build the XML,
//      createFeedDocument (journal the document id), upload; then createFeed, which is never
//      retried after a failure that may have reached Amazon. Right before each createFeed attempt
//      goes out the rows become `submitting` with the send time and the request timeout
//      (submitted_at, send_timeout); its answer, checked against the model, makes them
//      `submitted` with the feed id.
//   7. Unless --no-wait: poll getFeed until DONE / FATAL / CANCELLED, read the processing report and
//      journal each order's outcome, in transactions of at most k_outcome_chunk orders; each
//      canceled order also becomes Canceled in the store in the same transaction as its row, so
//      cached lists and reports agree at once. A run that dies in between leaves the other rows
//      submitted: the next one reads the same report again for them.
//
// Recovery (the journal says exactly how far a run got; every step above commits before the next
// one starts). The rule: asc proves, it never guesses. A feed is named as the one that carried an
// order only when createFeed's answer recorded its id; anything else is learned from the orders.
//   * planned: nothing was sent (createFeed goes out only after `submitting` is committed). The
//     order is planned again, against fresh state, when the same command runs again or by
//     `asc cancellations resume`.
//   * submitting (the run died between sending createFeed and recording its answer, or the answer
//     was lost: a timeout, a closed connection, an HTML, oversized, garbled or redirected answer):
//     the outcome is unknown. A Feed carries no input document id, so no feed found with getFeeds
//     can be proven to be ours (another client of the same seller may send one of the same size
//     at the same time); recovery never adopts one. It reads the orders' fresh state instead:
//       - Canceled on Amazon: `canceled`, "confirmed by the order's state", no feed named.
//       - Amazon does not know the order: `failed`.
//       - anything else: nothing may be concluded while the createFeed could still arrive or a
//         feed that may hold the orders is still processing. Recovery waits (bounded; not with
//         --no-wait) until the recorded send time + the recorded request timeout + in_flight_floor
//         (Amazon's own processing of a request that arrived late) has passed, then for every
//         acknowledgement feed created since the send (same marketplaces, not named by the
//         journal) to finish (up to wait_timeout each), and reads the orders again (more than
//         fresh_state_threshold of them through a sync, which sees changes two minutes late: that
//         reading waits until it covers the moment nothing was in flight any more): Canceled ->
//         `canceled` as above; still not canceled -> back to `planned`, sent again in a new feed
//         (after the guard looks at it again). While a candidate is still processing the rows stay
//         `submitting` and are reported pending; nothing is sent again.
//   * submitted: the feed id is ours; its result is collected (waiting up to wait_timeout when the
//     rows concern this run's orders or this is a resume; otherwise looked at once). A feed that
//     Amazon does not know (getFeed 404) cannot resolve anything: its rows become an unknown
//     outcome as above. A feed whose result cannot be read now stays pending; neither ever blocks
//     other orders.
// Claims (Store, "Claims"). Every run is registered in the store; the rows it writes in flight
// are claimed by it, each in a transaction committed before anything is sent and only if the
// order's journal is still as the plan read it. Recovery takes over only the rows of runs that are
// gone (a crash, a lost host: `cancellations resume` works from any host). On SQLite a second
// `order cancel` waits for the first (a lock file). On a shared PostgreSQL store runs of several
// hosts work at once: an order claimed by another live run (found in the journal, or lost to it
// at the claim) is handled elsewhere. This run then waits (up to wait_timeout; not with --no-wait)
// for that run's outcome and reports it (an order the other run canceled is already_canceled
// here, so its Magento step runs once, there); still in flight after the wait, it is
// handled_elsewhere, naming the run and `asc cancellations list --order ID` to follow it.

#include "asc/amazon/ack_feed.hpp"
#include "asc/amazon/cancel_reason.hpp"
#include "asc/amazon/feeds_client.hpp"
#include "asc/amazon/orders_client.hpp"
#include "asc/base/clock.hpp"
#include "asc/base/errors.hpp"
#include "asc/base/events.hpp"
#include "asc/base/id_list.hpp"
#include "asc/model/model.hpp"
#include "asc/store/store.hpp"

#include <array>
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

class TempFile;

enum class CancelOutcome {
    Canceled,        // Amazon's report says canceled
    AlreadyCanceled, // it was Canceled before (on Amazon, or by an earlier run per the journal)
    Submitted,       // in a feed whose result is not known yet (--no-wait, timeout, earlier run)
    WouldCancel,     // dry run: the guard allows it
    Refused,         // the guard refused it on fresh state; nothing sent
    Failed,          // Amazon reported an error, the feed failed, or it could not be sent
    NotFound,        // Amazon does not know the order
    InvalidId,       // not an Amazon order id (3-7-7 digits)
    // Another run (another host, on a shared PostgreSQL store) holds the order's claim and its
    // outcome was not known within the wait: the message names the run and how to follow it.
    Elsewhere,
};

// "canceled", "already_canceled", "submitted", "would_cancel", "refused", "failed", "not_found",
// "invalid_id", "handled_elsewhere".
std::string_view to_string(CancelOutcome outcome);

// One result row (one per order).
struct CancelRow {
    std::string order_id{};
    CancelOutcome outcome = CancelOutcome::Failed;
    std::string reason{};    // Amazon's spelling of the CancelReason
    std::string feed_id{};   // the feed that carried (or carries) it; "" when not proven (see Recovery)
    std::string result_code{}; // Amazon's ResultMessageCode when it failed; FATAL / CANCELLED for the feed
    std::string message{};   // why (refusal reason and remedy, Amazon's description, ...)
    // The Magento step of a canceled order (commerce_step.hpp); nullopt: no commerce link. Filled
    // by the CLI after the commerce step.
    std::optional<CommerceState> commerce{};
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
    // run_chunked() plans and journals this many input ids at a time, filling feeds of
    // max_messages_per_feed orders from as many chunks as it takes; a batch up to this size runs as
    // one plan, exactly as plan() + execute(). A chunk's plan costs about 500 bytes an id while it is
    // worked on, so a smaller chunk than a feed keeps memory low without sending more feeds.
    std::size_t plan_chunk = 2'000;
    std::size_t fresh_state_threshold = 20;
    std::string seller_id;                    // the feed's MerchantIdentifier
    std::vector<std::string> marketplace_ids; // the profile's: what the sync covers
    std::string run_by;                       // user@host
    std::chrono::milliseconds lock_wait{std::chrono::seconds(10)};
    std::chrono::milliseconds sync_lock_wait{std::chrono::minutes(2)};
    std::chrono::seconds clock_skew{std::chrono::minutes(2)};
    // The request timeout this run sends with; journaled with each createFeed (send_timeout).
    std::chrono::milliseconds request_timeout{std::chrono::seconds(60)};
    // Added to a createFeed's recorded send time and timeout before recovery concludes that it can
    // no longer create a feed (see Recovery). The default covers Amazon's own processing of a
    // request that arrived late: SP-API is served through Amazon API Gateway, whose integration
    // timeout is at most 29 s, and this doubles it.
    std::chrono::milliseconds in_flight_floor{std::chrono::seconds(60)};
    // Called at each step, for tests (a crash at each point) and the documented ASC_TEST_CRASH_AT
    // hook: "after-plan", "after-document", "after-upload", "before-create-feed",
    // "after-create-feed" (answered, answer not journaled), "after-submit", "waiting" (each poll of
    // an unfinished feed).
    std::function<void(std::string_view step)> on_step;
    // The journal's commerce_state for an order Amazon's report confirms canceled, set in the same
    // transaction: Pending (a commerce link is configured: the commerce step follows, see
    // commerce_step.hpp), Skipped (--no-commerce), nullopt (no commerce link).
    std::optional<CommerceState> commerce_on_cancel;
    // When set, the orders the user confirmed (a batch too large to hold its plan while asking is
    // planned twice: once to ask, once to send). An order the guard allows that this does not
    // name is refused, not sent: it was not in the plan the user confirmed.
    std::function<bool(std::string_view order_id)> confirmed;
    // Recovery reads the rows of each feed an earlier run left in flight from the journal this
    // many at a time, settling and reporting them as it goes, so that a run that resumes any
    // number of orders in flight holds one page of them (tests make it small).
    std::size_t recovery_page = 500;
    // When set, each row recovery completes (or finds still pending) for an order not in the
    // input goes to it as it settles, instead of into CancelPlan::recovered.
    std::function<void(CancelRow&& row)> on_recovered;
};

// What the confirmation and the feed need of an order's fresh state. A batch keeps this, not the
// whole order, for each order it may send, and drops it once the order's feed is sent.
struct CancelTarget {
    Status status = Status::Unshipped;
    int units = 0; // quantity ordered, all items
    std::optional<Money> total;
    std::string marketplace_id;
    // Every item's AmazonOrderItemCode, for the feed, each one preceded by a '\n' (one string,
    // not a vector: a one-item order needs no allocation). Amazon's codes are 14 digits
    // (OrderAcknowledgement.xsd, AmazonOrderItemCode), so a line break never occurs in one.
    std::string order_item_ids;
    // The codes one by one (into `out`, cleared first; no item: empty).
    void item_ids(std::vector<std::string>& out) const;
};
CancelTarget cancel_target(const Order& order);

// What plan() found for one order.
struct CancelPlanItem {
    std::string order_id;
    CancelReason reason = CancelReason::NoInventory;
    CancelOutcome outcome = CancelOutcome::WouldCancel; // Canceled: an earlier run's, confirmed just now
    std::string feed_id;
    std::string result_code;
    std::string message;
    // The fresh state, when it was fetched: an index into CancelPlan::targets (see target_of).
    std::optional<std::size_t> target;
    std::int64_t journal_id = 0; // a planned row of an interrupted run that this plans again
    // The order's newest journal row when the plan read the journal (0: none): the claim is
    // granted only if it still is (Store::journal_claim).
    std::int64_t seen_journal = 0;
    bool fresh = false;          // decided on fresh state now (not from the journal)
    bool from_input = true;      // false: a planned row of an earlier run (resume)
};

struct CancelPlan {
    std::vector<CancelPlanItem> items; // the input orders in input order, then resumed ones
    // The fresh state of the items that have one (CancelPlanItem::target), kept apart so that
    // execute() can release all of it at once when the feeds are sent.
    std::vector<CancelTarget> targets;
    // Buyer cancellation requests met with another reason than BuyerCanceled, one line per order.
    std::vector<std::string> advice;
    // Orders of earlier runs that recovery completed (or found still pending), not in the input.
    std::vector<CancelRow> recovered; // empty when CancelOptions::on_recovered took them
    // Planned rows of interrupted runs for other orders, left for `asc cancellations resume`.
    std::size_t left_for_resume = 0;

    [[nodiscard]] std::size_t count(CancelOutcome outcome) const;
    // The item's fresh state; nullptr when it has none.
    [[nodiscard]] const CancelTarget* target_of(const CancelPlanItem& item) const;
};

// How many result rows had each outcome: what the summary and the exit status need, without the
// rows.
// How many outcomes there are: Elsewhere is the last one (keep it so when adding one).
inline constexpr std::size_t k_cancel_outcomes = static_cast<std::size_t>(CancelOutcome::Elsewhere) + 1;

struct CancelTally {
    std::array<std::size_t, k_cancel_outcomes> counts{}; // by CancelOutcome
    std::size_t total = 0;

    void add(CancelOutcome outcome);
    [[nodiscard]] std::size_t count(CancelOutcome outcome) const;
};

// Receives the result rows one at a time, in plan order, as execute() settles them; it may keep
// them or write them out at once (what `order cancel` does, so that a batch of any size is never
// held whole).
using CancelRowSink = std::function<void(CancelRow&& row)>;

struct CancelResult {
    std::vector<CancelRow> rows;      // one per plan item, in plan order (empty when a sink took them)
    CancelTally tally;                // of the rows, also when a sink took them
    std::vector<CancelRow> recovered; // as CancelPlan::recovered
    std::vector<std::string> feed_ids; // the feeds this run sent
    // What stopped the run before every order had an outcome (Amazon unreachable, ...). The
    // journal is consistent; the affected rows say "not sent" or "pending". nullopt otherwise.
    std::optional<Error> error;
    bool timed_out = false; // a feed was still processing after wait_timeout

    [[nodiscard]] std::size_t count(CancelOutcome outcome) const;
};

// How many orders' outcomes execute() journals (and marks Canceled in the store) per transaction.
inline constexpr std::size_t k_outcome_chunk = 500;

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
    // The same, releasing the plan's memory as it goes. With a `sink`, each row goes to it in plan
    // order instead of into CancelResult::rows (what `order cancel` uses).
    CancelResult execute(CancelPlan&& plan, const CancelRowSink& sink = {});

    // plan() + execute().
    CancelResult run(const std::vector<std::string>& order_ids, CancelReason reason);

    // plan() + execute() in memory that does not grow with the batch (cancel_chunked.cpp): the
    // deduplicated `order_ids` are planned (steps 2-4) and journaled (5) plan_chunk ids at a time,
    // one after the other, with one recovery (1) and at most one sync for the whole batch; each
    // chunk's orders to send go into the feed being filled (its document written a message at a
    // time to a temporary file), which is sent (6) as soon as it holds max_messages_per_feed
    // orders, the last one after the last chunk. Each chunk's plan is then kept in an unlinked
    // temporary file, not in memory, until
    // every feed's result is in (7), and the rows go to `sink` (or into CancelResult::rows) in
    // input order, the orders another run handles last, as execute() does. A batch of at most
    // plan_chunk ids is exactly plan() + execute(). `planned` is called with each chunk's plan
    // before it is sent (recovery notes and advice for the user; the first chunk's carries the
    // recovered rows and left_for_resume). Differences from one plan, for larger batches: each
    // chunk's orders are journaled before the feed that carries them goes out, and the later
    // chunks' are not journaled yet (an interrupted run leaves the orders of the feed being filled
    // planned and the later chunks unjournaled: the same command run again plans them; what was
    // sent is not sent twice); feeds are cut in sendable orders across chunks, as one plan's are.
    // After an error that stops the run, the orders of chunks not planned yet are failed rows
    // "not sent". The plan is never whole: to ask the user first, plan the batch once as a dry run
    // (a chunk at a time, through `planned`), ask, and run again with CancelOptions::confirmed.
    CancelResult run_chunked(const IdList& order_ids, CancelReason reason,
                             const std::function<void(CancelPlan&)>& planned, const CancelRowSink& sink = {});

    // `cancellations resume` in memory that does not grow with what it resumes: recovery (1) as
    // plan() does, then this run's planned rows (those interrupted runs left, taken over by
    // recovery) read from the journal plan_chunk at a time, in order id order, each chunk planned
    // again on fresh state (3-4), journaled (5) and added to the feed being filled, which is sent
    // (6) when full, as run_chunked() does with input ids; the results (7) and the rows as there.
    // `planned` is called with each chunk's plan (the first one's after recovery, which hands its
    // rows to CancelOptions::on_recovered or CancelPlan::recovered). After an error that stops the
    // run, the planned rows not planned yet are failed rows "not sent" (still planned in the
    // journal, for the next resume).
    CancelResult resume_chunked(const std::function<void(CancelPlan&)>& planned, const CancelRowSink& sink = {});

    // The processing report of a finished feed (getFeedDocument, download, gunzip, parse), or
    // nullopt when it has no result document. Reports are cached per feed for this service.
    std::optional<ProcessingReport> report_of(const Feed& feed);

    // The journal rows of one feed (or feed-to-be); internal (src/core/cancel_internal.hpp).
    struct Flight;

  private:

    // Recovery (cancel_recover.cpp).
    class IdSet;
    // Completes the flights of gone runs one at a time, each one's rows read from the journal a
    // page at a time, and hands every row it settles (or finds still pending) to `emit` with its
    // journal row id, submitted feeds first, in MessageID order.
    void recover(const IdSet& input, bool resume,
                 const std::function<void(CancelRow&& row, std::int64_t journal_id)>& emit);
    // Recovery of one submitted flight: collects its result and emits its rows; a feed Amazon does
    // not know becomes an unknown outcome (added to `unknown`).
    void recover_submitted(Flight& flight, const IdSet& input, bool resume, std::vector<Flight>& unknown,
                           const std::function<void(CancelRow&&, std::int64_t)>& emit);
    // Makes flight.source read the flight's rows of this run from the journal a page at a time:
    // those in `states` (any when empty) naming `feed_id` (any when empty).
    void page_from_journal(Flight& flight, std::vector<JournalState> states, std::string feed_id);
    // Settles the rows of flights whose createFeed outcome is unknown from the orders' state
    // (Flight::Row::resolution); rows it cannot settle yet stay `submitting`. The flights hold
    // their rows (a lost answer of this run).
    void resolve_unknown(std::vector<Flight>& flights, bool may_wait);
    // The same for flights whose rows stay in the journal (recovery), a page at a time.
    void resolve_unknown_paged(std::vector<Flight>& flights, bool may_wait);
    // One pass over the unsettled rows with the orders' fresh state. `quiet_since`: nothing in
    // flight can change the orders after that time (else only a Canceled order is settled).
    void settle_rows(std::vector<Flight*>& flights, std::optional<Timestamp> quiet_since);
    // The same pass over flights whose rows stay in the journal, a page at a time (Flight::open
    // counts what is left).
    void settle_paged(std::vector<Flight*>& flights, std::optional<Timestamp> quiet_since);
    // Before concluding "not canceled" from an incremental sync of `orders` orders: waits until
    // Amazon's order search shows every change up to quiet_since.
    void await_search(Timestamp quiet_since, std::size_t orders);
    // Decides the unsettled rows held by `flight` (all of them, or a page) on the orders' fresh
    // state (settled: nothing in flight can change them any more) and journals what it settled;
    // returns how many it settled.
    std::size_t settle_some(Flight& flight, bool settled);
    // Waits until the flights' createFeed can no longer arrive and no candidate feed is processing,
    // and returns that time; nullopt when that is not so yet (no waiting allowed, or a candidate
    // outlasted wait_timeout).
    std::optional<Timestamp> await_settled(const std::vector<Flight*>& flights, bool may_wait);
    // Fresh state (cancel.cpp): calls found(index, order) for each of `ids` that Amazon knows, in
    // no particular order; keeps none of them.
    void fresh_state(const std::vector<std::string_view>& ids,
                     const std::function<void(std::size_t, const Order&)>& found);
    // Plan steps 2 and 4 (cancel.cpp).
    void dedupe_against_journal(CancelPlan& plan, CancelReason reason, std::vector<std::size_t>& need);
    void decide_fresh(CancelPlan& plan, const std::vector<std::size_t>& need);
    // Execute's jobs (cancel_send.cpp): journal the plan (step 5), send each feed (6), await the
    // results (7); the rows are then cancel_rows() of the plan and the feeds.
    struct Batch;
    // Journals the plan (step 5) as part `batch_id` of a batch (new when empty), its first feed
    // numbered `first_feed_seq`, which already carries `first_message` messages (a chunked run fills
    // a feed from several chunks).
    Batch journal_plan(CancelPlan& plan, std::string batch_id = {}, int first_feed_seq = 1,
                       std::size_t first_message = 0);
    // The planning half of plan() for `ids` (a part of the batch `input`): `first` also takes the
    // lock, runs recovery and reads the planned rows of interrupted runs.
    CancelPlan plan_part(const std::vector<std::string>& ids, CancelReason reason, const IdSet& input, bool resume,
                         bool first);
    // Chunked runs (cancel_chunked.cpp).
    class Spill;
    class OpenFeed;
    // Journals one chunk's plan as part of the batch `batch_id` (set by the first chunk), adds its
    // items to `spill` and its orders' messages to the feed being filled, `open`; a feed that is full
    // is sent at once (unless an error stopped the run) and added to `flights`.
    void spill_chunk(CancelPlan& plan, std::string& batch_id, std::vector<Flight>& flights, OpenFeed& open,
                     Spill& spill, CancelResult& result);
    // Sends the feed `open` (unless an error stopped the run: it stays planned), adds it to
    // `flights` and starts the next one.
    void send_open(OpenFeed& open, std::vector<Flight>& flights, Spill& spill, CancelResult& result);
    // The loop of run_chunked() and resume_chunked(): `next` makes the plan of the next chunk
    // (`first`: the one that runs recovery; false: no more), which is journaled and spilled and
    // whose orders fill the feeds; after an error that stops the run `rest` spills rows for what
    // was not planned.
    CancelResult run_chunks(const std::function<bool(CancelPlan&, bool first)>& next,
                            const std::function<void(Spill&, const std::string& why)>& rest,
                            const std::function<void(CancelPlan&)>& planned, const CancelRowSink& sink);
    // Throws Error(Interrupted) on Ctrl-C before any chunk but the first.
    static void between_chunks(bool first);
    // Adds to `plan` this run's planned rows among the next `limit` planned rows of the journal
    // after order id `after` (which it advances), decided on fresh state; false when there are no
    // more.
    bool plan_planned_page(CancelPlan& plan, std::string& after, std::size_t limit);
    // The rows of `flight` read back from the spill into flight.rows (to settle a lost answer).
    static void load_spilled(Spill& spill, Flight& flight);

    // Step 7 for every feed of the spill (each one's rows read back while it is worked on).
    void await_spilled(Spill& spill, std::vector<Flight>& flights, CancelResult& result);
    // The rows of the spill, in its order, the orders another run handles last.
    void emit_spilled(Spill& spill, std::vector<Flight>& flights, std::string_view why, const CancelRowSink& sink,
                      CancelResult& result);
    // Waits for a submitted feed's result and records it; what keeps it pending goes into the
    // flight (and the first error into `result`).
    void await_flight(Flight& flight, CancelResult& result);
    // Throws Error(Config) when no seller id is configured (the feed must name it).
    void require_seller_id() const;
    void send_all(const CancelPlan& plan, Batch& batch, CancelResult& result);
    void await_all(const CancelPlan& plan, Batch& batch, CancelResult& result);
    // The rows of feed `index` of the batch, from the plan (they exist only while it is worked on).
    void load_rows(const CancelPlan& plan, Batch& batch, std::size_t index);
    void send(Flight& flight, const CancelPlan& plan, const Batch& batch);
    // Sends the feed document `document` that carries the orders of the journal rows `journal_ids`
    // (createFeedDocument, upload, createFeed; each step journaled). `load` fills flight.rows when
    // they are needed and not held (to settle a lost createFeed answer).
    void submit(Flight& flight, TempFile& document, const std::vector<std::int64_t>& journal_ids,
                const std::vector<std::string>& marketplaces, const std::function<void(Flight&)>& load);
    // After createFeed failed in a way that may have reached Amazon (`lost`): settles the flight
    // from the orders' state (resolve_unknown) and fills its outcomes; throws Error(Temporary)
    // unless every order turned out Canceled.
    void settle_lost_answer(Flight& flight, const Error& lost);
    // Claims (cancel_elsewhere.cpp). Whether the newest row `e` of an order is in flight in
    // another run that is alive (not this one).
    bool held_elsewhere(const JournalEntry& e);
    // The registered run `id` (cached for this service); nullopt when it ended.
    const std::optional<JournalRun>& run_of(std::int64_t id);
    // An item (or row) for an order another run holds, per its newest journal row `e`.
    CancelPlanItem elsewhere_item(const JournalEntry& e, CancelReason reason);
    // Reads the outcomes of the handled_elsewhere rows, waiting for them up to wait_timeout when
    // `may_wait`, and reports them.
    void await_elsewhere(std::vector<CancelRow>& rows, bool may_wait);
    // Waiting and results (cancel_results.cpp).
    bool collect(Flight& flight, bool may_wait); // false: still processing
    // Polls getFeed until the feed is finished (nullopt: still processing after wait_timeout, or
    // at once when !may_wait).
    std::optional<Feed> await_feed(const std::string& feed_id, bool may_wait, std::size_t orders);
    void apply_report(Flight& flight, const Feed& feed);
    // Journals the outcomes of a settled flight (flight.progress) and marks it settled.
    void record(Flight& flight);

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
    std::map<std::int64_t, std::optional<JournalRun>> m_runs; // run_of()'s cache
    // The journal rows of input orders whose earlier run recovery completed as canceled
    // (plan_part's first call), sorted: 8 bytes an order, the rest is in the journal.
    std::vector<std::int64_t> m_completed;
    bool m_synced = false;     // fresh_state() synced the store
    bool m_reuse_sync = false; // and need not again: set by run_chunked() after its first chunk
    bool m_planned_paged = false; // plan_part() leaves the planned rows to resume_chunked()
};


} // namespace asc
