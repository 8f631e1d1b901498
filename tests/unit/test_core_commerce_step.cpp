// The commerce step after a confirmed cancellation, against an in-memory Magento that keeps
// states, quantities, history and credit memos: the linked order ends canceled or closed with one
// comment carrying its status, the journal records the action and the credit memo, a lost answer
// is followed by a fresh read (never a second credit memo), refusals say why, and a refused token
// or a Magento that is down stops early.

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
#include <set>
#include <string>
#include <vector>

using asc::JournalEntry;
using asc::Store;
using asc_test::FakeClock;
using asc_test::FakeTransport;
using asc_test::respond;
using asc_test::transport_error;
using nlohmann::json;

namespace {

constexpr const char* k_id1 = "111-0000001-0000001";
constexpr const char* k_id2 = "111-0000002-0000002";
constexpr const char* k_id3 = "111-0000003-0000003";

asc::CommerceSettings settings(std::string cancel_status = {}) {
    asc::CommerceSettings s;
    s.base_url = "https://shop.example.com";
    s.access_token = "integration-token-abcdefghijkl";
    s.cancel_status = std::move(cancel_status);
    return s;
}

asc::Timestamp ts(std::int64_t seconds) {
    return asc::Timestamp{std::chrono::seconds{seconds}};
}

// Journals a canceled row whose commerce step is `commerce_state`; returns it as read back.
JournalEntry canceled(Store& store, const std::string& order_id,
                      std::optional<asc::CommerceState> commerce_state = asc::CommerceState::Pending) {
    JournalEntry e;
    e.order_id = order_id;
    e.reason = "NoInventory";
    e.batch_id = "b1";
    e.feed_seq = 1;
    e.feed_id = "5001";
    e.state = asc::JournalState::Canceled;
    e.created_at = ts(1000);
    e.updated_at = ts(1000);
    e.run_by = "ops@host";
    e.commerce_state = commerce_state;
    const auto ids = store.journal_write(std::span<const JournalEntry>(&e, 1));
    e.id = ids.front();
    return e;
}

JournalEntry latest(Store& store, const std::string& order_id) {
    return store.journal_latest(std::span<const std::string>(&order_id, 1)).at(order_id);
}

// A Magento that behaves like 2.4.7 for what the step uses (the same rules as asc-sim's).
struct FakeMagento {
    struct Item {
        int id;
        int ordered, invoiced = 0, refunded = 0, canceled = 0, shipped = 0;
    };
    struct Order {
        std::string amazon_id, state, status;
        std::vector<Item> items;
        json history = json::array();
        int credit_memos = 0;
        std::vector<int> memo_ids;
    };
    std::map<int, Order> orders; // entity id -> order
    std::map<std::string, int> statuses{{"pending", 0}, {"processing", 0}, {"canceled", 0},
                                        {"closed", 0},  {"holded", 0},     {"complete", 0}};
    std::map<std::string, std::string> state_of{{"pending", "new"},       {"processing", "processing"},
                                                {"canceled", "canceled"}, {"closed", "closed"},
                                                {"holded", "holded"},     {"complete", "complete"}};
    std::set<std::string> lose;        // operations whose next answer is lost after applying
    std::map<std::string, int> writes; // cancel, refund, comment -> count
    int next_memo = 100;

    void add(int entity, const std::string& amazon_id, std::string state, std::vector<Item> items) {
        Order o{amazon_id, state, state == "new" ? "pending" : state, std::move(items), json::array(), 0, {}};
        orders[entity] = std::move(o);
    }

    json order_json(int entity) const {
        const Order& o = orders.at(entity);
        json items = json::array();
        for (const Item& i : o.items) {
            items.push_back({{"item_id", i.id},
                             {"qty_ordered", i.ordered},
                             {"qty_invoiced", i.invoiced},
                             {"qty_refunded", i.refunded},
                             {"qty_canceled", i.canceled},
                             {"qty_shipped", i.shipped}});
        }
        return {{"entity_id", entity},          {"increment_id", fmt::format("{:09}", 100000 + entity)},
                {"ext_order_id", o.amazon_id},  {"state", o.state},
                {"status", o.status},           {"items", items},
                {"status_histories", o.history}};
    }

    static int entity_in(const std::string& url, const std::string& before, const std::string& after) {
        const auto end = url.rfind(after);
        const auto start = url.rfind(before, end) + before.size();
        return std::stoi(url.substr(start, end - start));
    }

    asc::HttpResponse answer(const std::string& op, asc::HttpResponse r) {
        if (lose.erase(op) > 0) {
            return transport_error(asc::TransportError::Timeout); // applied, answer lost
        }
        return r;
    }

    asc::HttpResponse operator()(const asc::HttpRequest& r) {
        const std::string& url = r.url;
        if (r.method == "GET" && url.find("/creditmemos?") != std::string::npos) {
            json items = json::array();
            for (const auto& [entity, o] : orders) {
                if (url.find(fmt::format("%5Bvalue%5D={}&", entity)) != std::string::npos) {
                    for (const int id : o.memo_ids) {
                        items.push_back({{"entity_id", id}, {"order_id", entity}});
                    }
                }
            }
            return respond(200, json{{"items", items}}.dump());
        }
        if (r.method == "GET" && url.find("searchCriteria") != std::string::npos) {
            for (const auto& [entity, o] : orders) {
                if (url.find(o.amazon_id) != std::string::npos) {
                    return respond(200, json{{"items", json::array({order_json(entity)})}}.dump());
                }
            }
            return respond(200, R"({"items":[],"total_count":0})");
        }
        if (r.method == "GET") {
            return respond(200, order_json(std::stoi(url.substr(url.rfind('/') + 1))).dump());
        }
        if (url.ends_with("/cancel")) {
            ++writes["cancel"];
            Order& o = orders.at(entity_in(url, "/orders/", "/cancel"));
            bool open = false;
            for (const Item& i : o.items) {
                open = open || i.ordered - i.invoiced - i.canceled > 0;
            }
            if (!open || o.state == "holded" || o.state == "canceled" || o.state == "closed" ||
                o.state == "complete") {
                return answer("cancel", respond(200, "false"));
            }
            bool refundable = false;
            for (Item& i : o.items) {
                i.canceled = i.ordered - i.invoiced;
                refundable = refundable || i.invoiced > i.refunded;
            }
            o.state = refundable ? "processing" : "canceled";
            o.status = o.state;
            return answer("cancel", respond(200, "true"));
        }
        if (url.ends_with("/refund")) {
            ++writes["refund"];
            Order& o = orders.at(entity_in(url, "/order/", "/refund"));
            const json body = json::parse(r.body);
            for (const auto& line : body.at("items")) {
                for (Item& i : o.items) {
                    if (i.id == line.at("order_item_id").get<int>()) {
                        const int qty = line.at("qty").get<int>();
                        if (qty > i.invoiced - i.refunded) {
                            return respond(
                                400, R"({"message":"Creditmemo Document Validation Error(s):\nThe quantity )"
                                     R"(to refund must not be greater than the unrefunded quantity."})");
                        }
                        i.refunded += qty;
                    }
                }
            }
            ++o.credit_memos;
            o.memo_ids.push_back(next_memo);
            bool open = false;
            for (const Item& i : o.items) {
                open = open || i.ordered - i.invoiced - i.canceled > 0 || i.invoiced > i.refunded;
            }
            if (!open) {
                o.state = "closed";
                o.status = "closed";
            }
            return answer("refund", respond(200, std::to_string(next_memo++)));
        }
        ++writes["comment"];
        Order& o = orders.at(entity_in(url, "/orders/", "/comments"));
        const json h = json::parse(r.body).at("statusHistory");
        const std::string status = h.at("status");
        if (state_of.count(status) == 0 || state_of.at(status) != o.state) {
            return respond(
                400, json{{"message", "Unable to add comment: The status \"%1\" is not part of the order "
                                      "status history."},
                          {"parameters", json::array({status})}}
                         .dump());
        }
        o.status = status;
        o.history.insert(o.history.begin(), json{{"comment", h.at("comment")}, {"status", status}});
        return answer("comment", respond(200, "true"));
    }
};

struct Fixture {
    Store store = Store::open_memory();
    FakeClock clock;
    FakeTransport t;
    FakeMagento magento;
    asc::CommerceSettings commerce = settings();
    asc::CommerceStepOptions options;

    Fixture() { t.handler = std::ref(magento); }

    asc::CommerceStepResult run(const std::vector<JournalEntry>& rows) {
        asc::CommerceClient client(t, clock, commerce);
        asc::CommerceStep step(client, store, clock, asc::no_events(), options);
        return step.run(rows);
    }
};

} // namespace

TEST_SUITE_BEGIN("core::commerce");

TEST_CASE("commerce step: nothing invoiced -> canceled, one comment carrying the status canceled") {
    Fixture f;
    f.magento.add(7, k_id1, "new", {{1, 2}});
    const auto result = f.run({canceled(f.store, k_id1)});
    REQUIRE(result.rows.size() == 1);
    CHECK(result.rows[0].state == asc::CommerceState::Done);
    CHECK(result.rows[0].action == "canceled");
    CHECK(result.rows[0].magento_state == "canceled");
    const auto& o = f.magento.orders.at(7);
    CHECK(o.state == "canceled");
    REQUIRE(o.history.size() == 1);
    CHECK(o.history[0]["status"] == "canceled");
    const std::string comment = o.history[0]["comment"];
    CHECK(comment.find(k_id1) != std::string::npos);
    CHECK(comment.find("NoInventory") != std::string::npos);
    CHECK(comment.find("asc") != std::string::npos);
    CHECK(o.credit_memos == 0);
    const auto j = latest(f.store, k_id1);
    CHECK(j.commerce_state == asc::CommerceState::Done);
    CHECK(j.commerce_action == "canceled");
    CHECK(j.commerce_creditmemo_id.empty());
}

TEST_CASE("commerce step: invoiced -> one offline credit memo back to stock, closed, memo id journaled") {
    Fixture f;
    f.magento.add(7, k_id1, "processing", {{1, 2, 2}, {2, 1, 1}});
    const auto result = f.run({canceled(f.store, k_id1)});
    CHECK(result.rows[0].state == asc::CommerceState::Done);
    CHECK(result.rows[0].action == "refunded");
    CHECK(result.rows[0].creditmemo_id == "100");
    const auto& o = f.magento.orders.at(7);
    CHECK(o.state == "closed");
    CHECK(o.credit_memos == 1);
    REQUIRE(o.history.size() == 1);
    CHECK(o.history[0]["status"] == "closed");
    const auto j = latest(f.store, k_id1);
    CHECK(j.commerce_action == "refunded");
    CHECK(j.commerce_creditmemo_id == "100");
    // The refund carried every item, back to stock, without notifying anyone.
    const auto refund = std::find_if(f.t.requests.begin(), f.t.requests.end(),
                                     [](const asc::HttpRequest& r) { return r.url.ends_with("/refund"); });
    REQUIRE(refund != f.t.requests.end());
    const json body = json::parse(refund->body);
    CHECK(body["items"] == json::parse(R"([{"order_item_id":1,"qty":2},{"order_item_id":2,"qty":1}])"));
    CHECK(body["notify"] == false);
    CHECK(body["arguments"]["extension_attributes"]["return_to_stock_items"] == json::parse("[1,2]"));
}

TEST_CASE("commerce step: partly invoiced -> the rest canceled, the invoiced part refunded, closed") {
    Fixture f;
    f.magento.add(7, k_id1, "processing", {{1, 2, 1}, {2, 1}});
    const auto result = f.run({canceled(f.store, k_id1)});
    CHECK(result.rows[0].action == "refunded");
    const auto& o = f.magento.orders.at(7);
    CHECK(o.state == "closed");
    CHECK(o.credit_memos == 1);
    CHECK(f.magento.writes["cancel"] == 1);
    CHECK(o.items[0].refunded == 1);
    CHECK(o.items[0].canceled == 1);
}

TEST_CASE("commerce step: already closed -> nothing_to_do, still one comment with the order's status") {
    Fixture f;
    f.magento.add(7, k_id1, "closed", {{1, 1, 1, 1}});
    const auto result = f.run({canceled(f.store, k_id1)});
    CHECK(result.rows[0].state == asc::CommerceState::Done);
    CHECK(result.rows[0].action == "nothing_to_do");
    CHECK(f.magento.writes["cancel"] + f.magento.writes["refund"] == 0);
    REQUIRE(f.magento.orders.at(7).history.size() == 1);
    CHECK(f.magento.orders.at(7).history[0]["status"] == "closed");
}

TEST_CASE("commerce step: shipped or on hold -> refused with the reason, nothing written") {
    Fixture f;
    f.magento.add(7, k_id1, "processing", {{1, 1, 1, 0, 0, 1}});
    f.magento.add(8, k_id2, "holded", {{1, 1}});
    f.magento.add(9, k_id3, "new", {{1, 1}});
    const auto result = f.run({canceled(f.store, k_id1), canceled(f.store, k_id2), canceled(f.store, k_id3)});
    CHECK(result.rows[0].state == asc::CommerceState::Failed);
    CHECK(result.rows[0].message.find("shipped") != std::string::npos);
    CHECK(result.rows[1].state == asc::CommerceState::Failed);
    CHECK(result.rows[1].message.find("on hold") != std::string::npos);
    CHECK(result.rows[2].state == asc::CommerceState::Done); // a refusal is this order's answer, not Magento being down
    CHECK(f.magento.writes["refund"] == 0);
    CHECK(f.magento.writes["cancel"] == 1);
    CHECK(f.magento.orders.at(7).history.empty());
    CHECK(latest(f.store, k_id1).commerce_state == asc::CommerceState::Failed);
    CHECK(latest(f.store, k_id1).commerce_action.empty());
    CHECK_FALSE(result.error.has_value());
}

TEST_CASE("commerce step: on_cancel = comment only comments, with the order's current status") {
    Fixture f;
    f.options.on_cancel = asc::CommerceOnCancel::Comment;
    f.magento.add(7, k_id1, "processing", {{1, 1, 1}});
    const auto result = f.run({canceled(f.store, k_id1)});
    CHECK(result.rows[0].action == "comment_only");
    const auto& o = f.magento.orders.at(7);
    CHECK(o.state == "processing");
    REQUIRE(o.history.size() == 1);
    CHECK(o.history[0]["status"] == "processing");
    CHECK(f.magento.writes["cancel"] + f.magento.writes["refund"] == 0);
}

TEST_CASE(
    "commerce step: a cancel_status of the resulting state is set; one of another state fails clearly") {
    SUBCASE("assigned to closed") {
        Fixture f;
        f.commerce = settings("amazon_canceled");
        f.magento.state_of["amazon_canceled"] = "closed";
        f.magento.add(7, k_id1, "processing", {{1, 1, 1}});
        CHECK(f.run({canceled(f.store, k_id1)}).rows[0].state == asc::CommerceState::Done);
        CHECK(f.magento.orders.at(7).status == "amazon_canceled");
    }
    SUBCASE("assigned to complete") {
        Fixture f;
        f.commerce = settings("complete");
        f.magento.add(7, k_id1, "processing", {{1, 1, 1}});
        f.magento.add(8, k_id2, "new", {{1, 1}});
        const auto result = f.run({canceled(f.store, k_id1), canceled(f.store, k_id2)});
        REQUIRE(result.error.has_value());
        CHECK(result.error->kind() == asc::ErrorKind::Config);
        const std::string what = result.error->what();
        CHECK(what.find("cancel_status 'complete'") != std::string::npos);
        CHECK(what.find("not part of the order status history") != std::string::npos);
        CHECK(result.error->hint().find("state 'closed'") != std::string::npos);
        CHECK(result.rows[0].state == asc::CommerceState::Failed);
        CHECK(result.rows[1].state == asc::CommerceState::Pending); // not attempted: it would fail the same way
        // The credit memo stands and is on record; resume only adds the comment.
        CHECK(f.magento.orders.at(7).credit_memos == 1);
        CHECK(latest(f.store, k_id1).commerce_action == "refunded");
        f.commerce = settings();
        const auto again = f.run({latest(f.store, k_id1)});
        CHECK(again.rows[0].state == asc::CommerceState::Done);
        CHECK(again.rows[0].action == "refunded");
        CHECK(f.magento.orders.at(7).credit_memos == 1);
        CHECK(f.magento.orders.at(7).history.size() == 1);
    }
}

TEST_CASE(
    "commerce step: a lost refund answer, then a retry: the order is read again, no second credit memo") {
    Fixture f;
    f.magento.add(7, k_id1, "processing", {{1, 2, 2}});
    f.magento.lose = {"refund"};
    const auto first = f.run({canceled(f.store, k_id1)});
    CHECK(first.rows[0].state == asc::CommerceState::Failed);
    CHECK(first.rows[0].message.find("may or may not have applied") != std::string::npos);
    CHECK(f.magento.writes["refund"] == 1); // not re-sent within the run
    const auto j = latest(f.store, k_id1);
    CHECK(j.commerce_state == asc::CommerceState::Failed);
    CHECK(j.commerce_action == "refunded"); // on record while the outcome is unknown

    const auto second = f.run({j});
    CHECK(second.rows[0].state == asc::CommerceState::Done);
    CHECK(second.rows[0].action == "refunded");
    CHECK(second.rows[0].creditmemo_id == "100"); // looked up: its answer was lost
    CHECK(latest(f.store, k_id1).commerce_creditmemo_id == "100");
    CHECK(f.magento.writes["refund"] == 1);
    CHECK(f.magento.orders.at(7).credit_memos == 1);
    CHECK(f.magento.orders.at(7).history.size() == 1);
}

TEST_CASE("commerce step: a row another run stepped meanwhile is left as that run journaled it") {
    Fixture f;
    f.magento.add(7, k_id1, "processing", {{1, 2, 2}});
    const JournalEntry stale = canceled(f.store, k_id1); // read as pending, then another host steps it
    asc::JournalChange other_run;
    other_run.id = stale.id;
    other_run.commerce_state = asc::CommerceState::Done;
    other_run.commerce_action = "refunded";
    other_run.commerce_creditmemo_id = "100";
    f.store.journal_update(std::span<const asc::JournalChange>(&other_run, 1), ts(2000));

    const auto result = f.run({stale});
    REQUIRE(result.rows.size() == 1);
    CHECK(result.rows[0].state == asc::CommerceState::Done);
    CHECK(result.rows[0].action == "refunded");
    CHECK(result.rows[0].message.find("another run") != std::string::npos);
    CHECK(f.magento.writes.empty()); // nothing sent to Magento
    CHECK(f.t.requests.empty());     // not even read
    const auto j = latest(f.store, k_id1);
    CHECK(j.commerce_action == "refunded"); // that run's record stands
    CHECK(j.commerce_creditmemo_id == "100");
}

TEST_CASE("commerce step: a lost cancel answer, then a retry: canceled once") {
    Fixture f;
    f.magento.add(7, k_id1, "new", {{1, 1}});
    f.magento.lose = {"cancel"};
    CHECK(f.run({canceled(f.store, k_id1)}).rows[0].state == asc::CommerceState::Failed);
    const auto second = f.run({latest(f.store, k_id1)});
    CHECK(second.rows[0].action == "canceled");
    CHECK(f.magento.writes["cancel"] == 1);
    CHECK(f.magento.orders.at(7).state == "canceled");
}

TEST_CASE("commerce step: a lost comment answer, then a retry: the comment is found, not sent again") {
    Fixture f;
    f.magento.add(7, k_id1, "new", {{1, 1}});
    f.magento.lose = {"comment"};
    CHECK(f.run({canceled(f.store, k_id1)}).rows[0].state == asc::CommerceState::Failed);
    const auto second = f.run({latest(f.store, k_id1)});
    CHECK(second.rows[0].state == asc::CommerceState::Done);
    CHECK(second.rows[0].action == "canceled");
    CHECK(f.magento.writes["comment"] == 1);
    CHECK(f.magento.orders.at(7).history.size() == 1);
}

TEST_CASE("commerce step: on_cancel = comment, the comment's answer lost, then a retry: comment_only, once") {
    Fixture f;
    f.options.on_cancel = asc::CommerceOnCancel::Comment;
    f.magento.add(7, k_id1, "processing", {{1, 1, 1}});
    f.magento.lose = {"comment"};
    CHECK(f.run({canceled(f.store, k_id1)}).rows[0].state == asc::CommerceState::Failed);
    const auto second = f.run({latest(f.store, k_id1)});
    CHECK(second.rows[0].state == asc::CommerceState::Done);
    CHECK(second.rows[0].action == "comment_only");
    CHECK(second.rows[0].magento_status == "processing");
    CHECK(f.magento.writes["comment"] == 1);
}

TEST_CASE("commerce step: Magento answering false to cancel is a failure, not a success") {
    Store store = Store::open_memory();
    FakeClock clock;
    FakeTransport t;
    const std::string order =
        R"({"entity_id":7,"increment_id":"000100007","ext_order_id":"111-0000001-0000001",)"
        R"("state":"new","status":"pending","items":[{"item_id":1,"qty_ordered":1}],)"
        R"("status_histories":[]})";
    t.then(respond(200, R"({"items":[)" + order + "]}"))
        .then(respond(200, order))
        .then(respond(200, "false"));
    asc::CommerceClient client(t, clock, settings());
    asc::CommerceStep step(client, store, clock, asc::no_events());
    const auto result = step.run({canceled(store, k_id1)});
    CHECK(result.rows[0].state == asc::CommerceState::Failed);
    CHECK(result.rows[0].message.find("answered false") != std::string::npos);
    CHECK(t.requests.size() == 3); // no comment claims a cancel that did not happen
}

TEST_CASE("commerce step: done, no_link and skipped rows are not touched again") {
    Store store = Store::open_memory();
    FakeClock clock;
    FakeTransport t; // no script, no handler: any request fails the test
    asc::CommerceClient client(t, clock, settings());
    asc::CommerceStep step(client, store, clock, asc::no_events());
    const auto result = step.run({canceled(store, k_id1, asc::CommerceState::Done), canceled(store, k_id2, asc::CommerceState::NoLink),
                                  canceled(store, k_id3, asc::CommerceState::Skipped)});
    CHECK(t.requests.empty());
    CHECK(result.rows[0].state == asc::CommerceState::Done);
    CHECK(result.rows[2].state == asc::CommerceState::Skipped);
}

TEST_CASE("commerce step: an unlinked order is no_link") {
    Fixture f;
    CHECK(f.run({canceled(f.store, k_id2)}).rows[0].state == asc::CommerceState::NoLink);
    CHECK(latest(f.store, k_id2).commerce_state == asc::CommerceState::NoLink);
}

TEST_CASE("commerce step: a refused token stops the step with an Auth error naming the commerce side") {
    Store store = Store::open_memory();
    FakeClock clock;
    FakeTransport t;
    t.then(respond(401, R"({"message":"The consumer isn't authorized to access %resources.",)"
                        R"("parameters":{"resources":"Magento_Sales::actions_view"}})"));
    asc::CommerceClient client(t, clock, settings());
    asc::CommerceStep step(client, store, clock, asc::no_events());
    const auto result = step.run({canceled(store, k_id1), canceled(store, k_id2)});
    REQUIRE(result.error.has_value());
    CHECK(result.error->kind() == asc::ErrorKind::Auth);
    CHECK(std::string(result.error->what()).find("commerce system (Magento)") != std::string::npos);
    CHECK(t.requests.size() == 1);
    CHECK(result.rows[0].state == asc::CommerceState::Failed);
    CHECK(result.rows[1].state == asc::CommerceState::Pending);
    CHECK(latest(store, k_id2).commerce_state == asc::CommerceState::Pending);
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
    CHECK(result.count(asc::CommerceState::Failed) == 2);
    CHECK(result.count(asc::CommerceState::Pending) == 3);
    CHECK(t.requests.size() == 2 * 4); // two searches, four attempts each
}

TEST_CASE("commerce step: a batch handed over in parts stops where it stopped, in later parts too") {
    SUBCASE("after a refused token") {
        Store store = Store::open_memory();
        FakeClock clock;
        FakeTransport t;
        t.then(respond(401, R"({"message":"The consumer isn't authorized to access %resources.",)"
                            R"("parameters":{"resources":"Magento_Sales::actions_view"}})"));
        asc::CommerceClient client(t, clock, settings());
        asc::CommerceStep step(client, store, clock, asc::no_events());
        const auto first = step.run({canceled(store, k_id1)});
        REQUIRE(first.error.has_value());
        const auto second = step.run({canceled(store, k_id2)}); // no script left: a request would fail
        REQUIRE(second.error.has_value());
        CHECK(second.error->kind() == asc::ErrorKind::Auth);
        CHECK(second.rows[0].state == asc::CommerceState::Pending);
        CHECK(second.rows[0].message == "not attempted");
        CHECK(t.requests.size() == 1);
    }
    SUBCASE("after repeated failures across two parts") {
        Store store = Store::open_memory();
        FakeClock clock;
        FakeTransport t;
        t.handler = [](const asc::HttpRequest&) { return transport_error(asc::TransportError::Timeout); };
        asc::CommerceClient client(t, clock, settings());
        asc::CommerceStep step(client, store, clock, asc::no_events(), asc::CommerceStepOptions{2});
        const auto first = step.run({canceled(store, "111-0000001-0000001")});
        const auto second = step.run({canceled(store, "111-0000002-0000002"), canceled(store, "111-0000003-0000003")});
        CHECK(first.count(asc::CommerceState::Failed) == 1);
        CHECK(second.count(asc::CommerceState::Failed) == 1); // the second failure in a row, then give up
        CHECK(second.count(asc::CommerceState::Pending) == 1);
        CHECK(t.requests.size() == 2 * 4);
    }
}

TEST_CASE("commerce step: the comment marker is specific to the Amazon order") {
    const std::string c = asc::commerce_cancel_comment(k_id1, "BuyerCanceled", "asc canceled this order");
    CHECK(asc::is_commerce_cancel_comment(c, k_id1));
    CHECK_FALSE(asc::is_commerce_cancel_comment(c, k_id2));
    CHECK_FALSE(asc::is_commerce_cancel_comment("Canceled by the customer", k_id1));
    CHECK(c.find("BuyerCanceled") != std::string::npos);
}

TEST_SUITE_END();
