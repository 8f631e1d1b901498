// Effective settings: flag > environment > profile > default. Everything the process environment
// says (ASC_*, XDG_*, HOME) is read through the EnvLookup, so tests are hermetic.

#include "asc/config/config.hpp"

#include "asc/base/errors.hpp"
#include "asc/base/strings.hpp"
#include "config_file.hpp"

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

// [profiles.NAME.commerce] and ASC_COMMERCE_URL / ASC_COMMERCE_TOKEN (env > profile > default).
// Sets nothing when neither the table nor the variables exist.
void resolve_commerce(Settings& s, const toml::table* profile_table, const EnvLookup& env) {
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
    const auto env_url = env_value(env, "ASC_COMMERCE_URL");
    const auto env_token = env_value(env, "ASC_COMMERCE_TOKEN");
    if (table == nullptr && !env_url && !env_token) {
        return;
    }
    const ProfileView view(table, s.profile + ".commerce", s.config_path);
    CommerceSettings c;

    if (env_url) {
        c.base_url = trim(*env_url);
        s.sources["commerce_url"] = "env ASC_COMMERCE_URL";
    } else if (auto v = view.string("base_url"); v && !trim(*v).empty()) {
        c.base_url = trim(*v);
        s.sources["commerce_url"] = view.source();
    } else {
        s.sources["commerce_url"] = "default";
    }
    while (!c.base_url.empty() && c.base_url.back() == '/') {
        c.base_url.pop_back();
    }
    if (!c.base_url.empty() && !c.base_url.starts_with("https://") && !c.base_url.starts_with("http://")) {
        throw Error(ErrorKind::Config,
                    fmt::format("the commerce base_url '{}' ({}) is not an http(s) URL", c.base_url,
                                s.sources["commerce_url"]),
                    "use the store's address, e.g. https://shop.example.com (asc adds /rest/...)");
    }

    const auto inline_token = view.string("access_token");
    const auto token_file = view.string("access_token_file");
    if (env_token) {
        c.access_token = trim(*env_token);
        s.sources["commerce_token"] = "env ASC_COMMERCE_TOKEN";
    } else if (inline_token && token_file) {
        throw Error(ErrorKind::Config,
                    fmt::format("both access_token and access_token_file are set in {}", view.where()),
                    "keep only access_token_file (the secret stays out of the config file)");
    } else if (token_file) {
        c.access_token = read_secret_file(view, "access_token_file", *token_file, env);
        s.sources["commerce_token"] = view.source();
    } else if (inline_token && !trim(*inline_token).empty()) {
        c.access_token = trim(*inline_token);
        s.sources["commerce_token"] = view.source();
    } else {
        s.sources["commerce_token"] = "default";
    }

    auto text = [&](const char* key, const char* source_key, std::string& out) {
        if (auto v = view.string(key); v && !trim(*v).empty()) {
            out = trim(*v);
            s.sources[source_key] = view.source();
        } else {
            s.sources[source_key] = "default";
        }
    };
    text("link_field", "commerce_link_field", c.link_field);
    text("cancel_status", "commerce_cancel_status", c.cancel_status);
    text("on_cancel", "commerce_on_cancel", c.on_cancel);
    if (c.on_cancel != "auto" && c.on_cancel != "comment") {
        throw Error(ErrorKind::Config,
                    fmt::format("on_cancel '{}' in {} is not auto or comment", c.on_cancel, view.where()),
                    "use auto (cancel the Magento order, or refund it offline when invoiced, so that it ends "
                    "canceled or closed) or comment (only add a comment; the shop closes its orders itself)");
    }
    text("store_code", "commerce_store_code", c.store_code);
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
    s.commerce = std::move(c);
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

    // The config file.
    if (!flags.config_path.empty()) {
        s.config_path = expand_tilde(flags.config_path, env);
        s.sources["config_path"] = "flag";
    } else if (auto v = env_value(env, "ASC_CONFIG")) {
        s.config_path = expand_tilde(*v, env);
        s.sources["config_path"] = "env ASC_CONFIG";
    } else {
        s.config_path = xdg_dir(env, "XDG_CONFIG_HOME", ".config") / "asc" / "config.toml";
        s.sources["config_path"] = "default";
    }
    s.sources["config"] = s.sources["config_path"];
    const LoadedConfig config = load_config_file(s.config_path);
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

    // The profile.
    bool explicit_profile = true;
    if (!flags.profile.empty()) {
        s.profile = flags.profile;
        s.sources["profile"] = "flag";
    } else if (auto v = env_value(env, "ASC_PROFILE")) {
        s.profile = *v;
        s.sources["profile"] = "env ASC_PROFILE";
    } else if (const auto* dp = config.root.get("default_profile")) {
        const auto* name = dp->as_string();
        if (name == nullptr || name->get().empty()) {
            throw Error(ErrorKind::Config, fmt::format("{}:{}: 'default_profile' must be a profile name",
                                                       s.config_path.string(), dp->source().begin.line));
        }
        s.profile = name->get();
        s.sources["profile"] = "config default_profile";
    } else {
        s.profile = "default";
        s.sources["profile"] = "default";
        explicit_profile = false;
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
    const ProfileView profile(profile_table, s.profile, s.config_path);

    // Region first: endpoint and marketplace defaults depend on it.
    if (auto region = profile.string("region")) {
        if (find_region(*region) == nullptr) {
            throw Error(ErrorKind::Config, fmt::format("unknown region '{}' in {}", *region, profile.where()),
                        "use na, eu or fe");
        }
        s.region = *region;
        s.sources["region"] = profile.source();
    } else {
        s.region = "na";
        s.sources["region"] = "default";
    }
    const RegionInfo& region = *find_region(s.region);

    // A string key: flag > env > profile > default.
    auto resolve = [&](const std::string& key, std::string& out, const std::string& flag,
                       const char* env_name, std::string_view fallback) {
        if (!flag.empty()) {
            out = flag;
            s.sources[key] = "flag";
        } else if (auto v = env_name != nullptr ? env_value(env, env_name) : std::nullopt) {
            out = *v;
            s.sources[key] = std::string("env ") + env_name;
        } else if (auto p = profile.string(key); p && !p->empty()) {
            out = *p;
            s.sources[key] = profile.source();
        } else {
            out = std::string(fallback);
            s.sources[key] = "default";
        }
    };
    const std::string no_flag;
    resolve("endpoint", s.endpoint, flags.endpoint, "ASC_ENDPOINT", region.endpoint);
    resolve("lwa_endpoint", s.lwa_endpoint, no_flag, "ASC_LWA_ENDPOINT", k_default_lwa_endpoint);
    resolve("seller_id", s.seller_id, no_flag, "ASC_SELLER_ID", "");
    resolve("client_id", s.client_id, no_flag, "ASC_CLIENT_ID", "");

    // Marketplaces.
    if (auto ids = split_list(flags.marketplace); !ids.empty()) {
        s.marketplace_ids = std::move(ids);
        s.sources["marketplace_ids"] = "flag";
    } else if (auto v = env_value(env, "ASC_MARKETPLACE"); v && !split_list(*v).empty()) {
        s.marketplace_ids = split_list(*v);
        s.sources["marketplace_ids"] = "env ASC_MARKETPLACE";
    } else if (auto p = profile.string_list("marketplace_ids"); p && !p->empty()) {
        s.marketplace_ids = std::move(*p);
        s.sources["marketplace_ids"] = profile.source();
    } else {
        s.marketplace_ids = {std::string(region.default_marketplace)};
        s.sources["marketplace_ids"] = "default";
    }

    // Secrets: env > profile inline or profile file (not both).
    auto resolve_secret = [&](const std::string& key, std::string& out, const char* env_name) {
        const std::string file_key = key + "_file";
        if (auto v = env_value(env, env_name)) {
            out = trim(*v);
            s.sources[key] = std::string("env ") + env_name;
            return;
        }
        const auto inline_value = profile.string(key);
        const auto file_value = profile.string(file_key);
        if (inline_value && file_value) {
            throw Error(ErrorKind::Config,
                        fmt::format("both {} and {} are set in {}", key, file_key, profile.where()),
                        fmt::format("keep only {} (the secret stays out of the config file)", file_key));
        }
        if (file_value) {
            try {
                out = read_secret_file(profile, file_key, *file_value, env);
            } catch (const Error& e) {
                if (!flags.inspect_only) {
                    throw;
                }
                s.warnings.push_back(e.hint().empty() ? e.what() : fmt::format("{} ({})", e.what(), e.hint()));
            }
            s.sources[key] = profile.source();
        } else if (inline_value && !inline_value->empty()) {
            out = trim(*inline_value);
            s.sources[key] = profile.source();
        } else {
            out.clear();
            s.sources[key] = "default";
        }
    };
    resolve_secret("client_secret", s.client_secret, "ASC_CLIENT_SECRET");
    resolve_secret("refresh_token", s.refresh_token, "ASC_REFRESH_TOKEN");

    // The store.
    std::string store;
    const std::string default_store =
        (xdg_dir(env, "XDG_DATA_HOME", ".local/share") / "asc" / (safe_file_name(s.profile) + ".db"))
            .string();
    resolve("store", store, flags.store, "ASC_STORE", default_store);
    s.store_path = expand_tilde(store, env);
    std::string password_file;
    resolve("store_password_file", password_file, {}, "ASC_STORE_PASSWORD_FILE", "");
    s.store_password_file = password_file.empty() ? std::filesystem::path{} : expand_tilde(password_file, env);
    if (auto pii = profile.boolean("store_pii")) {
        s.store_pii = *pii;
        s.sources["store_pii"] = profile.source();
    } else {
        s.store_pii = false;
        s.sources["store_pii"] = "default";
    }
    // `pager = false` turns the pager of long tables off (issue 13).
    if (auto pager = profile.boolean("pager")) {
        s.pager = *pager;
        s.sources["pager"] = profile.source();
    } else {
        s.sources["pager"] = "default";
    }

    resolve_commerce(s, profile_table, env);

    s.cache_dir = xdg_dir(env, "XDG_CACHE_HOME", ".cache") / "asc";
    s.sources["cache_dir"] = "default";
    return s;
}

} // namespace asc
