// asc orders list: orders from Amazon, printed page by page as they arrive (and remembered in the
// local store), or from the local store with --cached.

#include "asc/base/errors.hpp"
#include "asc/base/time.hpp"
#include "asc/output/order_records.hpp"
#include "asc/sync/sync.hpp"
#include "commands.hpp"

#include <fmt/format.h>
#include <memory>

namespace asc::cli {

namespace {

struct ListOptions {
    std::vector<std::string> statuses;
    std::string created_after, created_before, updated_after, updated_before;
    std::string fulfilled_by;
    std::vector<std::string> marketplaces;
    int limit = 50;
    bool all = false;
    bool cached = false;
    std::string sku, asin, ship_by_before, sort;
};

// The filters both the live and the cached list understand.
struct CommonFilter {
    std::vector<Status> statuses;
    std::optional<Timestamp> created_after, created_before, updated_after, updated_before;
    std::optional<FulfilledBy> fulfilled_by;
    std::vector<std::string> marketplace_ids;
};

CommonFilter parse_common(const ListOptions& o, Timestamp now) {
    CommonFilter f;
    f.statuses = parse_statuses(o.statuses);
    auto time_arg = [now](const std::string& text) -> std::optional<Timestamp> {
        if (text.empty()) {
            return std::nullopt;
        }
        return parse_time_arg(text, now);
    };
    f.created_after = time_arg(o.created_after);
    f.created_before = time_arg(o.created_before);
    f.updated_after = time_arg(o.updated_after);
    f.updated_before = time_arg(o.updated_before);
    if (!o.fulfilled_by.empty()) {
        f.fulfilled_by = parse_fulfilled_by(o.fulfilled_by);
        if (!f.fulfilled_by) {
            throw Error(ErrorKind::Usage, fmt::format("unknown --fulfilled-by '{}'", o.fulfilled_by),
                        "use merchant (MFN) or amazon (AFN)");
        }
    }
    f.marketplace_ids = split_list(o.marketplaces);
    return f;
}

SearchQuery live_query(const ListOptions& o, CommonFilter f, Context& ctx, Timestamp now) {
    for (const auto& [given, flag] : {std::pair{!o.sku.empty(), "--sku"}, std::pair{!o.asin.empty(), "--asin"},
                                      std::pair{!o.ship_by_before.empty(), "--ship-by-before"},
                                      std::pair{!o.sort.empty(), "--sort"}}) {
        if (given) {
            throw Error(ErrorKind::Usage, fmt::format("{} works only with --cached", flag),
                        "Amazon's searchOrders cannot filter or sort that way; run `asc orders sync`, then "
                        "add --cached");
        }
    }
    SearchQuery q;
    q.statuses = std::move(f.statuses);
    q.created_after = f.created_after;
    q.created_before = f.created_before;
    q.updated_after = f.updated_after;
    q.updated_before = f.updated_before;
    if ((q.created_after || q.created_before) && (q.updated_after || q.updated_before)) {
        throw Error(ErrorKind::Usage, "--created-* and --updated-* cannot be combined",
                    "Amazon filters by creation or by last update, not both; pick one pair");
    }
    if (q.created_before && !q.created_after) {
        q.created_after = *q.created_before - std::chrono::days(7);
    }
    if (q.updated_before && !q.updated_after) {
        throw Error(ErrorKind::Usage, "--updated-before needs --updated-after",
                    "add --updated-after, e.g. --updated-after 7d");
    }
    if (!q.created_after && !q.updated_after) {
        q.created_after = now - std::chrono::days(7);  // default: created in the last 7 days
    }
    q.fulfilled_by = f.fulfilled_by;
    q.marketplace_ids = f.marketplace_ids.empty() ? ctx.settings().marketplace_ids : std::move(f.marketplace_ids);
    q.page_size = o.all ? 100 : std::clamp(o.limit, 1, 100);
    // What the store keeps, so remembering these orders never loses packages it had.
    q.included = sync_included(ctx.settings().store_pii);
    return q;
}

OrderFilter cached_filter(const ListOptions& o, CommonFilter f, Timestamp now) {
    OrderFilter filter;
    filter.statuses = std::move(f.statuses);
    filter.created_after = f.created_after;
    filter.created_before = f.created_before;
    filter.updated_after = f.updated_after;
    filter.updated_before = f.updated_before;
    filter.fulfilled_by = f.fulfilled_by;
    filter.marketplace_ids = std::move(f.marketplace_ids);
    filter.sku = o.sku;
    filter.asin = o.asin;
    if (!o.ship_by_before.empty()) {
        // "+24h" looks ahead (due within a day); other forms are the usual times.
        filter.ship_by_before = o.ship_by_before.front() == '+'
                                    ? now + parse_duration(std::string_view(o.ship_by_before).substr(1))
                                    : parse_time_arg(o.ship_by_before, now);
    }
    if (!o.sort.empty()) {
        filter.sort = o.sort;
    }
    if (!o.all) {
        filter.limit = static_cast<std::size_t>(o.limit);
    }
    return filter;
}

// For people at a terminal: "3 hours ago", "in 2 days" instead of RFC 3339 (every machine format,
// and a table in a pipe, keeps RFC 3339 UTC).
Record humanized(Record r, Timestamp now) {
    for (const char* key : {"purchase_date", "ship_by", "last_updated"}) {
        if (auto it = r.find(key); it != r.end() && it->is_string()) {
            if (const auto t = parse_rfc3339(it->get<std::string>())) {
                *it = format_relative(*t, now);
            }
        }
    }
    return r;
}

// "from a sync 5 minutes ago" on stderr, so nobody mistakes the store for Amazon.
void print_data_age(Context& ctx, Timestamp now) {
    if (!ctx.show_progress() || !ctx.stderr_is_terminal()) {
        return;
    }
    std::optional<Timestamp> oldest;
    for (const auto& m : ctx.store().sync_marks()) {
        if (!oldest || m.synced_at < *oldest) {
            oldest = m.synced_at;
        }
    }
    if (oldest) {
        ctx.err << fmt::format("Local data; last synced {} (run `asc orders sync` to refresh).\n",
                               format_relative(*oldest, now));
    } else {
        ctx.err << "Local data; never synced: only orders seen by earlier commands (run `asc orders sync`).\n";
    }
}

void run_list(const ListOptions& o, Context& ctx) {
    if (!o.all && o.limit < 1) {
        throw Error(ErrorKind::Usage, "--limit must be at least 1", "or use --all for every order");
    }
    const Timestamp now = now_seconds();
    CommonFilter common = parse_common(o, now);
    const auto fields = !ctx.global.fields.empty() ? select_fields(list_fields(), ctx.global.fields)
                        : ctx.wide()                ? list_fields()
                                                    : list_default_fields();
    ctx.start_pager();
    auto renderer = make_renderer(ctx.render_options(), fields, ctx.out);
    const bool human = ctx.human_table();
    auto record = [human, now](const Order& order) {
        if (!human) {
            return list_record(order);
        }
        Record r = humanized(list_record(order), now);
        // An overdue ship-by date in the warning color.
        if (order.ship_by.latest && *order.ship_by.latest < now && order.items_unshipped() > 0 &&
            (order.status == Status::Unshipped || order.status == Status::PartiallyShipped)) {
            r["_warn"] = Record::array({"ship_by"});
        }
        return r;
    };

    if (o.cached) {
        const OrderFilter filter = cached_filter(o, std::move(common), now);
        ctx.store().query_orders(filter, [&](Order&& order) {
            renderer->row(record(order));
            return static_cast<bool>(ctx.out);
        });
        renderer->finish();
        ctx.out.flush();
        print_data_age(ctx, now);
        return;
    }

    const SearchQuery query = live_query(o, std::move(common), ctx, now);
    const auto limit = static_cast<std::size_t>(o.limit);
    std::size_t printed = 0;
    bool more = false;
    int page = 0;
    ctx.orders().search(query, [&](std::vector<Order>&& orders) {
        ++page;
        if (!o.all && orders.size() > limit - printed) {
            orders.resize(limit - printed);
            more = true;
        }
        ctx.remember(orders);
        for (const auto& order : orders) {
            renderer->row(record(order));
        }
        printed += orders.size();
        ctx.out.flush();
        ctx.events().page_received(page, printed);
        if (!ctx.out) {
            return false;  // the reader went away (e.g. `| head`): stop asking Amazon
        }
        if (!o.all && printed == limit) {
            more = true;  // there may be more; no request is spent to find out
            return false;
        }
        return true;
    });
    renderer->finish();
    ctx.out.flush();
    if (more && ctx.show_progress() && ctx.stderr_is_terminal()) {
        ctx.err << fmt::format("Showing the first {} orders; use --limit N or --all for more.\n", printed);
    }
}

} // namespace

std::vector<Status> parse_statuses(const std::vector<std::string>& values) {
    std::vector<Status> out;
    for (const auto& s : split_list(values)) {
        const auto st = parse_status(s);
        if (!st) {
            throw Error(ErrorKind::Usage, fmt::format("unknown status '{}'", s),
                        "use Pending, PendingAvailability, Unshipped, PartiallyShipped, Shipped, Canceled "
                        "or Unfulfillable (any case; Amazon's UNSHIPPED spelling works too)");
        }
        out.push_back(*st);
    }
    return out;
}

void setup_orders_list(CLI::App& orders, Context& ctx) {
    auto opts = std::make_shared<ListOptions>();
    auto* cmd = orders.add_subcommand("list", "List orders, oldest first, page by page");
    cmd->add_option("--status", opts->statuses,
                    "Only these statuses (repeat or comma-separate): Pending, PendingAvailability, "
                    "Unshipped, PartiallyShipped, Shipped, Canceled, Unfulfillable");
    cmd->add_option("--created-after", opts->created_after,
                    "Created at or after T (RFC 3339, YYYY-MM-DD, or 90m/24h/7d ago; default 7d)");
    cmd->add_option("--created-before", opts->created_before, "Created before T");
    cmd->add_option("--updated-after", opts->updated_after, "Last updated at or after T");
    cmd->add_option("--updated-before", opts->updated_before, "Last updated before T");
    cmd->add_option("--fulfilled-by", opts->fulfilled_by, "merchant (MFN) or amazon (AFN)");
    cmd->add_option("--marketplace", opts->marketplaces, "Marketplace id(s) (default: the profile's)");
    auto* limit = cmd->add_option("--limit", opts->limit, "Print at most N orders (default 50)");
    auto* all = cmd->add_flag("--all", opts->all, "Print every matching order");
    limit->excludes(all);
    cmd->add_flag("--cached", opts->cached, "Answer from the local store (see `asc orders sync`), no request");
    cmd->add_option("--sku", opts->sku, "With --cached: orders with an item of this seller SKU");
    cmd->add_option("--asin", opts->asin, "With --cached: orders with an item of this ASIN");
    cmd->add_option("--ship-by-before", opts->ship_by_before,
                    "With --cached: latest ship date before T (+24h: within the next day; 0m: overdue)");
    cmd->add_option("--sort", opts->sort,
                    "With --cached: purchase_date, ship_by, last_updated or total; '-' first for descending");
    cmd->footer("Examples:\n"
                "  asc orders list --status unshipped --fulfilled-by merchant\n"
                "  asc orders list --created-after 2026-11-01 --all -o csv > november.csv\n"
                "  asc orders list --cached --status unshipped --ship-by-before +24h --sort ship_by\n"
                "  asc orders list --status unshipped --all -o ids | asc order cancel --from - "
                "--reason NoInventory --yes");
    cmd->callback([opts, &ctx] { run_list(*opts, ctx); });
}

} // namespace asc::cli
