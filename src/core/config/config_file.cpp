// The configuration file and the environment: reading config.toml, secrets files, home and XDG
// directories. Resolution (flag > environment > profile > default) is in config.cpp.

#include "config_file.hpp"

#include <array>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <pwd.h>
#include <unistd.h>

namespace asc::config_file {

// An environment value; empty counts as unset.
std::optional<std::string> env_value(const EnvLookup& env, const std::string& name) {
    auto v = env(name);
    if (!v || v->empty()) {
        return std::nullopt;
    }
    return v;
}

fs::path home_dir(const EnvLookup& env) {
    if (auto home = env_value(env, "HOME")) {
        return *home;
    }
    // No HOME: ask the password database, as the shell would.
    std::array<char, 4096> buf{};
    passwd pw{};
    passwd* result = nullptr;
    if (getpwuid_r(getuid(), &pw, buf.data(), buf.size(), &result) == 0 && result != nullptr &&
        result->pw_dir != nullptr) {
        return result->pw_dir;
    }
    return ".";
}

fs::path expand_tilde(std::string_view path, const EnvLookup& env) {
    if (path == "~") {
        return home_dir(env);
    }
    if (path.size() >= 2 && path[0] == '~' && path[1] == '/') {
        return home_dir(env) / std::string(path.substr(2));
    }
    return std::string(path);
}

// An XDG base directory: the variable if it holds an absolute path (relative values are invalid
// per the spec), else ~/<fallback>.
fs::path xdg_dir(const EnvLookup& env, const std::string& var, std::string_view fallback) {
    if (auto v = env_value(env, var); v && fs::path(*v).is_absolute()) {
        return *v;
    }
    return home_dir(env) / std::string(fallback);
}

[[noreturn]] void throw_unsafe_mode(const fs::path& path) {
    throw Error(
        ErrorKind::Config,
        fmt::format("{} is readable by other users; refusing to read a secret from it", path.string()),
        fmt::format("chmod 600 {}", path.string()));
}

namespace {

// What a path that is not a regular file is, for messages.
std::string_view file_kind(mode_t mode) {
    if (S_ISFIFO(mode)) {
        return "a FIFO";
    }
    if (S_ISCHR(mode) || S_ISBLK(mode)) {
        return "a device";
    }
    if (S_ISSOCK(mode)) {
        return "a socket";
    }
    if (S_ISDIR(mode)) {
        return "a directory";
    }
    return "not a regular file";
}

} // namespace

// Reads at most k_max_config_bytes (the callers checked that the path is a regular file of at
// most that size; a file that grows meanwhile is cut off, and then fails to parse).
std::string read_file(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        throw Error(ErrorKind::Config,
                    fmt::format("cannot read {}: {}", path.string(), std::strerror(errno)));
    }
    std::string text(k_max_config_bytes, '\0');
    in.read(text.data(), static_cast<std::streamsize>(text.size()));
    text.resize(static_cast<std::size_t>(in.gcount()));
    return text;
}

// Reads a secret from a `*_file` key: `~` expanded, relative to the config file's directory, the
// file private to its owner, the value its trimmed content.
std::string read_secret_file(const ProfileView& profile, std::string_view key, const std::string& value,
                             const EnvLookup& env) {
    fs::path path = expand_tilde(value, env);
    if (path.is_relative()) {
        path = profile.config_path().parent_path() / path;
    }
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) {
        throw Error(ErrorKind::Config,
                    fmt::format("{} {} in {}: {}", key, path.string(), profile.where(),
                                errno == ENOENT ? "no such file" : std::strerror(errno)),
                    fmt::format("create it with the secret as its only content and chmod 600 it, "
                                "or fix {} in {}",
                                key, profile.where()));
    }
    if (!S_ISREG(st.st_mode)) {
        throw Error(ErrorKind::Config,
                    fmt::format("{} {} in {} is not a regular file", key, path.string(), profile.where()));
    }
    if ((st.st_mode & 077) != 0) {
        throw_unsafe_mode(path);
    }
    std::string secret = trim(read_file(path));
    if (secret.empty()) {
        throw Error(ErrorKind::Config,
                    fmt::format("{} {} in {} is empty", key, path.string(), profile.where()));
    }
    return secret;
}

// Secrets inline in the config file need the file to be private.
void check_inline_secrets(const toml::table& root, const fs::path& path, mode_t mode) {
    if ((mode & 077) == 0) {
        return;
    }
    const auto* profiles = root.get_as<toml::table>("profiles");
    if (profiles == nullptr) {
        return;
    }
    for (const auto& [name, node] : *profiles) {
        const auto* table = node.as_table();
        if (table != nullptr && (table->contains("client_secret") || table->contains("refresh_token"))) {
            throw_unsafe_mode(path);
        }
        if (const auto* commerce = table != nullptr ? table->get_as<toml::table>("commerce") : nullptr;
            commerce != nullptr && commerce->contains("access_token")) {
            throw_unsafe_mode(path);
        }
    }
}

LoadedConfig load_config_file(const fs::path& path) {
    LoadedConfig config;
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) {
        return config; // no file: everything comes from flags, env and defaults
    }
    if (S_ISDIR(st.st_mode)) {
        throw Error(ErrorKind::Config, fmt::format("{} is a directory, not a config file", path.string()));
    }
    // A FIFO or a device would block the read forever (or never end): regular files only.
    if (!S_ISREG(st.st_mode)) {
        throw Error(ErrorKind::Config,
                    fmt::format("{} is not a regular file ({}); the configuration must be one",
                                path.string(), file_kind(st.st_mode)),
                    "point --config/ASC_CONFIG at a config.toml file; see `asc help config`");
    }
    if (static_cast<std::uintmax_t>(st.st_size) > k_max_config_bytes) {
        throw Error(ErrorKind::Config,
                    fmt::format("{} is {} bytes; a configuration file is at most {} KiB", path.string(),
                                st.st_size, k_max_config_bytes / 1024),
                    "point --config/ASC_CONFIG at a config.toml file; see `asc help config`");
    }
    config.exists = true;
    config.mode = st.st_mode;
    const std::string text = read_file(path);
    try {
        config.root = toml::parse(text, path.string());
    } catch (const toml::parse_error& e) {
        throw Error(ErrorKind::Config,
                    fmt::format("{}:{}:{}: {}", path.string(), e.source().begin.line, e.source().begin.column,
                                e.description()),
                    "fix the TOML syntax at that line and column; see `asc help config`");
    }
    if (const auto* node = config.root.get("profiles"); node != nullptr && !node->is_table()) {
        throw Error(ErrorKind::Config, fmt::format("{}:{}: 'profiles' must be a table ([profiles.NAME])",
                                                   path.string(), node->source().begin.line));
    }
    return config;
}

std::vector<std::string> profile_keys(const toml::table& root) {
    std::vector<std::string> names;
    if (const auto* profiles = root.get_as<toml::table>("profiles")) {
        for (const auto& [name, node] : *profiles) {
            if (node.is_table()) {
                names.emplace_back(name.str());
            }
        }
    }
    return names;
}

} // namespace asc::config_file
