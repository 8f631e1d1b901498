// asc feeds show FEED_ID: a feed's processing status and, once Amazon is done, its processing
// result per message (mapped to orders through the cancellation journal when it knows the feed).

#include "asc/amazon/ack_feed.hpp"
#include "asc/base/errors.hpp"
#include "asc/base/time.hpp"
#include "commands.hpp"

#include <fmt/format.h>
#include <map>
#include <memory>
#include <ostream>
#include <set>

namespace asc::cli {

namespace {

const std::vector<Field> k_message_fields{
    {"message_id", "", ColumnKind::Count, k_always, "The message number inside the feed"},
    {"order_id", "", ColumnKind::Id, k_always, "The order of that message (from the journal)"},
    {"result", "", ColumnKind::Status, k_always, "Amazon's result: Error, Warning, or empty for success"},
    {"result_code", "CODE", ColumnKind::Code, 60, "Amazon's result code"},
    {"description", "", ColumnKind::Text, 50, "Amazon's description of the result"}};

Record opt_text(const std::string& s) {
    return s.empty() ? Record(nullptr) : Record(s);
}

Record opt_time(const std::optional<Timestamp>& t) {
    return t ? Record(format_rfc3339(*t)) : Record(nullptr);
}

Record feed_record(const Feed& feed, const std::optional<ProcessingReport>& report) {
    Record r = Record::object();
    r["feed_id"] = feed.feed_id;
    r["feed_type"] = feed.feed_type;
    r["processing_status"] = feed.processing_status;
    r["marketplace_ids"] = feed.marketplace_ids;
    r["created_time"] = format_rfc3339(feed.created_time);
    r["processing_start_time"] = opt_time(feed.processing_start_time);
    r["processing_end_time"] = opt_time(feed.processing_end_time);
    r["result_feed_document_id"] = opt_text(feed.result_document_id);
    if (report) {
        r["summary"] = Record{{"status_code", report->status_code},
                              {"messages_processed", report->processed},
                              {"messages_successful", report->successful},
                              {"messages_with_error", report->with_error},
                              {"messages_with_warning", report->with_warning}};
    } else {
        r["summary"] = nullptr;
    }
    return r;
}

// One row per message: every message the journal knows for this feed (with its order), then the
// report's results about messages the journal does not know (and about the whole document).
std::vector<Record> message_rows(const Feed& feed, const std::optional<ProcessingReport>& report,
                                 const std::vector<JournalEntry>& journal) {
    std::vector<Record> rows;
    std::set<std::uint64_t> known;
    std::map<std::uint64_t, const ReportResult*> errors;
    const ReportResult* document_error = nullptr;
    if (report) {
        errors = errors_by_message(*report);
        for (const ReportResult& res : report->results) {
            if (res.message_id == 0 && res.is_error()) {
                document_error = &res;
                break;
            }
        }
        if (report->successful > 0) {
            document_error = nullptr; // then it did not fail the messages (as outcome_of decides)
        }
    }
    for (const JournalEntry& e : journal) {
        if (!e.message_id) {
            continue;
        }
        const auto id = static_cast<std::uint64_t>(*e.message_id);
        known.insert(id);
        Record r = Record::object();
        r["message_id"] = id;
        r["order_id"] = e.order_id;
        if (!feed.finished()) {
            r["result"] = "pending";
            r["result_code"] = nullptr;
            r["description"] = nullptr;
        } else if (!report) {
            r["result"] = feed.processing_status == "DONE" ? "unknown" : "error";
            r["result_code"] = feed.processing_status;
            r["description"] = nullptr;
        } else {
            const auto it = errors.find(id);
            const ReportResult* error = it != errors.end() ? it->second : document_error;
            r["result"] = error == nullptr ? "ok" : "error";
            r["result_code"] = error == nullptr ? Record(nullptr) : opt_text(error->message_code);
            r["description"] = error == nullptr ? Record(nullptr) : opt_text(error->description);
        }
        rows.push_back(std::move(r));
    }
    if (report) {
        for (const ReportResult& res : report->results) {
            if (res.message_id != 0 && known.count(res.message_id) != 0) {
                continue;
            }
            Record r = Record::object();
            r["message_id"] = res.message_id;
            r["order_id"] = opt_text(res.order_id);
            r["result"] = res.is_error() ? "error" : "warning";
            r["result_code"] = opt_text(res.message_code);
            r["description"] = opt_text(res.description);
            rows.push_back(std::move(r));
        }
    }
    return rows;
}

void run_show(const std::string& feed_id, Context& ctx) {
    const Format format = ctx.format();
    const Feed feed = ctx.feeds().get_feed(feed_id);
    std::optional<ProcessingReport> report;
    if (feed.finished() && !feed.result_document_id.empty()) {
        const ResultDocument document = ctx.feeds().get_feed_document(feed.result_document_id);
        report = parse_processing_report(ctx.feeds().download(document));
    }
    std::vector<JournalEntry> journal;
    try {
        journal = ctx.store().journal_entries({.feed_id = feed.feed_id});
    } catch (const Error& e) {
        if (!ctx.global.quiet) {
            ctx.err << fmt::format("asc: warning: the local journal could not be read: {}\n", e.what());
        }
    }
    const auto rows = message_rows(feed, report, journal);

    if (format == Format::Json || format == Format::Jsonl) {
        Record r = feed_record(feed, report);
        r["messages"] = rows;
        ctx.out << (format == Format::Json ? r.dump(2) : r.dump()) << '\n';
        return;
    }
    auto options = ctx.render_options();
    options.id_key = "order_id";
    if (format == Format::Table && ctx.stdout_is_terminal()) {
        ctx.out << fmt::format("Feed {} ({})\n  status    {}\n  created   {}\n", feed.feed_id,
                               strip_control(feed.feed_type), strip_control(feed.processing_status),
                               format_rfc3339(feed.created_time));
        if (feed.processing_end_time) {
            ctx.out << fmt::format("  finished  {}\n", format_rfc3339(*feed.processing_end_time));
        }
        if (report) {
            ctx.out << fmt::format(
                "  messages  {} processed, {} successful, {} with error, {} with warning\n",
                report->processed, report->successful, report->with_error, report->with_warning);
        } else if (!feed.finished()) {
            ctx.out << "  Amazon is still processing it; run this again later.\n";
        }
        if (rows.empty()) {
            return;
        }
        ctx.out << '\n';
    }
    const auto fields = chosen_fields(ctx, k_message_fields);
    auto renderer = make_renderer(options, fields, ctx.out);
    for (const auto& r : rows) {
        renderer->row(r);
    }
    renderer->finish();
    const bool unrecorded = std::any_of(journal.begin(), journal.end(),
                                        [](const JournalEntry& e) { return e.state == JournalState::Submitted; });
    if (feed.finished() && unrecorded && !ctx.global.quiet) {
        ctx.err
            << "asc: the journal has not recorded this result yet; `asc cancellations resume` records it\n";
    }
}

} // namespace

const std::vector<Field>& feed_message_fields() { return k_message_fields; }

void setup_feeds(CLI::App& app, Context& ctx) {
    auto* feeds = app.add_subcommand("feeds", "Feeds sent to Amazon");
    feeds->alias("feed");
    feeds->require_subcommand(1);
    auto id = std::make_shared<std::string>();
    auto* show = feeds->add_subcommand("show", "A feed's status and, when done, its result per message");
    show->add_option("feed_id", *id, "The feed id (as `order cancel` prints it)")->required();
    show->footer(
        "Examples:\n  asc feeds show 50012019000\n  asc feeds show 50012019000 -o json | jq .summary");
    show->callback([id, &ctx] { run_show(*id, ctx); });
}

} // namespace asc::cli
