// A list of short strings held compactly (include/asc/base/id_list.hpp).

#include "asc/base/id_list.hpp"

#include "asc/base/errors.hpp"

#include <algorithm>

namespace asc {

namespace {

// Where the 17 digits of an Amazon order id sit: 3-7-7.
constexpr std::size_t k_order_id_size = 19;
constexpr bool is_dash_at(std::size_t i) {
    return i == 3 || i == 11;
}

} // namespace

IdList::IdList(std::initializer_list<std::string_view> ids) {
    for (const std::string_view id : ids) {
        push_back(id);
    }
}

std::optional<std::uint64_t> IdList::pack(std::string_view id) {
    if (id.size() != k_order_id_size) {
        return std::nullopt;
    }
    std::uint64_t v = 0;
    for (std::size_t i = 0; i < id.size(); ++i) {
        const char c = id[i];
        if (is_dash_at(i)) {
            if (c != '-') {
                return std::nullopt;
            }
        } else if (c >= '0' && c <= '9') {
            v = v * 10 + static_cast<std::uint64_t>(c - '0');
        } else {
            return std::nullopt;
        }
    }
    return v;
}

void IdList::push_back(std::string_view id) {
    if (const auto packed = pack(id)) {
        m_ids.push_back(*packed);
        return;
    }
    if (m_text.size() + id.size() > UINT32_MAX) {
        throw Error(ErrorKind::Usage, "the list of ids is larger than 4 GiB", "split it into several runs");
    }
    m_text.append(id);
    m_end.push_back(static_cast<std::uint32_t>(m_text.size()));
    m_ids.push_back(k_text | (m_end.size() - 1));
}

IdList::Text IdList::operator[](std::size_t i) const {
    Text t;
    const std::uint64_t v = m_ids[i];
    if ((v & k_text) != 0) {
        const std::size_t k = v & ~k_text;
        const std::uint32_t begin = k == 0 ? 0 : m_end[k - 1];
        t.m_data = m_text.data() + begin;
        t.m_size = m_end[k] - begin;
        return t;
    }
    std::uint64_t rest = v;
    for (std::size_t p = k_order_id_size; p-- > 0;) {
        if (is_dash_at(p)) {
            t.m_own[p] = '-';
        } else {
            t.m_own[p] = static_cast<char>('0' + rest % 10);
            rest /= 10;
        }
    }
    t.m_size = k_order_id_size;
    return t;
}

bool IdList::less(std::size_t i, std::size_t j) const {
    const std::uint64_t a = m_ids[i];
    const std::uint64_t b = m_ids[j];
    if ((a & k_text) == 0 && (b & k_text) == 0) {
        return a < b;
    }
    return (*this)[i] < (*this)[j];
}

std::vector<std::uint32_t> IdList::first_occurrences() const {
    std::vector<std::uint32_t> order(size());
    for (std::size_t i = 0; i < order.size(); ++i) {
        order[i] = static_cast<std::uint32_t>(i);
    }
    std::stable_sort(order.begin(), order.end(), [this](std::uint32_t a, std::uint32_t b) { return less(a, b); });
    std::vector<bool> first(size(), false);
    for (std::size_t k = 0; k < order.size(); ++k) {
        first[order[k]] = k == 0 || less(order[k - 1], order[k]);
    }
    order.clear();
    for (std::size_t i = 0; i < first.size(); ++i) {
        if (first[i]) {
            order.push_back(static_cast<std::uint32_t>(i));
        }
    }
    order.shrink_to_fit();
    return order;
}

void IdList::dedupe() {
    const std::vector<std::uint32_t> firsts = first_occurrences();
    if (firsts.size() == size()) {
        m_ids.shrink_to_fit(); // the growth slack of reading a long list
        m_text.shrink_to_fit();
        m_end.shrink_to_fit();
        return;
    }
    IdList kept;
    for (const std::uint32_t i : firsts) {
        kept.push_back((*this)[i]);
    }
    kept.m_ids.shrink_to_fit();
    kept.m_text.shrink_to_fit();
    kept.m_end.shrink_to_fit();
    *this = std::move(kept);
}

std::vector<std::string> IdList::strings() const {
    std::vector<std::string> out;
    out.reserve(size());
    for (std::size_t i = 0; i < size(); ++i) {
        out.emplace_back((*this)[i].view());
    }
    return out;
}

} // namespace asc
