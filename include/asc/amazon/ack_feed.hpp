#pragma once
// The order-acknowledgement feed (POST_ORDER_ACKNOWLEDGEMENT_DATA) that cancels seller-fulfilled
// orders, and the XML processing report Amazon answers it with. Pure text in, text out.
//
// Feed (amzn-envelope.xsd, OrderAcknowledgement.xsd; element order is significant):
//   <AmazonEnvelope xmlns:xsi=".." xsi:noNamespaceSchemaLocation="amzn-envelope.xsd">
//     <Header><DocumentVersion>1.01</DocumentVersion><MerchantIdentifier>..</MerchantIdentifier></Header>
//     <MessageType>OrderAcknowledgement</MessageType>
//     <Message><MessageID>1</MessageID>
//       <OrderAcknowledgement><AmazonOrderID>..</AmazonOrderID><StatusCode>Failure</StatusCode>
//         <Item><AmazonOrderItemCode>..</AmazonOrderItemCode><CancelReason>..</CancelReason></Item>...
//       </OrderAcknowledgement></Message>...
//   </AmazonEnvelope>

#include "asc/amazon/cancel_reason.hpp"
#include "asc/model/model.hpp"

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace asc {

inline constexpr std::string_view k_ack_feed_type = "POST_ORDER_ACKNOWLEDGEMENT_DATA";
// The content type given to createFeedDocument and, byte for byte, to the upload.
inline constexpr std::string_view k_ack_content_type = "text/xml; charset=UTF-8";

// One <Message>: cancels one order, listing every one of its items with the reason.
struct AckMessage {
    std::uint64_t message_id = 0; // unique within the feed, >= 1
    std::string order_id;
    std::vector<std::string> order_item_ids; // the items' AmazonOrderItemCode
    CancelReason reason = CancelReason::NoInventory;
};

// The message that cancels `order`: every item of the order, with `reason`.
AckMessage ack_message_for(const Order& order, CancelReason reason, std::uint64_t message_id);

// The feed document (UTF-8, with its XML declaration). Throws std::invalid_argument (a bug in the
// caller) when there are no messages, a MessageID is 0 or repeated, or a message has no order id
// or no items.
std::string build_ack_feed(std::string_view merchant_id, const std::vector<AckMessage>& messages);

// Writes the same document as build_ack_feed() a message at a time to `out` (a TempFile, a
// string), so that a feed of any size is never held whole: the header at construction, each
// message as it is added, the end at finish(). add() throws std::invalid_argument (a bug in the
// caller) for a MessageID 0, a message without order id or items, or an item without id (MessageIDs
// are not checked for repeats here: the caller numbers them 1, 2, ...).
class AckFeedWriter {
  public:
    using Out = std::function<void(std::string_view bytes)>;
    AckFeedWriter(std::string_view merchant_id, Out out);
    void add(std::uint64_t message_id, std::string_view order_id, std::span<const std::string> order_item_ids,
             CancelReason reason);
    void add(const AckMessage& message);
    // Writes the end of the document. Throws std::invalid_argument when no message was added.
    void finish();
    [[nodiscard]] std::size_t messages() const { return m_messages; }

  private:
    void flush();

    Out m_out;
    std::string m_buffer;
    std::size_t m_messages = 0;
};

// Splits messages into feeds of at most `max_per_feed` messages, keeping their order. Throws
// std::invalid_argument when max_per_feed is 0.
std::vector<std::vector<AckMessage>> split_messages(std::vector<AckMessage> messages,
                                                    std::size_t max_per_feed);

// One <Result> of a processing report: an error or a warning about one message (message_id 0 is
// about the whole document).
struct ReportResult {
    std::uint64_t message_id = 0;
    std::string result_code;   // "Error" | "Warning"
    std::string message_code;  // ResultMessageCode, e.g. "18028"
    std::string description;   // ResultDescription
    std::string order_id;      // AdditionalInfo/AmazonOrderID, when given
    std::string order_item_id; // AdditionalInfo/AmazonOrderItemCode, when given

    [[nodiscard]] bool is_error() const;
};

struct ProcessingReport {
    std::string document_transaction_id;
    std::string status_code; // "Complete" | "Processing" | "Rejected"
    int processed = 0;
    int successful = 0;
    int with_error = 0;
    int with_warning = 0;
    std::vector<ReportResult> results;
};

// Parses the XML processing report (AmazonEnvelope/Message/ProcessingReport, or a bare
// ProcessingReport root). Throws Error(Temporary, "Amazon's processing report could not be read:
// ...") when it is not well-formed or not a processing report.
ProcessingReport parse_processing_report(std::string_view xml);

// Decompresses a gzip stream (several members are concatenated). Throws Error(Temporary) when the
// data is not gzip, corrupt or truncated, or would inflate beyond `max_size` bytes.
inline constexpr std::size_t k_gunzip_max_size = std::size_t{512} * 1024 * 1024;
std::string gunzip(std::string_view compressed, std::size_t max_size = k_gunzip_max_size);

// The first Error result of each message that has one (message_id 0, about the whole document,
// excluded). A message without an Error result succeeded; warnings do not fail a message.
// The pointers point into `report`.
std::map<std::uint64_t, const ReportResult*> errors_by_message(const ProcessingReport& report);

// What happened to one message of the feed.
struct MessageOutcome {
    bool succeeded = false;
    std::string result_code; // of the error that failed it, "" when it succeeded
    std::string message_code;
    std::string description;
};

// The outcome of message `message_id`: failed with its own Error result; or, when the report has a
// document-level error (message 0) and no message succeeded, failed with that; otherwise succeeded.
MessageOutcome outcome_of(const ProcessingReport& report, std::uint64_t message_id);

} // namespace asc
