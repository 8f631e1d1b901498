// [profiles.NAME.commerce] and ASC_COMMERCE_URL / ASC_COMMERCE_TOKEN: the Magento link's settings,
// with a fake environment and config files in a temporary directory.

#include "asc/base/errors.hpp"
#include "asc/config/config.hpp"

#include <cstdlib>
#include <doctest/doctest.h>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <sys/stat.h>

namespace fs = std::filesystem;

namespace {

class TempDir {
  public:
    TempDir() {
        std::string pattern = (fs::temp_directory_path() / "asc-commerce-config-XXXXXX").string();
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

    fs::path write(const std::string& name, const std::string& content, mode_t mode = 0600) const {
        fs::path p = m_path / name;
        fs::create_directories(p.parent_path());
        {
            std::ofstream out(p, std::ios::binary | std::ios::trunc);
            out << content;
        }
        ::chmod(p.c_str(), mode);
        return p;
    }

  private:
    fs::path m_path;
};

struct FakeEnv {
    std::map<std::string, std::string> vars;

    explicit FakeEnv(const TempDir& dir) { vars["HOME"] = (dir.path() / "home").string(); }

    [[nodiscard]] asc::EnvLookup lookup() const {
        return [this](const std::string& name) -> std::optional<std::string> {
            if (auto it = vars.find(name); it != vars.end()) {
                return it->second;
            }
            return std::nullopt;
        };
    }
};

asc::Settings load(const FakeEnv& env) {
    return asc::load_settings({}, env.lookup());
}

asc::Error load_error(const FakeEnv& env) {
    try {
        (void)load(env);
    } catch (const asc::Error& e) {
        return e;
    }
    FAIL("expected load_settings to throw");
    return asc::Error(asc::ErrorKind::Internal, "unreachable");
}

} // namespace

TEST_SUITE_BEGIN("core::commerce");

TEST_CASE("commerce config: without the section or the variables there is no commerce link") {
    TempDir dir;
    FakeEnv env(dir);
    env.vars["ASC_CONFIG"] = dir.write("c.toml", "[profiles.default]\nseller_id = \"S\"\n").string();
    const auto s = load(env);
    CHECK_FALSE(s.commerce.has_value());
    CHECK(s.sources.count("commerce_url") == 0);
}

TEST_CASE("commerce config: the profile's commerce table, with defaults") {
    TempDir dir;
    FakeEnv env(dir);
    dir.write("magento-token", "  tok-from-file-0123456789\n");
    env.vars["ASC_CONFIG"] = dir.write("c.toml", R"([profiles.default]
seller_id = "S"
[profiles.default.commerce]
base_url = "https://shop.example.com/"
access_token_file = "magento-token"
)")
                                 .string();
    const auto s = load(env);
    REQUIRE(s.commerce.has_value());
    CHECK(s.commerce->base_url == "https://shop.example.com");
    CHECK(s.commerce->access_token == "tok-from-file-0123456789");
    CHECK(s.commerce->link_field == "ext_order_id");
    CHECK(s.commerce->cancel_status.empty()); // no default: the order keeps Magento's status
    CHECK(s.commerce->on_cancel == "auto");
    CHECK(s.commerce->store_code == "default");
    CHECK(s.sources.at("commerce_url") == "profile default.commerce");
    CHECK(s.sources.at("commerce_token") == "profile default.commerce");
    CHECK(s.sources.at("commerce_link_field") == "default");
    CHECK_NOTHROW(s.commerce->require_complete(s.profile));
}

TEST_CASE("commerce config: every key of the table is read") {
    TempDir dir;
    FakeEnv env(dir);
    env.vars["ASC_CONFIG"] = dir.write("c.toml", R"([profiles.shop]
[profiles.shop.commerce]
base_url = "http://127.0.0.1:9000"
access_token = "inline-token-abcdefgh"
link_field = "increment_id"
cancel_status = "canceled"
store_code = "us_store"
on_cancel = "comment"
)")
                                 .string();
    env.vars["ASC_PROFILE"] = "shop";
    const auto s = load(env);
    REQUIRE(s.commerce.has_value());
    CHECK(s.commerce->access_token == "inline-token-abcdefgh");
    CHECK(s.commerce->link_field == "increment_id");
    CHECK(s.commerce->cancel_status == "canceled");
    CHECK(s.commerce->store_code == "us_store");
    CHECK(s.commerce->on_cancel == "comment");
    CHECK(s.sources.at("commerce_store_code") == "profile shop.commerce");
    CHECK(s.sources.at("commerce_on_cancel") == "profile shop.commerce");
}

TEST_CASE("commerce config: on_cancel other than auto or comment is a config error naming both") {
    TempDir dir;
    FakeEnv env(dir);
    env.vars["ASC_CONFIG"] = dir.write("c.toml", R"([profiles.default.commerce]
base_url = "https://shop.example.com"
on_cancel = "complete"
)")
                                 .string();
    try {
        (void)load(env);
        FAIL("expected a config error");
    } catch (const asc::Error& e) {
        CHECK(e.kind() == asc::ErrorKind::Config);
        CHECK(std::string(e.what()).find("on_cancel 'complete'") != std::string::npos);
        CHECK(e.hint().find("auto") != std::string::npos);
        CHECK(e.hint().find("comment") != std::string::npos);
    }
}

TEST_CASE("commerce config: ASC_COMMERCE_URL and ASC_COMMERCE_TOKEN override the profile") {
    TempDir dir;
    FakeEnv env(dir);
    env.vars["ASC_CONFIG"] = dir.write("c.toml", R"([profiles.default.commerce]
base_url = "https://shop.example.com"
access_token = "profile-token-1234567"
cancel_status = "closed"
)")
                                 .string();
    env.vars["ASC_COMMERCE_URL"] = "http://127.0.0.1:8080";
    env.vars["ASC_COMMERCE_TOKEN"] = "env-token-7654321";
    const auto s = load(env);
    REQUIRE(s.commerce.has_value());
    CHECK(s.commerce->base_url == "http://127.0.0.1:8080");
    CHECK(s.commerce->access_token == "env-token-7654321");
    CHECK(s.commerce->cancel_status == "closed");
    CHECK(s.sources.at("commerce_url") == "env ASC_COMMERCE_URL");
    CHECK(s.sources.at("commerce_token") == "env ASC_COMMERCE_TOKEN");
}

TEST_CASE("commerce config: the environment alone configures the link") {
    TempDir dir;
    FakeEnv env(dir);
    env.vars["ASC_COMMERCE_URL"] = "http://127.0.0.1:8080";
    env.vars["ASC_COMMERCE_TOKEN"] = "env-token-7654321";
    const auto s = load(env);
    REQUIRE(s.commerce.has_value());
    CHECK(s.commerce->base_url == "http://127.0.0.1:8080");
    CHECK(s.commerce->link_field == "ext_order_id");
    CHECK_NOTHROW(s.commerce->require_complete(s.profile));
}

TEST_CASE("commerce config: an incomplete link names what to set when it is used") {
    TempDir dir;
    FakeEnv env(dir);
    env.vars["ASC_COMMERCE_URL"] = "https://shop.example.com";
    const auto s = load(env);
    REQUIRE(s.commerce.has_value());
    try {
        s.commerce->require_complete(s.profile);
        FAIL("expected require_complete to throw");
    } catch (const asc::Error& e) {
        CHECK(e.kind() == asc::ErrorKind::Config);
        CHECK(std::string(e.what()).find("access_token") != std::string::npos);
        CHECK(e.hint().find("ASC_COMMERCE_TOKEN") != std::string::npos);
        CHECK(e.hint().find("[profiles.default.commerce]") != std::string::npos);
    }
}

TEST_CASE("commerce config: the token file must be private to its owner") {
    TempDir dir;
    FakeEnv env(dir);
    const auto token = dir.write("magento-token", "secret-token-value", 0644);
    env.vars["ASC_CONFIG"] =
        dir.write("c.toml", "[profiles.default.commerce]\nbase_url = \"https://s.example\"\n"
                            "access_token_file = \"magento-token\"\n")
            .string();
    const auto e = load_error(env);
    CHECK(e.kind() == asc::ErrorKind::Config);
    CHECK(e.hint() == "chmod 600 " + token.string());
    CHECK(std::string(e.what()).find("secret-token-value") == std::string::npos);
}

TEST_CASE("commerce config: an inline token needs a private config file") {
    TempDir dir;
    FakeEnv env(dir);
    const auto config = dir.write("c.toml",
                                  "[profiles.default.commerce]\nbase_url = \"https://s.example\"\n"
                                  "access_token = \"inline-secret\"\n",
                                  0644);
    env.vars["ASC_CONFIG"] = config.string();
    const auto e = load_error(env);
    CHECK(e.kind() == asc::ErrorKind::Config);
    CHECK(e.hint() == "chmod 600 " + config.string());
}

TEST_CASE("commerce config: both access_token and access_token_file is ambiguous") {
    TempDir dir;
    FakeEnv env(dir);
    dir.write("t", "file-token");
    env.vars["ASC_CONFIG"] =
        dir.write("c.toml", "[profiles.default.commerce]\nbase_url = \"https://s.example\"\n"
                            "access_token = \"x\"\naccess_token_file = \"t\"\n")
            .string();
    const auto e = load_error(env);
    CHECK(e.kind() == asc::ErrorKind::Config);
    CHECK(std::string(e.what()).find("[profiles.default.commerce]") != std::string::npos);
}

TEST_CASE("commerce config: bad values are Config errors") {
    TempDir dir;
    FakeEnv env(dir);
    auto with = [&](const std::string& body) {
        env.vars["ASC_CONFIG"] = dir.write("c.toml", "[profiles.default.commerce]\n" + body).string();
        return load_error(env);
    };
    SUBCASE("link_field") {
        const auto e = with("base_url = \"https://s.example\"\nlink_field = \"entity_id\"\n");
        CHECK(e.kind() == asc::ErrorKind::Config);
        CHECK(std::string(e.what()).find("entity_id") != std::string::npos);
    }
    SUBCASE("store_code that is not a path segment") {
        const auto e = with("base_url = \"https://s.example\"\nstore_code = \"../admin\"\n");
        CHECK(e.kind() == asc::ErrorKind::Config);
    }
    SUBCASE("base_url that is not http(s)") {
        const auto e = with("base_url = \"shop.example.com\"\n");
        CHECK(e.kind() == asc::ErrorKind::Config);
    }
    SUBCASE("a value of the wrong type names the commerce table") {
        const auto e = with("base_url = 42\n");
        CHECK(e.kind() == asc::ErrorKind::Config);
        CHECK(std::string(e.what()).find("profiles.default.commerce") != std::string::npos);
    }
    SUBCASE("commerce that is not a table") {
        env.vars["ASC_CONFIG"] = dir.write("c.toml", "[profiles.default]\ncommerce = \"yes\"\n").string();
        const auto e = load_error(env);
        CHECK(e.kind() == asc::ErrorKind::Config);
        CHECK(std::string(e.what()).find("[profiles.default.commerce]") != std::string::npos);
    }
}

TEST_SUITE_END();
