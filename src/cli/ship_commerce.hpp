#pragma once
// The Magento step of `order ship`: the linked Magento order of each package Amazon confirmed gets
// its shipment with the tracking number (POST /V1/order/{id}/ship with items and tracks), which is
// how Magento itself reaches `complete` once everything is invoiced and shipped. Exactly once: the
// journal row owes the step (commerce_state pending) in the same transaction as the confirmation,
// becomes `sending` right before the shipment request goes out, and a `sending` row is settled
// from the Magento order's shipments (the track number) before anything is sent again.

#include "asc/ship/ship.hpp"
#include "commerce_link.hpp"
#include "context.hpp"

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace asc::cli {

struct ShipCommerce {
    std::unique_ptr<CommerceLink> link; // nullptr: no commerce link, or --no-commerce
    std::optional<ShipCommerceState> on_confirm; // for ShipOptions::commerce_on_confirm
};

// The profile's commerce link for a ship run; Error(Config) when configured but incomplete, before
// anything is sent to Amazon.
ShipCommerce ship_commerce(Context& ctx, bool no_commerce);

struct ShipCommerceOutcome {
    std::string summary;        // "3 Magento shipments created, 1 without a linked order"
    std::optional<Error> error; // Auth, Partial (a shipment failed), Temporary (an answer was lost)
};

// What the step did for one journal row.
struct ShipCommerceStep {
    ShipCommerceState state = ShipCommerceState::Failed; // Sending: the outcome is unknown
    std::string shipment_id;
    std::string message;
};

// The Magento step of one run, whose result rows come a part at a time (in input order, once
// Amazon's answers are all in), in memory that does not grow with the batch: for each part, the
// journal rows of its packages (order id and tracking number) that owe the step get it, and every
// row of the part with that package says what happened (as one pass over the whole journal
// would); finish() then runs it for what is still owed (earlier runs' packages not in the input).
// Which journal rows this run stepped is kept as one bit per journal id, and the words of a step
// only for the rare ones that neither created a shipment nor found no link. The first error that
// stops the step (a refused token, Magento down) stops it for every later part too.
class ShipCommerceRun {
  public:
    // Makes one shipment (or finds it, for a row left `sending`); throws Error when the step must
    // stop (the row is left pending).
    using ShipOne = std::function<ShipCommerceStep(const ShipEntry&)>;
    ShipCommerceRun(Store& store, ShipOne ship_one);

    // The step for the packages of `part`, whose messages say what happened.
    void run(std::vector<ShipRow>& part);
    // The step for every journal row still owed, a page at a time.
    void finish();
    [[nodiscard]] ShipCommerceOutcome outcome() const;

  private:
    // Steps one owed journal row unless stopped or stepped already; returns what it did, in the
    // words the rows get.
    std::optional<std::string> step(const ShipEntry& e);
    [[nodiscard]] bool stepped(std::int64_t id) const;
    // What the step did for a row this run stepped, as the result rows say it.
    [[nodiscard]] std::string note(const ShipEntry& e) const;

    Store& m_store;
    ShipOne m_ship_one;
    std::vector<bool> m_stepped; // by journal id
    std::map<std::int64_t, std::string> m_notes; // stepped rows that failed or stay sending
    std::map<ShipCommerceState, std::size_t> m_counts;
    std::optional<Error> m_error;
    bool m_stop = false;
};

// A ShipCommerceRun on the profile's link (`commerce.link` must be set).
ShipCommerceRun ship_commerce_run(Context& ctx, ShipCommerce& commerce);

} // namespace asc::cli
