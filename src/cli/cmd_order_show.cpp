// asc order show ID [--tab details|items|tracking|all]: the three tabs of Amazon Order Details.

#include "asc/base/errors.hpp"
#include "asc/base/time.hpp"
#include "asc/cancel/guard.hpp"
#include "asc/output/order_records.hpp"
#include "commands.hpp"
#include "suggest.hpp"
#include "commerce_link.hpp"
#include "freshness.hpp"
#include "order_view.hpp"

#include <cctype>

#include <fmt/format.h>
#include <memory>
#include <ostream>

namespace asc::cli {

namespace {

struct ShowOptions {
    std::string order_id;
    std::string tab = "all";
    bool cached = false;
};

const std::vector<Included> k_show_included{Included::Buyer,       Included::Recipient,
                                            Included::Proceeds,    Included::Fulfillment,
                                            Included::Packages,    Included::Cancellation};

// What the guard allows for this order, as the Amazon Order Details header bar shows
// "Cancel Order" only for Unshipped orders.
Record actions_record(const Order& o) {
    Record actions = Record::array();
    for (Action a : all_actions()) {
        const Decision d = decide(a, o);
        Record r = Record::object();
        r["action"] = std::string(to_string(a));
        r["verdict"] = std::string(to_string(d.verdict));
        if (d.verdict == Verdict::Allowed) {
            r["command"] = fmt::format("asc order cancel {} --reason REASON", o.order_id);
        } else {
            r["reason"] = d.reason;
            r["remedy"] = d.remedy.empty() ? Record(nullptr) : Record(d.remedy);
        }
        actions.push_back(std::move(r));
    }
    return actions;
}

std::string action_text(const Record& a) {
    if (a["verdict"] == "allowed") {
        return a["command"].get<std::string>();
    }
    std::string text = fmt::format("not possible: {}", a["reason"].get<std::string>());
    if (a["remedy"].is_string()) {
        text += fmt::format("; {}", a["remedy"].get<std::string>());
    }
    return text;
}

// The Magento order linked to this Amazon order, when a commerce link is configured.
struct CommerceLookup {
    bool answered = false;              // configured, and the commerce system answered
    std::optional<CommerceOrder> order; // nullopt: no linked order
};

// Asks the commerce system, if one is configured. A failure only warns: the Amazon side of
// `order show` stands on its own.
CommerceLookup lookup_commerce(const std::string& order_id, Context& ctx) {
    CommerceLookup lookup;
    try {
        auto link = CommerceLink::open(ctx);
        if (!link) {
            return lookup;
        }
        lookup.order = link->client().find_linked_order(order_id);
        lookup.answered = true;
    } catch (const Error& e) {
        if (e.kind() == ErrorKind::Interrupted) {
            throw;
        }
        if (!ctx.global.quiet) {
            ctx.err << fmt::format("asc: warning: could not look up the linked Magento order: {}\n", e.what());
            if (!e.hint().empty()) {
                ctx.err << fmt::format("asc: hint: {}\n", e.hint());
            }
        }
    }
    return lookup;
}

// {"increment_id","state","status"} or null (no linked order). The state is what Magento allows
// next (closed and canceled are final); the status is only its label.
Record commerce_record(const CommerceLookup& lookup) {
    if (!lookup.order) {
        return Record(nullptr);
    }
    Record r = Record::object();
    r["increment_id"] = lookup.order->increment_id;
    r["state"] = lookup.order->state;
    r["status"] = lookup.order->status;
    return r;
}

// `flat_items`: a package's contents as one cell, "SKU-1 x2, SKU-2 x1" (CSV and TSV).
std::vector<Record> tracking_rows(const Order& o, bool flat_items = false) {
    std::vector<Record> rows;
    for (const auto& p : o.packages) {
        Record r = package_record(p, o);
        if (flat_items) {
            std::vector<std::string> items;
            for (const auto& it : r["items"]) {
                const auto& sku = it["sku"];
                items.push_back(fmt::format("{} x{}",
                                            sku.is_string() ? sku.get<std::string>() : it["order_item_id"].get<std::string>(),
                                            it["quantity"].get<int>()));
            }
            r["items"] = fmt::format("{}", fmt::join(items, ", "));
        }
        rows.push_back(std::move(r));
    }
    return rows;
}

std::vector<Record> item_rows(const Order& o) {
    std::vector<Record> rows;
    for (const auto& i : o.items) {
        rows.push_back(item_record(i));
    }
    return rows;
}

// Where the shown copy of the order comes from: Amazon (getOrder), or the store (--cached), where
// an order read only from an order report lacks item ids, packages and the buyer.
struct Source {
    bool cached = false;
    bool from_report = false; // cached, and stored from an order report (orders.from_report)
};

Record show_record(const Order& o, const std::string& tab, const CommerceLookup& commerce, Source source) {
    Record r = Record::object();
    if (tab == "all" || tab == "details") {
        r["details"] = details_record(o);
        r["details"]["actions"] = actions_record(o);
        if (commerce.answered) {
            r["details"]["commerce"] = commerce_record(commerce);
        }
        if (source.cached) {
            r["details"]["from_report"] = source.from_report;
        }
    }
    if (tab == "all" || tab == "items") {
        r["items"] = item_rows(o);
    }
    if (tab == "all" || tab == "tracking") {
        r["tracking"] = tracking_rows(o);
    }
    return r;
}

// The details tab's lines beyond the order itself: the Magento order and what the guard allows.
OrderViewExtras view_extras(const Order& o, const CommerceLookup& commerce, Source source) {
    OrderViewExtras extras;
    if (source.from_report) {
        extras.lines.emplace_back("Stored from", "an order report: items without ids, no packages or buyer "
                                                 "(leave out --cached to read the whole order from Amazon)");
    }
    if (commerce.answered) {
        extras.lines.emplace_back(
            "Magento order", commerce.order ? fmt::format("{} (state {}, status {})", commerce.order->increment_id,
                                                          commerce.order->state,
                                                          commerce.order->status.empty() ? std::string("(none)")
                                                                                         : commerce.order->status)
                                            : std::string("no linked order"));
    }
    for (const auto& a : actions_record(o)) {
        std::string label = a["action"].get<std::string>();
        if (!label.empty()) {
            label[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(label[0])));
        }
        extras.lines.emplace_back(std::move(label), action_text(a));
    }
    return extras;
}

void run_show(const ShowOptions& opts, Context& ctx) {
    require_order_id(opts.order_id);
    const Format format = ctx.format();
    if ((format == Format::Csv || format == Format::Tsv) && opts.tab == "all") {
        throw Error(ErrorKind::Usage, "CSV and TSV hold one table, and --tab all has three",
                    "add --tab details, --tab items or --tab tracking");
    }
    Order order;
    Source source;
    if (opts.cached) {
        auto stored = ctx.store().get_order(opts.order_id);
        if (!stored) {
            throw Error(ErrorKind::NotFound, fmt::format("order {} is not in the local store", opts.order_id),
                        "run `asc orders sync`, or leave out --cached to ask Amazon");
        }
        order = std::move(*stored);
        source = {true, ctx.store().order_from_report(opts.order_id)};
        // How old the stored copy may be (freshness.hpp): a line on a terminal, a warning if the
        // store was never synced for its marketplace.
        check_freshness(ctx, {order.marketplace_id}, false, now_seconds());
    } else {
        order = ctx.orders().get(opts.order_id, k_show_included);
        ctx.remember(std::span<const Order>(&order, 1));
    }

    // The linked Magento order: on the details tab, from a live lookup (--cached sends nothing).
    CommerceLookup commerce;
    if (!opts.cached && (opts.tab == "all" || opts.tab == "details") &&
        (format == Format::Json || format == Format::Jsonl || format == Format::Table)) {
        commerce = lookup_commerce(order.order_id, ctx);
    }

    switch (format) {
    case Format::Json:
    case Format::Jsonl: {
        const Record r = show_record(order, opts.tab, commerce, source);
        const Record& out = opts.tab == "all" ? r : r.begin().value();
        ctx.out << (format == Format::Json ? out.dump(2) : out.dump()) << '\n';
        break;
    }
    case Format::Ids:
        ctx.out << order.order_id << '\n';
        break;
    case Format::Csv:
    case Format::Tsv:
        if (opts.tab == "details") {
            // One flat row: the list's fields (nested parts like the address need JSON).
            render_rows(ctx, list_fields(), {list_record(order)}, "order_id");
        } else if (opts.tab == "items") {
            render_rows(ctx, item_fields(), item_rows(order), "order_item_id");
        } else if (opts.tab == "tracking") {
            render_rows(ctx, package_fields(), tracking_rows(order, true), "tracking_number");
        }
        break;
    case Format::Table:
        if (ctx.draws_table()) {
            ctx.start_pager();
            print_order_view(order, opts.tab, view_extras(order, commerce, source), ctx);
        } else {
            print_order_sections(show_record(order, opts.tab, commerce, source), ctx.out);
        }
        break;
    }
}

} // namespace

void setup_order_show(CLI::App& order, Context& ctx) {
    auto opts = std::make_shared<ShowOptions>();
    auto* cmd = order.add_subcommand("show", "Show one order: details, items and tracking");
    cmd->add_option("id", opts->order_id, "Amazon order id (3-7-7 digits)")->required();
    cmd->add_option("--tab", opts->tab,
                    "details, items, tracking or all (default all); in a pipe, the default format prints each "
                    "tab as [details], [items N], [tracking N] sections of key<TAB>value lines")
        ->check(one_of({"details", "items", "tracking", "all"}));
    cmd->add_flag("--cached", opts->cached, "Answer from the local store, no request");
    cmd->footer("Examples:\n"
                "  asc order show 112-1234567-1234567\n"
                "  asc order show 112-1234567-1234567 --tab tracking\n"
                "  asc order show 112-1234567-1234567 -o json | jq .details.status");
    cmd->callback([opts, &ctx] { run_show(*opts, ctx); });
}

} // namespace asc::cli
