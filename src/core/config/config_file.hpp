#pragma once
// The configuration file and the environment (internal to the config part): reading config.toml,
// a profile's typed values, secrets files, home and XDG directories.

#include "asc/base/errors.hpp"
#include "asc/base/strings.hpp"
#include "asc/config/config.hpp"

#include <filesystem>
#include <fmt/format.h>
#include <optional>
#include <string>
#include <string_view>
#include <sys/stat.h>
#include <toml++/toml.h>
#include <vector>

namespace asc::config_file {

namespace fs = std::filesystem;

// An environment value; empty counts as unset.
std::optional<std::string> env_value(const EnvLookup& env, const std::string& name);
// $HOME, else the password database's home directory, else ".".
fs::path home_dir(const EnvLookup& env);
// "~" and "~/x" expanded against home_dir().
fs::path expand_tilde(std::string_view path, const EnvLookup& env);
// An XDG base directory: the variable if it holds an absolute path (relative values are invalid
// per the spec), else ~/<fallback>.
fs::path xdg_dir(const EnvLookup& env, const std::string& var, std::string_view fallback);
// Throws Error(Config) with the `chmod 600` hint.
[[noreturn]] void throw_unsafe_mode(const fs::path& path);
// The largest configuration or secrets file asc reads: 1 MiB.
inline constexpr std::size_t k_max_config_bytes = std::size_t{1} << 20U;

// The file's first k_max_config_bytes (callers check it is a regular file no larger);
// Error(Config) naming the path when it cannot be read.
std::string read_file(const fs::path& path);

// The one place a profile's values come from, with the context for error messages.
class ProfileView {
  public:
    ProfileView(const toml::table* table, std::string name, fs::path config_path)
        : m_table(table), m_name(std::move(name)), m_config_path(std::move(config_path)) {}

    [[nodiscard]] std::string source() const { return "profile " + m_name; }
    [[nodiscard]] const std::string& name() const { return m_name; }
    [[nodiscard]] const fs::path& config_path() const { return m_config_path; }

    [[nodiscard]] bool has(std::string_view key) const {
        return m_table != nullptr && m_table->contains(key);
    }

    [[nodiscard]] std::optional<std::string> string(std::string_view key) const {
        const toml::node* node = find(key);
        if (node == nullptr) {
            return std::nullopt;
        }
        if (const auto* s = node->as_string()) {
            return s->get();
        }
        throw type_error(key, *node, "a string");
    }

    [[nodiscard]] std::optional<bool> boolean(std::string_view key) const {
        const toml::node* node = find(key);
        if (node == nullptr) {
            return std::nullopt;
        }
        if (const auto* b = node->as_boolean()) {
            return b->get();
        }
        throw type_error(key, *node, "true or false");
    }

    // An array of strings, or one string (which may be comma-separated).
    [[nodiscard]] std::optional<std::vector<std::string>> string_list(std::string_view key) const {
        const toml::node* node = find(key);
        if (node == nullptr) {
            return std::nullopt;
        }
        if (const auto* s = node->as_string()) {
            return split_list(s->get());
        }
        if (const auto* arr = node->as_array()) {
            std::vector<std::string> out;
            for (const auto& element : *arr) {
                const auto* s = element.as_string();
                if (s == nullptr) {
                    throw type_error(key, element, "an array of strings");
                }
                if (auto item = trim(s->get()); !item.empty()) {
                    out.push_back(std::move(item));
                }
            }
            return out;
        }
        throw type_error(key, *node, "an array of strings");
    }

    [[nodiscard]] std::string where() const {
        return fmt::format("[profiles.{}] of {}", m_name, m_config_path.string());
    }

  private:
    [[nodiscard]] const toml::node* find(std::string_view key) const {
        return m_table == nullptr ? nullptr : m_table->get(key);
    }

    [[nodiscard]] Error type_error(std::string_view key, const toml::node& node,
                                   std::string_view expected) const {
        return Error(ErrorKind::Config,
                     fmt::format("{}:{}: '{}' in [profiles.{}] must be {}", m_config_path.string(),
                                 node.source().begin.line, key, m_name, expected));
    }

    const toml::table* m_table;
    std::string m_name;
    fs::path m_config_path;
};

class ProfileView;
// Reads a secret from a `*_file` key: `~` expanded, relative to the config file's directory, the
// file private to its owner, the value its trimmed content.
std::string read_secret_file(const ProfileView& profile, std::string_view key, const std::string& value,
                             const EnvLookup& env);
// Secrets inline in the config file need the file to be private.
void check_inline_secrets(const toml::table& root, const fs::path& path, mode_t mode);

struct LoadedConfig {
    bool exists = false;
    toml::table root;
    mode_t mode = 0;
};

// Reads and parses the file; an absent file is an empty config (`exists` false).
LoadedConfig load_config_file(const fs::path& path);
// The names of the [profiles.NAME] tables.
std::vector<std::string> profile_keys(const toml::table& root);

} // namespace asc::config_file
