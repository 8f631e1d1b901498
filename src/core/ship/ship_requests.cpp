// The packages of a run held as records in an unlinked temporary file (include/asc/ship/
// ship_requests.hpp).
//
// A record: its length (u32), then order id, carrier code, carrier name, tracking number and
// shipping method (each a u16 length and the bytes), the ship date (a u8 flag and the i64 seconds),
// the input line (u32), and the items (a u16 count, then per item its id as a string and its
// quantity as an i32). The record of the last package added stays in memory until the next one
// starts, so that the lines of a package given one after the other add up in place; a package that
// gains an item while it is not the last is read back and becomes the last again (written anew at
// the end of the file; its old copy is left unused).

#include "asc/ship/ship_requests.hpp"

#include "asc/base/errors.hpp"
#include "asc/base/id_list.hpp"
#include "asc/base/temp_file.hpp"
#include "ship_internal.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fmt/format.h>
#include <functional>
#include <limits>
#include <numeric>
#include <unistd.h>

namespace asc {

std::string_view ReadWindow::load(const TempFile& file, std::uint64_t at, std::size_t n, std::string_view what) {
    if (at < m_at || at + n > m_at + m_window.size()) {
        constexpr std::size_t k_block = 64 * 1024;
        m_window.resize(std::max(k_block, n));
        m_at = at;
        std::size_t got = 0;
        while (got < n) {
            const ssize_t r =
                ::pread(file.fd(), m_window.data() + got, m_window.size() - got, static_cast<off_t>(at + got));
            if (r < 0 && errno == EINTR) {
                continue;
            }
            if (r <= 0) {
                m_window.clear();
                throw Error(ErrorKind::Internal,
                            fmt::format("could not read the {} back from their temporary file: {}", what,
                                        r < 0 ? std::strerror(errno) : "it is shorter than written"),
                            "what was sent is journaled: `asc shipments list` shows it");
            }
            got += static_cast<std::size_t>(r);
        }
        m_window.resize(got);
    }
    return std::string_view(m_window).substr(static_cast<std::size_t>(at - m_at), n);
}

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

// Where the item count of `record` is.
std::size_t item_count_at(std::string_view record) {
    std::size_t at = k_head;
    for (int skip = 0; skip < 5; ++skip) {
        (void)get_string(record, at);
    }
    if (get<std::uint8_t>(record, at) != 0) {
        at += sizeof(std::int64_t);
    }
    return at + sizeof(std::uint32_t);
}

// The order id and the tracking number of `record`.
std::pair<std::string_view, std::string_view> key_fields(std::string_view record) {
    std::size_t at = k_head;
    const std::string_view order_id = get_string(record, at);
    (void)get_string(record, at);
    (void)get_string(record, at);
    return {order_id, get_string(record, at)};
}

std::uint64_t package_key(std::string_view order_id, std::string_view tracking) {
    const std::uint64_t a = std::hash<std::string_view>{}(order_id);
    const std::uint64_t b = std::hash<std::string_view>{}(tracking);
    return a ^ (b + 0x9e3779b97f4a7c15ULL + (a << 6U) + (a >> 2U));
}

// An order's key: an Amazon order id's 17 digits (below 2^57); anything else is refused as it is,
// package by package, so it gets a key of its own (the top bit set, then the package's index).
std::uint64_t order_key(std::string_view order_id, std::size_t package) {
    if (const auto packed = IdList::pack(order_id)) {
        return *packed;
    }
    return (std::uint64_t{1} << 63U) | package;
}

} // namespace

struct ShipRequestList::Impl {
    TempFile file{"ship-input"};
    std::string last;                       // the record of the last package, not in the file yet
    std::size_t last_package = 0;           // whose record `last` is (when not empty)
    mutable ReadWindow window;              // records read back from the file
    // Only while packages are added:
    std::vector<std::uint64_t> order_keys;   // per package
    std::vector<std::uint64_t> package_keys; // per package: order id and tracking number
    std::vector<std::uint32_t> slot;         // open addressing on package_keys: package + 1, 0 free
};

ShipRequestList::ShipRequestList() : m_impl(std::make_unique<Impl>()) {}
ShipRequestList::~ShipRequestList() = default;
ShipRequestList::ShipRequestList(ShipRequestList&&) noexcept = default;
ShipRequestList& ShipRequestList::operator=(ShipRequestList&&) noexcept = default;

std::string_view ShipRequestList::record(std::size_t i) const {
    if (!m_impl->last.empty() && m_impl->last_package == i) {
        return m_impl->last;
    }
    TempFile& file = m_impl->file;
    file.flush(); // nothing to write once sealed; while packages are added, the few read back
    const std::uint64_t at = m_at[i];
    std::size_t length_at = 0;
    const auto length = get<std::uint32_t>(m_impl->window.load(file, at, sizeof(std::uint32_t), "packages"), length_at);
    return m_impl->window.load(file, at, length, "packages");
}

ShipRequest ShipRequestList::operator[](std::size_t i) const {
    const std::string_view text = record(i);
    ShipRequest r;
    std::size_t at = k_head;
    for (std::string* s : {&r.order_id, &r.carrier_code, &r.carrier_name, &r.tracking_number, &r.shipping_method}) {
        s->assign(get_string(text, at));
    }
    if (get<std::uint8_t>(text, at) != 0) {
        r.ship_date = Timestamp(std::chrono::seconds(get<std::int64_t>(text, at)));
    }
    r.line = get<std::uint32_t>(text, at);
    const auto n = get<std::uint16_t>(text, at);
    r.items.reserve(n);
    for (std::uint16_t k = 0; k < n; ++k) {
        ShipItem item;
        item.order_item_id.assign(get_string(text, at));
        item.quantity = get<std::int32_t>(text, at);
        r.items.push_back(std::move(item));
    }
    return r;
}

void ShipRequestList::write_last() {
    Impl& impl = *m_impl;
    if (impl.last.empty()) {
        return;
    }
    if (impl.file.size() + impl.last.size() > std::numeric_limits<std::uint32_t>::max()) {
        throw Error(ErrorKind::Usage, "the input lists more packages than one run takes", "split it into runs");
    }
    m_at[impl.last_package] = static_cast<std::uint32_t>(impl.file.size());
    impl.file.write(impl.last);
    impl.last.clear();
}

// The slot holding the package of (order id, tracking), or the free slot where it would go.
std::size_t ShipRequestList::slot_of(std::uint64_t key, std::string_view order_id, std::string_view tracking) const {
    const Impl& impl = *m_impl;
    const std::size_t mask = impl.slot.size() - 1;
    for (std::size_t s = key & mask;; s = (s + 1) & mask) {
        const std::uint32_t p = impl.slot[s];
        if (p == 0) {
            return s;
        }
        if (impl.package_keys[p - 1] == key && key_fields(record(p - 1)) == std::pair(order_id, tracking)) {
            return s;
        }
    }
}

void ShipRequestList::grow_index() {
    Impl& impl = *m_impl;
    std::vector<std::uint32_t> old = std::move(impl.slot);
    impl.slot.assign(old.empty() ? 64 : old.size() * 2, 0);
    const std::size_t mask = impl.slot.size() - 1;
    for (const std::uint32_t p : old) {
        if (p != 0) { // the keys in the index are distinct: the first free slot
            std::size_t s = impl.package_keys[p - 1] & mask;
            while (impl.slot[s] != 0) {
                s = (s + 1) & mask;
            }
            impl.slot[s] = p;
        }
    }
}

void ShipRequestList::append_item(std::size_t i, const ShipItem& item) {
    Impl& impl = *m_impl;
    if (impl.last.empty() || impl.last_package != i) { // read it back: it becomes the last record
        std::string copy(record(i));
        write_last();
        impl.last = std::move(copy);
        impl.last_package = i;
    }
    std::string& text = impl.last;
    const std::size_t count_at = item_count_at(text);
    std::uint16_t n = 0;
    std::memcpy(&n, text.data() + count_at, sizeof n);
    if (n == std::numeric_limits<std::uint16_t>::max()) {
        throw Error(ErrorKind::Usage, "a package lists more than 65,535 items", "split it into packages");
    }
    ++n;
    std::memcpy(text.data() + count_at, &n, sizeof n);
    put_item(text, item);
    const auto length = static_cast<std::uint32_t>(text.size());
    std::memcpy(text.data(), &length, sizeof length);
}

void ShipRequestList::add(const ShipRequest& r) {
    Impl& impl = *m_impl;
    if ((m_at.size() + 1) * 2 > impl.slot.size()) {
        grow_index();
    }
    const std::uint64_t key = package_key(r.order_id, r.tracking_number);
    const std::size_t s = slot_of(key, r.order_id, r.tracking_number);
    if (impl.slot[s] != 0 && !r.items.empty()) {
        const std::size_t p = impl.slot[s] - 1;
        const std::string_view text = record(p);
        std::size_t at = item_count_at(text);
        if (get<std::uint16_t>(text, at) > 0) {
            append_item(p, r.items.front());
            return;
        }
    }
    if (m_at.size() >= std::numeric_limits<std::uint32_t>::max() - 1) {
        throw Error(ErrorKind::Usage, "the input lists more packages than one run takes", "split it into runs");
    }
    write_last();
    std::string& text = impl.last;
    put(text, std::uint32_t{0});
    for (const std::string_view field : {std::string_view(r.order_id), std::string_view(r.carrier_code),
                                         std::string_view(r.carrier_name), std::string_view(r.tracking_number),
                                         std::string_view(r.shipping_method)}) {
        put_string(text, field);
    }
    put(text, static_cast<std::uint8_t>(r.ship_date ? 1 : 0));
    if (r.ship_date) {
        put(text, static_cast<std::int64_t>(r.ship_date->time_since_epoch().count()));
    }
    put(text, static_cast<std::uint32_t>(r.line));
    put(text, static_cast<std::uint16_t>(r.items.size()));
    for (const ShipItem& item : r.items) {
        put_item(text, item);
    }
    const auto length = static_cast<std::uint32_t>(text.size());
    std::memcpy(text.data(), &length, sizeof length);
    impl.last_package = m_at.size();
    m_at.push_back(0); // where: once written (write_last)
    impl.order_keys.push_back(order_key(r.order_id, impl.last_package));
    impl.package_keys.push_back(key);
    if (impl.slot[s] == 0) { // the first package of this key is the one later lines join
        impl.slot[s] = static_cast<std::uint32_t>(m_at.size());
    }
}

void ShipRequestList::seal() {
    Impl& impl = *m_impl;
    write_last();
    std::vector<std::uint32_t>().swap(impl.slot);
    std::vector<std::uint64_t>().swap(impl.package_keys);
    // Each package linked to the next one of its order: the packages sorted by order, input order
    // within an order.
    std::vector<std::uint32_t> by_order(m_at.size());
    std::iota(by_order.begin(), by_order.end(), 0U);
    const std::vector<std::uint64_t>& keys = impl.order_keys;
    std::stable_sort(by_order.begin(), by_order.end(), [&keys](std::uint32_t a, std::uint32_t b) { return keys[a] < keys[b]; });
    m_next.assign(m_at.size(), 0);
    for (std::size_t k = 1; k < by_order.size(); ++k) {
        if (keys[by_order[k]] == keys[by_order[k - 1]]) {
            m_next[by_order[k - 1]] = by_order[k];
        }
    }
    std::vector<std::uint32_t>().swap(by_order);
    std::vector<std::uint64_t>().swap(impl.order_keys);
    m_at.shrink_to_fit();
}

} // namespace asc
