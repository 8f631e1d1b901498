// asc config init: a profile from questions on a terminal, or from flags and the environment off
// one; the secrets in their own 0600 files; then one cheap call (a Login with Amazon grant) to
// say whether the credentials work.
// asc config check: the config file, the credentials, the clock, the endpoint and the store, in
// one report whose exit code is the first failure's.

#include "asc/amazon/lwa.hpp"
#include "asc/base/errors.hpp"
#include "asc/base/strings.hpp"
#include "asc/base/time.hpp"
#include "asc/config/config.hpp"
#include "commands.hpp"
#include "config_commands.hpp"
#include "exit_codes.hpp"
#include "prompt.hpp"

#include <algorithm>
#include <array>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <fmt/format.h>
#include <memory>
#include <ostream>

namespace asc::cli {

namespace {

struct InitOptions {
    std::string region, marketplaces, seller_id, client_id, lwa_endpoint;
    bool make_default = false;
    bool no_check = false;
};

std::string env_or(const Context& ctx, const char* name, const std::string& fallback) {
    return ctx.env(name).value_or(fallback);
}

// The marketplace a new profile of a region most likely sells in (the US for na): a default the
// person can change at the question.
std::string default_marketplace(const std::string& region) {
    if (region == "na") {
        return "ATVPDKIKX0DER";
    }
    return region == "fe" ? "A1VC38T7YXB528" : "A1PA6795UKMFR9";
}

// Asks on a terminal (when `value` is empty); off one, leaves `value` as the flags and the
// environment gave it.
void ask(Context& ctx, bool interactive, std::string& value, const std::string& question,
         const std::string& fallback = {}, bool secret = false) {
    if (!value.empty() || !interactive) {
        if (value.empty()) {
            value = fallback;
        }
        return;
    }
    const std::string shown =
        fallback.empty() ? question + ": " : fmt::format("{} [{}]: ", question, fallback);
    value = ctx.ask(shown, secret);
    if (value.empty()) {
        value = fallback;
    }
}

NewProfile gather(const InitOptions& o, Context& ctx) {
    const bool interactive = ctx.stdin_is_terminal();
    NewProfile p;
    p.name = ctx.global.settings.profile.empty() ? env_or(ctx, "ASC_PROFILE", "") : ctx.global.settings.profile;
    p.region = o.region;
    std::string marketplaces = o.marketplaces.empty() ? env_or(ctx, "ASC_MARKETPLACE", "") : o.marketplaces;
    p.seller_id = o.seller_id.empty() ? env_or(ctx, "ASC_SELLER_ID", "") : o.seller_id;
    p.client_id = o.client_id.empty() ? env_or(ctx, "ASC_CLIENT_ID", "") : o.client_id;
    p.client_secret = env_or(ctx, "ASC_CLIENT_SECRET", "");
    p.refresh_token = env_or(ctx, "ASC_REFRESH_TOKEN", "");
    p.endpoint =
        ctx.global.settings.endpoint.empty() ? env_or(ctx, "ASC_ENDPOINT", "") : ctx.global.settings.endpoint;
    p.lwa_endpoint = o.lwa_endpoint.empty() ? env_or(ctx, "ASC_LWA_ENDPOINT", "") : o.lwa_endpoint;
    p.make_default = o.make_default;

    if (interactive) {
        ctx.err
            << "Set up an asc profile. Secrets go to their own files (mode 0600), not into config.toml.\n";
    }
    ask(ctx, interactive, p.name, "Profile name", "default");
    ask(ctx, interactive, p.region, "Region: na (North America), eu (Europe) or fe (Far East)", "na");
    p.region = lower_ascii(p.region);
    ask(ctx, interactive, marketplaces, "Marketplace ids, comma-separated", default_marketplace(p.region));
    p.marketplace_ids = asc::split_list(std::string_view(marketplaces));
    ask(ctx, interactive, p.seller_id, "Seller id (merchant token; signs cancellations; Enter to skip)", "-");
    if (p.seller_id == "-") {
        p.seller_id.clear();
    }
    ask(ctx, interactive, p.client_id, "LWA client id (amzn1.application-oa2-client...)");
    ask(ctx, interactive, p.client_secret, "LWA client secret (not shown)", {}, true);
    ask(ctx, interactive, p.refresh_token, "LWA refresh token (not shown)", {}, true);

    std::vector<std::string> missing;
    if (p.client_id.empty()) {
        missing.emplace_back("the client id (--client-id or ASC_CLIENT_ID)");
    }
    if (p.client_secret.empty()) {
        missing.emplace_back("the client secret (ASC_CLIENT_SECRET)");
    }
    if (p.refresh_token.empty()) {
        missing.emplace_back("the refresh token (ASC_REFRESH_TOKEN)");
    }
    if (!missing.empty()) {
        throw Error(ErrorKind::Usage, "config init needs " + join_and(missing),
                    interactive ? "answer each question"
                                : "off a terminal it reads flags and the environment; secrets only from the "
                                  "environment, never from flags");
    }
    return p;
}

// One Login with Amazon grant, without the token cache: do these credentials work now?
void check_credentials(Context& ctx, const Settings& s) {
    LwaAuth lwa(ctx.transport(), ctx.clock(),
                LwaCredentials{s.lwa_endpoint, s.client_id, s.client_secret, s.refresh_token}, {});
    static_cast<void>(lwa.access_token());
}

void run_init(const InitOptions& o, Context& ctx) {
    const NewProfile p = gather(o, ctx);
    const auto path = ctx.config_file();
    const WrittenProfile w = write_profile(path, p);
    if (!ctx.global.quiet) {
        ctx.err << fmt::format("asc: wrote profile {} to {}; secrets in {} (mode 0600)\n", p.name,
                               w.config_path.string(), w.client_secret_file.parent_path().string());
    }
    if (o.no_check) {
        return;
    }
    FlagSettings flags;
    flags.profile = p.name;
    flags.config_path = path.string();
    const Settings s = load_settings(flags);
    try {
        check_credentials(ctx, s);
    } catch (const Error& e) {
        throw Error(
            e.kind(), fmt::format("the profile was written, but the credentials do not work: {}", e.what()),
            fmt::format("{}; run `asc config init --profile {}` again or edit {}, then `asc config check`",
                        e.hint().empty() ? "check the client id, secret and refresh token" : e.hint(), p.name,
                        path.string()));
    }
    if (!ctx.global.quiet) {
        ctx.err << fmt::format(
            "asc: the credentials work (Login with Amazon issued an access token). Try: asc "
            "--profile {} orders list\n",
            p.name);
    }
}

// ---- asc config check

struct CheckRow {
    std::string check;
    std::string status; // ok, warning, failed, skipped
    std::string detail;
    std::optional<ErrorKind> failure;
};

const std::vector<Field> k_check_fields{{"check", "CHECK"}, {"status", "STATUS"}, {"detail", "DETAIL"}};

// "Wed, 26 Nov 2026 15:37:00 GMT" (RFC 9110 IMF-fixdate) as a time.
std::optional<Timestamp> parse_http_date(const std::string& text) {
    std::tm tm{};
    char month[4] = {};
    int day = 0, year = 0, hh = 0, mm = 0, ss = 0;
    // NOLINTNEXTLINE(cert-err34-c): the fields are checked by the count.
    if (std::sscanf(text.c_str(), "%*3s, %d %3s %d %d:%d:%d GMT", &day, month, &year, &hh, &mm, &ss) != 6) {
        return std::nullopt;
    }
    static constexpr std::array<std::string_view, 12> k_months{"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                               "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    const auto it = std::find(k_months.begin(), k_months.end(), std::string_view(month));
    if (it == k_months.end()) {
        return std::nullopt;
    }
    tm.tm_year = year - 1900;
    tm.tm_mon = static_cast<int>(it - k_months.begin());
    tm.tm_mday = day;
    tm.tm_hour = hh;
    tm.tm_min = mm;
    tm.tm_sec = ss;
    return Timestamp{std::chrono::seconds(timegm(&tm))};
}

CheckRow check_endpoint(Context& ctx, const Settings& s) {
    HttpRequest request;
    request.url = s.endpoint + "/orders/2026-01-01/orders";
    const HttpResponse r = ctx.transport().send(request);
    if (r.error != TransportError::None) {
        return {"endpoint", "failed", fmt::format("{}: {}", s.endpoint, r.error_message),
                ErrorKind::Temporary};
    }
    std::string detail = fmt::format("{} answered (HTTP {})", s.endpoint, r.status);
    std::string status = "ok";
    if (const auto date = parse_http_date(r.header("date"))) {
        const auto skew = std::chrono::abs(std::chrono::floor<std::chrono::seconds>(now_seconds() - *date));
        detail += fmt::format("; clock skew {}", format_duration(skew));
        if (skew > std::chrono::minutes(5)) {
            status = "warning";
            detail += " (over 5 minutes: sync the clock, e.g. with NTP; time filters will be off)";
        }
    } else {
        detail += "; clock skew not measured (no Date header)";
    }
    return {"endpoint + clock", status, detail, std::nullopt};
}

std::vector<CheckRow> run_checks(Context& ctx) {
    std::vector<CheckRow> rows;
    const Settings* s = nullptr;
    try {
        s = &ctx.settings();
        rows.push_back({"config", "ok",
                        fmt::format("profile {} from {}{}", s->profile, s->config_path.string(),
                                    s->config_exists ? "" : " (no file: environment only)"),
                        std::nullopt});
    } catch (const Error& e) {
        rows.push_back({"config", "failed", fmt::format("{} ({})", e.what(), e.hint()), e.kind()});
        return rows;
    }
    try {
        s->require_credentials();
        check_credentials(ctx, *s);
        rows.push_back({"credentials", "ok", "Login with Amazon issued an access token", std::nullopt});
    } catch (const Error& e) {
        rows.push_back({"credentials", "failed",
                        e.hint().empty() ? e.what() : fmt::format("{} ({})", e.what(), e.hint()), e.kind()});
    }
    rows.push_back(check_endpoint(ctx, *s));
    try {
        const StoreInfo info = ctx.store().info();
        std::string detail = fmt::format("{}: {}", info.path.string(), count_noun(info.orders, "order"));
        std::optional<Timestamp> last;
        for (const auto& m : info.marks) {
            last = !last || m.synced_at < *last ? m.synced_at : *last;
        }
        detail += last ? fmt::format(", last sync {}", format_relative(*last, now_seconds()))
                       : ", never synced (`asc orders sync`)";
        rows.push_back({"store", last ? "ok" : "warning", detail, std::nullopt});
    } catch (const Error& e) {
        rows.push_back({"store", "failed", e.what(), e.kind()});
    }
    return rows;
}

void run_check(Context& ctx) {
    const auto rows = run_checks(ctx);
    std::vector<Record> records;
    std::optional<ErrorKind> first;
    std::size_t failed = 0;
    for (const auto& r : rows) {
        Record rec = Record::object();
        rec["check"] = r.check;
        rec["status"] = r.status;
        rec["detail"] = r.detail;
        records.push_back(std::move(rec));
        if (r.failure) {
            ++failed;
            first = first ? first : r.failure;
        }
    }
    render_rows(ctx, k_check_fields, records, "check");
    if (first) {
        throw Error(*first, fmt::format("{} of {} checks failed", failed, rows.size()),
                    "each row says what to fix; the exit code is the first failure's");
    }
}

} // namespace

void setup_config_init(CLI::App& config, Context& ctx) {
    auto o = std::make_shared<InitOptions>();
    auto* init =
        config.add_subcommand("init", "Set up a profile: asks on a terminal, else reads flags and the "
                                      "environment; then checks the credentials");
    init->add_option("--region", o->region, "na, eu or fe (default na)");
    init->add_option("--marketplace", o->marketplaces,
                     "Marketplace ids, comma-separated (env ASC_MARKETPLACE)");
    init->add_option("--seller-id", o->seller_id, "The merchant token (env ASC_SELLER_ID)");
    init->add_option("--client-id", o->client_id, "The LWA client id (env ASC_CLIENT_ID)");
    init->add_option("--lwa-endpoint", o->lwa_endpoint, "Login with Amazon token URL (env ASC_LWA_ENDPOINT)");
    init->add_flag("--default", o->make_default, "Make it the default profile (the first profile always is)");
    init->add_flag("--no-check", o->no_check, "Do not try the credentials");
    init->footer(
        "The profile name is --profile (asked on a terminal; default \"default\"). Secrets are asked\n"
        "without echo, or read from ASC_CLIENT_SECRET and ASC_REFRESH_TOKEN; never from flags.\n\n"
        "Examples:\n"
        "  asc config init\n"
        "  ASC_CLIENT_SECRET=... ASC_REFRESH_TOKEN=... asc config init --profile prod --client-id amzn1... "
        "--marketplace ATVPDKIKX0DER");
    init->callback([o, &ctx] { run_init(*o, ctx); });
}

void setup_config_check(CLI::App& config, Context& ctx) {
    auto* check =
        config.add_subcommand("check", "Check the config, the credentials, the clock, the endpoint and "
                                       "the store, in one report");
    check->footer("Exit 0 when all work; otherwise the first failure's code (78 config, 4 credentials, 75 "
                  "network).\n\nExamples:\n  asc config check\n  asc --profile prod config check -o json");
    check->callback([&ctx] { run_check(ctx); });
}

} // namespace asc::cli
