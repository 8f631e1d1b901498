// `asc config init / use / list`: writing a profile into config.toml and its secrets into their
// own 0600 files, switching the default profile, listing the profiles.

#include "asc/config/config.hpp"
#include "config_file.hpp"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sstream>
#include <unistd.h>

namespace asc {

namespace fs = std::filesystem;
using namespace config_file;

namespace {

// A profile name is also a file name (its store, its secrets): letters, digits, '-', '_', '.'.
void check_profile_name(const std::string& name) {
    const bool ok =
        !name.empty() && name.size() <= 64 && name.front() != '.' &&
        std::all_of(name.begin(), name.end(), [](char c) {
            return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '-' || c == '_' || c == '.';
        });
    if (!ok) {
        throw Error(ErrorKind::Usage, fmt::format("invalid profile name '{}'", name),
                    "use letters, digits, '-', '_' or '.', e.g. prod or eu-test");
    }
}

void make_private_dir(const fs::path& dir) {
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec) {
        throw Error(ErrorKind::Config, fmt::format("cannot create {}: {}", dir.string(), ec.message()));
    }
    ::chmod(dir.c_str(), 0700);
}

// Writes `text` to `path` with mode 0600, atomically: a temporary file in the same directory,
// flushed, then renamed over it.
void write_private_file(const fs::path& path, const std::string& text) {
    make_private_dir(path.parent_path());
    const fs::path tmp = path.string() + ".tmp";
    const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) {
        throw Error(ErrorKind::Config,
                    fmt::format("cannot write {}: {}", tmp.string(), std::strerror(errno)));
    }
    ::fchmod(fd, 0600);
    std::size_t done = 0;
    while (done < text.size()) {
        const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            const std::string why = std::strerror(errno);
            ::close(fd);
            throw Error(ErrorKind::Config, fmt::format("cannot write {}: {}", tmp.string(), why));
        }
        done += static_cast<std::size_t>(n);
    }
    const bool synced = ::fsync(fd) == 0;
    ::close(fd);
    if (!synced || ::rename(tmp.c_str(), path.c_str()) != 0) {
        throw Error(ErrorKind::Config,
                    fmt::format("cannot write {}: {}", path.string(), std::strerror(errno)));
    }
}

toml::array string_array(const std::vector<std::string>& items) {
    toml::array a;
    for (const auto& i : items) {
        a.push_back(i);
    }
    return a;
}

// The file rewritten from `root` (toml++ does not keep comments: the old file is kept as .bak).
void save_config(const fs::path& path, const toml::table& root, bool existed) {
    if (existed) {
        std::error_code ec;
        const fs::path backup = path.string() + ".bak";
        fs::copy_file(path, backup, fs::copy_options::overwrite_existing, ec);
        ::chmod(backup.c_str(), 0600);
    }
    std::ostringstream text;
    text << "# asc configuration (see `asc help config`); written by `asc config`.\n" << root << "\n";
    write_private_file(path, text.str());
}

} // namespace

fs::path default_config_path(const EnvLookup& env) {
    if (auto v = env_value(env, "ASC_CONFIG")) {
        return expand_tilde(*v, env);
    }
    return xdg_dir(env, "XDG_CONFIG_HOME", ".config") / "asc" / "config.toml";
}

WrittenProfile write_profile(const fs::path& config_path, const NewProfile& p) {
    check_profile_name(p.name);
    if (!region_endpoint(p.region)) {
        throw Error(ErrorKind::Usage, fmt::format("unknown region '{}'", p.region),
                    "use na (North America), eu (Europe) or fe (Far East)");
    }
    LoadedConfig config = load_config_file(config_path);
    WrittenProfile written;
    written.config_path = config_path;
    const fs::path secrets = config_path.parent_path() / "secrets";
    toml::table profile;
    profile.insert("region", p.region);
    if (!p.marketplace_ids.empty()) {
        profile.insert("marketplace_ids", string_array(p.marketplace_ids));
    }
    if (!p.seller_id.empty()) {
        profile.insert("seller_id", p.seller_id);
    }
    if (!p.client_id.empty()) {
        profile.insert("client_id", p.client_id);
    }
    if (!p.client_secret.empty()) {
        written.client_secret_file = secrets / (p.name + ".client_secret");
        write_private_file(written.client_secret_file, p.client_secret + "\n");
        profile.insert("client_secret_file", written.client_secret_file.string());
    }
    if (!p.refresh_token.empty()) {
        written.refresh_token_file = secrets / (p.name + ".refresh_token");
        write_private_file(written.refresh_token_file, p.refresh_token + "\n");
        profile.insert("refresh_token_file", written.refresh_token_file.string());
    }
    if (!p.endpoint.empty()) {
        profile.insert("endpoint", p.endpoint);
    }
    if (!p.lwa_endpoint.empty()) {
        profile.insert("lwa_endpoint", p.lwa_endpoint);
    }
    toml::table& root = config.root;
    if (!root.contains("profiles")) {
        root.insert("profiles", toml::table{});
    }
    toml::table* profiles = root.get_as<toml::table>("profiles");
    if (const auto* old = profiles->get_as<toml::table>(p.name)) {
        // Keep what init does not ask about (the commerce link, store settings).
        for (const auto& [key, value] : *old) {
            if (!profile.contains(key.str()) && key.str() != "client_secret" &&
                key.str() != "refresh_token") {
                profile.insert(key.str(), value);
            }
        }
    }
    profiles->insert_or_assign(p.name, std::move(profile));
    // The first profile becomes the default; later ones only when asked (an existing file without
    // default_profile uses the one named "default").
    if (p.make_default || (!root.contains("default_profile") && profiles->size() == 1)) {
        root.insert_or_assign("default_profile", p.name);
    }
    save_config(config_path, root, config.exists);
    return written;
}

void set_default_profile(const fs::path& config_path, const std::string& name) {
    LoadedConfig config = load_config_file(config_path);
    const auto names = profile_keys(config.root);
    if (std::find(names.begin(), names.end(), name) == names.end()) {
        throw Error(ErrorKind::Config, fmt::format("no profile '{}' in {}", name, config_path.string()),
                    names.empty() ? std::string("create one with `asc config init`")
                                  : fmt::format("the profiles are: {} (or create it with `asc config init "
                                                "--profile {}`)",
                                                join(names, ", "), name));
    }
    config.root.insert_or_assign("default_profile", name);
    save_config(config_path, config.root, true);
}

std::vector<ProfileSummary> list_profiles(const fs::path& config_path) {
    const LoadedConfig config = load_config_file(config_path);
    std::string default_name;
    if (const auto* d = config.root.get_as<std::string>("default_profile")) {
        default_name = d->get();
    }
    std::vector<ProfileSummary> out;
    const auto* profiles = config.root.get_as<toml::table>("profiles");
    for (const auto& name : profile_keys(config.root)) {
        const ProfileView view(profiles->get_as<toml::table>(name), name, config_path);
        ProfileSummary p;
        p.name = name;
        p.is_default = name == default_name;
        p.has_commerce = view.has("commerce");
        p.region = view.string("region").value_or("na");
        p.marketplace_ids = view.string_list("marketplace_ids").value_or(std::vector<std::string>{});
        out.push_back(std::move(p));
    }
    return out;
}

} // namespace asc
