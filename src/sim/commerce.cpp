#include "commerce.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <fmt/format.h>

namespace sim {

namespace {

struct KnownStatus {
    std::string_view status;
    std::string_view state; // "" keeps the order's state
};
// Magento's default order statuses.
constexpr std::array<KnownStatus, 9> k_statuses{{{"pending", ""},
                                                 {"pending_payment", ""},
                                                 {"processing", ""},
                                                 {"holded", ""},
                                                 {"payment_review", ""},
                                                 {"fraud", ""},
                                                 {"complete", "complete"},
                                                 {"canceled", "canceled"},
                                                 {"closed", "closed"}}};

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

} // namespace

Commerce::Commerce(const Store& store, double link_ratio, std::string token, bool amazon_increment_ids)
    : store_(store), link_ratio_(link_ratio), token_(std::move(token)), amazon_increment_ids_(amazon_increment_ids) {}

bool Commerce::authorized(std::string_view authorization) const {
    constexpr std::string_view k_bearer = "Bearer ";
    return authorization.size() > k_bearer.size() && authorization.substr(0, k_bearer.size()) == k_bearer &&
           authorization.substr(k_bearer.size()) == token_;
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
        const auto before = std::floor(static_cast<double>(i) * link_ratio_);
        const auto after = std::floor(static_cast<double>(i + 1) * link_ratio_);
        if (after > before) {
            by_amazon_.emplace(merchant[i], static_cast<std::uint32_t>(amazon_ids_.size()));
            amazon_ids_.push_back(merchant[i]);
        }
    }
}

std::string Commerce::increment_id(std::uint32_t index) const {
    return amazon_increment_ids_ ? amazon_ids_[index] : fmt::format("{:09}", 100000 + index + 1);
}

std::optional<std::uint32_t> Commerce::index_of_entity(std::int64_t entity_id) const {
    if (entity_id < 1 || static_cast<std::uint64_t>(entity_id) > amazon_ids_.size()) {
        return std::nullopt;
    }
    return static_cast<std::uint32_t>(entity_id - 1);
}

Json Commerce::order_json(std::uint32_t index) const {
    const std::string& amazon_id = amazon_ids_[index];
    std::string created;
    if (const auto order = store_.get(amazon_id, 0); order && order->contains("createdTime")) {
        created = magento_time((*order)["createdTime"].get<std::string>());
    }
    const std::int64_t entity_id = static_cast<std::int64_t>(index) + 1;
    Json j{{"entity_id", entity_id},
           {"increment_id", increment_id(index)},
           {"ext_order_id", amazon_id},
           {"store_id", 1},
           {"state", "processing"},
           {"status", "processing"},
           {"created_at", created},
           {"updated_at", created},
           {"status_histories", Json::array()}};
    if (const auto it = changed_.find(index); it != changed_.end()) {
        j["state"] = it->second.state;
        j["status"] = it->second.status;
        j["updated_at"] = it->second.updated_at;
        j["status_histories"] = it->second.histories;
    }
    return j;
}

std::optional<Json> Commerce::find(std::string_view field, std::string_view value) {
    std::lock_guard lock(mutex_);
    ensure_links();
    std::optional<std::uint32_t> index;
    if (field == "ext_order_id") {
        if (const auto it = by_amazon_.find(std::string(value)); it != by_amazon_.end()) {
            index = it->second;
        }
    } else if (field == "increment_id") {
        if (amazon_increment_ids_) {
            if (const auto it = by_amazon_.find(std::string(value)); it != by_amazon_.end()) {
                index = it->second;
            }
        } else {
            std::uint64_t n = 0;
            const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
            if (ec == std::errc{} && end == value.data() + value.size() && n > 100000) {
                const auto candidate = index_of_entity(static_cast<std::int64_t>(n - 100000));
                if (candidate && increment_id(*candidate) == value) {
                    index = candidate;
                }
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
    return find("ext_order_id", amazon_order_id);
}

Commerce::CommentResult Commerce::add_comment(std::int64_t entity_id, const std::string& comment,
                                              const std::string& status, bool customer_notified,
                                              bool visible_on_front) {
    const KnownStatus* known = nullptr;
    if (!status.empty()) {
        const auto it = std::find_if(k_statuses.begin(), k_statuses.end(),
                                     [&](const KnownStatus& s) { return s.status == status; });
        if (it == k_statuses.end()) {
            return CommentResult::unknown_status;
        }
        known = &*it;
    }
    std::lock_guard lock(mutex_);
    ensure_links();
    const auto index = index_of_entity(entity_id);
    if (!index) {
        return CommentResult::not_found;
    }
    auto [it, fresh] = changed_.try_emplace(*index);
    Changed& c = it->second;
    if (fresh) {
        c.state = "processing";
        c.status = "processing";
    }
    const std::string now = magento_now();
    if (known != nullptr) {
        c.status = std::string(known->status);
        if (!known->state.empty()) {
            c.state = std::string(known->state);
        }
    }
    c.updated_at = now;
    c.histories.insert(c.histories.begin(), Json{{"comment", comment},
                                                 {"created_at", now},
                                                 {"entity_id", next_history_id_++},
                                                 {"entity_name", "order"},
                                                 {"is_customer_notified", customer_notified ? 1 : 0},
                                                 {"is_visible_on_front", visible_on_front ? 1 : 0},
                                                 {"parent_id", entity_id},
                                                 {"status", c.status}});
    return CommentResult::ok;
}

Json Commerce::links(std::size_t limit) {
    std::lock_guard lock(mutex_);
    ensure_links();
    Json out = Json::array();
    for (std::uint32_t i = 0; i < amazon_ids_.size() && out.size() < limit; ++i) {
        const auto changed = changed_.find(i);
        out.push_back(Json{{"amazon_order_id", amazon_ids_[i]},
                           {"entity_id", static_cast<std::int64_t>(i) + 1},
                           {"increment_id", increment_id(i)},
                           {"status", changed == changed_.end() ? "processing" : changed->second.status},
                           {"comments", changed == changed_.end() ? 0 : changed->second.histories.size()}});
    }
    return out;
}

} // namespace sim
