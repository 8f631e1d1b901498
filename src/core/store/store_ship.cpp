// The shipment journal in the store (schema 7 in store_schema.cpp; the types in
// include/asc/store/ship_journal.hpp, the state machine in include/asc/ship/ship.hpp). Every write
// is one transaction, so a crash leaves each row in a state that says what is known.

#include "asc/base/errors.hpp"
#include "store_internal.hpp"
#include "store_pg.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <fmt/format.h>
#include <limits>

namespace asc {

namespace {

constexpr std::array<std::pair<ShipState, std::string_view>, 7> k_states{{
    {ShipState::Planned, "planned"},
    {ShipState::Sending, "sending"},
    {ShipState::Submitted, "submitted"},
    {ShipState::Confirmed, "confirmed"},
    {ShipState::AlreadyShipped, "already_shipped"},
    {ShipState::Failed, "failed"},
    {ShipState::Refused, "refused"},
}};

constexpr std::array<std::pair<ShipCommerceState, std::string_view>, 6> k_commerce_states{{
    {ShipCommerceState::Pending, "pending"},
    {ShipCommerceState::Sending, "sending"},
    {ShipCommerceState::Done, "done"},
    {ShipCommerceState::Failed, "failed"},
    {ShipCommerceState::NoLink, "no_link"},
    {ShipCommerceState::Skipped, "skipped"},
}};

constexpr std::string_view k_columns =
    "SELECT id, order_id, marketplace_id, package_ref, carrier_code, carrier_name, shipping_method, "
    "tracking_number, ship_date, items, via, batch_id, feed_document_id, feed_id, message_id, state, "
    "result_code, result_message, created_at, updated_at, sent_at, send_timeout_ms, run_by, commerce_state, "
    "commerce_shipment_id FROM ship_journal ";

ShipEntry read_ship_entry(const sqlite::Stmt& s) {
    ShipEntry e;
    e.id = s.int64(0);
    e.order_id = s.text(1);
    e.marketplace_id = s.text(2);
    e.package_ref = s.text(3);
    e.carrier_code = s.text(4);
    e.carrier_name = s.text(5);
    e.shipping_method = s.text(6);
    e.tracking_number = s.text(7);
    e.ship_date = from_unix(s.int64(8));
    e.items = parse_items_text(s.text(9)).value_or(std::vector<ShipItem>{});
    e.via = parse_ship_via(s.text(10)).value_or(ShipVia::Api);
    e.batch_id = s.text(11);
    e.feed_document_id = s.text(12);
    e.feed_id = s.text(13);
    e.message_id = s.opt_int64(14);
    // The CHECK constraint admits only known states.
    e.state = parse_ship_state(s.text(15)).value_or(ShipState::Failed);
    e.result_code = s.text(16);
    e.result_message = s.text(17);
    e.created_at = from_unix(s.int64(18));
    e.updated_at = from_unix(s.int64(19));
    if (const auto t = s.opt_int64(20)) {
        e.sent_at = from_unix(*t);
    }
    if (const auto ms = s.opt_int64(21)) {
        e.send_timeout = std::chrono::milliseconds(*ms);
    }
    e.run_by = s.text(22);
    if (const std::string commerce = s.text(23); !commerce.empty()) {
        e.commerce_state = parse_ship_commerce_state(commerce);
        if (!e.commerce_state) {
            throw Error(ErrorKind::Internal,
                        fmt::format("the ship journal holds an unknown Magento step state '{}'", commerce),
                        "a newer asc wrote this store: use it, or report the value");
        }
    }
    e.commerce_shipment_id = s.text(24);
    return e;
}

void require_ship_journal(const Store::Impl& impl) {
    if (impl.schema_version < 7) {
        throw Error(ErrorKind::Internal,
                    fmt::format("the shipment journal needs store schema 7 (this store is at {})",
                                impl.schema_version));
    }
}

void bind_entry(sqlite::Stmt& s, const ShipEntry& e) {
    s.bind(1, e.order_id);
    s.bind(2, e.marketplace_id);
    s.bind(3, e.package_ref);
    s.bind(4, e.carrier_code);
    s.bind(5, e.carrier_name);
    s.bind(6, e.shipping_method);
    s.bind(7, e.tracking_number);
    s.bind(8, to_unix(e.ship_date));
    s.bind(9, items_text(e.items));
    s.bind(10, to_string(e.via));
    s.bind(11, e.batch_id);
    s.bind(12, e.feed_document_id);
    s.bind(13, e.feed_id);
    s.bind(14, e.message_id);
    s.bind(15, to_string(e.state));
    s.bind(16, e.result_code);
    s.bind(17, e.result_message);
    s.bind(18, to_unix(e.created_at));
    s.bind(19, to_unix(e.updated_at));
    s.bind(20, to_unix(e.sent_at));
    s.bind(21, e.send_timeout ? std::optional<std::int64_t>(e.send_timeout->count()) : std::nullopt);
    s.bind(22, e.run_by);
    s.bind(23, e.commerce_state ? to_string(*e.commerce_state) : std::string_view());
    s.bind(24, e.commerce_shipment_id);
}

// One page of rows (at most `limit`, ids above `after_id`) of a statement whose ?1 is the id,
// ?2 the limit and ?3, when `feed_id` is set, the feed id.
std::vector<ShipEntry> read_page(Store::Impl& impl, std::string_view sql,
                                 const std::optional<std::string>& feed_id, std::int64_t after_id,
                                 std::size_t limit) {
    std::vector<ShipEntry> out;
    sqlite::StmtUse s(impl.stmt(sql));
    s->bind(1, after_id);
    s->bind(
        2, static_cast<std::int64_t>(std::min<std::size_t>(limit, std::numeric_limits<std::int64_t>::max())));
    if (feed_id) {
        s->bind(3, *feed_id);
    }
    while (s->step()) {
        out.push_back(read_ship_entry(*s));
    }
    return out;
}

} // namespace

std::string_view to_string(ShipState state) {
    for (const auto& [s, name] : k_states) {
        if (s == state) {
            return name;
        }
    }
    return "failed";
}

std::string_view to_string(ShipCommerceState state) {
    for (const auto& [s, name] : k_commerce_states) {
        if (s == state) {
            return name;
        }
    }
    return "failed";
}

std::optional<ShipCommerceState> parse_ship_commerce_state(std::string_view text) {
    for (const auto& [s, name] : k_commerce_states) {
        if (name == text) {
            return s;
        }
    }
    return std::nullopt;
}

std::optional<ShipState> parse_ship_state(std::string_view text) {
    for (const auto& [s, name] : k_states) {
        if (name == text) {
            return s;
        }
    }
    return std::nullopt;
}

bool is_in_flight(ShipState state) {
    return state == ShipState::Planned || state == ShipState::Sending || state == ShipState::Submitted;
}

std::string_view to_string(ShipVia via) {
    return via == ShipVia::Feed ? "feed" : "api";
}

std::optional<ShipVia> parse_ship_via(std::string_view text) {
    if (text == "api") {
        return ShipVia::Api;
    }
    if (text == "feed") {
        return ShipVia::Feed;
    }
    return std::nullopt;
}

std::string items_text(const std::vector<ShipItem>& items) {
    std::string out;
    for (const ShipItem& item : items) {
        out += fmt::format("{}{}:{}", out.empty() ? "" : ",", item.order_item_id, item.quantity);
    }
    return out;
}

std::optional<std::vector<ShipItem>> parse_items_text(std::string_view text) {
    std::vector<ShipItem> out;
    while (!text.empty()) {
        const auto comma = text.find(',');
        const std::string_view part = text.substr(0, comma);
        const auto colon = part.rfind(':');
        if (colon == std::string_view::npos || colon == 0) {
            return std::nullopt;
        }
        ShipItem item{std::string(part.substr(0, colon)), 0};
        const std::string_view qty = part.substr(colon + 1);
        const auto [end, ec] = std::from_chars(qty.data(), qty.data() + qty.size(), item.quantity);
        if (ec != std::errc() || end != qty.data() + qty.size() || item.quantity < 1) {
            return std::nullopt;
        }
        out.push_back(std::move(item));
        text = comma == std::string_view::npos ? std::string_view{} : text.substr(comma + 1);
    }
    return out;
}

std::vector<ShipEntry> Store::ship_journal_entries(const ShipFilter& filter) {
    require_ship_journal(*m_impl);
    std::vector<std::string> states;
    for (const ShipState state : filter.states) {
        states.emplace_back(to_string(state));
    }
    sqlite::Stmt s = journal_listing(
        *m_impl, std::string(k_columns), filter.since,
        {{"order_id", &filter.order_id}, {"feed_id", &filter.feed_id}, {"batch_id", &filter.batch_id}},
        states);
    std::vector<ShipEntry> out;
    while (s.step()) {
        out.push_back(read_ship_entry(s));
    }
    return out;
}

std::vector<ShipEntry> Store::ship_journal_in_flight(std::int64_t after_id, std::size_t limit) {
    require_ship_journal(*m_impl);
    // By id (the primary key): a page is read, worked on (which may change rows already read) and
    // the next one asked for, so no statement stays open across writes.
    static const std::string sql = std::string(k_columns) +
                                   "WHERE state IN ('planned', 'sending', 'submitted') AND id > ?1 "
                                   "ORDER BY id LIMIT ?2";
    return read_page(*m_impl, sql, {}, after_id, limit);
}

std::vector<ShipEntry> Store::ship_journal_submitted(const std::string& feed_id, std::int64_t after_id,
                                                     std::size_t limit) {
    require_ship_journal(*m_impl);
    static const std::string sql = std::string(k_columns) +
                                   "WHERE state = 'submitted' AND id > ?1 AND feed_id = ?3 "
                                   "ORDER BY id LIMIT ?2";
    return read_page(*m_impl, sql, feed_id, after_id, limit);
}

std::vector<ShipEntry> Store::ship_journal_commerce_owed(std::int64_t after_id, std::size_t limit) {
    require_ship_journal(*m_impl);
    static const std::string sql = std::string(k_columns) +
                                   "WHERE state = 'confirmed' AND commerce_state IN ('pending', "
                                   "'sending') AND id > ?1 ORDER BY id LIMIT ?2";
    return read_page(*m_impl, sql, {}, after_id, limit);
}

std::vector<ShipEntry> Store::ship_journal_rows(std::span<const std::int64_t> ids) {
    require_ship_journal(*m_impl);
    static const std::string sql = std::string(k_columns) + "WHERE id = ?1";
    std::vector<ShipEntry> out;
    out.reserve(ids.size());
    sqlite::Transaction tx(m_impl->db.get(), sqlite::Transaction::Mode::Read);
    for (const std::int64_t id : ids) {
        sqlite::StmtUse s(m_impl->stmt(sql));
        s->bind(1, id);
        if (!s->step()) {
            throw Error(ErrorKind::Internal, fmt::format("shipment journal row {} is gone", id),
                        "another program changed the store; run `asc shipments list` to see the journal");
        }
        out.push_back(read_ship_entry(*s));
    }
    tx.commit();
    return out;
}

std::vector<std::int64_t> Store::ship_journal_write(std::span<const ShipEntry> rows) {
    return ship_journal_write(rows.size(), [rows](std::size_t i) { return rows[i]; });
}

std::vector<std::int64_t> Store::ship_journal_write(std::size_t count,
                                                    const std::function<ShipEntry(std::size_t)>& row) {
    require_ship_journal(*m_impl);
    sqlite::Transaction tx(m_impl->db.get(), sqlite::Transaction::Mode::Write);
    static constexpr std::string_view insert_sql =
        "INSERT INTO ship_journal (order_id, marketplace_id, package_ref, carrier_code, carrier_name, "
        "shipping_method, tracking_number, ship_date, items, via, batch_id, feed_document_id, feed_id, "
        "message_id, state, result_code, result_message, created_at, updated_at, sent_at, send_timeout_ms, "
        "run_by, commerce_state, commerce_shipment_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, "
        "?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24) RETURNING id";
    static constexpr std::string_view replace_sql =
        "UPDATE ship_journal SET order_id = ?1, marketplace_id = ?2, package_ref = ?3, carrier_code = ?4, "
        "carrier_name = ?5, shipping_method = ?6, tracking_number = ?7, ship_date = ?8, items = ?9, via = "
        "?10, "
        "batch_id = ?11, feed_document_id = ?12, feed_id = ?13, message_id = ?14, state = ?15, "
        "result_code = ?16, result_message = ?17, created_at = ?18, updated_at = ?19, sent_at = ?20, "
        "send_timeout_ms = ?21, run_by = ?22, commerce_state = ?23, commerce_shipment_id = ?24 WHERE id = "
        "?25";
    std::vector<std::int64_t> ids;
    ids.reserve(count);
    for (std::size_t i = 0; i < count; ++i) {
        const ShipEntry e = row(i);
        sqlite::StmtUse s(m_impl->stmt(e.id == 0 ? insert_sql : replace_sql));
        bind_entry(*s, e);
        if (e.id != 0) {
            s->bind(25, e.id);
        }
        if (s->try_step() == db::Step::UniqueViolation) {
            throw Error(ErrorKind::Temporary,
                        fmt::format("the package {} of order {} is already in flight in another run",
                                    e.tracking_number, e.order_id),
                        "run `asc order ship` with the same input again: it completes that run first");
        }
        ids.push_back(e.id != 0 ? e.id : s->int64(0)); // the insert's RETURNING id
    }
    tx.commit();
    return ids;
}

namespace {

// Applies one change (updated_at = `now`) inside the caller's transaction.
void apply_change(Store::Impl& impl, const ShipChange& c, Timestamp now) {
    // ?N says whether the field is assigned, ?N+1 is its value.
    static constexpr std::string_view sql =
        "UPDATE ship_journal SET "
        "state = CASE WHEN ?2 THEN ?3 ELSE state END, "
        "feed_document_id = CASE WHEN ?4 THEN ?5 ELSE feed_document_id END, "
        "feed_id = CASE WHEN ?6 THEN ?7 ELSE feed_id END, "
        "sent_at = CASE WHEN ?8 THEN ?9 ELSE sent_at END, "
        "send_timeout_ms = CASE WHEN ?10 THEN ?11 ELSE send_timeout_ms END, "
        "result_code = CASE WHEN ?12 THEN ?13 ELSE result_code END, "
        "result_message = CASE WHEN ?14 THEN ?15 ELSE result_message END, "
        "commerce_state = CASE WHEN ?16 THEN ?17 ELSE commerce_state END, "
        "commerce_shipment_id = CASE WHEN ?18 THEN ?19 ELSE commerce_shipment_id END, "
        "updated_at = ?20 WHERE id = ?1";
    sqlite::StmtUse s(impl.stmt(sql));
    s->bind(1, c.id);
    auto text = [&s](int flag, const std::optional<std::string>& value) {
        s->bind(flag, value.has_value());
        if (value) {
            s->bind(flag + 1, *value);
        }
    };
    text(2, c.state ? std::optional<std::string>(std::string(to_string(*c.state))) : std::nullopt);
    text(4, c.feed_document_id);
    text(6, c.feed_id);
    s->bind(8, c.sent_at.has_value());
    s->bind(9, c.sent_at ? to_unix(*c.sent_at) : std::nullopt);
    s->bind(10, c.send_timeout.has_value());
    s->bind(11, c.send_timeout && *c.send_timeout ? std::optional<std::int64_t>((*c.send_timeout)->count())
                                                  : std::nullopt);
    text(12, c.result_code);
    text(14, c.result_message);
    text(16, c.commerce_state ? std::optional<std::string>(std::string(to_string(*c.commerce_state)))
                              : std::nullopt);
    text(18, c.commerce_shipment_id);
    s->bind(20, to_unix(now));
    if (s->try_step() == db::Step::UniqueViolation) {
        throw Error(ErrorKind::Temporary,
                    "a package would be in flight in two shipment confirmations at once",
                    "run `asc order ship` with the same input again: it completes the other one first");
    }
}

} // namespace

void Store::ship_journal_update(std::span<const ShipChange> changes, Timestamp now,
                                std::span<const Order> orders) {
    require_ship_journal(*m_impl);
    sqlite::Transaction tx(m_impl->db.get(), sqlite::Transaction::Mode::Write);
    for (const ShipChange& c : changes) {
        apply_change(*m_impl, c, now);
    }
    if (!orders.empty()) {
        upsert_orders(orders); // joins this transaction
    }
    tx.commit();
}

void Store::ship_journal_update_each(std::span<const std::int64_t> ids, ShipChange change, Timestamp now) {
    require_ship_journal(*m_impl);
    sqlite::Transaction tx(m_impl->db.get(), sqlite::Transaction::Mode::Write);
    for (const std::int64_t id : ids) {
        change.id = id;
        apply_change(*m_impl, change, now);
    }
    tx.commit();
}

SyncLock Store::lock_for_ship(std::chrono::milliseconds wait) {
    return take_run_lock(*m_impl, pg::k_lock_class_ship, ".ship.lock", wait, "`asc order ship`",
                         "shipment confirmation");
}

} // namespace asc
