// asc orders sync: brings the local store up to date with Amazon, incrementally.

#include "asc/amazon/reports_client.hpp"
#include "asc/base/errors.hpp"
#include "asc/base/strings.hpp"
#include "asc/base/time.hpp"
#include "asc/sync/sync.hpp"
#include "commands.hpp"

#include <fmt/format.h>
#include <memory>

namespace asc::cli {

namespace {

struct SyncCommandOptions {
    std::string since;
    std::vector<std::string> marketplaces;
    std::string wait = "0";
    std::string via = "auto";
};

} // namespace

SyncResult run_sync(Context& ctx, const std::string& since, const std::vector<std::string>& marketplaces,
                    std::chrono::milliseconds lock_wait, SyncVia via) {
    SyncOptions options;
    options.now = now_seconds();
    options.marketplace_ids = split_list(marketplaces);
    if (options.marketplace_ids.empty()) {
        options.marketplace_ids = ctx.settings().marketplace_ids;
    }
    if (!since.empty()) {
        options.since = parse_time_arg(since, options.now);
    }
    options.lock_wait = lock_wait;
    ReportsClient reports(ctx.sp_api(), ctx.transport());
    ReportsClientSource report_source(reports);
    options.backfill.via = via;
    options.backfill.reports = &report_source;
    options.backfill.clock = &ctx.clock();
    // --debug lines come from the transport on the thread that sends: one thread then.
    options.read_ahead = !ctx.global.debug;
    const SyncResult r = sync_orders(ctx.orders(), ctx.store(), options, ctx.events());
    if (!ctx.global.quiet && r.backfill.used) {
        ctx.err << fmt::format("read {} order report(s) ({} requested, {} continued, {} empty): {} rows ({:.1f} MB), "
                               "{} new, {} updated, {} unchanged\n",
                               r.backfill.windows, r.backfill.requested, r.backfill.reused, r.backfill.empty,
                               r.backfill.rows, static_cast<double>(r.backfill.bytes) / 1e6,
                               r.backfill.counts.inserted, r.backfill.counts.updated, r.backfill.counts.unchanged);
    }
    if (!ctx.global.quiet) {
        ctx.err << fmt::format("synced {} in {}: {} new, {} updated, {} unchanged ({:.1f}s)\n",
                               count_noun(static_cast<long long>(r.orders), "order"),
                               count_noun(static_cast<long long>(r.pages), "page"), r.counts.inserted,
                               r.counts.updated, r.counts.unchanged,
                               static_cast<double>(r.elapsed.count()) / 1000.0);
    }
    return r;
}

void setup_orders_sync(CLI::App& orders, Context& ctx) {
    auto opts = std::make_shared<SyncCommandOptions>();
    auto* cmd = orders.add_subcommand("sync", "Bring the local store up to date with Amazon (incremental)");
    cmd->add_option("--updated-after,--since", opts->since,
                    "Fetch orders updated at or after T instead of since the last sync (first sync: 30d); "
                    "T: RFC 3339, YYYY-MM-DD, today, yesterday, or 90m/24h/7d ago");
    cmd->add_option("--marketplace", opts->marketplaces, "Marketplace id(s) (default: the profile's)");
    cmd->add_option("--wait", opts->wait,
                    "How long to wait for another sync of this store to finish: 90s, 5m, or seconds "
                    "(default 0: exit 75 at once)")
        ->type_name("DURATION");
    cmd->add_option("--via", opts->via,
                    "Where old orders come from: auto (order reports when the part not in the store would "
                    "take more than ~20 searchOrders pages), reports, or orders (searchOrders only)")
        ->check(CLI::IsMember({"auto", "reports", "orders"}));
    cmd->footer("Examples:\n"
                "  asc orders sync\n"
                "  asc orders sync --since 2026-10-01\n"
                "  asc orders sync --since 90d --via reports   # first sync of a large seller: minutes\n"
                "  */15 * * * * asc -q orders sync          # crontab: keep the store fresh");
    cmd->callback([opts, &ctx] {
        const auto wait = checked_seconds(k_lock_wait_range, static_cast<double>(parse_duration_or_seconds(opts->wait).count()));
        run_sync(ctx, opts->since, opts->marketplaces, std::chrono::duration_cast<std::chrono::milliseconds>(wait),
                 parse_sync_via(opts->via).value_or(SyncVia::Auto));
    });
}

} // namespace asc::cli
