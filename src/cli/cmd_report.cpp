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

// The renderer of a report. Off a terminal, the implicit default format is the table without
// colors (fitted to COLUMNS, or 80) so that a cron job's mail reads as it is; machine formats
// and an explicit -o are as everywhere. A title line comes before the first row (none when
// there are no rows, so that cron mails nothing for an empty late report).
class ReportRenderer : public Renderer {
  public:
    ReportRenderer(Context& ctx, std::string title, const std::vector<Field>& all_fields, const std::string& id_key)
        : m_ctx(ctx), m_title(std::move(title)) {
        RenderOptions options = ctx.render_options();
        options.id_key = id_key;
        if (options.format == Format::Table && !options.terminal) {
            options.terminal = true;
            options.color = false;
            options.width = ctx.table_width();
            options.on_hidden = [&ctx, width = options.width](const std::vector<std::string>& hidden) {
                ctx.note_hidden_columns(hidden, width);
            };
        }
        m_draws = options.format == Format::Table && options.terminal;
        m_color = options.color;
        const auto fields = chosen_fields(ctx, all_fields);
        ctx.start_pager();
        m_inner = make_renderer(options, fields, ctx.out);
    }

    void row(const Record& record) override {
        if (m_draws && !m_titled) {
            m_titled = true;
            const std::string title = strip_control(m_title);
            m_ctx.out << (m_color ? fmt::format("{}{}{}", k_ansi_bold, title, k_ansi_reset) : title) << "\n\n";
        }
        m_inner->row(record);
    }

    void finish() override { m_inner->finish(); }

  private:
    Context& m_ctx;
    std::string m_title;
    std::unique_ptr<Renderer> m_inner;
    bool m_draws = false;
    bool m_color = false;
    bool m_titled = false;
};

// "since 2026-11-19T07:00:00Z" and/or "until ...", or "".
std::string period_text(const std::string& since, const std::string& until, Timestamp now) {
    std::string text;
    if (!since.empty()) {
        text += " since " + format_rfc3339(parse_time_arg(since, now));
    }
    if (!until.empty()) {
        text += " until " + format_rfc3339(parse_time_arg(until, now));
    }
    return text;
}

const std::vector<Field> k_summary_fields{
    {"dimension", "BY", ColumnKind::Code, k_always, "What the row counts by: status, marketplace, currency or all"},
    {"value", "", ColumnKind::Id, k_always, "The status, marketplace id or currency of the row"},
    {"currency", "", ColumnKind::Code, 60, "The currency of the total"},
    {"orders", "", ColumnKind::Count, k_always, "Orders in the row"},
    {"total", "", ColumnKind::Money, k_always, "Their exact total, per currency"}};

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
    ReportRenderer renderer(ctx,
                            fmt::format("Orders by status, marketplace and currency (local store; purchased{})",
                                        o.since.empty() && o.until.empty() ? " at any time"
                                                                           : period_text(o.since, o.until, now)),
                            k_summary_fields, "value");
    for (const auto& r : rows) {
        renderer.row(r);
    }
    renderer.finish();
}

const std::vector<Field> k_late_fields{
    {"order_id", "", ColumnKind::Id, k_always, "The Amazon order id"},
    {"ship_by", "", ColumnKind::Date, k_always, "The latest ship date"},
    {"overdue", "", ColumnKind::Flag, 90, "The ship-by date has passed"},
    {"status", "", ColumnKind::Status, 85, "Unshipped or PartiallyShipped"},
    {"items_unshipped", "UNSHIPPED", ColumnKind::Count, 60, "Units not shipped yet"},
    {"purchase_date", "PURCHASED", ColumnKind::Date, 40, "When the buyer placed the order"},
    {"total", "", ColumnKind::Money, 70, "The order total"},
    {"marketplace_id", "MARKETPLACE", ColumnKind::Id, 20, "The marketplace id"}};

void run_late(Context& ctx, const ReportOptions& o) {
    sync_first(ctx, o);
    const Timestamp now = now_seconds();
    const auto within = parse_duration(o.within);
    ReportRenderer renderer(
        ctx,
        fmt::format("Late orders: past their ship-by date or due within {} (local store)", o.within),
        k_late_fields, "order_id");
    ctx.store().report_late(now, within, [&](Order&& order) {
        Record r = list_record(order);
        r["overdue"] = order.ship_by.latest && *order.ship_by.latest < now;
        r["_warn"] = r["overdue"]; // overdue rows in the warning color on a terminal
        renderer.row(r);
        return static_cast<bool>(ctx.out);
    });
    renderer.finish();
}

// "b20261126T151700Z-1a2b3c" -> "1a2b3c": the random part names the batch in a table.
std::string short_batch_id(std::string_view id) {
    const auto dash = id.rfind('-');
    return dash != std::string_view::npos && id.size() - dash > 4 ? std::string(id.substr(dash + 1)) : std::string(id);
}

const std::vector<Field> k_journal_fields{
    {"created_at", "CREATED", ColumnKind::Date, 90, "When the cancellation was planned"},
    {"order_id", "", ColumnKind::Id, k_always, "The Amazon order id"},
    {"reason", "", ColumnKind::Reason, 95, "The cancel reason sent to Amazon"},
    {"state", "", ColumnKind::Status, k_always,
     "planned, submitting, submitted, canceled, already_canceled, failed or refused"},
    {"feed_id", "FEED", ColumnKind::Id, 60, "The feed that carried it"},
    {"result_code", "CODE", ColumnKind::Code, 50, "Amazon's result code, when it reported one"},
    {"result_message", "MESSAGE", ColumnKind::Text, 40, "Amazon's result message"},
    {"run_by", "", ColumnKind::Text, 20, "Who ran the command (user@host)"},
    {"commerce_state", "COMMERCE", ColumnKind::Status, 30, "What the Magento step did"},
    {"commerce_action", "MAGENTO", ColumnKind::Code, 28, "The action taken on the Magento order"},
    {"commerce_creditmemo_id", "CREDIT MEMO", ColumnKind::Id, 26, "The Magento credit memo id"},
    {"updated_at", "UPDATED", ColumnKind::Date, 25, "When the entry last changed"},
    {"batch_id", "BATCH", ColumnKind::Id, 35, "The run that planned it (tables show its last part)",
     short_batch_id},
    {"message_id", "", ColumnKind::Count, 10, "The message number inside the feed"}};

} // namespace

Record journal_record(const JournalEntry& e) {
    Record r = Record::object();
    r["created_at"] = format_rfc3339(e.created_at);
    r["order_id"] = e.order_id;
    r["reason"] = e.reason;
    r["state"] = std::string(to_string(e.state));
    r["feed_id"] = e.feed_id.empty() ? Record(nullptr) : Record(e.feed_id);
    r["result_code"] = e.result_code.empty() ? Record(nullptr) : Record(e.result_code);
    r["result_message"] = e.result_message.empty() ? Record(nullptr) : Record(e.result_message);
    r["run_by"] = e.run_by;
    r["commerce_state"] = e.commerce_state ? Record(std::string(to_string(*e.commerce_state))) : Record(nullptr);
    r["commerce_action"] = e.commerce_action.empty() ? Record(nullptr) : Record(e.commerce_action);
    r["commerce_creditmemo_id"] =
        e.commerce_creditmemo_id.empty() ? Record(nullptr) : Record(e.commerce_creditmemo_id);
    r["updated_at"] = format_rfc3339(e.updated_at);
    r["batch_id"] = e.batch_id;
    r["message_id"] = e.message_id ? Record(*e.message_id) : Record(nullptr);
    return r;
}

const std::vector<Field>& journal_fields() { return k_journal_fields; }
const std::vector<Field>& summary_fields() { return k_summary_fields; }
const std::vector<Field>& late_fields() { return k_late_fields; }

void setup_report(CLI::App& app, Context& ctx) {
    auto* report = app.add_subcommand("report", "Reports from the local store, for cron (quiet, exit 0 on success)");
    report->require_subcommand(1);
    report->footer("Off a terminal (cron), a report prints a plain text table with a title line, so the mail reads\n"
                   "as it is; an empty late report prints nothing. -o csv, tsv, json or jsonl for programs.\n\n"
                   "Examples:\n  asc report summary --since 7d\n  asc report late --within 12h\n"
                   "  asc report cancellations --since 7d -o csv");

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
        ReportRenderer renderer(ctx,
                                fmt::format("Cancellations in the journal{}",
                                            canc_opts->since.empty() ? "" : period_text(canc_opts->since, "", now)),
                                journal_fields(), "order_id");
        for (const auto& e : ctx.store().report_cancellations(optional_time(canc_opts->since, now))) {
            renderer.row(journal_record(e));
        }
        renderer.finish();
    });
}

} // namespace asc::cli
