// The orders row (with its packed packages and money lines, store_packed.cpp) and its items as the
// store writes them: the content hash that tells an unchanged order, and the bindings of each row
// to its INSERT or UPDATE (store.cpp's one-by-one upsert and store_upsert_batch.cpp's multi-row one
// share them).

#include "store_internal.hpp"

#include <bit>
#include <cstring>

namespace asc {

namespace store_rows {

namespace {

// A 64-bit hash of a length-prefixed encoding of every stored field, a word at a time: each
// integer is one 8-byte word, each text its length and then its bytes in 8-byte words (the last
// one zero-padded; the length prefix keeps "ab"+"" apart from "a"+"b"). Each word is mixed in with
// a multiply and a rotation, and value() finishes with MurmurHash3's fmix64. "Unchanged" means
// this hash and the stored one are equal, so only equality matters, not the hash's spelling.
// Until 2026-11 this was FNV-1a, byte at a time (5% of all CPU of `orders list --all` into a new
// store): a store written before then holds the old hashes, so its first write after the change
// finds every order "changed" and rewrites each once, with the same content (and from then on
// the new hashes match).
class Hasher {
  public:
    void bytes(const void* data, std::size_t n) {
        const auto* p = static_cast<const unsigned char*>(data);
        for (; n >= 8; n -= 8, p += 8) {
            std::uint64_t w = 0;
            std::memcpy(&w, p, 8);
            mix(w);
        }
        if (n > 0) {
            std::uint64_t w = 0;
            std::memcpy(&w, p, n);
            mix(w);
        }
    }
    void add(std::int64_t v) { mix(static_cast<std::uint64_t>(v)); }
    void add(std::string_view s) {
        add(static_cast<std::int64_t>(s.size()));
        bytes(s.data(), s.size());
    }
    void add(bool b) { add(static_cast<std::int64_t>(b ? 1 : 0)); }
    void add(int v) { add(static_cast<std::int64_t>(v)); }
    void add(Timestamp t) { add(to_unix(t)); }
    void add(const std::optional<Timestamp>& t) {
        add(t.has_value());
        if (t) {
            add(*t);
        }
    }
    void add(const std::optional<Money>& m) {
        add(m.has_value());
        if (m) {
            add(m->minor);
            add(m->scale);
            add(std::string_view(m->currency));
        }
    }
    [[nodiscard]] std::int64_t value() const {
        std::uint64_t h = m_h;
        h ^= h >> 33;
        h *= 0xff51afd7ed558ccdULL;
        h ^= h >> 33;
        h *= 0xc4ceb9fe1a85ec53ULL;
        h ^= h >> 33;
        return std::bit_cast<std::int64_t>(h);
    }

  private:
    void mix(std::uint64_t w) {
        w *= 0x87c37b91114253d5ULL;
        w = std::rotl(w, 31);
        w *= 0x4cf5ad432745937fULL;
        m_h ^= w;
        m_h = std::rotl(m_h, 27) * 5 + 0x52dce729;
    }
    std::uint64_t m_h = 0x9e3779b97f4a7c15ULL;
};

} // namespace

std::int64_t content_hash(const Stored& s) {
    const Order& o = s.order;
    Hasher h;
    h.add(std::string_view(o.order_id));
    h.add(to_string(o.status));
    h.add(o.fulfilled_by ? to_v2026(*o.fulfilled_by) : std::string_view{});
    h.add(o.purchase_date);
    h.add(o.last_updated);
    for (const auto* text : {&o.marketplace_id, &o.marketplace_name, &o.sales_channel, &o.ship_service_level,
                             &o.replaced_order_id, &o.seller_order_id}) {
        h.add(std::string_view(*text));
    }
    h.add(o.ship_by.earliest);
    h.add(o.ship_by.latest);
    h.add(o.deliver_by.earliest);
    h.add(o.deliver_by.latest);
    h.add(o.total);
    h.add(o.is_prime);
    h.add(o.is_business);
    h.add(o.is_replacement);
    h.add(s.has_address);
    if (s.has_address) {
        const Address& a = *o.ship_to;
        h.add(std::string_view(a.state));
        h.add(std::string_view(a.country_code));
        if (s.pii) {
            for (const auto* text : {&a.name, &a.company, &a.line1, &a.line2, &a.line3, &a.city, &a.district,
                                     &a.postal_code, &a.phone, &a.type}) {
                h.add(std::string_view(*text));
            }
        }
    }
    h.add(s.has_buyer && s.pii);
    if (s.has_buyer && s.pii) {
        const Buyer& b = *o.buyer;
        for (const auto* text : {&b.name, &b.email, &b.company, &b.purchase_order}) {
            h.add(std::string_view(*text));
        }
    }
    h.add(static_cast<std::int64_t>(o.items.size()));
    for (const auto& i : o.items) {
        for (const auto* text : {&i.order_item_id, &i.sku, &i.asin, &i.title, &i.condition,
                                 &i.buyer_cancel_reason, &i.canceled_by, &i.cancel_reason}) {
            h.add(std::string_view(*text));
        }
        h.add(i.quantity_ordered);
        h.add(i.quantity_shipped);
        h.add(i.quantity_unshipped);
        for (const auto* m : {&i.unit_price, &i.item_total, &i.tax, &i.shipping_price, &i.promotion_discount,
                              &i.proceeds_total}) {
            h.add(*m);
        }
        h.add(i.buyer_requested_cancel);
    }
    h.add(static_cast<std::int64_t>(o.packages.size()));
    for (const auto& p : o.packages) {
        for (const auto* text :
             {&p.reference_id, &p.carrier, &p.shipping_service, &p.tracking_number, &p.status}) {
            h.add(std::string_view(*text));
        }
        h.add(p.ship_time);
        h.add(static_cast<std::int64_t>(p.items.size()));
        for (const auto& pi : p.items) {
            h.add(std::string_view(pi.order_item_id));
            h.add(pi.quantity);
        }
    }
    h.add(static_cast<std::int64_t>(o.total_breakdown.size()));
    for (const auto& line : o.total_breakdown) {
        h.add(std::string_view(line.type));
        h.add(std::optional<Money>(line.amount));
    }
    return h.value();
}

void bind_money(sqlite::Stmt& s, int first, const std::optional<Money>& m) {
    if (m) {
        s.bind(first, m->minor);
        s.bind(first + 1, m->scale);
        s.bind_ref(first + 2, m->currency);
    } else {
        s.bind_null(first);
        s.bind_null(first + 1);
        s.bind_null(first + 2);
    }
}

void bind_order_row(sqlite::Stmt& s, int base, const Stored& st, std::int64_t hash, std::int64_t now) {
    const Order& o = st.order;
    s.bind_ref(base + 1, o.order_id);
    s.bind_ref(base + 2, to_string(o.status));
    s.bind_ref(base + 3, o.fulfilled_by ? to_v2026(*o.fulfilled_by) : std::string_view{});
    s.bind(base + 4, to_unix(o.purchase_date));
    s.bind(base + 5, to_unix(o.last_updated));
    s.bind_ref(base + 6, o.marketplace_id);
    s.bind_ref(base + 7, o.marketplace_name);
    s.bind_ref(base + 8, o.sales_channel);
    s.bind_ref(base + 9, o.ship_service_level);
    s.bind(base + 10, to_unix(o.ship_by.earliest));
    s.bind(base + 11, to_unix(o.ship_by.latest));
    s.bind(base + 12, to_unix(o.deliver_by.earliest));
    s.bind(base + 13, to_unix(o.deliver_by.latest));
    bind_money(s, base + 14, o.total);
    s.bind(base + 17, o.is_prime);
    s.bind(base + 18, o.is_business);
    s.bind(base + 19, o.is_replacement);
    s.bind_ref(base + 20, o.replaced_order_id);
    s.bind_ref(base + 21, o.seller_order_id);
    s.bind(base + 22, hash);
    s.bind(base + 23, now);
    // Address and buyer columns: NULL unless present (and, for personal ones, store_pii).
    for (int i = k_first_address; i < k_first_packed; ++i) {
        s.bind_null(base + i + 1);
    }
    if (st.has_address) {
        const Address& a = *o.ship_to;
        s.bind_ref(base + 24, a.state);
        s.bind_ref(base + 25, a.country_code);
        if (st.pii) {
            int p = base + k_first_pii_address + 1;
            for (const auto* text : {&a.name, &a.company, &a.line1, &a.line2, &a.line3, &a.city, &a.district,
                                     &a.postal_code, &a.phone, &a.type}) {
                s.bind_ref(p++, *text);
            }
        }
    }
    if (st.has_buyer && st.pii) {
        const Buyer& b = *o.buyer;
        int p = base + k_first_buyer + 1;
        for (const auto* text : {&b.name, &b.email, &b.company, &b.purchase_order}) {
            s.bind_ref(p++, *text);
        }
    }
    // Copied: the texts are built here and gone when this returns.
    s.bind(base + k_first_packed + 1, pack_money_lines(o.total_breakdown).value_or(std::string()));
    s.bind(base + k_first_packed + 2, pack_packages(o.packages).value_or(std::string()));
}

void bind_item(sqlite::Stmt& s, int base, std::int64_t ref, std::int64_t seq, const OrderItem& i) {
    s.bind(base + 1, ref);
    s.bind(base + 2, seq);
    s.bind_ref(base + 3, i.order_item_id);
    s.bind_ref(base + 4, i.sku);
    s.bind_ref(base + 5, i.asin);
    s.bind_ref(base + 6, i.title);
    s.bind_ref(base + 7, i.condition);
    s.bind(base + 8, i.quantity_ordered);
    s.bind(base + 9, i.quantity_shipped);
    s.bind(base + 10, i.quantity_unshipped);
    bind_money(s, base + 11, i.unit_price);
    bind_money(s, base + 14, i.item_total);
    bind_money(s, base + 17, i.tax);
    bind_money(s, base + 20, i.shipping_price);
    bind_money(s, base + 23, i.promotion_discount);
    bind_money(s, base + 26, i.proceeds_total);
    s.bind(base + 29, i.buyer_requested_cancel);
    s.bind_ref(base + 30, i.buyer_cancel_reason);
    s.bind_ref(base + 31, i.canceled_by);
    s.bind_ref(base + 32, i.cancel_reason);
}

} // namespace store_rows

} // namespace asc
