#include "commerce.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <fmt/format.h>

namespace sim {

namespace {

// Magento's default statuses and the state each is assigned to (app/code/Magento/Sales/etc/config.xml,
// Stores > Settings > Order Status). A status belongs to exactly one state here.
constexpr std::pair<std::string_view, std::string_view> k_default_statuses[]{
    {"pending", "new"},
    {"pending_payment", "pending_payment"},
    {"processing", "processing"},
    {"fraud", "processing"},
    {"payment_review", "payment_review"},
    {"holded", "holded"},
    {"complete", "complete"},
    {"closed", "closed"},
    {"canceled", "canceled"}};

// "2026-11-01T10:00:00Z" -> "2026-11-01 10:00:00", Magento's format.
std::string magento_time(std::string_view iso) {
    std::string out(iso.substr(0, std::min<std::size_t>(iso.size(), 19)));
    if (out.size() > 10 && out[10] == 'T') {
        out[10] = ' ';
    }
    return out;
}

std::string magento_now() {
    return magento_time(iso8601(now_millis()));
}

// Quantities are decimal(12,4) in Magento; compare them at that precision.
bool more_than(double a, double b) {
    return a - b > 0.00005;
}

MagentoError creditmemo_errors(const std::vector<std::string>& messages) {
    // RefundOrder::execute joins the validators' messages under this line
    // (app/code/Magento/Sales/Model/RefundOrder.php).
    std::string text = "Creditmemo Document Validation Error(s):";
    for (const auto& m : messages) {
        text += "\n" + m;
    }
    return {400, text, Json()};
}

} // namespace

Commerce::Commerce(const Store& store, CommerceOptions options)
    : store_(store), options_(std::move(options)) {
    for (const auto& [status, state] : k_default_statuses) {
        status_state_.emplace(status, state);
    }
    for (const auto& [status, state] : options_.statuses) {
        status_state_[status] = state;
    }
}

std::optional<MagentoError> Commerce::authorize(std::string_view authorization,
                                                std::string_view resource) const {
    // Magento answers a token it does not know and a token without the route's resource alike.
    MagentoError refused{401, "The consumer isn't authorized to access %resources.",
                         Json{{"resources", std::string(resource)}}};
    constexpr std::string_view k_bearer = "Bearer ";
    if (!authorization.starts_with(k_bearer)) {
        return refused;
    }
    const std::string_view token = authorization.substr(k_bearer.size());
    if (!options_.token.empty() && token == options_.token) {
        return std::nullopt; // the main integration has every resource
    }
    for (const auto& [t, resources] : options_.acl) {
        if (t == token) {
            const bool allowed = std::any_of(resources.begin(), resources.end(), [&](const std::string& r) {
                return r == resource || r == "Magento_Sales::sales"; // the parent grants its children
            });
            return allowed ? std::nullopt : std::optional<MagentoError>(refused);
        }
    }
    return refused;
}

void Commerce::ensure_links() {
    if (linked_) {
        return;
    }
    linked_ = true;
    OrderQuery q;
    q.fulfilled_by = k_by_merchant;
    const std::vector<std::string> merchant = store_.ids(q);
    // The i-th merchant order is linked when floor((i+1) * ratio) > floor(i * ratio): exactly
    // round(n * ratio) links, evenly spread (0.5: the 2nd, 4th, 6th, ...).
    for (std::size_t i = 0; i < merchant.size(); ++i) {
        const auto before = std::floor(static_cast<double>(i) * options_.link_ratio);
        const auto after = std::floor(static_cast<double>(i + 1) * options_.link_ratio);
        if (after > before) {
            by_amazon_.emplace(merchant[i], static_cast<std::uint32_t>(amazon_ids_.size()));
            amazon_ids_.push_back(merchant[i]);
        }
    }
}

std::string Commerce::increment_id(std::uint32_t index) const {
    return options_.amazon_increment_ids ? amazon_ids_[index] : fmt::format("{:09}", 100000 + index + 1);
}

std::optional<std::uint32_t> Commerce::index_of_entity(std::int64_t entity_id) const {
    if (entity_id < 1 || static_cast<std::uint64_t>(entity_id) > amazon_ids_.size()) {
        return std::nullopt;
    }
    return static_cast<std::uint32_t>(entity_id - 1);
}

std::set<std::string> Commerce::statuses_of(std::string_view state) const {
    std::set<std::string> out;
    for (const auto& [status, s] : status_state_) {
        if (s == state) {
            out.insert(status);
        }
    }
    return out;
}

std::string Commerce::default_status(std::string_view state) const {
    for (const auto& [status, s] : k_default_statuses) {
        if (s == state) {
            return std::string(status);
        }
    }
    return std::string(state);
}

Commerce::Order Commerce::generated(std::uint32_t index) const {
    Order o;
    const auto amazon = store_.get(amazon_ids_[index], 0);
    if (amazon && amazon->contains("createdTime")) {
        o.created_at = magento_time((*amazon)["createdTime"].get<std::string>());
    }
    o.updated_at = o.created_at;
    const std::int64_t entity_id = static_cast<std::int64_t>(index) + 1;
    if (amazon && amazon->contains("orderItems") && (*amazon)["orderItems"].is_array()) {
        for (const auto& ai : (*amazon)["orderItems"]) {
            Item item;
            item.item_id = entity_id * 100 + static_cast<std::int64_t>(o.items.size()) + 1;
            item.ordered = ai.value("quantityOrdered", 1);
            if (ai.contains("product") && ai["product"].is_object()) {
                item.sku = ai["product"].value("sellerSku", "");
            }
            o.items.push_back(std::move(item));
        }
    }
    if (o.items.empty()) {
        o.items.push_back(Item{entity_id * 100 + 1, "SIM-SKU", 1, 0, 0, 0, 0});
    }
    const unsigned kind = index % 20;
    auto invoice_all = [&o] {
        for (auto& i : o.items) {
            i.invoiced = i.ordered;
        }
    };
    if (kind <= 7) {
        invoice_all();
        o.state = "processing";
    } else if (kind <= 13 || kind == 19) {
        o.state = "new";
    } else if (kind <= 15) {
        o.items.front().invoiced = 1;
        o.state = "processing";
    } else if (kind == 16) {
        invoice_all();
        for (auto& i : o.items) {
            i.shipped = i.ordered;
        }
        o.state = "complete";
    } else if (kind == 17) {
        o.state = "holded";
        o.hold_before_state = "new";
    } else {
        invoice_all();
        Json items = Json::array();
        for (auto& i : o.items) {
            i.refunded = i.ordered;
            items.push_back({{"order_item_id", i.item_id}, {"qty", i.refunded}});
        }
        o.state = "closed";
        o.credit_memos.push_back({{"entity_id", 900000 + static_cast<std::int64_t>(index)},
                                  {"order_id", entity_id},
                                  {"items", items},
                                  {"return_to_stock_items", Json::array()},
                                  {"created_at", o.created_at}});
    }
    o.status = default_status(o.state);
    return o;
}

Commerce::Order& Commerce::changed(std::uint32_t index) {
    auto [it, fresh] = changed_.try_emplace(index);
    if (fresh) {
        it->second = generated(index);
    }
    return it->second;
}

Json Commerce::order_json(std::uint32_t index) const {
    const auto it = changed_.find(index);
    const Order o = it != changed_.end() ? it->second : generated(index);
    const std::int64_t entity_id = static_cast<std::int64_t>(index) + 1;
    Json items = Json::array();
    for (const Item& i : o.items) {
        items.push_back({{"item_id", i.item_id},
                         {"order_id", entity_id},
                         {"sku", i.sku},
                         {"product_type", "simple"},
                         {"qty_ordered", i.ordered},
                         {"qty_invoiced", i.invoiced},
                         {"qty_refunded", i.refunded},
                         {"qty_canceled", i.canceled},
                         {"qty_shipped", i.shipped}});
    }
    Json j{{"entity_id", entity_id},
           {"increment_id", increment_id(index)},
           {"ext_order_id", amazon_ids_[index]},
           {"store_id", 1},
           {"state", o.state},
           {"status", o.status},
           {"created_at", o.created_at},
           {"updated_at", o.updated_at},
           {"items", items},
           {"status_histories", o.histories}};
    if (!o.hold_before_state.empty()) {
        j["hold_before_state"] = o.hold_before_state;
    }
    return j;
}

std::optional<Json> Commerce::find(std::string_view field, std::string_view value) {
    std::lock_guard lock(mutex_);
    ensure_links();
    std::optional<std::uint32_t> index;
    if (field == "ext_order_id" || (field == "increment_id" && options_.amazon_increment_ids)) {
        if (const auto it = by_amazon_.find(std::string(value)); it != by_amazon_.end()) {
            index = it->second;
        }
    } else if (field == "increment_id") {
        std::uint64_t n = 0;
        const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
        if (ec == std::errc{} && end == value.data() + value.size() && n > 100000) {
            const auto candidate = index_of_entity(static_cast<std::int64_t>(n - 100000));
            if (candidate && increment_id(*candidate) == value) {
                index = candidate;
            }
        }
    } else if (field == "entity_id") {
        std::int64_t n = 0;
        const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
        if (ec == std::errc{} && end == value.data() + value.size()) {
            index = index_of_entity(n);
        }
    }
    if (!index) {
        return std::nullopt;
    }
    return order_json(*index);
}

std::optional<Json> Commerce::get(std::int64_t entity_id) {
    std::lock_guard lock(mutex_);
    ensure_links();
    const auto index = index_of_entity(entity_id);
    if (!index) {
        return std::nullopt;
    }
    return order_json(*index);
}

std::optional<Json> Commerce::linked_to(std::string_view amazon_order_id) {
    std::lock_guard lock(mutex_);
    ensure_links();
    const auto it = by_amazon_.find(std::string(amazon_order_id));
    if (it == by_amazon_.end()) {
        return std::nullopt;
    }
    Json j = order_json(it->second);
    const auto c = changed_.find(it->second);
    j["credit_memos"] = c != changed_.end() ? c->second.credit_memos : generated(it->second).credit_memos;
    j["shipments"] = c != changed_.end() ? c->second.shipments : Json::array();
    return j;
}

std::optional<MagentoError> Commerce::add_comment(std::int64_t entity_id, const std::string& comment,
                                                  const std::string& status, bool customer_notified,
                                                  bool visible_on_front) {
    std::lock_guard lock(mutex_);
    ensure_links();
    const auto index = index_of_entity(entity_id);
    if (!index) {
        return MagentoError{
            404, "The entity that was requested doesn't exist. Verify the entity and try again.", Json()};
    }
    Order& o = changed(*index);
    // Magento 2.4.7+ refuses a status that is not assigned to the order's current state
    // (app/code/Magento/Sales/Model/Service/OrderService.php addComment; commit 632f253,
    // magento/magento2#38659).
    if (!status.empty() && !statuses_of(o.state).contains(status)) {
        return MagentoError{
            400, "Unable to add comment: The status \"%1\" is not part of the order status history.",
            Json::array({status})};
    }
    // Order::addStatusHistory sets the order's status to the entry's: an entry without a status
    // blanks it (app/code/Magento/Sales/Model/Order.php; magento/magento2#34180).
    o.status = status;
    const std::string now = magento_now();
    o.updated_at = now;
    o.histories.insert(o.histories.begin(), Json{{"comment", comment},
                                                 {"created_at", now},
                                                 {"entity_id", next_history_id_++},
                                                 {"entity_name", "order"},
                                                 {"is_customer_notified", customer_notified ? 1 : 0},
                                                 {"is_visible_on_front", visible_on_front ? 1 : 0},
                                                 {"parent_id", entity_id},
                                                 {"status", status}});
    return std::nullopt;
}

std::variant<bool, MagentoError> Commerce::cancel(std::int64_t entity_id) {
    std::lock_guard lock(mutex_);
    ensure_links();
    const auto index = index_of_entity(entity_id);
    if (!index) {
        return MagentoError{
            404, "The entity that was requested doesn't exist. Verify the entity and try again.", Json()};
    }
    Order& o = changed(*index);
    // Order::canCancel (app/code/Magento/Sales/Model/Order.php): not on hold, not in payment review,
    // not canceled, complete or closed, and some item still has a quantity to invoice. When it says
    // no, OrderService::cancel returns false, answered with HTTP 200
    // (app/code/Magento/Sales/Model/Service/OrderService.php).
    const bool something_to_invoice = std::any_of(o.items.begin(), o.items.end(), [](const Item& i) {
        return more_than(i.ordered - i.invoiced - i.canceled, 0);
    });
    if (o.state == "holded" || o.state == "payment_review" || o.state == "canceled" ||
        o.state == "complete" || o.state == "closed" || !something_to_invoice) {
        return false;
    }
    // Order::registerCancellation: every item cancels what is not invoiced; the order stays
    // processing while something invoiced is still refundable, else it is canceled.
    bool refundable = false;
    for (Item& i : o.items) {
        i.canceled += std::max(0.0, i.ordered - i.invoiced - i.canceled);
        refundable = refundable || more_than(i.invoiced - i.refunded, 0);
    }
    o.state = refundable ? "processing" : "canceled";
    o.status = default_status(o.state);
    o.updated_at = magento_now();
    return true;
}

std::variant<std::int64_t, MagentoError> Commerce::refund(std::int64_t entity_id,
                                                          const std::vector<RefundLine>& lines,
                                                          const std::vector<std::int64_t>& return_to_stock) {
    std::lock_guard lock(mutex_);
    ensure_links();
    const auto index = index_of_entity(entity_id);
    if (!index) {
        return MagentoError{
            404, "The entity that was requested doesn't exist. Verify the entity and try again.", Json()};
    }
    Order& o = changed(*index);
    std::vector<std::string> errors;
    // Validation\CanRefund (app/code/Magento/Sales/Model/Order/Validation/CanRefund.php):
    // Order::canCreditmemo is false on hold, in payment review, canceled or closed, and when nothing
    // paid (invoiced) is left to refund.
    const bool paid_left = std::any_of(o.items.begin(), o.items.end(),
                                       [](const Item& i) { return more_than(i.invoiced - i.refunded, 0); });
    if (o.state == "holded" || o.state == "payment_review" || o.state == "canceled" || o.state == "closed" ||
        !paid_left) {
        errors.emplace_back("We can't create creditmemo for the order.");
    }
    auto item_of = [&o](std::int64_t id) -> Item* {
        const auto it =
            std::find_if(o.items.begin(), o.items.end(), [id](const Item& i) { return i.item_id == id; });
        return it == o.items.end() ? nullptr : &*it;
    };
    std::vector<std::pair<Item*, double>> plan;
    if (lines.empty()) {
        // CreditmemoDocumentFactory::createFromOrder with no items: every refundable quantity.
        for (Item& i : o.items) {
            if (more_than(i.invoiced - i.refunded, 0)) {
                plan.emplace_back(&i, i.invoiced - i.refunded);
            }
        }
    }
    for (const RefundLine& l : lines) {
        Item* item = item_of(l.order_item_id);
        // Creditmemo\Item\Validation\CreationQuantityValidator
        // (app/code/Magento/Sales/Model/Order/Creditmemo/Item/Validation/CreationQuantityValidator.php).
        if (item == nullptr) {
            errors.emplace_back(
                "The creditmemo contains product item that is not part of the original order.");
            continue;
        }
        if (more_than(l.qty, item->invoiced - item->refunded) || l.qty < 0) {
            errors.emplace_back("The quantity to refund must not be greater than the unrefunded quantity.");
            continue;
        }
        plan.emplace_back(item, l.qty);
    }
    // Magento_SalesInventory's ReturnValidator
    // (app/code/Magento/SalesInventory/Model/Order/ReturnValidator.php).
    for (const std::int64_t id : return_to_stock) {
        if (item_of(id) == nullptr) {
            errors.emplace_back(
                "The return to stock argument contains product item that is not part of the original "
                "order.");
            break;
        }
    }
    double total = 0;
    for (const auto& [item, qty] : plan) {
        total += qty;
    }
    if (errors.empty() && !more_than(total, 0)) {
        // asc-sim's own guard against a credit memo of nothing; the wording of Magento's answer to
        // it was not verified against its source.
        errors.emplace_back("You can't create a creditmemo without products.");
    }
    if (!errors.empty()) {
        return creditmemo_errors(errors);
    }
    Json items = Json::array();
    for (const auto& [item, qty] : plan) {
        item->refunded += qty;
        items.push_back({{"order_item_id", item->item_id}, {"qty", qty}});
    }
    // OrderStateResolver: closed once nothing is left to invoice or refund; the status stays when it
    // belongs to the new state, else the state's default (app/code/Magento/Sales/Model/RefundOrder.php).
    const bool open = std::any_of(o.items.begin(), o.items.end(), [](const Item& i) {
        return more_than(i.ordered - i.invoiced - i.canceled, 0) || more_than(i.invoiced - i.refunded, 0);
    });
    if (!open) {
        o.state = "closed";
    }
    if (!statuses_of(o.state).contains(o.status)) {
        o.status = default_status(o.state);
    }
    const std::int64_t id = next_creditmemo_id_++;
    o.updated_at = magento_now();
    Json back = Json::array();
    for (const std::int64_t r : return_to_stock) {
        back.push_back(r);
    }
    o.credit_memos.push_back({{"entity_id", id},
                              {"order_id", entity_id},
                              {"items", items},
                              {"return_to_stock_items", back},
                              {"created_at", o.updated_at}});
    return id;
}

Json Commerce::creditmemos_of(std::int64_t entity_id) {
    std::lock_guard lock(mutex_);
    ensure_links();
    const auto index = index_of_entity(entity_id);
    if (!index) {
        return Json::array();
    }
    const auto c = changed_.find(*index);
    return c != changed_.end() ? c->second.credit_memos : generated(*index).credit_memos;
}

Json Commerce::links(std::size_t limit) {
    std::lock_guard lock(mutex_);
    ensure_links();
    Json out = Json::array();
    for (std::uint32_t i = 0; i < amazon_ids_.size() && out.size() < limit; ++i) {
        const auto c = changed_.find(i);
        const Order o = c != changed_.end() ? c->second : generated(i);
        out.push_back(Json{{"amazon_order_id", amazon_ids_[i]},
                           {"entity_id", static_cast<std::int64_t>(i) + 1},
                           {"increment_id", increment_id(i)},
                           {"state", o.state},
                           {"status", o.status},
                           {"comments", o.histories.size()},
                           {"credit_memos", o.credit_memos.size()}});
    }
    return out;
}

} // namespace sim
