#include "ship_commerce.hpp"

#include "asc/base/strings.hpp"
#include "asc/base/time.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <map>
#include <set>
#include <unordered_map>

namespace asc::cli {

namespace {

constexpr const char* k_no_link = "no Magento order is linked to it";

// Magento's carrier code for a track (the carriers Magento ships with; anything else is custom).
std::string magento_carrier(const std::string& amazon_code) {
    if (amazon_code == "UPS" || amazon_code == "UPSMI") {
        return "ups";
    }
    if (amazon_code == "USPS") {
        return "usps";
    }
    if (amazon_code.starts_with("FedEx") || amazon_code == "FEDEX_JP") {
        return "fedex";
    }
    if (amazon_code.starts_with("DHL")) {
        return "dhl";
    }
    return "custom";
}

// The Magento lines of a package: each Amazon item's SKU matched to a top-level Magento item of the
// same SKU. nullopt when an item has no match.
std::optional<std::vector<CommerceShipLine>> magento_lines(const ShipEntry& e, const std::optional<Order>& amazon,
                                                           const CommerceOrder& magento) {
    std::vector<CommerceShipLine> out;
    for (const ShipItem& item : e.items) {
        std::string sku;
        if (amazon) {
            for (const OrderItem& ai : amazon->items) {
                sku = ai.order_item_id == item.order_item_id ? ai.sku : sku;
            }
        }
        const auto it = std::find_if(magento.items.begin(), magento.items.end(), [&](const CommerceItem& mi) {
            return mi.parent_item_id == 0 && !sku.empty() && mi.sku == sku;
        });
        if (it == magento.items.end()) {
            return std::nullopt;
        }
        out.push_back({it->item_id, item.quantity * k_commerce_qty_one});
    }
    return out;
}

ShipCommerceStep ship_one(CommerceClient& client, Store& store, OrdersClient& orders, const ShipEntry& e, Timestamp now,
              bool notify) {
    const auto linked = client.find_linked_order(e.order_id);
    if (!linked) {
        return {ShipCommerceState::NoLink, "", k_no_link};
    }
    if (e.commerce_state == ShipCommerceState::Sending) {
        for (const auto& t : client.find_shipment_tracks(linked->entity_id)) {
            if (t.track_number == e.tracking_number) {
                return {ShipCommerceState::Done, std::to_string(t.shipment_id), "Magento shipment found (its answer was lost)"};
            }
        }
    }
    const CommerceOrder order = linked->has_items ? *linked : client.get_order(linked->entity_id);
    std::optional<Order> amazon = store.get_order(e.order_id);
    if (!amazon) { // the items' SKUs: a package confirmed by an earlier run's feed may not be stored
        amazon = orders.get(e.order_id, {Included::Fulfillment});
    }
    const auto lines = magento_lines(e, amazon, order);
    if (!lines) {
        return {ShipCommerceState::Failed, "", "an item's SKU is not on the Magento order; ship it in Magento"};
    }
    store.ship_journal_update(std::vector<ShipChange>{{.id = e.id, .commerce_state = ShipCommerceState::Sending}}, now);
    const std::string title = e.carrier_code == "Other" ? e.carrier_name : e.carrier_code;
    try {
        const auto id = client.ship_order(linked->entity_id, *lines,
                                          {e.tracking_number, title, magento_carrier(e.carrier_code)}, notify);
        return {ShipCommerceState::Done, std::to_string(id), ""};
    } catch (const CommerceOutcomeUnknown& err) {
        return {ShipCommerceState::Sending, "", err.what()};
    } catch (const Error& err) {
        if (err.kind() != ErrorKind::Usage) {
            store.ship_journal_update(std::vector<ShipChange>{{.id = e.id, .commerce_state = ShipCommerceState::Pending}}, now);
            throw;
        }
        return {ShipCommerceState::Failed, "", err.what()};
    }
}

} // namespace

ShipCommerce ship_commerce(Context& ctx, bool no_commerce) {
    ShipCommerce c;
    if (!ctx.settings().commerce) {
        return c;
    }
    if (no_commerce) {
        c.on_confirm = ShipCommerceState::Skipped;
        return c;
    }
    c.link = CommerceLink::open(ctx);
    c.on_confirm = ShipCommerceState::Pending;
    return c;
}

namespace {

std::string package_key(const std::string& order_id, const std::string& tracking) {
    return order_id + '\n' + tracking;
}

// The journal row owes the Magento step (Store::ship_journal_commerce_owed).
bool owes_step(const ShipEntry& e) {
    return e.state == ShipState::Confirmed && e.commerce_state &&
           (*e.commerce_state == ShipCommerceState::Pending || *e.commerce_state == ShipCommerceState::Sending);
}

std::string what_of(const ShipCommerceStep& step) {
    return step.state == ShipCommerceState::Done
               ? "Magento shipment " + step.shipment_id
               : "Magento: " + std::string(to_string(step.state)) + (step.message.empty() ? "" : " (" + step.message + ")");
}

} // namespace

ShipCommerceRun::ShipCommerceRun(Store& store, ShipOne ship_one) : m_store(store), m_ship_one(std::move(ship_one)) {}

bool ShipCommerceRun::stepped(std::int64_t id) const {
    return id >= 0 && static_cast<std::size_t>(id) < m_stepped.size() && m_stepped[static_cast<std::size_t>(id)];
}

std::string ShipCommerceRun::note(const ShipEntry& e) const {
    if (const auto it = m_notes.find(e.id); it != m_notes.end()) {
        return it->second;
    }
    if (e.commerce_state == ShipCommerceState::Done) {
        return what_of({ShipCommerceState::Done, e.commerce_shipment_id, ""});
    }
    return what_of({ShipCommerceState::NoLink, "", k_no_link});
}

std::optional<std::string> ShipCommerceRun::step(const ShipEntry& e) {
    if (m_stop || stepped(e.id) || e.id < 0) {
        return std::nullopt;
    }
    ShipCommerceStep step;
    try {
        step = m_ship_one(e);
    } catch (const Error& err) {
        m_error = err;
        m_stop = true; // the link is down or refused: the rest stay pending for the next run
        return std::nullopt;
    }
    if (step.state != ShipCommerceState::Sending) {
        m_store.ship_journal_update(
            std::vector<ShipChange>{{.id = e.id, .commerce_state = step.state, .commerce_shipment_id = step.shipment_id}},
            now_seconds());
    } else {
        m_error = Error(ErrorKind::Temporary, step.message,
                        "run the same `asc order ship` again: it reads the Magento shipments first");
    }
    ++m_counts[step.state];
    const auto at = static_cast<std::size_t>(e.id);
    if (at >= m_stepped.size()) {
        m_stepped.resize(std::max(at + 1, m_stepped.size() * 2));
    }
    m_stepped[at] = true;
    std::string what = what_of(step);
    if (step.state != ShipCommerceState::Done && !(step.state == ShipCommerceState::NoLink && step.message == k_no_link)) {
        m_notes[e.id] = what;
    }
    return what;
}

void ShipCommerceRun::run(std::vector<ShipRow>& part) {
    std::set<std::string> orders;
    std::unordered_multimap<std::string, std::size_t> rows_of; // package -> its rows in `part`
    for (std::size_t i = 0; i < part.size(); ++i) {
        orders.insert(part[i].order_id);
        rows_of.emplace(package_key(part[i].order_id, part[i].tracking_number), i);
    }
    // The journal rows of the part's packages, in journal order: the order a pass over the whole
    // journal would step them in and add their words to the rows.
    std::vector<ShipEntry> entries;
    for (const std::string& order_id : orders) {
        for (ShipEntry& e : m_store.ship_journal_entries({.order_id = order_id})) {
            if (rows_of.contains(package_key(e.order_id, e.tracking_number)) && (owes_step(e) || stepped(e.id))) {
                entries.push_back(std::move(e));
            }
        }
    }
    std::sort(entries.begin(), entries.end(), [](const ShipEntry& a, const ShipEntry& b) { return a.id < b.id; });
    for (const ShipEntry& e : entries) {
        std::string what;
        if (auto now = owes_step(e) ? step(e) : std::nullopt) {
            what = std::move(*now);
        } else if (stepped(e.id)) {
            what = note(e); // stepped for an earlier part (the journal row as it is now)
        } else {
            continue; // not stepped: the step stopped
        }
        const auto [first, last] = rows_of.equal_range(package_key(e.order_id, e.tracking_number));
        for (auto it = first; it != last; ++it) {
            ShipRow& r = part[it->second];
            r.message = r.message.empty() ? what : r.message + "; " + what;
        }
    }
}

void ShipCommerceRun::finish() {
    // What is still owed (earlier runs' packages not in this input), a page at a time, never the
    // journal's history.
    constexpr std::size_t k_page = 256;
    std::int64_t after = 0;
    while (!m_stop) {
        const std::vector<ShipEntry> page = m_store.ship_journal_commerce_owed(after, k_page);
        for (const ShipEntry& e : page) {
            step(e);
        }
        if (page.size() < k_page) {
            break;
        }
        after = page.back().id;
    }
}

ShipCommerceOutcome ShipCommerceRun::outcome() const {
    ShipCommerceOutcome outcome;
    outcome.error = m_error;
    const auto count = [this](ShipCommerceState state) {
        const auto it = m_counts.find(state);
        return it == m_counts.end() ? std::size_t{0} : it->second;
    };
    const std::size_t failed = count(ShipCommerceState::Failed);
    if (failed > 0 && !outcome.error) {
        outcome.error = Error(ErrorKind::Partial,
                              fmt::format("{} could not be created", count_noun(static_cast<long long>(failed), "Magento shipment")),
                              "`asc shipments list` says why; ship those in Magento");
    }
    std::vector<std::string> parts;
    if (const std::size_t done = count(ShipCommerceState::Done); done > 0) {
        parts.push_back(fmt::format("{} created", count_noun(static_cast<long long>(done), "Magento shipment")));
    }
    if (const std::size_t no_link = count(ShipCommerceState::NoLink); no_link > 0) {
        parts.push_back(fmt::format("{} without a linked Magento order", no_link));
    }
    if (failed > 0) {
        parts.push_back(fmt::format("{} failed", failed));
    }
    outcome.summary = fmt::format("{}", fmt::join(parts, ", "));
    return outcome;
}

ShipCommerceRun ship_commerce_run(Context& ctx, ShipCommerce& commerce) {
    return ShipCommerceRun(ctx.store(), [&ctx, &commerce](const ShipEntry& e) {
        return ship_one(commerce.link->client(), ctx.store(), ctx.orders(), e, now_seconds(),
                        ctx.settings().commerce->notify_shipment);
    });
}

} // namespace asc::cli
