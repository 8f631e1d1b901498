#pragma once
// The settings of asc as one table (as ccache's k_config_key_table): each row names a setting, its
// type, its key in the config file, its environment variable, its flag, its default and whether it
// is a secret. load_settings() resolves every row the same way (flag > environment > profile >
// default); `asc config show` lists the rows, the man page's ENVIRONMENT section and `asc help
// environment` describe each variable from them, and the shells complete `config show KEY` from
// them. Adding a setting is one row here plus its field in Settings.

#include "asc/config/config.hpp"

#include <filesystem>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace asc {

enum class SettingType {
    Text,    ///< A string, trimmed; empty counts as not set.
    Url,     ///< A string holding a URL: shown with any password in it redacted.
    List,    ///< Comma-separated on the command line and in the environment; an array in the file.
    Boolean, ///< true or false (the config file only).
    Path,    ///< A file path; "~" is expanded.
    Secret,  ///< Never shown whole; in the file inline or, better, as `<key>_file` naming a 0600 file.
};

// Which table of the config file holds the key.
enum class SettingTable {
    None,     ///< Not in a profile: resolved before the profile is known (config, profile).
    Profile,  ///< [profiles.NAME]
    Commerce, ///< [profiles.NAME.commerce]: the setting exists only with a commerce link.
};

// Where a resolved value goes in Settings (or in its CommerceSettings).
using SettingSlot = std::variant<std::monostate, std::string Settings::*, std::vector<std::string> Settings::*,
                                 bool Settings::*, std::filesystem::path Settings::*,
                                 std::string CommerceSettings::*, bool CommerceSettings::*>;

struct SettingKey {
    std::string_view name;             // the key of `config show` and Settings::sources: "endpoint"
    SettingType type;
    SettingTable table;
    std::string_view config_key;       // the key in its table ("base_url"); empty: not in the file
    std::string_view env;              // the environment variable; empty: none
    std::string FlagSettings::*flag;   // the global flag's value; nullptr: no flag
    std::string_view flag_name;        // "--endpoint", for the documentation
    std::string_view default_doc;      // the default in words ("the region's host"); empty: none
    std::string_view description;      // one sentence, for the man page and `asc help environment`
    SettingSlot slot;                  // where load_settings() stores the value
    [[nodiscard]] bool secret() const { return type == SettingType::Secret; }
};

// Every setting, in the order `config show` prints them.
std::span<const SettingKey> setting_keys();

// The row named `name` ("commerce_url"), or nullptr.
const SettingKey* find_setting_key(std::string_view name);

// The names of every row (for completions and error messages).
std::vector<std::string> setting_key_names();

// The value of a setting as `config show` prints it: secrets masked, lists comma-separated,
// booleans true/false, "(not set)" for an empty value. URLs are returned as they are (the caller
// redacts them: that belongs to the http part). nullopt for a commerce setting without a commerce
// link.
std::optional<std::string> setting_text(const Settings& settings, const SettingKey& key);

// "The SP-API base URL (--endpoint); default the region's host." : a row's description, flag and
// default as one sentence for the ENVIRONMENT section.
std::string setting_env_text(const SettingKey& key);

} // namespace asc
