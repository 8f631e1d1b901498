// asc orders list: orders from Amazon, printed page by page as they arrive (and remembered in the
// local store), or from the local store with --cached.

#include "asc/base/errors.hpp"
#include "asc/base/time.hpp"
#include "asc/output/order_records.hpp"
#include "asc/sync/sync.hpp"
#include "asc/base/interrupt.hpp"
#include "asc/base/strings.hpp"
#include "commands.hpp"
#include "freshness.hpp"
#include "store_writer.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <charconv>
#include <functional>
#include <iterator>
#include <limits>
#include <memory>
#include <set>
#include <utility>

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
    bool require_sync = false;
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
                                      std::pair{!o.ship_by_before.empty(), "--ship-by-before"}}) {
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
    // Amazon sends the oldest first and cannot sort: the newest N need the whole window, in pages
    // as large as Amazon allows (an explicit --all without --sort streams page by page instead).
    q.page_size = 100;
    // --all wants every page: ask for the next one while this one is printed and stored (one
    // request in flight still). --debug lines come from the transport on the thread that sends,
    // so a debugging run reads page by page.
    q.read_ahead = o.all && !ctx.global.debug;
    // What the store keeps, so remembering these orders never loses packages it had.
    q.included = sync_included(ctx.settings().store_pii);
    return q;
}

OrderFilter cached_filter(const ListOptions& o, CommonFilter f, Context& ctx, Timestamp now) {
    OrderFilter filter;
    // The same defaults as the live list: created in the last 7 days, the profile's marketplaces.
    if (!f.created_after && !f.created_before && !f.updated_after && !f.updated_before) {
        f.created_after = now - std::chrono::days(7);
    }
    if (f.marketplace_ids.empty()) {
        f.marketplace_ids = ctx.settings().marketplace_ids;
    }
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
        filter.limit = static_cast<std::size_t>(o.limit) + 1; // one more: were there more?
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

// Prints orders as rows: a CSV or TSV renderer takes the order's values as cells (no record built
// for each row, which was most of what printing a long list cost); the others take records.
class Rows {
  public:
    Rows(Renderer& renderer, std::function<Record(const Order&)> record, const std::vector<Field>& fields,
         bool plain)
        : m_renderer(renderer), m_record(std::move(record)) {
        if (plain) {
            m_cells.emplace(fields);
        }
    }
    void print(const Order& order) {
        if (m_cells && m_renderer.row_cells(m_cells->of(order))) {
            return;
        }
        m_cells.reset();
        m_renderer.row(m_record(order));
    }
    void finish() { m_renderer.finish(); }

  private:
    Renderer& m_renderer;
    std::function<Record(const Order&)> m_record;
    std::optional<ListCells> m_cells; // unset: records only
};

// The --sort key ("-purchase_date" by default: newest first), checked against the store's keys.
std::pair<std::string, bool> sort_key(const ListOptions& o) {
    const std::string text = o.sort.empty() ? "-purchase_date" : o.sort;
    const bool descending = text.front() == '-';
    const std::string key = descending ? text.substr(1) : text;
    const auto keys = order_sort_keys();
    if (std::find(keys.begin(), keys.end(), key) == keys.end()) {
        throw Error(ErrorKind::Usage, fmt::format("unknown --sort key '{}'", strip_control(key)),
                    "use purchase_date, ship_by, last_updated or total, with '-' first for descending");
    }
    return {key, descending};
}

// Orders in --sort order, as the store sorts them: ship_by puts orders without one last, total
// goes by currency, then amount.
std::function<bool(const Order&, const Order&)> order_less(const std::string& key, bool descending) {
    auto time_of = [key](const Order& o) -> std::optional<Timestamp> {
        if (key == "ship_by") {
            return o.ship_by.latest;
        }
        return key == "last_updated" ? o.last_updated : o.purchase_date;
    };
    if (key == "total") {
        return [descending](const Order& a, const Order& b) {
            if (!a.total || !b.total) {
                return a.total.has_value() && !b.total.has_value();
            }
            if (a.total->currency != b.total->currency) {
                return a.total->currency < b.total->currency;
            }
            // Exact: both amounts in integer minor units at the larger scale.
            const int scale = std::max(a.total->scale, b.total->scale);
            auto at = [scale](const Money& m) {
                std::int64_t v = m.minor;
                for (int i = m.scale; i < scale; ++i) {
                    v *= 10;
                }
                return v;
            };
            return descending ? at(*a.total) > at(*b.total) : at(*a.total) < at(*b.total);
        };
    }
    return [time_of, descending](const Order& a, const Order& b) {
        const auto ta = time_of(a);
        const auto tb = time_of(b);
        if (!ta || !tb) {
            return ta.has_value() && !tb.has_value();
        }
        return descending ? *ta > *tb : *ta < *tb;
    };
}

// "More matched than were printed", in every mode (a script piping -o ids must not think it got
// everything); -q silences it. `matched`: how many matched, when known; `sure`: more did match
// (else older orders may).
void note_more(Context& ctx, std::size_t printed, std::optional<std::size_t> matched, bool sure = true) {
    if (ctx.global.quiet) {
        return;
    }
    const std::string shown = count_noun(static_cast<long long>(printed), "order");
    if (matched) {
        ctx.note_after_output(fmt::format(
            "asc: showing {} of {} matching orders; --all prints every one (or --limit N)\n", printed, *matched));
    } else {
        ctx.note_after_output(fmt::format("asc: showing the first {}; {}: --all prints every one (or --limit N)\n",
                                          shown, sure ? "more matched" : "older orders may match"));
    }
}

void run_cached(const ListOptions& o, CommonFilter common, Context& ctx, Rows& rows, Timestamp now) {
    const std::vector<std::string> marketplaces = common.marketplace_ids;
    OrderFilter filter = cached_filter(o, std::move(common), ctx, now);
    filter.sort = o.sort.empty() ? "-purchase_date" : o.sort;
    std::size_t printed = 0;
    bool more = false;
    ctx.store().query_orders(filter, [&](Order&& order) {
        if (!o.all && printed == static_cast<std::size_t>(o.limit)) {
            more = true;
            return false;
        }
        rows.print(order);
        ++printed;
        return static_cast<bool>(ctx.out);
    }, OrderParts::ListRow); // a listing prints a few columns: the store reads only those
    rows.finish();
    ctx.out.flush();
    if (more) {
        note_more(ctx, printed, std::nullopt);
    }
    check_freshness(ctx, marketplaces, o.require_sync, now);
}

// The orders of one live query, collected in arrival order; false once the reader of stdout is
// gone or Ctrl-C was pressed.
using Arrived = std::pair<std::size_t, Order>;

// Every order of `query`, appended to `kept` with its arrival number (orders already kept, e.g.
// on the boundary of two time slices, are skipped). `limit` bounds memory: past twice the limit
// the list is cut back to the first `limit` in `by_sort` order.
template <typename BySort>
void collect(Context& ctx, const SearchQuery& query, std::vector<Arrived>& kept, std::size_t& matched,
             std::set<std::string>& seen, std::size_t limit, const BySort& by_sort) {
    int page = 0;
    ctx.orders().search(query, [&](std::vector<Order>&& orders) {
        ++page;
        ctx.remember(orders);
        for (auto& order : orders) {
            if (seen.insert(order.order_id).second) {
                kept.emplace_back(matched++, std::move(order));
            }
        }
        if (kept.size() > limit && kept.size() >= 2 * limit) {
            std::sort(kept.begin(), kept.end(), by_sort);
            kept.resize(limit);
            seen.clear();
            for (const auto& [n, o] : kept) {
                seen.insert(o.order_id);
            }
        }
        ctx.events().page_received(page, matched);
        return !interrupted();
    });
}

// The first `limit` orders in --sort order, then printed in that order. Ties keep the order Amazon
// sent them in (reversed for a descending sort), which is how the store breaks them after a sync:
// live and --cached agree. Amazon cannot sort, so in general the whole window is read (memory
// bounded by the limit). For the default (newest first, by creation) it is read backwards in time
// slices, a day first and twice as long each time, until the limit is reached: a busy week costs
// a few calls instead of one per hundred orders.
void run_live_sorted(const ListOptions& o, const SearchQuery& query, Context& ctx, Rows& rows, Timestamp now) {
    const auto [key, descending] = sort_key(o);
    const auto less = order_less(key, descending);
    const auto by_sort = [&less, descending = descending](const Arrived& a, const Arrived& b) {
        if (less(a.second, b.second)) {
            return true;
        }
        if (less(b.second, a.second)) {
            return false;
        }
        return descending ? a.first > b.first : a.first < b.first;
    };
    const std::size_t limit = o.all ? std::numeric_limits<std::size_t>::max() : static_cast<std::size_t>(o.limit);
    std::vector<Arrived> kept;
    std::set<std::string> seen;
    std::size_t matched = 0;
    bool older_unread = false;
    if (!o.all && key == "purchase_date" && descending && query.created_after && !query.updated_after) {
        const Timestamp start = *query.created_after;
        Timestamp end = query.created_before.value_or(now);
        auto length = std::chrono::seconds(std::chrono::days(1));
        bool first = true;
        while (end > start && !interrupted()) {
            SearchQuery slice = query;
            slice.created_after = std::max(start, end - length);
            // The newest slice keeps the query's own end (none: up to now, which createdBefore may
            // not be); older ones end where the previous one began (both bounds are inclusive:
            // an order on the boundary comes twice and is kept once).
            if (!first) {
                slice.created_before = end;
            }
            collect(ctx, slice, kept, matched, seen, limit, by_sort);
            end = *slice.created_after;
            length *= 2;
            first = false;
            if (kept.size() >= limit) {
                older_unread = end > start;
                break;
            }
        }
    } else {
        collect(ctx, query, kept, matched, seen, limit, by_sort);
    }
    std::sort(kept.begin(), kept.end(), by_sort);
    if (kept.size() > limit) {
        kept.resize(limit);
    }
    for (const auto& [arrival, order] : kept) {
        rows.print(order);
    }
    rows.finish();
    ctx.out.flush();
    if (older_unread) {
        // Older slices were not read: how many more is not known.
        note_more(ctx, kept.size(), std::nullopt, matched > kept.size());
    } else if (matched > kept.size()) {
        note_more(ctx, kept.size(), matched);
    }
}

// How many orders a live --all list hands the store at once: one transaction for ten pages
// instead of one per page (a commit per page cost about as much as writing the rows), and still
// a bounded number of orders held.
constexpr std::size_t k_remember_batch = 1000;

// Into an empty store the orders go in without the secondary indexes, built once at the end (the
// page cache stays small: memory stays flat). end() does that, once; a store that cannot be
// opened is reported by the writes that follow, once.
class BulkWrite {
  public:
    explicit BulkWrite(Context& ctx) : m_ctx(ctx) {
        try {
            ctx.store().begin_bulk_write(/*grow_cache=*/false);
            m_on = true;
        } catch (const Error&) {
        }
    }
    void end() {
        if (std::exchange(m_on, false)) {
            try {
                m_ctx.store().end_bulk_write();
            } catch (const Error&) {
                // The next open builds what is missing.
            }
        }
    }

  private:
    Context& m_ctx;
    bool m_on = false;
};

// --all without --sort: printed page by page as Amazon sends them (oldest first), so memory does
// not grow with the number of orders. The orders are remembered in batches, written by a thread
// of their own while the next pages are fetched and printed (the same rows, in the same
// transactions, as writing them here); what is held when the run stops early (an error, Ctrl-C,
// the reader of stdout gone) is remembered too.
void run_live_streamed(const SearchQuery& query, Context& ctx, Rows& rows) {
    std::size_t printed = 0;
    int page = 0;
    std::vector<Order> unsaved;
    BulkWrite bulk(ctx);
    // Only the writer's thread touches the store until finish(); a failed write is reported here.
    Store* store = nullptr;
    StoreWriter writer([&ctx, &store](std::span<const Order> batch) {
        if (store == nullptr) {
            store = &ctx.store();
        }
        store->upsert_orders(batch);
    });
    const auto flush_store = [&] {
        writer.push(std::move(unsaved));
        unsaved.clear();
        writer.finish();
        if (!writer.failed().empty()) {
            ctx.warn_store(writer.failed());
        }
    };
    try {
        ctx.orders().search(query, [&](std::vector<Order>&& orders) {
            ++page;
            for (const auto& order : orders) {
                rows.print(order);
            }
            printed += orders.size();
            ctx.out.flush();
            ctx.events().page_received(page, printed);
            unsaved.insert(unsaved.end(), std::make_move_iterator(orders.begin()),
                           std::make_move_iterator(orders.end()));
            if (unsaved.size() >= k_remember_batch) {
                writer.push(std::move(unsaved));
                unsaved.clear();
                unsaved.reserve(k_remember_batch + orders.size()); // filled without moving to grow
            }
            return static_cast<bool>(ctx.out); // the reader went away (e.g. `| head`): stop asking Amazon
        });
    } catch (const Error& e) {
        flush_store();
        if (e.kind() != ErrorKind::Interrupted) { // Ctrl-C ends the run now: the next open indexes
            bulk.end();
        }
        throw;
    }
    flush_store();
    bulk.end();
    rows.finish();
    ctx.out.flush();
}

void run_list(const ListOptions& o, Context& ctx) {
    if (!o.all && o.limit < 1) {
        throw Error(ErrorKind::Usage, "--limit must be at least 1", "or use --all for every order");
    }
    (void)sort_key(o); // a bad --sort fails before anything is asked
    const Timestamp now = now_seconds();
    CommonFilter common = parse_common(o, now);
    const auto fields = chosen_fields(ctx, list_fields(), ctx.wide() ? list_fields() : list_default_fields());
    ctx.start_pager();
    auto renderer = make_renderer(ctx.render_options(), fields, ctx.out);
    const bool human = ctx.human_table();
    std::function<Record(const Order&)> record = [human, now](const Order& order) {
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
    Rows rows(*renderer, std::move(record), fields, !human);
    if (o.cached) {
        run_cached(o, std::move(common), ctx, rows, now);
        return;
    }
    if (o.require_sync) {
        throw Error(ErrorKind::Usage, "--require-sync works only with --cached",
                    "a live list asks Amazon; add --cached to read the local store");
    }
    const SearchQuery query = live_query(o, std::move(common), ctx, now);
    if (o.all && o.sort.empty()) {
        run_live_streamed(query, ctx, rows);
    } else {
        run_live_sorted(o, query, ctx, rows, now);
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
    auto* cmd = orders.add_subcommand("list", "List orders, newest first (live from Amazon, or --cached)");
    cmd->add_option("--status", opts->statuses,
                    "Only these statuses (repeat or comma-separate): Pending, PendingAvailability, "
                    "Unshipped, PartiallyShipped, Shipped, Canceled, Unfulfillable");
    cmd->add_option("--created-after,--since", opts->created_after,
                    "Created at or after T (RFC 3339, YYYY-MM-DD, today, yesterday, or 90m/24h/7d ago; "
                    "default 7d)");
    cmd->add_option("--created-before,--until", opts->created_before, "Created before T");
    cmd->add_option("--updated-after", opts->updated_after, "Last updated at or after T");
    cmd->add_option("--updated-before", opts->updated_before, "Last updated before T");
    cmd->add_option("--fulfilled-by", opts->fulfilled_by, "merchant (MFN) or amazon (AFN)");
    cmd->add_option("--marketplace", opts->marketplaces, "Marketplace id(s) (default: the profile's)");
    auto* limit = cmd->add_option("--limit", opts->limit, "Print at most N orders (default 50)")
                      ->check(CLI::Validator(
                          [](std::string& value) -> std::string {
                              // Not a number: CLI11's conversion fails next, and the usage-error
                              // path says "--limit expects a whole number".
                              long long n = 0;
                              const char* end = value.data() + value.size();
                              const auto [at, ec] = std::from_chars(value.data(), end, n);
                              if (ec != std::errc() || at != end) {
                                  return {};
                              }
                              return n >= 1 && n <= 100'000'000 ? std::string()
                                                                 : "must be between 1 and 100000000";
                          },
                          ""));
    auto* all = cmd->add_flag("--all", opts->all, "Print every matching order");
    limit->excludes(all);
    cmd->add_flag("--cached", opts->cached,
                  "Answer from the local store (see `asc orders sync`), no request; same defaults and filters");
    cmd->add_option("--sku", opts->sku, "With --cached: orders with an item of this seller SKU");
    cmd->add_option("--asin", opts->asin, "With --cached: orders with an item of this ASIN");
    cmd->add_option("--ship-by-before", opts->ship_by_before,
                    "With --cached: latest ship date before T (+24h: within the next day; 0m: overdue)");
    cmd->add_option("--sort", opts->sort,
                    "purchase_date, ship_by, last_updated or total; '-' first for descending (default "
                    "-purchase_date: newest first). Live, --all without --sort prints pages as they arrive");
    cmd->add_flag("--require-sync", opts->require_sync,
                  "With --cached: exit 75 when the store was never synced (for cron)");
    cmd->footer("Examples:\n"
                "  asc orders list --status unshipped --fulfilled-by merchant\n"
                "  asc orders list --created-after 2026-11-01 --all -o csv > november.csv\n"
                "  asc orders list --cached --status unshipped --ship-by-before +24h --sort ship_by\n"
                "  asc orders list --status unshipped --all -o ids | asc order cancel --from - "
                "--reason NoInventory --yes");
    cmd->callback([opts, &ctx] { run_list(*opts, ctx); });
}

} // namespace asc::cli
