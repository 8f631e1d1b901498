// The settings table (keys.hpp): one row per setting, read by load_settings(), `config show`,
// the ENVIRONMENT section of the man page and the completions.

#include "asc/config/keys.hpp"

#include "asc/base/strings.hpp"

#include <algorithm>
#include <array>
#include <fmt/format.h>

namespace asc {

namespace {

using T = SettingType;
using Table = SettingTable;
using F = FlagSettings;
using S = Settings;
using C = CommerceSettings;

// clang-format off
const std::array k_setting_keys{
    //         name               type       table           config key        environment           flag            flag name       default                                           description                                                                                   slot
    SettingKey{"profile",         T::Text,   Table::None,    "",               "ASC_PROFILE",        &F::profile,     "--profile",    "",                                               "The profile of the config file to use (else default_profile of the config file, else default)",                                                &S::profile},
    SettingKey{"config",          T::Path,   Table::None,    "",               "ASC_CONFIG",         &F::config_path, "--config",     "$XDG_CONFIG_HOME/asc/config.toml",               "The config file",                                                                            &S::config_path},
    SettingKey{"region",          T::Text,   Table::Profile, "region",         "",                   nullptr,         "",             "na",                                             "The region of the production hosts: na, eu or fe",                                           &S::region},
    SettingKey{"endpoint",        T::Url,    Table::Profile, "endpoint",       "ASC_ENDPOINT",       &F::endpoint,    "--endpoint",   "the region's host",                              "The SP-API base URL, e.g. the simulator's http://127.0.0.1:PORT",                            &S::endpoint},
    SettingKey{"lwa_endpoint",    T::Url,    Table::Profile, "lwa_endpoint",   "ASC_LWA_ENDPOINT",   nullptr,         "",             "https://api.amazon.com/auth/o2/token",           "The Login with Amazon token URL",                                                            &S::lwa_endpoint},
    SettingKey{"marketplace_ids", T::List,   Table::Profile, "marketplace_ids", "ASC_MARKETPLACE",   &F::marketplace, "",             "the region's first marketplace",                 "Marketplace ids, comma-separated (e.g. ATVPDKIKX0DER)",                                      &S::marketplace_ids},
    SettingKey{"seller_id",       T::Text,   Table::Profile, "seller_id",      "ASC_SELLER_ID",      nullptr,         "",             "",                                               "The merchant token that signs cancellation feeds",                                           &S::seller_id},
    SettingKey{"client_id",       T::Text,   Table::Profile, "client_id",      "ASC_CLIENT_ID",      nullptr,         "",             "",                                               "The LWA client id of the SP-API application",                                                &S::client_id},
    SettingKey{"client_secret",   T::Secret, Table::Profile, "client_secret",  "ASC_CLIENT_SECRET",  nullptr,         "",             "",                                               "The LWA client secret of the SP-API application",                                            &S::client_secret},
    SettingKey{"refresh_token",   T::Secret, Table::Profile, "refresh_token",  "ASC_REFRESH_TOKEN",  nullptr,         "",             "",                                               "The LWA refresh token of the seller's authorization",                                        &S::refresh_token},
    SettingKey{"store",           T::Path,   Table::Profile, "store",          "ASC_STORE",          &F::store,       "",             "$XDG_DATA_HOME/asc/PROFILE.db",                  "The local store: a file (SQLite) or a postgresql:// URI without password",                &S::store_path},
    SettingKey{"store_password_file", T::Path, Table::Profile, "store_password_file", "ASC_STORE_PASSWORD_FILE", nullptr, "",     "",                                               "A 0600 file holding the PostgreSQL store's password (else PGPASSFILE or ~/.pgpass)",       &S::store_password_file},
    SettingKey{"store_pii",       T::Boolean, Table::Profile, "store_pii",     "",                   nullptr,         "",             "false",                                          "Keep buyer names and addresses in the store",                                                &S::store_pii},
    SettingKey{"pager",           T::Boolean, Table::Profile, "pager",         "",                   nullptr,         "",             "true",                                           "Page long tables on a terminal (false: never; --no-pager for one command)",                  &S::pager},
    SettingKey{"commerce_url",    T::Url,    Table::Commerce, "base_url",      "ASC_COMMERCE_URL",   nullptr,         "",             "",                                               "The Adobe Commerce (Magento) base URL of the commerce link",                                 &C::base_url},
    SettingKey{"commerce_token",  T::Secret, Table::Commerce, "access_token",  "ASC_COMMERCE_TOKEN", nullptr,         "",             "",                                               "The Adobe Commerce (Magento) access token of the commerce link",                             &C::access_token},
    SettingKey{"commerce_link_field", T::Text, Table::Commerce, "link_field",  "",                   nullptr,         "",             "ext_order_id",                                   "The Magento order field holding the Amazon order id: ext_order_id or increment_id",          &C::link_field},
    SettingKey{"commerce_on_cancel", T::Text, Table::Commerce, "on_cancel",    "",                   nullptr,         "",             "auto",                                           "What a canceled Amazon order does to its Magento order: auto or comment",                    &C::on_cancel},
    SettingKey{"commerce_cancel_status", T::Text, Table::Commerce, "cancel_status", "",              nullptr,         "",             "",                                               "The status asc's comment sets on the Magento order",                                         &C::cancel_status},
    SettingKey{"commerce_store_code", T::Text, Table::Commerce, "store_code",  "",                   nullptr,         "",             "default",                                        "The Magento REST store code: /rest/<store_code>/V1/...",                                     &C::store_code},
    SettingKey{"commerce_notify_shipment", T::Boolean, Table::Commerce, "notify_shipment", "",       nullptr,         "",             "false",                                          "Whether Magento emails the buyer the shipment asc order ship creates",                       &C::notify_shipment},
};
// clang-format on

template <class... Ts> struct Overloaded : Ts... {
    using Ts::operator()...;
};

} // namespace

std::span<const SettingKey> setting_keys() { return k_setting_keys; }

const SettingKey* find_setting_key(std::string_view name) {
    const auto* it = std::find_if(k_setting_keys.begin(), k_setting_keys.end(),
                                  [name](const SettingKey& k) { return k.name == name; });
    return it == k_setting_keys.end() ? nullptr : &*it;
}

std::vector<std::string> setting_key_names() {
    std::vector<std::string> out;
    for (const auto& k : k_setting_keys) {
        out.emplace_back(k.name);
    }
    return out;
}

std::optional<std::string> setting_text(const Settings& s, const SettingKey& key) {
    if (key.table == SettingTable::Commerce && !s.commerce) {
        return std::nullopt;
    }
    std::string text = std::visit(
        Overloaded{
            [](std::monostate) { return std::string(); },
            [&s](std::string Settings::*p) { return s.*p; },
            [&s](std::vector<std::string> Settings::*p) { return join(s.*p, ","); },
            [&s](bool Settings::*p) { return std::string(s.*p ? "true" : "false"); },
            [&s](std::filesystem::path Settings::*p) { return (s.*p).string(); },
            [&s](std::string CommerceSettings::*p) { return (*s.commerce).*p; },
            [&s](bool CommerceSettings::*p) { return std::string((*s.commerce).*p ? "true" : "false"); },
        },
        key.slot);
    if (key.secret()) {
        return mask_secret(text);
    }
    if (text.empty()) {
        return "(not set)";
    }
    if (key.slot == SettingSlot{&Settings::config_path} && !s.config_exists) {
        text += " (not found)";
    }
    return text;
}

std::string setting_env_text(const SettingKey& key) {
    std::string out(key.description);
    if (!key.flag_name.empty()) {
        out += fmt::format(" ({})", key.flag_name);
    }
    if (!key.default_doc.empty()) {
        out += fmt::format("; default {}", key.default_doc);
    }
    out += '.';
    if (key.secret()) {
        out += fmt::format(" Prefer {}_file in the config file: the environment of a process can be read by others.",
                           key.config_key);
    }
    return out;
}

} // namespace asc
