// asc config show: the effective settings and where each came from, secrets masked.

#include "asc/config/config.hpp"
#include "commands.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <ostream>

namespace asc::cli {

namespace {

void run_config_show(Context& ctx) {
    const Settings& s = ctx.settings();
    auto source = [&s](const std::string& key) {
        const auto it = s.sources.find(key);
        return it == s.sources.end() ? std::string("default") : it->second;
    };
    std::string marketplaces;
    for (const auto& m : s.marketplace_ids) {
        marketplaces += (marketplaces.empty() ? "" : ",") + m;
    }
    std::vector<std::pair<std::string, std::string>> rows{
        {"profile", s.profile},
        {"config", s.config_path.string() + (s.config_exists ? "" : " (not found)")},
        {"region", s.region},
        {"endpoint", s.endpoint},
        {"lwa_endpoint", s.lwa_endpoint},
        {"marketplace_ids", marketplaces},
        {"seller_id", s.seller_id.empty() ? "(not set)" : s.seller_id},
        {"client_id", s.client_id.empty() ? "(not set)" : s.client_id},
        {"client_secret", mask_secret(s.client_secret)},
        {"refresh_token", mask_secret(s.refresh_token)},
        {"store", s.store_path.string()},
        {"store_pii", s.store_pii ? "true" : "false"},
    };
    if (s.commerce) {
        const CommerceSettings& c = *s.commerce;
        rows.insert(rows.end(), {{"commerce_url", c.base_url.empty() ? "(not set)" : c.base_url},
                                 {"commerce_token", mask_secret(c.access_token)},
                                 {"commerce_link_field", c.link_field},
                                 {"commerce_on_cancel", c.on_cancel},
                                 {"commerce_cancel_status", c.cancel_status.empty() ? "(not set)" : c.cancel_status},
                                 {"commerce_store_code", c.store_code}});
    }
    std::size_t width = 16;
    for (const auto& row : rows) {
        width = std::max(width, row.first.size());
    }
    for (const auto& [key, value] : rows) {
        ctx.out << fmt::format("{:<{}} {:<50} ({})\n", key, width, value, source(key));
    }
}

} // namespace

void setup_config(CLI::App& app, Context& ctx) {
    auto* config = app.add_subcommand("config", "Show the effective configuration");
    config->require_subcommand(1);
    auto* show = config->add_subcommand("show", "Print the effective settings, secrets masked, with their source");
    show->footer("Examples:\n  asc config show\n  asc --profile eu config show");
    show->callback([&ctx] { run_config_show(ctx); });
}

} // namespace asc::cli
