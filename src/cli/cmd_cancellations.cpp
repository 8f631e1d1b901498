// asc cancellations list [--since T] [--state S]... [--feed ID] [--order ID]: the journal.
// asc cancellations resume [--no-wait] [--wait-timeout T]: completes what interrupted runs left.

#include "asc/base/errors.hpp"
#include "asc/base/time.hpp"
#include "asc/cancel/cancel.hpp"
#include "cancel_output.hpp"
#include "commands.hpp"
#include "commerce_cancel.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <fmt/format.h>
#include <iterator>
#include <memory>
#include <optional>

namespace asc::cli {

// In cmd_order_cancel.cpp.
CancelOptions cancel_options(Context& ctx, bool wait, const std::string& wait_timeout);

namespace {

// "planned, submitting, ...": every journal state, for the help and the error.
std::string journal_state_list() {
    std::vector<std::string_view> names;
    for (const JournalState s : all_journal_states()) {
        names.push_back(to_string(s));
    }
    return fmt::format("{}", fmt::join(names, ", "));
}

struct ListOptions {
    std::string since;
    std::vector<std::string> states;
    std::string feed;
    std::string order;
};

struct ResumeOptions {
    bool no_wait = false;
    bool no_commerce = false;
    std::string wait_timeout = "30m";
};

void run_list(const ListOptions& o, Context& ctx) {
    JournalFilter filter;
    if (!o.since.empty()) {
        filter.since = parse_time_arg(o.since, now_seconds());
    }
    for (auto state : split_list(o.states)) {
        std::transform(state.begin(), state.end(), state.begin(),
                       [](char c) { return c == '-' ? '_' : static_cast<char>(std::tolower(static_cast<unsigned char>(c))); });
        if (state == "cancelled") { // the British spelling, as for order statuses
            state = to_string(JournalState::Canceled);
        }
        const auto parsed = parse_journal_state(state);
        if (!parsed) {
            throw Error(ErrorKind::Usage, fmt::format("unknown journal state '{}'", strip_control(state)),
                        fmt::format("use {}", journal_state_list()));
        }
        filter.states.push_back(*parsed);
    }
    filter.feed_id = o.feed;
    filter.order_id = o.order;
    auto options = ctx.render_options();
    options.id_key = "order_id";
    const auto fields = chosen_fields(ctx, journal_fields());
    ctx.start_pager();
    auto renderer = make_renderer(options, fields, ctx.out);
    for (const JournalEntry& e : ctx.store().journal_entries(filter)) {
        renderer->row(journal_record(e));
    }
    renderer->finish();
}

// Resume without a commerce link: each row is written out as recovery settles it (then the rows
// of what it sends again), never all held, so that a run killed with any number of orders in
// flight resumes in flat memory. What it prints is what rendering all the rows at once prints.
void resume_streamed(CancelOptions options, Context& ctx, bool wait) {
    std::optional<CancelRowWriter> writer;
    CancelCounts counts;
    std::vector<std::string> feeds; // a feed carries up to 10,000 orders: a handful
    const CancelRowSink sink = [&](CancelRow&& row) {
        if (!row.feed_id.empty() && std::find(feeds.begin(), feeds.end(), row.feed_id) == feeds.end()) {
            feeds.push_back(row.feed_id);
        }
        counts.add(row);
        if (!writer) {
            writer.emplace(ctx, false);
        }
        writer->row(row);
    };
    options.on_recovered = sink;
    CancelService service(ctx.orders(), ctx.feeds(), ctx.store(), ctx.clock(), ctx.events(), options);
    CancelPlan plan = service.plan({}, CancelReason::NoInventory, true);
    print_advice(ctx, plan.advice);
    const std::vector<std::string> recovered_feeds = feeds;
    feeds.clear();
    CancelResult result = service.execute(std::move(plan), sink);
    if (!writer) {
        if (!ctx.global.quiet) {
            ctx.err << "asc: nothing to resume: no cancellation is left in flight\n";
        }
        return;
    }
    writer->finish();
    // The feeds this run sent first, then those recovery completed (as the rows held at once).
    std::vector<std::string> all = result.feed_ids;
    for (const std::string& f : recovered_feeds) {
        if (std::find(all.begin(), all.end(), f) == all.end()) {
            all.push_back(f);
        }
    }
    finish_cancel_with_commerce(ctx, "resume", counts, all, result, wait, {});
}

void run_resume(const ResumeOptions& o, Context& ctx) {
    CancelOptions options = cancel_options(ctx, !o.no_wait, o.wait_timeout);
    CommerceForCancel commerce = commerce_for_cancel(ctx, o.no_commerce);
    options.commerce_on_cancel = commerce.on_cancel;
    if (!commerce.on_cancel) {
        resume_streamed(options, ctx, !o.no_wait);
        return;
    }
    CancelService service(ctx.orders(), ctx.feeds(), ctx.store(), ctx.clock(), ctx.events(), options);
    // The planned rows were confirmed by the run that wrote them (nothing is planned before the
    // confirmation), so resume does not ask again.
    CancelPlan plan = service.plan({}, CancelReason::NoInventory, true);
    print_advice(ctx, plan.advice);
    CancelResult result = service.execute(std::move(plan));
    std::vector<CancelRow> rows = result.recovered;
    rows.reserve(rows.size() + result.rows.size());
    std::move(result.rows.begin(), result.rows.end(), std::back_inserter(rows));
    std::vector<CancelRow>().swap(result.rows);
    // The Magento update of every canceled order still waiting for it (only that step: the Amazon
    // side of those orders is done).
    const CommerceOutcome c = run_commerce_step(ctx, commerce, rows, {}, true);
    if (rows.empty()) {
        if (!ctx.global.quiet) {
            ctx.err << "asc: nothing to resume: no cancellation is left in flight\n";
        }
        return;
    }
    render_cancel_rows(ctx, rows);
    std::vector<std::string> feeds = result.feed_ids;
    for (const CancelRow& r : result.recovered) {
        if (!r.feed_id.empty() && std::find(feeds.begin(), feeds.end(), r.feed_id) == feeds.end()) {
            feeds.push_back(r.feed_id);
        }
    }
    finish_cancel_with_commerce(ctx, "resume", counts_of(rows), feeds, result, !o.no_wait, c);
}

} // namespace

void setup_cancellations(CLI::App& app, Context& ctx) {
    auto* group = app.add_subcommand("cancellations", "The cancellation journal: list it, resume interrupted runs");
    group->require_subcommand(1);

    auto list_opts = std::make_shared<ListOptions>();
    auto* list = group->add_subcommand("list", "Journal entries, oldest first");
    list->add_option("--since", list_opts->since, "Entries created at or after T (RFC 3339, YYYY-MM-DD, 90m/24h/7d)");
    list->add_option("--state", list_opts->states,
                     "Only these states (repeat or comma-separate): " + journal_state_list());
    list->add_option("--feed", list_opts->feed, "Only entries of this feed id");
    list->add_option("--order", list_opts->order, "Only entries of this order id");
    list->footer("With a commerce link, commerce_state, commerce_action (canceled, refunded, comment_only,\n"
                 "nothing_to_do) and commerce_creditmemo_id say what happened to the linked Magento order.\n\n"
                 "Examples:\n  asc cancellations list --since 7d\n  asc cancellations list --state failed,refused -o csv");
    list->callback([list_opts, &ctx] { run_list(*list_opts, ctx); });

    auto resume_opts = std::make_shared<ResumeOptions>();
    auto* resume = group->add_subcommand(
        "resume", "Complete cancellations an interrupted run left: check its orders, send what was not sent");
    resume->add_flag("--no-wait", resume_opts->no_wait, "Do not wait for Amazon to process the feeds");
    resume->add_option("--wait-timeout", resume_opts->wait_timeout, "How long to wait for Amazon: 30m, 2h, or seconds (default 30m)")
        ->type_name("DURATION");
    resume->add_flag("--no-commerce", resume_opts->no_commerce,
                     "Do not update the linked Magento orders this time (journaled as skipped)");
    resume->footer("An order is never sent twice: a feed whose answer was lost is looked up on Amazon (getFeeds)\n"
                   "before anything is sent again. With a commerce link, the Magento step of canceled orders\n"
                   "that failed or never ran is retried (that step only): each Magento order is read again and\n"
                   "the action decided from its quantities and state, so nothing is canceled or refunded twice.\n\n"
                   "Examples:\n  asc cancellations resume");
    resume->callback([resume_opts, &ctx] { run_resume(*resume_opts, ctx); });
}

} // namespace asc::cli
