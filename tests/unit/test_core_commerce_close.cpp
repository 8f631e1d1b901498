// What closing out a Magento order takes, decided from the order alone: cancel what is not
// invoiced, refund what is invoiced and not refunded, nothing for a canceled or closed order, and
// a refusal with the reason for anything shipped, on hold, in payment review or complete.

#include "asc/commerce/commerce_close.hpp"

#include <doctest/doctest.h>

using asc::CommerceItem;
using asc::CommerceMove;
using asc::CommerceOrder;

namespace {

constexpr asc::CommerceQty k_one = asc::k_commerce_qty_one;

CommerceItem item(std::int64_t id, int ordered, int invoiced = 0, int refunded = 0, int canceled = 0,
                  int shipped = 0) {
    CommerceItem i;
    i.item_id = id;
    i.qty_ordered = ordered * k_one;
    i.qty_invoiced = invoiced * k_one;
    i.qty_refunded = refunded * k_one;
    i.qty_canceled = canceled * k_one;
    i.qty_shipped = shipped * k_one;
    return i;
}

CommerceOrder order(std::string state, std::vector<CommerceItem> items) {
    CommerceOrder o;
    o.entity_id = 7;
    o.increment_id = "000100007";
    o.state = std::move(state);
    o.status = asc::default_status_of(o.state);
    o.items = std::move(items);
    o.has_items = true;
    return o;
}

} // namespace

TEST_SUITE_BEGIN("core::commerce_close");

TEST_CASE("close-out: nothing invoiced is canceled") {
    const auto m = asc::next_commerce_move(order("new", {item(1, 2), item(2, 1)}));
    CHECK(m.kind == CommerceMove::Kind::Cancel);
}

TEST_CASE("close-out: everything invoiced is refunded, every item for its whole refundable quantity") {
    const auto m = asc::next_commerce_move(order("processing", {item(1, 2, 2), item(2, 3, 3)}));
    REQUIRE(m.kind == CommerceMove::Kind::Refund);
    REQUIRE(m.lines.size() == 2);
    CHECK(m.lines[0].order_item_id == 1);
    CHECK(m.lines[0].qty == 2 * k_one);
    CHECK(m.lines[1].order_item_id == 2);
    CHECK(m.lines[1].qty == 3 * k_one);
}

TEST_CASE("close-out: partly invoiced cancels the rest first, then refunds what was invoiced") {
    auto o = order("processing", {item(1, 2, 1), item(2, 1)});
    CHECK(asc::next_commerce_move(o).kind == CommerceMove::Kind::Cancel);
    // What Magento's cancel leaves: the quantities not invoiced canceled, the order still open.
    o.items[0].qty_canceled = 1 * k_one;
    o.items[1].qty_canceled = 1 * k_one;
    const auto m = asc::next_commerce_move(o);
    REQUIRE(m.kind == CommerceMove::Kind::Refund);
    REQUIRE(m.lines.size() == 1);
    CHECK(m.lines[0].order_item_id == 1);
    CHECK(m.lines[0].qty == 1 * k_one);
}

TEST_CASE("close-out: a partial credit memo made earlier is never refunded again") {
    const auto m = asc::next_commerce_move(order("processing", {item(1, 3, 3, 2), item(2, 1, 1, 1)}));
    REQUIRE(m.kind == CommerceMove::Kind::Refund);
    REQUIRE(m.lines.size() == 1);
    CHECK(m.lines[0].order_item_id == 1);
    CHECK(m.lines[0].qty == 1 * k_one);
}

TEST_CASE("close-out: canceled and closed orders need nothing") {
    CHECK(asc::next_commerce_move(order("canceled", {item(1, 2, 0, 0, 2)})).kind == CommerceMove::Kind::Done);
    CHECK(asc::next_commerce_move(order("closed", {item(1, 2, 2, 2)})).kind == CommerceMove::Kind::Done);
}

TEST_CASE("close-out: refusals say why and what to do") {
    SUBCASE("shipped") {
        const auto m = asc::next_commerce_move(order("processing", {item(1, 2, 2, 0, 0, 1)}));
        CHECK(m.kind == CommerceMove::Kind::Refuse);
        CHECK(m.why.find("shipped") != std::string::npos);
        CHECK(m.why.find("Amazon would have refused") != std::string::npos);
        CHECK(m.why.find("000100007") != std::string::npos);
    }
    SUBCASE("on hold") {
        const auto m = asc::next_commerce_move(order("holded", {item(1, 1)}));
        CHECK(m.kind == CommerceMove::Kind::Refuse);
        CHECK(m.why.find("on hold") != std::string::npos);
        CHECK(m.why.find("cancellations resume") != std::string::npos);
    }
    SUBCASE("payment review") {
        CHECK(asc::next_commerce_move(order("payment_review", {item(1, 1)})).kind ==
              CommerceMove::Kind::Refuse);
    }
    SUBCASE("complete") {
        CHECK(asc::next_commerce_move(order("complete", {item(1, 1, 1)})).kind == CommerceMove::Kind::Refuse);
    }
    SUBCASE("nothing left but not closed") {
        const auto m = asc::next_commerce_move(order("processing", {item(1, 1, 1, 1)}));
        CHECK(m.kind == CommerceMove::Kind::Refuse);
        CHECK(m.why.find("nothing left") != std::string::npos);
    }
}

TEST_CASE("close-out: child lines of a configurable follow their parent") {
    auto child = item(2, 2, 2);
    child.parent_item_id = 1;
    const auto m = asc::next_commerce_move(order("processing", {item(1, 2, 2), child}));
    REQUIRE(m.kind == CommerceMove::Kind::Refund);
    REQUIRE(m.lines.size() == 1);
    CHECK(m.lines[0].order_item_id == 1);
}

TEST_CASE("close-out: on_cancel and actions parse and print") {
    CHECK(asc::parse_commerce_on_cancel("auto") == asc::CommerceOnCancel::Auto);
    CHECK(asc::parse_commerce_on_cancel("comment") == asc::CommerceOnCancel::Comment);
    CHECK_FALSE(asc::parse_commerce_on_cancel("complete").has_value());
    for (const auto a : {asc::CommerceAction::Canceled, asc::CommerceAction::Refunded,
                         asc::CommerceAction::CommentOnly, asc::CommerceAction::NothingToDo}) {
        CHECK(asc::parse_commerce_action(asc::to_string(a)) == a);
    }
    CHECK(asc::to_string(asc::CommerceAction::NothingToDo) == "nothing_to_do");
    CHECK(asc::default_status_of("new") == "pending");
    CHECK(asc::default_status_of("closed") == "closed");
}

TEST_SUITE_END();
