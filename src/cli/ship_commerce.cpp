#include "ship_commerce.hpp"

#include "asc/base/strings.hpp"
#include "asc/base/time.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <map>
#include <unordered_map>

namespace asc::cli {

namespace {

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

struct Step {
    ShipCommerceState state = ShipCommerceState::Failed; // Sending: the outcome is unknown
    std::string shipment_id;
    std::string message;
};

Step ship_one(CommerceClient& client, Store& store, OrdersClient& orders, const ShipEntry& e, Timestamp now,
              bool notify) {
    const auto linked = client.find_linked_order(e.order_id);
    if (!linked) {
        return {ShipCommerceState::NoLink, "", "no Magento order is linked to it"};
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

ShipCommerceOutcome run_ship_commerce(Context& ctx, ShipCommerce& commerce, std::vector<ShipRow>& rows) {
    ShipCommerceOutcome outcome;
    if (!commerce.link) {
        return outcome;
    }
    Store& store = ctx.store();
    std::map<ShipCommerceState, std::size_t> counts;
    // The rows of each package (order id and tracking number), to add what happened to.
    std::unordered_multimap<std::string, std::size_t> row_of_package;
    for (std::size_t i = 0; i < rows.size(); ++i) {
        row_of_package.emplace(rows[i].order_id + '\n' + rows[i].tracking_number, i);
    }
    // The owed rows a page at a time (this run's and earlier runs'), never the journal's history.
    constexpr std::size_t k_page = 256;
    std::int64_t after = 0;
    bool stop = false;
    while (!stop) {
        const std::vector<ShipEntry> page = store.ship_journal_commerce_owed(after, k_page);
        if (page.empty()) {
            break;
        }
        after = page.back().id;
        stop = page.size() < k_page;
        for (const ShipEntry& e : page) {
            Step step;
            try {
                step = ship_one(commerce.link->client(), store, ctx.orders(), e, now_seconds(),
                                ctx.settings().commerce->notify_shipment);
            } catch (const Error& err) {
                outcome.error = err;
                stop = true;
                break; // the link is down or refused: the rest stay pending for the next run
            }
            if (step.state != ShipCommerceState::Sending) {
                store.ship_journal_update(std::vector<ShipChange>{{.id = e.id,
                                                                   .commerce_state = step.state,
                                                                   .commerce_shipment_id = step.shipment_id}},
                                          now_seconds());
            } else {
                outcome.error = Error(ErrorKind::Temporary, step.message,
                                      "run the same `asc order ship` again: it reads the Magento shipments first");
            }
            ++counts[step.state];
            const std::string what = step.state == ShipCommerceState::Done
                                         ? "Magento shipment " + step.shipment_id
                                         : "Magento: " + std::string(to_string(step.state)) +
                                               (step.message.empty() ? "" : " (" + step.message + ")");
            const auto [first, last] = row_of_package.equal_range(e.order_id + '\n' + e.tracking_number);
            for (auto it = first; it != last; ++it) {
                ShipRow& r = rows[it->second];
                r.message = r.message.empty() ? what : r.message + "; " + what;
            }
        }
    }
    if (counts[ShipCommerceState::Failed] > 0 && !outcome.error) {
        outcome.error = Error(ErrorKind::Partial, fmt::format("{} could not be created", count_noun(static_cast<long long>(counts[ShipCommerceState::Failed]), "Magento shipment")),
                              "`asc shipments list` says why; ship those in Magento");
    }
    std::vector<std::string> parts;
    if (counts[ShipCommerceState::Done] > 0) {
        parts.push_back(fmt::format("{} created", count_noun(static_cast<long long>(counts[ShipCommerceState::Done]), "Magento shipment")));
    }
    if (counts[ShipCommerceState::NoLink] > 0) {
        parts.push_back(fmt::format("{} without a linked Magento order", counts[ShipCommerceState::NoLink]));
    }
    if (counts[ShipCommerceState::Failed] > 0) {
        parts.push_back(fmt::format("{} failed", counts[ShipCommerceState::Failed]));
    }
    outcome.summary = fmt::format("{}", fmt::join(parts, ", "));
    return outcome;
}

} // namespace asc::cli
