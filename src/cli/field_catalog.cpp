// One name per field everywhere: each command's fields with their meaning, JSON type and table
// header, for `asc help fields` (and the man page's FIELDS section) and `--fields help`.

#include "cancel_output.hpp"
#include "commands.hpp"
#include "ship_output.hpp"
#include "asc/output/order_records.hpp"

#include <fmt/format.h>
#include <ostream>

namespace asc::cli {

const std::vector<CommandFields>& field_catalog() {
    static const std::vector<CommandFields> catalog{
        {"orders list", list_fields()},
        {"orders show --tab details", list_fields()}, // CSV/TSV: the details as one list row
        {"orders show --tab items", item_fields()},
        {"orders show --tab tracking", package_fields()},
        {"orders cancel", cancel_fields()},
        {"cancellations list", journal_fields()},
        {"cancellations resume", cancel_fields()},
        {"orders ship", ship_fields()},
        {"shipments list", shipment_fields()},
        {"report summary", summary_fields()},
        {"report late", late_fields()},
        {"report cancellations", journal_fields()},
        {"feeds show", feed_message_fields()},
    };
    return catalog;
}

void print_field_help(std::ostream& out, const std::string& command) {
    bool any = false;
    for (const auto& c : field_catalog()) {
        if (c.command != command && !c.command.starts_with(command + " --tab")) {
            continue;
        }
        any = true;
        out << fmt::format("Fields of asc {} (--fields a,b; the table header in capitals):\n", c.command);
        std::size_t width = 0;
        for (const auto& f : c.fields) {
            width = std::max(width, f.key.size());
        }
        for (const auto& f : c.fields) {
            const std::string header = table_header(f);
            std::string upper = f.key;
            for (auto& ch : upper) {
                ch = ch == '_' ? ' ' : static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
            }
            out << fmt::format("  {:<{}}  {} ({}{})\n", f.key, width, f.help, json_type(f.kind),
                               header == upper ? "" : fmt::format("; table header {}", header));
        }
        out << '\n';
    }
    if (!any) {
        out << "This command has no fields to pick; asc help fields lists every command's fields.\n";
    }
}

} // namespace asc::cli
