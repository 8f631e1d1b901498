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
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

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

// The rows of a resume as they come: written out at once, or with a commerce link through the
// Magento step a part at a time and into a temporary file until the last one is known.
class ResumeRows {
  public:
    ResumeRows(Context& ctx, CommerceForCancel& commerce) : m_ctx(ctx) {
        if (commerce.on_cancel) {
            m_flow.emplace(ctx, commerce);
        }
    }
    void add(CancelRow&& row) {
        if (!row.feed_id.empty() && std::find(m_feeds.begin(), m_feeds.end(), row.feed_id) == m_feeds.end()) {
            m_feeds.push_back(row.feed_id);
        }
        if (m_flow) {
            m_flow->add(std::move(row));
            return;
        }
        m_counts.add(row);
        if (!m_writer) {
            m_writer.emplace(m_ctx, false);
        }
        m_writer->row(row);
    }
    // The feeds of the rows so far (a feed carries up to 10,000 orders: a handful); clears them.
    std::vector<std::string> take_feeds() { return std::exchange(m_feeds, {}); }
    // The Magento step of every canceled order still waiting for it (only that step: the Amazon
    // side of those orders is done), then the counts of every row.
    const CancelCounts& counts() {
        if (m_flow) {
            m_flow->add_owed();
            return m_flow->counts();
        }
        return m_counts;
    }
    void finish() {
        if (m_flow) {
            m_flow->render();
        } else if (m_writer) {
            m_writer->finish();
        }
    }
    [[nodiscard]] CommerceOutcome commerce() const { return m_flow ? m_flow->outcome() : CommerceOutcome{}; }

  private:
    Context& m_ctx;
    std::optional<CommerceRowFlow> m_flow;
    std::optional<CancelRowWriter> m_writer;
    CancelCounts m_counts;
    std::vector<std::string> m_feeds;
};

// Each row is written out as recovery settles it (with a commerce link: once the last one is
// known, waiting in a temporary file), then the rows of what it sends again (this run's planned
// rows, planned again a chunk at a time), never all held, so that a run killed with any number of
// orders in flight or planned resumes in flat memory. What it prints is
// what rendering all the rows at once prints.
void run_resume(const ResumeOptions& o, Context& ctx) {
    CancelOptions options = cancel_options(ctx, !o.no_wait, o.wait_timeout);
    CommerceForCancel commerce = commerce_for_cancel(ctx, o.no_commerce);
    options.commerce_on_cancel = commerce.on_cancel;
    ResumeRows rows(ctx, commerce);
    const CancelRowSink sink = [&rows](CancelRow&& row) { rows.add(std::move(row)); };
    options.on_recovered = sink;
    CancelService service(ctx.orders(), ctx.feeds(), ctx.store(), ctx.clock(), ctx.events(), options);
    // The planned rows were confirmed by the run that wrote them (nothing is planned before the
    // confirmation), so resume does not ask again; they are planned again a chunk at a time.
    std::optional<std::vector<std::string>> recovered_feeds;
    const CancelResult result = service.resume_chunked(
        [&](CancelPlan& plan) {
            if (!recovered_feeds) {
                recovered_feeds = rows.take_feeds(); // recovery's: nothing of this run is sent yet
            }
            print_advice(ctx, plan.advice);
        },
        sink);
    const CancelCounts counts = rows.counts();
    if (counts.tally.total == 0) {
        if (!ctx.global.quiet) {
            ctx.err << "asc: nothing to resume: no cancellation is left in flight\n";
        }
        return;
    }
    rows.finish();
    // The feeds this run sent first, then those recovery completed (as the rows held at once).
    std::vector<std::string> all = result.feed_ids;
    for (const std::string& f : recovered_feeds.value_or(std::vector<std::string>{})) {
        if (std::find(all.begin(), all.end(), f) == all.end()) {
            all.push_back(f);
        }
    }
    finish_cancel_with_commerce(ctx, "resume", counts, all, result, !o.no_wait, rows.commerce());
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
    resume->footer("An order is never sent twice: when the answer to a feed's createFeed was lost, its orders are\n"
                   "settled from what Amazon shows of them (getOrder, or one incremental sync for many), once any\n"
                   "feed that may hold them has finished, before anything is sent again. With a commerce link, the Magento step of canceled orders\n"
                   "that failed or never ran is retried (that step only): each Magento order is read again and\n"
                   "the action decided from its quantities and state, so nothing is canceled or refunded twice.\n\n"
                   "Examples:\n  asc cancellations resume");
    resume->callback([resume_opts, &ctx] { run_resume(*resume_opts, ctx); });
}

} // namespace asc::cli
