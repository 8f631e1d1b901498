#pragma once
// The order report GET_FLAT_FILE_ALL_ORDERS_DATA_BY_LAST_UPDATE_GENERAL, parsed as it streams in.
//
// The report is a tab-separated file: a header line of column names, then one row per order item
// with the order's fields repeated on each of its rows ("Order Tracking reports attributes",
// https://developer-docs.amazon.com/sp-api/docs/order-tracking-reports-attributes). Columns are
// found by header name, never position; unknown columns are ignored; a row's missing trailing
// cells read as empty. Only the current line and the current order are held in memory, so a
// report of hundreds of MB parses in constant memory.
//
// What a row becomes (the report has less than getOrder):
//   * statuses and channels in Amazon's report spellings map to the model: "Cancelled" ->
//     Canceled, "Shipping" (an Amazon-fulfilled order on its way out) -> Unshipped,
//     "Merchant"/"Amazon" -> MFN/AFN, "Non-Amazon" sales channel -> NON_AMAZON, a one-word service
//     level "SecondDay" -> SECOND_DAY;
//   * money is exact (decimal strings into minor units): item-price is the item's ITEM amount,
//     item-tax + shipping-tax + gift-wrap-tax its TAX, shipping-price its SHIPPING,
//     item-promotion-discount + ship-promotion-discount its DISCOUNT (always negative, as in
//     Amazon's proceeds), gift-wrap-price part of its proceeds only; zero parts are left out, as
//     Amazon's proceeds breakdowns leave them out. The order total is the sum over its items;
//     Pending orders carry no prices and get no total;
//   * the unit price is item-price / quantity when that division is exact;
//   * item-status Shipped / Unshipped / Cancelled sets the shipped and unshipped quantities;
//   * ship-city/-state/-postal-code/-country become a partial ship-to address (the store keeps
//     city and postal code only with store_pii); no order item ids, packages, buyer or ship-by
//     dates: they are not in the report.
// Rows of one order are consecutive in Amazon's reports; an order is handed over when a row of
// another order (or the end) arrives.

#include "asc/model/model.hpp"

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace asc {

class OrderReportParser {
  public:
    // Orders get `marketplace_id` (a report asked for one marketplace). `on_order` receives each
    // complete order.
    OrderReportParser(std::string marketplace_id, std::function<void(Order&&)> on_order);

    // Takes the next bytes of the document (any split, even inside a line or a UTF-8 sequence).
    // Throws Error(Temporary) "order report line N: ..." for a row that cannot be read (a bad
    // amount, quantity, date or status), or a header without the required columns.
    void feed(std::string_view bytes);
    // The document ended: parses a last line without a line break and hands over the last order.
    void finish();

    // Lines read so far (the header included), and item rows.
    [[nodiscard]] std::size_t lines() const { return m_line; }
    [[nodiscard]] std::size_t rows() const { return m_rows; }

  private:
    struct Columns;
    void parse_line(std::string_view line);
    void parse_header(std::string_view line);
    void parse_row(std::string_view line);
    void emit();

    std::string m_marketplace_id;
    std::function<void(Order&&)> m_on_order;
    std::string m_partial; // an incomplete line carried over to the next feed()
    std::size_t m_line = 0;
    std::size_t m_rows = 0;
    std::vector<int> m_index; // column slot -> position in the row, -1 when absent
    bool m_have_header = false;
    bool m_have_order = false;
    Order m_order;
    std::vector<std::string_view> m_cells;
};

// "SecondDay" -> "SECOND_DAY"; anything that is not one word of letters is kept as it is.
std::string service_level_code(std::string_view report_value);

} // namespace asc
