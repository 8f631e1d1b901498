#include "run.hpp"

#include "asc/base/errors.hpp"
#include "asc/base/interrupt.hpp"
#include "asc/http/http.hpp"
#include "asc/store/store.hpp"
#include "asc/version.hpp"
#include "commands.hpp"
#include "context.hpp"
#include "exit_codes.hpp"
#include "help_format.hpp"
#include "jq_filter.hpp"
#include "progress.hpp"
#include "suggest.hpp"

#include <CLI/CLI.hpp>
#include <csignal>
#include <fmt/format.h>
#include <iostream>
#include <map>
#include <sstream>

namespace asc::cli {

namespace {

extern "C" void on_sigint(int /*signal*/) { set_interrupted(); }

std::string version_text() {
    return fmt::format("asc {} (commit {})\nlibcurl {}\nSQLite {}", k_version, k_git_commit,
                       http_library_version(), store_library_version());
}

void add_global_options(CLI::App& app, GlobalOptions& g) {
    const std::string group = "Global flags";
    app.add_option("--profile", g.settings.profile, "Configuration profile (env ASC_PROFILE)")->group(group);
    app.add_option("--config", g.settings.config_path, "Configuration file (env ASC_CONFIG)")->group(group);
    // transform() puts each validator first: one_of() runs first, checks, suggests ("did you mean
    // 'json'?") and lowers the case; then the CheckedTransformer makes the enum.
    static const std::map<std::string, OutputFlag> outputs{
        {"table", OutputFlag::Table}, {"wide", OutputFlag::Wide}, {"json", OutputFlag::Json}, {"jsonl", OutputFlag::Jsonl},
        {"csv", OutputFlag::Csv},     {"tsv", OutputFlag::Tsv},   {"ids", OutputFlag::Ids}};
    app.add_option("-o,--output", g.output, "Output format: table, wide (every column), json, jsonl, csv, tsv, ids")
        ->group(group)
        ->type_name("TEXT")
        ->transform(CLI::CheckedTransformer(outputs).description(""))
        ->transform(one_of({"table", "wide", "json", "jsonl", "csv", "tsv", "ids"}))
        ->each([&g](const std::string&) { g.output_given = true; });
    app.add_option("--fields", g.fields, "Comma-separated fields to print; --fields help lists the command's fields")
        ->group(group);
    app.add_flag("--no-headers", g.no_headers, "Leave out the header row of table, csv and tsv")->group(group);
    static const std::map<std::string, ColorFlag> colors{
        {"auto", ColorFlag::Auto}, {"always", ColorFlag::Always}, {"never", ColorFlag::Never}};
    app.add_option("--color", g.color, "Colors: auto, always, never")
        ->group(group)
        ->type_name("TEXT")
        ->transform(CLI::CheckedTransformer(colors).description(""))
        ->transform(one_of({"auto", "always", "never"}));
    app.add_flag("--no-pager", g.no_pager, "Do not page long tables (also: pager = false in the config)")
        ->group(group);
    app.add_flag("-q,--quiet", g.quiet, "No progress, warnings or summaries on stderr")->group(group);
    app.add_flag("-v,--verbose", g.verbose, "Progress and retries on stderr even off a terminal")->group(group);
    app.add_flag("--debug", g.debug, "Log each HTTP request and response to stderr (tokens masked)")
        ->group(group);
    app.add_option("--timeout", g.timeout_seconds, "Seconds one HTTP request may take (a report download: may stall)")
        ->group(group)
        ->check(range_check(k_request_timeout_range));
    app.add_option("--max-attempts", g.max_attempts, "Attempts per request before giving up (exit 75)")
        ->group(group)
        ->check(CLI::Range(1, 20));
    app.add_option("--endpoint", g.settings.endpoint, "SP-API base URL (env ASC_ENDPOINT)")->group(group);
    app.add_option("--jq", g.jq, "Filter the JSON output through a jq program; print each result on a line")
        ->group(group)
        ->type_name("EXPR")
        ->check(CLI::Validator(jq_program_error, "", "jq"));
}

// Every error goes out through redact(): a message that quotes a URL or a server's text never
// shows a credential (https://user:secret@..., ?secret=...).
void print_error(std::ostream& err, const std::string& what, const std::string& hint) {
    err << "asc: error: " << redact(what) << '\n';
    if (!hint.empty()) {
        err << "  hint: " << redact(hint) << '\n';
    }
}

// Bare `asc`: what it is, the commands and where to read more; on stdout, exit 0.
void print_short_help(const CLI::App& app, std::ostream& out) {
    out << app.get_description() << "\n\nUsage: asc COMMAND [ARGS] [FLAGS]\n\nCommands:\n";
    for (const CLI::App* sub : app.get_subcommands([](const CLI::App* a) { return !a->get_group().empty(); })) {
        out << fmt::format("  {:<15} {}\n", sub->get_name(), sub->get_description());
    }
    out << "\nRun 'asc COMMAND --help' for a command's flags, 'asc --help' for everything, 'asc help' for\n"
           "the topics (formats, exit-codes, environment, config). New here? 'asc config init' sets up a\n"
           "profile.\n";
}

} // namespace

CLI::Validator range_check(const NumberRange& range) {
    // CLI11 puts the flag's name before the message: leave it out of the core's.
    return {[range](const std::string& text) {
                std::string message = range_error(range, text);
                const std::string prefix = std::string(range.name) + " ";
                return message.starts_with(prefix) ? message.substr(prefix.size()) : message;
            },
            fmt::format("{} to {}", range.min, range.max), std::string(range.name)};
}

void build_app(CLI::App& app, GlobalOptions& global, Context& ctx) {
    app.name("asc");
    // Before any subcommand: each one copies the formatter when it is added.
    app.formatter(std::make_shared<HelpFormatter>(ctx.help_width()));
    app.fallthrough();
    app.require_subcommand(1);
    app.set_version_flag("--version", version_text());
    add_global_options(app, global);

    auto* orders = app.add_subcommand("orders", "List and sync orders");
    orders->alias("order");
    orders->require_subcommand(1);
    setup_orders_list(*orders, ctx);
    setup_order_show(*orders, ctx);
    setup_orders_sync(*orders, ctx);
    setup_order_cancel(*orders, ctx);
    setup_order_ship(*orders, ctx);
    setup_cancellations(app, ctx);
    setup_shipments(app, ctx);
    setup_feeds(app, ctx);
    setup_store(app, ctx);
    setup_report(app, ctx);
    setup_config(app, ctx);
    setup_completion(app, ctx);
    setup_help(app, ctx);
    // Last: gives every command group an examples footer from its commands' examples.
    add_group_examples(app);
}

namespace {

// --fields help: the fields of the command given (the deepest subcommand parsed), then stop.
[[noreturn]] void print_fields_of_command(CLI::App& app, std::ostream& out) {
    std::string path;
    for (CLI::App* sub = &app; sub != nullptr;) {
        CLI::App* next = nullptr;
        for (CLI::App* s : sub->get_subcommands()) {
            next = s;
        }
        if (next != nullptr) {
            path += (path.empty() ? "" : " ") + next->get_name();
        }
        sub = next;
    }
    print_field_help(out, path);
    throw CLI::Success();
}

// Parses and runs; every error becomes a message on stderr and its exit code.
int parse_and_run(CLI::App& app, Context& ctx, std::vector<char*>& argv) {
    try {
        app.parse(static_cast<int>(argv.size()), argv.data());
    } catch (const CLI::ParseError& e) {
        ctx.stop_pager();
        if (e.get_exit_code() == 0) {
            return app.exit(e, ctx.out, ctx.err); // --help, --version
        }
        // Every command-line mistake: one message, one hint, exit 2.
        const ParseSuggestion s = usage_error_for(e, app);
        print_error(ctx.err, s.message, s.hint);
        return k_exit_usage;
    } catch (const Error& e) {
        ctx.stop_pager();
        print_error(ctx.err, e.what(), e.hint());
        return exit_code_for(e.kind());
    } catch (const std::exception& e) {
        ctx.stop_pager();
        print_error(ctx.err, e.what(), "this is a bug in asc; please report it with the command you ran");
        return k_exit_error;
    }
    return k_exit_ok;
}

} // namespace

int run_command(Context& ctx, const std::vector<std::string>& args) {
    GlobalOptions& global = ctx.global;
    CLI::App app{"asc: Amazon seller order operations from the terminal: list, show, cancel and\n"
                 "ship orders, keep a local copy for reports."};
    build_app(app, global, ctx);
    // With --jq, the command's (json) output is collected and filtered at the end.
    std::stringstream jq_input;
    std::streambuf* out_buffer = nullptr;
    app.parse_complete_callback([&] {
        if (global.fields == "help") {
            print_fields_of_command(app, ctx.out);
        }
        if (!global.jq.empty()) {
            out_buffer = ctx.out.rdbuf(jq_input.rdbuf());
        }
    });
    if (args.size() <= 1) {
        print_short_help(app, ctx.out);
        ctx.out.flush();
        return k_exit_ok;
    }
    std::vector<std::string> copy = args;
    std::vector<char*> argv;
    for (auto& a : copy) {
        argv.push_back(a.data());
    }
    int code = parse_and_run(app, ctx, argv);
    if (out_buffer != nullptr) {
        ctx.out.rdbuf(out_buffer);
        try {
            JqProgram(global.jq).run(jq_input.str(), ctx.out);
        } catch (const Error& e) {
            print_error(ctx.err, e.what(), e.hint());
            code = code == k_exit_ok ? exit_code_for(e.kind()) : code;
        }
    }
    ctx.clear_progress();
    ctx.stop_pager();
    ctx.out.flush();
    if (interrupted() && code == k_exit_ok) {
        code = k_exit_interrupted;
    }
    return code;
}

int run(int argc, char** argv) {
    std::signal(SIGINT, on_sigint);
    std::signal(SIGPIPE, SIG_IGN);
    const HttpLibrary http_library;

    GlobalOptions global;
    // Commands write through these: anything written clears the progress line first.
    TerminalStreams streams(std::cout, std::cerr);
    Context ctx(global, streams.out(), streams.err(), &streams.progress);
    const int code = run_command(ctx, std::vector<std::string>(argv, argv + argc));
    streams.progress.clear();
    ctx.stop_pager();
    ctx.out.flush();
    std::cout.flush();
    return code;
}

} // namespace asc::cli
