#pragma once
// Part `ship`: the packages of one `order ship` run, held compactly (about 60 bytes a package
// where a ShipRequest takes some 300), so that the input of a batch of any size costs little to
// hold while ShipService::run_chunked() works through it a chunk at a time.

#include "asc/ship/ship.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace asc {

class ShipRequestList {
  public:
    // Adds one input line's package. A line of an order and tracking number already listed, both
    // naming an item, adds its item to that package (lines of one package add up); any other line
    // is a new package, after the others (so a package given twice without items stays twice, and
    // the guard reports the second). `r` is expected validated().
    void add(const ShipRequest& r);
    // Frees what add() needs to find a package again (call once every line is in).
    void seal();

    [[nodiscard]] std::size_t size() const { return m_at.size(); }
    [[nodiscard]] bool empty() const { return m_at.empty(); }
    // Package `i` (in the order of first appearance) made again as a request.
    [[nodiscard]] ShipRequest operator[](std::size_t i) const;
    // Its order id (valid until the list is changed).
    [[nodiscard]] std::string_view order_id(std::size_t i) const;

  private:
    [[nodiscard]] std::string_view tracking(std::size_t i) const;
    [[nodiscard]] bool has_items(std::size_t i) const;
    void append_item(std::size_t i, const ShipItem& item);
    [[nodiscard]] std::size_t slot_of(std::string_view order_id, std::string_view tracking) const;
    void grow_index();

    std::string m_text;                // the records, one after the other
    std::vector<std::uint32_t> m_at;   // where each package's record starts in m_text
    std::vector<std::uint32_t> m_slot; // open addressing on (order id, tracking): package + 1, 0 free
};

} // namespace asc
