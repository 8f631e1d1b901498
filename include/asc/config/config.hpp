#pragma once
// Part `config` (asc_config): profiles, environment and secrets files into Settings; owns toml++.
// May use: base, model.
//
// Effective settings: flag > environment > profile > default.
//
// $XDG_CONFIG_HOME/asc/config.toml (or ASC_CONFIG / --config):
//   default_profile = "prod"
//   [profiles.prod]
//   region = "na"                      # na | eu | fe: picks the production host
//   endpoint = "https://..."           # override (the simulator: http://127.0.0.1:PORT)
//   lwa_endpoint = "https://..."
//   marketplace_ids = ["ATVPDKIKX0DER"]
//   seller_id = "A1..."
//   client_id = "amzn1.application-oa2-client..."
//   client_secret = "..."  |  client_secret_file = "~/.config/asc/secret"
//   refresh_token = "..."  |  refresh_token_file = "..."
//   store = "/path/to/store.db"        # default $XDG_DATA_HOME/asc/<profile>.db
//   store_pii = false
//   store_password_file = "~/.config/asc/pgpass"   # a PostgreSQL store's password (0600)
//   [profiles.prod.commerce]           # optional: the Magento (Adobe Commerce) link
//   base_url = "https://shop.example.com"
//   access_token = "..."  |  access_token_file = "~/.config/asc/magento-token"
//   link_field = "ext_order_id"        # or "increment_id"
//   on_cancel = "auto"                 # auto: cancel or refund the Magento order; comment: only comment
//   cancel_status = "amazon_canceled"  # optional: a status assigned to the state closed or canceled
//   store_code = "default"

#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace asc {

// Values given on the command line; empty means "not given".
struct FlagSettings {
    std::string profile;
    std::string config_path;
    std::string endpoint;
    std::string marketplace;
    std::string store;
    // `config show`: an unsafe config or secret file (readable by others) is a warning in
    // Settings::warnings instead of Error(Config), and its secret is left empty.
    bool inspect_only = false;
};

// The Magento (Adobe Commerce) link of a profile. Present only when [profiles.NAME.commerce] or
// ASC_COMMERCE_URL / ASC_COMMERCE_TOKEN is set; the environment overrides the profile.
struct CommerceSettings {
    std::string base_url;                    // "https://shop.example.com", no trailing '/'
    std::string access_token;                // the integration's access token (a secret)
    std::string link_field = "ext_order_id"; // the Magento order field holding the Amazon order id
    // What a canceled Amazon order does to its Magento order: "auto" (cancel it, or refund it offline
    // when invoiced: it ends canceled or closed) or "comment" (only the history comment).
    std::string on_cancel = "auto";
    // The status asc's comment sets (it must be assigned to the state the order ends in); empty:
    // the order keeps the status Magento gave it.
    std::string cancel_status;
    std::string store_code = "default";      // the REST store code: /rest/<store_code>/V1/...
    // Whether Magento emails the buyer the shipment `asc order ship` creates (ShipOrderInterface's
    // `notify`). Off by default: Amazon already tells the buyer.
    bool notify_shipment = false;

    // Throws Error(Config) naming what to set when base_url or access_token is missing.
    void require_complete(const std::string& profile) const;
};

struct Settings {
    std::string profile = "default";
    std::filesystem::path config_path;     // may not exist
    bool config_exists = false;
    std::string region = "na";
    std::string endpoint;                  // SP-API base URL
    std::string lwa_endpoint;              // LWA token URL
    std::vector<std::string> marketplace_ids;
    std::string seller_id;
    std::string client_id;
    std::string client_secret;
    std::string refresh_token;
    std::filesystem::path store_path;
    // A PostgreSQL store: a password file in ~/.pgpass format (mode 0600), read by libpq instead
    // of ~/.pgpass. Empty: libpq's own rules (PGPASSFILE, ~/.pgpass).
    std::filesystem::path store_password_file;
    bool store_pii = false;
    bool pager = true;                     // `pager = false`: never page long tables
    std::filesystem::path cache_dir;       // $XDG_CACHE_HOME/asc
    std::optional<CommerceSettings> commerce; // nullopt: no commerce system is called
    // Where each key's value came from: "flag", "env ASC_X", "profile NAME", "default".
    std::map<std::string, std::string> sources;
    // With FlagSettings::inspect_only: what would have been an error ("... is readable by other
    // users ...; chmod 600 ...").
    std::vector<std::string> warnings;

    // Throws Error(Config) naming exactly what to set when a credential is missing.
    void require_credentials() const;
};

using EnvLookup = std::function<std::optional<std::string>(const std::string&)>;
// Reads the process environment.
std::optional<std::string> process_env(const std::string& name);

// Resolves the settings. Throws Error(Config) for a malformed file, an unknown profile that was
// asked for explicitly, an unknown region, or a secret file readable by group or others (with the
// chmod 600 command).
Settings load_settings(const FlagSettings& flags, const EnvLookup& env = process_env);

// The production SP-API host of a region ("na" -> https://sellingpartnerapi-na.amazon.com).
std::optional<std::string> region_endpoint(std::string_view region);

// The marketplace's Seller Central host (for links to orders): "sellercentral.amazon.com".
std::string seller_central_host(std::string_view marketplace_id);

// The profile names defined in the config file (for completions); empty if none.
std::vector<std::string> profile_names(const std::filesystem::path& config_path);

// A profile as `asc config init` writes it.
struct NewProfile {
    std::string name;
    std::string region = "na";
    std::vector<std::string> marketplace_ids;
    std::string seller_id;
    std::string client_id;
    std::string client_secret;
    std::string refresh_token;
    std::string endpoint;     // optional override (the simulator)
    std::string lwa_endpoint; // optional override
    bool make_default = false;
};

// Where `config init` put things.
struct WrittenProfile {
    std::filesystem::path config_path;
    std::filesystem::path client_secret_file;
    std::filesystem::path refresh_token_file;
};

// Adds (or replaces) [profiles.NAME] in the config file at `config_path`, keeping the other
// profiles and keys; creates the file 0600 and its directory 0700. The secrets go to their own
// 0600 files, "<config dir>/secrets/NAME.client_secret" and "NAME.refresh_token", which the
// profile names with *_file keys. With make_default (or when the file had no default_profile)
// sets default_profile. Throws Error(Usage) for a bad name or region, Error(Config) when a file
// cannot be written or the existing file is not valid TOML.
WrittenProfile write_profile(const std::filesystem::path& config_path, const NewProfile& profile);

// Sets default_profile = NAME. Throws Error(Config) when the file has no such profile (naming
// the ones it has) or cannot be written.
void set_default_profile(const std::filesystem::path& config_path, const std::string& name);

struct ProfileSummary {
    std::string name;
    bool is_default = false;
    bool has_commerce = false;
    std::string region;
    std::vector<std::string> marketplace_ids;
};
// The profiles of the config file (none when it does not exist), in file order. Throws
// Error(Config) for a malformed file.
std::vector<ProfileSummary> list_profiles(const std::filesystem::path& config_path);

// The default config file: ASC_CONFIG, else $XDG_CONFIG_HOME/asc/config.toml.
std::filesystem::path default_config_path(const EnvLookup& env = process_env);

// "abcd…wxyz" style masking for display: never the whole secret.
std::string mask_secret(std::string_view secret);

} // namespace asc
