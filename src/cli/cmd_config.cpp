// asc config show | list | use: the effective settings and where each came from (secrets
// masked), the profiles of the config file, and which one is the default. `init` and `check` are
// in cmd_config_init.cpp.

#include "asc/config/config.hpp"
#include "asc/base/strings.hpp"
#include "asc/http/http.hpp"
#include "commands.hpp"
#include "config_commands.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <ostream>

namespace asc::cli {

namespace {

const std::vector<Field> k_show_fields{{"key", "KEY"}, {"value", "VALUE"}, {"source", "SOURCE"}};

void run_config_show(Context& ctx) {
    // A config or secret file others can read is shown, with a warning, not refused: this is how
    // one finds out what to fix.
    ctx.global.settings.inspect_only = true;
    const Settings& s = ctx.settings();
    for (const auto& w : s.warnings) {
        ctx.err << "asc: warning: " << w << '\n';
    }
    auto source = [&s](const std::string& key) {
        const auto it = s.sources.find(key);
        return it == s.sources.end() ? std::string("default") : it->second;
    };
    std::vector<std::pair<std::string, std::string>> rows{
        {"profile", s.profile},
        {"config", s.config_path.string() + (s.config_exists ? "" : " (not found)")},
        {"region", s.region},
        {"endpoint", redact(s.endpoint)},
        {"lwa_endpoint", redact(s.lwa_endpoint)},
        {"marketplace_ids", join(s.marketplace_ids, ",")},
        {"seller_id", s.seller_id.empty() ? "(not set)" : s.seller_id},
        {"client_id", s.client_id.empty() ? "(not set)" : s.client_id},
        {"client_secret", mask_secret(s.client_secret)},
        {"refresh_token", mask_secret(s.refresh_token)},
        {"store", redact_store_setting(s.store_path.string())},
        {"store_pii", s.store_pii ? "true" : "false"},
        {"store_password_file", s.store_password_file.string()},
    };
    if (s.commerce) {
        const CommerceSettings& c = *s.commerce;
        rows.insert(rows.end(), {{"commerce_url", c.base_url.empty() ? "(not set)" : redact(c.base_url)},
                                 {"commerce_token", mask_secret(c.access_token)},
                                 {"commerce_link_field", c.link_field},
                                 {"commerce_on_cancel", c.on_cancel},
                                 {"commerce_cancel_status", c.cancel_status.empty() ? "(not set)" : c.cancel_status},
                                 {"commerce_store_code", c.store_code}});
    }
    if (ctx.format() != Format::Table) {
        std::vector<Record> records;
        for (const auto& [key, value] : rows) {
            Record r = Record::object();
            r["key"] = key;
            r["value"] = value;
            r["source"] = source(key);
            records.push_back(std::move(r));
        }
        if (ctx.format() == Format::Json) {
            // One object, key -> {value, source}: what a script wants to read.
            Record all = Record::object();
            for (const auto& r : records) {
                all[r["key"].get<std::string>()] = {{"value", r["value"]}, {"source", r["source"]}};
            }
            ctx.out << all.dump(2) << '\n';
            return;
        }
        render_rows(ctx, k_show_fields, records, "key");
        return;
    }
    std::size_t width = 16;
    for (const auto& row : rows) {
        width = std::max(width, row.first.size());
    }
    for (const auto& [key, value] : rows) {
        ctx.out << fmt::format("{:<{}} {:<50} ({})\n", key, width, value, source(key));
    }
}

const std::vector<Field> k_list_fields{{"name", "PROFILE"},
                                       {"default", "DEFAULT"},
                                       {"region", "REGION"},
                                       {"marketplace_ids", "MARKETPLACES"},
                                       {"commerce", "COMMERCE"}};

std::filesystem::path config_path(Context& ctx) {
    const auto& flag = ctx.global.settings.config_path;
    return flag.empty() ? default_config_path() : std::filesystem::path(flag);
}

void run_config_list(Context& ctx) {
    const auto path = config_path(ctx);
    const auto profiles = list_profiles(path);
    if (profiles.empty() && !ctx.global.quiet) {
        ctx.err << fmt::format("asc: no profiles in {}; `asc config init` creates one\n", path.string());
    }
    std::vector<Record> rows;
    for (const auto& p : profiles) {
        Record r = Record::object();
        r["name"] = p.name;
        r["default"] = p.is_default;
        r["region"] = p.region;
        r["marketplace_ids"] = join(p.marketplace_ids, ",");
        r["commerce"] = p.has_commerce;
        rows.push_back(std::move(r));
    }
    render_rows(ctx, k_list_fields, rows, "name");
}

void run_config_use(Context& ctx, const std::string& name) {
    const auto path = config_path(ctx);
    set_default_profile(path, name);
    if (!ctx.global.quiet) {
        ctx.err << fmt::format("asc: {} is now the default profile ({})\n", name, path.string());
    }
}

} // namespace

void setup_config(CLI::App& app, Context& ctx) {
    auto* config = app.add_subcommand("config", "Set up and inspect profiles: init, show, list, use, check");
    config->require_subcommand(1);
    setup_config_init(*config, ctx);
    auto* show = config->add_subcommand("show", "Print the effective settings, secrets masked, with their source");
    show->footer("A config or secret file that others can read is shown with a warning (other commands refuse it).\n\n"
                 "Examples:\n  asc config show\n  asc --profile eu config show -o json");
    show->callback([&ctx] { run_config_show(ctx); });

    auto* list = config->add_subcommand("list", "The profiles of the config file: which is the default, which "
                                                "have a commerce link");
    list->footer("Examples:\n  asc config list\n  asc config list -o json");
    list->callback([&ctx] { run_config_list(ctx); });

    auto name = std::make_shared<std::string>();
    auto* use = config->add_subcommand("use", "Make a profile the default (default_profile in the config file)");
    use->add_option("name", *name, "The profile")->required();
    use->footer("Examples:\n  asc config use prod");
    use->callback([&ctx, name] { run_config_use(ctx, *name); });
    setup_config_check(*config, ctx);
}

} // namespace asc::cli
