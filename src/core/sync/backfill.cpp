// The Reports API backfill of `orders sync`: planning (pure), then request, wait, download and
// store, window by window. The contract and the reasoning are in include/asc/sync/backfill.hpp.

#include "asc/sync/backfill.hpp"

#include "asc/amazon/order_report.hpp"
#include "asc/base/errors.hpp"
#include "asc/base/interrupt.hpp"
#include "asc/base/time.hpp"
#include "asc/sync/sync.hpp"

#include <algorithm>
#include <fmt/format.h>

namespace asc {

namespace {

constexpr std::size_t k_store_batch = 500;     // orders per store transaction
constexpr std::size_t k_progress_rows = 10'000; // a progress note every this many rows

std::string window_text(const PlannedWindow& w) {
    return fmt::format("{} {} to {}", w.marketplace_id, format_rfc3339(w.start), format_rfc3339(w.end));
}

std::string seconds_text(std::chrono::steady_clock::duration d) {
    const auto s = std::chrono::duration_cast<std::chrono::seconds>(d).count();
    return s >= 60 ? fmt::format("{}m{:02}s", s / 60, s % 60) : fmt::format("{}s", s);
}

// A download attempt stopped by a row asc cannot read: retrying gives the same row again.
struct UnreadableRow {
    Error error;
};

class Backfill {
  public:
    Backfill(const BackfillOptions& options, Store& store, const BackfillScope& scope, Events& events)
        : m_options(options), m_store(store), m_scope(scope), m_events(events),
          m_clock(options.clock != nullptr ? *options.clock : system_clock()) {}

    BackfillResult run(OrderSource& orders);

  private:
    [[nodiscard]] Timestamp from_of(const std::string& key);
    [[nodiscard]] bool advances(const std::string& key) const {
        return std::find(m_scope.advanced.begin(), m_scope.advanced.end(), key) != m_scope.advanced.end();
    }
    bool worth_it(OrderSource& orders, Timestamp from, Timestamp until, const std::vector<std::string>& keys);
    void request(PlannedWindow& w, std::size_t number);
    Report wait(PlannedWindow& w, std::size_t number);
    void store_window(PlannedWindow& w, const Report& report, std::size_t number);
    std::size_t download_once(const PlannedWindow& w, const Report& report, std::size_t number,
                              std::uint64_t& bytes);
    void forget(PlannedWindow& w);

    const BackfillOptions& m_options;
    Store& m_store;
    const BackfillScope& m_scope;
    Events& m_events;
    Clock& m_clock;
    std::size_t m_total = 0;
    BackfillResult m_result;
};

Timestamp Backfill::from_of(const std::string& key) {
    if (m_scope.since) {
        return *m_scope.since;
    }
    const auto mark = m_store.sync_mark(key);
    return mark ? *mark - m_scope.overlap : m_scope.now - m_scope.first_window;
}

BackfillResult Backfill::run(OrderSource& orders) {
    const Timestamp until = std::min(m_scope.window_end, m_scope.now - m_options.report_lag);
    std::vector<PlannedWindow> plan;
    std::vector<std::string> keys_with_windows;
    std::optional<Timestamp> from_min;
    std::optional<Timestamp> search_from;
    bool resuming = false;
    for (const auto& key : m_scope.keys) {
        const Timestamp from = from_of(key);
        WindowPlan windows = plan_report_windows(key, from, until, m_store.backfill_windows(key), m_options.window);
        if (!windows.windows.empty()) {
            keys_with_windows.push_back(key);
            from_min = from_min ? std::min(*from_min, from) : from;
        }
        // Done windows of an earlier run count as covered too: searchOrders starts after them.
        const Timestamp covered =
            windows.covered_until > from ? windows.covered_until - m_scope.overlap : from;
        search_from = search_from ? std::min(*search_from, covered) : covered;
        for (auto& w : windows.windows) {
            resuming = resuming || !w.report_id.empty();
            plan.push_back(std::move(w));
        }
    }
    m_result.windows = plan.size();
    if (plan.empty()) {
        m_result.search_from = search_from; // done windows of an earlier run may cover a part
        return m_result;
    }
    if (m_options.via == SyncVia::Auto && !resuming && !worth_it(orders, *from_min, until, keys_with_windows)) {
        m_result.windows = 0;
        return m_result;
    }
    m_result.used = true;
    m_total = plan.size();
    m_events.note(fmt::format("reading orders updated from {} to {} through {} order report(s)",
                              format_rfc3339(*from_min), format_rfc3339(until), m_total));
    // Request every window first: Amazon builds them in parallel, createReport's burst covers 15.
    for (std::size_t i = 0; i < plan.size(); ++i) {
        if (!plan[i].report_id.empty()) {
            ++m_result.reused;
            continue;
        }
        try {
            request(plan[i], i + 1);
        } catch (const ApiError& e) {
            // A seller app without the role the order reports need (Inventory and Order Tracking):
            // auto mode falls back to searchOrders before any report exists; --via reports fails.
            if (e.kind() != ErrorKind::Auth || m_options.via != SyncVia::Auto || m_result.requested > 0 ||
                m_result.reused > 0) {
                throw;
            }
            m_events.note(std::string("warning: Amazon refused the order report (") + e.what() +
                          "); reading through searchOrders. Grant the app the Inventory and Order Tracking "
                          "role, or pass --via orders to skip reports");
            m_result.used = false;
            m_result.windows = 0;
            return m_result;
        }
    }
    for (std::size_t i = 0; i < plan.size(); ++i) {
        const Report report = wait(plan[i], i + 1);
        store_window(plan[i], report, i + 1);
    }
    m_result.search_from = search_from;
    return m_result;
}

bool Backfill::worth_it(OrderSource& orders, Timestamp from, Timestamp until, const std::vector<std::string>& keys) {
    SearchQuery query;
    query.updated_after = from;
    query.updated_before = until;
    query.marketplace_ids = keys;
    query.page_size = m_scope.page_size;
    query.included = m_scope.included;
    ProbePage probe;
    orders.search(query, [&](std::vector<Order>&& page) {
        probe.orders = page.size();
        probe.more = static_cast<int>(page.size()) >= m_scope.page_size;
        for (const auto& o : page) {
            probe.last_updated = probe.last_updated ? std::max(*probe.last_updated, o.last_updated) : o.last_updated;
        }
        // Stored like any page (its mark stays: the search below covers the window again).
        m_result.counts += m_store.upsert_orders(page);
        return false;
    });
    const bool pays = reports_pay_off(from, until, probe, m_options.auto_page_limit);
    if (!pays) {
        m_events.note("few orders to read: searchOrders only (use --via reports to force reports)");
    }
    return pays;
}

void Backfill::request(PlannedWindow& w, std::size_t number) {
    m_events.note(fmt::format("requesting order report {} of {} ({})", number, m_total, window_text(w)));
    w.report_id = m_options.reports->create(w.marketplace_id, w.start, w.end);
    ++m_result.requested;
    BackfillWindow record;
    record.marketplace_id = w.marketplace_id;
    record.start = w.start;
    record.end = w.end;
    record.report_id = w.report_id;
    m_store.backfill_requested(record, m_scope.now);
}

// The window is recorded without a report id: the next run requests it afresh.
void Backfill::forget(PlannedWindow& w) {
    BackfillWindow record;
    record.marketplace_id = w.marketplace_id;
    record.start = w.start;
    record.end = w.end;
    m_store.backfill_requested(record, m_scope.now);
}

Report Backfill::wait(PlannedWindow& w, std::size_t number) {
    const auto started = m_clock.now();
    auto pause = m_options.poll_first;
    for (;;) {
        Report report;
        try {
            report = m_options.reports->get(w.report_id);
        } catch (const ApiError& e) {
            if (e.kind() != ErrorKind::NotFound) {
                throw;
            }
            forget(w);
            throw Error(ErrorKind::Temporary,
                        fmt::format("Amazon no longer knows order report {} ({})", w.report_id, window_text(w)),
                        "run the command again: the window is requested afresh");
        }
        if (report.processing_status == "FATAL") {
            forget(w);
            throw Error(ErrorKind::Temporary,
                        fmt::format("Amazon could not build order report {} ({}): FATAL", w.report_id, window_text(w)),
                        "run the command again later: the window is requested afresh (or use --via orders)");
        }
        if (report.finished()) {
            return report;
        }
        m_events.note(fmt::format("waiting for Amazon to build order report {} of {} ({}, {})", number, m_total,
                                  report.processing_status, seconds_text(m_clock.now() - started)));
        m_clock.sleep_for(pause);
        if (interrupted()) {
            throw Error(ErrorKind::Interrupted, "interrupted while waiting for order report " + w.report_id,
                        "the next `asc orders sync` continues with the same report");
        }
        pause = std::min(m_options.poll_max, pause * 2);
    }
}

std::size_t Backfill::download_once(const PlannedWindow& w, const Report& report, std::size_t number,
                                    std::uint64_t& bytes) {
    bytes = 0;
    std::vector<Order> batch;
    std::size_t next_note = k_progress_rows;
    auto flush = [&] {
        m_result.counts += m_store.upsert_report_orders(batch);
        batch.clear();
        if (interrupted()) {
            throw Error(ErrorKind::Interrupted, "interrupted while storing order report " + w.report_id,
                        "the next `asc orders sync` downloads the same report again");
        }
    };
    OrderReportParser parser(w.marketplace_id, [&](Order&& o) {
        batch.push_back(std::move(o));
        if (batch.size() >= k_store_batch) {
            flush();
        }
    });
    const BodySink sink = [&](std::string_view chunk) {
        bytes += chunk.size();
        try {
            parser.feed(chunk);
        } catch (const Error& e) {
            if (e.kind() == ErrorKind::Temporary) {
                throw UnreadableRow{e};
            }
            throw;
        }
        if (parser.rows() >= next_note) {
            next_note += k_progress_rows;
            m_events.note(fmt::format("order report {} of {}: {} rows stored", number, m_total, parser.rows()));
        }
    };
    m_options.reports->download(report, sink);
    try {
        parser.finish();
    } catch (const Error& e) {
        throw UnreadableRow{e};
    }
    flush();
    return parser.rows();
}

void Backfill::store_window(PlannedWindow& w, const Report& report, std::size_t number) {
    BackfillWindow record;
    record.marketplace_id = w.marketplace_id;
    record.start = w.start;
    record.end = w.end;
    record.report_id = w.report_id;
    record.outcome = report.processing_status;
    std::uint64_t bytes = 0;
    if (report.processing_status == "DONE") {
        for (int attempt = 1;; ++attempt) {
            try {
                record.rows = static_cast<std::int64_t>(download_once(w, report, number, bytes));
                break;
            } catch (const UnreadableRow& bad) {
                throw bad.error;
            } catch (const Error& e) {
                if (e.kind() != ErrorKind::Temporary || attempt >= m_options.download_attempts) {
                    throw;
                }
                const auto pause = std::chrono::seconds(attempt);
                m_events.retrying("downloading order report", attempt, e.what(),
                                  std::chrono::duration_cast<std::chrono::milliseconds>(pause));
                m_clock.sleep_for(pause);
            }
        }
        m_result.rows += static_cast<std::size_t>(record.rows);
        m_result.bytes += bytes;
    } else {
        ++m_result.empty; // CANCELLED: Amazon found no order in the window
    }
    m_store.backfill_done(record, m_scope.now, advances(w.marketplace_id));
    m_events.note(fmt::format("order report {} of {} stored ({} rows, {:.1f} MB)", number, m_total, record.rows,
                              static_cast<double>(bytes) / 1e6));
}

} // namespace

std::optional<SyncVia> parse_sync_via(std::string_view text) {
    if (text == "auto") {
        return SyncVia::Auto;
    }
    if (text == "reports") {
        return SyncVia::Reports;
    }
    if (text == "orders") {
        return SyncVia::Orders;
    }
    return std::nullopt;
}

std::string ReportsClientSource::create(const std::string& marketplace_id, Timestamp start, Timestamp end) {
    return m_client.create_report(k_order_report_type, {marketplace_id}, start, end);
}

Report ReportsClientSource::get(const std::string& report_id) {
    return m_client.get_report(report_id);
}

void ReportsClientSource::download(const Report& report, const BodySink& sink) {
    // A fresh presigned URL per attempt: they last five minutes.
    m_client.download(m_client.get_report_document(report.document_id), sink);
}

WindowPlan plan_report_windows(const std::string& marketplace_id, Timestamp from, Timestamp until,
                               const std::vector<BackfillWindow>& recorded, std::chrono::seconds window,
                               std::chrono::seconds tolerance, std::chrono::seconds min_window) {
    WindowPlan plan;
    Timestamp cursor = from;
    while (cursor < until) {
        const auto covering = std::find_if(recorded.begin(), recorded.end(), [&](const BackfillWindow& r) {
            return r.start <= cursor + tolerance && r.end > cursor;
        });
        if (covering != recorded.end() && covering->state == "done") {
            cursor = covering->end;
            continue;
        }
        if (covering != recorded.end() && !covering->report_id.empty()) {
            plan.windows.push_back({marketplace_id, covering->start, covering->end, covering->report_id});
            cursor = covering->end;
            continue;
        }
        // A new window; one recorded without a report id (FATAL last time) is requested again
        // from its own start, so the records stay one per start.
        const Timestamp start = covering != recorded.end() ? covering->start : cursor;
        const Timestamp end = std::min(until, start + window);
        if (end - start < min_window) {
            break; // the rest is a few searchOrders pages
        }
        plan.windows.push_back({marketplace_id, start, end, {}});
        cursor = end;
    }
    plan.covered_until = std::max(from, cursor);
    return plan;
}

bool reports_pay_off(Timestamp from, Timestamp until, const ProbePage& probe, int page_limit) {
    if (!probe.more) {
        return false; // everything fit in the first page
    }
    if (!probe.last_updated || *probe.last_updated <= from) {
        return true; // a full page of orders in no time at all
    }
    const auto span = static_cast<double>((*probe.last_updated - from).count());
    const auto whole = static_cast<double>((until - from).count());
    return whole / span > static_cast<double>(page_limit);
}

BackfillResult backfill_orders(OrderSource& orders, const BackfillOptions& options, Store& store,
                               const BackfillScope& scope, Events& events) {
    if (options.reports == nullptr || options.via == SyncVia::Orders) {
        return {};
    }
    Backfill backfill(options, store, scope, events);
    return backfill.run(orders);
}

} // namespace asc
