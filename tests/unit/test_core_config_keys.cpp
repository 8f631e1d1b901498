// The settings table (asc/config/keys.hpp) drives resolution: every row's environment variable is
// read and beats the profile, a row found nowhere is "default", and `config show`'s text comes from
// the row (secrets masked). The other precedence cases are in test_core_config.cpp.

#include "asc/config/config.hpp"
#include "asc/config/keys.hpp"

#include <cstdlib>
#include <doctest/doctest.h>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <string>
#include <sys/stat.h>

namespace fs = std::filesystem;

namespace {

class TempDir {
  public:
    TempDir() {
        std::string pattern = (fs::temp_directory_path() / "asc-keys-test-XXXXXX").string();
        if (::mkdtemp(pattern.data()) == nullptr) {
            throw std::runtime_error("mkdtemp failed");
        }
        m_path = pattern;
    }
    ~TempDir() {
        std::error_code ec;
        fs::remove_all(m_path, ec);
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    [[nodiscard]] const fs::path& path() const { return m_path; }

  private:
    fs::path m_path;
};

asc::EnvLookup lookup(const std::map<std::string, std::string>& vars) {
    return [&vars](const std::string& name) -> std::optional<std::string> {
        if (auto it = vars.find(name); it != vars.end()) {
            return it->second;
        }
        return std::nullopt;
    };
}

// A value of the row's type, from the environment.
std::string env_value_for(const asc::SettingKey& key) {
    switch (key.type) {
    case asc::SettingType::Url:
        return "https://env.example";
    case asc::SettingType::List:
        return "A1ENV,A2ENV";
    case asc::SettingType::Path:
        return "/tmp/asc-env-value";
    case asc::SettingType::Secret:
        return "env-secret-0123456789";
    default:
        return "ENVVALUE";
    }
}

} // namespace

TEST_SUITE_BEGIN("core::config::keys");

TEST_CASE("the table: names and variables are unique; secrets live in the file as <key>_file") {
    std::set<std::string_view> names;
    std::set<std::string_view> envs;
    for (const auto& key : asc::setting_keys()) {
        CAPTURE(key.name);
        CHECK(names.insert(key.name).second);
        if (!key.env.empty()) {
            CHECK(envs.insert(key.env).second);
            CHECK(key.env.starts_with("ASC_"));
        }
        if (key.secret()) {
            CHECK_FALSE(key.config_key.empty());
        }
        CHECK_FALSE(key.description.empty());
        CHECK(asc::find_setting_key(key.name) == &key);
    }
    CHECK(asc::find_setting_key("nope") == nullptr);
    // Every key `config show` printed before the table, and pager.
    for (const char* name : {"profile", "config", "region", "endpoint", "lwa_endpoint", "marketplace_ids",
                             "seller_id", "client_id", "client_secret", "refresh_token", "store", "store_pii",
                             "pager", "commerce_url", "commerce_token", "commerce_link_field",
                             "commerce_on_cancel", "commerce_cancel_status", "commerce_store_code"}) {
        CHECK_MESSAGE(asc::find_setting_key(name) != nullptr, name);
    }
}

TEST_CASE("every row's environment variable is read, and beats the profile") {
    TempDir dir;
    const fs::path config = dir.path() / "config.toml";
    {
        std::ofstream out(config);
        out << "[profiles.ENVVALUE]\nregion = \"na\"\nendpoint = \"https://profile.example\"\n"
               "seller_id = \"PROFILE\"\nmarketplace_ids = [\"A1PROFILE\"]\n"
               "[profiles.ENVVALUE.commerce]\nbase_url = \"https://shop.profile.example\"\n";
    }
    ::chmod(config.c_str(), 0600);
    for (const auto& key : asc::setting_keys()) {
        if (key.env.empty()) {
            continue;
        }
        CAPTURE(key.name);
        std::map<std::string, std::string> vars{{"HOME", (dir.path() / "home").string()},
                                                {"ASC_CONFIG", config.string()},
                                                {"ASC_PROFILE", "ENVVALUE"}};
        vars[std::string(key.env)] = env_value_for(key);
        if (key.name == "config") {
            vars["ASC_CONFIG"] = (dir.path() / "absent.toml").string();
        }
        const asc::Settings s = asc::load_settings({}, lookup(vars));
        CHECK(s.sources.at(std::string(key.name)) == "env " + std::string(key.env));
        const auto text = asc::setting_text(s, key);
        REQUIRE(text.has_value());
        if (key.secret()) {
            CHECK(*text == asc::mask_secret(env_value_for(key)));
        } else if (key.name == "config") {
            CHECK(*text == (dir.path() / "absent.toml").string() + " (not found)");
        } else if (key.type == asc::SettingType::List) {
            CHECK(*text == "A1ENV,A2ENV");
        } else {
            CHECK(*text == env_value_for(key));
        }
    }
}

TEST_CASE("with nothing set, every row is its default; commerce rows exist only with a link") {
    TempDir dir;
    const std::map<std::string, std::string> vars{{"HOME", (dir.path() / "home").string()}};
    const asc::Settings s = asc::load_settings({}, lookup(vars));
    for (const auto& key : asc::setting_keys()) {
        CAPTURE(key.name);
        if (key.table == asc::SettingTable::Commerce) {
            CHECK(s.sources.count(std::string(key.name)) == 0);
            CHECK_FALSE(asc::setting_text(s, key).has_value());
        } else {
            CHECK(s.sources.at(std::string(key.name)) == "default");
            CHECK(asc::setting_text(s, key).has_value());
        }
    }
    CHECK(asc::setting_text(s, *asc::find_setting_key("pager")) == "true");
    CHECK(asc::setting_text(s, *asc::find_setting_key("store_pii")) == "false");
    CHECK(asc::setting_text(s, *asc::find_setting_key("client_secret")) == "(not set)");
    CHECK(asc::setting_text(s, *asc::find_setting_key("seller_id")) == "(not set)");
}

TEST_CASE("the ENVIRONMENT text of a row names its flag and its default") {
    CHECK(asc::setting_env_text(*asc::find_setting_key("config")) ==
          "The config file (--config); default $XDG_CONFIG_HOME/asc/config.toml.");
    const std::string secret = asc::setting_env_text(*asc::find_setting_key("client_secret"));
    CHECK(secret.find("Prefer client_secret_file in the config file") != std::string::npos);
}

TEST_SUITE_END();
