// A list of short strings held as one buffer (include/asc/base/id_list.hpp).

#include "asc/base/id_list.hpp"

#include "asc/base/errors.hpp"

#include <algorithm>

namespace asc {

IdList::IdList(std::initializer_list<std::string_view> ids) {
    for (const std::string_view id : ids) {
        push_back(id);
    }
}

void IdList::push_back(std::string_view id) {
    if (m_text.size() + id.size() > UINT32_MAX) {
        throw Error(ErrorKind::Usage, "the list of ids is larger than 4 GiB", "split it into several runs");
    }
    m_text.append(id);
    m_end.push_back(static_cast<std::uint32_t>(m_text.size()));
}

std::string_view IdList::operator[](std::size_t i) const {
    const std::uint32_t begin = i == 0 ? 0 : m_end[i - 1];
    return std::string_view(m_text).substr(begin, m_end[i] - begin);
}

std::vector<std::uint32_t> IdList::first_occurrences() const {
    std::vector<std::uint32_t> order(size());
    for (std::size_t i = 0; i < order.size(); ++i) {
        order[i] = static_cast<std::uint32_t>(i);
    }
    std::stable_sort(order.begin(), order.end(),
                     [this](std::uint32_t a, std::uint32_t b) { return (*this)[a] < (*this)[b]; });
    std::vector<bool> first(size(), false);
    for (std::size_t k = 0; k < order.size(); ++k) {
        first[order[k]] = k == 0 || (*this)[order[k]] != (*this)[order[k - 1]];
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
        m_text.shrink_to_fit(); // the growth slack of reading a long list
        m_end.shrink_to_fit();
        return;
    }
    IdList kept;
    for (const std::uint32_t i : firsts) {
        kept.push_back((*this)[i]);
    }
    *this = std::move(kept);
}

std::vector<std::string> IdList::strings() const {
    std::vector<std::string> out;
    out.reserve(size());
    for (std::size_t i = 0; i < size(); ++i) {
        out.emplace_back((*this)[i]);
    }
    return out;
}

} // namespace asc
