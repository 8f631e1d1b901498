#pragma once
// Part `ship`: the packages of one `order ship` run, held on disk: each package's record goes to an
// unlinked temporary file as it is read, and memory keeps 8 bytes a package (where its record is,
// and the next package of its order), so that the input of a batch of any size costs little to
// hold while ShipService::run_chunked() works through it a chunk at a time.

#include "asc/ship/ship.hpp"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace asc {

class ShipRequestList {
  public:
    ShipRequestList();
    ~ShipRequestList();
    ShipRequestList(ShipRequestList&&) noexcept;
    ShipRequestList& operator=(ShipRequestList&&) noexcept;
    ShipRequestList(const ShipRequestList&) = delete;
    ShipRequestList& operator=(const ShipRequestList&) = delete;

    // Adds one input line's package. A line of an order and tracking number already listed, both
    // naming an item, adds its item to that package (lines of one package add up); any other line
    // is a new package, after the others (so a package given twice without items stays twice, and
    // the guard reports the second). `r` is expected validated(). Throws Error(Temporary) when the
    // temporary file cannot be written (the hint names TMPDIR), Error(Usage) for an input too
    // large for one run.
    void add(const ShipRequest& r);
    // Links each package to the next one of its order and frees what add() needs to find a
    // package again (call once every line is in; reading a package needs it).
    void seal();

    [[nodiscard]] std::size_t size() const { return m_at.size(); }
    [[nodiscard]] bool empty() const { return m_at.empty(); }
    // Package `i` (in the order of first appearance) made again as a request, read back from the
    // file (packages read in input order are read a block at a time).
    [[nodiscard]] ShipRequest operator[](std::size_t i) const;
    // The next package after `i` of the same order, or size() when `i` is its last (or its id is
    // not an Amazon order id: such a package is refused on its own). After seal().
    [[nodiscard]] std::size_t next_of_order(std::size_t i) const {
        return m_next[i] == 0 ? size() : static_cast<std::size_t>(m_next[i]);
    }

  private:
    struct Impl;
    // The record of package `i`, read back (valid until the next read).
    [[nodiscard]] std::string_view record(std::size_t i) const;
    void append_item(std::size_t i, const ShipItem& item);
    void write_last();
    [[nodiscard]] std::size_t slot_of(std::uint64_t key, std::string_view order_id, std::string_view tracking) const;
    void grow_index();

    std::unique_ptr<Impl> m_impl;    // the file, the record being added to, what add() needs
    std::vector<std::uint32_t> m_at;   // where each package's record starts in the file
    std::vector<std::uint32_t> m_next; // after seal(): the next package of its order, 0 for none
};

} // namespace asc
