// asc order cancel [ID...] [--from FILE|-] --reason R [--dry-run] [--yes] [--no-wait]
//                  [--wait-timeout T] [--max-per-feed N]
// Cancels unshipped seller-fulfilled orders through the order-acknowledgement feed (the cancel
// service in include/asc/cancel.hpp); this file reads the ids, the reason and the confirmation.
//
// Test hook: ASC_TEST_CRASH_AT=<step> makes the process die like `kill -9` (_exit(137), nothing
// flushed or cleaned up) when the service reaches that step (after-plan, after-document,
// after-upload, before-create-feed, after-create-feed, after-submit, waiting). The integration
// tests use it to check that a rerun completes the batch; it is not for production use.
// ASC_TEST_IN_FLIGHT_FLOOR_MS=<ms> shortens CancelOptions::in_flight_floor (60 s) so that the
// integration tests of lost createFeed answers run in seconds; also not for production use.
// ASC_TEST_PAUSE_AT=<step>:<file> holds the run at that step until <file> exists (pause_hook); the
// step may also be the Magento step's commerce-read (CommerceStepOptions::on_step).
// ASC_TEST_PLAN_CHUNK=<n> works a batch through n ids at a time (CancelOptions::plan_chunk, 2,000)
// so that the integration tests put chunk boundaries inside small batches.
// ASC_TEST_RECOVERY_PAGE=<n> makes recovery read the journal n rows at a time
// (CancelOptions::recovery_page, 500) so that they resume more rows than a page over real HTTP.

#include "asc/base/errors.hpp"
#include "asc/base/identity.hpp"
#include "asc/base/strings.hpp"
#include "asc/base/line_input.hpp"
#include "asc/base/time.hpp"
#include "asc/cancel/cancel.hpp"
#include "asc/output/order_records.hpp"
#include "cancel_output.hpp"
#include "commands.hpp"
#include "commerce_cancel.hpp"
#include "prompt.hpp" // is_yes

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <functional>
#include <fmt/format.h>
#include <memory>
#include <optional>
#include <string_view>
#include <unistd.h>

namespace asc::cli {

namespace {

struct CancelCliOptions {
    std::vector<std::string> ids;
    std::string from;
    std::string reason;
    bool dry_run = false;
    bool yes = false;
    bool no_wait = false;
    std::string wait_timeout = "30m";
    std::size_t max_per_feed = 10'000;
    bool no_commerce = false;
};

// The ids of the arguments and of --from, first occurrences in input order, held compactly (a
// batch of 100,000 ids takes about 2.4 MB).
IdList collect_ids(const CancelCliOptions& o, Context& ctx) {
    IdList ids;
    for (const std::string& id : o.ids) {
        ids.push_back(id);
    }
    const auto add = [&ids](std::string_view id) { ids.push_back(id); };
    if (o.from == "-") {
        each_line_item(ctx.in(), "--from - (stdin)", add);
    } else if (!o.from.empty()) {
        std::ifstream file(o.from);
        if (!file) {
            throw Error(ErrorKind::Usage, fmt::format("cannot read {}", o.from), "give a file with one order id per line, or - for stdin");
        }
        each_line_item(file, "--from " + o.from, add);
    }
    ids.dedupe();
    return ids;
}

bool interactive(Context& ctx) {
    return ctx.stdin_is_terminal() && ctx.stdout_is_terminal();
}

std::string reasons_help() {
    return "the reasons Amazon accepts:\n" + cancel_reason_list();
}

// The "Reason For Cancellation" drop-down, as a numbered choice.
CancelReason ask_reason(Context& ctx) {
    const auto reasons = all_cancel_reasons();
    ctx.err << "Reason For Cancellation:\n";
    for (std::size_t i = 0; i < reasons.size(); ++i) {
        ctx.err << fmt::format("  {:>2}) {:<34} {}\n", i + 1, to_string(reasons[i]), describe(reasons[i]));
    }
    for (int attempt = 0; attempt < 3; ++attempt) {
        const std::string answer = ctx.ask(fmt::format("Choose 1-{}: ", reasons.size()));
        if (const auto parsed = parse_cancel_reason(answer)) {
            return *parsed;
        }
        try {
            const std::size_t n = std::stoul(answer);
            if (n >= 1 && n <= reasons.size() && std::to_string(n) == answer) {
                return reasons[n - 1];
            }
        } catch (const std::exception&) {
        }
    }
    throw Error(ErrorKind::Usage, "no reason chosen", "pass --reason, e.g. --reason NoInventory");
}

CancelReason resolve_reason(const CancelCliOptions& o, Context& ctx) {
    if (!o.reason.empty()) {
        if (const auto r = parse_cancel_reason(o.reason)) {
            return *r;
        }
        throw Error(ErrorKind::Usage, fmt::format("unknown cancel reason '{}'; {}", strip_control(o.reason), reasons_help()),
                    "any case works, with or without dashes or spaces: no-inventory, \"No Inventory\"");
    }
    if (interactive(ctx) && o.from != "-") {
        return ask_reason(ctx);
    }
    throw Error(ErrorKind::Usage, "--reason is required; " + reasons_help(),
                "e.g. --reason NoInventory (a choice is offered when run on a terminal)");
}

std::string order_line(const CancelPlan& plan, const CancelPlanItem& item) {
    std::string line = fmt::format("  {}", item.order_id);
    if (const CancelTarget* target = plan.target_of(item)) {
        line += fmt::format("  {}  {}", to_string(target->status), count_noun(target->units, "item"));
        if (target->total) {
            line += "  " + target->total->to_string();
        }
    }
    return line;
}

// What the confirmation shows of a plan: how many orders would be canceled, the first few of them,
// and how many others will not be sent. Made from one plan, or a chunk's plan at a time.
struct ConfirmView {
    std::size_t would = 0;
    std::size_t other = 0;
    std::vector<std::string> lines; // the first k_shown orders to cancel

    static constexpr std::size_t k_shown = 20;

    void add(const CancelPlan& plan) {
        for (const auto& item : plan.items) {
            if (item.outcome != CancelOutcome::WouldCancel) {
                ++other;
            } else if (would++ < k_shown) {
                lines.push_back(order_line(plan, item));
            }
        }
    }
};

// Shows what will be canceled and asks; for more than 10 orders the user types the count.
bool confirm(Context& ctx, const ConfirmView& view, CancelReason reason) {
    const std::size_t n = view.would;
    ctx.err << fmt::format("About to cancel {} on Amazon with reason {} ({}). Amazon notifies {}; "
                           "this cannot be undone.\n",
                           count_noun(static_cast<long long>(n), "order"), to_string(reason), describe(reason),
                           n == 1 ? "the buyer" : "each buyer");
    for (const std::string& line : view.lines) {
        ctx.err << strip_control(line) << '\n';
    }
    if (n > view.lines.size()) {
        ctx.err << fmt::format("  ... and {} more\n", n - view.lines.size());
    }
    const std::size_t other = view.other;
    if (other > 0) {
        ctx.err << fmt::format("{} will not be sent (refused, already canceled, unknown...): the results "
                               "list {}.\n",
                               count_noun(static_cast<long long>(other), "other order"), other == 1 ? "it" : "them");
    }
    if (n > 10) {
        return ctx.ask(fmt::format("Type {} to cancel these {} orders: ", n, n)) == std::to_string(n);
    }
    return is_yes(ctx.ask(fmt::format("Cancel {}? [y/N] ", n == 1 ? "this order" : "these orders")));
}

bool confirm(Context& ctx, const CancelPlan& plan, CancelReason reason) {
    ConfirmView view;
    view.add(plan);
    return confirm(ctx, view, reason);
}

// The ids of the orders the user confirmed, for CancelOptions::confirmed: one buffer and a sorted
// index of it (about 28 bytes an id).
class ConfirmedIds {
  public:
    void add(std::string_view id) { m_ids.push_back(id); }
    void seal() {
        m_sorted.resize(m_ids.size());
        for (std::uint32_t i = 0; i < m_sorted.size(); ++i) {
            m_sorted[i] = i;
        }
        std::sort(m_sorted.begin(), m_sorted.end(), [this](std::uint32_t a, std::uint32_t b) { return m_ids.less(a, b); });
    }
    [[nodiscard]] bool contains(std::string_view id) const {
        const auto it = std::lower_bound(m_sorted.begin(), m_sorted.end(), id,
                                         [this](std::uint32_t a, std::string_view b) { return m_ids[a] < b; });
        return it != m_sorted.end() && m_ids[*it] == id;
    }

  private:
    IdList m_ids;
    std::vector<std::uint32_t> m_sorted;
};

} // namespace

// The service, configured from the profile and the flags (shared with `cancellations resume`).
CancelOptions cancel_options(Context& ctx, bool wait, const std::string& wait_timeout) {
    const Settings& s = ctx.settings();
    CancelOptions options;
    options.wait = wait;
    options.wait_timeout = checked_seconds(k_feed_wait_range, static_cast<double>(parse_duration_or_seconds(wait_timeout).count()));
    options.seller_id = s.seller_id;
    options.marketplace_ids = s.marketplace_ids;
    options.run_by = current_user_at_host();
    // Journaled with each createFeed: recovery's grace period comes from it (not from a rerun's flags).
    options.request_timeout = std::chrono::milliseconds(static_cast<long long>(ctx.global.timeout_seconds * 1000));
    if (const char* floor = std::getenv("ASC_TEST_IN_FLIGHT_FLOOR_MS"); floor != nullptr && *floor != '\0') {
        options.in_flight_floor = std::chrono::milliseconds(std::strtoll(floor, nullptr, 10)); // test hook
    }
    if (const auto chunk = ctx.env("ASC_TEST_PLAN_CHUNK")) {
        options.plan_chunk = std::max<std::size_t>(1, std::strtoull(chunk->c_str(), nullptr, 10)); // test hook
    }
    if (const auto page = ctx.env("ASC_TEST_RECOVERY_PAGE")) {
        options.recovery_page = std::max<std::size_t>(1, std::strtoull(page->c_str(), nullptr, 10)); // test hook
    }
    if (const char* at = std::getenv("ASC_TEST_CRASH_AT"); at != nullptr && *at != '\0') {
        const std::string step = at;
        options.on_step = [step](std::string_view now) {
            if (now == step) {
                ::_exit(137); // test hook: die like kill -9
            }
        };
    } else if (const char* pause = std::getenv("ASC_TEST_PAUSE_AT"); pause != nullptr && *pause != '\0') {
        options.on_step = pause_hook(pause);
    }
    return options;
}

namespace {

// The summary on stderr and the exit status, once the rows are written.
void finish_run(Context& ctx, const CancelCliOptions& o, const CancelCounts& counts, const CancelResult& result,
                const CommerceOutcome& c) {
    if (o.dry_run) {
        // The plan was made: that is success, whatever it says (refused rows are in it); only
        // bad input fails a dry run, so `set -e` scripts get past it.
        if (!ctx.global.quiet) {
            ctx.err << fmt::format("asc: cancel --dry-run: {}; nothing was sent\n", cancel_summary(counts.tally, {}));
        }
        return;
    }
    finish_cancel_with_commerce(ctx, "cancel", counts, result.feed_ids, result, !o.no_wait, c);
}

// The confirmation of a batch too large to hold its plan: a dry run a chunk at a time (each
// chunk's plan let go once counted) shows what would be canceled and asks. Returns the orders the
// user confirmed; throws Error(Declined) when not confirmed.
ConfirmedIds ask_for_large_batch(Context& ctx, CancelOptions options, const IdList& ids, CancelReason reason) {
    options.dry_run = true;
    options.commerce_on_cancel.reset();
    CancelService dry(ctx.orders(), ctx.feeds(), ctx.store(), ctx.clock(), ctx.events(), options);
    ConfirmView view;
    ConfirmedIds confirmed;
    const CancelResult result = dry.run_chunked(
        ids, reason,
        [&](CancelPlan& plan) {
            print_advice(ctx, plan.advice);
            view.add(plan);
            for (const CancelPlanItem& item : plan.items) {
                if (item.outcome == CancelOutcome::WouldCancel) {
                    confirmed.add(item.order_id);
                }
            }
        },
        [](CancelRow&&) {});
    if (result.error) {
        throw *result.error;
    }
    if (view.would > 0 && !confirm(ctx, view, reason)) {
        throw Error(ErrorKind::Declined, "nothing was canceled (not confirmed)",
                    "add --yes to cancel without being asked, or --dry-run to see the plan");
    }
    confirmed.seal();
    return confirmed;
}

// A batch with a commerce link, planned and sent a chunk at a time (CancelService::run_chunked):
// the rows come back in input order and go through the Magento step a part at a time, then wait
// in a temporary file until the last one decides the columns (CommerceRowFlow), so that memory
// does not grow with the batch either.
void run_chunked_with_commerce(Context& ctx, const CancelCliOptions& o, CancelService& service,
                               CommerceRowFlow& flow, const IdList& ids, CancelReason reason,
                               const std::function<void(CancelPlan&)>& planned) {
    const CancelResult result =
        service.run_chunked(ids, reason, planned, [&flow](CancelRow&& row) { flow.add(std::move(row)); });
    flow.render();
    finish_run(ctx, o, flow.counts(), result, flow.outcome());
}

void run_cancel(const CancelCliOptions& o, Context& ctx) {
    const Format format = ctx.format(); // a bad -o fails before anything else
    (void)format;
    const CancelReason reason = resolve_reason(o, ctx);
    IdList ids = collect_ids(o, ctx);
    if (ids.empty()) {
        throw Error(ErrorKind::Usage, "no order ids given",
                    "pass ids as arguments, or --from FILE (one per line; - reads stdin)");
    }
    std::size_t invalid_count = 0;
    for (std::size_t i = 0; i < ids.size(); ++i) {
        invalid_count += is_amazon_order_id(ids[i]) ? 0U : 1U;
    }
    if (invalid_count == ids.size()) {
        std::vector<CancelRow> invalid;
        for (std::size_t i = 0; i < ids.size(); ++i) {
            invalid.push_back({strip_control(ids[i]), CancelOutcome::InvalidId, std::string(to_string(reason)), "", "",
                               fmt::format("not an Amazon order id ({})", k_order_id_shape)});
        }
        render_cancel_rows(ctx, invalid);
        if (ids.size() == 1) {
            throw not_an_order_id(std::string(ids[0]));
        }
        throw Error(ErrorKind::Usage, fmt::format("none of the {} ids is an Amazon order id", ids.size()),
                    fmt::format("an Amazon order id has {}", k_order_id_shape));
    }
    bool ask = !o.dry_run && !o.yes;
    if (ask && !interactive(ctx)) {
        throw Error(ErrorKind::Usage, "--yes is required to cancel orders when not run on a terminal",
                    "check the plan first with --dry-run, then add --yes");
    }

    CancelOptions options = cancel_options(ctx, !o.no_wait, o.wait_timeout);
    options.dry_run = o.dry_run;
    options.max_messages_per_feed = o.max_per_feed;
    // The Magento link: an incomplete one fails here, before anything is sent to Amazon.
    CommerceForCancel commerce = o.dry_run ? CommerceForCancel{} : commerce_for_cancel(ctx, o.no_commerce);
    options.commerce_on_cancel = commerce.on_cancel;
    ConfirmedIds confirmed;
    bool advised = false; // the buyer-cancellation advice was shown with the confirmation
    if (ask && ids.size() > std::max(options.plan_chunk, options.max_messages_per_feed)) {
        // Too large to hold its plan while asking: planned once to ask, then again to send, and
        // only what the user confirmed is sent.
        confirmed = ask_for_large_batch(ctx, options, ids, reason);
        options.confirmed = [&confirmed](std::string_view id) { return confirmed.contains(id); };
        ask = false;
        advised = true;
    }
    // With a commerce link every result row goes through the Magento step a part at a time.
    std::optional<CommerceRowFlow> flow;
    if (commerce.on_cancel) {
        flow.emplace(ctx, commerce, std::min(k_commerce_part, options.plan_chunk));
    }
    // The rows of earlier runs that recovery completes are only counted for the note (and go
    // through the Magento step), as they settle: a run killed with any number of orders in flight
    // is completed in flat memory.
    CancelTally recovered;
    options.on_recovered = [&recovered, &flow](CancelRow&& row) {
        recovered.add(row.outcome);
        if (flow) {
            flow->add_unlisted(std::move(row));
        }
    };
    const auto recovery_notes = [&](const CancelPlan& plan) {
        for (const CancelRow& row : plan.recovered) {
            recovered.add(row.outcome);
        }
        print_recovery_notes(ctx, recovered, plan.left_for_resume);
        recovered = {}; // told once: a later chunk's plan has no recovered rows
    };
    CancelService service(ctx.orders(), ctx.feeds(), ctx.store(), ctx.clock(), ctx.events(), options);
    // Without a commerce step each row is written out as the service settles it, never all held.
    const auto streamed = [&](const auto& run) {
        CancelRowWriter writer(ctx, false);
        CancelCounts counts;
        const CancelResult result = run([&](CancelRow&& row) {
            counts.add(row);
            writer.row(row);
        });
        writer.finish();
        finish_run(ctx, o, counts, result, {});
    };
    const auto planned = [&](CancelPlan& plan) {
        recovery_notes(plan);
        if (!advised) {
            print_advice(ctx, plan.advice);
        }
    };
    if (!ask && !commerce.on_cancel) {
        // Nothing to confirm: planned and sent a chunk at a time, so memory does not grow with the
        // batch.
        streamed([&](const CancelRowSink& sink) { return service.run_chunked(ids, reason, planned, sink); });
        return;
    }
    if (!ask) {
        run_chunked_with_commerce(ctx, o, service, *flow, ids, reason, planned);
        return;
    }
    CancelPlan plan = service.plan(ids.strings(), reason);
    ids = {}; // the plan holds the ids from here on
    recovery_notes(plan);
    print_advice(ctx, plan.advice);
    if (ask && plan.count(CancelOutcome::WouldCancel) > 0 && !confirm(ctx, plan, reason)) {
        throw Error(ErrorKind::Declined, "nothing was canceled (not confirmed)",
                    "add --yes to cancel without being asked, or --dry-run to see the plan");
    }
    if (!commerce.on_cancel) {
        streamed([&](const CancelRowSink& sink) { return service.execute(std::move(plan), sink); });
        return;
    }
    // Only cancellations Amazon confirmed reach Magento; the service still holds the cancel lock.
    const CancelResult result =
        service.execute(std::move(plan), [&flow](CancelRow&& row) { flow->add(std::move(row)); });
    flow->render();
    finish_run(ctx, o, flow->counts(), result, flow->outcome());
}

} // namespace

void setup_order_cancel(CLI::App& order, Context& ctx) {
    auto o = std::make_shared<CancelCliOptions>();
    auto* cmd = order.add_subcommand("cancel", "Cancel unshipped orders you fulfill, with a reason (one or thousands)");
    cmd->add_option("id", o->ids, "Amazon order ids (3-7-7 digits)");
    cmd->add_option("--from", o->from, "Read order ids from FILE, one per line (- reads stdin; # comments ok)");
    cmd->add_option("--reason", o->reason,
                    "Reason For Cancellation: NoInventory, ShippingAddressUndeliverable, CustomerExchange, "
                    "BuyerCanceled, GeneralAdjustment, CarrierCreditDecision, RiskAssessmentInformationNotValid, "
                    "CarrierCoverageFailure, CustomerReturn, MerchandiseNotReceived (any case, dashes or spaces)");
    cmd->add_flag("--dry-run", o->dry_run, "Check every order against Amazon and print the plan; send nothing");
    cmd->add_flag("-y,--yes", o->yes, "Do not ask for confirmation (required off a terminal)");
    cmd->add_flag("--no-wait", o->no_wait, "Return once Amazon accepted the feed, with its id");
    cmd->add_option("--wait-timeout", o->wait_timeout, "How long to wait for Amazon's result: 30m, 2h, or seconds (default 30m)")
        ->type_name("DURATION");
    cmd->add_option("--max-per-feed", o->max_per_feed, "Split batches into feeds of at most N orders (default 10000)")
        ->check(CLI::Range(1, 100'000));
    cmd->add_flag("--no-commerce", o->no_commerce,
                  "Do not update the linked Magento orders this time (journaled as skipped)");
    cmd->footer("Only Unshipped orders you fulfill can be canceled; each order is checked on Amazon right before\n"
                "sending. Every step is journaled: if a run is interrupted, run it again or `asc cancellations\n"
                "resume`; no order is ever sent twice. With a commerce link ([profiles.NAME.commerce]), each\n"
                "order Amazon confirms canceled has its linked Magento order canceled, or refunded offline when\n"
                "invoiced, and commented, exactly once (see `asc help commerce`).\n\n"
                "Examples:\n"
                "  asc order cancel 112-1234567-1234567 --reason NoInventory\n"
                "  asc order cancel --from ids.txt --reason BuyerCanceled --dry-run\n"
                "  asc orders list --status unshipped --fulfilled-by merchant --all -o ids |\n"
                "    asc order cancel --from - --reason NoInventory --yes");
    cmd->callback([o, &ctx] { run_cancel(*o, ctx); });
}

} // namespace asc::cli
