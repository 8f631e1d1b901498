#pragma once
// Internals of the ship service shared by ship*.cpp. Not part of the public headers.

#include "asc/amazon/late_request.hpp"
#include "asc/amazon/ship_confirm.hpp"
#include "asc/base/temp_file.hpp"
#include "asc/ship/ship.hpp"

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace asc {

// Reads back bytes written to a TempFile through a window of it (64 KiB or the record), so that
// records written together are read back together with one pread.
class ReadWindow {
  public:
    // The `n` bytes at `at` (written and flushed), valid until the next load. Throws
    // Error(Internal) naming `what` when the file is shorter.
    std::string_view load(const TempFile& file, std::uint64_t at, std::size_t n, std::string_view what);

  private:
    std::string m_window;
    std::uint64_t m_at = 0;
};

// "s<unix seconds>-1a2b3c": a batch id, unique enough across processes and hosts.
std::string ship_batch_id(Timestamp now);
// The includedData of getOrder for the guard and the store: FULFILLMENT, PACKAGES, CANCELLATION,
// PROCEEDS.
const std::vector<Included>& ship_included();
// Whether the order carries a package with this tracking number.
bool has_tracking(const Order& order, const std::string& tracking);
// The result row of a journal row.
ShipRow row_of(const ShipEntry& e, ShipOutcome outcome, std::string message = {});
// What confirmShipment / the feed send for a journal row.
PackageConfirmation confirmation_of(const ShipEntry& e);

// The journal rows one execute() wrote: per row only its plan item and its id, so that a batch of
// any size is not held twice; the row itself is made again from the plan item when it is sent
// (journal_entry) and read back from the journal when its result is written out.
struct ShipJournaled {
    std::vector<std::size_t> items; // the plan items journaled, in plan order
    std::vector<std::int64_t> ids;  // their journal rows, same order
    Timestamp at{};                 // when they were journaled (a package's ship date by default)
    std::string batch_id;
    ShipVia via = ShipVia::Api;
    std::string run_by;
    // Through feeds, per package to send (the items that would ship, in plan order): its
    // MessageID, and where a feed is sent before the package at that position goes into the next
    // one (lay_out_feeds).
    std::vector<std::int64_t> messages;
    std::vector<std::size_t> feed_cuts;
};

// Numbers the packages a plan sends through feeds (`orders`: the order id of each, in plan order)
// into the feed being filled, which holds `open` packages, and the feeds after it, at most `max`
// packages a feed: `messages` gets each package's MessageID in its feed, `cuts` each position
// where the feed so far is sent and the next begins. Every package of an order stays in one feed
// (an order with more packages than `max` has a feed of its own), and each feed takes as many
// whole orders as fit, so the feeds are as few as the batch allows.
void lay_out_feeds(std::span<const std::string_view> orders, std::size_t open, std::size_t max,
                   std::vector<std::int64_t>& messages, std::vector<std::size_t>& cuts);

// The fulfillment feed a run is filling, a package at a time, possibly from several chunks of a
// batch: its document, written a message at a time to an unlinked temporary file, and what sending
// it needs of its rows (their journal ids, the marketplaces), so that a feed of 10,000 packages
// is never held in memory.
class ShipFeedFill {
  public:
    ShipFeedFill(std::string seller_id, std::size_t max_packages)
        : m_seller_id(std::move(seller_id)), m_max(std::max<std::size_t>(max_packages, 1)) {}

    // Adds the package (journal row `journal_id`) as message `message_id`, which must be the next
    // one (size() + 1): the journal numbered it so (lay_out_feeds).
    void add(const PackageConfirmation& package, std::int64_t message_id, std::int64_t journal_id);
    [[nodiscard]] std::size_t size() const { return m_journal_ids.size(); }
    [[nodiscard]] std::size_t max() const { return m_max; }
    [[nodiscard]] bool full() const { return size() >= m_max; }
    // The finished document (call once, before sending).
    TempFile& finish();
    // Its rows' journal ids, in MessageID order.
    [[nodiscard]] const std::vector<std::int64_t>& journal_ids() const { return m_journal_ids; }
    // The distinct marketplaces of its packages, sorted; `fallback` when none names one.
    [[nodiscard]] std::vector<std::string> marketplaces(const std::vector<std::string>& fallback) const;
    // Empties it for the next feed.
    void clear();

  private:
    std::string m_seller_id;
    std::size_t m_max;
    std::optional<TempFile> m_document;
    std::optional<FulfillmentFeedWriter> m_writer;
    std::vector<std::int64_t> m_journal_ids;
    std::set<std::string> m_marketplaces;
};

// What recovery's first look at the journal's rows in flight found (ShipService::survey_in_flight):
// counts and moments, no row, so that it is the same size for ten rows or a hundred thousand.
struct ShipInFlight {
    std::size_t planned = 0;
    std::size_t sending = 0;
    // The latest moment a request of a `sending` row can still arrive (its settle moment).
    Timestamp settle{};
    // The earliest send of a `sending` row that went out in a feed (nullopt: none did).
    std::optional<Timestamp> feed_sent;
    std::set<std::string> feeds; // the feeds of `submitted` rows, read once each
};

// The result rows recovery settles (ShipService::recover). With a sink (ShipOptions::on_recovered)
// they are held only until the journal change that settles them is committed, then handed over:
// at most a page of rows at a time, however many an interrupted run left in flight. Without one
// they are all kept for ShipPlan::recovered.
class ShipRecovered {
  public:
    explicit ShipRecovered(const ShipRowSink& sink) : m_sink(sink) {}
    void add(ShipRow&& row) { m_rows.push_back(std::move(row)); }
    // The rows added so far are settled in the journal (or, when pending, need no change).
    void committed() {
        if (m_sink) {
            for (ShipRow& row : m_rows) {
                m_sink(std::move(row));
            }
            m_rows.clear();
        }
    }
    // Hands over what is left; returns the rows kept without a sink.
    std::vector<ShipRow> finish() {
        committed();
        return std::move(m_rows);
    }

  private:
    const ShipRowSink& m_sink;
    std::vector<ShipRow> m_rows;
};

// settle_time (asc/amazon/late_request.hpp) of a row's request (rows journaled without a send time
// went out at their last update).
Timestamp ship_settle_time(const ShipEntry& e, std::chrono::milliseconds floor);

// Counts `row` in `result`, then hands it to `sink`, or keeps it in result.rows without one.
void emit_row(ShipRow&& row, ShipResult& result, const ShipRowSink& sink);

// The result row of a plan item that has no journal row.
ShipRow row_of_item(const ShipPlanItem& item);
// The result row of a plan item in a dry run sent `via`.
ShipRow dry_row(const ShipPlanItem& item, ShipVia via);
// The result row of a journal row once the run is over; `sending_note` says why a row still
// `sending` is (the answer that carried it was lost).
ShipRow journal_result_row(const ShipEntry& e, const std::string& sending_note);

// The journal row of a plan item as execute() writes it; `message_id` numbers it in a feed (0:
// not in the feed). The id is the planned row it replaces, if any.
ShipEntry journal_entry(const ShipPlanItem& item, const ShipJournaled& journaled, std::int64_t message_id);

} // namespace asc
