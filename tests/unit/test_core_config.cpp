// Effective settings: flag > environment > profile > default, with a fake environment and config
// files in a temporary directory (hermetic: XDG_* and HOME come from the EnvLookup too).

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

// A directory of our own under the system temp dir, removed at the end of the test.
class TempDir {
  public:
    TempDir() {
        std::string pattern = (fs::temp_directory_path() / "asc-config-test-XXXXXX").string();
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

    // Writes `name` (parents created) with the given mode and returns its path.
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

// A fake environment: HOME and XDG_* point into the temp dir unless a test overrides them.
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

asc::Settings load(const asc::FlagSettings& flags, const FakeEnv& env) {
    return asc::load_settings(flags, env.lookup());
}

asc::Error load_error(const asc::FlagSettings& flags, const FakeEnv& env) {
    try {
        (void)load(flags, env);
    } catch (const asc::Error& e) {
        return e;
    }
    FAIL("expected load_settings to throw");
    return asc::Error(asc::ErrorKind::Internal, "unreachable");
}

const char* const k_prod_config = R"(default_profile = "prod"

[profiles.prod]
region = "eu"
endpoint = "https://profile.example"
lwa_endpoint = "https://lwa.profile.example/token"
marketplace_ids = ["A1PA6795UKMFR9", "A13V1IB3VIYZZH"]
seller_id = "SELLERPROFILE"
client_id = "amzn1.application-oa2-client.profile"
store = "~/stores/prod.db"
store_pii = true

[profiles.sim]
endpoint = "http://127.0.0.1:8080"
marketplace_ids = "ATVPDKIKX0DER"
)";

} // namespace

TEST_SUITE_BEGIN("core::config");

TEST_CASE("config: defaults without any config file") {
    TempDir dir;
    FakeEnv env(dir);
    const auto s = load({}, env);
    CHECK(s.profile == "default");
    CHECK_FALSE(s.config_exists);
    CHECK(s.config_path == dir.path() / "home/.config/asc/config.toml");
    CHECK(s.region == "na");
    CHECK(s.endpoint == "https://sellingpartnerapi-na.amazon.com");
    CHECK(s.lwa_endpoint == "https://api.amazon.com/auth/o2/token");
    CHECK(s.marketplace_ids == std::vector<std::string>{"ATVPDKIKX0DER"});
    CHECK(s.store_path == dir.path() / "home/.local/share/asc/default.db");
    CHECK(s.cache_dir == dir.path() / "home/.cache/asc");
    CHECK_FALSE(s.store_pii);
    CHECK(s.client_secret.empty());
    CHECK(s.sources.at("endpoint") == "default");
    CHECK(s.sources.at("profile") == "default");
}

TEST_CASE("config: XDG directories come from the EnvLookup; relative ones are ignored") {
    TempDir dir;
    FakeEnv env(dir);
    env.vars["XDG_CONFIG_HOME"] = (dir.path() / "xdg-config").string();
    env.vars["XDG_DATA_HOME"] = (dir.path() / "xdg-data").string();
    env.vars["XDG_CACHE_HOME"] = "relative/cache";
    dir.write("xdg-config/asc/config.toml", "[profiles.default]\nseller_id = \"FROMXDG\"\n");
    const auto s = load({}, env);
    CHECK(s.config_exists);
    CHECK(s.config_path == dir.path() / "xdg-config/asc/config.toml");
    CHECK(s.seller_id == "FROMXDG");
    CHECK(s.store_path == dir.path() / "xdg-data/asc/default.db");
    CHECK(s.cache_dir == dir.path() / "home/.cache/asc");
}

TEST_CASE("config: config path precedence flag > ASC_CONFIG > XDG") {
    TempDir dir;
    FakeEnv env(dir);
    env.vars["XDG_CONFIG_HOME"] = (dir.path() / "xdg").string();
    dir.write("xdg/asc/config.toml", "[profiles.default]\nseller_id = \"XDG\"\n");
    const auto env_file = dir.write("env.toml", "[profiles.default]\nseller_id = \"ENV\"\n");
    const auto flag_file = dir.write("flag.toml", "[profiles.default]\nseller_id = \"FLAG\"\n");
    CHECK(load({}, env).seller_id == "XDG");
    env.vars["ASC_CONFIG"] = env_file.string();
    CHECK(load({}, env).seller_id == "ENV");
    CHECK(load({}, env).sources.at("config_path") == "env ASC_CONFIG");
    asc::FlagSettings flags;
    flags.config_path = flag_file.string();
    CHECK(load(flags, env).seller_id == "FLAG");
    CHECK(load(flags, env).sources.at("config_path") == "flag");
    SUBCASE("~ in ASC_CONFIG is the EnvLookup's HOME") {
        dir.write("home/my.toml", "[profiles.default]\nseller_id = \"TILDE\"\n");
        env.vars["ASC_CONFIG"] = "~/my.toml";
        CHECK(load({}, env).seller_id == "TILDE");
    }
}

TEST_CASE("config: profile precedence flag > ASC_PROFILE > default_profile > default") {
    TempDir dir;
    FakeEnv env(dir);
    env.vars["ASC_CONFIG"] = dir.write("c.toml", k_prod_config).string();
    CHECK(load({}, env).profile == "prod");
    CHECK(load({}, env).sources.at("profile") == "config default_profile");
    env.vars["ASC_PROFILE"] = "sim";
    CHECK(load({}, env).profile == "sim");
    CHECK(load({}, env).sources.at("profile") == "env ASC_PROFILE");
    asc::FlagSettings flags;
    flags.profile = "prod";
    CHECK(load(flags, env).profile == "prod");
    CHECK(load(flags, env).sources.at("profile") == "flag");
}

TEST_CASE("config: each key flag > env > profile > default") {
    TempDir dir;
    FakeEnv env(dir);
    env.vars["ASC_CONFIG"] = dir.write("c.toml", k_prod_config).string();

    SUBCASE("profile values") {
        const auto s = load({}, env);
        CHECK(s.region == "eu");
        CHECK(s.sources.at("region") == "profile prod");
        CHECK(s.endpoint == "https://profile.example");
        CHECK(s.sources.at("endpoint") == "profile prod");
        CHECK(s.lwa_endpoint == "https://lwa.profile.example/token");
        CHECK(s.marketplace_ids == std::vector<std::string>{"A1PA6795UKMFR9", "A13V1IB3VIYZZH"});
        CHECK(s.seller_id == "SELLERPROFILE");
        CHECK(s.client_id == "amzn1.application-oa2-client.profile");
        CHECK(s.store_path == dir.path() / "home/stores/prod.db");
        CHECK(s.store_pii);
        CHECK(s.sources.at("store_pii") == "profile prod");
    }
    SUBCASE("environment beats the profile") {
        env.vars["ASC_ENDPOINT"] = "http://127.0.0.1:9000";
        env.vars["ASC_LWA_ENDPOINT"] = "http://127.0.0.1:9000/auth/o2/token";
        env.vars["ASC_MARKETPLACE"] = "A1F83G8C2ARO7P, A1RKKUPIHCS9HS";
        env.vars["ASC_SELLER_ID"] = "SELLERENV";
        env.vars["ASC_CLIENT_ID"] = "client-env";
        env.vars["ASC_CLIENT_SECRET"] = "secret-env";
        env.vars["ASC_REFRESH_TOKEN"] = "Atzr|refresh-env";
        env.vars["ASC_STORE"] = "/tmp/env.db";
        const auto s = load({}, env);
        CHECK(s.endpoint == "http://127.0.0.1:9000");
        CHECK(s.sources.at("endpoint") == "env ASC_ENDPOINT");
        CHECK(s.lwa_endpoint == "http://127.0.0.1:9000/auth/o2/token");
        CHECK(s.sources.at("lwa_endpoint") == "env ASC_LWA_ENDPOINT");
        CHECK(s.marketplace_ids == std::vector<std::string>{"A1F83G8C2ARO7P", "A1RKKUPIHCS9HS"});
        CHECK(s.sources.at("marketplace_ids") == "env ASC_MARKETPLACE");
        CHECK(s.seller_id == "SELLERENV");
        CHECK(s.client_id == "client-env");
        CHECK(s.client_secret == "secret-env");
        CHECK(s.sources.at("client_secret") == "env ASC_CLIENT_SECRET");
        CHECK(s.refresh_token == "Atzr|refresh-env");
        CHECK(s.store_path == "/tmp/env.db");
        CHECK(s.sources.at("store") == "env ASC_STORE");
        CHECK_NOTHROW(s.require_credentials());

        SUBCASE("and flags beat the environment") {
            asc::FlagSettings flags;
            flags.endpoint = "http://127.0.0.1:7000";
            flags.marketplace = "ATVPDKIKX0DER";
            flags.store = "/tmp/flag.db";
            const auto f = load(flags, env);
            CHECK(f.endpoint == "http://127.0.0.1:7000");
            CHECK(f.sources.at("endpoint") == "flag");
            CHECK(f.marketplace_ids == std::vector<std::string>{"ATVPDKIKX0DER"});
            CHECK(f.sources.at("marketplace_ids") == "flag");
            CHECK(f.store_path == "/tmp/flag.db");
            CHECK(f.sources.at("store") == "flag");
        }
    }
    SUBCASE("an empty environment variable counts as unset") {
        env.vars["ASC_ENDPOINT"] = "";
        CHECK(load({}, env).endpoint == "https://profile.example");
    }
    SUBCASE("defaults follow the profile's region") {
        env.vars["ASC_PROFILE"] = "sim";
        const auto s = load({}, env);
        CHECK(s.region == "na");
        CHECK(s.endpoint == "http://127.0.0.1:8080");
        CHECK(s.marketplace_ids == std::vector<std::string>{"ATVPDKIKX0DER"}); // a single string
        CHECK(s.store_path == dir.path() / "home/.local/share/asc/sim.db");
        CHECK(s.lwa_endpoint == "https://api.amazon.com/auth/o2/token");
        CHECK(s.sources.at("lwa_endpoint") == "default");
    }
}

TEST_CASE("config: region endpoints and the default marketplace") {
    CHECK(asc::region_endpoint("na") == "https://sellingpartnerapi-na.amazon.com");
    CHECK(asc::region_endpoint("eu") == "https://sellingpartnerapi-eu.amazon.com");
    CHECK(asc::region_endpoint("fe") == "https://sellingpartnerapi-fe.amazon.com");
    CHECK_FALSE(asc::region_endpoint("us").has_value());

    TempDir dir;
    FakeEnv env(dir);
    env.vars["ASC_CONFIG"] = dir.write("c.toml", "[profiles.default]\nregion = \"fe\"\n").string();
    const auto s = load({}, env);
    CHECK(s.endpoint == "https://sellingpartnerapi-fe.amazon.com");
    CHECK(s.marketplace_ids == std::vector<std::string>{"A1VC38T7YXB528"});
}

TEST_CASE("config: an unknown region is a Config error") {
    TempDir dir;
    FakeEnv env(dir);
    env.vars["ASC_CONFIG"] = dir.write("c.toml", "[profiles.default]\nregion = \"us\"\n").string();
    const auto e = load_error({}, env);
    CHECK(e.kind() == asc::ErrorKind::Config);
    CHECK(std::string(e.what()).find("unknown region 'us'") != std::string::npos);
    CHECK(e.hint() == "use na, eu or fe");
}

TEST_CASE("config: an explicit profile missing from the file lists the defined ones") {
    TempDir dir;
    FakeEnv env(dir);
    const auto path = dir.write("c.toml", k_prod_config);
    env.vars["ASC_CONFIG"] = path.string();
    asc::FlagSettings flags;
    flags.profile = "staging";
    const auto e = load_error(flags, env);
    CHECK(e.kind() == asc::ErrorKind::Config);
    CHECK(std::string(e.what()) == "profile 'staging' is not in " + path.string());
    CHECK(e.hint() == "profiles defined: prod, sim");

    SUBCASE("through ASC_PROFILE too") {
        env.vars["ASC_PROFILE"] = "staging";
        CHECK(load_error({}, env).kind() == asc::ErrorKind::Config);
    }
    SUBCASE("a file without profiles says how to add one") {
        env.vars["ASC_CONFIG"] = dir.write("empty.toml", "# nothing yet\n").string();
        const auto e2 = load_error(flags, env);
        CHECK(e2.hint().find("[profiles.staging]") != std::string::npos);
    }
    SUBCASE("no config file at all: the profile only names the store") {
        env.vars["ASC_CONFIG"] = (dir.path() / "missing.toml").string();
        const auto s = load(flags, env);
        CHECK(s.profile == "staging");
        CHECK(s.store_path == dir.path() / "home/.local/share/asc/staging.db");
    }
}

TEST_CASE("config: malformed TOML reports the line and column") {
    TempDir dir;
    FakeEnv env(dir);
    const auto path = dir.write("c.toml", "[profiles.prod]\nregion = \"na\"\nendpoint = \n");
    env.vars["ASC_CONFIG"] = path.string();
    const auto e = load_error({}, env);
    CHECK(e.kind() == asc::ErrorKind::Config);
    const std::string what = e.what();
    CAPTURE(what);
    CHECK(what.rfind(path.string() + ":3:", 0) == 0);
}

TEST_CASE("config: a value of the wrong type is a Config error with its line") {
    TempDir dir;
    FakeEnv env(dir);
    const auto path = dir.write("c.toml", "[profiles.default]\n\nstore_pii = \"yes\"\n");
    env.vars["ASC_CONFIG"] = path.string();
    const auto e = load_error({}, env);
    CHECK(e.kind() == asc::ErrorKind::Config);
    CHECK(std::string(e.what()).find(path.string() + ":3:") == 0);
}

TEST_CASE("config: secrets from *_file keys") {
    TempDir dir;
    FakeEnv env(dir);
    dir.write("home/.config/asc/secret", "  s3cr3t-value-from-file \n", 0600);
    dir.write("home/.config/asc/token", "Atzr|token-from-file\n", 0400);
    const auto config = dir.write("c.toml", R"([profiles.default]
client_id = "cid"
client_secret_file = "~/.config/asc/secret"
refresh_token_file = "~/.config/asc/token"
)",
                                  0644);
    env.vars["ASC_CONFIG"] = config.string();

    SUBCASE("private files are read and trimmed") {
        const auto s = load({}, env);
        CHECK(s.client_secret == "s3cr3t-value-from-file");
        CHECK(s.refresh_token == "Atzr|token-from-file");
        CHECK(s.sources.at("client_secret") == "profile default");
        CHECK_NOTHROW(s.require_credentials());
    }
    SUBCASE("a secret file readable by others is refused with the chmod 600 hint") {
        const auto secret = dir.path() / "home/.config/asc/secret";
        ::chmod(secret.c_str(), 0644);
        const auto e = load_error({}, env);
        CHECK(e.kind() == asc::ErrorKind::Config);
        CHECK(std::string(e.what()) ==
              secret.string() + " is readable by other users; refusing to read a secret from it");
        CHECK(e.hint() == "chmod 600 " + secret.string());
    }
    SUBCASE("group-writable counts too") {
        const auto token = dir.path() / "home/.config/asc/token";
        ::chmod(token.c_str(), 0620);
        CHECK(load_error({}, env).hint() == "chmod 600 " + token.string());
    }
    SUBCASE("a missing secret file names the key and the path") {
        std::filesystem::remove(dir.path() / "home/.config/asc/token");
        const auto e = load_error({}, env);
        CHECK(e.kind() == asc::ErrorKind::Config);
        const std::string what = e.what();
        CHECK(what.find("refresh_token_file") != std::string::npos);
        CHECK(what.find((dir.path() / "home/.config/asc/token").string()) != std::string::npos);
    }
    SUBCASE("the environment wins over the file and the file is not read") {
        ::chmod((dir.path() / "home/.config/asc/secret").c_str(), 0644);
        env.vars["ASC_CLIENT_SECRET"] = "from-env";
        CHECK(load({}, env).client_secret == "from-env");
    }
}

TEST_CASE("config: inline secrets need a private config file") {
    TempDir dir;
    FakeEnv env(dir);
    const auto path = dir.write("c.toml",
                                "[profiles.default]\nclient_id = \"cid\"\nclient_secret = "
                                "\"inline-secret\"\nrefresh_token = \"Atzr|inline\"\n",
                                0644);
    env.vars["ASC_CONFIG"] = path.string();
    const auto e = load_error({}, env);
    CHECK(e.kind() == asc::ErrorKind::Config);
    CHECK(std::string(e.what()) ==
          path.string() + " is readable by other users; refusing to read a secret from it");
    CHECK(e.hint() == "chmod 600 " + path.string());

    ::chmod(path.c_str(), 0600);
    const auto s = load({}, env);
    CHECK(s.client_secret == "inline-secret");
    CHECK(s.refresh_token == "Atzr|inline");

    SUBCASE("a 0644 config without secrets is fine") {
        dir.write("c.toml", "[profiles.default]\nclient_id = \"cid\"\n", 0644);
        CHECK(load({}, env).client_id == "cid");
    }
}

TEST_CASE("config: missing credentials name exactly the missing ones") {
    TempDir dir;
    FakeEnv env(dir);
    const auto path = dir.path() / "home/.config/asc/config.toml";

    SUBCASE("secret and token") {
        env.vars["ASC_CLIENT_ID"] = "cid";
        const auto s = load({}, env);
        try {
            s.require_credentials();
            FAIL("expected an error");
        } catch (const asc::Error& e) {
            CHECK(e.kind() == asc::ErrorKind::Config);
            CHECK(std::string(e.what()) == "missing credentials: client_secret, refresh_token");
            CHECK(e.hint() == "set ASC_CLIENT_SECRET and ASC_REFRESH_TOKEN, or "
                              "client_secret_file/refresh_token_file in [profiles.default] of " +
                                  path.string() + "; see `asc help config`");
        }
    }
    SUBCASE("only the refresh token") {
        env.vars["ASC_CLIENT_ID"] = "cid";
        env.vars["ASC_CLIENT_SECRET"] = "sec";
        try {
            load({}, env).require_credentials();
            FAIL("expected an error");
        } catch (const asc::Error& e) {
            CHECK(std::string(e.what()) == "missing credentials: refresh_token");
            CHECK(e.hint().rfind("set ASC_REFRESH_TOKEN, or refresh_token_file in", 0) == 0);
        }
    }
    SUBCASE("all three") {
        try {
            load({}, env).require_credentials();
            FAIL("expected an error");
        } catch (const asc::Error& e) {
            CHECK(std::string(e.what()) == "missing credentials: client_id, client_secret, refresh_token");
            CHECK(e.hint().rfind("set ASC_CLIENT_ID, ASC_CLIENT_SECRET and ASC_REFRESH_TOKEN, or "
                                 "client_id/client_secret_file/refresh_token_file",
                                 0) == 0);
        }
    }
}

TEST_CASE("config: both a secret and its file is ambiguous") {
    TempDir dir;
    FakeEnv env(dir);
    dir.write("secret", "x\n");
    env.vars["ASC_CONFIG"] =
        dir.write("c.toml", "[profiles.default]\nclient_secret = \"a\"\nclient_secret_file = \"secret\"\n")
            .string();
    CHECK(load_error({}, env).kind() == asc::ErrorKind::Config);
}

TEST_CASE("config: profile_names lists the profiles, or nothing") {
    TempDir dir;
    CHECK(asc::profile_names(dir.write("c.toml", k_prod_config)) == std::vector<std::string>{"prod", "sim"});
    CHECK(asc::profile_names(dir.path() / "missing.toml").empty());
    CHECK(asc::profile_names(dir.write("bad.toml", "[[[")).empty());
}

TEST_CASE("config: seller_central_host by marketplace") {
    CHECK(asc::seller_central_host("ATVPDKIKX0DER") == "sellercentral.amazon.com");
    CHECK(asc::seller_central_host("A2EUQ1WTGCTBG2") == "sellercentral.amazon.ca");
    CHECK(asc::seller_central_host("A1F83G8C2ARO7P") == "sellercentral.amazon.co.uk");
    CHECK(asc::seller_central_host("A1PA6795UKMFR9") == "sellercentral.amazon.de");
    CHECK(asc::seller_central_host("A1VC38T7YXB528") == "sellercentral.amazon.co.jp");
    CHECK(asc::seller_central_host("A39IBJ37TRP1C6") == "sellercentral.amazon.com.au");
    CHECK(asc::seller_central_host("AMEN7PMS3EDWL") == "sellercentral.amazon.com.be");
    CHECK(asc::seller_central_host("UNKNOWN") == "sellercentral.amazon.com");
}

TEST_CASE("config: mask_secret never shows the whole secret") {
    CHECK(asc::mask_secret("") == "(not set)");
    CHECK(asc::mask_secret("short") == "****");
    CHECK(asc::mask_secret("fifteen-chars!!") == "****");
    CHECK(asc::mask_secret("Atzr|IwEBIabcdef3f9a") == "Atzr…3f9a");
}

TEST_SUITE_END();
