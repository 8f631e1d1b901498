#pragma once
// Internals of the ship service shared by ship*.cpp. Not part of the public headers.

#include "asc/ship/ship.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace asc {

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
};

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
