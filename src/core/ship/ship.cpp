// The ship service: plan (recovery, fresh state, guard) and execute (journal, confirmShipment per
// package). The feed path is in ship_feed.cpp, recovery in ship_recover.cpp.

#include "asc/ship/ship.hpp"

#include "asc/base/interrupt.hpp"
#include "asc/base/strings.hpp"
#include "asc/sync/sync.hpp"
#include "ship_internal.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <fmt/format.h>
#include <pwd.h>
#include <random>
#include <set>
#include <unordered_set>
#include <unistd.h>

namespace asc {

namespace {

// A failure that proves Amazon recorded nothing: it answered with a 4xx other than 429 (which the
// client retries) and other than 401/403 (the credentials, not the package).
bool refused_by_amazon(const Error& e) {
    const auto* api = dynamic_cast<const ApiError*>(&e);
    return api != nullptr && api->http_status() >= 400 && api->http_status() < 500 && api->http_status() != 401 &&
           api->http_status() != 403 && api->http_status() != 429;
}

bool definitely_not_sent(const Error& e) {
    const auto* api = dynamic_cast<const ApiError*>(&e);
    return api != nullptr && api->http_status() >= 400 && api->http_status() < 500;
}

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

Timestamp ShipService::now() const {
    return std::chrono::floor<std::chrono::seconds>(m_clock.wall_now());
}

void ShipService::step(std::string_view name) const {
    if (m_options.on_step) {
        m_options.on_step(name);
    }
}

namespace {

struct OrderState {
    std::optional<Order> order; // nullopt: not found
    std::string error;          // why it could not be read
    long long next_ref = 1;
    std::set<std::string> confirmed_tracking; // by earlier runs, per the journal
    std::set<std::string> pending_tracking;   // in flight from earlier runs, not settled
};

std::string key_of(const std::string& order_id, const std::string& tracking) {
    return order_id + "\n" + tracking;
}

} // namespace

ShipPlan ShipService::plan(const std::vector<ShipRequest>& requests) {
    ShipPlan plan;
    std::map<std::string, std::int64_t> replannable;
    if (!m_options.dry_run) {
        m_lock = m_store.lock_for_ship(m_options.lock_wait);
        plan.recovered = recover(replannable);
    }
    std::vector<std::string> ids; // each order once, in input order (a set, not a scan per request)
    {
        std::unordered_set<std::string_view> seen_ids;
        seen_ids.reserve(requests.size());
        for (const ShipRequest& r : requests) {
            if (is_amazon_order_id(r.order_id) && seen_ids.insert(r.order_id).second) {
                ids.push_back(r.order_id);
            }
        }
    }
    if (interrupted()) {
        throw Error(ErrorKind::Interrupted, "interrupted while reading the orders; nothing was shipped");
    }
    m_fresh = fresh_state(ids);
    std::map<std::string, OrderState> orders;
    for (const std::string& id : ids) {
        OrderState& st = orders[id];
        if (const auto it = m_fresh.find(id); it != m_fresh.end()) {
            st.order = it->second;
            for (const Package& p : st.order->packages) {
                st.next_ref = std::max(st.next_ref, numeric_ref(p.reference_id) + 1);
            }
        } else {
            st.error = "Amazon does not know the order; check the id, the profile (seller) and the region";
        }
        if (m_store.schema_version() >= 7) {
            for (const ShipEntry& e : m_store.ship_journal_entries({.order_id = id})) {
                st.next_ref = std::max(st.next_ref, numeric_ref(e.package_ref) + 1);
                if (e.state == ShipState::Confirmed || e.state == ShipState::AlreadyShipped) {
                    st.confirmed_tracking.insert(e.tracking_number);
                } else if (e.state == ShipState::Sending || e.state == ShipState::Submitted) {
                    st.pending_tracking.insert(e.tracking_number);
                }
            }
        }
    }
    std::set<std::string> seen;
    for (const ShipRequest& r : requests) {
        ShipPlanItem item;
        item.request = r;
        const std::string key = key_of(r.order_id, r.tracking_number);
        if (!is_amazon_order_id(r.order_id)) {
            item.outcome = ShipOutcome::InvalidId;
            item.message = "not an Amazon order id (3-7-7 digits, e.g. 112-1234567-1234567)";
            plan.items.push_back(std::move(item));
            continue;
        }
        OrderState& st = orders[r.order_id];
        if (!seen.insert(key).second) {
            item.outcome = ShipOutcome::Refused;
            item.message = "the same package (order and tracking number) is given twice in the input; sent once";
        } else if (!st.order) {
            item.outcome = ShipOutcome::NotFound;
            item.message = st.error;
        } else if (st.pending_tracking.contains(r.tracking_number)) {
            item.outcome = ShipOutcome::Pending;
            item.message = "an earlier run sent it and its outcome is not known yet; not sent again";
        } else if (st.confirmed_tracking.contains(r.tracking_number)) {
            item.outcome = ShipOutcome::AlreadyShipped;
            item.message = "confirmed by an earlier run (`asc shipments list` shows it)";
        } else {
            const ShipDecision d = decide_ship(*st.order, r, m_options.ignore_cancel_request);
            item.message = d.reason.empty() ? "" : d.reason + (d.remedy.empty() ? "" : "; " + d.remedy);
            item.order = st.order;
            if (d.verdict == ShipVerdict::Allowed) {
                item.outcome = ShipOutcome::WouldShip;
                item.items = d.items;
                item.package_ref = std::to_string(st.next_ref++);
                *st.order = shipped_copy(*st.order, d.items); // the next package of the order sees it
                if (const auto it = replannable.find(key); it != replannable.end()) {
                    item.journal_id = it->second;
                    replannable.erase(it);
                }
            } else {
                item.outcome = d.verdict == ShipVerdict::AlreadyShipped ? ShipOutcome::AlreadyShipped : ShipOutcome::Refused;
            }
        }
        plan.items.push_back(std::move(item));
    }
    plan.left_planned = replannable.size();
    const std::size_t packages = plan.count(ShipOutcome::WouldShip);
    plan.via = m_options.via == ShipViaChoice::Feed ? ShipVia::Feed
               : m_options.via == ShipViaChoice::Api ? ShipVia::Api
               : packages > m_options.feed_above     ? ShipVia::Feed
                                                     : ShipVia::Api;
    return plan;
}

std::map<std::string, Order> ShipService::fresh_state(const std::vector<std::string>& ids) {
    std::map<std::string, Order> out;
    auto get_each = [&](const std::vector<std::string>& list) {
        std::vector<Order> fetched;
        for (const auto& id : list) {
            try {
                fetched.push_back(m_orders.get(id, ship_included()));
            } catch (const ApiError& e) {
                if (e.kind() != ErrorKind::NotFound) {
                    throw;
                }
            }
        }
        try {
            m_store.upsert_orders(fetched); // cached lists (and the Magento step's SKUs) see it too
        } catch (const Error& e) {
            m_events.note(fmt::format("warning: could not update the local store: {}", e.what()));
        }
        for (auto& o : fetched) {
            std::string id = o.order_id;
            out.emplace(std::move(id), std::move(o));
        }
    };
    if (ids.size() <= m_options.fresh_state_threshold) {
        get_each(ids);
        return out;
    }
    m_events.note(fmt::format("refreshing the local store (incremental sync) to check {} orders", ids.size()));
    SyncOptions sync;
    sync.marketplace_ids = m_options.marketplace_ids;
    sync.now = now();
    sync.lock_wait = m_options.sync_lock_wait;
    sync_orders(m_orders, m_store, sync, m_events);
    std::vector<std::string> from_report; // stored from an order report: no item ids, no packages
    std::vector<std::string> missing;
    for (const auto& id : ids) {
        if (m_store.order_from_report(id)) {
            from_report.push_back(id);
        } else if (auto o = m_store.get_order(id)) {
            out.emplace(id, std::move(*o));
        } else {
            missing.push_back(id);
        }
    }
    get_each(from_report);
    // A few orders the sync did not bring are worth one getOrder each; thousands would mean wrong
    // ids, not missing history.
    if (missing.size() <= m_options.fresh_state_threshold) {
        get_each(missing);
    }
    return out;
}

ShipResult ShipService::execute(const ShipPlan& plan, const ShipRowSink& sink) {
    ShipResult result;
    result.recovered = plan.recovered;
    // Each row is counted, then handed to the sink or kept.
    const auto emit = [&](ShipRow&& row) {
        ++result.counts[static_cast<std::size_t>(row.outcome)];
        if (sink) {
            sink(std::move(row));
        } else {
            result.rows.push_back(std::move(row));
        }
    };
    if (m_options.dry_run) {
        for (const ShipPlanItem& item : plan.items) {
            ShipRow r;
            r.order_id = item.request.order_id;
            r.package_ref = item.package_ref;
            r.carrier = item.request.carrier_code == "Other" ? item.request.carrier_name : item.request.carrier_code;
            r.tracking_number = item.request.tracking_number;
            r.items = items_text(item.outcome == ShipOutcome::WouldShip ? item.items : item.request.items);
            r.outcome = item.outcome;
            r.message = item.message;
            if (item.outcome == ShipOutcome::WouldShip) {
                r.via = std::string(to_string(plan.via));
            }
            emit(std::move(r));
        }
        return result;
    }
    if (plan.via == ShipVia::Feed && plan.count(ShipOutcome::WouldShip) > 0 && m_options.seller_id.empty()) {
        throw Error(ErrorKind::Config, "a fulfillment feed needs the seller id (the feed's MerchantIdentifier)",
                    "set seller_id in the profile or ASC_SELLER_ID, or ship with --via api");
    }
    const Timestamp t = now();
    const std::string batch = ship_batch_id(t);
    std::vector<ShipEntry> entries;
    std::vector<std::size_t> entry_of(plan.items.size(), static_cast<std::size_t>(-1));
    std::size_t messages = 0;
    for (std::size_t i = 0; i < plan.items.size(); ++i) {
        const ShipPlanItem& item = plan.items[i];
        const bool journaled = item.outcome == ShipOutcome::WouldShip || item.outcome == ShipOutcome::Refused ||
                               item.outcome == ShipOutcome::AlreadyShipped;
        if (!journaled || (item.outcome != ShipOutcome::WouldShip && item.request.tracking_number.empty())) {
            continue;
        }
        ShipEntry e;
        e.id = item.journal_id;
        e.order_id = item.request.order_id;
        e.marketplace_id = item.order ? item.order->marketplace_id : std::string();
        e.package_ref = item.package_ref.empty() ? "0" : item.package_ref;
        e.carrier_code = item.request.carrier_code;
        e.carrier_name = item.request.carrier_name;
        e.shipping_method = item.request.shipping_method;
        e.tracking_number = item.request.tracking_number;
        e.ship_date = item.request.ship_date.value_or(t);
        e.items = item.outcome == ShipOutcome::WouldShip ? item.items : item.request.items;
        e.via = plan.via;
        e.batch_id = batch;
        e.state = item.outcome == ShipOutcome::WouldShip ? ShipState::Planned
                  : item.outcome == ShipOutcome::Refused  ? ShipState::Refused
                                                          : ShipState::AlreadyShipped;
        e.result_message = item.outcome == ShipOutcome::WouldShip ? std::string() : item.message;
        e.created_at = t;
        e.updated_at = t;
        e.run_by = m_options.run_by;
        if (plan.via == ShipVia::Feed && e.state == ShipState::Planned) {
            e.message_id = static_cast<std::int64_t>(++messages);
        }
        entry_of[i] = entries.size();
        entries.push_back(std::move(e));
    }
    if (!entries.empty()) {
        const auto ids = m_store.ship_journal_write(entries);
        for (std::size_t i = 0; i < ids.size(); ++i) {
            entries[i].id = ids[i];
        }
    }
    step("after-plan");
    if (plan.via == ShipVia::Api) {
        send_api(plan, entries, result);
    } else {
        send_feed(entries, result);
    }
    for (std::size_t i = 0; i < plan.items.size(); ++i) {
        const ShipPlanItem& item = plan.items[i];
        if (entry_of[i] != static_cast<std::size_t>(-1)) {
            const ShipEntry& e = entries[entry_of[i]];
            ShipOutcome outcome = e.state == ShipState::Confirmed      ? ShipOutcome::Confirmed
                                  : e.state == ShipState::AlreadyShipped ? ShipOutcome::AlreadyShipped
                                  : e.state == ShipState::Refused        ? ShipOutcome::Refused
                                  : e.state == ShipState::Failed         ? ShipOutcome::Failed
                                                                         : ShipOutcome::Pending;
            std::string message = e.result_message;
            if (e.state == ShipState::Planned) {
                outcome = ShipOutcome::Failed;
                message = "not sent (the run stopped first); run the same command again to send it";
            }
            emit(row_of(e, outcome, message));
        } else {
            ShipRow r;
            r.order_id = item.request.order_id;
            r.carrier = item.request.carrier_code == "Other" ? item.request.carrier_name : item.request.carrier_code;
            r.tracking_number = item.request.tracking_number;
            r.items = items_text(item.request.items);
            r.outcome = item.outcome;
            r.message = item.message;
            emit(std::move(r));
        }
    }
    return result;
}

void ShipService::send_api(const ShipPlan& plan, std::vector<ShipEntry>& rows, ShipResult& result) {
    std::map<std::string, Order> copies; // the order as each confirmed package leaves it
    for (const ShipPlanItem& item : plan.items) {
        if (item.order && !copies.contains(item.request.order_id)) {
            copies.emplace(item.request.order_id, *item.order);
        }
    }
    for (ShipEntry& e : rows) {
        if (e.state != ShipState::Planned) {
            continue;
        }
        if (result.error || interrupted()) {
            if (interrupted()) {
                throw Error(ErrorKind::Interrupted, "interrupted; the packages not sent yet are journaled as planned",
                            "run the same command again to send them");
            }
            continue; // stays planned: reported "not sent"
        }
        bool went_out = false;
        auto before_send = [&] {
            e.sent_at = now();
            e.send_timeout = m_options.request_timeout;
            e.state = ShipState::Sending;
            m_store.ship_journal_update(
                std::vector<ShipChange>{{.id = e.id, .state = ShipState::Sending, .sent_at = e.sent_at, .send_timeout = e.send_timeout}},
                now());
            went_out = true;
            if (std::exchange(m_first_send, false)) {
                step("before-send");
            }
        };
        try {
            m_events.note(fmt::format("confirming package {} of order {}", e.package_ref, e.order_id));
            confirm_shipment(m_api, confirmation_of(e), before_send);
        } catch (const Error& err) {
            if (err.kind() == ErrorKind::Interrupted && !went_out) {
                throw;
            }
            if (!went_out || definitely_not_sent(err)) {
                if (refused_by_amazon(err)) {
                    const auto* api = dynamic_cast<const ApiError*>(&err);
                    e.state = ShipState::Failed;
                    e.result_code = api->code();
                    e.result_message = err.what();
                    m_store.ship_journal_update(std::vector<ShipChange>{{.id = e.id,
                                                                         .state = ShipState::Failed,
                                                                         .result_code = e.result_code,
                                                                         .result_message = e.result_message}},
                                                now());
                    continue;
                }
                if (went_out) { // 401/403/429: not recorded; planned again
                    e.state = ShipState::Planned;
                    m_store.ship_journal_update(std::vector<ShipChange>{{.id = e.id,
                                                                         .state = ShipState::Planned,
                                                                         .sent_at = std::optional<Timestamp>{},
                                                                         .send_timeout = std::optional<std::chrono::milliseconds>{}}},
                                                now());
                }
                result.error = err;
                continue;
            }
            // The answer was lost: Amazon may have recorded the package. Prove it from the order.
            ShipRow settled;
            if (!settle_sending(e, false, settled)) {
                e.result_message = fmt::format("not known whether Amazon received it ({}); not sent again: run the "
                                               "same command again, it finds out before sending anything",
                                               err.what());
                result.error = Error(ErrorKind::Temporary, err.what(),
                                     "run the same command again: it checks the order before sending anything again");
            }
            continue;
        }
        step("after-send");
        e.state = ShipState::Confirmed;
        std::vector<Order> updated;
        if (auto it = copies.find(e.order_id); it != copies.end()) {
            it->second = shipped_copy(it->second, e.items);
            updated.push_back(it->second);
        }
        m_store.ship_journal_update(std::vector<ShipChange>{{.id = e.id,
                                                             .state = ShipState::Confirmed,
                                                             .commerce_state = m_options.commerce_on_confirm}},
                                    now(), updated);
        if (std::exchange(m_first_confirm, false)) {
            step("after-confirm");
        }
    }
}

} // namespace asc
