#pragma once
// Orders as output records: the stable snake_case JSON keys of `orders list` rows and of the three
// tabs of `order show`. Money is {"amount":"19.99","currency":"USD"}, times RFC 3339 UTC.

#include "asc/base/errors.hpp"
#include "asc/model/model.hpp"
#include "asc/output/output.hpp"

#include <array>
#include <string>
#include <vector>

namespace asc {

Record money_record(const std::optional<Money>& m);

// `orders list`: one row per order.
const std::vector<Field>& list_fields();          // every field a row has
const std::vector<Field>& list_default_fields();  // the columns shown without --fields
Record list_record(const Order& order);

// list_record's values for the given fields (keys of list_fields(); any other key is null), as
// the cells of Renderer::row_cells: the same row without building a record.
class ListCells {
  public:
    explicit ListCells(const std::vector<Field>& fields);
    // Views into `order` and into this object: valid until the next call.
    std::span<const CellValue> of(const Order& order);

  private:
    enum class Column : std::uint8_t {
        None, OrderId, PurchaseDate, Status, FulfilledBy, ShipBy, ItemsShipped, ItemsUnshipped, Total,
        SalesChannel, MarketplaceId, LastUpdated, ServiceLevel, Prime, Business, SellerOrderId,
    };
    std::vector<Column> m_columns;
    std::vector<CellValue> m_cells;
    std::array<std::string, 3> m_times; // purchase date, ship by, last updated
    std::string m_amount;
};

// `order show --tab details`: one record.
Record details_record(const Order& order);
// `order show --tab items`: one row per item.
const std::vector<Field>& item_fields();
Record item_record(const OrderItem& item);
// `order show --tab tracking`: one row per package.
const std::vector<Field>& package_fields();
Record package_record(const Package& package, const Order& order);

// An order id the user typed, checked in this one place (order show, order cancel, the rows of a
// cancel batch); k_order_id_shape (model.hpp) words the shape.
// Error(Usage): "'ID' is not an Amazon order id" (control characters stripped), with the shape.
Error not_an_order_id(std::string_view id);
// Throws not_an_order_id(id) unless is_amazon_order_id(id).
void require_order_id(std::string_view id);

} // namespace asc
