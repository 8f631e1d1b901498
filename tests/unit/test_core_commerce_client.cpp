// The Magento REST client against the fake transport: request shapes, the bearer token, errors
// that name the commerce side, retries, and a status comment that is never sent twice.

#include "asc/base/errors.hpp"
#include "asc/commerce/commerce_client.hpp"
#include "fake_clock.hpp"
#include "fake_transport.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>
#include <string>

using asc_test::FakeClock;
using asc_test::FakeTransport;
using asc_test::respond;
using asc_test::transport_error;

namespace {

constexpr std::string_view k_token = "magento-integration-token-0123456789";

asc::CommerceSettings settings() {
    asc::CommerceSettings s;
    s.base_url = "https://shop.example.com/";
    s.access_token = std::string(k_token);
    return s;
}

const char* const k_order_json =
    R"({"entity_id":42,"increment_id":"000000123","ext_order_id":"112-1234567-1234567",
  "state":"processing","status":"processing","status_histories":[
  {"comment":"Imported from Amazon","status":"processing","created_at":"2026-11-01 09:00:00"}]})";

std::string search_result(const std::string& items) {
    return R"({"items":[)" + items + R"(],"search_criteria":{},"total_count":1})";
}

template <typename F> asc::Error error_of(F&& f) {
    try {
        f();
    } catch (const asc::Error& e) {
        return e;
    }
    FAIL("expected an asc::Error");
    return asc::Error(asc::ErrorKind::Internal, "unreachable");
}

bool mentions(const std::string& text, std::string_view part) {
    return text.find(part) != std::string::npos;
}

} // namespace

TEST_SUITE_BEGIN("core::commerce");

TEST_CASE("commerce client: the search for the linked order is a searchCriteria GET with the token") {
    FakeTransport t;
    FakeClock clock;
    t.then(respond(200, search_result(k_order_json)));
    asc::CommerceClient client(t, clock, settings());
    const auto order = client.find_linked_order("112-1234567-1234567");

    REQUIRE(t.requests.size() == 1);
    const auto& r = t.requests[0];
    CHECK(r.method == "GET");
    CHECK(r.url ==
          "https://shop.example.com/rest/default/V1/orders?"
          "searchCriteria%5BfilterGroups%5D%5B0%5D%5Bfilters%5D%5B0%5D%5Bfield%5D=ext_order_id&"
          "searchCriteria%5BfilterGroups%5D%5B0%5D%5Bfilters%5D%5B0%5D%5Bvalue%5D=112-1234567-1234567&"
          "searchCriteria%5BfilterGroups%5D%5B0%5D%5Bfilters%5D%5B0%5D%5BconditionType%5D=eq");
    CHECK(FakeTransport::header(r, "Authorization") == "Bearer " + std::string(k_token));
    CHECK(FakeTransport::header(r, "Accept") == "application/json");
    CHECK(r.body.empty());

    REQUIRE(order.has_value());
    CHECK(order->entity_id == 42);
    CHECK(order->increment_id == "000000123");
    CHECK(order->state == "processing");
    CHECK(order->status == "processing");
    REQUIRE(order->history.size() == 1);
    CHECK(order->history[0].comment == "Imported from Amazon");
}

TEST_CASE("commerce client: link_field and store_code shape the request") {
    FakeTransport t;
    FakeClock clock;
    auto s = settings();
    s.link_field = "increment_id";
    s.store_code = "us";
    t.then(respond(
        200,
        search_result(
            R"({"entity_id":"7","increment_id":"112-1234567-1234567","state":"new","status":"pending"})")));
    asc::CommerceClient client(t, clock, s);
    const auto order = client.find_linked_order("112-1234567-1234567");
    REQUIRE(order.has_value());
    CHECK(order->entity_id == 7); // a string entity_id is read too
    CHECK(mentions(t.requests[0].url, "https://shop.example.com/rest/us/V1/orders?"));
    CHECK(mentions(t.requests[0].url, "%5Bfield%5D=increment_id&"));
}

TEST_CASE("commerce client: no linked order is nullopt, not an error") {
    FakeTransport t;
    FakeClock clock;
    t.then(respond(200, R"({"items":[],"search_criteria":{},"total_count":0})"));
    asc::CommerceClient client(t, clock, settings());
    CHECK_FALSE(client.find_linked_order("112-0000000-0000000").has_value());
}

TEST_CASE("commerce client: get_order reads /V1/orders/{entity_id}") {
    FakeTransport t;
    FakeClock clock;
    t.then(respond(200, k_order_json));
    asc::CommerceClient client(t, clock, settings());
    const auto order = client.get_order(42);
    CHECK(t.requests[0].method == "GET");
    CHECK(t.requests[0].url == "https://shop.example.com/rest/default/V1/orders/42");
    CHECK(order.ext_order_id == "112-1234567-1234567");
}

TEST_CASE("commerce client: add_comment posts one statusHistory entry carrying the status") {
    FakeTransport t;
    FakeClock clock;
    t.then(respond(200, "true"));
    asc::CommerceClient client(t, clock, settings());
    client.add_comment(42, "processing", "Amazon order 112-1234567-1234567 canceled by asc (NoInventory)");

    REQUIRE(t.requests.size() == 1);
    const auto& r = t.requests[0];
    CHECK(r.method == "POST");
    CHECK(r.url == "https://shop.example.com/rest/default/V1/orders/42/comments");
    CHECK(FakeTransport::header(r, "Authorization") == "Bearer " + std::string(k_token));
    CHECK(FakeTransport::header(r, "Content-Type") == "application/json");
    const auto body = nlohmann::json::parse(r.body);
    const auto& h = body.at("statusHistory");
    CHECK(h.at("comment") == "Amazon order 112-1234567-1234567 canceled by asc (NoInventory)");
    CHECK(h.at("status") == "processing");
    CHECK(h.at("is_customer_notified") == 0);
    CHECK(h.at("is_visible_on_front") == 0);
}

TEST_CASE("commerce client: 401 is an Auth error that names the commerce side, not Amazon") {
    FakeTransport t;
    FakeClock clock;
    t.then(respond(401, R"({"message":"The consumer isn't authorized to access %resources.",)"
                        R"("parameters":{"resources":"Magento_Sales::sales"}})"));
    asc::CommerceClient client(t, clock, settings());
    const auto e = error_of([&] { (void)client.find_linked_order("112-1234567-1234567"); });
    CHECK(e.kind() == asc::ErrorKind::Auth);
    const std::string what = e.what();
    CHECK(mentions(what, "commerce system (Magento)"));
    CHECK(mentions(what, "The consumer isn't authorized to access Magento_Sales::sales."));
    CHECK_FALSE(mentions(what, "Amazon"));
    CHECK(mentions(e.hint(), "integration"));
    CHECK_FALSE(mentions(what + e.hint(), k_token));
    CHECK(t.requests.size() == 1); // not retried
}

TEST_CASE("commerce client: 404 is NotFound") {
    FakeTransport t;
    FakeClock clock;
    t.then(respond(
        404,
        R"({"message":"The entity that was requested doesn't exist. Verify the entity and try again."})"));
    asc::CommerceClient client(t, clock, settings());
    const auto e = error_of([&] { (void)client.get_order(999); });
    CHECK(e.kind() == asc::ErrorKind::NotFound);
    CHECK(mentions(e.what(), "commerce system (Magento)"));
    CHECK(mentions(e.what(), "doesn't exist"));
}

TEST_CASE("commerce client: positional parameters fill %1") {
    FakeTransport t;
    FakeClock clock;
    t.then(respond(
        400, R"({"message":"\"%1\" is required. Enter and try again.","parameters":["statusHistory"]})"));
    asc::CommerceClient client(t, clock, settings());
    const auto e = error_of([&] { client.add_comment(1, "processing", "x"); });
    CHECK(e.kind() == asc::ErrorKind::Usage);
    CHECK(mentions(e.what(), "\"statusHistory\" is required"));
    CHECK(mentions(e.hint(), "Assign Status to State")); // a 400 says what to fix
}

TEST_CASE("commerce client: 5xx, 429, timeouts and dropped connections are retried for lookups") {
    FakeTransport t;
    FakeClock clock;
    t.then(respond(503, R"({"message":"Service Unavailable"})"))
        .then(transport_error(asc::TransportError::Timeout))
        .then(respond(429, ""))
        .then(respond(200, search_result(k_order_json)));
    asc::CommerceClient client(t, clock, settings());
    const auto order = client.find_linked_order("112-1234567-1234567");
    CHECK(order.has_value());
    CHECK(t.requests.size() == 4);
    CHECK(clock.sleeps.size() == 3);
}

TEST_CASE("commerce client: a malformed lookup answer is retried") {
    FakeTransport t;
    FakeClock clock;
    t.then(respond(200, "<html>Bad Gateway")).then(respond(200, k_order_json));
    asc::CommerceClient client(t, clock, settings());
    CHECK(client.get_order(42).entity_id == 42);
    CHECK(t.requests.size() == 2);
}

TEST_CASE("commerce client: when the attempts run out it is Temporary and names the commerce side") {
    FakeTransport t;
    FakeClock clock;
    t.handler = [](const asc::HttpRequest&) {
        return respond(500, R"({"message":"Internal Error. Details are available in Magento log file."})");
    };
    asc::CommerceClient client(t, clock, settings());
    const auto e = error_of([&] { (void)client.find_linked_order("112-1234567-1234567"); });
    CHECK(e.kind() == asc::ErrorKind::Temporary);
    CHECK(mentions(e.what(), "commerce system (Magento)"));
    CHECK(mentions(e.what(), "4 attempts"));
    CHECK(t.requests.size() == 4); // CommerceOptions' default
}

TEST_CASE("commerce client: the time budget stops the retries") {
    FakeTransport t;
    FakeClock clock;
    t.handler = [&clock](const asc::HttpRequest&) {
        clock.advance(std::chrono::seconds(20)); // each attempt times out after 20 s
        return transport_error(asc::TransportError::Timeout);
    };
    asc::CommerceOptions options;
    options.retry.max_attempts = 10;
    options.budget = std::chrono::seconds(50);
    asc::CommerceClient client(t, clock, settings(), options);
    const auto e = error_of([&] { (void)client.get_order(1); });
    CHECK(e.kind() == asc::ErrorKind::Temporary);
    CHECK(t.requests.size() == 3);
}

TEST_CASE("commerce client: a comment that may have reached Magento is never sent twice") {
    FakeClock clock;
    SUBCASE("a 500") {
        FakeTransport t;
        t.then(respond(500, R"({"message":"Internal Error."})"))
            .then(respond(500, R"({"message":"Internal Error."})"));
        asc::CommerceClient client(t, clock, settings());
        const auto e = error_of([&] { client.add_comment(42, "processing", "c"); });
        CHECK(e.kind() == asc::ErrorKind::Temporary);
        CHECK(mentions(e.what(), "commerce system (Magento)"));
        CHECK(mentions(e.what(), "may or may not have applied"));
        CHECK_THROWS_AS(client.add_comment(42, "processing", "c"), asc::CommerceOutcomeUnknown);
        CHECK(mentions(e.hint(), "not sent again"));
        CHECK(t.requests.size() == 2); // one call each above, never a retry
    }
    SUBCASE("a timeout") {
        FakeTransport t;
        t.then(transport_error(asc::TransportError::Timeout));
        asc::CommerceClient client(t, clock, settings());
        CHECK(error_of([&] { client.add_comment(42, "processing", "c"); }).kind() ==
              asc::ErrorKind::Temporary);
        CHECK(t.requests.size() == 1);
    }
    SUBCASE("a dropped connection") {
        FakeTransport t;
        t.then(transport_error(asc::TransportError::Dropped));
        asc::CommerceClient client(t, clock, settings());
        CHECK(error_of([&] { client.add_comment(42, "processing", "c"); }).kind() ==
              asc::ErrorKind::Temporary);
        CHECK(t.requests.size() == 1);
    }
}

TEST_CASE("commerce client: a comment that certainly did not arrive is retried") {
    FakeTransport t;
    FakeClock clock;
    t.then(transport_error(asc::TransportError::Connect)).then(respond(429, "")).then(respond(200, "true"));
    asc::CommerceClient client(t, clock, settings());
    client.add_comment(42, "processing", "c");
    CHECK(t.requests.size() == 3);
}

TEST_CASE("commerce client: a comment answered 200 with something else than a bool has an unknown outcome") {
    FakeTransport t;
    FakeClock clock;
    t.then(respond(200, "<html>Bad Gateway</html>"));
    asc::CommerceClient client(t, clock, settings());
    CHECK_THROWS_AS(client.add_comment(42, "processing", "c"), asc::CommerceOutcomeUnknown);
    CHECK(t.requests.size() == 1);
}

TEST_CASE("commerce client: Magento answering false is an error") {
    FakeTransport t;
    FakeClock clock;
    t.then(respond(200, "false"));
    asc::CommerceClient client(t, clock, settings());
    const auto e = error_of([&] { client.add_comment(42, "processing", "c"); });
    CHECK(mentions(e.what(), "commerce system (Magento)"));
    CHECK(t.requests.size() == 1);
}

TEST_CASE("commerce client: get_order reads items and their quantities exactly") {
    FakeTransport t;
    FakeClock clock;
    t.then(respond(
        200, R"({"entity_id":42,"increment_id":"000000042","state":"processing","status":"processing",)"
             R"("items":[{"item_id":7,"sku":"A","qty_ordered":2,"qty_invoiced":2.0,"qty_refunded":"0.5000",)"
             R"("qty_canceled":0,"qty_shipped":null},{"item_id":8,"parent_item_id":7,"qty_ordered":2}]})"));
    asc::CommerceClient client(t, clock, settings());
    const auto o = client.get_order(42);
    REQUIRE(o.has_items);
    REQUIRE(o.items.size() == 2);
    CHECK(o.items[0].item_id == 7);
    CHECK(o.items[0].qty_ordered == 2 * asc::k_commerce_qty_one);
    CHECK(o.items[0].qty_invoiced == 2 * asc::k_commerce_qty_one);
    CHECK(o.items[0].qty_refunded == asc::k_commerce_qty_one / 2);
    CHECK(o.items[0].qty_shipped == 0);
    CHECK(o.items[1].parent_item_id == 7);
}

TEST_CASE("commerce client: quantities parse and print as exact decimals") {
    CHECK(asc::parse_commerce_qty("2") == 20000);
    CHECK(asc::parse_commerce_qty("2.0000") == 20000);
    CHECK(asc::parse_commerce_qty("0.5") == 5000);
    CHECK(asc::parse_commerce_qty("1.25000") == 12500);
    CHECK_FALSE(asc::parse_commerce_qty("1.23456").has_value());
    CHECK_FALSE(asc::parse_commerce_qty("-1").has_value());
    CHECK_FALSE(asc::parse_commerce_qty("1e3").has_value());
    CHECK_FALSE(asc::parse_commerce_qty("").has_value());
    CHECK(asc::format_commerce_qty(20000) == "2");
    CHECK(asc::format_commerce_qty(12500) == "1.25");
}

TEST_CASE("commerce client: cancel_order posts to /cancel and reads Magento's bool") {
    FakeClock clock;
    SUBCASE("true: canceled") {
        FakeTransport t;
        t.then(respond(200, "true"));
        asc::CommerceClient client(t, clock, settings());
        CHECK(client.cancel_order(42));
        CHECK(t.requests[0].method == "POST");
        CHECK(t.requests[0].url == "https://shop.example.com/rest/default/V1/orders/42/cancel");
    }
    SUBCASE("false with HTTP 200: Magento could not cancel it") {
        FakeTransport t;
        t.then(respond(200, "false"));
        asc::CommerceClient client(t, clock, settings());
        CHECK_FALSE(client.cancel_order(42));
        CHECK(t.requests.size() == 1);
    }
    SUBCASE("a timeout: the outcome is unknown, and it is not sent again") {
        FakeTransport t;
        t.then(transport_error(asc::TransportError::Timeout));
        asc::CommerceClient client(t, clock, settings());
        CHECK_THROWS_AS(client.cancel_order(42), asc::CommerceOutcomeUnknown);
        CHECK(t.requests.size() == 1);
    }
}

TEST_CASE("commerce client: refund_order posts an offline credit memo back to stock and returns its id") {
    FakeTransport t;
    FakeClock clock;
    t.then(respond(200, "17"));
    asc::CommerceClient client(t, clock, settings());
    const auto id =
        client.refund_order(42, {{7, 2 * asc::k_commerce_qty_one}, {9, asc::k_commerce_qty_one / 2}});
    CHECK(id == 17);
    REQUIRE(t.requests.size() == 1);
    const auto& r = t.requests[0];
    CHECK(r.method == "POST");
    CHECK(r.url == "https://shop.example.com/rest/default/V1/order/42/refund");
    const auto body = nlohmann::json::parse(r.body);
    CHECK(body.at("notify") == false);
    CHECK(body.at("items") ==
          nlohmann::json::parse(R"([{"order_item_id":7,"qty":2},{"order_item_id":9,"qty":0.5}])"));
    CHECK(body.at("arguments").at("extension_attributes").at("return_to_stock_items") ==
          nlohmann::json::parse("[7,9]"));
}

TEST_CASE("commerce client: a refund whose answer is lost is not sent again") {
    FakeTransport t;
    FakeClock clock;
    t.then(respond(502, "<html>Bad Gateway</html>"));
    asc::CommerceClient client(t, clock, settings());
    CHECK_THROWS_AS(client.refund_order(42, {{7, asc::k_commerce_qty_one}}), asc::CommerceOutcomeUnknown);
    CHECK(t.requests.size() == 1);
}

TEST_CASE(
    "commerce client: a missing ACL resource is an Auth error naming the resource and where to grant it") {
    FakeTransport t;
    FakeClock clock;
    t.then(respond(401, R"({"message":"The consumer isn't authorized to access %resources.",)"
                        R"("parameters":{"resources":"Magento_Sales::creditmemo"}})"));
    asc::CommerceClient client(t, clock, settings());
    const auto e = error_of([&] { (void)client.refund_order(42, {{7, asc::k_commerce_qty_one}}); });
    CHECK(e.kind() == asc::ErrorKind::Auth);
    CHECK(mentions(e.what(), "Magento_Sales::creditmemo"));
    CHECK(mentions(e.hint(), "Magento_Sales::creditmemo"));
    CHECK(mentions(e.hint(), "Credit Memos"));
}

TEST_CASE("commerce client: the search query encodes brackets and the value") {
    CHECK(asc::commerce_search_query("ext_order_id", "a b&c") ==
          "searchCriteria%5BfilterGroups%5D%5B0%5D%5Bfilters%5D%5B0%5D%5Bfield%5D=ext_order_id&"
          "searchCriteria%5BfilterGroups%5D%5B0%5D%5Bfilters%5D%5B0%5D%5Bvalue%5D=a%20b%26c&"
          "searchCriteria%5BfilterGroups%5D%5B0%5D%5Bfilters%5D%5B0%5D%5BconditionType%5D=eq");
}

TEST_CASE("commerce client: redact masks a bare bearer token") {
    CHECK(asc::redact("> Authorization: Bearer abc.def") == "> Authorization: ***");
    CHECK(asc::redact("sent Bearer magento-token-123 to the shop") == "sent Bearer *** to the shop");
    CHECK(asc::redact(R"({"token_type":"bearer","expires_in":3600})") ==
          R"({"token_type":"bearer","expires_in":3600})");
}

TEST_SUITE_END();
