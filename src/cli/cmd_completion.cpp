// asc completion bash|zsh|fish: the completion script, generated from the command tree.
// asc __complete KIND [PREFIX] (hidden): the values the scripts cannot know in advance: profile
//   names from the config file, order and feed ids from the local store. It reads files only:
//   never the network, never a write (the store is opened read-only), so Tab stays fast.
// asc __man (hidden): the man page, generated from the same tree (scripts/regen-docs).

#include "asc/config.hpp"
#include "commands.hpp"
#include "docgen.hpp"

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <ostream>
#include <sqlite3.h>

namespace asc::cli {

namespace {

struct CompleteOptions {
    std::string kind;
    std::string prefix;
};

std::string env(const char* name) {
    const char* v = std::getenv(name);
    return v == nullptr ? std::string() : std::string(v);
}

// The config file as load_settings() finds it: --config > ASC_CONFIG > $XDG_CONFIG_HOME/asc.
std::filesystem::path config_path(const Context& ctx) {
    if (!ctx.global.settings.config_path.empty()) {
        return ctx.global.settings.config_path;
    }
    if (auto p = env("ASC_CONFIG"); !p.empty()) {
        return p;
    }
    std::filesystem::path base = env("XDG_CONFIG_HOME");
    if (base.empty() || base.is_relative()) {
        base = std::filesystem::path(env("HOME")) / ".config";
    }
    return base / "asc" / "config.toml";
}

// Rows of a read-only query on the store; nothing when there is no store or it cannot be read.
std::vector<std::string> query_store(Context& ctx, const char* sql, const std::string& prefix) {
    std::vector<std::string> out;
    std::filesystem::path path;
    try {
        path = ctx.settings().store_path;
    } catch (const std::exception&) {
        return out; // an unusable configuration: nothing to offer
    }
    std::error_code ec;
    if (path.empty() || !std::filesystem::is_regular_file(path, ec)) {
        return out;
    }
    sqlite3* raw = nullptr;
    const int rc = sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READONLY, nullptr);
    std::unique_ptr<sqlite3, decltype(&sqlite3_close)> db(raw, &sqlite3_close);
    if (rc != SQLITE_OK) {
        return out;
    }
    sqlite3_busy_timeout(db.get(), 200);
    sqlite3_stmt* raw_stmt = nullptr;
    if (sqlite3_prepare_v2(db.get(), sql, -1, &raw_stmt, nullptr) != SQLITE_OK) {
        return out; // an older or foreign schema
    }
    std::unique_ptr<sqlite3_stmt, decltype(&sqlite3_finalize)> stmt(raw_stmt, &sqlite3_finalize);
    // Ids are ASCII: [prefix, prefix + DEL) is every id that starts with the prefix.
    const std::string upper = prefix + '\x7f';
    sqlite3_bind_text(stmt.get(), 1, prefix.c_str(), static_cast<int>(prefix.size()), SQLITE_TRANSIENT);
    sqlite3_bind_text(stmt.get(), 2, upper.c_str(), static_cast<int>(upper.size()), SQLITE_TRANSIENT);
    while (sqlite3_step(stmt.get()) == SQLITE_ROW) {
        if (const auto* text = sqlite3_column_text(stmt.get(), 0); text != nullptr) {
            out.emplace_back(reinterpret_cast<const char*>(text));
        }
    }
    return out;
}

void run_complete(const CompleteOptions& o, Context& ctx) {
    std::vector<std::string> values;
    if (o.kind == "profiles") {
        try {
            values = profile_names(config_path(ctx));
        } catch (const std::exception&) {
            // a malformed config: nothing to offer on Tab
        }
    } else if (o.kind == "order-ids") {
        values = query_store(ctx,
                             "SELECT order_id FROM orders WHERE order_id >= ?1 AND order_id < ?2 "
                             "ORDER BY purchase_date DESC LIMIT 1000",
                             o.prefix);
    } else if (o.kind == "feed-ids") {
        values = query_store(ctx,
                             "SELECT feed_id FROM cancel_journal WHERE feed_id >= ?1 AND feed_id < ?2 "
                             "GROUP BY feed_id ORDER BY max(created_at) DESC LIMIT 200",
                             o.prefix);
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
        ->check(CLI::IsMember({"bash", "zsh", "fish"}));
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
