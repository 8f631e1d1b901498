// The one-pass searchOrders decoder (decode_orders_page_fast) against the document decoder
// (order_from_v2026): on every page the fast one accepts it must build the very same orders, and
// every page the document decoder rejects it must give up on (so the document decoder explains
// it). Checked on the fixture page and on every single-value fault of it the test can make.

#include "asc/amazon/orders_client.hpp"
#include "asc/base/errors.hpp"
#include "asc/base/time.hpp"

#include <doctest/doctest.h>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

using nlohmann::json;

namespace {

json fixture() {
    std::ifstream in(std::filesystem::path(ASC_TEST_FIXTURES_DIR) / "order-v2026-example.json");
    REQUIRE(in.good());
    return json::parse(in);
}

json money(const std::optional<asc::Money>& m) {
    return m ? json{m->minor, m->scale, m->currency} : json();
}

json when(const std::optional<asc::Timestamp>& t) {
    return t ? json(asc::format_rfc3339(*t)) : json();
}

// Every field of an order, as a value two orders can be compared by.
json dump(const asc::Order& o) {
    json j = {o.order_id, asc::to_string(o.status), o.fulfilled_by ? asc::to_v2026(*o.fulfilled_by) : "-",
              when(o.purchase_date), when(o.last_updated), o.marketplace_id, o.marketplace_name,
              o.sales_channel, o.ship_service_level, when(o.ship_by.earliest), when(o.ship_by.latest),
              when(o.deliver_by.earliest), when(o.deliver_by.latest), money(o.total), o.is_prime,
              o.is_business, o.is_replacement, o.replaced_order_id, o.seller_order_id};
    for (const auto& line : o.total_breakdown) {
        j.push_back({line.type, money(line.amount)});
    }
    j.push_back(o.buyer ? json{o.buyer->name, o.buyer->email, o.buyer->company, o.buyer->purchase_order}
                        : json("no buyer"));
    if (o.ship_to) {
        const asc::Address& a = *o.ship_to;
        j.push_back({a.name, a.company, a.line1, a.line2, a.line3, a.city, a.district, a.state, a.postal_code,
                     a.country_code, a.phone, a.type});
    } else {
        j.push_back("no address");
    }
    for (const auto& i : o.items) {
        j.push_back({i.order_item_id, i.sku, i.asin, i.title, i.condition, i.quantity_ordered,
                     i.quantity_shipped, i.quantity_unshipped, money(i.unit_price), money(i.item_total),
                     money(i.tax), money(i.shipping_price), money(i.promotion_discount),
                     money(i.proceeds_total), i.buyer_requested_cancel, i.buyer_cancel_reason, i.canceled_by,
                     i.cancel_reason});
    }
    for (const auto& p : o.packages) {
        json items = json::array();
        for (const auto& pi : p.items) {
            items.push_back({pi.order_item_id, pi.quantity});
        }
        j.push_back({p.reference_id, p.carrier, p.shipping_service, p.tracking_number, when(p.ship_time),
                     p.status, items});
    }
    return j;
}

// What the document decoder makes of a page: the dumped orders, or its error message.
json document_result(const json& page) {
    json out = json::array();
    try {
        for (const json& o : page.at("orders")) {
            out.push_back(dump(asc::order_from_v2026(o, "searchOrders")));
        }
    } catch (const asc::Error& e) {
        return std::string("error: ") + e.what();
    }
    return out;
}

// What the fast decoder makes of it: the dumped orders, or null when it gave up.
json fast_result(const std::string& body, std::string* token = nullptr) {
    asc::OrdersPage page;
    if (!asc::decode_orders_page_fast(body, page)) {
        CHECK(page.orders.empty());
        return nullptr;
    }
    if (token != nullptr) {
        *token = page.next_token;
    }
    json out = json::array();
    for (const auto& o : page.orders) {
        out.push_back(dump(o));
    }
    return out;
}

// Every path to a value in `j` (objects and arrays too), as JSON pointers.
void paths(const json& j, const json::json_pointer& at, std::vector<json::json_pointer>& out) {
    out.push_back(at);
    if (j.is_object()) {
        for (const auto& [k, v] : j.items()) {
            paths(v, at / k, out);
        }
    } else if (j.is_array()) {
        for (std::size_t i = 0; i < j.size(); ++i) {
            paths(j[i], at / i, out);
        }
    }
}

} // namespace

TEST_SUITE_BEGIN("core::orders_sax");

TEST_CASE("the fast decoder builds the same orders as the document decoder, and reads the token") {
    json page = fixture();
    page["pagination"] = {{"nextToken", "abc=="}};
    std::string token;
    const json fast = fast_result(page.dump(), &token);
    REQUIRE_FALSE(fast.is_null());
    CHECK(fast == document_result(page));
    CHECK(fast.size() == 2);
    CHECK(token == "abc==");

    // The same with the optional blocks null or left out, and keys it does not read.
    for (const char* key : {"buyer", "recipient", "proceeds", "packages", "programs", "orderAliases"}) {
        json changed = page;
        changed["orders"][0][key] = nullptr;
        CHECK(fast_result(changed.dump()) == document_result(changed));
        changed["orders"][0].erase(key);
        CHECK(fast_result(changed.dump()) == document_result(changed));
    }
    json extra = page;
    extra["orders"][0]["somethingNew"] = {{"deep", {1, 2.5, true, nullptr, {{"x", "y"}}}}};
    extra["orders"][0]["orderItems"][0]["product"]["more"] = json::array({json::array()});
    extra["meta"] = "ignored";
    CHECK(fast_result(extra.dump()) == document_result(extra));
    CHECK_FALSE(fast_result(extra.dump()).is_null());
}

TEST_CASE("on every single-value fault the fast decoder gives up or agrees with the document decoder") {
    const json page = fixture();
    std::vector<json::json_pointer> where;
    paths(page, json::json_pointer(), where);
    const std::vector<json> replacements = {nullptr, "", "x", 1, -1, 2.5, true, json::object(), json::array(),
                                            json(std::int64_t{1} << 40), "2026-10-28T14:05:09Z", "1.5",
                                            "PRIME"};
    int accepted = 0;
    int rejected_by_document = 0;
    for (const auto& at : where) {
        std::vector<json> variants;
        for (const auto& r : replacements) {
            json changed = page;
            changed[at] = r;
            variants.push_back(std::move(changed));
        }
        if (!at.empty()) {
            json changed = page;
            json& parent = changed[at.parent_pointer()];
            if (parent.is_object()) {
                parent.erase(at.back());
            } else {
                parent.erase(std::stoul(at.back()));
            }
            variants.push_back(std::move(changed));
        }
        for (const auto& changed : variants) {
            const json fast = fast_result(changed.dump());
            const json document = changed.is_object() && changed.contains("orders") && changed["orders"].is_array()
                                      ? document_result(changed)
                                      : json("error: not a page");
            if (document.is_string()) {
                ++rejected_by_document;
                CAPTURE(changed.dump());
                CHECK(fast.is_null());
            } else if (!fast.is_null()) {
                ++accepted;
                CAPTURE(changed.dump());
                CHECK(fast == document);
            }
        }
    }
    // Both sides of the comparison were exercised.
    CHECK(accepted > 100);
    CHECK(rejected_by_document > 100);
}

TEST_CASE("the fast decoder gives up on what it cannot vouch for") {
    const std::string good = fixture().dump();
    CHECK_FALSE(fast_result(good).is_null());
    // Not JSON, cut short, trailing text, not a page.
    CHECK(fast_result("").is_null());
    CHECK(fast_result(good.substr(0, good.size() / 2)).is_null());
    CHECK(fast_result(good + " x").is_null());
    CHECK(fast_result("[]").is_null());
    CHECK(fast_result(R"({"pagination":{}})").is_null());
    // A duplicate key: the document decoder keeps the last one.
    std::string dup = good;
    dup.replace(dup.find("\"orderId\":\"113"), 0, R"("orderId":"999-0000000-0000000",)");
    CHECK(fast_result(dup).is_null());
    // Currencies mixed in one item's breakdown of a type.
    json mixed = fixture();
    mixed["orders"][0]["orderItems"][0]["proceeds"]["breakdowns"][1] = {
        {"type", "ITEM"}, {"subtotal", {{"amount", "1.00"}, {"currencyCode", "EUR"}}}};
    CHECK(fast_result(mixed.dump()).is_null());
    CHECK(document_result(mixed).get<std::string>().find("mixes currencies") != std::string::npos);
}

TEST_CASE("an empty page decodes to no orders") {
    std::string token = "left over";
    CHECK(fast_result(R"({"orders":[],"pagination":null})", &token) == json::array());
    CHECK(token.empty());
}

TEST_SUITE_END();
