// asc help [TOPIC | COMMAND...]: the help topics (formats, exit-codes, environment, config,
// examples: the texts of the man page's sections) or a command's --help. Also gives every command
// group an examples footer, so that every --help ends with examples.

#include "asc/base/errors.hpp"
#include "asc/output/output.hpp"
#include "commands.hpp"
#include "help_topics.hpp"
#include "suggest.hpp"

#include <fmt/format.h>
#include <memory>
#include <ostream>

namespace asc::cli {

namespace {

std::vector<CLI::App*> visible_subcommands(CLI::App& app) {
    return app.get_subcommands([](CLI::App* a) { return !a->get_group().empty(); });
}

std::string topic_list() {
    std::string out = "Help topics (asc help TOPIC):\n";
    for (const auto& t : help_topics()) {
        out += fmt::format("  {:<14}{}\n", t.name, t.summary);
    }
    return out;
}

// The first example line of a command's footer ("  asc orders list ..."), if any.
std::string first_example(const CLI::App& app) {
    const std::string footer = app.get_footer();
    const auto at = footer.find("Examples:\n");
    if (at == std::string::npos) {
        return {};
    }
    const auto start = at + 10;
    return footer.substr(start, footer.find('\n', start) - start);
}

} // namespace

void add_group_examples(CLI::App& app) {
    const auto subs = visible_subcommands(app);
    for (auto* sub : subs) {
        add_group_examples(*sub);
    }
    if (subs.empty() || !app.get_footer().empty()) {
        return;
    }
    std::string examples;
    for (auto* sub : subs) {
        if (const auto e = first_example(*sub); !e.empty()) {
            examples += "\n" + e;
        }
    }
    if (!examples.empty()) {
        app.footer("Examples:" + examples);
    }
}

namespace {

void run_help(CLI::App& root, const std::vector<std::string>& words, Context& ctx) {
    if (words.empty()) {
        // Not root.help(): that would print the help of the parsed subcommand, `help` itself.
        ctx.out << root.get_formatter()->make_help(&root, "asc", CLI::AppFormatMode::Normal);
        return;
    }
    if (const HelpTopic* topic = find_help_topic(words.front()); topic != nullptr && words.size() == 1) {
        const int columns = ctx.render_options().width;
        print_help_topic(ctx.out, *topic,
                         columns > 0 ? static_cast<std::size_t>(std::min(columns, 100)) : 80);
        return;
    }
    CLI::App* app = &root;
    std::string prev = "asc";
    for (const auto& w : words) {
        CLI::App* next = nullptr;
        for (auto* sub : visible_subcommands(*app)) {
            const auto& aliases = sub->get_aliases();
            if (sub->get_name() == w || std::find(aliases.begin(), aliases.end(), w) != aliases.end()) {
                next = sub;
            }
        }
        if (next == nullptr) {
            std::vector<std::string> candidates;
            for (auto* sub : visible_subcommands(*app)) {
                candidates.push_back(sub->get_name());
            }
            if (app == &root) {
                for (const auto& t : help_topics()) {
                    candidates.push_back(t.name);
                }
            }
            const auto near = nearest_word(w, candidates);
            throw Error(ErrorKind::Usage,
                        fmt::format("unknown help topic or command '{}'{}", strip_control(w),
                                    near ? fmt::format("; did you mean '{}'?", *near) : ""),
                        "asc help lists the topics and the commands");
        }
        prev += " " + next->get_name();
        app = next;
    }
    ctx.out << app->get_formatter()->make_help(app, prev, CLI::AppFormatMode::Normal);
}

} // namespace

void setup_help(CLI::App& app, Context& ctx) {
    if (app.get_footer().empty()) {
        app.footer("Examples:\n"
                   "  asc orders list --status unshipped --fulfilled-by merchant\n"
                   "  asc order show 112-1234567-1234567 --tab tracking\n"
                   "  asc order cancel 112-1234567-1234567 --reason NoInventory\n"
                   "  asc -q orders sync && asc report late -o csv\n\n" +
                   topic_list() + "Every command takes --help; man asc has it all.");
    }
    auto words = std::make_shared<std::vector<std::string>>();
    auto* cmd = app.add_subcommand(
        "help", "Help topics (formats, exit-codes, environment, config) or a command's help");
    cmd->add_option("topic", *words, "A topic, or a command such as: orders list");
    cmd->footer("Examples:\n  asc help exit-codes\n  asc help environment\n  asc help orders list");
    cmd->callback([&app, words, &ctx] { run_help(app, *words, ctx); });
}

} // namespace asc::cli
