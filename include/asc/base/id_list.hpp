#pragma once
// A list of short strings (order ids) held compactly, so that a batch of any size costs little to
// hold: an Amazon order id (3-7-7 digits) is packed into 8 bytes (its 17 digits as one number),
// anything else is kept as text in one buffer (4 bytes of offset plus its characters), where a
// std::vector<std::string> takes 64 bytes an id.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace asc {

class IdList {
  public:
    // One id of the list as text: a packed order id written back into this value, or a view of
    // the list's buffer (valid until the list is changed). Keep the Text, not only the view, while
    // the view is used.
    class Text {
      public:
        [[nodiscard]] std::string_view view() const { return {m_data != nullptr ? m_data : m_own, m_size}; }
        operator std::string_view() const { return view(); } // NOLINT(google-explicit-constructor)
        [[nodiscard]] bool empty() const { return m_size == 0; }
        [[nodiscard]] std::size_t size() const { return m_size; }
        friend bool operator==(const Text& a, const Text& b) { return a.view() == b.view(); }
        friend bool operator==(const Text& a, std::string_view b) { return a.view() == b; }
        friend bool operator<(const Text& a, const Text& b) { return a.view() < b.view(); }
        friend bool operator<(const Text& a, std::string_view b) { return a.view() < b; }

      private:
        friend class IdList;
        const char* m_data = nullptr; // the list's buffer; nullptr: m_own
        std::uint32_t m_size = 0;
        char m_own[19] = {};
    };

    IdList() = default;
    IdList(std::initializer_list<std::string_view> ids);

    void push_back(std::string_view id);
    [[nodiscard]] std::size_t size() const { return m_ids.size(); }
    [[nodiscard]] bool empty() const { return m_ids.empty(); }
    // The id at `i`.
    [[nodiscard]] Text operator[](std::size_t i) const;
    // Whether the id at `i` sorts before the one at `j` (as text; without writing packed ids out).
    [[nodiscard]] bool less(std::size_t i, std::size_t j) const;
    // The index of the first occurrence of each id, in order (4 bytes an id, not a set of copies).
    [[nodiscard]] std::vector<std::uint32_t> first_occurrences() const;
    // Keeps the first occurrence of each id, in order.
    void dedupe();
    // The ids as strings (for a small list).
    [[nodiscard]] std::vector<std::string> strings() const;

    // An Amazon order id's 17 digits as one number (below 2^57, so it sorts as its text does);
    // nullopt for anything else.
    static std::optional<std::uint64_t> pack(std::string_view id);

  private:
    // Bit 63 clear: a packed order id. Set: the low bits index m_end, the id's text in m_text.
    static constexpr std::uint64_t k_text = std::uint64_t{1} << 63;
    std::vector<std::uint64_t> m_ids;
    std::string m_text;               // the ids that are not order ids, one after the other
    std::vector<std::uint32_t> m_end; // where each of them ends in m_text
};

} // namespace asc
