// asc order show ID [--tab details|items|tracking|all]: the three tabs of Amazon Order Details.

#include "asc/base/errors.hpp"
#include "asc/base/time.hpp"
#include "asc/cancel/guard.hpp"
#include "asc/output/order_records.hpp"
#include "commands.hpp"
#include "suggest.hpp"
#include "commerce_link.hpp"
#include "freshness.hpp"

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

// "SKU-1 x2, SKU-2 x1": a package's contents as one cell.
std::string package_items_text(const Record& items) {
    std::string text;
    for (const auto& it : items) {
        if (!text.empty()) {
            text += ", ";
        }
        const auto& sku = it["sku"];
        text += fmt::format("{} x{}", sku.is_string() ? sku.get<std::string>() : it["order_item_id"].get<std::string>(),
                            it["quantity"].get<int>());
    }
    return text;
}

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

std::string window_text(const TimeWindow& w) {
    if (!w.earliest && !w.latest) {
        return "";
    }
    auto t = [](const std::optional<Timestamp>& ts) { return ts ? format_rfc3339(*ts) : std::string("?"); };
    return fmt::format("{} .. {}", t(w.earliest), t(w.latest));
}

std::string address_text(const Address& a) {
    std::string text;
    for (const auto* part : {&a.name, &a.company, &a.line1, &a.line2, &a.line3}) {
        if (!part->empty()) {
            text += (text.empty() ? "" : ", ") + *part;
        }
    }
    std::string city_line = fmt::format("{} {} {}", a.postal_code, a.city, a.state);
    const auto first = city_line.find_first_not_of(' ');
    if (first != std::string::npos) {
        text += (text.empty() ? "" : ", ") + city_line.substr(first);
    }
    if (!a.country_code.empty()) {
        text += (text.empty() ? "" : ", ") + a.country_code;
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

// {"increment_id","status"} or null (no linked order).
Record commerce_record(const CommerceLookup& lookup) {
    if (!lookup.order) {
        return Record(nullptr);
    }
    Record r = Record::object();
    r["increment_id"] = lookup.order->increment_id;
    r["status"] = lookup.order->status;
    return r;
}

// The details tab for people: label / value lines (tab-separated off a terminal).
void print_details(const Order& o, const CommerceLookup& commerce, Context& ctx) {
    std::vector<std::pair<std::string, std::string>> lines;
    auto add = [&lines](std::string label, std::string value) {
        if (!value.empty()) {
            lines.emplace_back(std::move(label), strip_control(value));
        }
    };
    add("Order ID", o.order_id);
    add("Status", std::string(to_string(o.status)));
    add("Purchased", format_rfc3339(o.purchase_date));
    add("Last updated", format_rfc3339(o.last_updated));
    add("Marketplace", o.marketplace_name.empty() ? o.marketplace_id
                                                  : fmt::format("{} ({})", o.marketplace_name, o.marketplace_id));
    add("Sales channel", o.sales_channel);
    if (o.fulfilled_by) {
        add("Fulfillment", o.fulfilled_by == FulfilledBy::Merchant ? "Merchant (MFN)" : "Amazon (AFN)");
    }
    add("Ship service", o.ship_service_level);
    add("Ship by", window_text(o.ship_by));
    add("Deliver by", window_text(o.deliver_by));
    add("Items", fmt::format("{} shipped, {} unshipped", o.items_shipped(), o.items_unshipped()));
    if (o.total) {
        add("Order total", o.total->to_string());
    }
    for (const auto& line : o.total_breakdown) {
        add(fmt::format("  {}", line.type), line.amount.to_string());
    }
    std::string flags;
    for (const auto& [on, name] : {std::pair{o.is_prime, "Prime"}, std::pair{o.is_business, "Business"},
                                   std::pair{o.is_replacement, "Replacement"}}) {
        if (on) {
            flags += (flags.empty() ? "" : ", ") + std::string(name);
        }
    }
    add("Flags", flags);
    add("Replaces order", o.replaced_order_id);
    add("Seller order id", o.seller_order_id);
    if (commerce.answered) {
        add("Magento order", commerce.order ? fmt::format("{} ({})", commerce.order->increment_id,
                                                          commerce.order->status)
                                            : std::string("no linked order"));
    }
    if (o.buyer) {
        add("Buyer", o.buyer->name);
        add("Buyer email", o.buyer->email);
        add("Buyer company", o.buyer->company);
    }
    if (o.ship_to && !o.ship_to->empty()) {
        add("Ship to", address_text(*o.ship_to));
        add("Phone", o.ship_to->phone);
    }

    for (const auto& a : actions_record(o)) {
        add(a["action"].get<std::string>(), action_text(a));
    }

    if (ctx.stdout_is_terminal()) {
        std::size_t width = 0;
        for (const auto& [label, _] : lines) {
            width = std::max(width, label.size());
        }
        ctx.out << "Order and Shipping Details\n";
        for (const auto& [label, value] : lines) {
            ctx.out << fmt::format("  {:<{}}  {}\n", label, width, value);
        }
    } else {
        for (const auto& [label, value] : lines) {
            ctx.out << tsv_cell(label) << '\t' << tsv_cell(value) << '\n';
        }
    }
}

std::vector<Record> tracking_rows(const Order& o, bool flatten_items) {
    std::vector<Record> rows;
    for (const auto& p : o.packages) {
        Record r = package_record(p, o);
        if (flatten_items) {
            r["items"] = package_items_text(r["items"]);
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

Record show_record(const Order& o, const std::string& tab, const CommerceLookup& commerce) {
    Record r = Record::object();
    if (tab == "all" || tab == "details") {
        r["details"] = details_record(o);
        r["details"]["actions"] = actions_record(o);
        if (commerce.answered) {
            r["details"]["commerce"] = commerce_record(commerce);
        }
    }
    if (tab == "all" || tab == "items") {
        r["items"] = item_rows(o);
    }
    if (tab == "all" || tab == "tracking") {
        r["tracking"] = tracking_rows(o, false);
    }
    return r;
}

void print_human(const Order& o, const std::string& tab, const CommerceLookup& commerce, Context& ctx) {
    const bool terminal = ctx.stdout_is_terminal();
    bool first = true;
    auto section = [&](const char* title) {
        if (terminal) {
            ctx.out << (first ? "" : "\n") << title << '\n';
        }
        first = false;
    };
    if (tab == "all" || tab == "details") {
        print_details(o, commerce, ctx);
        first = false;
    }
    if (tab == "all" || tab == "items") {
        section("Order Items");
        render_rows(ctx, item_fields(), item_rows(o), "order_item_id");
        for (const auto& i : o.items) {
            if (i.buyer_requested_cancel && terminal) {
                ctx.out << fmt::format("  Buyer asked to cancel item {}{}: use --reason BuyerCanceled, which does "
                                       "not count against your cancellation rate.\n",
                                       i.order_item_id,
                                       i.buyer_cancel_reason.empty()
                                           ? ""
                                           : fmt::format(" ({})", strip_control(i.buyer_cancel_reason)));
            }
        }
    }
    if (tab == "all" || tab == "tracking") {
        section("Tracking");
        if (o.packages.empty()) {
            if (terminal) {
                ctx.out << "  No tracking information yet: no package has been shipped for this order.\n";
            }
        } else {
            render_rows(ctx, package_fields(), tracking_rows(o, true), "tracking_number");
        }
    }
}

void run_show(const ShowOptions& opts, Context& ctx) {
    if (!is_amazon_order_id(opts.order_id)) {
        throw Error(ErrorKind::Usage, fmt::format("'{}' is not an Amazon order id", strip_control(opts.order_id)),
                    "an Amazon order id has 3-7-7 digits, e.g. 112-1234567-1234567");
    }
    const Format format = ctx.format();
    if ((format == Format::Csv || format == Format::Tsv) && opts.tab == "all") {
        throw Error(ErrorKind::Usage, "CSV and TSV hold one table, and --tab all has three",
                    "add --tab details, --tab items or --tab tracking");
    }
    Order order;
    if (opts.cached) {
        auto stored = ctx.store().get_order(opts.order_id);
        if (!stored) {
            throw Error(ErrorKind::NotFound, fmt::format("order {} is not in the local store", opts.order_id),
                        "run `asc orders sync`, or leave out --cached to ask Amazon");
        }
        order = std::move(*stored);
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
        const Record r = show_record(order, opts.tab, commerce);
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
        print_human(order, opts.tab, commerce, ctx);
        break;
    }
}

} // namespace

void setup_order_show(CLI::App& order, Context& ctx) {
    auto opts = std::make_shared<ShowOptions>();
    auto* cmd = order.add_subcommand("show", "Show one order: details, items and tracking");
    cmd->add_option("id", opts->order_id, "Amazon order id (3-7-7 digits)")->required();
    cmd->add_option("--tab", opts->tab, "details, items, tracking or all (default all)")
        ->check(one_of({"details", "items", "tracking", "all"}));
    cmd->add_flag("--cached", opts->cached, "Answer from the local store, no request");
    cmd->footer("Examples:\n"
                "  asc order show 112-1234567-1234567\n"
                "  asc order show 112-1234567-1234567 --tab tracking\n"
                "  asc order show 112-1234567-1234567 -o json | jq .details.status");
    cmd->callback([opts, &ctx] { run_show(*opts, ctx); });
}

} // namespace asc::cli
