// The documentation generated from the command tree: every command's help ends with examples,
// the man page and the completion scripts cover every command and flag, the help topics cover
// every exit code; and the pieces behind them (nearest-command suggestions, --jq, the progress
// line).

#include "asc/base/errors.hpp"
#include "docgen.hpp"
#include "exit_codes.hpp"
#include "help_topics.hpp"
#include "jq_filter.hpp"
#include "progress.hpp"
#include "run.hpp"
#include "help_format.hpp"
#include "suggest.hpp"
#include "pager.hpp"
#include "terminal_size.hpp"

#include <map>

#include <doctest/doctest.h>
#include <sstream>

namespace {

using namespace asc::cli;

// The real command tree, as `asc` builds it.
struct Tree {
    GlobalOptions global;
    std::ostringstream out, err;
    Context ctx{global, out, err};
    CLI::App app{"asc"};
    Tree() { build_app(app, global, ctx); }
};

bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

} // namespace

TEST_CASE("every command's --help ends with examples") {
    Tree t;
    const auto root = docgen::describe(t.app);
    for (const auto* c : docgen::flatten(root)) {
        CAPTURE(c->joined());
        const auto at = c->footer.find("Examples:\n");
        REQUIRE(at != std::string::npos);
        const std::string examples = c->footer.substr(at);
        CHECK(contains(examples, "\n  asc ") == true);
        if (c->path.empty()) {
            continue; // asc --help goes on with the help topics
        }
        // ...and ends with them: every line after "Examples:" is an indented example.
        std::istringstream lines(examples.substr(10));
        for (std::string line; std::getline(lines, line);) {
            CHECK(line.starts_with("  "));
        }
    }
}

TEST_CASE("the tree has the commands and hides the internal ones") {
    Tree t;
    const auto root = docgen::describe(t.app);
    std::vector<std::string> names;
    for (const auto* c : docgen::flatten(root)) {
        names.push_back(c->joined());
    }
    for (const char* expected : {"orders list", "orders show", "orders sync", "completion", "help"}) {
        CHECK(std::find(names.begin(), names.end(), expected) != names.end());
    }
    CHECK(std::find(names.begin(), names.end(), "__complete") == names.end());
    CHECK(std::find(names.begin(), names.end(), "__man") == names.end());
    const auto& orders = root.commands.front();
    CHECK(orders.name() == "orders");
    CHECK(orders.aliases == std::vector<std::string>{"order"});
}

TEST_CASE("value completions are keyed by the option's long name") {
    docgen::OptionDoc status;
    status.long_names = {"status"};
    status.takes_value = true;
    const auto vc = docgen::value_completion(status);
    CHECK(vc.kind == docgen::ValueCompletion::Kind::Words);
    CHECK(std::find(vc.words.begin(), vc.words.end(), "Unshipped") != vc.words.end());

    docgen::OptionDoc profile;
    profile.long_names = {"profile"};
    profile.takes_value = true;
    CHECK(docgen::value_completion(profile).dynamic == "profiles");

    docgen::OptionDoc flag; // a flag named like a valued option takes no value
    flag.long_names = {"status"};
    CHECK(docgen::value_completion(flag).kind == docgen::ValueCompletion::Kind::None);

    const auto fields = docgen::all_field_names();
    for (const char* f : {"order_id", "purchase_date", "sku", "tracking_number", "outcome"}) {
        CHECK(std::find(fields.begin(), fields.end(), f) != fields.end());
    }
}

TEST_CASE("the completion scripts name every command and flag") {
    Tree t;
    const auto root = docgen::describe(t.app);
    const std::string bash = docgen::bash_completion(root);
    const std::string zsh = docgen::zsh_completion(root);
    const std::string fish = docgen::fish_completion(root);
    CHECK(zsh.starts_with("#compdef asc\n"));
    CHECK(contains(bash, "complete -F _asc asc"));
    for (const auto* c : docgen::flatten(root)) {
        if (c->path.empty()) {
            continue;
        }
        CAPTURE(c->joined());
        CHECK(contains(bash, "REPLY='" + c->joined() + "'"));
        CHECK(contains(zsh, "REPLY='" + c->joined() + "'"));
        CHECK(contains(fish, "echo '" + c->joined() + "'"));
        for (const auto& o : c->options) {
            for (const auto& l : o.long_names) {
                CHECK(contains(bash, " --" + l));
                CHECK(contains(fish, " -l " + l));
            }
        }
    }
    CHECK(contains(bash, "__complete"));
    CHECK(contains(fish, "(__asc_dynamic order-ids)"));
}

TEST_CASE("the man page has every section, command and exit code") {
    Tree t;
    const std::string page = docgen::man_page(docgen::describe(t.app));
    for (const char* section : {"NAME", "SYNOPSIS", "DESCRIPTION", "COMMANDS", "OPTIONS", "OUTPUT FORMATS",
                                "EXIT STATUS", "ENVIRONMENT", "FILES", "EXAMPLES", "SEE ALSO"}) {
        CHECK(contains(page, std::string(".SH ") + section + "\n"));
    }
    CHECK(contains(page, ".SS \"asc orders list\"\n"));
    CHECK(contains(page, "\\fB\\-\\-status\\fR \\fITEXT\\fR"));
    for (const char* code : {"0", "1", "2", "3", "4", "5", "6", "75", "78", "130"}) {
        CHECK(contains(page, std::string(".TP\n.B ") + code + "\n"));
    }
    for (const char* var : {"ASC_PROFILE", "NO_COLOR", "CLICOLOR_FORCE", "COLUMNS", "XDG_CONFIG_HOME"}) {
        CHECK(contains(page, var));
    }
    // No line starts with a control character by accident, and no raw non-ASCII byte.
    std::istringstream lines(page);
    for (std::string line; std::getline(lines, line);) {
        CAPTURE(line);
        CHECK((line.empty() || line[0] != '\'') == true);
        CHECK(std::none_of(line.begin(), line.end(),
                           [](char c) { return static_cast<unsigned char>(c) >= 0x80; }));
    }
}

TEST_CASE("the exit-codes topic lists every exit code the tool uses") {
    const HelpTopic* topic = find_help_topic("exit-codes");
    REQUIRE(topic != nullptr);
    std::vector<std::string> terms;
    for (const auto& b : topic->blocks) {
        terms.push_back(b.term);
    }
    for (int code : {k_exit_ok, k_exit_error, k_exit_usage, k_exit_not_found, k_exit_auth, k_exit_refused,
                     k_exit_partial, k_exit_declined, k_exit_temporary, k_exit_config, k_exit_interrupted}) {
        CHECK(std::find(terms.begin(), terms.end(), std::to_string(code)) != terms.end());
    }
    for (const char* name : {"environment", "exit-codes", "formats", "config"}) {
        CHECK(find_help_topic(name) != nullptr);
    }
    std::ostringstream out;
    print_help_topic(out, *topic, 60);
    std::istringstream lines(out.str());
    for (std::string line; std::getline(lines, line);) {
        CHECK(line.size() <= 60);
    }
    CHECK(contains(out.str(), "  130                   Interrupted: Ctrl-C, or Ctrl-D"));
    CHECK(contains(out.str(), "  7                     Declined: you answered no"));
}

TEST_CASE("one_of accepts any case, and suggests the nearest value or lists them all") {
    const CLI::Validator v = one_of({"details", "items", "tracking", "all"});
    std::string value = "ITEMS";
    CHECK(v(value).empty());
    CHECK(value == "items");
    value = "item";
    CHECK(v(value) == "'item' is not a valid value; did you mean 'items'? (the choices: details, items, tracking, all)");
    value = "zzzzzzzz";
    CHECK(v(value) == "'zzzzzzzz' is not a valid value; the choices: details, items, tracking, all");
}

TEST_CASE("help descriptions wrap at spaces to the width") {
    CHECK(wrap_words("one two three four", 9) == std::vector<std::string>{"one two", "three", "four"});
    CHECK(wrap_words("averyveryverylongword x", 5) == std::vector<std::string>{"averyveryverylongword", "x"});
}

TEST_CASE("a mistyped command or flag gets the nearest one") {
    CHECK(edit_distance("shwo", "show") == 2);
    CHECK(edit_distance("", "abc") == 3);
    CHECK(nearest_word("shwo", {"list", "show", "sync", "cancel"}) == "show");
    CHECK(nearest_word("ordrs", {"orders", "store"}) == "orders");
    CHECK(nearest_word("can", {"list", "cancel"}) == "cancel");
    CHECK_FALSE(nearest_word("xyz", {"orders", "store", "report"}).has_value());

    auto parse_error = [](std::vector<std::string> args) -> std::optional<ParseSuggestion> {
        Tree t;
        std::reverse(args.begin(), args.end()); // CLI11 takes them in reverse
        try {
            t.app.parse(args);
        } catch (const CLI::ParseError&) {
            return suggest_for_parse_error(t.app);
        }
        return std::nullopt;
    };
    auto s = parse_error({"order", "shwo"});
    REQUIRE(s.has_value());
    CHECK(s->message == "unknown command 'shwo'; did you mean 'show'?");
    CHECK(s->hint == "run 'asc orders --help' to see its commands");
    s = parse_error({"orders", "list", "--stauts", "x"});
    REQUIRE(s.has_value());
    CHECK(s->message == "unknown flag '--stauts'; did you mean '--status'?");
    s = parse_error({"frobnicate"});
    REQUIRE(s.has_value());
    CHECK(s->message == "unknown command 'frobnicate' for 'asc'");
    CHECK_FALSE(parse_error({"orders", "show"}).has_value()); // a missing argument is not a typo
    s = parse_error({"orders"});
    REQUIRE(s.has_value());
    CHECK(s->message.starts_with("'asc orders' needs a command: list, show"));
}

TEST_CASE("--jq filters JSON like gh --jq") {
    std::ostringstream out;
    JqProgram(".[] | .id").run(R"([{"id":"a"},{"id":2}])", out);
    CHECK(out.str() == "a\n2\n"); // strings raw, the rest as JSON

    std::ostringstream lines;
    JqProgram("{s: .status}").run("{\"status\":\"Shipped\"}\n{\"status\":\"Canceled\"}\n", lines);
    CHECK(lines.str() == "{\"s\":\"Shipped\"}\n{\"s\":\"Canceled\"}\n");

    CHECK_THROWS_AS(JqProgram(".["), asc::Error);
    CHECK(jq_program_error(".[").starts_with("invalid jq program: syntax error"));
    CHECK(jq_program_error(".a").empty());
    std::ostringstream ignored;
    try {
        JqProgram(".a.b").run("[1]", ignored);
        FAIL("a runtime error must throw");
    } catch (const asc::Error& e) {
        CHECK(e.kind() == asc::ErrorKind::Usage);
    }
}

TEST_CASE("the progress line is cleared before anything else is written") {
    std::stringbuf out_target, err_target;
    std::ostream out(&out_target), err(&err_target);
    TerminalStreams streams(out, err);
    streams.progress.show("page 1: 100 orders so far");
    CHECK(err_target.str() == "\r\x1b[Kpage 1: 100 orders so far");
    streams.out() << "row\n";
    CHECK(err_target.str() == "\r\x1b[Kpage 1: 100 orders so far\r\x1b[K");
    CHECK(out_target.str() == "row\n");
    streams.progress.show("page 2");
    streams.err() << "synced 200 orders\n";
    CHECK(err_target.str().ends_with("\r\x1b[Kpage 2\r\x1b[Ksynced 200 orders\n"));
    streams.progress.clear(); // nothing shown: nothing written
    CHECK(err_target.str().ends_with("synced 200 orders\n"));
}

TEST_CASE("COLUMNS is read strictly: a plain width or nothing") {
    CHECK(parse_columns("80") == 80);
    CHECK(parse_columns("1") == 1);
    CHECK(parse_columns("9999") == 9999);
    CHECK_FALSE(parse_columns("").has_value());
    CHECK_FALSE(parse_columns("0").has_value());
    CHECK_FALSE(parse_columns("-80").has_value());
    CHECK_FALSE(parse_columns("+80").has_value());
    CHECK_FALSE(parse_columns("80x").has_value()); // atoi read 80 here
    CHECK_FALSE(parse_columns("wide").has_value());
    CHECK_FALSE(parse_columns("10000").has_value());
    CHECK_FALSE(parse_columns("99999999999999999999").has_value());
    // Off a terminal (fd -1 is none), a bad COLUMNS gives "unknown", not a half-read number.
    CHECK(terminal_columns(std::string("120"), -1) == 120);
    CHECK(terminal_columns(std::string("12O"), -1) == 0);
    CHECK(terminal_columns(std::nullopt, -1) == 0);
}

TEST_CASE("the pager and the help width come from the run's environment, not the process's") {
    std::map<std::string, std::string> vars;
    const asc::EnvLookup env = [&vars](const std::string& name) -> std::optional<std::string> {
        const auto it = vars.find(name);
        return it == vars.end() ? std::nullopt : std::optional<std::string>(it->second);
    };
    CHECK(pager_command(env) == "less -FRX");
    vars["PAGER"] = "more";
    CHECK(pager_command(env) == "more");
    vars["ASC_PAGER"] = "most -s";
    CHECK(pager_command(env) == "most -s"); // ASC_PAGER before PAGER
    vars["ASC_PAGER"] = "";
    CHECK(pager_command(env).empty()); // set but empty: no pager
    vars["ASC_PAGER"] = "cat";
    CHECK(pager_command(env).empty());

    vars["COLUMNS"] = "57";
    GlobalOptions global;
    std::ostringstream out, err;
    ContextIo io;
    io.env = env;
    Context ctx{global, out, err, nullptr, io};
    CHECK(ctx.help_width() == 57);
    CHECK(ctx.table_width() == 57);
    // Every help page wraps at that width (CLI11 copies the formatter to every subcommand). Two
    // kinds of line may not: an example command (it must stay copyable), and an option's own
    // name with its choices or a single word longer than the room, which have no space to break at.
    CLI::App app{"asc"};
    build_app(app, global, ctx);
    std::vector<const CLI::App*> pages{&app};
    for (std::size_t i = 0; i < pages.size(); ++i) {
        for (const CLI::App* sub : pages[i]->get_subcommands([](const CLI::App*) { return true; })) {
            pages.push_back(sub);
        }
    }
    CHECK(pages.size() > 20);
    for (const CLI::App* page : pages) {
        std::istringstream lines(page->help());
        for (std::string line; std::getline(lines, line);) {
            const auto first = line.find_first_not_of(' ');
            const std::string word = first == std::string::npos ? "" : line.substr(first);
            const bool example = first >= 2 && contains(line, "asc ");
            if (example || line.starts_with("  -") || !contains(word, " ")) {
                continue;
            }
            INFO(page->get_name(), ": ", line);
            CHECK(line.size() <= 57);
        }
    }
}
