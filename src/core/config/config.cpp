// Effective settings: flag > environment > profile > default. Everything the process environment
// says (ASC_*, XDG_*, HOME) is read through the EnvLookup, so tests are hermetic.

#include "asc/config/config.hpp"
#include "asc/config/keys.hpp"

#include "asc/base/errors.hpp"
#include "asc/base/strings.hpp"
#include "config_file.hpp"

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fmt/format.h>
#include <fstream>
#include <pwd.h>
#include <sstream>
#include <sys/stat.h>
#include <toml++/toml.h>
#include <unistd.h>

namespace asc {

namespace fs = std::filesystem;

using namespace config_file;

namespace {

constexpr std::string_view k_default_lwa_endpoint = "https://api.amazon.com/auth/o2/token";

struct RegionInfo {
    std::string_view region;
    std::string_view endpoint;
    std::string_view default_marketplace; // US, UK, JP
};
constexpr std::array k_regions{
    RegionInfo{"na", "https://sellingpartnerapi-na.amazon.com", "ATVPDKIKX0DER"},
    RegionInfo{"eu", "https://sellingpartnerapi-eu.amazon.com", "A1F83G8C2ARO7P"},
    RegionInfo{"fe", "https://sellingpartnerapi-fe.amazon.com", "A1VC38T7YXB528"},
};

const RegionInfo* find_region(std::string_view region) {
    for (const auto& r : k_regions) {
        if (r.region == region) {
            return &r;
        }
    }
    return nullptr;
}

struct SellerCentral {
    std::string_view marketplace_id;
    std::string_view host;
};
constexpr std::array k_seller_central{
    SellerCentral{"ATVPDKIKX0DER", "sellercentral.amazon.com"},     // US
    SellerCentral{"A2EUQ1WTGCTBG2", "sellercentral.amazon.ca"},     // CA
    SellerCentral{"A1AM78C64UM0Y8", "sellercentral.amazon.com.mx"}, // MX
    SellerCentral{"A2Q3Y263D00KWC", "sellercentral.amazon.com.br"}, // BR
    SellerCentral{"A1F83G8C2ARO7P", "sellercentral.amazon.co.uk"},  // UK
    SellerCentral{"A1PA6795UKMFR9", "sellercentral.amazon.de"},     // DE
    SellerCentral{"A13V1IB3VIYZZH", "sellercentral.amazon.fr"},     // FR
    SellerCentral{"APJ6JRA9NG5V4", "sellercentral.amazon.it"},      // IT
    SellerCentral{"A1RKKUPIHCS9HS", "sellercentral.amazon.es"},     // ES
    SellerCentral{"A1805IZSGTT6HS", "sellercentral.amazon.nl"},     // NL
    SellerCentral{"A2NODRKZP88ZB9", "sellercentral.amazon.se"},     // SE
    SellerCentral{"A1C3SOZRARQ6R3", "sellercentral.amazon.pl"},     // PL
    SellerCentral{"AMEN7PMS3EDWL", "sellercentral.amazon.com.be"},  // BE
    SellerCentral{"A33AVAJ2PDY3EV", "sellercentral.amazon.com.tr"}, // TR
    SellerCentral{"A2VIGQ35RCS4UG", "sellercentral.amazon.ae"},     // AE
    SellerCentral{"A17E79C6D8DWNP", "sellercentral.amazon.sa"},     // SA
    SellerCentral{"ARBP9OOSHTCHU", "sellercentral.amazon.eg"},      // EG
    SellerCentral{"A21TJRUUN4KGV", "sellercentral.amazon.in"},      // IN
    SellerCentral{"A1VC38T7YXB528", "sellercentral.amazon.co.jp"},  // JP
    SellerCentral{"A39IBJ37TRP1C6", "sellercentral.amazon.com.au"}, // AU
    SellerCentral{"A19VAU5U5O7RUS", "sellercentral.amazon.sg"},     // SG
};

// A file name for the profile's store: no path separators.
std::string safe_file_name(std::string_view profile) {
    std::string out(profile);
    for (char& c : out) {
        if (c == '/' || c == '\\') {
            c = '_';
        }
    }
    if (out.empty() || out == "." || out == "..") {
        out = "default";
    }
    return out;
}

// A Magento REST store code: letters, digits and '_' (it becomes a path segment).
bool valid_store_code(std::string_view code) {
    if (code.empty()) {
        return false;
    }
    for (const char c : code) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
        if (!ok) {
            return false;
        }
    }
    return true;
}

const SettingKey& key(std::string_view name) {
    const SettingKey* k = find_setting_key(name);
    if (k == nullptr) {
        throw Error(ErrorKind::Internal, fmt::format("no setting named {} in the settings table", name));
    }
    return *k;
}

// A setting's value as found, before it goes into its slot.
struct Found {
    std::string source; // "flag", "env ASC_X", "profile NAME"
    std::string text;
    std::vector<std::string> list;
    bool boolean = false;
};

// Resolves rows of the settings table into one Settings: flag > environment > profile > default.
// A row that is found nowhere keeps the value Settings already holds (its default) and the source
// "default".
class Resolver {
  public:
    Resolver(const FlagSettings& flags, const EnvLookup& env, Settings& s) : m_flags(flags), m_env(env), m_s(s) {}

    // Resolves `key` (its profile value from `view`, if any) into its slot; true when found.
    bool resolve(const SettingKey& key, const ProfileView* view) {
        std::optional<Found> found = from_flag(key);
        if (!found) {
            found = from_env(key);
        }
        if (!found && view != nullptr) {
            found = from_file(key, *view);
        }
        if (!found) {
            m_s.sources[std::string(key.name)] = "default";
            return false;
        }
        m_s.sources[std::string(key.name)] = found->source;
        assign(key, *found);
        return true;
    }

  private:
    [[nodiscard]] std::optional<Found> from_flag(const SettingKey& key) const {
        if (key.flag == nullptr) {
            return std::nullopt;
        }
        const std::string& value = m_flags.*key.flag;
        if (key.type == SettingType::List) {
            auto list = split_list(value);
            return list.empty() ? std::nullopt : std::optional<Found>(Found{"flag", {}, std::move(list)});
        }
        return value.empty() ? std::nullopt : std::optional<Found>(Found{"flag", value, {}});
    }

    [[nodiscard]] std::optional<Found> from_env(const SettingKey& key) const {
        if (key.env.empty()) {
            return std::nullopt;
        }
        const std::string name(key.env);
        const auto value = env_value(m_env, name);
        if (!value) {
            return std::nullopt;
        }
        if (key.type == SettingType::List) {
            auto list = split_list(*value);
            return list.empty() ? std::nullopt : std::optional<Found>(Found{"env " + name, {}, std::move(list)});
        }
        std::string text = trim(*value);
        return text.empty() ? std::nullopt : std::optional<Found>(Found{"env " + name, std::move(text), {}});
    }

    std::optional<Found> from_file(const SettingKey& key, const ProfileView& view) {
        if (key.config_key.empty()) {
            return std::nullopt;
        }
        switch (key.type) {
        case SettingType::Boolean:
            if (auto b = view.boolean(key.config_key)) {
                return Found{view.source(), {}, {}, *b};
            }
            return std::nullopt;
        case SettingType::List:
            if (auto list = view.string_list(key.config_key); list && !list->empty()) {
                return Found{view.source(), {}, std::move(*list)};
            }
            return std::nullopt;
        case SettingType::Secret:
            return secret_from_file(key, view);
        default:
            if (auto text = view.string(key.config_key); text && !trim(*text).empty()) {
                return Found{view.source(), trim(*text), {}};
            }
            return std::nullopt;
        }
    }

    // A secret in the profile: inline or in the file a `<key>_file` names, not both. With
    // FlagSettings::inspect_only an unreadable or unsafe file is a warning and an empty value.
    std::optional<Found> secret_from_file(const SettingKey& key, const ProfileView& view) {
        const std::string file_key = std::string(key.config_key) + "_file";
        const auto inline_value = view.string(key.config_key);
        const auto file_value = view.string(file_key);
        if (inline_value && file_value) {
            throw Error(ErrorKind::Config,
                        fmt::format("both {} and {} are set in {}", key.config_key, file_key, view.where()),
                        fmt::format("keep only {} (the secret stays out of the config file)", file_key));
        }
        if (file_value) {
            Found found{view.source(), {}, {}};
            try {
                found.text = read_secret_file(view, file_key, *file_value, m_env);
            } catch (const Error& e) {
                if (!m_flags.inspect_only) {
                    throw;
                }
                m_s.warnings.push_back(e.hint().empty() ? e.what() : fmt::format("{} ({})", e.what(), e.hint()));
            }
            return found;
        }
        if (inline_value && !trim(*inline_value).empty()) {
            return Found{view.source(), trim(*inline_value), {}};
        }
        return std::nullopt;
    }

    void assign(const SettingKey& key, Found& found) {
        struct Assign {
            Settings& s;
            Found& found;
            const EnvLookup& env;
            void operator()(std::monostate) const {}
            void operator()(std::string Settings::*p) const { s.*p = std::move(found.text); }
            void operator()(std::vector<std::string> Settings::*p) const { s.*p = std::move(found.list); }
            void operator()(bool Settings::*p) const { s.*p = found.boolean; }
            void operator()(fs::path Settings::*p) const { s.*p = expand_tilde(found.text, env); }
            void operator()(std::string CommerceSettings::*p) const { (*s.commerce).*p = std::move(found.text); }
            void operator()(bool CommerceSettings::*p) const { (*s.commerce).*p = found.boolean; }
        };
        std::visit(Assign{m_s, found, m_env}, key.slot);
    }

    const FlagSettings& m_flags;
    const EnvLookup& m_env;
    Settings& m_s;
};

// The config file: --config > ASC_CONFIG > $XDG_CONFIG_HOME/asc/config.toml; loaded, and checked
// for inline secrets in a file others can read.
LoadedConfig load_config(Resolver& r, Settings& s, const FlagSettings& flags, const EnvLookup& env) {
    s.config_path = xdg_dir(env, "XDG_CONFIG_HOME", ".config") / "asc" / "config.toml";
    r.resolve(key("config"), nullptr);
    s.sources["config_path"] = s.sources["config"];
    LoadedConfig config = load_config_file(s.config_path);
    s.config_exists = config.exists;
    if (config.exists) {
        try {
            check_inline_secrets(config.root, s.config_path, config.mode);
        } catch (const Error& e) {
            if (!flags.inspect_only) {
                throw;
            }
            s.warnings.push_back(fmt::format("{} ({})", e.what(), e.hint()));
        }
    }
    return config;
}

// The profile: --profile > ASC_PROFILE > default_profile of the file > "default"; its table, or
// nullptr. Error(Config) when a profile asked for by name is not in an existing file.
const toml::table* select_profile(Resolver& r, Settings& s, const LoadedConfig& config) {
    bool explicit_profile = r.resolve(key("profile"), nullptr);
    if (!explicit_profile) {
        if (const auto* dp = config.root.get("default_profile")) {
            const auto* name = dp->as_string();
            if (name == nullptr || name->get().empty()) {
                throw Error(ErrorKind::Config, fmt::format("{}:{}: 'default_profile' must be a profile name",
                                                           s.config_path.string(), dp->source().begin.line));
            }
            s.profile = name->get();
            s.sources["profile"] = "config default_profile";
            explicit_profile = true;
        }
    }
    const toml::table* profile_table = nullptr;
    if (const auto* profiles = config.root.get_as<toml::table>("profiles")) {
        if (const auto* node = profiles->get(s.profile)) {
            profile_table = node->as_table();
            if (profile_table == nullptr) {
                throw Error(ErrorKind::Config,
                            fmt::format("{}:{}: 'profiles.{}' must be a table", s.config_path.string(),
                                        node->source().begin.line, s.profile));
            }
        }
    }
    if (config.exists && explicit_profile && profile_table == nullptr) {
        const auto names = profile_keys(config.root);
        throw Error(ErrorKind::Config,
                    fmt::format("profile '{}' is not in {}", s.profile, s.config_path.string()),
                    names.empty() ? fmt::format("add a [profiles.{}] table to {}; see `asc help config`",
                                                s.profile, s.config_path.string())
                                  : fmt::format("profiles defined: {}", join(names, ", ")));
    }
    return profile_table;
}

// The values of a commerce link that its rows cannot check alone: the URL's scheme, the choices.
void check_commerce(CommerceSettings& c, const ProfileView& view, const Settings& s) {
    while (!c.base_url.empty() && c.base_url.back() == '/') {
        c.base_url.pop_back();
    }
    if (!c.base_url.empty() && !c.base_url.starts_with("https://") && !c.base_url.starts_with("http://")) {
        throw Error(ErrorKind::Config,
                    fmt::format("the commerce base_url '{}' ({}) is not an http(s) URL", c.base_url,
                                s.sources.at("commerce_url")),
                    "use the store's address, e.g. https://shop.example.com (asc adds /rest/...)");
    }
    if (c.on_cancel != "auto" && c.on_cancel != "comment") {
        throw Error(ErrorKind::Config,
                    fmt::format("on_cancel '{}' in {} is not auto or comment", c.on_cancel, view.where()),
                    "use auto (cancel the Magento order, or refund it offline when invoiced, so that it ends "
                    "canceled or closed) or comment (only add a comment; the shop closes its orders itself)");
    }
    if (c.link_field != "ext_order_id" && c.link_field != "increment_id") {
        throw Error(ErrorKind::Config,
                    fmt::format("link_field '{}' in {} is not ext_order_id or increment_id", c.link_field,
                                view.where()),
                    "use ext_order_id (the Amazon order id is the Magento order's external id) or "
                    "increment_id (the Amazon order id is the Magento order number)");
    }
    if (!valid_store_code(c.store_code)) {
        throw Error(ErrorKind::Config,
                    fmt::format("store_code '{}' in {} is not a Magento store code", c.store_code, view.where()),
                    "use letters, digits and '_' only, e.g. default");
    }
}

// The commerce link: [profiles.NAME.commerce] or any of its environment variables; nothing when
// neither exists.
void resolve_commerce(Resolver& r, Settings& s, const toml::table* profile_table, const EnvLookup& env) {
    const toml::table* table = nullptr;
    if (profile_table != nullptr) {
        if (const auto* node = profile_table->get("commerce")) {
            table = node->as_table();
            if (table == nullptr) {
                throw Error(ErrorKind::Config,
                            fmt::format("{}:{}: 'commerce' in [profiles.{}] must be a table "
                                        "([profiles.{}.commerce])",
                                        s.config_path.string(), node->source().begin.line, s.profile, s.profile));
            }
        }
    }
    const auto rows = setting_keys();
    const bool env_given = std::any_of(rows.begin(), rows.end(), [&env](const SettingKey& k) {
        return k.table == SettingTable::Commerce && !k.env.empty() && env_value(env, std::string(k.env));
    });
    if (table == nullptr && !env_given) {
        return;
    }
    s.commerce.emplace();
    const ProfileView view(table, s.profile + ".commerce", s.config_path);
    for (const auto& k : rows) {
        if (k.table == SettingTable::Commerce) {
            r.resolve(k, &view);
        }
    }
    check_commerce(*s.commerce, view, s);
}
} // namespace

void CommerceSettings::require_complete(const std::string& profile) const {
    std::vector<std::string> missing;
    std::vector<std::string> fixes;
    if (base_url.empty()) {
        missing.emplace_back("base_url");
        fixes.emplace_back("ASC_COMMERCE_URL");
    }
    if (access_token.empty()) {
        missing.emplace_back("access_token");
        fixes.emplace_back("ASC_COMMERCE_TOKEN");
    }
    if (missing.empty()) {
        return;
    }
    throw Error(ErrorKind::Config,
                fmt::format("the commerce (Magento) link is missing {}", join_and(missing)),
                fmt::format("set {}, or {} in [profiles.{}.commerce] (access_token_file for the token, "
                            "chmod 600)",
                            join_and(fixes), join(missing, " and "), profile));
}

std::optional<std::string> process_env(const std::string& name) {
    // NOLINTNEXTLINE(concurrency-mt-unsafe): read once at startup, before any thread starts.
    const char* value = std::getenv(name.c_str());
    if (value == nullptr) {
        return std::nullopt;
    }
    return std::string(value);
}

std::optional<std::string> region_endpoint(std::string_view region) {
    if (const auto* r = find_region(region)) {
        return std::string(r->endpoint);
    }
    return std::nullopt;
}

std::string seller_central_host(std::string_view marketplace_id) {
    for (const auto& sc : k_seller_central) {
        if (sc.marketplace_id == marketplace_id) {
            return std::string(sc.host);
        }
    }
    return "sellercentral.amazon.com";
}

std::vector<std::string> profile_names(const fs::path& config_path) {
    try {
        const LoadedConfig config = load_config_file(config_path);
        return profile_keys(config.root);
    } catch (const Error&) {
        return {}; // for completions: a broken file completes nothing
    }
}

std::string mask_secret(std::string_view secret) {
    if (secret.empty()) {
        return "(not set)";
    }
    if (secret.size() < 16) {
        return "****";
    }
    return fmt::format("{}…{}", secret.substr(0, 4), secret.substr(secret.size() - 4));
}

void Settings::require_credentials() const {
    struct Credential {
        std::string_view key;
        std::string_view env;
        std::string_view config_key;
        const std::string& value;
    };
    const std::array credentials{
        Credential{"client_id", "ASC_CLIENT_ID", "client_id", client_id},
        Credential{"client_secret", "ASC_CLIENT_SECRET", "client_secret_file", client_secret},
        Credential{"refresh_token", "ASC_REFRESH_TOKEN", "refresh_token_file", refresh_token},
    };
    std::vector<std::string> missing;
    std::vector<std::string> envs;
    std::vector<std::string> keys;
    for (const auto& c : credentials) {
        if (c.value.empty()) {
            missing.emplace_back(c.key);
            envs.emplace_back(c.env);
            keys.emplace_back(c.config_key);
        }
    }
    if (missing.empty()) {
        return;
    }
    throw Error(ErrorKind::Config, fmt::format("missing credentials: {}", join(missing, ", ")),
                fmt::format("set {}, or {} in [profiles.{}] of {}; see `asc help config`", join_and(envs),
                            join(keys, "/"), profile, config_path.string()));
}

Settings load_settings(const FlagSettings& flags, const EnvLookup& env) {
    Settings s;
    Resolver r(flags, env, s);
    const LoadedConfig config = load_config(r, s, flags, env);
    const toml::table* profile_table = select_profile(r, s, config);
    const ProfileView profile(profile_table, s.profile, s.config_path);

    // Region first: the endpoint's and the marketplaces' defaults depend on it.
    r.resolve(key("region"), &profile);
    const RegionInfo* region = find_region(s.region);
    if (region == nullptr) {
        throw Error(ErrorKind::Config, fmt::format("unknown region '{}' in {}", s.region, profile.where()),
                    "use na, eu or fe");
    }
    s.endpoint = std::string(region->endpoint);
    s.lwa_endpoint = std::string(k_default_lwa_endpoint);
    s.marketplace_ids = {std::string(region->default_marketplace)};
    s.store_path = xdg_dir(env, "XDG_DATA_HOME", ".local/share") / "asc" / (safe_file_name(s.profile) + ".db");
    for (const auto& k : setting_keys()) {
        if (k.table == SettingTable::Profile && k.name != "region") {
            r.resolve(k, &profile);
        }
    }
    resolve_commerce(r, s, profile_table, env);

    s.cache_dir = xdg_dir(env, "XDG_CACHE_HOME", ".cache") / "asc";
    s.sources["cache_dir"] = "default";
    return s;
}

} // namespace asc
