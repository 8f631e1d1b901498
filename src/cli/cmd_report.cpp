// asc report summary | late | cancellations: the store's figures for cron jobs that mail reports.
// Quiet and exit 0 on success, so cron mails only failures.

#include "asc/base/errors.hpp"
#include "asc/base/time.hpp"
#include "asc/output/order_records.hpp"
#include "commands.hpp"
#include "freshness.hpp"

#include <fmt/format.h>
#include <memory>

namespace asc::cli {

namespace {

struct ReportOptions {
    std::string since, until, within = "24h";
    bool sync = false;
    bool require_sync = false;
};

std::optional<Timestamp> optional_time(const std::string& text, Timestamp now) {
    return text.empty() ? std::nullopt : std::optional<Timestamp>(parse_time_arg(text, now));
}

// --sync: an incremental sync first; then, either way, how fresh the store is (freshness.hpp).
void sync_first(Context& ctx, const ReportOptions& o) {
    if (o.sync) {
        run_sync(ctx, "", {}, std::chrono::minutes(5));
    }
    check_freshness(ctx, {}, o.require_sync, now_seconds());
}

void add_sync_flags(CLI::App& cmd, ReportOptions& o) {
    cmd.add_flag("--sync", o.sync, "Run an incremental `asc orders sync` first");
    cmd.add_flag("--require-sync", o.require_sync,
                 "Exit 75 (with the command to run) when the store was never synced, instead of a warning");
}

const std::vector<Field> k_summary_fields{
    {"dimension", "BY"}, {"value", "VALUE"}, {"currency", "CURRENCY"}, {"orders", "ORDERS"}, {"total", "TOTAL"}};

void run_summary(Context& ctx, const ReportOptions& o) {
    sync_first(ctx, o);
    const Timestamp now = now_seconds();
    const Summary s = ctx.store().report_summary(optional_time(o.since, now), optional_time(o.until, now));
    std::vector<Record> rows;
    auto add = [&rows](const char* dimension, const std::vector<SummaryRow>& group, auto value_of) {
        for (const auto& g : group) {
            Record r = Record::object();
            r["dimension"] = dimension;
            r["value"] = value_of(g);
            r["currency"] = g.currency.empty() ? Record(nullptr) : Record(g.currency);
            r["orders"] = g.orders;
            r["total"] = money_record(g.total);
            rows.push_back(std::move(r));
        }
    };
    add("status", s.by_status, [](const SummaryRow& g) { return g.status; });
    add("marketplace", s.by_marketplace, [](const SummaryRow& g) { return g.marketplace_id; });
    add("currency", s.by_currency, [](const SummaryRow& g) { return g.currency.empty() ? std::string("-") : g.currency; });
    Record all = Record::object();
    all["dimension"] = "all";
    all["value"] = "all";
    all["currency"] = nullptr;
    all["orders"] = s.orders;
    all["total"] = nullptr;
    rows.push_back(std::move(all));
    render_rows(ctx, k_summary_fields, rows, "value");
}

const std::vector<Field> k_late_fields{
    {"order_id", "ORDER ID"},   {"ship_by", "SHIP BY"},          {"overdue", "OVERDUE"},
    {"status", "STATUS"},       {"items_unshipped", "UNSHIPPED"}, {"purchase_date", "PURCHASED"},
    {"total", "TOTAL"},         {"marketplace_id", "MARKETPLACE"}};

void run_late(Context& ctx, const ReportOptions& o) {
    sync_first(ctx, o);
    const Timestamp now = now_seconds();
    const auto within = parse_duration(o.within);
    std::vector<Record> rows;
    auto options = ctx.render_options();
    const auto fields = ctx.global.fields.empty() ? k_late_fields : select_fields(k_late_fields, ctx.global.fields);
    auto renderer = make_renderer(options, fields, ctx.out);
    ctx.store().report_late(now, within, [&](Order&& order) {
        Record r = list_record(order);
        r["overdue"] = order.ship_by.latest && *order.ship_by.latest < now;
        renderer->row(r);
        return static_cast<bool>(ctx.out);
    });
    renderer->finish();
}

const std::vector<Field> k_journal_fields{
    {"created_at", "WHEN"},       {"order_id", "ORDER ID"},      {"reason", "REASON"},
    {"state", "STATE"},           {"feed_id", "FEED"},           {"result_code", "CODE"},
    {"result_message", "MESSAGE"}, {"run_by", "BY"},              {"commerce_state", "COMMERCE"},
    {"updated_at", "UPDATED"},    {"batch_id", "BATCH"},         {"message_id", "MESSAGE ID"}};

} // namespace

Record journal_record(const JournalEntry& e) {
    Record r = Record::object();
    r["created_at"] = format_rfc3339(e.created_at);
    r["order_id"] = e.order_id;
    r["reason"] = e.reason;
    r["state"] = e.state;
    r["feed_id"] = e.feed_id.empty() ? Record(nullptr) : Record(e.feed_id);
    r["result_code"] = e.result_code.empty() ? Record(nullptr) : Record(e.result_code);
    r["result_message"] = e.result_message.empty() ? Record(nullptr) : Record(e.result_message);
    r["run_by"] = e.run_by;
    r["commerce_state"] = e.commerce_state.empty() ? Record(nullptr) : Record(e.commerce_state);
    r["updated_at"] = format_rfc3339(e.updated_at);
    r["batch_id"] = e.batch_id;
    r["message_id"] = e.message_id ? Record(*e.message_id) : Record(nullptr);
    return r;
}

const std::vector<Field>& journal_fields() { return k_journal_fields; }

void setup_report(CLI::App& app, Context& ctx) {
    auto* report = app.add_subcommand("report", "Reports from the local store, for cron (quiet, exit 0 on success)");
    report->require_subcommand(1);

    auto summary_opts = std::make_shared<ReportOptions>();
    auto* summary = report->add_subcommand("summary", "Orders and exact totals per status, marketplace and currency");
    summary->add_option("--created-after,--since", summary_opts->since,
                        "Orders purchased at or after T (RFC 3339, YYYY-MM-DD, today, yesterday, 7d ago)");
    summary->add_option("--created-before,--until", summary_opts->until, "Orders purchased before T");
    add_sync_flags(*summary, *summary_opts);
    summary->footer("Examples:\n  asc report summary --since 7d\n"
                    "  asc report summary --since yesterday --until today\n"
                    "  0 7 * * 1 asc -q report summary --sync --require-sync --since 7d -o csv | mail -s 'weekly orders' "
                    "me@example.com");
    summary->callback([summary_opts, &ctx] { run_summary(ctx, *summary_opts); });

    auto late_opts = std::make_shared<ReportOptions>();
    auto* late = report->add_subcommand("late", "Merchant orders past, or within --within of, their ship-by date");
    late->add_option("--within", late_opts->within, "Also orders due within this duration (default 24h)");
    add_sync_flags(*late, *late_opts);
    late->footer("Examples:\n  asc report late --within 12h\n"
                 "  0 * * * * asc -q report late --sync -o csv > /var/tmp/late.csv");
    late->callback([late_opts, &ctx] { run_late(ctx, *late_opts); });

    auto canc_opts = std::make_shared<ReportOptions>();
    auto* canc = report->add_subcommand("cancellations", "What the cancellation journal holds");
    canc->add_option("--since", canc_opts->since, "Entries created at or after T");
    canc->add_flag("--sync", canc_opts->sync, "Run an incremental `asc orders sync` first");
    canc->footer("Examples:\n  asc report cancellations --since 7d -o csv");
    canc->callback([canc_opts, &ctx] {
        if (canc_opts->sync) { // the journal is local: no freshness to check
            run_sync(ctx, "", {}, std::chrono::minutes(5));
        }
        const Timestamp now = now_seconds();
        std::vector<Record> rows;
        for (const auto& e : ctx.store().report_cancellations(optional_time(canc_opts->since, now))) {
            rows.push_back(journal_record(e));
        }
        render_rows(ctx, journal_fields(), rows, "order_id");
    });
}

} // namespace asc::cli
