#pragma once
// Internals of the cancel service shared by cancel*.cpp. Not part of the public headers.

#include "asc/amazon/ack_feed.hpp"
#include "asc/cancel/cancel.hpp"
#include "asc/cancel/cancel_rows.hpp"
#include "asc/cancel/recovery.hpp"

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace asc {

// The journal rows of one feed: planned rows of one feed_seq of a batch, or the rows an earlier
// run left submitting/submitted. Rows are in MessageID order. A feed of this run holds its rows
// only while it is worked on (CancelService::load_rows).
struct CancelService::Flight {
    struct Row {
        std::int64_t journal_id = 0;
        std::string order_id;
        std::uint64_t message_id = 0;
        std::string reason;
        std::string marketplace_id;
        // How the recovery of an unknown createFeed outcome settled the row: nullopt (not yet),
        // Canceled, Failed or Planned (to be sent again), and why (its result row's message).
        // Only these, not the result row itself: a feed of 10,000 rows is held while it is sent.
        std::optional<JournalState> resolution{};
        std::string message{};

        // The result row of a settled row: canceled, or failed (not sent, or unknown to Amazon).
        [[nodiscard]] CancelRow outcome() const {
            return {.order_id = order_id,
                    .outcome = resolution == JournalState::Canceled ? CancelOutcome::Canceled : CancelOutcome::Failed,
                    .reason = reason,
                    .message = message};
        }
    };
    std::string batch_id;
    int feed_seq = 0;
    std::string feed_document_id;
    std::optional<Timestamp> submitted_at;
    std::optional<std::chrono::milliseconds> send_timeout; // the request timeout createFeed went out with
    std::vector<Row> rows;
    std::size_t size = 0; // how many orders it carries (set when its rows are not held: see `source`)
    // The distinct marketplaces of its rows, sorted, when they are not held (a recovered flight).
    std::vector<std::string> marketplace_ids;
    // Recovery: how many of its rows' unknown outcomes are not settled yet.
    std::size_t open = 0;
    // A chunked run's flight holds no rows while it waits for its result, nor does a flight that
    // recovery took over: `source` hands them to its callback in MessageID order, a piece at a
    // time, read back from the run's spill (where its first one is at `spill_offset`) or from the
    // journal a page at a time.
    std::function<void(std::size_t piece, const std::function<void(std::span<const Row>)>& each)> source;
    std::uint64_t spill_offset = 0;
    // How far it got (state, feed id) and, once settled, its outcomes.
    FeedProgress progress;

    // The distinct marketplaces of the rows (or marketplace_ids), sorted; `fallback` when none
    // names one.
    [[nodiscard]] std::vector<std::string> marketplaces(const std::vector<std::string>& fallback) const;
    // Whether some held row's unknown outcome is not settled yet.
    [[nodiscard]] bool unsettled() const;
    // How many orders it carries: its rows, or `size` while they are in the spill.
    [[nodiscard]] std::size_t orders() const { return rows.empty() ? size : rows.size(); }
    // Hands its rows to `each` in MessageID order, at most `piece` at a time: from `rows`, else
    // from `source`.
    void each_piece(std::size_t piece, const std::function<void(std::span<const Row>)>& each) const;
};

// The feeds of one execute(): feed k carries the would_cancel items sendable[k * per_feed ...],
// as MessageID 1, 2, ...
struct CancelService::Batch {
    std::string batch_id;
    int first_feed_seq = 1; // the feed_seq of flights[0] (a chunked run's later chunks go on counting)
    std::size_t per_feed = 1;
    std::vector<std::size_t> sendable;     // plan item index of each order to send, in plan order
    std::vector<std::int64_t> journal_ids; // the journal row of each, same order
    std::vector<Flight> flights;
};

// The ids given to plan(), deduplicated, for lookups: views into the caller's vector, or (a batch
// of any size, 4 bytes an id) the ids of `list` at the indexes `which`, none repeated.
class CancelService::IdSet {
  public:
    IdSet() = default;
    explicit IdSet(std::vector<std::string_view> ids);
    IdSet(const IdList& list, std::vector<std::uint32_t> which);
    [[nodiscard]] bool contains(std::string_view id) const;
    // Lets go of the index (contains() then finds nothing): a chunked run needs it only for the
    // recovery of its first chunk.
    void clear();

  private:
    std::vector<std::string_view> m_sorted;
    const IdList* m_list = nullptr;
    std::vector<std::uint32_t> m_index; // sorted by the id they point to
};

// Frees a vector's memory. (`v = {}` picks the initializer_list assignment, which empties the
// vector but keeps its capacity: a batch would hold every feed's rows to the end.)
template <class T> void release(std::vector<T>& v) {
    std::vector<T>().swap(v);
}

// Groups in-flight journal rows into flights: submitting rows by (batch, feed_seq), submitted rows
// by feed id (and batch, feed_seq); planned rows are left out. Rows are added one at a time (as the
// store reads them) and only counted: take() returns the flights, oldest send first, without
// their rows (size, marketplace_ids and the send times summarize them; recovery reads the rows
// back from the journal a page at a time).
class FlightGroups {
  public:
    void add(const JournalEntry& e);
    std::vector<CancelService::Flight> take();

  private:
    std::map<std::string, CancelService::Flight> m_by_key;
};

// The store's copy of `order` marked Canceled by the merchant with `reason` (last_updated kept,
// so Amazon's next copy replaces it).
Order canceled_copy(Order order, const std::string& reason);

// "b20261101T100000Z-1a2b3c": a batch id, unique enough across processes and hosts.
std::string make_batch_id(Timestamp now);

// This run's planned journal row `e`, as the plan item that decides it on fresh state and sends
// it again (a reason the journal spells wrongly reads as GeneralAdjustment).
CancelPlanItem planned_item(JournalEntry&& e);

// A timeout as people read it: "30m", "90s".
std::string duration_text(std::chrono::milliseconds d);

// Counts `row` into result's tally, then hands it to `sink`, or keeps it in result.rows when there
// is no sink (the rows of execute() and of a chunked run go out the same way).
inline void deliver_row(CancelResult& result, const CancelRowSink& sink, CancelRow&& row) {
    result.tally.add(row.outcome);
    if (sink) {
        sink(std::move(row));
    } else {
        result.rows.push_back(std::move(row));
    }
}

} // namespace asc
