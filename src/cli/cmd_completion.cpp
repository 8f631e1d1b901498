// asc completion bash|zsh|fish: the completion script, generated from the command tree.
// asc __complete KIND [PREFIX] (hidden): the values the scripts cannot know in advance: profile
//   names from the config file, order and feed ids from the store. It reads files only (or, for a
//   PostgreSQL store, that database with short timeouts): never Amazon, never a write (the store
//   is opened read-only), so Tab stays fast.
// asc __man (hidden): the man page, generated from the same tree (scripts/regen-docs).

#include "asc/config/config.hpp"
#include "asc/store/store.hpp"
#include "commands.hpp"
#include "suggest.hpp"
#include "docgen.hpp"

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <ostream>

namespace asc::cli {

namespace {

struct CompleteOptions {
    std::string kind;
    std::string prefix;
};

// Ids from the local store; nothing when the configuration cannot say where it is.
std::vector<std::string> store_ids(Context& ctx, CompletionKind kind, const std::string& prefix) {
    try {
        const Settings& s = ctx.settings();
        StoreOptions options;
        options.account = s.seller_id; // as Context::store() opens it
        options.password_file = s.store_password_file;
        return completion_ids(s.store_path.string(), options, kind, prefix);
    } catch (const std::exception&) {
        return {}; // an unusable configuration: nothing to offer
    }
}

void run_complete(const CompleteOptions& o, Context& ctx) {
    std::vector<std::string> values;
    if (o.kind == "profiles") {
        try {
            values = profile_names(ctx.config_file());
        } catch (const std::exception&) {
            // a malformed config: nothing to offer on Tab
        }
    } else if (o.kind == "order-ids") {
        values = store_ids(ctx, CompletionKind::order_ids, o.prefix);
    } else if (o.kind == "feed-ids") {
        values = store_ids(ctx, CompletionKind::feed_ids, o.prefix);
    }
    for (const auto& v : values) {
        if (v.compare(0, o.prefix.size(), o.prefix) == 0) {
            ctx.out << v << '\n';
        }
    }
}

} // namespace

void setup_completion(CLI::App& app, Context& ctx) {
    auto shell = std::make_shared<std::string>();
    auto* cmd = app.add_subcommand("completion", "Print the shell completion script for bash, zsh or fish");
    cmd->add_option("shell", *shell, "bash, zsh or fish")
        ->required()
        ->check(one_of({"bash", "zsh", "fish"}, false));
    cmd->footer(
        "Packages install the scripts where the shells find them; otherwise load one from your shell's\n"
        "startup file. Completes commands, flags, statuses, reasons, fields, profiles from the config\n"
        "and order ids from the local store (no request on Tab).\n\n"
        "Examples:\n"
        "  source <(asc completion bash)                     # in ~/.bashrc\n"
        "  asc completion zsh > \"${fpath[1]}/_asc\"           # then restart zsh\n"
        "  asc completion fish > ~/.config/fish/completions/asc.fish");
    cmd->callback([shell, &app, &ctx] {
        const auto tree = docgen::describe(app);
        if (*shell == "bash") {
            ctx.out << docgen::bash_completion(tree);
        } else if (*shell == "zsh") {
            ctx.out << docgen::zsh_completion(tree);
        } else {
            ctx.out << docgen::fish_completion(tree);
        }
    });

    auto complete = std::make_shared<CompleteOptions>();
    auto* hidden = app.add_subcommand("__complete", "Values for the completion scripts")->group("");
    hidden->add_option("kind", complete->kind)->required()->check(CLI::IsMember(docgen::dynamic_kinds()));
    hidden->add_option("prefix", complete->prefix);
    hidden->callback([complete, &ctx] { run_complete(*complete, ctx); });

    auto* man = app.add_subcommand("__man", "The man page (roff)")->group("");
    man->callback([&app, &ctx] { ctx.out << docgen::man_page(docgen::describe(app)); });
}

} // namespace asc::cli
