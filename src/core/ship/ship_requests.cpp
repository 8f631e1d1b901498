// The packages of a run held as records in one buffer (include/asc/ship/ship_requests.hpp).
//
// A record: its length (u32), then order id, carrier code, carrier name, tracking number and
// shipping method (each a u16 length and the bytes), the ship date (a u8 flag and the i64 seconds),
// the input line (u32), and the items (a u16 count, then per item its id as a string and its
// quantity as an i32). A package that gains an item while it is not the last record is written
// again at the end; its old copy is left unused.

#include "asc/ship/ship_requests.hpp"

#include "asc/base/errors.hpp"

#include <cstring>
#include <functional>
#include <limits>

namespace asc {

namespace {

template <class T> void put(std::string& out, T v) {
    char bytes[sizeof(T)];
    std::memcpy(bytes, &v, sizeof(T));
    out.append(bytes, sizeof(T));
}

template <class T> T get(std::string_view text, std::size_t& at) {
    T v;
    std::memcpy(&v, text.data() + at, sizeof(T));
    at += sizeof(T);
    return v;
}

void put_string(std::string& out, std::string_view s) {
    if (s.size() > std::numeric_limits<std::uint16_t>::max()) {
        throw Error(ErrorKind::Usage, "a field of the input is longer than 65,535 bytes", "check the input file");
    }
    put(out, static_cast<std::uint16_t>(s.size()));
    out.append(s);
}

std::string_view get_string(std::string_view text, std::size_t& at) {
    const auto n = get<std::uint16_t>(text, at);
    const std::string_view s = text.substr(at, n);
    at += n;
    return s;
}

void put_item(std::string& out, const ShipItem& item) {
    put_string(out, item.order_item_id);
    put(out, static_cast<std::int32_t>(item.quantity));
}

// Offsets of the fields after the length: the strings start right after it.
constexpr std::size_t k_head = sizeof(std::uint32_t);

std::size_t hash_of(std::string_view order_id, std::string_view tracking) {
    const std::size_t a = std::hash<std::string_view>{}(order_id);
    const std::size_t b = std::hash<std::string_view>{}(tracking);
    return a ^ (b + 0x9e3779b97f4a7c15ULL + (a << 6U) + (a >> 2U));
}

} // namespace

std::string_view ShipRequestList::order_id(std::size_t i) const {
    std::size_t at = m_at[i] + k_head;
    return get_string(m_text, at);
}

std::string_view ShipRequestList::tracking(std::size_t i) const {
    std::size_t at = m_at[i] + k_head;
    for (int skip = 0; skip < 3; ++skip) {
        (void)get_string(m_text, at);
    }
    return get_string(m_text, at);
}

ShipRequest ShipRequestList::operator[](std::size_t i) const {
    ShipRequest r;
    std::size_t at = m_at[i] + k_head;
    for (std::string* s : {&r.order_id, &r.carrier_code, &r.carrier_name, &r.tracking_number, &r.shipping_method}) {
        s->assign(get_string(m_text, at));
    }
    if (get<std::uint8_t>(m_text, at) != 0) {
        r.ship_date = Timestamp(std::chrono::seconds(get<std::int64_t>(m_text, at)));
    }
    r.line = get<std::uint32_t>(m_text, at);
    const auto n = get<std::uint16_t>(m_text, at);
    r.items.reserve(n);
    for (std::uint16_t k = 0; k < n; ++k) {
        ShipItem item;
        item.order_item_id.assign(get_string(m_text, at));
        item.quantity = get<std::int32_t>(m_text, at);
        r.items.push_back(std::move(item));
    }
    return r;
}

bool ShipRequestList::has_items(std::size_t i) const {
    std::size_t at = m_at[i] + k_head;
    for (int skip = 0; skip < 5; ++skip) {
        (void)get_string(m_text, at);
    }
    if (get<std::uint8_t>(m_text, at) != 0) {
        at += sizeof(std::int64_t);
    }
    at += sizeof(std::uint32_t);
    return get<std::uint16_t>(m_text, at) > 0;
}

// The slot holding the package of (order id, tracking), or the free slot where it would go.
std::size_t ShipRequestList::slot_of(std::string_view order_id, std::string_view tracking) const {
    const std::size_t mask = m_slot.size() - 1;
    for (std::size_t s = hash_of(order_id, tracking) & mask;; s = (s + 1) & mask) {
        const std::uint32_t p = m_slot[s];
        if (p == 0 || (this->order_id(p - 1) == order_id && this->tracking(p - 1) == tracking)) {
            return s;
        }
    }
}

void ShipRequestList::grow_index() {
    std::vector<std::uint32_t> old = std::move(m_slot);
    m_slot.assign(old.empty() ? 64 : old.size() * 2, 0);
    for (const std::uint32_t p : old) {
        if (p != 0) {
            m_slot[slot_of(order_id(p - 1), tracking(p - 1))] = p;
        }
    }
}

void ShipRequestList::append_item(std::size_t i, const ShipItem& item) {
    std::size_t at = m_at[i];
    const auto length = get<std::uint32_t>(m_text, at);
    if (m_at[i] + length != m_text.size()) { // not the last record: move it to the end
        const std::string copy = m_text.substr(m_at[i], length);
        m_at[i] = static_cast<std::uint32_t>(m_text.size());
        m_text += copy;
    }
    const std::size_t start = m_at[i];
    put_item(m_text, item);
    const auto grown = static_cast<std::uint32_t>(m_text.size() - start);
    std::memcpy(m_text.data() + start, &grown, sizeof grown);
    // The item count is the record's last field before the items: find it again.
    at = start + k_head;
    for (int skip = 0; skip < 5; ++skip) {
        (void)get_string(m_text, at);
    }
    if (get<std::uint8_t>(m_text, at) != 0) {
        at += sizeof(std::int64_t);
    }
    at += sizeof(std::uint32_t);
    std::uint16_t n = 0;
    std::memcpy(&n, m_text.data() + at, sizeof n);
    if (n == std::numeric_limits<std::uint16_t>::max()) {
        throw Error(ErrorKind::Usage, "a package lists more than 65,535 items", "split it into packages");
    }
    ++n;
    std::memcpy(m_text.data() + at, &n, sizeof n);
}

void ShipRequestList::add(const ShipRequest& r) {
    if ((m_at.size() + 1) * 2 > m_slot.size()) {
        grow_index();
    }
    const std::size_t s = slot_of(r.order_id, r.tracking_number);
    if (m_slot[s] != 0 && !r.items.empty() && has_items(m_slot[s] - 1)) {
        append_item(m_slot[s] - 1, r.items.front());
        return;
    }
    if (m_text.size() > std::numeric_limits<std::uint32_t>::max() / 2) {
        throw Error(ErrorKind::Usage, "the input lists more packages than one run takes", "split it into runs");
    }
    const std::size_t start = m_text.size();
    put(m_text, std::uint32_t{0});
    for (const std::string_view field : {std::string_view(r.order_id), std::string_view(r.carrier_code),
                                         std::string_view(r.carrier_name), std::string_view(r.tracking_number),
                                         std::string_view(r.shipping_method)}) {
        put_string(m_text, field);
    }
    put(m_text, static_cast<std::uint8_t>(r.ship_date ? 1 : 0));
    if (r.ship_date) {
        put(m_text, static_cast<std::int64_t>(r.ship_date->time_since_epoch().count()));
    }
    put(m_text, static_cast<std::uint32_t>(r.line));
    put(m_text, static_cast<std::uint16_t>(r.items.size()));
    for (const ShipItem& item : r.items) {
        put_item(m_text, item);
    }
    const auto length = static_cast<std::uint32_t>(m_text.size() - start);
    std::memcpy(m_text.data() + start, &length, sizeof length);
    m_at.push_back(static_cast<std::uint32_t>(start));
    if (m_slot[s] == 0) { // the first package of this key is the one later lines join
        m_slot[s] = static_cast<std::uint32_t>(m_at.size());
    }
}

void ShipRequestList::seal() {
    std::vector<std::uint32_t>().swap(m_slot);
    m_text.shrink_to_fit(); // a quarter to a half of a grown buffer is spare room
    m_at.shrink_to_fit();
}

} // namespace asc
