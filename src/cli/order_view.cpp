// `order show` for people (after Amazon Order Details) and as key/value sections in a pipe.

#include "order_view.hpp"

#include "asc/base/strings.hpp"
#include "asc/base/time.hpp"
#include "asc/output/order_records.hpp"

#include <fmt/format.h>
#include <algorithm>
#include <cctype>
#include <ostream>
#include <sstream>

namespace asc::cli {

namespace {

constexpr std::size_t k_indent = 2;

struct Style {
    bool color = false;
    [[nodiscard]] std::string bold(std::string_view text) const {
        return color ? fmt::format("{}{}{}", k_ansi_bold, text, k_ansi_reset) : std::string(text);
    }
    [[nodiscard]] std::string paint(std::string_view text, std::string_view ansi) const {
        return color && !ansi.empty() ? fmt::format("{}{}{}", ansi, text, k_ansi_reset) : std::string(text);
    }
};

// "2026-01-03 09:15 UTC".
std::string absolute_time(Timestamp t) {
    std::string s = format_rfc3339(t); // 2026-01-03T09:15:00Z
    return s.size() >= 16 ? fmt::format("{} {} UTC", s.substr(0, 10), s.substr(11, 5)) : s;
}

// "3 days ago (2026-01-03 09:15 UTC)".
std::string both_times(Timestamp t, Timestamp now) {
    return fmt::format("{} ({})", format_relative(t, now), absolute_time(t));
}

// "ITEM" -> "Item", "SHIPPING_TAX" -> "Shipping tax": Amazon's codes as labels in one style.
std::string words(std::string_view code) {
    std::string out = lower_ascii(code);
    std::replace(out.begin(), out.end(), '_', ' ');
    if (!out.empty()) {
        out[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(out[0])));
    }
    return out;
}

std::string address_text(const Address& a) {
    std::vector<std::string> parts;
    for (const auto* part : {&a.name, &a.company, &a.line1, &a.line2, &a.line3}) {
        if (!part->empty()) {
            parts.push_back(*part);
        }
    }
    std::string city = fmt::format("{} {} {}", a.postal_code, a.city, a.state);
    city = trim(city);
    if (!city.empty()) {
        parts.push_back(city);
    }
    if (!a.country_code.empty()) {
        parts.push_back(a.country_code);
    }
    return fmt::format("{}", fmt::join(parts, ", "));
}

// Parts joined by `gap` spaces, broken into lines of at most `width` columns after `indent`.
std::vector<std::string> flow_lines(const std::vector<std::string>& parts, std::size_t indent, std::size_t width,
                                    std::size_t gap = 2) {
    std::vector<std::string> lines;
    std::string line;
    std::size_t used = indent;
    for (const auto& part : parts) {
        const std::size_t w = text_width(part);
        if (!line.empty() && used + gap + w > width) {
            lines.push_back(std::move(line));
            line.clear();
            used = indent;
        }
        if (!line.empty()) {
            line.append(gap, ' ');
            used += gap;
        }
        line += part;
        used += w;
    }
    if (!line.empty()) {
        lines.push_back(std::move(line));
    }
    return lines;
}

void flow(const std::vector<std::string>& parts, std::size_t indent, std::size_t width, std::ostream& out,
          std::size_t gap = 2) {
    for (const auto& line : flow_lines(parts, indent, width, gap)) {
        out << std::string(indent, ' ') << line << '\n';
    }
}

std::vector<std::string> words_of(std::string_view text) {
    std::vector<std::string> out;
    std::istringstream in{std::string(text)};
    for (std::string w; in >> w;) {
        out.push_back(w);
    }
    return out;
}

struct Line {
    std::string label;
    std::string value;
    std::string_view color; // ANSI color of the value, or empty
};

std::vector<Line> detail_lines(const Order& o, const OrderViewExtras& extras, Timestamp now) {
    std::vector<Line> lines;
    auto add = [&lines](std::string label, const std::string& value, std::string_view color = {}) {
        if (!value.empty()) {
            lines.push_back({std::move(label), strip_control(value), color});
        }
    };
    const std::string status(to_string(o.status));
    add("Status", status, status_color(status));
    add("Purchased", both_times(o.purchase_date, now));
    add("Last updated", both_times(o.last_updated, now));
    add("Marketplace", o.marketplace_name.empty() ? o.marketplace_id
                                                  : fmt::format("{} ({})", o.marketplace_name, o.marketplace_id));
    if (o.fulfilled_by) {
        add("Fulfilled by", o.fulfilled_by == FulfilledBy::Merchant ? "You (MFN)" : "Amazon (AFN)");
    }
    add("Ship service", o.ship_service_level.empty() ? "" : words(o.ship_service_level));
    if (o.ship_by.latest) {
        const bool overdue = *o.ship_by.latest < now && o.items_unshipped() > 0 &&
                             (o.status == Status::Unshipped || o.status == Status::PartiallyShipped);
        add("Ship by", both_times(*o.ship_by.latest, now) + (overdue ? ", overdue" : ""),
            overdue ? k_ansi_warn : std::string_view{});
    }
    if (o.deliver_by.latest) {
        add("Deliver by", both_times(*o.deliver_by.latest, now));
    }
    add("Items", fmt::format("{} shipped, {} unshipped", o.items_shipped(), o.items_unshipped()));
    if (o.total) {
        add("Order total", o.total->to_string());
    }
    for (const auto& line : o.total_breakdown) {
        add(fmt::format("  {}", words(line.type)), line.amount.to_string());
    }
    std::vector<std::string> flags;
    for (const auto& [on, name] : {std::pair{o.is_prime, "Prime"}, std::pair{o.is_business, "Business"},
                                   std::pair{o.is_replacement, "Replacement"}}) {
        if (on) {
            flags.emplace_back(name);
        }
    }
    add("Flags", fmt::format("{}", fmt::join(flags, ", ")));
    add("Replaces order", o.replaced_order_id);
    add("Seller order id", o.seller_order_id);
    if (o.buyer) {
        add("Buyer", o.buyer->name);
        add("Buyer email", o.buyer->email);
        add("Buyer company", o.buyer->company);
    }
    if (o.ship_to && !o.ship_to->empty()) {
        add("Ship to", address_text(*o.ship_to));
        add("Phone", o.ship_to->phone);
    }
    for (const auto& [label, value] : extras.lines) {
        add(label, value);
    }
    return lines;
}

// Label/value lines; a value that would pass the width continues under itself.
void print_details(const Order& o, const OrderViewExtras& extras, Timestamp now, std::size_t width,
                   const Style& style, std::ostream& out) {
    const auto lines = detail_lines(o, extras, now);
    std::size_t label_width = 0;
    for (const auto& l : lines) {
        label_width = std::max(label_width, text_width(l.label));
    }
    const std::size_t value_column = k_indent + label_width + 2;
    const std::size_t room = width > value_column + 20 ? width - value_column : 20;
    for (const auto& l : lines) {
        // Long values continue under themselves, broken between words (a word wider than the
        // room, such as a long URL, stays whole).
        const auto value_lines = flow_lines(words_of(l.value), value_column, value_column + room, 1);
        for (std::size_t n = 0; n < value_lines.size(); ++n) {
            const std::string label = n == 0 ? l.label : std::string();
            out << std::string(k_indent, ' ') << label << std::string(label_width - text_width(label) + 2, ' ')
                << style.paint(value_lines[n], l.color) << '\n';
        }
    }
}

std::string money_text(const std::optional<Money>& m) { return m ? m->to_string() : std::string(); }

// One block per item: the title on its own line, then its ids, quantities and prices.
void print_item_blocks(const Order& o, std::size_t width, const Style& style, std::ostream& out) {
    bool first = true;
    for (const auto& i : o.items) {
        if (!first) {
            out << '\n';
        }
        first = false;
        const std::string title = strip_control(i.title.empty() ? i.order_item_id : i.title);
        out << std::string(k_indent, ' ') << style.bold(fit_text(title, width - k_indent)) << '\n';
        std::vector<std::string> parts;
        auto add = [&parts](std::string_view label, const std::string& value) {
            if (!value.empty()) {
                parts.push_back(fmt::format("{} {}", label, strip_control(value)));
            }
        };
        add("SKU", i.sku);
        add("ASIN", i.asin);
        add("Item", i.order_item_id);
        add("Qty", fmt::format("{} ({} shipped)", i.quantity_ordered, i.quantity_shipped));
        add("Unit", money_text(i.unit_price));
        add("Total", money_text(i.item_total));
        add("Tax", money_text(i.tax));
        add("Shipping", money_text(i.shipping_price));
        add("Discount", money_text(i.promotion_discount));
        flow(parts, 2 * k_indent, width, out);
    }
}

// The items as a table when its columns fit with the title at least this wide.
constexpr std::size_t k_min_title = 24;

void print_items(const Order& o, const RenderOptions& table, std::ostream& out, const Style& style) {
    const std::vector<std::string> keys{"order_item_id", "sku", "title", "quantity_ordered",
                                        "quantity_shipped", "unit_price", "item_total"};
    std::vector<Field> fields;
    for (const auto& f : item_fields()) {
        if (std::find(keys.begin(), keys.end(), f.key) != keys.end()) {
            fields.push_back(f);
        }
    }
    std::vector<Record> rows;
    std::vector<std::vector<std::string>> cells;
    for (const auto& i : o.items) {
        rows.push_back(item_record(i));
        cells.push_back(table_cells(fields, rows.back()));
    }
    RenderOptions options = table;
    options.drop_columns = false;
    options.width = table.width > 0 ? table.width - static_cast<int>(k_indent) : 0;
    const TableLayout layout = layout_table(options, fields, cells);
    std::size_t title_width = 0;
    std::size_t title_natural = 0;
    for (std::size_t s = 0; s < layout.shown.size(); ++s) {
        if (fields[layout.shown[s]].key == "title") {
            title_width = layout.widths[s];
        }
    }
    for (const auto& c : cells) {
        title_natural = std::max(title_natural, text_width(c[2]));
    }
    if (options.width > 0 && (!layout.fits || title_width < std::min(title_natural, k_min_title))) {
        print_item_blocks(o, static_cast<std::size_t>(table.width), style, out);
        return;
    }
    std::ostringstream buffer;
    auto renderer = make_renderer(options, fields, buffer);
    for (const auto& r : rows) {
        renderer->row(r);
    }
    renderer->finish();
    std::istringstream lines(buffer.str());
    for (std::string line; std::getline(lines, line);) {
        out << std::string(k_indent, ' ') << line << '\n';
    }
}

void print_tracking(const Order& o, const RenderOptions& table, Context& ctx) {
    if (o.packages.empty()) {
        const std::size_t width = table.width > 0 ? static_cast<std::size_t>(table.width) : 100;
        flow(words_of("No tracking information yet: no package has been shipped for this order."), k_indent, width,
             ctx.out, 1);
        return;
    }
    RenderOptions options = table;
    options.width = table.width > 0 ? table.width - static_cast<int>(k_indent) : 0;
    std::ostringstream buffer;
    auto renderer = make_renderer(options, package_fields(), buffer);
    for (const auto& p : o.packages) {
        Record r = package_record(p, o);
        r["status"] = package_status_words(p.status);
        if (p.ship_time) {
            r["ship_date"] = absolute_time(*p.ship_time);
        }
        std::vector<std::string> items;
        for (const auto& it : r["items"]) {
            const auto& sku = it["sku"];
            items.push_back(fmt::format("{} x{}", sku.is_string() ? sku.get<std::string>() : it["order_item_id"].get<std::string>(),
                                        it["quantity"].get<int>()));
        }
        r["items"] = fmt::format("{}", fmt::join(items, ", "));
        renderer->row(r);
    }
    renderer->finish();
    std::istringstream lines(buffer.str());
    for (std::string line; std::getline(lines, line);) {
        ctx.out << std::string(k_indent, ' ') << line << '\n';
    }
}

void flatten(const std::string& prefix, const Record& value, std::ostream& out) {
    if (value.is_null()) {
        return;
    }
    if (value.is_object()) {
        for (const auto& [key, v] : value.items()) {
            flatten(prefix.empty() ? key : prefix + "_" + key, v, out);
        }
        return;
    }
    if (value.is_array()) {
        std::size_t n = 0;
        for (const auto& v : value) {
            flatten(fmt::format("{}_{}", prefix, ++n), v, out);
        }
        return;
    }
    out << tsv_cell(prefix) << '\t' << tsv_cell(strip_control(cell_text(value))) << '\n';
}

} // namespace

std::string package_status_words(std::string_view status) {
    return status.empty() ? std::string() : words(status);
}

void print_order_view(const Order& o, const std::string& tab, const OrderViewExtras& extras, Context& ctx) {
    const RenderOptions table = ctx.render_options();
    const Style style{table.color};
    const std::size_t width = table.width > 0 ? static_cast<std::size_t>(table.width) : 100;
    const Timestamp now = now_seconds();
    const std::string status(to_string(o.status));
    ctx.out << style.bold(fmt::format("Order {}", o.order_id)) << "  " << style.paint(status, status_color(status))
            << '\n';
    if (tab == "all" || tab == "details") {
        ctx.out << '\n' << style.bold("Order and Shipping Details") << '\n';
        print_details(o, extras, now, width, style, ctx.out);
    }
    if (tab == "all" || tab == "items") {
        ctx.out << '\n' << style.bold(fmt::format("Order Items ({})", o.items.size())) << '\n';
        print_items(o, table, ctx.out, style);
        for (const auto& i : o.items) {
            if (i.buyer_requested_cancel) {
                const std::string note = fmt::format(
                    "Buyer asked to cancel item {}{}: use --reason BuyerCanceled, which does not count against "
                    "your cancellation rate.",
                    i.order_item_id,
                    i.buyer_cancel_reason.empty() ? "" : fmt::format(" ({})", strip_control(i.buyer_cancel_reason)));
                ctx.out << '\n';
                flow(words_of(note), k_indent, width, ctx.out, 1);
            }
        }
    }
    if (tab == "all" || tab == "tracking") {
        ctx.out << '\n' << style.bold(fmt::format("Tracking ({} package{})", o.packages.size(),
                                                  o.packages.size() == 1 ? "" : "s"))
                << '\n';
        print_tracking(o, table, ctx);
    }
}

void print_order_sections(const Record& show, std::ostream& out) {
    for (const auto& [tab, value] : show.items()) {
        if (value.is_array()) {
            std::size_t n = 0;
            for (const auto& record : value) {
                out << fmt::format("[{} {}]\n", tab, ++n);
                flatten("", record, out);
                out << '\n';
            }
        } else {
            out << fmt::format("[{}]\n", tab);
            flatten("", value, out);
            out << '\n';
        }
    }
}

} // namespace asc::cli
