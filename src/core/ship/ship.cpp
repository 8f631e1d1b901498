// The ship service: plan (recovery, fresh state, guard). execute (journal, confirmShipment per
// package) is in ship_send.cpp, the feed path in ship_feed.cpp, recovery in ship_recover.cpp.

#include "asc/ship/ship.hpp"

#include "asc/base/interrupt.hpp"
#include "asc/base/strings.hpp"
#include "asc/sync/sync.hpp" // fetch_fresh_orders
#include "ship_internal.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <fmt/format.h>
#include <pwd.h>
#include <random>
#include <set>
#include <unistd.h>

namespace asc {

namespace {

long long numeric_ref(const std::string& ref) {
    long long n = 0;
    const auto [end, ec] = std::from_chars(ref.data(), ref.data() + ref.size(), n);
    return ec == std::errc() && end == ref.data() + ref.size() ? n : 0;
}

} // namespace

std::string_view to_string(ShipOutcome outcome) {
    switch (outcome) {
    case ShipOutcome::Confirmed:
        return "confirmed";
    case ShipOutcome::AlreadyShipped:
        return "already_shipped";
    case ShipOutcome::Pending:
        return "pending";
    case ShipOutcome::WouldShip:
        return "would_ship";
    case ShipOutcome::Refused:
        return "refused";
    case ShipOutcome::Failed:
        return "failed";
    case ShipOutcome::NotFound:
        return "not_found";
    case ShipOutcome::InvalidId:
        return "invalid_id";
    }
    return "failed";
}

std::size_t ShipPlan::count(ShipOutcome outcome) const {
    return static_cast<std::size_t>(
        std::count_if(items.begin(), items.end(), [outcome](const ShipPlanItem& i) { return i.outcome == outcome; }));
}

std::size_t ShipResult::count(ShipOutcome outcome) const {
    return counts[static_cast<std::size_t>(outcome)];
}

std::string ship_batch_id(Timestamp now) {
    std::random_device rd;
    return fmt::format("s{}-{:06x}", now.time_since_epoch().count(), rd() & 0xffffffu);
}

const std::vector<Included>& ship_included() {
    static const std::vector<Included> included{Included::Fulfillment, Included::Packages, Included::Cancellation,
                                                Included::Proceeds};
    return included;
}

bool has_tracking(const Order& order, const std::string& tracking) {
    return std::any_of(order.packages.begin(), order.packages.end(),
                       [&](const Package& p) { return p.tracking_number == tracking; });
}

ShipRow row_of(const ShipEntry& e, ShipOutcome outcome, std::string message) {
    ShipRow r;
    r.order_id = e.order_id;
    r.package_ref = e.package_ref;
    r.carrier = e.carrier_code == "Other" ? e.carrier_name : e.carrier_code;
    r.tracking_number = e.tracking_number;
    r.items = items_text(e.items);
    r.outcome = outcome;
    r.via = std::string(to_string(e.via));
    r.feed_id = e.feed_id;
    r.result_code = e.result_code;
    r.message = message.empty() ? e.result_message : std::move(message);
    return r;
}

PackageConfirmation confirmation_of(const ShipEntry& e) {
    PackageConfirmation p;
    p.order_id = e.order_id;
    p.marketplace_id = e.marketplace_id;
    p.package_reference_id = e.package_ref;
    p.carrier_code = e.carrier_code;
    p.carrier_name = e.carrier_name;
    p.shipping_method = e.shipping_method;
    p.tracking_number = e.tracking_number;
    p.ship_date = e.ship_date;
    for (const ShipItem& i : e.items) {
        p.items.push_back({i.order_item_id, i.quantity});
    }
    return p;
}

ShipService::ShipService(SpApiClient& api, OrdersClient& orders, FeedsClient& feeds, Store& store, Clock& clock,
                         Events& events, ShipOptions options)
    : m_api(api), m_orders(orders), m_feeds(feeds), m_store(store), m_clock(clock), m_events(events),
      m_options(std::move(options)) {}

std::size_t ShipService::left_planned() const {
    return m_planned_before - std::min(m_planned_before, m_replanned);
}

Timestamp ShipService::now() const {
    return std::chrono::floor<std::chrono::seconds>(m_clock.wall_now());
}

void ShipService::step(std::string_view name) const {
    if (m_options.on_step) {
        m_options.on_step(name);
    }
}

namespace {

// What the journal says of one order's packages.
struct JournalOfOrder {
    long long next_ref = 1;                   // the next free packageReferenceId
    std::set<std::string> confirmed_tracking; // by earlier runs
    std::set<std::string> pending_tracking;   // in flight from earlier runs, not settled
    // Rows of interrupted runs that were never sent (tracking number -> journal id): a package of
    // this run with that tracking number reuses the row (at most one: ship_journal_in_flight).
    std::map<std::string, std::int64_t> planned;
};

JournalOfOrder journal_of(Store& store, const std::string& order_id, const Order& order) {
    JournalOfOrder j;
    for (const Package& p : order.packages) {
        j.next_ref = std::max(j.next_ref, numeric_ref(p.reference_id) + 1);
    }
    if (store.schema_version() >= 7) {
        for (const ShipEntry& e : store.ship_journal_entries({.order_id = order_id})) {
            j.next_ref = std::max(j.next_ref, numeric_ref(e.package_ref) + 1);
            if (e.state == ShipState::Confirmed || e.state == ShipState::AlreadyShipped) {
                j.confirmed_tracking.insert(e.tracking_number);
            } else if (e.state == ShipState::Sending || e.state == ShipState::Submitted) {
                j.pending_tracking.insert(e.tracking_number);
            } else if (e.state == ShipState::Planned) {
                j.planned[e.tracking_number] = e.id;
            }
        }
    }
    return j;
}

// Orders plan item indexes by their order id, against an order id too (std::equal_range).
struct ByOrderId {
    const ShipPlan& plan;
    bool operator()(std::size_t a, std::string_view b) const { return plan.items[a].request.order_id < b; }
    bool operator()(std::string_view a, std::size_t b) const { return a < plan.items[b].request.order_id; }
};

} // namespace

ShipPlan ShipService::plan(std::vector<ShipRequest> requests) {
    ShipPlan plan = begin_plan();
    plan_packages(plan, std::move(requests));
    plan.left_planned = left_planned();
    return plan;
}

ShipPlan ShipService::begin_plan() {
    ShipPlan plan;
    if (!m_options.dry_run) {
        m_lock = m_store.lock_for_ship(m_options.lock_wait);
        ShipRecovered recovered(m_options.on_recovered);
        recover(recovered);
        plan.recovered = recovered.finish();
    }
    return plan;
}

void ShipService::plan_packages(ShipPlan& plan, std::vector<ShipRequest> requests) {
    plan.items.reserve(requests.size());
    for (ShipRequest& r : requests) {
        plan.items.emplace_back().request = std::move(r);
    }
    std::vector<ShipRequest>().swap(requests);
    decide_items(plan);
}

void ShipService::decide_items(ShipPlan& plan) {
    for (ShipPlanItem& item : plan.items) {
        if (!is_amazon_order_id(item.request.order_id)) {
            item.outcome = ShipOutcome::InvalidId;
            item.message = "not an Amazon order id (3-7-7 digits, e.g. 112-1234567-1234567)";
        }
    }
    // The packages of each order together, in input order within the order; each order once in
    // `ids`, in the order it first appears.
    std::vector<std::size_t> by_order;
    by_order.reserve(plan.items.size());
    for (std::size_t i = 0; i < plan.items.size(); ++i) {
        if (plan.items[i].outcome != ShipOutcome::InvalidId) {
            by_order.push_back(i);
        }
    }
    const auto order_id = [&plan](std::size_t i) -> const std::string& { return plan.items[i].request.order_id; };
    std::stable_sort(by_order.begin(), by_order.end(),
                     [&](std::size_t a, std::size_t b) { return order_id(a) < order_id(b); });
    std::vector<std::size_t> firsts; // the first package of each order, as an index into plan.items
    for (std::size_t k = 0; k < by_order.size(); ++k) {
        if (k == 0 || order_id(by_order[k]) != order_id(by_order[k - 1])) {
            firsts.push_back(by_order[k]);
        }
    }
    std::sort(firsts.begin(), firsts.end());
    std::vector<std::string_view> ids;
    ids.reserve(firsts.size());
    for (const std::size_t i : firsts) {
        ids.emplace_back(order_id(i));
    }
    std::vector<std::size_t>().swap(firsts);
    const auto packages_of = [&](std::string_view id) {
        const auto range = std::equal_range(by_order.begin(), by_order.end(), id, ByOrderId{plan});
        return std::span<const std::size_t>(range.first, range.second);
    };
    if (interrupted()) {
        throw Error(ErrorKind::Interrupted, "interrupted while reading the orders; nothing was shipped");
    }
    std::vector<bool> known(ids.size(), false);
    fresh_state(ids, [&](std::size_t i, const Order& order) {
        known[i] = true;
        decide_order(plan, packages_of(ids[i]), &order);
    });
    for (std::size_t i = 0; i < ids.size(); ++i) {
        if (!known[i]) {
            decide_order(plan, packages_of(ids[i]), nullptr);
        }
    }
    const std::size_t packages = plan.count(ShipOutcome::WouldShip);
    plan.via = m_options.via == ShipViaChoice::Feed ? ShipVia::Feed
               : m_options.via == ShipViaChoice::Api ? ShipVia::Api
               : packages > m_options.feed_above     ? ShipVia::Feed
                                                     : ShipVia::Api;
}

void ShipService::decide_order(ShipPlan& plan, std::span<const std::size_t> indexes, const Order* fresh) {
    std::optional<Order> order; // the next package of the order sees the units the one before took
    JournalOfOrder journal;
    if (fresh != nullptr) {
        order = *fresh;
        journal = journal_of(m_store, order->order_id, *order);
    }
    std::set<std::string_view> seen; // tracking numbers of this order in the input so far
    for (const std::size_t index : indexes) {
        ShipPlanItem& item = plan.items[index];
        const ShipRequest& r = item.request;
        if (!seen.insert(r.tracking_number).second) {
            item.outcome = ShipOutcome::Refused;
            item.message = "the same package (order and tracking number) is given twice in the input; sent once";
        } else if (!order) {
            item.outcome = ShipOutcome::NotFound;
            item.message = "Amazon does not know the order; check the id, the profile (seller) and the region";
        } else if (journal.pending_tracking.contains(r.tracking_number)) {
            item.outcome = ShipOutcome::Pending;
            item.message = "an earlier run sent it and its outcome is not known yet; not sent again";
        } else if (journal.confirmed_tracking.contains(r.tracking_number)) {
            item.outcome = ShipOutcome::AlreadyShipped;
            item.message = "confirmed by an earlier run (`asc shipments list` shows it)";
        } else {
            const ShipDecision d = decide_ship(*order, r, m_options.ignore_cancel_request);
            item.message = d.reason.empty() ? "" : d.reason + (d.remedy.empty() ? "" : "; " + d.remedy);
            item.marketplace_id = order->marketplace_id;
            if (d.verdict == ShipVerdict::Allowed && m_options.confirmed && !m_options.confirmed(r)) {
                item.outcome = ShipOutcome::Refused;
                item.message = "not in the plan you confirmed (its order changed since); run the command again "
                               "to ship it";
            } else if (d.verdict == ShipVerdict::Allowed) {
                item.outcome = ShipOutcome::WouldShip;
                item.items = d.items;
                item.package_ref = std::to_string(journal.next_ref++);
                *order = shipped_copy(std::move(*order), d.items);
                // An interrupted run's row, planned again (a dry run journals nothing: none).
                if (const auto it = journal.planned.find(r.tracking_number);
                    !m_options.dry_run && it != journal.planned.end()) {
                    item.journal_id = it->second;
                    ++m_replanned;
                }
            } else {
                item.outcome = d.verdict == ShipVerdict::AlreadyShipped ? ShipOutcome::AlreadyShipped : ShipOutcome::Refused;
            }
        }
    }
}

void ShipService::fresh_state(const std::vector<std::string_view>& ids,
                              const std::function<void(std::size_t, const Order&)>& found) {
    auto get_each = [&](const std::vector<std::size_t>& indexes) {
        fetch_fresh_orders(m_orders, m_store, m_events, ids, indexes, ship_included(), found);
    };
    // A few orders are worth a getOrder each, unless this run refreshed the store already (a later
    // chunk of a chunked run reads it as the others did).
    if (ids.size() <= m_options.fresh_state_threshold && !m_synced) {
        std::vector<std::size_t> all(ids.size());
        for (std::size_t i = 0; i < all.size(); ++i) {
            all[i] = i;
        }
        get_each(all);
        return;
    }
    // A chunked run's later chunks read the store the first one refreshed; recovery's sync of
    // moments ago (settle_synced) serves the first one as well.
    if (!m_synced && !m_recovery_synced) {
        refresh_store(ids.size());
    }
    m_synced = true;
    std::vector<std::size_t> from_report; // stored from an order report: no item ids, no packages
    std::vector<std::size_t> missing;
    for (std::size_t i = 0; i < ids.size(); ++i) {
        const std::string id(ids[i]);
        if (m_store.order_from_report(id)) {
            from_report.push_back(i);
        } else if (const auto o = m_store.get_order(id)) {
            found(i, *o);
        } else {
            missing.push_back(i);
        }
    }
    get_each(from_report);
    // A few orders the sync did not bring are worth one getOrder each; thousands would mean wrong
    // ids, not missing history.
    if (missing.size() <= m_options.fresh_state_threshold) {
        get_each(missing);
    }
}

} // namespace asc
