#pragma once
// The command table: each command's setup function adds its subcommand, options and callback to
// the CLI11 tree. The tree is the single source for --help, the man page and the completions.

#include "asc/base/strings.hpp"
#include "asc/base/limits.hpp"
#include "asc/sync/sync.hpp"
#include "context.hpp"

#include <CLI/CLI.hpp>

namespace asc::cli {

void setup_orders_list(CLI::App& orders, Context& ctx);
void setup_order_show(CLI::App& order, Context& ctx);
void setup_config(CLI::App& app, Context& ctx);
void setup_orders_sync(CLI::App& orders, Context& ctx);
void setup_store(CLI::App& app, Context& ctx);
void setup_report(CLI::App& app, Context& ctx);
void setup_order_cancel(CLI::App& order, Context& ctx);
void setup_cancellations(CLI::App& app, Context& ctx);
void setup_order_ship(CLI::App& order, Context& ctx);
void setup_shipments(CLI::App& app, Context& ctx);
const std::vector<Field>& shipment_fields();
void setup_feeds(CLI::App& app, Context& ctx);
// `completion` and the hidden `__complete` and `__man` (cmd_completion.cpp); `help` (cmd_help.cpp).
void setup_completion(CLI::App& app, Context& ctx);
void setup_help(CLI::App& app, Context& ctx);
// Gives every command group without a footer an "Examples:" footer made of its commands' first
// examples. Call after every command is set up.
void add_group_examples(CLI::App& app);

// Runs an incremental sync into the store and prints its one-line summary (unless -q).
// `via` picks searchOrders, order reports, or (auto) reports for a large old uncovered part.
SyncResult run_sync(Context& ctx, const std::string& since, const std::vector<std::string>& marketplaces,
                    std::chrono::milliseconds lock_wait, SyncVia via = SyncVia::Auto);

// A cancellation-journal entry as an output record (shared by `report cancellations` and
// `cancellations list`).
Record journal_record(const JournalEntry& entry);
const std::vector<Field>& journal_fields();
// The fields of `report summary`, `report late` and `feeds show` (their declarations live with
// the commands).
const std::vector<Field>& summary_fields();
const std::vector<Field>& late_fields();
const std::vector<Field>& feed_message_fields();

// Each command's fields, for `asc help fields` and `--fields help`: the command's path under asc
// ("orders list") and its fields, in order.
struct CommandFields {
    std::string command;
    std::vector<Field> fields;
};
const std::vector<CommandFields>& field_catalog();
// `--fields help`: the fields of `command` (a catalog path) with their meaning and JSON type.
void print_field_help(std::ostream& out, const std::string& command);

// Parses --status values (repeated or comma-separated, any spelling). Throws Error(Usage).
std::vector<Status> parse_statuses(const std::vector<std::string>& values);

// The columns a command prints: the --fields picked from `available` when given (Error(Usage)
// naming the valid ones for any other name), else `shown`.
std::vector<Field> chosen_fields(const Context& ctx, const std::vector<Field>& available,
                                 const std::vector<Field>& shown);
// The same with every field of `available` shown by default.
std::vector<Field> chosen_fields(const Context& ctx, const std::vector<Field>& available);

// Prints `rows` in the chosen output format with the user's --fields (a subset of `all_fields`);
// `id_key` is what -o ids prints.
void render_rows(Context& ctx, const std::vector<Field>& all_fields, const std::vector<Record>& rows,
                 const std::string& id_key);

// split_list of repeated flags ("a,b" and "c") is asc::split_list (asc/base/strings.hpp).
using asc::split_list;

// CLI11's check() for a number flag: its range and message come from the core (asc/base/limits.hpp).
CLI::Validator range_check(const NumberRange& range);

} // namespace asc::cli
