// asc order ship ID --carrier CODE [--carrier-name NAME] --tracking NUMBER [--method NAME]
//                   [--ship-date T] [--item ITEM_ID[:QTY]]...
// asc order ship --from FILE|- (CSV: order_id,carrier,tracking,method,ship_date,item_id,quantity)
//                [--dry-run] [--yes] [--via auto|api|feed] [--no-wait] [--wait-timeout T]
//                [--ignore-cancel-request]
// Confirms seller-fulfilled shipments to Amazon through the ship service (include/asc/ship/ship.hpp);
// this file reads the packages, asks for confirmation and renders one row per package.
//
// Test hooks, as for `order cancel`: ASC_TEST_CRASH_AT=<step> dies like kill -9 at a step of
// ShipOptions::on_step; ASC_TEST_IN_FLIGHT_FLOOR_MS shortens ShipOptions::in_flight_floor;
// ASC_TEST_SHIP_CHUNK sets ShipOptions::plan_chunk (a chunked run on a small batch),
// ASC_TEST_SHIP_FEED_PACKAGES ShipOptions::feed_packages (several feeds from a small batch).

#include "asc/base/errors.hpp"
#include "asc/base/identity.hpp"
#include "asc/base/line_input.hpp"
#include "asc/base/strings.hpp"
#include "asc/base/time.hpp"
#include "asc/ship/ship.hpp"
#include "asc/ship/ship_requests.hpp"
#include "commands.hpp"
#include "prompt.hpp"
#include "ship_commerce.hpp"
#include "ship_output.hpp"

#include <charconv>
#include <cstdlib>
#include <fmt/format.h>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <unistd.h>

namespace asc::cli {

namespace {

struct ShipCliOptions {
    std::string id;
    std::string carrier;
    std::string carrier_name;
    std::string tracking;
    std::string method;
    std::string ship_date;
    std::vector<std::string> items;
    std::string from;
    bool dry_run = false;
    bool yes = false;
    bool no_wait = false;
    bool ignore_cancel_request = false;
    bool no_commerce = false;
    std::string via = "auto";
    std::string wait_timeout = "30m";
};

ShipItem parse_item(std::string_view text, const std::string& where) {
    ShipItem item;
    const auto colon = text.find(':');
    item.order_item_id = std::string(text.substr(0, colon));
    if (colon != std::string_view::npos) {
        const std::string_view q = text.substr(colon + 1);
        const auto [end, ec] = std::from_chars(q.data(), q.data() + q.size(), item.quantity);
        if (ec != std::errc() || end != q.data() + q.size() || item.quantity < 1) {
            throw Error(ErrorKind::Usage, fmt::format("{}'{}' is not a quantity", where, strip_control(q)),
                        "give ITEM_ID:QTY with a whole number of at least 1, e.g. 12345678901234:2");
        }
    }
    return item;
}

// One CSV line split on commas; "quoted, fields" keep their commas.
std::vector<std::string> csv_cells(std::string_view line) {
    std::vector<std::string> cells(1);
    bool quoted = false;
    for (std::size_t i = 0; i < line.size(); ++i) {
        const char c = line[i];
        if (c == '"') {
            if (quoted && i + 1 < line.size() && line[i + 1] == '"') {
                cells.back() += '"';
                ++i;
            } else {
                quoted = !quoted;
            }
        } else if (c == ',' && !quoted) {
            cells.emplace_back();
        } else {
            cells.back() += c;
        }
    }
    for (auto& cell : cells) {
        const auto b = cell.find_first_not_of(" \t");
        cell = b == std::string::npos ? std::string() : cell.substr(b, cell.find_last_not_of(" \t") - b + 1);
    }
    return cells;
}

// The packages of a --from CSV, read a line at a time: lines of one order with one tracking number
// are one package (its items added up), other lines are other packages, in the order they first
// appear (ShipRequestList::add).
ShipRequestList read_csv(std::istream& in, const std::string& source, Timestamp now) {
    std::map<std::string, std::size_t> col;
    bool header_read = false;
    std::size_t n = 0; // the item's index among the file's items (the header is 0)
    ShipRequestList out;
    each_line_item(in, source, [&](std::string_view line) {
        const std::vector<std::string> cells = csv_cells(line);
        if (!header_read) {
            header_read = true;
            for (std::size_t i = 0; i < cells.size(); ++i) {
                col[cells[i]] = i;
            }
            for (const char* required : {"order_id", "carrier", "tracking"}) {
                if (!col.contains(required)) {
                    throw Error(ErrorKind::Usage, fmt::format("{}: the header has no {} column", source, required),
                                "the first line names the columns: " + std::string(k_ship_csv_header));
                }
            }
            return;
        }
        ++n;
        auto cell = [&](const char* name) -> std::string {
            const auto it = col.find(name);
            return it != col.end() && it->second < cells.size() ? cells[it->second] : std::string();
        };
        const std::string where = fmt::format("{} line {}: ", source, n + 1);
        ShipRequest r;
        r.line = n + 1;
        r.order_id = cell("order_id");
        r.carrier_code = cell("carrier");
        r.carrier_name = cell("carrier_name");
        r.tracking_number = cell("tracking");
        r.shipping_method = cell("method");
        if (const std::string date = cell("ship_date"); !date.empty()) {
            r.ship_date = parse_time_arg(date, now);
        }
        if (const std::string item = cell("item_id"); !item.empty()) {
            const std::string qty = cell("quantity");
            r.items.push_back(parse_item(qty.empty() ? item : item + ":" + qty, where));
        }
        out.add(validated(std::move(r)));
    });
    if (!header_read) {
        throw Error(ErrorKind::Usage, source + " is empty", "give a CSV with a header line: " + std::string(k_ship_csv_header));
    }
    out.seal();
    return out;
}

ShipRequestList collect_requests(const ShipCliOptions& o, Timestamp now, std::istream& in) {
    if (!o.from.empty()) {
        if (!o.id.empty() || !o.carrier.empty() || !o.tracking.empty() || !o.items.empty()) {
            throw Error(ErrorKind::Usage, "--from takes the packages from the file; give no ID, --carrier, --tracking or --item",
                        "put every package in the CSV, or ship one order on the command line");
        }
        if (o.from == "-") {
            return read_csv(in, "--from - (stdin)", now);
        }
        std::ifstream file(o.from);
        if (!file) {
            throw Error(ErrorKind::Usage, fmt::format("cannot read {}", o.from),
                        "give a CSV file (header: " + std::string(k_ship_csv_header) + "), or - for stdin");
        }
        return read_csv(file, "--from " + o.from, now);
    }
    if (o.id.empty()) {
        throw Error(ErrorKind::Usage, "no order given", "pass ID --carrier CODE --tracking NUMBER, or --from FILE");
    }
    if (o.carrier.empty() || o.tracking.empty()) {
        throw Error(ErrorKind::Usage, "--carrier and --tracking are required",
                    "e.g. asc order ship 112-1234567-1234567 --carrier UPS --tracking 1Z999AA10123456784");
    }
    ShipRequest r;
    r.order_id = o.id;
    r.carrier_code = o.carrier;
    r.carrier_name = o.carrier_name;
    r.tracking_number = o.tracking;
    r.shipping_method = o.method;
    if (!o.ship_date.empty()) {
        r.ship_date = parse_time_arg(o.ship_date, now);
    }
    for (const auto& item : o.items) {
        r.items.push_back(parse_item(item, ""));
    }
    ShipRequestList out;
    out.add(validated(std::move(r)));
    out.seal();
    return out;
}

// What the question shows of a plan, made a chunk's plan at a time: how many packages would ship,
// how, and the first 20 of them.
struct ConfirmView {
    std::size_t would = 0;
    ShipVia via = ShipVia::Api;
    std::vector<std::string> shown;

    void add(const ShipPlan& plan) {
        via = plan.via;
        for (const auto& item : plan.items) {
            if (item.outcome == ShipOutcome::WouldShip && would++ < 20) {
                shown.push_back(strip_control(fmt::format("  {}  {} {}  {}\n", item.request.order_id,
                                                          item.request.carrier_code, item.request.tracking_number,
                                                          items_text(item.items))));
            }
        }
    }
};

bool confirm(Context& ctx, const ConfirmView& view) {
    const std::size_t n = view.would;
    ctx.err << fmt::format("About to confirm {} to Amazon ({}). Amazon tells {} the tracking number; this "
                           "cannot be undone.\n",
                           count_noun(static_cast<long long>(n), "package"),
                           view.via == ShipVia::Feed ? "one fulfillment feed" : "confirmShipment",
                           n == 1 ? "the buyer" : "each buyer");
    for (const std::string& line : view.shown) {
        ctx.err << line;
    }
    if (n > 20) {
        ctx.err << fmt::format("  ... and {} more\n", n - 20);
    }
    if (n > 10) {
        return ctx.ask(fmt::format("Type {} to confirm these {} packages: ", n, n)) == std::to_string(n);
    }
    return is_yes(ctx.ask(fmt::format("Confirm {}? [y/N] ", n == 1 ? "this package" : "these packages")));
}

// The packages the user confirmed, for ShipOptions::confirmed: one bit per input line (each
// package has a first line of its own, ShipRequest::line).
class ConfirmedLines {
  public:
    void add(std::size_t line) {
        if (line >= m_lines.size()) {
            m_lines.resize(std::max(line + 1, m_lines.size() * 2));
        }
        m_lines[line] = true;
    }
    [[nodiscard]] bool contains(std::size_t line) const { return line < m_lines.size() && m_lines[line]; }

  private:
    std::vector<bool> m_lines;
};

Error not_confirmed() {
    return Error(ErrorKind::Declined, "nothing was shipped (not confirmed)",
                 "add --yes to confirm without being asked, or --dry-run to see the plan");
}

ShipOptions ship_options(Context& ctx, const ShipCliOptions& o) {
    const Settings& s = ctx.settings();
    ShipOptions options;
    options.dry_run = o.dry_run;
    options.wait = !o.no_wait;
    options.ignore_cancel_request = o.ignore_cancel_request;
    options.via = o.via == "api" ? ShipViaChoice::Api : o.via == "feed" ? ShipViaChoice::Feed : ShipViaChoice::Auto;
    options.wait_timeout = std::chrono::seconds(parse_duration_or_seconds(o.wait_timeout));
    options.seller_id = s.seller_id;
    options.marketplace_ids = s.marketplace_ids;
    options.run_by = current_user_at_host();
    options.request_timeout = std::chrono::milliseconds(static_cast<long long>(ctx.global.timeout_seconds * 1000));
    if (const auto floor = ctx.env("ASC_TEST_IN_FLIGHT_FLOOR_MS")) {
        options.in_flight_floor = std::chrono::milliseconds(std::strtoll(floor->c_str(), nullptr, 10)); // test hook
    }
    if (const auto chunk = ctx.env("ASC_TEST_SHIP_CHUNK")) {
        options.plan_chunk = static_cast<std::size_t>(std::strtoull(chunk->c_str(), nullptr, 10)); // test hook
    }
    if (const auto feed = ctx.env("ASC_TEST_SHIP_FEED_PACKAGES")) {
        options.feed_packages = static_cast<std::size_t>(std::strtoull(feed->c_str(), nullptr, 10)); // test hook
    }
    if (const auto at = ctx.env("ASC_TEST_CRASH_AT")) {
        const std::string step = *at;
        options.on_step = [step](std::string_view now) {
            if (now == step) {
                ::_exit(137); // test hook: die like kill -9
            }
        };
    }
    return options;
}

// The summary on stderr and the exit status, once the rows are written.
void finish_run(Context& ctx, const ShipCliOptions& o, const ShipCounts& counts, const ShipResult& result,
                const ShipCommerceOutcome& c) {
    if (o.dry_run) {
        if (!ctx.global.quiet) {
            ctx.err << fmt::format("asc: ship --dry-run: {}; nothing was sent\n", ship_summary(counts, {}));
        }
        return;
    }
    if (!c.summary.empty() && !ctx.global.quiet) {
        ctx.err << "asc: magento: " << c.summary << '\n';
    }
    finish_ship(ctx, counts, result.feed_ids, result.error, !o.no_wait);
    if (c.error) {
        throw *c.error;
    }
}

// The confirmation of a batch too large to hold its plan: a dry run a chunk at a time (each
// chunk's plan let go once counted) shows what would ship and asks. Returns the packages the user
// confirmed; throws Error(Declined) when not confirmed.
ConfirmedLines ask_for_large_batch(Context& ctx, ShipOptions options, const ShipRequestList& packages) {
    options.dry_run = true;
    options.commerce_on_confirm.reset();
    ShipService dry(ctx.sp_api(), ctx.orders(), ctx.feeds(), ctx.store(), ctx.clock(), ctx.events(), options);
    ConfirmView view;
    ConfirmedLines confirmed;
    const ShipResult result = dry.run_chunked(
        packages,
        [&](const ShipPlan& plan) {
            view.add(plan);
            for (const ShipPlanItem& item : plan.items) {
                if (item.outcome == ShipOutcome::WouldShip) {
                    confirmed.add(item.request.line);
                }
            }
        },
        [](ShipRow&&) {});
    if (result.error) {
        throw *result.error;
    }
    if (view.would > 0 && !confirm(ctx, view)) {
        throw not_confirmed();
    }
    return confirmed;
}

// How many result rows go through the Magento step together (ShipCommerceRun::run).
constexpr std::size_t k_commerce_part = 1'000;

// Where the result rows go, as the service hands them over: written out at once, or with a
// Magento step k_commerce_part rows at a time through it first, so that no path holds the batch.
class ShipRowsOut {
  public:
    ShipRowsOut(Context& ctx, ShipCommerce& commerce) : m_writer(ctx) {
        if (commerce.link) {
            m_commerce.emplace(ship_commerce_run(ctx, commerce));
        }
    }
    void row(ShipRow&& row) {
        if (!m_commerce) {
            write(row);
            return;
        }
        m_part.push_back(std::move(row));
        if (m_part.size() >= k_commerce_part) {
            flush();
        }
    }
    // After the last row: the rest of the Magento step (what earlier runs still owe), and the end
    // of the output.
    ShipCommerceOutcome finish() {
        flush();
        if (m_commerce) {
            m_commerce->finish();
        }
        m_writer.finish();
        return m_commerce ? m_commerce->outcome() : ShipCommerceOutcome{};
    }
    [[nodiscard]] const ShipCounts& counts() const { return m_counts; }

  private:
    void flush() {
        if (m_part.empty()) {
            return;
        }
        m_commerce->run(m_part);
        for (const ShipRow& r : m_part) {
            write(r);
        }
        m_part.clear();
    }
    void write(const ShipRow& row) {
        m_counts.add(row);
        m_writer.row(row);
    }

    ShipRowWriter m_writer;
    std::optional<ShipCommerceRun> m_commerce;
    std::vector<ShipRow> m_part;
    ShipCounts m_counts;
};

void run_ship(const ShipCliOptions& o, Context& ctx) {
    (void)ctx.format(); // a bad -o fails before anything else
    ShipRequestList packages = collect_requests(o, now_seconds(), ctx.in());
    if (packages.empty()) {
        throw Error(ErrorKind::Usage, "the CSV lists no packages", "add one line per package under the header");
    }
    bool ask = !o.dry_run && !o.yes;
    if (ask && !(ctx.stdin_is_terminal() && ctx.stdout_is_terminal())) {
        throw Error(ErrorKind::Usage, "--yes is required to confirm shipments when not run on a terminal",
                    "check the plan first with --dry-run, then add --yes");
    }
    // The Magento link: an incomplete one fails here, before anything is sent to Amazon.
    ShipCommerce commerce = o.dry_run ? ShipCommerce{} : ship_commerce(ctx, o.no_commerce);
    ShipOptions options = ship_options(ctx, o);
    options.commerce_on_confirm = commerce.on_confirm;
    ConfirmedLines confirmed;
    if (ask && packages.size() > std::max<std::size_t>(options.plan_chunk, 1)) {
        // Too large to hold its plan while asking: planned once to ask, then again to send, and
        // only what the user confirmed is sent.
        confirmed = ask_for_large_batch(ctx, options, packages);
        options.confirmed = [&confirmed](const ShipRequest& r) { return confirmed.contains(r.line); };
        ask = false;
    }
    // The rows of earlier runs that recovery settles are only counted for the note, as they
    // settle: a run killed with any number of packages in flight is settled in flat memory.
    ShipCounts recovered;
    options.on_recovered = [&recovered](ShipRow&& row) { recovered.add(row); };
    const auto recovery_note = [&](const ShipPlan& plan) {
        print_ship_recovery(ctx, recovered, plan.left_planned);
        recovered = {}; // told once: a later chunk's plan has none
    };
    ShipService service(ctx.sp_api(), ctx.orders(), ctx.feeds(), ctx.store(), ctx.clock(), ctx.events(), options);
    ShipRowsOut out(ctx, commerce);
    const ShipRowSink sink = [&out](ShipRow&& row) { out.row(std::move(row)); };
    ShipResult result;
    if (!ask) {
        // A chunk of the batch at a time, each row written out (after its Magento step) as the
        // service hands it over, never all held.
        result = service.run_chunked(packages, recovery_note, sink);
    } else {
        // At most one chunk of packages: the plan is held for the question.
        std::vector<ShipRequest> requests;
        requests.reserve(packages.size());
        for (std::size_t i = 0; i < packages.size(); ++i) {
            requests.push_back(packages[i]);
        }
        packages = ShipRequestList{};
        ShipPlan plan = service.plan(std::move(requests)); // the requests live on in the plan's items
        recovery_note(plan);
        ConfirmView view;
        view.add(plan);
        if (view.would > 0 && !confirm(ctx, view)) {
            throw not_confirmed();
        }
        result = service.execute(plan, sink);
    }
    const ShipCommerceOutcome c = out.finish();
    finish_run(ctx, o, out.counts(), result, c);
}

} // namespace

void setup_order_ship(CLI::App& order, Context& ctx) {
    auto o = std::make_shared<ShipCliOptions>();
    auto* cmd = order.add_subcommand("ship", "Confirm shipments you fulfill, with tracking (one package or thousands)");
    cmd->add_option("id", o->id, "The Amazon order id (3-7-7 digits)");
    cmd->add_option("--carrier", o->carrier, "Amazon's carrier code: UPS, USPS, FedEx, DHL, Royal Mail, ... or Other "
                                             "(`asc help carriers`; any case)");
    cmd->add_option("--carrier-name", o->carrier_name, "The carrier's name, with --carrier Other");
    cmd->add_option("--tracking", o->tracking, "The package's tracking number");
    cmd->add_option("--method", o->method, "The shipping method, e.g. \"UPS Ground\"");
    cmd->add_option("--ship-date", o->ship_date, "When it shipped (RFC 3339, YYYY-MM-DD, or 2h for 2 hours ago; default now)")
        ->type_name("TIME");
    cmd->add_option("--item", o->items, "ITEM_ID[:QTY]: an order item in the package (repeat; default every unshipped unit)")
        ->type_name("ITEM");
    cmd->add_option("--from", o->from, "Read packages from a CSV FILE (- reads stdin); header: " + std::string(k_ship_csv_header));
    cmd->add_flag("--dry-run", o->dry_run, "Check every package against Amazon and print the plan; send nothing");
    cmd->add_flag("-y,--yes", o->yes, "Do not ask for confirmation (required off a terminal)");
    cmd->add_option("--via", o->via, "auto (a feed above 20 packages), api (confirmShipment each) or feed (one feed)")
        ->check(CLI::IsMember({"auto", "api", "feed"}));
    cmd->add_flag("--no-wait", o->no_wait, "With a feed: return once Amazon accepted it, with its id");
    cmd->add_option("--wait-timeout", o->wait_timeout, "How long to wait for a feed's result: 30m, 2h, or seconds (default 30m)")
        ->type_name("DURATION");
    cmd->add_flag("--no-commerce", o->no_commerce,
                  "Do not create the linked Magento shipments this time (journaled as skipped)");
    cmd->add_flag("--ignore-cancel-request", o->ignore_cancel_request,
                  "Ship even when the buyer asked to cancel (otherwise refused: cancel it instead)");
    cmd->footer("Only orders you fulfill that are Unshipped or PartiallyShipped can be confirmed, with at most the\n"
                "unshipped units of each item; each order is checked on Amazon right before sending. Every\n"
                "package is journaled first: if a run is interrupted, run the same command again; no package\n"
                "is ever confirmed twice (a rerun reports it already_shipped). `asc shipments list` shows the\n"
                "journal. With a commerce link ([profiles.NAME.commerce]) the linked Magento order gets its\n"
                "shipment with the tracking number, exactly once.\n\n"
                "Examples:\n"
                "  asc order ship 112-1234567-1234567 --carrier UPS --tracking 1Z999AA10123456784\n"
                "  asc order ship 112-1234567-1234567 --carrier Other --carrier-name \"Acme Post\" --tracking A1 \\\n"
                "    --item 12345678901234:1\n"
                "  asc order ship --from shipments.csv --dry-run");
    cmd->callback([o, &ctx] { run_ship(*o, ctx); });
}

} // namespace asc::cli
