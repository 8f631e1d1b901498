// The Reports API backfill of `orders sync`: the planner (pure), the auto decision, and runs
// against a fake Reports API that builds reports from the same orders as the fake searchOrders.

#include "asc/base/errors.hpp"
#include "asc/base/time.hpp"
#include "asc/sync/sync.hpp"
#include "fake_clock.hpp"
#include "store_test_support.hpp"

#include <doctest/doctest.h>
#include <fmt/format.h>

using namespace asc;
using namespace asc_test;

namespace {

const std::string k_us = "ATVPDKIKX0DER";

BackfillWindow recorded(std::int64_t start, std::int64_t end, std::string state, std::string report_id = "") {
    BackfillWindow w;
    w.marketplace_id = k_us;
    w.start = ts(start);
    w.end = ts(end);
    w.state = std::move(state);
    w.report_id = std::move(report_id);
    return w;
}

// Builds order reports from a FakeAmazon's orders (the columns the parser needs).
class FakeReports final : public ReportSource {
  public:
    explicit FakeReports(FakeAmazon& amazon) : m_amazon(amazon) {}
    struct Made {
        std::string marketplace;
        Timestamp start, end;
    };
    std::vector<Made> created;
    std::vector<std::string> gets;
    std::size_t downloads = 0;
    std::uint64_t served = 0; // bytes of the documents downloaded whole
    std::string outcome = "DONE";                 // what finished reports end as
    std::optional<std::size_t> fail_download_at;  // throw Temporary on this download (0-based)

    bool refuse = false; // createReport answers 403 (no Inventory and Order Tracking role)

    std::string create(const std::string& marketplace_id, Timestamp start, Timestamp end) override {
        if (refuse) {
            throw ApiError(ErrorKind::Auth, "createReport: 403 Unauthorized", "", 403, "Unauthorized", "r1");
        }
        created.push_back({marketplace_id, start, end});
        return std::to_string(created.size());
    }
    Report get(const std::string& report_id) override {
        gets.push_back(report_id);
        const Made& m = created.at(std::stoul(report_id) - 1);
        Report r;
        r.report_id = report_id;
        r.processing_status = gets.size() % 2 == 1 ? "IN_PROGRESS" : outcome; // every other poll
        r.data_start = m.start;
        r.data_end = m.end;
        r.document_id = "doc-" + report_id;
        if (r.processing_status == "DONE" && text(m).empty()) {
            r.processing_status = "CANCELLED";
        }
        return r;
    }
    void download(const Report& report, const BodySink& sink) override {
        if (fail_download_at && downloads++ == *fail_download_at) {
            sink(text(created.at(std::stoul(report.report_id) - 1)).substr(0, 200));
            throw Error(ErrorKind::Temporary, "connection dropped");
        }
        const std::string document = text(created.at(std::stoul(report.report_id) - 1));
        served += document.size();
        sink(document);
    }

  private:
    std::string text(const Made& m) const {
        std::string out;
        for (const auto& o : m_amazon.orders) {
            if (o.marketplace_id != m.marketplace || o.last_updated < m.start || o.last_updated > m.end) {
                continue;
            }
            for (const auto& item : o.items) {
                out += fmt::format("{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\n", o.order_id, format_rfc3339(o.purchase_date),
                                   format_rfc3339(o.last_updated), to_string(o.status), item.sku,
                                   item.quantity_ordered, "USD", item.item_total ? item.item_total->amount() : "");
            }
        }
        return out.empty() ? out
                           : "amazon-order-id\tpurchase-date\tlast-updated-date\torder-status\tsku\tquantity\tcurrency\t"
                             "item-price\n" +
                                 out;
    }
    FakeAmazon& m_amazon;
};

struct Setup {
    Store store = Store::open_memory();
    FakeAmazon amazon;
    FakeReports reports{amazon};
    FakeClock clock;
    std::int64_t now = k_t0 + 100 * k_day;

    // `n` orders updated one every `step` seconds from `first`.
    void add(int n, std::int64_t first, std::int64_t step) {
        for (int i = 0; i < n; ++i) {
            Order o = make_order(static_cast<int>(amazon.orders.size()) + 1, Status::Shipped, first - k_day,
                                 first + i * step);
            o.marketplace_id = k_us;
            amazon.put(o);
        }
    }
    SyncOptions options(SyncVia via, std::optional<std::int64_t> since = std::nullopt) {
        SyncOptions o;
        o.marketplace_ids = {k_us};
        o.now = ts(now);
        if (since) {
            o.since = ts(*since);
        }
        o.backfill.via = via;
        o.backfill.reports = &reports;
        o.backfill.clock = &clock;
        return o;
    }
};

} // namespace

TEST_SUITE("backfill") {

    TEST_CASE("the planner cuts the uncovered part into 30-day windows") {
        const auto result = plan_report_windows(k_us, ts(k_t0), ts(k_t0 + 75 * k_day), {});
        const auto& plan = result.windows;
        REQUIRE(plan.size() == 3);
        CHECK(result.covered_until == ts(k_t0 + 75 * k_day));
        CHECK(plan[0].start == ts(k_t0));
        CHECK(plan[0].end == ts(k_t0 + 30 * k_day));
        CHECK(plan[1].start == ts(k_t0 + 30 * k_day));
        CHECK(plan[2].end == ts(k_t0 + 75 * k_day));
        CHECK(plan[2].report_id.empty());
        CHECK(plan_report_windows(k_us, ts(k_t0), ts(k_t0), {}).windows.empty());
        // Less than six hours is left to searchOrders.
        const auto sliver = plan_report_windows(k_us, ts(k_t0), ts(k_t0 + 30 * k_day + 3600), {});
        CHECK(sliver.windows.size() == 1);
        CHECK(sliver.covered_until == ts(k_t0 + 30 * k_day));
    }

    TEST_CASE("the planner skips done windows and reuses requested ones, even from a mark minus the overlap") {
        const std::vector<BackfillWindow> rec{recorded(k_t0, k_t0 + 30 * k_day, "done", "1"),
                                              recorded(k_t0 + 30 * k_day, k_t0 + 60 * k_day, "requested", "2")};
        const auto plan = plan_report_windows(k_us, ts(k_t0 + 30 * k_day - 300), ts(k_t0 + 80 * k_day), rec).windows;
        REQUIRE(plan.size() == 2);
        CHECK(plan[0].report_id == "2");
        CHECK(plan[0].start == ts(k_t0 + 30 * k_day));
        CHECK(plan[1].report_id.empty());
        CHECK(plan[1].start == ts(k_t0 + 60 * k_day));
        CHECK(plan[1].end == ts(k_t0 + 80 * k_day));
        // A window forgotten after FATAL (no report id) is requested again from its own start.
        const auto again = plan_report_windows(k_us, ts(k_t0), ts(k_t0 + 10 * k_day),
                                               {recorded(k_t0, k_t0 + 10 * k_day, "requested")})
                               .windows;
        REQUIRE(again.size() == 1);
        CHECK(again[0].report_id.empty());
    }

    TEST_CASE("auto uses reports only when the part would take more than ~20 searchOrders pages") {
        const Timestamp from = ts(k_t0), until = ts(k_t0 + 90 * k_day);
        CHECK_FALSE(reports_pay_off(from, until, {40, false, ts(k_t0 + k_day)}));
        CHECK(reports_pay_off(from, until, {100, true, ts(k_t0 + k_day)}));       // ~90 pages
        CHECK_FALSE(reports_pay_off(from, until, {100, true, ts(k_t0 + 30 * k_day)})); // ~3 pages
        CHECK(reports_pay_off(from, until, {100, true, from}));
    }

    TEST_CASE("a reports backfill stores the orders flagged, moves the mark, and searchOrders does the rest") {
        Setup s;
        s.add(150, s.now - 70 * k_day, 40'000); // days -70 .. ~-0.7
        const SyncResult r = sync_orders(s.amazon, s.store, s.options(SyncVia::Reports, s.now - 80 * k_day));
        CHECK(r.backfill.used);
        CHECK(r.backfill.requested == 3);
        REQUIRE(s.reports.created.size() == 3);
        CHECK(s.reports.created[2].end == ts(s.now - 3600));
        CHECK(sql_int(s.store, "SELECT count(*) FROM orders") == 150);
        // The search covered only the last hour (and the overlap) after the reports.
        REQUIRE(s.amazon.queries.size() == 1);
        CHECK(*s.amazon.queries[0].updated_after == ts(s.now - 3600 - 300));
        CHECK(sql_int(s.store, "SELECT count(*) FROM backfill_windows WHERE state = 'done'") == 3);
        CHECK(s.store.sync_mark(k_us) == ts(s.now - 120));
        CHECK(sql_int(s.store, "SELECT count(*) FROM orders WHERE from_report = 1") >= 148);
        // The size of what streamed through, for the summary line and bench/backfill.
        CHECK(r.backfill.bytes > 0);
        CHECK(r.backfill.bytes == s.reports.served);
    }

    TEST_CASE("a rerun after every window is done requests nothing and searches only after them") {
        Setup s;
        s.add(60, s.now - 50 * k_day, 60'000);
        sync_orders(s.amazon, s.store, s.options(SyncVia::Reports, s.now - 60 * k_day));
        REQUIRE(s.reports.created.size() == 2);
        s.now += 600;
        s.amazon.queries.clear();
        sync_orders(s.amazon, s.store, s.options(SyncVia::Reports, s.now - 60 * k_day - 600));
        CHECK(s.reports.created.size() == 2);
        REQUIRE(s.amazon.queries.size() == 1);
        CHECK(*s.amazon.queries[0].updated_after == ts(s.now - 600 - 3600 - 300));
    }

    TEST_CASE("an Orders API write of a report-only order clears its flag") {
        Setup s;
        s.add(3, s.now - 10 * k_day, k_day);
        sync_orders(s.amazon, s.store, s.options(SyncVia::Reports, s.now - 20 * k_day));
        const std::string id = s.amazon.orders[0].order_id;
        CHECK(s.store.order_from_report(id));
        Order fresh = s.amazon.orders[0];
        fresh.last_updated = ts(s.now - 600);
        s.store.upsert_orders(std::vector<Order>{fresh});
        CHECK_FALSE(s.store.order_from_report(id));
        // An older report copy never replaces the fuller Orders API copy.
        Order old = s.amazon.orders[0];
        CHECK(s.store.upsert_report_orders(std::vector<Order>{old}).unchanged == 1);
        CHECK_FALSE(s.store.order_from_report(id));
    }

    TEST_CASE("interrupted during a download, the rerun requests no window twice and loses none") {
        Setup s;
        s.add(120, s.now - 70 * k_day, 45'000);
        s.reports.fail_download_at = 1; // the second window's download drops...
        SyncOptions o = s.options(SyncVia::Reports, s.now - 80 * k_day);
        o.backfill.download_attempts = 1; // ...and is not retried in this run
        CHECK_THROWS_AS(sync_orders(s.amazon, s.store, o), Error);
        CHECK(s.reports.created.size() == 3);
        CHECK(sql_int(s.store, "SELECT count(*) FROM backfill_windows WHERE state = 'done'") == 1);
        s.reports.fail_download_at.reset();
        const SyncResult r = sync_orders(s.amazon, s.store, s.options(SyncVia::Reports, s.now - 80 * k_day));
        CHECK(s.reports.created.size() == 3); // nothing requested again
        CHECK(r.backfill.reused == 2);
        CHECK(sql_int(s.store, "SELECT count(*) FROM orders") == 120);
        CHECK(sql_int(s.store, "SELECT count(*) FROM backfill_windows WHERE state = 'done'") == 3);
    }

    TEST_CASE("a FATAL report stops the sync with a temporary error and is requested afresh next time") {
        Setup s;
        s.add(20, s.now - 20 * k_day, k_day / 2);
        s.reports.outcome = "FATAL";
        try {
            sync_orders(s.amazon, s.store, s.options(SyncVia::Reports, s.now - 25 * k_day));
            FAIL("no error");
        } catch (const Error& e) {
            CHECK(e.kind() == ErrorKind::Temporary);
            CHECK(std::string(e.what()).find("FATAL") != std::string::npos);
        }
        s.reports.outcome = "DONE";
        sync_orders(s.amazon, s.store, s.options(SyncVia::Reports, s.now - 25 * k_day));
        CHECK(s.reports.created.size() == 2);
        CHECK(sql_int(s.store, "SELECT count(*) FROM orders") == 20);
    }

    TEST_CASE("an empty window is CANCELLED by Amazon and counts as done") {
        Setup s;
        const SyncResult r = sync_orders(s.amazon, s.store, s.options(SyncVia::Reports, s.now - 25 * k_day));
        CHECK(r.backfill.empty == 1);
        CHECK(sql_int(s.store, "SELECT count(*) FROM backfill_windows WHERE outcome = 'CANCELLED'") == 1);
        CHECK(s.store.sync_mark(k_us) == ts(s.now - 120));
    }

    TEST_CASE("auto falls back to searchOrders when Amazon refuses the report; --via reports does not") {
        Setup s;
        s.add(400, s.now - 25 * k_day, 600);
        s.reports.refuse = true;
        const SyncResult r = sync_orders(s.amazon, s.store, s.options(SyncVia::Auto));
        CHECK_FALSE(r.backfill.used);
        CHECK(sql_int(s.store, "SELECT count(*) FROM orders") == 400);
        CHECK(s.store.sync_mark(k_us) == ts(s.now - 120));
        CHECK_THROWS_AS(sync_orders(s.amazon, s.store, s.options(SyncVia::Reports, s.now - 30 * k_day)), ApiError);
    }

    TEST_CASE("auto keeps a small seller on searchOrders, and --via orders never asks for reports") {
        Setup s;
        s.add(30, s.now - 20 * k_day, k_day / 2);
        sync_orders(s.amazon, s.store, s.options(SyncVia::Auto));
        CHECK(s.reports.created.empty());
        CHECK(sql_int(s.store, "SELECT count(*) FROM orders") == 30);
        Setup big;
        big.add(400, big.now - 25 * k_day, 600); // 400 orders in under 3 days, 25 days ago
        sync_orders(big.amazon, big.store, big.options(SyncVia::Orders));
        CHECK(big.reports.created.empty());
    }
}
