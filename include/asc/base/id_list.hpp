#pragma once
// A list of short strings (order ids) held as one buffer: about 24 bytes an id of 20 characters,
// where a std::vector<std::string> takes 64, so that a batch of any size costs little to hold.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace asc {

class IdList {
  public:
    IdList() = default;
    IdList(std::initializer_list<std::string_view> ids);

    void push_back(std::string_view id);
    [[nodiscard]] std::size_t size() const { return m_end.size(); }
    [[nodiscard]] bool empty() const { return m_end.empty(); }
    // The id at `i` (valid until the list is changed).
    [[nodiscard]] std::string_view operator[](std::size_t i) const;
    // The index of the first occurrence of each id, in order (4 bytes an id, not a set of copies).
    [[nodiscard]] std::vector<std::uint32_t> first_occurrences() const;
    // Keeps the first occurrence of each id, in order.
    void dedupe();
    // The ids as strings (for a small list).
    [[nodiscard]] std::vector<std::string> strings() const;

  private:
    std::string m_text;
    std::vector<std::uint32_t> m_end; // where each id ends in m_text
};

} // namespace asc
