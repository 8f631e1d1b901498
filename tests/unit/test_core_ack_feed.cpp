#include "asc/amazon/ack_feed.hpp"
#include "asc/base/errors.hpp"

#include <doctest/doctest.h>
#include <pugixml.hpp>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>
#include <zlib.h>

using asc::AckMessage;
using asc::CancelReason;

namespace {

std::vector<std::string> child_names(const pugi::xml_node& node) {
    std::vector<std::string> names;
    for (const pugi::xml_node child : node.children()) {
        if (child.type() == pugi::node_element) {
            names.emplace_back(child.name());
        }
    }
    return names;
}

std::vector<AckMessage> sample_messages() {
    return {
        AckMessage{1, "902-1845936-5435065", {"05015851154158", "05015851154159"}, CancelReason::NoInventory},
        AckMessage{2, "902-8745147-1934268", {"12345678901234"}, CancelReason::BuyerCanceled},
        AckMessage{7,
                   "902-3159896-1390916",
                   {"22222222222222", "33333333333333", "44444444444444"},
                   CancelReason::ShippingAddressUndeliverable},
    };
}

// Compresses with zlib as a gzip member (window bits 15 + 16).
std::string gzip(std::string_view data) {
    z_stream s{};
    REQUIRE(deflateInit2(&s, Z_BEST_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) == Z_OK);
    std::string out(deflateBound(&s, static_cast<uLong>(data.size())), '\0');
    s.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data())); // NOLINT
    s.avail_in = static_cast<uInt>(data.size());
    s.next_out = reinterpret_cast<Bytef*>(out.data()); // NOLINT
    s.avail_out = static_cast<uInt>(out.size());
    REQUIRE(deflate(&s, Z_FINISH) == Z_STREAM_END);
    out.resize(s.total_out);
    deflateEnd(&s);
    return out;
}

const char* const k_mixed_report = R"(<?xml version="1.0" encoding="UTF-8"?>
<AmazonEnvelope xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:noNamespaceSchemaLocation="amzn-envelope.xsd">
  <Header><DocumentVersion>1.02</DocumentVersion><MerchantIdentifier>A1SELLER</MerchantIdentifier></Header>
  <MessageType>ProcessingReport</MessageType>
  <Message>
    <MessageID>1</MessageID>
    <ProcessingReport>
      <DocumentTransactionID>50012345678</DocumentTransactionID>
      <StatusCode>Complete</StatusCode>
      <ProcessingSummary>
        <MessagesProcessed>3</MessagesProcessed>
        <MessagesSuccessful>2</MessagesSuccessful>
        <MessagesWithError>1</MessagesWithError>
        <MessagesWithWarning>1</MessagesWithWarning>
      </ProcessingSummary>
      <Result>
        <MessageID>2</MessageID>
        <ResultCode>Error</ResultCode>
        <ResultMessageCode>18028</ResultMessageCode>
        <ResultDescription>The order 902-8745147-1934268 has already shipped &amp; cannot be canceled.</ResultDescription>
        <AdditionalInfo><AmazonOrderID>902-8745147-1934268</AmazonOrderID></AdditionalInfo>
      </Result>
      <Result>
        <MessageID>7</MessageID>
        <ResultCode>Warning</ResultCode>
        <ResultMessageCode>5000</ResultMessageCode>
        <ResultDescription>A harmless warning.</ResultDescription>
      </Result>
      <Result>
        <MessageID>2</MessageID>
        <ResultCode>Error</ResultCode>
        <ResultMessageCode>99999</ResultMessageCode>
        <ResultDescription>A second error for the same message.</ResultDescription>
      </Result>
    </ProcessingReport>
  </Message>
</AmazonEnvelope>
)";

const char* const k_all_success_report = R"(<?xml version="1.0" encoding="UTF-8"?>
<AmazonEnvelope xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:noNamespaceSchemaLocation="amzn-envelope.xsd">
  <Header><DocumentVersion>1.02</DocumentVersion><MerchantIdentifier>A1SELLER</MerchantIdentifier></Header>
  <MessageType>ProcessingReport</MessageType>
  <Message>
    <MessageID>1</MessageID>
    <ProcessingReport>
      <DocumentTransactionID>50012345679</DocumentTransactionID>
      <StatusCode>Complete</StatusCode>
      <ProcessingSummary>
        <MessagesProcessed>2</MessagesProcessed>
        <MessagesSuccessful>2</MessagesSuccessful>
        <MessagesWithError>0</MessagesWithError>
        <MessagesWithWarning>0</MessagesWithWarning>
      </ProcessingSummary>
    </ProcessingReport>
  </Message>
</AmazonEnvelope>
)";

// What Amazon answers a document it could not parse: one error about the whole document.
const char* const k_fatal_report = R"(<?xml version="1.0" encoding="UTF-8"?>
<AmazonEnvelope xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:noNamespaceSchemaLocation="amzn-envelope.xsd">
  <Header><DocumentVersion>1.02</DocumentVersion><MerchantIdentifier>A1SELLER</MerchantIdentifier></Header>
  <MessageType>ProcessingReport</MessageType>
  <Message>
    <MessageID>1</MessageID>
    <ProcessingReport>
      <DocumentTransactionID>50012345680</DocumentTransactionID>
      <StatusCode>Complete</StatusCode>
      <ProcessingSummary>
        <MessagesProcessed>0</MessagesProcessed>
        <MessagesSuccessful>0</MessagesSuccessful>
        <MessagesWithError>1</MessagesWithError>
        <MessagesWithWarning>0</MessagesWithWarning>
      </ProcessingSummary>
      <Result>
        <MessageID>0</MessageID>
        <ResultCode>Error</ResultCode>
        <ResultMessageCode>5001</ResultMessageCode>
        <ResultDescription>XML Parsing Fatal Error at Line 1, Column 1: Content is not allowed in prolog.</ResultDescription>
      </Result>
    </ProcessingReport>
  </Message>
</AmazonEnvelope>
)";

} // namespace

TEST_SUITE_BEGIN("core::ack_feed");

TEST_CASE("the acknowledgement feed has the XSD's element order") {
    const std::string xml = asc::build_ack_feed("A1SELLER", sample_messages());
    CHECK(xml.rfind(R"(<?xml version="1.0" encoding="UTF-8"?>)", 0) == 0);

    pugi::xml_document doc;
    REQUIRE(doc.load_string(xml.c_str()));
    const pugi::xml_node envelope = doc.document_element();
    CHECK(std::string(envelope.name()) == "AmazonEnvelope");
    CHECK(std::string(envelope.attribute("xmlns:xsi").value()) ==
          "http://www.w3.org/2001/XMLSchema-instance");
    CHECK(std::string(envelope.attribute("xsi:noNamespaceSchemaLocation").value()) == "amzn-envelope.xsd");
    CHECK(child_names(envelope) ==
          std::vector<std::string>{"Header", "MessageType", "Message", "Message", "Message"});

    const pugi::xml_node header = envelope.child("Header");
    CHECK(child_names(header) == std::vector<std::string>{"DocumentVersion", "MerchantIdentifier"});
    CHECK(std::string(header.child_value("DocumentVersion")) == "1.01");
    CHECK(std::string(header.child_value("MerchantIdentifier")) == "A1SELLER");
    CHECK(std::string(envelope.child_value("MessageType")) == "OrderAcknowledgement");

    for (const pugi::xml_node message : envelope.children("Message")) {
        CHECK(child_names(message) == std::vector<std::string>{"MessageID", "OrderAcknowledgement"});
        const pugi::xml_node ack = message.child("OrderAcknowledgement");
        const auto names = child_names(ack);
        REQUIRE(names.size() >= 3);
        CHECK(names[0] == "AmazonOrderID");
        CHECK(names[1] == "StatusCode");
        for (std::size_t i = 2; i < names.size(); ++i) {
            CHECK(names[i] == "Item");
        }
        CHECK(std::string(ack.child_value("StatusCode")) == "Failure");
        for (const pugi::xml_node item : ack.children("Item")) {
            CHECK(child_names(item) == std::vector<std::string>{"AmazonOrderItemCode", "CancelReason"});
        }
    }
}

TEST_CASE("the acknowledgement feed lists every item of every order with its reason") {
    const auto messages = sample_messages();
    const std::string xml = asc::build_ack_feed("A1SELLER", messages);
    pugi::xml_document doc;
    REQUIRE(doc.load_string(xml.c_str()));

    std::size_t i = 0;
    std::set<std::string> ids;
    for (const pugi::xml_node message : doc.document_element().children("Message")) {
        REQUIRE(i < messages.size());
        const AckMessage& m = messages[i++];
        CHECK(std::string(message.child_value("MessageID")) == std::to_string(m.message_id));
        CHECK(ids.insert(message.child_value("MessageID")).second);
        const pugi::xml_node ack = message.child("OrderAcknowledgement");
        CHECK(std::string(ack.child_value("AmazonOrderID")) == m.order_id);
        std::vector<std::string> items;
        for (const pugi::xml_node item : ack.children("Item")) {
            items.emplace_back(item.child_value("AmazonOrderItemCode"));
            CHECK(std::string(item.child_value("CancelReason")) == asc::to_string(m.reason));
        }
        CHECK(items == m.order_item_ids);
    }
    CHECK(i == messages.size());
}

TEST_CASE("the acknowledgement feed escapes text") {
    const std::string merchant = "A1 & <B> \"C\"";
    const std::string xml = asc::build_ack_feed(merchant, sample_messages());
    CHECK(xml.find("A1 &amp; &lt;B&gt;") != std::string::npos);
    pugi::xml_document doc;
    REQUIRE(doc.load_string(xml.c_str()));
    CHECK(doc.document_element().child("Header").child_value("MerchantIdentifier") == merchant);
}

TEST_CASE("a message for an order carries every one of its items") {
    asc::Order order;
    order.order_id = "902-1845936-5435065";
    for (const char* id : {"05015851154158", "05015851154159"}) {
        asc::OrderItem item;
        item.order_item_id = id;
        order.items.push_back(item);
    }
    const AckMessage m = asc::ack_message_for(order, CancelReason::CustomerExchange, 5);
    CHECK(m.message_id == 5);
    CHECK(m.order_id == order.order_id);
    CHECK(m.order_item_ids == std::vector<std::string>{"05015851154158", "05015851154159"});
    CHECK(m.reason == CancelReason::CustomerExchange);
}

TEST_CASE("building a feed refuses duplicate MessageIDs, empty item lists and other bugs") {
    auto messages = sample_messages();
    messages[2].message_id = 1;
    CHECK_THROWS_AS(asc::build_ack_feed("A1SELLER", messages), std::invalid_argument);

    messages = sample_messages();
    messages[1].order_item_ids.clear();
    CHECK_THROWS_AS(asc::build_ack_feed("A1SELLER", messages), std::invalid_argument);

    messages = sample_messages();
    messages[0].message_id = 0;
    CHECK_THROWS_AS(asc::build_ack_feed("A1SELLER", messages), std::invalid_argument);

    messages = sample_messages();
    messages[0].order_id.clear();
    CHECK_THROWS_AS(asc::build_ack_feed("A1SELLER", messages), std::invalid_argument);

    CHECK_THROWS_AS(asc::build_ack_feed("A1SELLER", {}), std::invalid_argument);
}

TEST_CASE("messages are split into feeds only above the limit") {
    std::vector<AckMessage> messages;
    for (std::uint64_t id = 1; id <= 7; ++id) {
        messages.push_back(
            AckMessage{id, "902-0000000-000000" + std::to_string(id), {"1"}, CancelReason::NoInventory});
    }
    CHECK(asc::split_messages(messages, 7).size() == 1);
    CHECK(asc::split_messages(messages, 100).size() == 1);
    const auto feeds = asc::split_messages(messages, 3);
    REQUIRE(feeds.size() == 3);
    CHECK(feeds[0].size() == 3);
    CHECK(feeds[1].size() == 3);
    CHECK(feeds[2].size() == 1);
    CHECK(feeds[0][0].message_id == 1);
    CHECK(feeds[1][0].message_id == 4);
    CHECK(feeds[2][0].message_id == 7);
    CHECK(asc::split_messages({}, 3).empty());
    CHECK_THROWS_AS(asc::split_messages(messages, 0), std::invalid_argument);
}

TEST_CASE("an all-success report has no Result and every message succeeded") {
    const auto report = asc::parse_processing_report(k_all_success_report);
    CHECK(report.document_transaction_id == "50012345679");
    CHECK(report.status_code == "Complete");
    CHECK(report.processed == 2);
    CHECK(report.successful == 2);
    CHECK(report.with_error == 0);
    CHECK(report.with_warning == 0);
    CHECK(report.results.empty());
    CHECK(asc::errors_by_message(report).empty());
    CHECK(asc::outcome_of(report, 1).succeeded);
    CHECK(asc::outcome_of(report, 2).succeeded);
}

TEST_CASE("a mixed report fails only the messages with an Error result") {
    const auto report = asc::parse_processing_report(k_mixed_report);
    CHECK(report.processed == 3);
    CHECK(report.successful == 2);
    CHECK(report.with_error == 1);
    CHECK(report.with_warning == 1);
    REQUIRE(report.results.size() == 3);
    CHECK(report.results[0].message_id == 2);
    CHECK(report.results[0].result_code == "Error");
    CHECK(report.results[0].message_code == "18028");
    CHECK(report.results[0].description ==
          "The order 902-8745147-1934268 has already shipped & cannot be canceled.");
    CHECK(report.results[0].order_id == "902-8745147-1934268");

    const auto errors = asc::errors_by_message(report);
    REQUIRE(errors.size() == 1);
    REQUIRE(errors.count(2) == 1);
    CHECK(errors.at(2)->message_code == "18028"); // the first error of the message

    CHECK(asc::outcome_of(report, 1).succeeded);
    const auto failed = asc::outcome_of(report, 2);
    CHECK_FALSE(failed.succeeded);
    CHECK(failed.result_code == "Error");
    CHECK(failed.message_code == "18028");
    CHECK(failed.description.find("already shipped") != std::string::npos);
}

TEST_CASE("a Warning does not fail its message") {
    const auto report = asc::parse_processing_report(k_mixed_report);
    CHECK(asc::errors_by_message(report).count(7) == 0);
    CHECK(asc::outcome_of(report, 7).succeeded);
}

TEST_CASE("a report that rejects the whole document fails every message") {
    const auto report = asc::parse_processing_report(k_fatal_report);
    CHECK(report.processed == 0);
    CHECK(report.successful == 0);
    REQUIRE(report.results.size() == 1);
    CHECK(report.results[0].message_id == 0);
    CHECK(asc::errors_by_message(report).empty()); // about no message in particular
    for (std::uint64_t id : {1U, 2U, 7U}) {
        const auto outcome = asc::outcome_of(report, id);
        CHECK_FALSE(outcome.succeeded);
        CHECK(outcome.message_code == "5001");
    }
}

TEST_CASE("a bare ProcessingReport root is read too") {
    const auto report = asc::parse_processing_report(
        "<ProcessingReport><StatusCode>Complete</StatusCode><ProcessingSummary><MessagesProcessed>1"
        "</MessagesProcessed><MessagesSuccessful>1</MessagesSuccessful></ProcessingSummary></"
        "ProcessingReport>");
    CHECK(report.processed == 1);
    CHECK(report.successful == 1);
    CHECK(report.with_error == 0);
}

TEST_CASE("an unreadable processing report is a temporary error") {
    for (const char* text : {"", "not xml", "<AmazonEnvelope><Message>", "<AmazonEnvelope/>", "<html></html>",
                             "<ProcessingReport><ProcessingSummary><MessagesProcessed>x</MessagesProcessed>"
                             "</ProcessingSummary></ProcessingReport>",
                             "<ProcessingReport><ProcessingSummary><MessagesProcessed>-1</MessagesProcessed>"
                             "</ProcessingSummary></ProcessingReport>"}) {
        CAPTURE(text);
        try {
            (void)asc::parse_processing_report(text);
            FAIL("expected an error");
        } catch (const asc::Error& e) {
            CHECK(e.kind() == asc::ErrorKind::Temporary);
            CHECK(std::string(e.what()).find("Amazon's processing report could not be read") == 0);
        }
    }
}

TEST_CASE("gunzip round-trips a gzip-compressed report") {
    const std::string compressed = gzip(k_mixed_report);
    CHECK(static_cast<unsigned char>(compressed[0]) == 0x1f);
    CHECK(asc::gunzip(compressed) == k_mixed_report);
    const auto report = asc::parse_processing_report(asc::gunzip(compressed));
    CHECK(report.with_error == 1);
}

TEST_CASE("gunzip reads a large body and concatenated members") {
    std::string big;
    for (int i = 0; i < 50'000; ++i) {
        big += "<Result><MessageID>" + std::to_string(i) + "</MessageID></Result>\n";
    }
    CHECK(asc::gunzip(gzip(big)) == big);
    CHECK(asc::gunzip(gzip("abc") + gzip("def")) == "abcdef");
}

TEST_CASE("gunzip rejects corrupt, truncated and oversized data") {
    const std::string good = gzip(k_mixed_report);
    std::string corrupt = good;
    corrupt[corrupt.size() / 2] = static_cast<char>(corrupt[corrupt.size() / 2] ^ 0x55);
    std::string bad_crc = good;
    bad_crc[bad_crc.size() - 6] = static_cast<char>(bad_crc[bad_crc.size() - 6] ^ 0x01);
    for (const std::string& data : {std::string(), std::string("plain text"), corrupt, bad_crc,
                                    good.substr(0, good.size() / 2), good + "garbage"}) {
        CHECK_THROWS_AS(asc::gunzip(data), asc::Error);
    }
    try {
        (void)asc::gunzip(good, 100);
        FAIL("expected an error");
    } catch (const asc::Error& e) {
        CHECK(e.kind() == asc::ErrorKind::Temporary);
    }
    // A small bomb: a megabyte of zeros inflates past a 64 KiB cap.
    CHECK_THROWS_AS(asc::gunzip(gzip(std::string(std::size_t{1024} * 1024, '\0')), std::size_t{64} * 1024),
                    asc::Error);
}

TEST_SUITE_END();
