// asc shipments list [--since T] [--state S]... [--order ID] [--feed ID]: the shipment journal.

#include "asc/base/errors.hpp"
#include "asc/base/time.hpp"
#include "asc/store/store.hpp"
#include "commands.hpp"

#include <algorithm>
#include <cctype>
#include <fmt/format.h>
#include <memory>

namespace asc::cli {

namespace {

struct ShipmentsListOptions {
    std::string since;
    std::vector<std::string> states;
    std::string order;
    std::string feed;
};

const std::vector<Field> k_fields{
    {"id", "", ColumnKind::Count, 20, "The journal row id"},
    {"order_id", "", ColumnKind::Id, k_always, "The Amazon order id"},
    {"state", "", ColumnKind::Status, k_always,
     "planned, sending, submitted, confirmed, already_shipped, failed or refused"},
    {"package_ref", "PKG", ColumnKind::Id, 40, "The packageReferenceId"},
    {"carrier", "", ColumnKind::Text, 80, "The carrier code (or name, with Other)"},
    {"tracking_number", "TRACKING", ColumnKind::Id, 90, "The tracking number"},
    {"items", "", ColumnKind::Text, 45, "The units: order_item_id:quantity,..."},
    {"ship_date", "", ColumnKind::Date, 30, "When it shipped"},
    {"via", "", ColumnKind::Code, 30, "api or feed"},
    {"feed_id", "FEED", ColumnKind::Id, 35, "The feed that carried it"},
    {"result_code", "CODE", ColumnKind::Code, 40, "Amazon's error code"},
    {"message", "", ColumnKind::Text, 50, "What happened"},
    {"commerce", "", ColumnKind::Text, 28, "The Magento step: pending, sending, done, failed, no_link, skipped"},
    {"commerce_shipment_id", "MAGENTO SHIPMENT", ColumnKind::Id, 26, "The Magento shipment id"},
    {"created_at", "", ColumnKind::Date, 25, "When it was journaled"},
    {"updated_at", "", ColumnKind::Date, 20, "Last change"},
    {"run_by", "", ColumnKind::Text, 10, "user@host of the run"}};

Record shipment_record(const ShipEntry& e) {
    auto nullable = [](const std::string& s) { return s.empty() ? Record(nullptr) : Record(s); };
    Record r = Record::object();
    r["id"] = e.id;
    r["order_id"] = e.order_id;
    r["state"] = std::string(to_string(e.state));
    r["package_ref"] = e.package_ref;
    r["carrier"] = e.carrier_code == "Other" ? e.carrier_name : e.carrier_code;
    r["tracking_number"] = e.tracking_number;
    r["items"] = items_text(e.items);
    r["ship_date"] = format_rfc3339(e.ship_date);
    r["via"] = std::string(to_string(e.via));
    r["feed_id"] = nullable(e.feed_id);
    r["result_code"] = nullable(e.result_code);
    r["message"] = nullable(e.result_message);
    r["commerce"] = e.commerce_state ? Record(std::string(to_string(*e.commerce_state))) : Record(nullptr);
    r["commerce_shipment_id"] = nullable(e.commerce_shipment_id);
    r["created_at"] = format_rfc3339(e.created_at);
    r["updated_at"] = format_rfc3339(e.updated_at);
    r["run_by"] = e.run_by;
    return r;
}

void run_list(const ShipmentsListOptions& o, Context& ctx) {
    ShipFilter filter;
    if (!o.since.empty()) {
        filter.since = parse_time_arg(o.since, now_seconds());
    }
    for (auto state : split_list(o.states)) {
        std::transform(state.begin(), state.end(), state.begin(), [](char c) {
            return c == '-' ? '_' : static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        });
        const auto parsed = parse_ship_state(state);
        if (!parsed) {
            throw Error(ErrorKind::Usage, fmt::format("unknown shipment state '{}'", strip_control(state)),
                        "use planned, sending, submitted, confirmed, already_shipped, failed, refused");
        }
        filter.states.push_back(*parsed);
    }
    filter.order_id = o.order;
    filter.feed_id = o.feed;
    std::vector<Record> records;
    for (const ShipEntry& e : ctx.store().ship_journal_entries(filter)) {
        records.push_back(shipment_record(e));
    }
    render_rows(ctx, k_fields, records, "order_id");
}

} // namespace

const std::vector<Field>& shipment_fields() {
    return k_fields;
}

void setup_shipments(CLI::App& app, Context& ctx) {
    auto* group = app.add_subcommand("shipments", "The shipment journal of `order ship`");
    group->require_subcommand(1);
    auto o = std::make_shared<ShipmentsListOptions>();
    auto* list = group->add_subcommand("list", "List journaled shipment confirmations, oldest first");
    list->add_option("--since", o->since, "Only rows journaled since T (RFC 3339, YYYY-MM-DD, 7d)")->type_name("TIME");
    list->add_option("--state", o->states,
                     "planned, sending, submitted, confirmed, already_shipped, failed, refused (repeat or comma-separate)");
    list->add_option("--order", o->order, "Only this order's packages");
    list->add_option("--feed", o->feed, "Only the packages of this feed");
    list->footer("Examples:\n"
                 "  asc shipments list --since 7d\n"
                 "  asc shipments list --state failed,refused -o csv");
    list->callback([o, &ctx] { run_list(*o, ctx); });
}

} // namespace asc::cli
