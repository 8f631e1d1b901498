// The cancel service, planning half: recovery first (cancel_recover.cpp), then dedupe against the
// journal, fresh state, and the guard. Nothing new is sent here.

#include "asc/base/strings.hpp"
#include "asc/cancel/cancel.hpp"

#include "asc/base/time.hpp"
#include "asc/cancel/guard.hpp"
#include "asc/sync/sync.hpp"
#include "cancel_internal.hpp"

#include <algorithm>
#include <array>
#include <cstdlib>
#include <fmt/format.h>
#include <pwd.h>
#include <random>
#include <set>
#include <unistd.h>

namespace asc {

namespace {

bool is_canceled_state(std::string_view state) {
    return state == "canceled" || state == "already_canceled";
}

std::string date_of(Timestamp t) {
    return format_rfc3339(t);
}

// What the journal alone says about an order whose newest row is `e`; nullopt when the order must
// be looked at again (no row, or a row that failed, was refused or was only planned).
std::optional<CancelPlanItem> from_journal(const JournalEntry& e, CancelReason reason) {
    CancelPlanItem item;
    item.order_id = e.order_id;
    item.reason = parse_cancel_reason(e.reason).value_or(reason);
    item.feed_id = e.feed_id;
    if (is_canceled_state(e.state)) {
        item.outcome = CancelOutcome::AlreadyCanceled;
        item.message = e.state == "canceled"
                           ? fmt::format("canceled earlier by feed {} ({})", e.feed_id, date_of(e.updated_at))
                           : fmt::format("already canceled when checked on {}", date_of(e.updated_at));
        return item;
    }
    if (e.state == "submitted") {
        item.outcome = CancelOutcome::Submitted;
        item.message = fmt::format("pending in feed {} sent {}: not sent again; `asc cancellations resume` "
                                   "collects its result",
                                   e.feed_id, date_of(e.submitted_at.value_or(e.updated_at)));
        return item;
    }
    if (e.state == "submitting") {
        item.outcome = CancelOutcome::Submitted;
        item.message = "an interrupted run may have sent it and Amazon's answer is not confirmed yet: not "
                       "sent again; `asc cancellations resume` finds out";
        return item;
    }
    return std::nullopt;
}

} // namespace

std::string_view to_string(CancelOutcome outcome) {
    switch (outcome) {
    case CancelOutcome::Canceled:
        return "canceled";
    case CancelOutcome::AlreadyCanceled:
        return "already_canceled";
    case CancelOutcome::Submitted:
        return "submitted";
    case CancelOutcome::WouldCancel:
        return "would_cancel";
    case CancelOutcome::Refused:
        return "refused";
    case CancelOutcome::Failed:
        return "failed";
    case CancelOutcome::NotFound:
        return "not_found";
    case CancelOutcome::InvalidId:
        return "invalid_id";
    }
    return "failed";
}

std::size_t CancelPlan::count(CancelOutcome outcome) const {
    return static_cast<std::size_t>(std::count_if(
        items.begin(), items.end(), [outcome](const CancelPlanItem& i) { return i.outcome == outcome; }));
}

std::size_t CancelResult::count(CancelOutcome outcome) const {
    return static_cast<std::size_t>(std::count_if(
        rows.begin(), rows.end(), [outcome](const CancelRow& r) { return r.outcome == outcome; }));
}

std::string current_user_at_host() {
    std::string user;
    if (const char* u = std::getenv("USER"); u != nullptr && *u != '\0') {
        user = u;
    } else if (const passwd* pw = ::getpwuid(::geteuid()); pw != nullptr && pw->pw_name != nullptr) {
        user = pw->pw_name;
    } else {
        user = std::to_string(::geteuid());
    }
    std::array<char, 256> host{};
    if (::gethostname(host.data(), host.size() - 1) != 0) {
        host[0] = '\0';
    }
    return user + "@" + (host[0] != '\0' ? std::string(host.data()) : std::string("localhost"));
}

std::string make_batch_id(Timestamp now) {
    std::random_device rd;
    const auto days = std::chrono::floor<std::chrono::days>(now);
    const std::chrono::year_month_day ymd{days};
    const std::chrono::hh_mm_ss hms{now - days};
    return fmt::format("b{:04}{:02}{:02}T{:02}{:02}{:02}Z-{:06x}", static_cast<int>(ymd.year()),
                       static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                       hms.hours().count(), hms.minutes().count(), hms.seconds().count(), rd() & 0xffffffu);
}

std::string duration_text(std::chrono::milliseconds d) {
    const auto ms = d.count();
    if (ms != 0 && ms % 3'600'000 == 0) {
        return fmt::format("{}h", ms / 3'600'000);
    }
    if (ms != 0 && ms % 60'000 == 0) {
        return fmt::format("{}m", ms / 60'000);
    }
    if (ms % 1000 == 0) {
        return fmt::format("{}s", ms / 1000);
    }
    return fmt::format("{}ms", ms);
}

Order canceled_copy(Order order, const std::string& reason) {
    order.status = Status::Canceled;
    for (OrderItem& item : order.items) {
        item.canceled_by = "MERCHANT";
        item.cancel_reason = reason;
        item.quantity_unshipped = 0;
    }
    return order;
}

CancelService::CancelService(OrdersClient& orders, FeedsClient& feeds, Store& store, Clock& clock,
                             Events& events, CancelOptions options)
    : m_orders(orders), m_feeds(feeds), m_store(store), m_clock(clock), m_events(events),
      m_options(std::move(options)) {
    m_options.max_messages_per_feed = std::max<std::size_t>(1, m_options.max_messages_per_feed);
}

Timestamp CancelService::now() const {
    return std::chrono::floor<std::chrono::seconds>(m_clock.wall_now());
}

void CancelService::step(std::string_view name) const {
    if (m_options.on_step) {
        m_options.on_step(name);
    }
}

CancelResult CancelService::run(const std::vector<std::string>& order_ids, CancelReason reason) {
    return execute(plan(order_ids, reason));
}

std::map<std::string, Order> CancelService::fresh_state(const std::vector<std::string>& ids) {
    std::map<std::string, Order> out;
    if (ids.empty()) {
        return out;
    }
    const std::vector<Included> included = sync_included(false);
    auto get_each = [&](const std::vector<std::string>& list) {
        std::vector<Order> fetched;
        for (const auto& id : list) {
            try {
                fetched.push_back(m_orders.get(id, included));
            } catch (const ApiError& e) {
                if (e.kind() != ErrorKind::NotFound) {
                    throw;
                }
            }
        }
        try {
            m_store.upsert_orders(fetched); // so cached lists see the fresh state too
        } catch (const Error& e) {
            m_events.note(fmt::format("warning: could not update the local store: {}", e.what()));
        }
        for (auto& o : fetched) {
            std::string id = o.order_id;
            out.emplace(std::move(id), std::move(o));
        }
    };
    if (ids.size() <= m_options.fresh_state_threshold) {
        m_events.note(fmt::format("checking {} on Amazon", count_noun(static_cast<long long>(ids.size()), "order")));
        get_each(ids);
        return out;
    }
    m_events.note(
        fmt::format("refreshing the local store (incremental sync) to check {} orders", ids.size()));
    SyncOptions sync;
    sync.marketplace_ids = m_options.marketplace_ids;
    sync.now = now();
    sync.lock_wait = m_options.sync_lock_wait;
    sync_orders(m_orders, m_store, sync, m_events);
    std::vector<std::string> missing;
    for (const auto& id : ids) {
        if (auto o = m_store.get_order(id)) {
            out.emplace(id, std::move(*o));
        } else {
            missing.push_back(id);
        }
    }
    // Orders the sync window did not reach (quiet for longer than the store's history): a few are
    // worth one getOrder each; thousands would mean wrong ids, not missing history.
    if (!missing.empty() && missing.size() <= m_options.fresh_state_threshold) {
        m_events.note(fmt::format("checking {} the sync did not bring on Amazon", count_noun(static_cast<long long>(missing.size()), "order")));
        get_each(missing);
    }
    return out;
}

CancelPlan CancelService::plan(const std::vector<std::string>& order_ids, CancelReason reason, bool resume) {
    CancelPlan plan;
    std::vector<std::string> ids;
    std::set<std::string> input;
    for (const auto& id : order_ids) {
        if (input.insert(id).second) {
            ids.push_back(id);
        }
    }

    std::map<std::string, CancelRow> completed; // input orders whose earlier run recovery just completed
    if (!m_options.dry_run) {
        m_lock = m_store.lock_for_cancel(m_options.lock_wait);
        for (CancelRow& row : recover(input, resume)) {
            if (input.count(row.order_id) == 0) {
                plan.recovered.push_back(std::move(row));
            } else if (row.outcome == CancelOutcome::Canceled) {
                std::string id = row.order_id;
                completed.emplace(std::move(id), std::move(row));
            }
        }
    }

    std::vector<std::string> valid;
    for (const auto& id : ids) {
        if (is_amazon_order_id(id)) {
            valid.push_back(id);
        }
    }
    const auto latest = m_store.journal_latest(valid);
    std::vector<std::string> need; // orders to decide on fresh state
    for (const auto& id : ids) {
        CancelPlanItem item;
        item.order_id = id;
        item.reason = reason;
        if (!is_amazon_order_id(id)) {
            item.outcome = CancelOutcome::InvalidId;
            item.message = "not an Amazon order id (3-7-7 digits, e.g. 112-1234567-1234567)";
            plan.items.push_back(std::move(item));
            continue;
        }
        if (const auto done = completed.find(id); done != completed.end()) {
            item.outcome = CancelOutcome::Canceled;
            item.feed_id = done->second.feed_id;
            item.message = "canceled by the feed of an interrupted run";
            plan.items.push_back(std::move(item));
            continue;
        }
        if (const auto it = latest.find(id); it != latest.end()) {
            if (auto known = from_journal(it->second, reason)) {
                plan.items.push_back(std::move(*known));
                continue;
            }
            if (it->second.state == "planned") {
                item.journal_id = it->second.id; // never sent: plan it again
            }
        }
        need.push_back(id);
        plan.items.push_back(std::move(item));
    }
    for (const JournalEntry& e : m_store.journal_in_flight()) {
        if (e.state != "planned" || input.count(e.order_id) != 0) {
            continue;
        }
        if (!resume) {
            ++plan.left_for_resume;
            continue;
        }
        CancelPlanItem item;
        item.order_id = e.order_id;
        item.reason = parse_cancel_reason(e.reason).value_or(CancelReason::GeneralAdjustment);
        item.journal_id = e.id;
        item.from_input = false;
        need.push_back(e.order_id);
        plan.items.push_back(std::move(item));
    }

    auto fresh = fresh_state(need);
    const std::set<std::string> needed(need.begin(), need.end());
    for (CancelPlanItem& item : plan.items) {
        if (item.outcome != CancelOutcome::WouldCancel || needed.count(item.order_id) == 0) {
            continue;
        }
        item.fresh = true;
        auto it = fresh.find(item.order_id);
        if (it == fresh.end()) {
            item.outcome = CancelOutcome::NotFound;
            item.message = "Amazon does not know this order (for this seller and region)";
            continue;
        }
        const Order& order = it->second;
        const Decision decision = decide(Action::Cancel, order);
        switch (decision.verdict) {
        case Verdict::Allowed:
            if (order.items.empty()) {
                item.outcome = CancelOutcome::Failed;
                item.message = "Amazon returned the order without items, so no cancellation can be built";
            } else if (auto advice = buyer_cancel_advice(order, item.reason)) {
                plan.advice.push_back(*advice);
            }
            break;
        case Verdict::AlreadyDone:
            item.outcome = CancelOutcome::AlreadyCanceled;
            item.message = "already Canceled on Amazon";
            break;
        case Verdict::Refused:
            item.outcome = CancelOutcome::Refused;
            item.message =
                decision.remedy.empty() ? decision.reason : decision.reason + "; " + decision.remedy;
            break;
        }
        item.order = std::move(it->second);
    }
    return plan;
}

} // namespace asc
