#include "ship_output.hpp"

#include "asc/base/strings.hpp"
#include "commands.hpp"

#include <algorithm>
#include <array>
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <ostream>

namespace asc::cli {

namespace {

const std::vector<Field> k_fields{
    {"order_id", "", ColumnKind::Id, k_always, "The Amazon order id"},
    {"outcome", "", ColumnKind::Status, k_always,
     "confirmed, already_shipped, pending, would_ship, refused, failed, not_found or invalid_id"},
    {"package_ref", "PKG", ColumnKind::Id, 60, "The packageReferenceId sent to Amazon"},
    {"carrier", "", ColumnKind::Text, 80, "The carrier code (or name, with Other)"},
    {"tracking_number", "TRACKING", ColumnKind::Id, 90, "The tracking number"},
    {"items", "", ColumnKind::Text, 45, "The units in the package: order_item_id:quantity,..."},
    {"via", "", ColumnKind::Code, 30, "api (confirmShipment) or feed"},
    {"feed_id", "FEED", ColumnKind::Id, 35, "The feed that carried it"},
    {"result_code", "CODE", ColumnKind::Code, 40, "Amazon's error code or ResultMessageCode"},
    {"message", "", ColumnKind::Text, 50, "What happened, in words"}};

constexpr std::array k_order{ShipOutcome::Confirmed, ShipOutcome::AlreadyShipped, ShipOutcome::Pending,
                             ShipOutcome::WouldShip, ShipOutcome::Refused,        ShipOutcome::Failed,
                             ShipOutcome::NotFound,  ShipOutcome::InvalidId};

Record nullable(const std::string& s) {
    return s.empty() ? Record(nullptr) : Record(s);
}

Record ship_record(const ShipRow& row) {
    Record r = Record::object();
    r["order_id"] = row.order_id;
    r["outcome"] = std::string(to_string(row.outcome));
    r["package_ref"] = nullable(row.package_ref);
    r["carrier"] = nullable(row.carrier);
    r["tracking_number"] = nullable(row.tracking_number);
    r["items"] = nullable(row.items);
    r["via"] = nullable(row.via);
    r["feed_id"] = nullable(row.feed_id);
    r["result_code"] = nullable(row.result_code);
    r["message"] = nullable(row.message);
    return r;
}

} // namespace

const std::vector<Field>& ship_fields() {
    return k_fields;
}

void render_ship_rows(Context& ctx, const std::vector<ShipRow>& rows) {
    ShipRowWriter writer(ctx);
    for (const ShipRow& row : rows) {
        writer.row(row);
    }
    writer.finish();
}

Renderer& ShipRowWriter::renderer() {
    if (!m_renderer) {
        auto options = m_ctx.render_options();
        options.id_key = "order_id";
        m_renderer = make_renderer(options, chosen_fields(m_ctx, k_fields), m_ctx.out);
    }
    return *m_renderer;
}

void ShipRowWriter::row(const ShipRow& row) {
    renderer().row(ship_record(row));
}

void ShipRowWriter::finish() {
    renderer().finish();
}

void ShipCounts::add(const ShipRow& row) {
    ++counts[static_cast<std::size_t>(row.outcome)];
    ++total;
    if (total == 1) {
        only = row;
    } else {
        only.reset();
    }
}

std::string ship_summary(const ShipCounts& counts, const std::vector<std::string>& feed_ids) {
    std::string text;
    for (const ShipOutcome outcome : k_order) {
        if (const auto n = counts.count(outcome); n > 0) {
            std::string words(to_string(outcome));
            std::replace(words.begin(), words.end(), '_', ' ');
            text += fmt::format("{}{} {}", text.empty() ? "" : ", ", n, words);
        }
    }
    if (text.empty()) {
        text = "no packages";
    }
    if (feed_ids.size() == 1) {
        text += fmt::format(" (feed {})", feed_ids.front());
    } else if (feed_ids.size() > 1 && feed_ids.size() <= 3) {
        text += fmt::format(" (feeds {})", fmt::join(feed_ids, ", "));
    } else if (feed_ids.size() > 3) {
        text += fmt::format(" ({} feeds)", feed_ids.size());
    }
    return text;
}

void print_ship_recovery(Context& ctx, const ShipCounts& recovered, std::size_t left_planned) {
    if (ctx.global.quiet) {
        return;
    }
    if (recovered.total > 0) {
        ctx.err << fmt::format("asc: settled {} of an interrupted run: {} (`asc shipments list` shows them)\n",
                               count_noun(static_cast<long long>(recovered.total), "package"),
                               ship_summary(recovered, {}));
    }
    if (left_planned > 0) {
        ctx.err << fmt::format("asc: {} planned by an interrupted run {} not sent; run that command again to send {}\n",
                               count_noun(static_cast<long long>(left_planned), "package"),
                               left_planned == 1 ? "was" : "were", left_planned == 1 ? "it" : "them");
    }
}

std::optional<Error> ship_exit_error(const ShipCounts& counts, const std::optional<Error>& error, bool wait) {
    if (error) {
        return error;
    }
    const std::size_t bad = counts.count(ShipOutcome::Failed) + counts.count(ShipOutcome::Refused) +
                            counts.count(ShipOutcome::NotFound) + counts.count(ShipOutcome::InvalidId);
    const std::size_t pending = counts.count(ShipOutcome::Pending);
    if (counts.total == 1 && counts.only) {
        const ShipRow& r = *counts.only;
        switch (r.outcome) {
        case ShipOutcome::Refused:
            return Error(ErrorKind::Refused, fmt::format("order {} cannot be shipped here: {}", r.order_id, r.message));
        case ShipOutcome::NotFound:
            return Error(ErrorKind::NotFound, fmt::format("order {} was not found: {}", r.order_id, r.message),
                         "check the id, the profile (seller) and the region");
        case ShipOutcome::Failed:
            return Error(ErrorKind::Partial, fmt::format("order {} was not confirmed: {}", r.order_id, r.message));
        default:
            break;
        }
    } else if (bad > 0) {
        return Error(ErrorKind::Partial,
                     fmt::format("{} of {} packages {} not confirmed", bad, counts.total, bad == 1 ? "was" : "were"),
                     "each row says why; `asc shipments list --state failed,refused` keeps the record");
    }
    if (wait && pending > 0) {
        return Error(ErrorKind::Temporary,
                     fmt::format("{} not known yet", count_noun(static_cast<long long>(pending), "package's outcome",
                                                               "packages' outcomes")),
                     "run the same command again later: it finds out before sending anything");
    }
    return std::nullopt;
}

void finish_ship(Context& ctx, const ShipCounts& counts, const std::vector<std::string>& feed_ids,
                 const std::optional<Error>& error, bool wait) {
    if (!ctx.global.quiet) {
        ctx.err << fmt::format("asc: ship: {}\n", ship_summary(counts, feed_ids));
    }
    if (auto e = ship_exit_error(counts, error, wait)) {
        throw *e;
    }
}

} // namespace asc::cli
