// The cancel service, planning half: recovery first (cancel_recover.cpp), then dedupe against the
// journal, fresh state, and the guard. Nothing new is sent here.

#include "asc/cancel/cancel.hpp"

#include "asc/base/strings.hpp"
#include "asc/base/time.hpp"
#include "asc/cancel/guard.hpp"
#include "asc/sync/sync.hpp"
#include "cancel_internal.hpp"

#include <algorithm>
#include <array>
#include <cstdlib>
#include <fmt/format.h>
#include <functional>
#include <pwd.h>
#include <random>
#include <unistd.h>

namespace asc {

namespace {

bool is_canceled_state(JournalState state) {
    return state == JournalState::Canceled || state == JournalState::AlreadyCanceled;
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
        if (e.state == JournalState::AlreadyCanceled) {
            item.message = fmt::format("already canceled when checked on {}", date_of(e.updated_at));
        } else if (!e.feed_id.empty()) {
            item.message = fmt::format("canceled earlier by feed {} ({})", e.feed_id, date_of(e.updated_at));
        } else {
            item.message =
                fmt::format("canceled earlier, confirmed by the order's state ({})", date_of(e.updated_at));
        }
        return item;
    }
    if (e.state == JournalState::Submitted) {
        item.outcome = CancelOutcome::Submitted;
        item.message = fmt::format("pending in feed {} sent {}: not sent again; `asc cancellations resume` "
                                   "collects its result",
                                   e.feed_id, date_of(e.submitted_at.value_or(e.updated_at)));
        return item;
    }
    if (e.state == JournalState::Submitting) {
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
    case CancelOutcome::Elsewhere:
        return "handled_elsewhere";
    }
    return "failed";
}

std::size_t CancelPlan::count(CancelOutcome outcome) const {
    return static_cast<std::size_t>(std::count_if(
        items.begin(), items.end(), [outcome](const CancelPlanItem& i) { return i.outcome == outcome; }));
}

void CancelTally::add(CancelOutcome outcome) {
    ++counts[static_cast<std::size_t>(outcome)];
    ++total;
}

std::size_t CancelTally::count(CancelOutcome outcome) const {
    return counts[static_cast<std::size_t>(outcome)];
}

std::size_t CancelResult::count(CancelOutcome outcome) const {
    return tally.count(outcome);
}

CancelPlanItem planned_item(JournalEntry&& e) {
    CancelPlanItem item;
    item.order_id = std::move(e.order_id);
    item.reason = parse_cancel_reason(e.reason).value_or(CancelReason::GeneralAdjustment);
    item.journal_id = e.id;
    item.seen_journal = e.id;
    item.from_input = false;
    return item;
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

CancelTarget cancel_target(const Order& order) {
    CancelTarget t;
    t.status = order.status;
    t.total = order.total;
    t.marketplace_id = order.marketplace_id;
    for (const OrderItem& item : order.items) {
        t.units += item.quantity_ordered;
        t.order_item_ids += '\n';
        t.order_item_ids += item.order_item_id;
    }
    return t;
}

void CancelTarget::item_ids(std::vector<std::string>& out) const {
    out.clear();
    std::string_view rest = order_item_ids;
    while (!rest.empty()) {
        rest.remove_prefix(1); // the '\n' before each code
        const std::size_t end = std::min(rest.find('\n'), rest.size());
        out.emplace_back(rest.substr(0, end));
        rest.remove_prefix(end);
    }
}

const CancelTarget* CancelPlan::target_of(const CancelPlanItem& item) const {
    return item.target && *item.target < targets.size() ? &targets[*item.target] : nullptr;
}

CancelService::IdSet::IdSet(std::vector<std::string_view> ids) : m_sorted(std::move(ids)) {
    std::sort(m_sorted.begin(), m_sorted.end());
    m_sorted.erase(std::unique(m_sorted.begin(), m_sorted.end()), m_sorted.end());
}

CancelService::IdSet::IdSet(const IdList& list, std::vector<std::uint32_t> which)
    : m_list(&list), m_index(std::move(which)) {
    std::sort(m_index.begin(), m_index.end(), [&list](std::uint32_t a, std::uint32_t b) { return list.less(a, b); });
}

void CancelService::IdSet::clear() {
    release(m_sorted);
    release(m_index);
    m_list = nullptr;
}

bool CancelService::IdSet::contains(std::string_view id) const {
    if (m_list == nullptr) {
        return std::binary_search(m_sorted.begin(), m_sorted.end(), id);
    }
    const IdList& list = *m_list;
    const auto it = std::lower_bound(m_index.begin(), m_index.end(), id,
                                     [&list](std::uint32_t a, std::string_view b) { return list[a] < b; });
    return it != m_index.end() && list[*it] == id;
}

void CancelService::fresh_state(const std::vector<std::string_view>& ids,
                                const std::function<void(std::size_t, const Order&)>& found) {
    if (ids.empty()) {
        return;
    }
    const std::vector<Included> included = sync_included(false);
    auto get_each = [&](const std::vector<std::size_t>& indexes) {
        fetch_fresh_orders(m_orders, m_store, m_events, ids, indexes, included, found);
    };
    if (ids.size() <= m_options.fresh_state_threshold) {
        m_events.note(
            fmt::format("checking {} on Amazon", count_noun(static_cast<long long>(ids.size()), "order")));
        std::vector<std::size_t> all(ids.size());
        for (std::size_t i = 0; i < all.size(); ++i) {
            all[i] = i;
        }
        get_each(all);
        return;
    }
    if (!m_synced || !m_reuse_sync) { // a chunked run's later chunks read its first sync
        sync_before_check(m_orders, m_store, m_options.marketplace_ids, now(), m_options.sync_lock_wait, m_events,
                          ids.size());
        m_synced = true;
    }
    std::vector<std::size_t> missing;
    std::vector<std::size_t> from_report; // stored from an order report: no order item ids
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
    // A feed needs every item's id, which an order report does not carry: read those fresh. (A
    // whole-order acknowledgement without <Item> is valid, but OrderAcknowledgement.xsd has
    // CancelReason only inside <Item>, next to the required AmazonOrderItemCode: without items
    // the reason would be lost, and BuyerCanceled is what keeps a buyer's request off the
    // seller's cancellation rate; shared/reference/spapi-contract.md, "Feed XML".)
    if (!from_report.empty()) {
        m_events.note(
            fmt::format("checking {} order(s) stored from an order report on Amazon", from_report.size()));
        get_each(from_report);
    }
    // Orders the sync window did not reach (quiet for longer than the store's history): a few are
    // worth one getOrder each; thousands would mean wrong ids, not missing history.
    if (!missing.empty() && missing.size() <= m_options.fresh_state_threshold) {
        m_events.note(fmt::format("checking {} the sync did not bring on Amazon",
                                  count_noun(static_cast<long long>(missing.size()), "order")));
        get_each(missing);
    }
}

void CancelService::dedupe_against_journal(CancelPlan& plan, CancelReason reason, std::vector<std::size_t>& need) {
    // The journal is read a chunk of orders at a time: its rows are not all kept.
    constexpr std::size_t k_chunk = 1000;
    std::vector<std::string> chunk;
    std::vector<std::size_t> where;
    auto flush = [&] {
        const auto latest = m_store.journal_latest(chunk);
        for (const std::size_t index : where) {
            CancelPlanItem& item = plan.items[index];
            const auto it = latest.find(item.order_id);
            if (it != latest.end() && std::binary_search(m_completed.begin(), m_completed.end(), it->second.id)) {
                // Recovery just completed it: its row is the order's newest.
                item.outcome = CancelOutcome::Canceled;
                item.feed_id = it->second.feed_id;
                // A feed is named only when createFeed's answer recorded it (see Recovery).
                item.message = item.feed_id.empty()
                                   ? it->second.result_message
                                   : fmt::format("canceled by feed {} of an interrupted run", item.feed_id);
                continue;
            }
            if (it != latest.end()) {
                item.seen_journal = it->second.id;
                if (held_elsewhere(it->second)) {
                    item = elsewhere_item(it->second, reason);
                    continue;
                }
                if (auto known = from_journal(it->second, reason)) {
                    item = std::move(*known);
                    continue;
                }
                if (it->second.state == JournalState::Planned) {
                    item.journal_id = it->second.id; // never sent: plan it again
                }
            }
            need.push_back(index);
        }
        chunk.clear();
        where.clear();
    };
    for (std::size_t i = 0; i < plan.items.size(); ++i) {
        if (plan.items[i].outcome != CancelOutcome::WouldCancel) {
            continue; // invalid_id
        }
        chunk.push_back(plan.items[i].order_id);
        where.push_back(i);
        if (chunk.size() == k_chunk) {
            flush();
        }
    }
    flush();
}

void CancelService::decide_fresh(CancelPlan& plan, const std::vector<std::size_t>& need) {
    std::vector<std::string_view> ids;
    ids.reserve(need.size());
    for (const std::size_t index : need) {
        ids.emplace_back(plan.items[index].order_id);
    }
    plan.targets.reserve(need.size()); // at most one each: no growth slack in a large batch
    fresh_state(ids, [&](std::size_t i, const Order& order) {
        CancelPlanItem& item = plan.items[need[i]];
        const Decision decision = decide(Action::Cancel, order);
        switch (decision.verdict) {
        case Verdict::Allowed:
            if (m_options.confirmed && !m_options.confirmed(item.order_id)) {
                item.outcome = CancelOutcome::Refused;
                item.message = "not in the plan you confirmed (its state changed since); run the command again "
                               "to cancel it";
            } else if (order.items.empty()) {
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
        item.fresh = true;
        item.target = plan.targets.size();
        plan.targets.push_back(cancel_target(order));
    });
    for (const std::size_t index : need) {
        CancelPlanItem& item = plan.items[index];
        if (!item.fresh) {
            item.fresh = true;
            item.outcome = CancelOutcome::NotFound;
            item.message = "Amazon does not know this order (for this seller and region)";
        }
    }
}

CancelPlan CancelService::plan(const std::vector<std::string>& order_ids, CancelReason reason, bool resume) {
    std::vector<std::string_view> views(order_ids.begin(), order_ids.end());
    const IdSet input(std::move(views));
    return plan_part(order_ids, reason, input, resume, true);
}

CancelPlan CancelService::plan_part(const std::vector<std::string>& order_ids, CancelReason reason,
                                    const IdSet& input, bool resume, bool first_part) {
    CancelPlan plan;
    // Deduplicated in input order, without a copy of every id in a set.
    {
        std::vector<std::size_t> order(order_ids.size());
        for (std::size_t i = 0; i < order.size(); ++i) {
            order[i] = i;
        }
        std::stable_sort(order.begin(), order.end(),
                         [&](std::size_t a, std::size_t b) { return order_ids[a] < order_ids[b]; });
        std::vector<bool> first(order_ids.size(), false);
        for (std::size_t k = 0; k < order.size(); ++k) {
            first[order[k]] = k == 0 || order_ids[order[k]] != order_ids[order[k - 1]];
        }
        plan.items.reserve(order_ids.size());
        for (std::size_t i = 0; i < order_ids.size(); ++i) {
            if (!first[i]) {
                continue;
            }
            CancelPlanItem item;
            item.order_id = order_ids[i];
            item.reason = reason;
            if (!is_amazon_order_id(item.order_id)) {
                item.outcome = CancelOutcome::InvalidId;
                item.message = "not an Amazon order id (3-7-7 digits, e.g. 112-1234567-1234567)";
            }
            plan.items.push_back(std::move(item));
        }
    }

    if (first_part && !m_options.dry_run) {
        m_lock = m_store.lock_for_cancel(m_options.lock_wait);
        // The rows go out as recovery settles them, a page at a time; of the input's orders only
        // the journal ids of the canceled ones are kept (dedupe reads the rest from the journal).
        recover(input, resume, [&](CancelRow&& row, std::int64_t journal_id) {
            if (!input.contains(row.order_id)) {
                if (m_options.on_recovered) {
                    m_options.on_recovered(std::move(row));
                } else {
                    plan.recovered.push_back(std::move(row));
                }
            } else if (row.outcome == CancelOutcome::Canceled) {
                m_completed.push_back(journal_id);
            }
        });
        std::sort(m_completed.begin(), m_completed.end());
    }

    std::vector<std::size_t> need; // items to decide on fresh state
    dedupe_against_journal(plan, reason, need);
    if (!first_part || m_planned_paged) {
        decide_fresh(plan, need);
        return plan;
    }
    // Read row by row: an interrupted batch may have left many planned rows. Only planned rows of
    // gone runs, which recovery took over, are ours (another live run's are its own).
    // Not a dry run: only this run's planned rows are ours, read through the run_id index. A dry
    // run takes over nothing: it reads every planned row a page at a time through the index of
    // rows in flight (in order id order, not the journal's).
    const auto planned = [&](JournalEntry&& e) {
        const bool ours = m_options.dry_run ? !held_elsewhere(e) : e.run_id == m_store.journal_run_id();
        if (input.contains(e.order_id) || !ours) {
            return;
        }
        if (!resume) {
            ++plan.left_for_resume;
            return;
        }
        need.push_back(plan.items.size());
        plan.items.push_back(planned_item(std::move(e)));
    };
    if (!m_options.dry_run) {
        m_store.journal_each({.states = {JournalState::Planned}, .run_id = m_store.journal_run_id()}, planned);
    } else {
        const std::size_t page = std::max<std::size_t>(1, m_options.recovery_page);
        for (std::string after;;) {
            std::vector<JournalEntry> rows = m_store.journal_planned_page(after, page);
            const bool last = rows.size() < page;
            if (!rows.empty()) {
                after = rows.back().order_id;
            }
            for (JournalEntry& e : rows) {
                planned(std::move(e));
            }
            if (last) {
                break;
            }
        }
    }
    decide_fresh(plan, need);
    return plan;
}

} // namespace asc
