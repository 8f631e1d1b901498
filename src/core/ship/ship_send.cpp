// The ship service's execute(): the journal before anything is sent, confirmShipment per package,
// and the result rows read back from the journal (include/asc/ship/ship.hpp, steps 4-5). The feed
// path is in ship_feed.cpp.

#include "asc/base/interrupt.hpp"
#include "asc/base/strings.hpp"
#include "asc/ship/ship.hpp"
#include "ship_internal.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <map>

namespace asc {

namespace {

// A failure that proves Amazon recorded nothing: it answered with a 4xx other than 429 (which the
// client retries) and other than 401/403 (the credentials, not the package).
bool refused_by_amazon(const Error& e) {
    const auto* api = dynamic_cast<const ApiError*>(&e);
    return api != nullptr && api->http_status() >= 400 && api->http_status() < 500 && api->http_status() != 401 &&
           api->http_status() != 403 && api->http_status() != 429;
}

bool definitely_not_sent(const Error& e) {
    const auto* api = dynamic_cast<const ApiError*>(&e);
    return api != nullptr && api->http_status() >= 400 && api->http_status() < 500;
}

bool is_journaled(const ShipPlanItem& item) {
    if (item.outcome == ShipOutcome::WouldShip) {
        return true;
    }
    return (item.outcome == ShipOutcome::Refused || item.outcome == ShipOutcome::AlreadyShipped) &&
           !item.request.tracking_number.empty();
}

} // namespace

ShipRow row_of_item(const ShipPlanItem& item) {
    ShipRow r;
    r.order_id = item.request.order_id;
    r.carrier = item.request.carrier_code == "Other" ? item.request.carrier_name : item.request.carrier_code;
    r.tracking_number = item.request.tracking_number;
    r.items = items_text(item.request.items);
    r.outcome = item.outcome;
    r.message = item.message;
    return r;
}

ShipRow dry_row(const ShipPlanItem& item, ShipVia via) {
    ShipRow r = row_of_item(item);
    r.package_ref = item.package_ref;
    if (item.outcome == ShipOutcome::WouldShip) {
        r.items = items_text(item.items);
        r.via = std::string(to_string(via));
    }
    return r;
}

ShipRow journal_result_row(const ShipEntry& e, const std::string& sending_note) {
    ShipOutcome outcome = e.state == ShipState::Confirmed        ? ShipOutcome::Confirmed
                          : e.state == ShipState::AlreadyShipped ? ShipOutcome::AlreadyShipped
                          : e.state == ShipState::Refused        ? ShipOutcome::Refused
                          : e.state == ShipState::Failed         ? ShipOutcome::Failed
                                                                 : ShipOutcome::Pending;
    std::string message = e.state == ShipState::Sending && !sending_note.empty() ? sending_note : e.result_message;
    if (e.state == ShipState::Planned) {
        outcome = ShipOutcome::Failed;
        message = "not sent (the run stopped first); run the same command again to send it";
    }
    return row_of(e, outcome, message);
}

ShipEntry journal_entry(const ShipPlanItem& item, const ShipJournaled& journaled, std::int64_t message_id) {
    const bool planned = item.outcome == ShipOutcome::WouldShip;
    ShipEntry e;
    e.id = item.journal_id;
    e.order_id = item.request.order_id;
    e.marketplace_id = item.marketplace_id;
    e.package_ref = item.package_ref.empty() ? "0" : item.package_ref;
    e.carrier_code = item.request.carrier_code;
    e.carrier_name = item.request.carrier_name;
    e.shipping_method = item.request.shipping_method;
    e.tracking_number = item.request.tracking_number;
    e.ship_date = item.request.ship_date.value_or(journaled.at);
    e.items = planned ? item.items : item.request.items;
    e.via = journaled.via;
    e.batch_id = journaled.batch_id;
    e.state = planned                                 ? ShipState::Planned
              : item.outcome == ShipOutcome::Refused ? ShipState::Refused
                                                      : ShipState::AlreadyShipped;
    e.result_message = planned ? std::string() : item.message;
    e.created_at = journaled.at;
    e.updated_at = journaled.at;
    e.run_by = journaled.run_by;
    if (message_id > 0) {
        e.message_id = message_id;
    }
    return e;
}

void emit_row(ShipRow&& row, ShipResult& result, const ShipRowSink& sink) {
    ++result.counts[static_cast<std::size_t>(row.outcome)];
    if (sink) {
        sink(std::move(row));
    } else {
        result.rows.push_back(std::move(row));
    }
}

ShipResult ShipService::execute(const ShipPlan& plan, const ShipRowSink& sink) {
    ShipResult result;
    result.recovered = plan.recovered;
    const auto emit = [&](ShipRow&& row) { emit_row(std::move(row), result, sink); };
    if (m_options.dry_run) {
        for (const ShipPlanItem& item : plan.items) {
            emit(dry_row(item, plan.via));
        }
        return result;
    }
    ShipFeedFill feed(m_options.seller_id, m_options.feed_packages);
    const ShipJournaled journaled = journal(plan, {}, feed);
    step("after-plan");
    std::string sending_note; // why rows still `sending` are: the answer that carried them was lost
    send(plan, journaled, feed, result, sending_note);
    send_feed(feed, result, sending_note); // the last feed, not full
    collect_feeds(result);
    result.feed_id = result.feed_ids.size() == 1 ? result.feed_ids.front() : std::string();
    emit_rows(plan, journaled, sending_note, emit);
    return result;
}

ShipJournaled ShipService::journal(const ShipPlan& plan, std::string batch_id, const ShipFeedFill& feed) {
    if (plan.via == ShipVia::Feed && plan.count(ShipOutcome::WouldShip) > 0 && m_options.seller_id.empty()) {
        throw Error(ErrorKind::Config, "a fulfillment feed needs the seller id (the feed's MerchantIdentifier)",
                    "set seller_id in the profile or ASC_SELLER_ID, or ship with --via api");
    }
    ShipJournaled journaled;
    journaled.at = now();
    journaled.batch_id = batch_id.empty() ? ship_batch_id(journaled.at) : std::move(batch_id);
    journaled.via = plan.via;
    journaled.run_by = m_options.run_by;
    std::vector<std::string_view> feed_orders; // the order of each package to send through a feed
    for (std::size_t i = 0; i < plan.items.size(); ++i) {
        if (is_journaled(plan.items[i])) {
            journaled.items.push_back(i);
            if (plan.via == ShipVia::Feed && plan.items[i].outcome == ShipOutcome::WouldShip) {
                feed_orders.emplace_back(plan.items[i].request.order_id);
            }
        }
    }
    lay_out_feeds(feed_orders, feed.size(), feed.max(), journaled.messages, journaled.feed_cuts);
    if (!journaled.items.empty()) {
        // One transaction, the rows made one at a time; each package to send through a feed with
        // its MessageID there (fill_feed adds them in the same order).
        std::size_t w = 0;
        journaled.ids = m_store.ship_journal_write(journaled.items.size(), [&](std::size_t k) {
            const ShipPlanItem& item = plan.items[journaled.items[k]];
            const bool in_feed = plan.via == ShipVia::Feed && item.outcome == ShipOutcome::WouldShip;
            return journal_entry(item, journaled, in_feed ? journaled.messages[w++] : 0);
        });
    }
    return journaled;
}

void ShipService::send(const ShipPlan& plan, const ShipJournaled& journaled, ShipFeedFill& feed, ShipResult& result,
                       std::string& sending_note) {
    if (plan.via == ShipVia::Api) {
        send_api(plan, journaled, result, sending_note);
    } else {
        fill_feed(plan, journaled, feed, result, sending_note);
    }
}

// One row per plan item in plan order: a journaled one as the journal now has it (read back a
// chunk of rows at a time), the others from the plan.
void ShipService::emit_rows(const ShipPlan& plan, const ShipJournaled& journaled, const std::string& sending_note,
                            const std::function<void(ShipRow&&)>& emit) {
    constexpr std::size_t k_chunk = 256;
    std::vector<ShipEntry> rows; // journaled rows first .. first + rows.size()
    std::size_t first = 0;
    std::size_t k = 0; // the next journaled item
    for (std::size_t i = 0; i < plan.items.size(); ++i) {
        if (k == journaled.items.size() || journaled.items[k] != i) {
            emit(row_of_item(plan.items[i]));
            continue;
        }
        if (k == first + rows.size()) {
            first = k;
            const std::size_t n = std::min(k_chunk, journaled.ids.size() - k);
            rows = m_store.ship_journal_rows(std::span<const std::int64_t>(journaled.ids).subspan(k, n));
        }
        emit(journal_result_row(rows[k - first], sending_note));
        ++k;
    }
}

std::vector<Order> ShipService::shipped_orders(const std::vector<const ShipEntry*>& rows) {
    std::vector<Order> out;
    std::map<std::string_view, std::size_t> at; // order id -> index in out
    for (const ShipEntry* r : rows) {
        auto it = at.find(r->order_id);
        if (it == at.end()) {
            auto stored = m_store.get_order(r->order_id);
            if (!stored) {
                continue; // the next read from Amazon brings it
            }
            it = at.emplace(r->order_id, out.size()).first;
            out.push_back(std::move(*stored));
        }
        out[it->second] = shipped_copy(std::move(out[it->second]), r->items);
    }
    return out;
}

void ShipService::send_api(const ShipPlan& plan, const ShipJournaled& journaled, ShipResult& result,
                           std::string& sending_note) {
    for (std::size_t k = 0; k < journaled.items.size(); ++k) {
        const ShipPlanItem& item = plan.items[journaled.items[k]];
        if (item.outcome != ShipOutcome::WouldShip) {
            continue;
        }
        if (interrupted()) {
            throw Error(ErrorKind::Interrupted, "interrupted; the packages not sent yet are journaled as planned",
                        "run the same command again to send them");
        }
        if (result.error) {
            continue; // stays planned: reported "not sent"
        }
        ShipEntry e = journal_entry(item, journaled, 0);
        e.id = journaled.ids[k];
        bool went_out = false;
        auto before_send = [&] {
            e.sent_at = now();
            e.send_timeout = m_options.request_timeout;
            e.state = ShipState::Sending;
            m_store.ship_journal_update(
                std::vector<ShipChange>{{.id = e.id, .state = ShipState::Sending, .sent_at = e.sent_at, .send_timeout = e.send_timeout}},
                now());
            went_out = true;
            if (std::exchange(m_first_send, false)) {
                step("before-send");
            }
        };
        try {
            m_events.note(fmt::format("confirming package {} of order {}", e.package_ref, e.order_id));
            confirm_shipment(m_api, confirmation_of(e), before_send);
        } catch (const Error& err) {
            if (err.kind() == ErrorKind::Interrupted && !went_out) {
                throw;
            }
            if (!went_out || definitely_not_sent(err)) {
                if (refused_by_amazon(err)) {
                    const auto* api = dynamic_cast<const ApiError*>(&err);
                    m_store.ship_journal_update(std::vector<ShipChange>{{.id = e.id,
                                                                         .state = ShipState::Failed,
                                                                         .result_code = api->code(),
                                                                         .result_message = std::string(err.what())}},
                                                now());
                    continue;
                }
                if (went_out) { // 401/403/429: not recorded; planned again
                    m_store.ship_journal_update(std::vector<ShipChange>{{.id = e.id,
                                                                         .state = ShipState::Planned,
                                                                         .sent_at = std::optional<Timestamp>{},
                                                                         .send_timeout = std::optional<std::chrono::milliseconds>{}}},
                                                now());
                }
                result.error = err;
                continue;
            }
            // The answer was lost: Amazon may have recorded the package. Prove it from the order.
            ShipRow settled;
            if (!settle_sending(e, false, settled)) {
                sending_note = fmt::format("not known whether Amazon received it ({}); not sent again: run the "
                                           "same command again, it finds out before sending anything",
                                           err.what());
                result.error = Error(ErrorKind::Temporary, err.what(),
                                     "run the same command again: it checks the order before sending anything again");
            }
            continue;
        }
        step("after-send");
        e.state = ShipState::Confirmed;
        m_store.ship_journal_update(std::vector<ShipChange>{{.id = e.id,
                                                             .state = ShipState::Confirmed,
                                                             .commerce_state = m_options.commerce_on_confirm}},
                                    now(), shipped_orders({&e}));
        if (std::exchange(m_first_confirm, false)) {
            step("after-confirm");
        }
    }
}

} // namespace asc
