// asc config show | list | use: the effective settings and where each came from (secrets
// masked), the profiles of the config file, and which one is the default. `init` and `check` are
// in cmd_config_init.cpp.

#include "asc/config/config.hpp"
#include "asc/config/keys.hpp"
#include "asc/base/errors.hpp"
#include "asc/base/strings.hpp"
#include "asc/http/http.hpp"
#include "asc/store/store.hpp"
#include "commands.hpp"
#include "config_commands.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <ostream>

namespace asc::cli {

namespace {

const std::vector<Field> k_show_fields{{"key", "KEY"}, {"value", "VALUE"}, {"source", "SOURCE"}};

// The rows `config show` prints: every setting of the table (keys.hpp), or only `keys`; commerce
// settings only with a commerce link. Error(Usage) for a key that is not a setting.
std::vector<std::pair<std::string, std::string>> show_rows(const Settings& s, const std::vector<std::string>& keys) {
    for (const auto& k : keys) {
        if (find_setting_key(k) == nullptr) {
            throw Error(ErrorKind::Usage, fmt::format("'{}' is not a setting", k),
                        fmt::format("the settings are {}", join(setting_key_names(), ", ")));
        }
    }
    std::vector<std::pair<std::string, std::string>> rows;
    for (const auto& key : setting_keys()) {
        if (!keys.empty() && std::find(keys.begin(), keys.end(), key.name) == keys.end()) {
            continue;
        }
        if (auto text = setting_text(s, key)) {
            if (key.name == "store") {
                // A postgresql:// URI is shown without any password it carries.
                rows.emplace_back(key.name, redact_store_setting(*text));
            } else {
                rows.emplace_back(key.name, key.type == SettingType::Url ? redact(*text) : *text);
            }
        }
    }
    return rows;
}

void run_config_show(Context& ctx, const std::vector<std::string>& keys) {
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
    const auto rows = show_rows(s, keys);
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

void run_config_list(Context& ctx) {
    const auto path = ctx.config_file();
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
    const auto path = ctx.config_file();
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
    auto keys = std::make_shared<std::vector<std::string>>();
    show->add_option("key", *keys, "Only these settings (the first column of the full list)");
    show->footer("A config or secret file that others can read is shown with a warning (other commands refuse it).\n\n"
                 "Examples:\n  asc config show\n  asc config show store endpoint\n  asc --profile eu config show -o json");
    show->callback([&ctx, keys] { run_config_show(ctx, *keys); });

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
