#pragma once
// Confirming a seller-fulfilled shipment to Amazon: Orders v0 confirmShipment for one package, and
// the POST_ORDER_FULFILLMENT_DATA feed for many. Both carry the same package: the order, a package
// reference, the carrier, the tracking number, the ship date and the units it holds.
//
// confirmShipment (ordersV0.json, not deprecated; usage plan 2/s, burst 10):
//   POST /orders/v0/orders/{orderId}/shipmentConfirmation
//   {"marketplaceId", "packageDetail": {"packageReferenceId" (positive numeric, unique within the
//    order), "carrierCode", "carrierName" (with carrierCode "Other"), "shippingMethod",
//    "trackingNumber", "shipDate" (ISO 8601), "orderItems": [{"orderItemId", "quantity"}]}}  -> 204
//
// The feed (amzn-envelope.xsd, OrderFulfillment.xsd as mirrored in Westie/AmazonMarketplaceXSD,
// Products/OrderFulfillment.xsd; element order is significant):
//   <Message><MessageID>n</MessageID><OrderFulfillment>
//     <AmazonOrderID>..</AmazonOrderID><FulfillmentDate>..</FulfillmentDate>
//     <FulfillmentData>(<CarrierCode>..</CarrierCode> | <CarrierName>..</CarrierName>)
//       <ShippingMethod>..</ShippingMethod>?<ShipperTrackingNumber>..</ShipperTrackingNumber>?
//     </FulfillmentData>
//     <Item><AmazonOrderItemCode>..</AmazonOrderItemCode><Quantity>n</Quantity></Item>*
//   </OrderFulfillment></Message>
// CarrierCode and CarrierName are a choice: a carrier outside Amazon's list goes as CarrierName.

#include "asc/amazon/sp_api.hpp"
#include "asc/model/model.hpp"

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace asc {

inline constexpr std::string_view k_fulfillment_feed_type = "POST_ORDER_FULFILLMENT_DATA";
inline constexpr std::string_view k_fulfillment_content_type = "text/xml; charset=UTF-8";

// One package to confirm.
struct PackageConfirmation {
    std::string order_id;
    std::string marketplace_id;
    std::string package_reference_id;
    std::string carrier_code; // from amazon_carrier_codes(); "Other" with carrier_name
    std::string carrier_name;
    std::string shipping_method;
    std::string tracking_number;
    Timestamp ship_date{};
    std::vector<PackageItem> items;
};

// Amazon's carrier codes (the CarrierCode enumeration of amzn-base.xsd, release_4_1, as mirrored in
// Westie/AmazonMarketplaceXSD, Products/amzn-base.xsd), "Other" last.
std::span<const std::string_view> amazon_carrier_codes();

// The confirmShipment request body. Public for tests.
std::string confirm_shipment_body(const PackageConfirmation& package);

// Sends confirmShipment; returns on 204. The call is not idempotent (Amazon records a package per
// call): after a failure that may have reached Amazon it is not retried and throws
// Error(Temporary); `before_send` runs right before each attempt goes out. A 400 throws
// ApiError(Usage) with Amazon's message, 404 ApiError(NotFound).
void confirm_shipment(SpApiClient& api, const PackageConfirmation& package, std::function<void()> before_send = {});

// The feed document: one message per package, MessageID `first_message_id` + index. Throws
// std::invalid_argument (a bug in the caller) for no packages or a package without items.
std::string build_fulfillment_feed(std::string_view merchant_id, std::span<const PackageConfirmation> packages,
                                   std::span<const std::uint64_t> message_ids);

// Writes the same document as build_fulfillment_feed() a message at a time to `out` (a TempFile),
// so that a feed of any size is never held whole: the start at construction, each message as it
// is added, the end at finish(). add() throws std::invalid_argument like build_fulfillment_feed()
// for a package without order, items or message id; finish() when no message was added.
class FulfillmentFeedWriter {
  public:
    using Out = std::function<void(std::string_view bytes)>;
    FulfillmentFeedWriter(std::string_view merchant_id, Out out);
    void add(const PackageConfirmation& package, std::uint64_t message_id);
    void finish();

  private:
    Out m_out;
    std::size_t m_messages = 0;
};

} // namespace asc
