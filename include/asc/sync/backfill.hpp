#pragma once
// The Reports API backfill of `asc orders sync` (issue 14): the part of a sync window that the
// store does not cover and that ended more than an hour ago is read through order reports, one
// per marketplace and 30 days, instead of searchOrders pages. createReport's burst (15) covers a
// year of windows at once, where searchOrders allows one page of 100 orders every three minutes:
// 100,000 orders over 90 days take about 49 hours through searchOrders and minutes through reports.
// The recent edge (the last hour: order reports lag up to 30 minutes) stays with searchOrders.
//
// How the windows stay correct (the reasoning the tests check):
//   * A window [start, end] is requested once: its report id is recorded (backfill_windows) right
//     after createReport answers, so an interrupted sync polls the same report on the next run.
//     A crash between createReport and the record costs one more createReport, never a lost window.
//   * A window is stored whole before it counts: its orders are upserted page by page as the
//     document streams in, and the window becomes `done` (with the marketplace's sync mark moved
//     to its end) in one transaction after the last row. Killed during the download, the window
//     stays `requested`; the rerun downloads it again (the upserts make already stored orders free).
//   * A done window is never requested again: the planner skips recorded done windows, and the
//     mark has moved past them.
//   * Windows of a marketplace are stored in order, so its mark only ever moves over stored data.
//     A marketplace whose mark may not advance in this run (its mark is before --since) is read but
//     its mark stays.
//   * FATAL (Amazon could not build it) or a report Amazon no longer knows: the window is recorded
//     without a report id, so the next run requests it afresh; the sync stops with exit 75.

#include "asc/amazon/orders_client.hpp"
#include "asc/amazon/reports_client.hpp"
#include "asc/base/clock.hpp"
#include "asc/base/events.hpp"
#include "asc/store/store.hpp"

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace asc {

class OrderSource;

// `orders sync --via`: auto (reports when the uncovered part would take more than ~20
// searchOrders pages), reports (whenever a part is old enough), orders (searchOrders only).
enum class SyncVia { Auto, Reports, Orders };
std::optional<SyncVia> parse_sync_via(std::string_view text);

// Where the backfill gets order reports: the Reports API client in the tool, a fake in tests.
class ReportSource {
  public:
    virtual ~ReportSource() = default;
    // createReport of the order report for one marketplace and window; returns the report id.
    virtual std::string create(const std::string& marketplace_id, Timestamp start, Timestamp end) = 0;
    // getReport.
    virtual Report get(const std::string& report_id) = 0;
    // getReportDocument of a DONE report, then its bytes (decompressed) to `sink` as they arrive.
    virtual void download(const Report& report, const BodySink& sink) = 0;
};

class ReportsClientSource final : public ReportSource {
  public:
    explicit ReportsClientSource(ReportsClient& client) : m_client(client) {}
    std::string create(const std::string& marketplace_id, Timestamp start, Timestamp end) override;
    Report get(const std::string& report_id) override;
    void download(const Report& report, const BodySink& sink) override;

  private:
    ReportsClient& m_client;
};

// ---- Planning (pure functions) ----

struct PlannedWindow {
    std::string marketplace_id;
    Timestamp start{};
    Timestamp end{};
    std::string report_id; // a report requested by an earlier run; empty: request one
};

struct WindowPlan {
    std::vector<PlannedWindow> windows; // to request or to poll, in order
    Timestamp covered_until{};          // where report coverage (done or planned) ends; `from` if none
};

// The report windows that cover [from, until] for one marketplace, given what the store recorded:
// from `from` on, a recorded done window that covers the cursor is skipped, a recorded requested
// window is reused (with its report id), anything else becomes a new window of at most `window`.
// A recorded window "covers" the cursor when it starts at most `tolerance` after it (a rerun starts
// at its mark minus the sync overlap) and ends after it. A new window shorter than `min_window` is
// not worth a report (its orders are a few searchOrders pages, and a rerun seconds later must not
// request a sliver): that rest is left to searchOrders.
WindowPlan plan_report_windows(const std::string& marketplace_id, Timestamp from, Timestamp until,
                               const std::vector<BackfillWindow>& recorded,
                               std::chrono::seconds window = std::chrono::hours(24 * 30),
                               std::chrono::seconds tolerance = std::chrono::minutes(10),
                               std::chrono::seconds min_window = std::chrono::hours(6));

// What the first searchOrders page of the part told (auto mode's probe).
struct ProbePage {
    std::size_t orders = 0;
    bool more = false;                        // Amazon has more pages
    std::optional<Timestamp> last_updated;    // of the page's last order
};

// Auto mode: would [from, until] take more than `page_limit` searchOrders pages? Estimated from
// the probe page: its orders span [from, last_updated]; the whole part holds (until - from) /
// that span as many. False when the first page was the only one.
bool reports_pay_off(Timestamp from, Timestamp until, const ProbePage& probe, int page_limit = 20);

// ---- Running ----

struct BackfillOptions {
    SyncVia via = SyncVia::Auto;
    ReportSource* reports = nullptr; // null: no backfill (tests, or no Reports API)
    Clock* clock = nullptr;          // polling pauses; null: the system clock
    std::chrono::seconds report_lag{3600};              // reports cover up to now - this
    std::chrono::seconds window{24 * 30 * 3600};        // one report per this much
    int auto_page_limit = 20;
    std::chrono::milliseconds poll_first{500};          // getReport pauses grow from this...
    std::chrono::milliseconds poll_max{15'000};         // ...to this
    int download_attempts = 3;
};

struct BackfillResult {
    bool used = false;            // reports were used
    std::size_t windows = 0;      // planned
    std::size_t requested = 0;    // createReport calls made
    std::size_t reused = 0;       // reports requested by an earlier run, polled again
    std::size_t empty = 0;        // CANCELLED: no orders in the window
    std::size_t rows = 0;         // item rows read
    std::uint64_t bytes = 0;      // the reports' text read (after GZIP), last attempt of each
    UpsertCounts counts;
    // Where searchOrders should start: the end of the reports' coverage, minus `overlap`.
    std::optional<Timestamp> search_from;
};

// What sync_orders knows when it calls the backfill (with the sync lock held).
struct BackfillScope {
    std::vector<std::string> keys;     // marketplaces of the sync
    std::vector<std::string> advanced; // those whose mark may move
    std::optional<Timestamp> since;    // --since
    Timestamp now{};
    Timestamp window_end{};            // the sync window's end (now - 2 minutes)
    std::chrono::seconds overlap{300};
    std::chrono::seconds first_window{30 * 24 * 3600};
    int page_size = 100;
    std::vector<Included> included;    // for the probe page
};

// Plans, requests, waits for, downloads and stores the report windows of every marketplace, and
// advances the marks as windows complete. Throws Error(Interrupted) on Ctrl-C, Error(Temporary) for
// a FATAL report or a download that keeps failing, and whatever the sources throw; everything
// stored so far stays, and the next run continues from it.
BackfillResult backfill_orders(OrderSource& orders, const BackfillOptions& options, Store& store,
                               const BackfillScope& scope, Events& events);

} // namespace asc
