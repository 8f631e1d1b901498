#include "store.hpp"

#include "catalog.hpp"
#include "json_writer.hpp"

#include <algorithm>
#include <array>
#include <stdexcept>

namespace sim {

namespace {

struct IncludedName {
    std::string_view name;
    std::uint32_t bit;
};
constexpr std::array<IncludedName, 11> k_included{{{"BUYER", k_buyer},
                                                   {"RECIPIENT", k_recipient},
                                                   {"PROCEEDS", k_proceeds},
                                                   {"EXPENSE", k_expense},
                                                   {"PROMOTION", k_promotion},
                                                   {"CANCELLATION", k_cancellation},
                                                   {"FULFILLMENT", k_fulfillment},
                                                   {"PACKAGES", k_packages},
                                                   {"TAX", k_tax},
                                                   {"PAYMENT", k_payment},
                                                   {"FULFILLMENT_ORDERS", k_fulfillment_orders}}};

struct Block {
    std::string_view key;
    std::uint32_t bit;
};

// Order-level blocks that only come with an includedData value.
constexpr std::array<Block, 8> k_order_blocks{{{"buyer", k_buyer},
                                               {"recipient", k_recipient},
                                               {"proceeds", k_proceeds},
                                               {"payment", k_payment},
                                               {"tax", k_tax},
                                               {"fulfillment", k_fulfillment},
                                               {"packages", k_packages},
                                               {"fulfillmentOrders", k_fulfillment_orders}}};
// Item-level blocks likewise.
constexpr std::array<Block, 6> k_item_blocks{{{"proceeds", k_proceeds},
                                              {"expense", k_expense},
                                              {"promotion", k_promotion},
                                              {"cancellation", k_cancellation},
                                              {"fulfillment", k_fulfillment},
                                              {"tax", k_tax}}};

std::uint64_t cache_key(std::int64_t generated, std::uint32_t mask) {
    return (static_cast<std::uint64_t>(generated) << 16) | mask;
}

bool key_less(Millis t1, std::string_view id1, Millis t2, std::string_view id2) {
    return t1 != t2 ? t1 < t2 : id1 < id2;
}

std::string string_at(const Json& j, const char* key) {
    const auto it = j.find(key);
    return it != j.end() && it->is_string() ? it->get<std::string>() : std::string{};
}

} // namespace

std::optional<std::uint32_t> parse_included(std::string_view csv, std::string& bad) {
    std::uint32_t mask = 0;
    for (const auto& part : split(csv, ',')) {
        const auto it = std::find_if(k_included.begin(), k_included.end(),
                                     [&](const IncludedName& n) { return n.name == part; });
        if (it == k_included.end()) {
            bad = part;
            return std::nullopt;
        }
        mask |= it->bit;
    }
    return mask;
}

Json project(Json&& full, std::uint32_t mask) {
    if (!full.is_object()) {
        return std::move(full);
    }
    for (const auto& block : k_order_blocks) {
        if ((mask & block.bit) == 0) {
            full.erase(std::string{block.key});
        }
    }
    if (const auto items = full.find("orderItems"); items != full.end() && items->is_array()) {
        for (auto& item : *items) {
            if (!item.is_object()) {
                continue;
            }
            for (const auto& block : k_item_blocks) {
                if ((mask & block.bit) == 0) {
                    item.erase(std::string{block.key});
                }
            }
        }
    }
    return std::move(full);
}

Json project(const Json& full, std::uint32_t mask) {
    return project(Json(full), mask);
}

Store::Store(std::uint64_t seed, Millis start, std::size_t cache_bytes)
    : gen_(seed, start), cache_limit_(cache_bytes) {
    for (const auto& mp : marketplaces()) {
        marketplace_ids_.emplace_back(mp.id);
    }
}

void Store::generate(std::uint32_t count) {
    std::lock_guard lock(mutex_);
    records_.reserve(records_.size() + count);
    by_id_.reserve(records_.size() + count);
    for (std::uint32_t i = 0; i < count; ++i) {
        Skeleton sk = gen_.skeleton(i);
        Record r;
        r.id = std::move(sk.order_id);
        r.created = sk.created;
        r.updated = sk.updated;
        r.status = sk.status;
        r.merchant = sk.merchant;
        r.marketplace = sk.marketplace;
        r.generated = i;
        // Ids are unique by construction (a bijection of the index), so no collision check.
        by_id_.emplace(r.id, static_cast<std::uint32_t>(records_.size()));
        records_.push_back(std::move(r));
    }
}

std::uint16_t Store::intern_marketplace(const std::string& id) {
    const auto it = std::find(marketplace_ids_.begin(), marketplace_ids_.end(), id);
    if (it != marketplace_ids_.end()) {
        return static_cast<std::uint16_t>(it - marketplace_ids_.begin());
    }
    marketplace_ids_.push_back(id);
    return static_cast<std::uint16_t>(marketplace_ids_.size() - 1);
}

void Store::derive(const Json& order, Record& rec) {
    if (!order.is_object()) {
        throw std::runtime_error("an order is not a JSON object");
    }
    rec.id = string_at(order, "orderId");
    if (rec.id.empty()) {
        throw std::runtime_error("an order has no orderId");
    }
    const auto created = parse_iso8601(string_at(order, "createdTime"));
    if (!created) {
        throw std::runtime_error("order " + rec.id + ": createdTime is missing or not ISO 8601 with Z");
    }
    rec.created = *created;
    const auto updated_text = string_at(order, "lastUpdatedTime");
    const auto updated = updated_text.empty() ? created : parse_iso8601(updated_text);
    if (!updated) {
        throw std::runtime_error("order " + rec.id + ": lastUpdatedTime is not ISO 8601 with Z");
    }
    rec.updated = *updated;
    rec.status = FStatus::Pending;
    rec.merchant = true;
    if (const auto f = order.find("fulfillment"); f != order.end() && f->is_object()) {
        if (const auto code = string_at(*f, "fulfillmentStatus"); !code.empty()) {
            const auto s = parse_status_code(code);
            if (!s) {
                throw std::runtime_error("order " + rec.id + ": unknown fulfillmentStatus " + code);
            }
            rec.status = *s;
        }
        rec.merchant = string_at(*f, "fulfilledBy") != "AMAZON";
    }
    std::string mp;
    if (const auto c = order.find("salesChannel"); c != order.end() && c->is_object()) {
        mp = string_at(*c, "marketplaceId");
    }
    rec.marketplace = intern_marketplace(mp);
}

std::size_t Store::load_fixture(const Json& doc) {
    if (!doc.is_object() || !doc.contains("orders") || !doc["orders"].is_array()) {
        throw std::runtime_error(R"(not in the searchOrders response shape {"orders":[...]})");
    }
    const Json& orders = doc["orders"];
    std::lock_guard lock(mutex_);
    ++generation_;
    for (std::size_t i = 0; i < orders.size(); ++i) {
        const Json& order = orders[i];
        Record r;
        derive(order, r);
        r.doc = std::make_unique<Json>(order);
        if (const auto it = by_id_.find(r.id); it != by_id_.end()) {
            records_[it->second] = std::move(r);
        } else {
            by_id_.emplace(r.id, static_cast<std::uint32_t>(records_.size()));
            records_.push_back(std::move(r));
        }
    }
    return orders.size();
}

void Store::build_indexes() {
    std::lock_guard lock(mutex_);
    by_created_.resize(records_.size());
    for (std::uint32_t i = 0; i < by_created_.size(); ++i) {
        by_created_[i] = i;
    }
    by_updated_ = by_created_;
    std::sort(by_created_.begin(), by_created_.end(), [this](std::uint32_t a, std::uint32_t b) {
        return key_less(records_[a].created, records_[a].id, records_[b].created, records_[b].id);
    });
    std::sort(by_updated_.begin(), by_updated_.end(), [this](std::uint32_t a, std::uint32_t b) {
        return key_less(records_[a].updated, records_[a].id, records_[b].updated, records_[b].id);
    });
}

std::size_t Store::size() const {
    std::lock_guard lock(mutex_);
    return records_.size();
}

bool Store::matches(const Record& r, const OrderQuery& q, const std::vector<std::uint16_t>& mps) const {
    if (q.statuses != 0 && (q.statuses & status_bit(r.status)) == 0) {
        return false;
    }
    if (q.fulfilled_by != 0 && (q.fulfilled_by & (r.merchant ? k_by_merchant : k_by_amazon)) == 0) {
        return false;
    }
    return q.marketplaces.empty() || std::find(mps.begin(), mps.end(), r.marketplace) != mps.end();
}

template <typename Visit> void Store::scan(const OrderQuery& q, Visit&& visit) const {
    std::vector<std::uint16_t> mps;
    for (const auto& m : q.marketplaces) {
        const auto it = std::find(marketplace_ids_.begin(), marketplace_ids_.end(), m);
        if (it != marketplace_ids_.end()) {
            mps.push_back(static_cast<std::uint16_t>(it - marketplace_ids_.begin()));
        }
    }
    if (!q.marketplaces.empty() && mps.empty()) {
        return;
    }
    const auto& index = q.by_updated ? by_updated_ : by_created_;
    auto time_of = [&](std::uint32_t i) { return q.by_updated ? records_[i].updated : records_[i].created; };
    auto it = index.begin();
    if (q.start_after) {
        const Millis t = q.start_after->first;
        const std::string& id = q.start_after->second;
        it = std::upper_bound(index.begin(), index.end(), 0u, [&](std::uint32_t, std::uint32_t i) {
            return key_less(t, id, time_of(i), records_[i].id);
        });
    } else if (q.after) {
        it = std::lower_bound(index.begin(), index.end(), *q.after,
                              [&](std::uint32_t i, Millis t) { return time_of(i) < t; });
    }
    for (; it != index.end(); ++it) {
        const Millis t = time_of(*it);
        if (q.before && t > *q.before) {
            break;
        }
        if ((q.after && t < *q.after) || !matches(records_[*it], q, mps)) {
            continue;
        }
        if (!visit(*it)) {
            break;
        }
    }
}

Json Store::full(const Record& r) const {
    return r.doc ? *r.doc : gen_.order(static_cast<std::uint32_t>(r.generated));
}

Page Store::search(const OrderQuery& q, std::uint32_t mask) const {
    Page page;
    std::vector<Json> changed;         // projected docs of loaded or edited orders
    std::vector<std::int64_t> pending; // per slot: generator index to build, -1 done, -2 from `changed`
    {
        std::lock_guard lock(mutex_);
        scan(q, [&](std::uint32_t i) {
            if (page.orders.size() == q.limit) {
                page.more = true;
                return false;
            }
            const Record& r = records_[i];
            page.last_time = q.by_updated ? r.updated : r.created;
            page.last_id = r.id;
            if (r.doc) {
                changed.push_back(project(*r.doc, mask));
                page.orders.emplace_back();
                pending.push_back(-2);
            } else if (const auto hit = text_cache_.find(cache_key(r.generated, mask));
                       hit != text_cache_.end()) {
                page.orders.push_back(hit->second);
                pending.push_back(-1);
            } else {
                page.orders.emplace_back();
                pending.push_back(r.generated);
            }
            return true;
        });
    }
    // Building and writing JSON happens outside the lock: unchanged generated orders are
    // immutable, and the projected docs are copies.
    std::size_t next_changed = 0;
    std::vector<std::size_t> fresh;
    for (std::size_t i = 0; i < pending.size(); ++i) {
        if (pending[i] == -2) {
            page.orders[i] = std::make_shared<const std::string>(to_json_text(changed[next_changed++]));
        } else if (pending[i] >= 0) {
            page.orders[i] = std::make_shared<const std::string>(
                to_json_text(project(gen_.order(static_cast<std::uint32_t>(pending[i])), mask)));
            fresh.push_back(i);
        }
    }
    if (!fresh.empty()) {
        std::lock_guard lock(mutex_);
        for (const std::size_t i : fresh) {
            if (cache_bytes_ + page.orders[i]->size() > cache_limit_) {
                break;
            }
            if (text_cache_.emplace(cache_key(pending[i], mask), page.orders[i]).second) {
                cache_bytes_ += page.orders[i]->size();
            }
        }
    }
    return page;
}

std::vector<std::string> Store::ids(const OrderQuery& q) const {
    std::vector<std::string> out;
    std::lock_guard lock(mutex_);
    scan(q, [&](std::uint32_t i) {
        out.push_back(records_[i].id);
        return out.size() < q.limit;
    });
    return out;
}

std::optional<Json> Store::get(std::string_view id, std::uint32_t mask) const {
    std::int64_t generated = -1;
    {
        std::lock_guard lock(mutex_);
        const auto it = by_id_.find(std::string{id});
        if (it == by_id_.end()) {
            return std::nullopt;
        }
        const Record& r = records_[it->second];
        if (r.doc) {
            return project(*r.doc, mask);
        }
        generated = r.generated;
    }
    return project(gen_.order(static_cast<std::uint32_t>(generated)), mask);
}

std::optional<Json> Store::true_state(std::string_view id) const {
    std::lock_guard lock(mutex_);
    const auto it = by_id_.find(std::string{id});
    if (it == by_id_.end()) {
        return std::nullopt;
    }
    const Record& r = records_[it->second];
    Json out{{"order", full(r)}, {"cancellations", r.notes ? r.notes->cancellations : 0}};
    out["cancellation_log"] = r.notes ? r.notes->log : Json::array();
    out["feeds"] = r.notes ? Json(r.notes->feeds) : Json::array();
    return out;
}

bool Store::note_feed(std::string_view id, const std::string& feed_id) {
    std::lock_guard lock(mutex_);
    const auto it = by_id_.find(std::string{id});
    if (it == by_id_.end()) {
        return false;
    }
    Record& r = records_[it->second];
    if (!r.notes) {
        r.notes = std::make_unique<Notes>();
    }
    r.notes->feeds.push_back(feed_id);
    return true;
}

bool Store::edit(std::string_view id, const Edit& edit, std::optional<Millis> at) {
    std::lock_guard lock(mutex_);
    const auto found = by_id_.find(std::string{id});
    if (found == by_id_.end()) {
        return false;
    }
    const std::uint32_t index = found->second;
    Record& r = records_[index];
    Json doc = full(r);
    Notes notes = r.notes ? *r.notes : Notes{};
    if (!edit(doc, notes)) {
        return true;
    }
    const Millis bumped = std::max(at.value_or(now_millis()) / 1000 * 1000, r.updated + 1000);
    doc["lastUpdatedTime"] = iso8601(bumped);

    Record updated;
    derive(doc, updated); // before touching the index: it throws if the edit broke the order

    // Take the order out of the lastUpdatedTime index under its old key, then put it back.
    const auto old_pos =
        std::lower_bound(by_updated_.begin(), by_updated_.end(), index, [&](std::uint32_t i, std::uint32_t) {
            return key_less(records_[i].updated, records_[i].id, r.updated, r.id);
        });
    if (old_pos != by_updated_.end() && *old_pos == index) {
        by_updated_.erase(old_pos);
    } else {
        by_updated_.erase(std::remove(by_updated_.begin(), by_updated_.end(), index), by_updated_.end());
    }
    r.updated = updated.updated;
    r.status = updated.status;
    r.merchant = updated.merchant;
    r.marketplace = updated.marketplace;
    r.doc = std::make_unique<Json>(std::move(doc));
    r.notes = std::make_unique<Notes>(std::move(notes));
    const auto new_pos =
        std::upper_bound(by_updated_.begin(), by_updated_.end(), index, [&](std::uint32_t, std::uint32_t i) {
            return key_less(r.updated, r.id, records_[i].updated, records_[i].id);
        });
    by_updated_.insert(new_pos, index);
    ++generation_;
    return true;
}

} // namespace sim
