// The commerce step after a confirmed cancellation: the linked Magento order gets the status and
// asc's comment once, the journal records every outcome, a lost answer is never sent twice, and a
// refused token or a Magento that is down stops early.

#include "asc/base/errors.hpp"
#include "asc/commerce/commerce_step.hpp"
#include "asc/store/store.hpp"
#include "fake_clock.hpp"
#include "fake_transport.hpp"

#include <doctest/doctest.h>
#include <fmt/format.h>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

using asc::JournalEntry;
using asc::Store;
using asc_test::FakeClock;
using asc_test::FakeTransport;
using asc_test::respond;
using asc_test::transport_error;

namespace {

constexpr const char* k_id1 = "111-0000001-0000001";
constexpr const char* k_id2 = "111-0000002-0000002";
constexpr const char* k_id3 = "111-0000003-0000003";

asc::CommerceSettings settings() {
    asc::CommerceSettings s;
    s.base_url = "https://shop.example.com";
    s.access_token = "integration-token-abcdefghijkl";
    return s;
}

asc::Timestamp ts(std::int64_t seconds) {
    return asc::Timestamp{std::chrono::seconds{seconds}};
}

// Journals a canceled row whose commerce step is `commerce_state`; returns it as read back.
JournalEntry canceled(Store& store, const std::string& order_id, const std::string& commerce_state = "pending") {
    JournalEntry e;
    e.order_id = order_id;
    e.reason = "NoInventory";
    e.batch_id = "b1";
    e.feed_seq = 1;
    e.feed_id = "5001";
    e.state = "canceled";
    e.created_at = ts(1000);
    e.updated_at = ts(1000);
    e.run_by = "ops@host";
    e.commerce_state = commerce_state;
    const auto ids = store.journal_write(std::span<const JournalEntry>(&e, 1));
    e.id = ids.front();
    return e;
}

std::string commerce_state(Store& store, const std::string& order_id) {
    const std::string id = order_id;
    return store.journal_latest(std::span<const std::string>(&id, 1)).at(order_id).commerce_state;
}

std::string order_json(int entity_id, const std::string& amazon_id, const std::string& histories = "") {
    return fmt::format(R"({{"entity_id":{},"increment_id":"{:09}","ext_order_id":"{}","state":"processing",)"
                       R"("status":"processing","status_histories":[{}]}})",
                       entity_id, 100000 + entity_id, amazon_id, histories);
}

std::string found(int entity_id, const std::string& amazon_id, const std::string& histories = "") {
    return R"({"items":[)" + order_json(entity_id, amazon_id, histories) + R"(],"total_count":1})";
}

const char* const k_none = R"({"items":[],"total_count":0})";

// A fake Magento: answers searches from `linked` (Amazon id -> entity id) and accepts comments.
struct FakeMagento {
    std::map<std::string, int> linked;
    std::map<int, std::vector<std::string>> comments;

    asc::HttpResponse operator()(const asc::HttpRequest& r) {
        if (r.method == "POST") {
            const auto slash = r.url.rfind("/comments");
            const auto start = r.url.rfind('/', slash - 1) + 1;
            const int entity = std::stoi(r.url.substr(start, slash - start));
            comments[entity].push_back(nlohmann::json::parse(r.body)["statusHistory"]["comment"]);
            return respond(200, "true");
        }
        for (const auto& [amazon_id, entity] : linked) {
            if (r.url.find(amazon_id) != std::string::npos) {
                return respond(200, found(entity, amazon_id));
            }
        }
        return respond(200, k_none);
    }
};

} // namespace

TEST_SUITE_BEGIN("core::commerce");

TEST_CASE("commerce step: a linked order gets the status and one comment; an unlinked one is no_link") {
    Store store = Store::open_memory();
    FakeClock clock;
    FakeTransport t;
    FakeMagento magento;
    magento.linked = {{k_id1, 7}};
    t.handler = std::ref(magento);
    asc::CommerceClient client(t, clock, settings());
    asc::CommerceStep step(client, store, clock, asc::no_events());

    const auto result = step.run({canceled(store, k_id1), canceled(store, k_id2)});
    REQUIRE(result.rows.size() == 2);
    CHECK(result.rows[0].state == "done");
    CHECK(result.rows[0].increment_id == "000100007");
    CHECK(result.rows[1].state == "no_link");
    CHECK_FALSE(result.error.has_value());
    REQUIRE(magento.comments[7].size() == 1);
    const std::string comment = magento.comments[7][0];
    CHECK(comment.find(k_id1) != std::string::npos);
    CHECK(comment.find("NoInventory") != std::string::npos);
    CHECK(comment.find("asc") != std::string::npos);
    CHECK(commerce_state(store, k_id1) == "done");
    CHECK(commerce_state(store, k_id2) == "no_link");

    const auto& post = t.requests[1];
    CHECK(post.method == "POST");
    CHECK(nlohmann::json::parse(post.body)["statusHistory"]["status"] == "complete");
}

TEST_CASE("commerce step: done, no_link and skipped rows are not touched again") {
    Store store = Store::open_memory();
    FakeClock clock;
    FakeTransport t; // no script, no handler: any request fails the test
    asc::CommerceClient client(t, clock, settings());
    asc::CommerceStep step(client, store, clock, asc::no_events());
    const auto result =
        step.run({canceled(store, k_id1, "done"), canceled(store, k_id2, "no_link"), canceled(store, k_id3, "skipped")});
    CHECK(t.requests.empty());
    CHECK(result.rows[0].state == "done");
    CHECK(result.rows[2].state == "skipped");
}

TEST_CASE("commerce step: asc's comment already in the history counts as done (never twice)") {
    Store store = Store::open_memory();
    FakeClock clock;
    FakeTransport t;
    const std::string earlier = nlohmann::json{{"comment", asc::commerce_cancel_comment(k_id1, "NoInventory", "complete")},
                                               {"status", "complete"}}
                                    .dump();
    t.then(respond(200, found(7, k_id1, earlier)));
    asc::CommerceClient client(t, clock, settings());
    asc::CommerceStep step(client, store, clock, asc::no_events());
    const auto result = step.run({canceled(store, k_id1, "failed")});
    CHECK(result.rows[0].state == "done");
    CHECK(t.requests.size() == 1); // the search only: no POST
    CHECK(commerce_state(store, k_id1) == "done");
}

TEST_CASE("commerce step: a search without status_histories reads the order before deciding") {
    Store store = Store::open_memory();
    FakeClock clock;
    FakeTransport t;
    t.then(respond(200, R"({"items":[{"entity_id":7,"increment_id":"000100007","status":"processing"}]})"))
        .then(respond(200, order_json(7, k_id1)))
        .then(respond(200, "true"));
    asc::CommerceClient client(t, clock, settings());
    asc::CommerceStep step(client, store, clock, asc::no_events());
    CHECK(step.run({canceled(store, k_id1)}).rows[0].state == "done");
    REQUIRE(t.requests.size() == 3);
    CHECK(t.requests[1].url == "https://shop.example.com/rest/default/V1/orders/7");
}

TEST_CASE("commerce step: a failed update is journaled failed and the Amazon row stands") {
    Store store = Store::open_memory();
    FakeClock clock;
    FakeTransport t;
    t.then(respond(200, found(7, k_id1))).then(respond(500, R"({"message":"Internal Error."})"));
    asc::CommerceClient client(t, clock, settings());
    asc::CommerceStep step(client, store, clock, asc::no_events());
    const auto result = step.run({canceled(store, k_id1)});
    CHECK(result.rows[0].state == "failed");
    CHECK(result.rows[0].message.find("commerce system (Magento)") != std::string::npos);
    CHECK_FALSE(result.error.has_value());
    CHECK(commerce_state(store, k_id1) == "failed");
    const std::string id = k_id1;
    CHECK(store.journal_latest(std::span<const std::string>(&id, 1)).at(k_id1).state == "canceled");
}

TEST_CASE("commerce step: a refused token stops the step with an Auth error naming the commerce side") {
    Store store = Store::open_memory();
    FakeClock clock;
    FakeTransport t;
    t.then(respond(401, R"({"message":"The consumer isn't authorized to access %resources.",)"
                        R"("parameters":{"resources":"Magento_Sales::sales"}})"));
    asc::CommerceClient client(t, clock, settings());
    asc::CommerceStep step(client, store, clock, asc::no_events());
    const auto result = step.run({canceled(store, k_id1), canceled(store, k_id2)});
    REQUIRE(result.error.has_value());
    CHECK(result.error->kind() == asc::ErrorKind::Auth);
    CHECK(std::string(result.error->what()).find("commerce system (Magento)") != std::string::npos);
    CHECK(t.requests.size() == 1);
    CHECK(result.rows[0].state == "failed");
    CHECK(result.rows[1].state == "pending");
    CHECK(commerce_state(store, k_id2) == "pending");
}

TEST_CASE("commerce step: after repeated failures the rest is left pending") {
    Store store = Store::open_memory();
    FakeClock clock;
    FakeTransport t;
    t.handler = [](const asc::HttpRequest&) { return transport_error(asc::TransportError::Timeout); };
    asc::CommerceClient client(t, clock, settings());
    asc::CommerceStep step(client, store, clock, asc::no_events(), asc::CommerceStepOptions{2});
    std::vector<JournalEntry> rows;
    for (int i = 1; i <= 5; ++i) {
        rows.push_back(canceled(store, fmt::format("111-000000{}-000000{}", i, i)));
    }
    const auto result = step.run(rows);
    CHECK(result.count("failed") == 2);
    CHECK(result.count("pending") == 3);
    CHECK(t.requests.size() == 2 * 4); // two searches, four attempts each
}

TEST_CASE("commerce step: the comment marker is specific to the Amazon order") {
    const std::string c = asc::commerce_cancel_comment(k_id1, "BuyerCanceled", "complete");
    CHECK(asc::is_commerce_cancel_comment(c, k_id1));
    CHECK_FALSE(asc::is_commerce_cancel_comment(c, k_id2));
    CHECK_FALSE(asc::is_commerce_cancel_comment("Canceled by the customer", k_id1));
    CHECK(c.find("complete") != std::string::npos);
}

TEST_SUITE_END();
