// Whole commands in the unit suite: `asc ...` parsed and run by run_command() with a Context whose
// stdin, answers to prompts, terminals, environment, clock and transport are the test's
// (ContextIo), against the in-memory Amazon of fake_seller_api.hpp. What the integration tests do
// over real HTTP, here in milliseconds and with every prompt scripted.

#include "asc/base/errors.hpp"
#include "exit_codes.hpp"
#include "fake_seller_api.hpp"
#include "run.hpp"

#include <deque>
#include <doctest/doctest.h>
#include <filesystem>
#include <fmt/format.h>
#include <map>
#include <sstream>

namespace fs = std::filesystem;
using asc_test::FakeApiOrder;

namespace {

// Hands each request to a transport the test owns (the Context owns the one it is given).
class Forward final : public asc::Transport {
  public:
    explicit Forward(asc::Transport& inner) : m_inner(inner) {}
    asc::HttpResponse send(const asc::HttpRequest& request) override { return m_inner.send(request); }

  private:
    asc::Transport& m_inner;
};

// One seller's world: a fake Amazon, a temporary home for the store and the caches, and the
// environment that points asc at them.
struct World {
    asc_test::FakeClock clock;
    asc_test::FakeSellerApi amazon{clock};
    asc_test::FakeTransport http;
    fs::path home;
    std::map<std::string, std::string> env;

    World() {
        std::string pattern = (fs::temp_directory_path() / "asc-cli-test-XXXXXX").string();
        REQUIRE(::mkdtemp(pattern.data()) != nullptr);
        home = pattern;
        http.handler = [this](const asc::HttpRequest& r) {
            return r.url.starts_with(asc_test::k_fake_s3) ? amazon.s3(r) : amazon.sp(r);
        };
        env = {{"HOME", home.string()},
               {"XDG_CONFIG_HOME", (home / "config").string()},
               {"XDG_DATA_HOME", (home / "data").string()},
               {"XDG_CACHE_HOME", (home / "cache").string()},
               {"ASC_ENDPOINT", asc_test::k_fake_endpoint},
               {"ASC_LWA_ENDPOINT", asc_test::k_fake_lwa},
               {"ASC_CLIENT_ID", "amzn1.application-oa2-client.test"},
               {"ASC_CLIENT_SECRET", "test-client-secret"},
               {"ASC_REFRESH_TOKEN", "Atzr|test-refresh"},
               {"ASC_SELLER_ID", "A1SELLER"},
               {"ASC_MARKETPLACE", "ATVPDKIKX0DER"}};
    }
    ~World() {
        std::error_code ec;
        fs::remove_all(home, ec);
    }
    World(const World&) = delete;
    World& operator=(const World&) = delete;
};

// One run of `asc ARGS...`: what it printed, what it asked, its exit code.
struct Run {
    int code = -1;
    std::string out;
    std::string err;
    std::vector<std::string> questions;
};

struct Script {
    std::string stdin_text;
    std::deque<std::string> answers; // typed at the prompts, in order
    bool terminal = false;           // stdin and stdout are terminals
};

Run run(World& world, std::vector<std::string> args, Script script = {}) {
    Run result;
    std::istringstream in(script.stdin_text);
    std::ostringstream out;
    std::ostringstream err;
    asc::cli::ContextIo io;
    io.in = &in;
    io.stdin_tty = script.terminal;
    io.stdout_tty = script.terminal;
    io.stderr_tty = false;
    io.env = [&world](const std::string& name) -> std::optional<std::string> {
        if (auto it = world.env.find(name); it != world.env.end()) {
            return it->second;
        }
        return std::nullopt;
    };
    io.clock = &world.clock;
    io.make_transport = [&world](const asc::CurlOptions&) { return std::make_unique<Forward>(world.http); };
    io.ask = [&](std::ostream& e, std::string_view question, bool /*secret*/) {
        e << question;
        result.questions.emplace_back(question);
        if (script.answers.empty()) {
            throw asc::Error(asc::ErrorKind::Interrupted, "no answer (end of input) at the prompt; nothing was sent");
        }
        std::string answer = script.answers.front();
        script.answers.pop_front();
        return answer;
    };
    asc::cli::GlobalOptions global;
    asc::cli::Context ctx(global, out, err, nullptr, std::move(io));
    args.insert(args.begin(), "asc");
    result.code = asc::cli::run_command(ctx, args);
    result.out = out.str();
    result.err = err.str();
    return result;
}

bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

constexpr const char* k_order = "111-0000001-0000003";
constexpr const char* k_other = "111-0000002-0000006";

} // namespace

TEST_SUITE_BEGIN("cli::commands");

TEST_CASE("order cancel --from - reads the ids from the Context's stdin and asks before sending") {
    World world;
    world.amazon.add(FakeApiOrder{k_order});
    const Run r = run(world, {"order", "cancel", "--from", "-", "--reason", "NoInventory", "-o", "json"},
                      {std::string(k_order) + "\n# a comment\n", {"y"}, true});
    CAPTURE(r.err);
    CHECK(r.code == asc::cli::k_exit_ok);
    REQUIRE(r.questions.size() == 1);
    CHECK(r.questions[0] == "Cancel this order? [y/N] ");
    CHECK(contains(r.err, "About to cancel 1 order on Amazon with reason NoInventory"));
    CHECK(world.amazon.calls["createFeed"] == 1);
    CHECK(world.amazon.orders.at(k_order).cancellations == 1);
    CHECK(contains(world.amazon.last_feed_xml(), k_order));
    CHECK(contains(r.out, k_order));
}

TEST_CASE("order cancel without --reason on a terminal offers the reasons, then confirms") {
    World world;
    world.amazon.add(FakeApiOrder{k_order});
    const Run r = run(world, {"order", "cancel", k_order}, {"", {"1", "yes"}, true});
    CAPTURE(r.err);
    CHECK(r.code == asc::cli::k_exit_ok);
    REQUIRE(r.questions.size() == 2);
    CHECK(r.questions[0].starts_with("Choose 1-"));
    CHECK(contains(r.err, "Reason For Cancellation:"));
    CHECK(world.amazon.orders.at(k_order).cancellations == 1);
    CHECK(contains(world.amazon.last_feed_xml(), "NoInventory"));
}

TEST_CASE("declining the confirmation sends nothing and exits 7 (declined), not as an internal error") {
    World world;
    world.amazon.add(FakeApiOrder{k_order});
    world.amazon.add(FakeApiOrder{k_other});
    const Run r = run(world, {"order", "cancel", k_order, k_other, "--reason", "NoInventory"}, {"", {"n"}, true});
    CHECK(r.code == 7);
    CHECK(r.code == asc::cli::exit_code_for(asc::ErrorKind::Declined));
    CHECK(r.questions == std::vector<std::string>{"Cancel these orders? [y/N] "});
    CHECK(contains(r.err, "asc: error: nothing was canceled (not confirmed)"));
    CHECK_FALSE(contains(r.err, "bug in asc"));
    CHECK(world.amazon.calls["createFeed"] == 0);
    CHECK(world.amazon.calls["createFeedDocument"] == 0);
}

// A batch larger than one chunk (ASC_TEST_PLAN_CHUNK=2): the confirmation comes from a dry run a
// chunk at a time, then the orders are sent chunk by chunk; nothing is sent before the answer.
TEST_CASE("a batch larger than a chunk on a terminal is counted first, confirmed, then sent in chunks") {
    for (const bool yes : {false, true}) {
        CAPTURE(yes);
        World world;
        world.env["ASC_TEST_PLAN_CHUNK"] = "2";
        std::vector<std::string> args{"order", "cancel", "--reason", "NoInventory", "--max-per-feed", "2", "-o", "json"};
        for (int n = 1; n <= 6; ++n) {
            const std::string id = fmt::format("111-{:07}-{:07}", n, n * 3);
            world.amazon.add(FakeApiOrder{id, n == 4 ? "SHIPPED" : "UNSHIPPED", "MERCHANT", 2, n == 4 ? 1 : 0});
            args.push_back(id);
        }
        const Run r = run(world, args, {"", {yes ? "y" : "n"}, true});
        CAPTURE(r.err);
        CHECK(r.questions == std::vector<std::string>{"Cancel these orders? [y/N] "});
        CHECK(contains(r.err, "About to cancel 5 orders"));
        CHECK(contains(r.err, "1 other order will not be sent"));
        if (!yes) {
            CHECK(r.code == asc::cli::exit_code_for(asc::ErrorKind::Declined));
            CHECK(world.amazon.calls["createFeedDocument"] == 0);
            CHECK(world.amazon.calls["createFeed"] == 0);
            continue;
        }
        CHECK(r.code == asc::cli::k_exit_partial); // the shipped one is refused
        CHECK(world.amazon.calls["createFeed"] == 3); // chunks {1,2} {3,4} {5,6}: 4 is refused
        for (const auto& [id, order] : world.amazon.orders) {
            CHECK(order.cancellations == (id.starts_with("111-0000004") ? 0 : 1));
        }
        const auto rows = nlohmann::json::parse(r.out);
        REQUIRE(rows.size() == 6);
        CHECK(rows[0]["order_id"] == "111-0000001-0000003");
        CHECK(rows[3]["outcome"] == "refused");
        CHECK(rows[5]["outcome"] == "canceled");
    }
}

TEST_CASE("a ship batch larger than a chunk on a terminal is counted first, confirmed, then sent in chunks") {
    for (const bool yes : {false, true}) {
        CAPTURE(yes);
        World world;
        world.env["ASC_TEST_SHIP_CHUNK"] = "4";
        std::string csv = "order_id,carrier,tracking\n";
        for (int n = 1; n <= 12; ++n) {
            const std::string id = fmt::format("111-{:07}-{:07}", n, n * 3);
            world.amazon.add(FakeApiOrder{id, n == 4 ? "SHIPPED" : "UNSHIPPED", "MERCHANT", 1, n == 4 ? 1 : 0});
            csv += fmt::format("{},UPS,1ZT{}\n", id, n);
        }
        const Run r = run(world, {"order", "ship", "--from", "-", "--via", "feed", "--ignore-cancel-request", "-o", "json"},
                          {csv, {yes ? "11" : "10"}, true});
        CAPTURE(r.err);
        CHECK(r.questions == std::vector<std::string>{"Type 11 to confirm these 11 packages: "});
        CHECK(contains(r.err, "About to confirm 11 packages to Amazon (one fulfillment feed)"));
        CHECK(contains(r.err, "111-0000012-0000036  UPS 1ZT12"));
        if (!yes) {
            CHECK(r.code == asc::cli::exit_code_for(asc::ErrorKind::Declined));
            CHECK(world.amazon.calls["createFeedDocument"] == 0);
            CHECK(world.amazon.calls["confirmShipment"] == 0);
            CHECK(r.out.empty());
            continue;
        }
        CHECK(r.code == asc::cli::k_exit_partial); // the shipped one is refused
        CHECK(world.amazon.calls["createFeed"] == 1); // chunks of 4: {1-4} {5-8} {9-12}, one feed
        for (const auto& [id, order] : world.amazon.orders) {
            CHECK(order.tracking.size() == (id.starts_with("111-0000004") ? 0U : 1U));
        }
        const auto rows = nlohmann::json::parse(r.out);
        REQUIRE(rows.size() == 12);
        CHECK(rows[0]["outcome"] == "confirmed");
        CHECK(rows[3]["outcome"] == "refused");
        CHECK(rows[11]["outcome"] == "confirmed");
    }
}

TEST_CASE("order cancel off a terminal asks nothing: --yes is required") {
    World world;
    world.amazon.add(FakeApiOrder{k_order});
    const Run r = run(world, {"order", "cancel", k_order, "--reason", "NoInventory"});
    CHECK(r.code == asc::cli::k_exit_usage);
    CHECK(r.questions.empty());
    CHECK(contains(r.err, "--yes is required"));
    CHECK(world.amazon.calls["getOrder"] == 0);
}

TEST_CASE("an invalid order id is refused before any request, with the one message") {
    World world;
    const Run show = run(world, {"order", "show", "12-34"});
    CHECK(show.code == asc::cli::k_exit_usage);
    CHECK(contains(show.err, "'12-34' is not an Amazon order id"));
    CHECK(contains(show.err, "3-7-7 digits, e.g. 112-1234567-1234567"));
    const Run cancel = run(world, {"order", "cancel", "12-34", "--reason", "NoInventory", "--yes"});
    CHECK(cancel.code == asc::cli::k_exit_usage);
    CHECK(contains(cancel.err, "'12-34' is not an Amazon order id"));
    CHECK(world.amazon.calls.empty());
}

TEST_CASE("orders list through the fake transport, in JSON and with --fields") {
    World world;
    world.amazon.add(FakeApiOrder{k_order});
    world.amazon.add(FakeApiOrder{k_other, "SHIPPED"});
    // The fake clock says 2026-11-01; the window is given (the default one is the real last week).
    const std::vector<std::string> window{"--created-after", "2026-10-25", "--created-before", "2026-10-31"};
    auto list = [&window](std::vector<std::string> args) {
        args.insert(args.begin(), {"orders", "list"});
        args.insert(args.end(), window.begin(), window.end());
        return args;
    };
    const Run json = run(world, list({"-o", "json"}));
    CAPTURE(json.err);
    CHECK(json.code == asc::cli::k_exit_ok);
    const auto parsed = nlohmann::json::parse(json.out);
    REQUIRE(parsed.is_array());
    CHECK(parsed.size() == 2);
    CHECK(world.amazon.calls["searchOrders"] >= 1); // one call per time slice

    const Run ids = run(world, list({"-o", "tsv", "--fields", "order_id", "--no-headers"}));
    CHECK(ids.code == asc::cli::k_exit_ok);
    CHECK(contains(ids.out, k_order));
    CHECK(contains(ids.out, k_other));
    CHECK_FALSE(contains(ids.out, "\t"));

    const Run bad = run(world, list({"--fields", "nope"}));
    CHECK(bad.code == asc::cli::k_exit_usage);
}

TEST_CASE("-o and --color are read once, in any case; --jq filters what the command printed") {
    World world;
    world.amazon.add(FakeApiOrder{k_order});
    const std::vector<std::string> window{"--created-after", "2026-10-25", "--created-before", "2026-10-31"};
    auto list = [&window](std::vector<std::string> args) {
        args.insert(args.begin(), {"orders", "list"});
        args.insert(args.end(), window.begin(), window.end());
        return args;
    };
    const Run jsonl = run(world, list({"-o", "JSONL", "--color", "Never"}));
    CHECK(jsonl.code == asc::cli::k_exit_ok);
    CHECK(nlohmann::json::parse(jsonl.out.substr(0, jsonl.out.find('\n')))["order_id"] == k_order);
    const Run wrong = run(world, list({"-o", "jsn"}));
    CHECK(wrong.code == asc::cli::k_exit_usage);
    CHECK(contains(wrong.err, "did you mean 'json'?"));
    const Run jq = run(world, list({"--jq", ".[].order_id"}));
    CHECK(jq.code == asc::cli::k_exit_ok);
    CHECK(jq.out == std::string(k_order) + "\n"); // strings print raw, one a line
}

TEST_CASE("config show prints every setting of the table, pager included, and one key on request") {
    World world;
    const Run all = run(world, {"config", "show"});
    CHECK(all.code == asc::cli::k_exit_ok);
    CHECK(contains(all.out, "pager"));
    CHECK(contains(all.out, "client_secret"));
    CHECK_FALSE(contains(all.out, "test-client-secret"));
    const Run one = run(world, {"config", "show", "endpoint", "-o", "json"});
    CHECK(one.code == asc::cli::k_exit_ok);
    const auto parsed = nlohmann::json::parse(one.out);
    CHECK(parsed.size() == 1);
    CHECK(parsed["endpoint"]["source"] == "env ASC_ENDPOINT");
    const Run bad = run(world, {"config", "show", "colour"});
    CHECK(bad.code == asc::cli::k_exit_usage);
    CHECK(contains(bad.err, "'colour' is not a setting"));
}

TEST_SUITE_END();
