#include "asc/amazon/ack_feed.hpp"

#include "asc/base/errors.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <limits>
#include <pugixml.hpp>
#include <set>
#include <stdexcept>
#include <type_traits>
#include <zlib.h>

namespace asc {

namespace {

// Appends `text` as XML character data: & < > " ' escaped, and control characters (which XML 1.0
// cannot carry) as character references, as pugixml writes them.
void append_escaped(std::string& out, std::string_view text) {
    for (const char c : text) {
        switch (c) {
        case '&':
            out += "&amp;";
            break;
        case '<':
            out += "&lt;";
            break;
        case '>':
            out += "&gt;";
            break;
        case '"':
            out += "&quot;";
            break;
        case '\'':
            out += "&apos;";
            break;
        default:
            if (static_cast<unsigned char>(c) < 32 && c != '\t' && c != '\n' && c != '\r') {
                out += "&#" + std::to_string(static_cast<int>(c)) + ";";
            } else {
                out += c;
            }
        }
    }
}

bool equals_ignore_case(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) ==
                      std::tolower(static_cast<unsigned char>(y));
           });
}

[[noreturn]] void unreadable(const std::string& why) {
    throw Error(ErrorKind::Temporary, "Amazon's processing report could not be read: " + why,
                "download it again later with `asc feeds show FEED_ID`");
}

std::string trimmed(const pugi::xml_node& node) {
    std::string_view text = node.text().get();
    while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front())) != 0) {
        text.remove_prefix(1);
    }
    while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back())) != 0) {
        text.remove_suffix(1);
    }
    return std::string(text);
}

// A non-negative integer element; absent means 0.
template <typename Int> Int number(const pugi::xml_node& parent, const char* name) {
    const pugi::xml_node node = parent.child(name);
    if (!node) {
        return 0;
    }
    const std::string text = trimmed(node);
    Int value = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    bool negative = false;
    if constexpr (std::is_signed_v<Int>) {
        negative = value < 0;
    }
    if (ec != std::errc() || end != text.data() + text.size() || text.empty() || negative) {
        unreadable(std::string(name) + " is not a number: \"" + text.substr(0, 40) + "\"");
    }
    return value;
}

} // namespace

AckMessage ack_message_for(const Order& order, CancelReason reason, std::uint64_t message_id) {
    AckMessage message;
    message.message_id = message_id;
    message.order_id = order.order_id;
    message.reason = reason;
    for (const OrderItem& item : order.items) {
        message.order_item_ids.push_back(item.order_item_id);
    }
    return message;
}

namespace {

// The writer's buffer goes out when it holds this much.
constexpr std::size_t k_writer_buffer = std::size_t{64} * 1024;

// The layout is pugixml's (two-space indent), element by element (no document tree).
void element(std::string& out, int depth, std::string_view name, std::string_view text) {
    out.append(static_cast<std::size_t>(depth) * 2, ' ');
    out += '<';
    out += name;
    out += '>';
    append_escaped(out, text);
    out += "</";
    out += name;
    out += ">\n";
}

void tag(std::string& out, int depth, std::string_view name, bool close) {
    out.append(static_cast<std::size_t>(depth) * 2, ' ');
    out += close ? "</" : "<";
    out += name;
    out += ">\n";
}

} // namespace

AckFeedWriter::AckFeedWriter(std::string_view merchant_id, Out out) : m_out(std::move(out)) {
    m_buffer.reserve(k_writer_buffer + 4096);
    m_buffer += "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
    m_buffer += "<AmazonEnvelope xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" "
                "xsi:noNamespaceSchemaLocation=\"amzn-envelope.xsd\">\n";
    tag(m_buffer, 1, "Header", false);
    element(m_buffer, 2, "DocumentVersion", "1.01");
    element(m_buffer, 2, "MerchantIdentifier", merchant_id);
    tag(m_buffer, 1, "Header", true);
    element(m_buffer, 1, "MessageType", "OrderAcknowledgement");
}

void AckFeedWriter::add(std::uint64_t message_id, std::string_view order_id,
                        std::span<const std::string> order_item_ids, CancelReason reason) {
    if (message_id == 0) {
        throw std::invalid_argument("build_ack_feed: MessageID 0 (they start at 1)");
    }
    if (order_id.empty()) {
        throw std::invalid_argument("build_ack_feed: message " + std::to_string(message_id) + " has no order id");
    }
    if (order_item_ids.empty()) {
        throw std::invalid_argument("build_ack_feed: order " + std::string(order_id) + " has no items");
    }
    if (std::any_of(order_item_ids.begin(), order_item_ids.end(), [](const std::string& id) { return id.empty(); })) {
        throw std::invalid_argument("build_ack_feed: order " + std::string(order_id) + " has an item without id");
    }
    tag(m_buffer, 1, "Message", false);
    element(m_buffer, 2, "MessageID", std::to_string(message_id));
    tag(m_buffer, 2, "OrderAcknowledgement", false);
    element(m_buffer, 3, "AmazonOrderID", order_id);
    element(m_buffer, 3, "StatusCode", "Failure");
    for (const std::string& item_id : order_item_ids) {
        tag(m_buffer, 3, "Item", false);
        element(m_buffer, 4, "AmazonOrderItemCode", item_id);
        element(m_buffer, 4, "CancelReason", to_string(reason));
        tag(m_buffer, 3, "Item", true);
    }
    tag(m_buffer, 2, "OrderAcknowledgement", true);
    tag(m_buffer, 1, "Message", true);
    ++m_messages;
    if (m_buffer.size() >= k_writer_buffer) {
        flush();
    }
}

void AckFeedWriter::add(const AckMessage& message) {
    add(message.message_id, message.order_id, message.order_item_ids, message.reason);
}

void AckFeedWriter::finish() {
    if (m_messages == 0) {
        throw std::invalid_argument("build_ack_feed: no messages");
    }
    m_buffer += "</AmazonEnvelope>\n";
    flush();
}

void AckFeedWriter::flush() {
    m_out(m_buffer);
    m_buffer.clear();
}

std::string build_ack_feed(std::string_view merchant_id, const std::vector<AckMessage>& messages) {
    if (messages.empty()) {
        throw std::invalid_argument("build_ack_feed: no messages");
    }
    std::set<std::uint64_t> ids;
    for (const AckMessage& m : messages) {
        if (m.message_id != 0 && !ids.insert(m.message_id).second) {
            throw std::invalid_argument("build_ack_feed: MessageID " + std::to_string(m.message_id) +
                                        " is used twice");
        }
    }
    std::string out;
    AckFeedWriter writer(merchant_id, [&out](std::string_view bytes) { out += bytes; });
    for (const AckMessage& m : messages) {
        writer.add(m);
    }
    writer.finish();
    return out;
}

std::vector<std::vector<AckMessage>> split_messages(std::vector<AckMessage> messages,
                                                    std::size_t max_per_feed) {
    if (max_per_feed == 0) {
        throw std::invalid_argument("split_messages: max_per_feed is 0");
    }
    std::vector<std::vector<AckMessage>> feeds;
    for (std::size_t i = 0; i < messages.size(); i += max_per_feed) {
        const std::size_t end = std::min(messages.size(), i + max_per_feed);
        using Diff = std::vector<AckMessage>::difference_type;
        feeds.emplace_back(std::make_move_iterator(messages.begin() + static_cast<Diff>(i)),
                           std::make_move_iterator(messages.begin() + static_cast<Diff>(end)));
    }
    return feeds;
}

bool ReportResult::is_error() const {
    return equals_ignore_case(result_code, "Error");
}

ProcessingReport parse_processing_report(std::string_view xml) {
    pugi::xml_document doc;
    const pugi::xml_parse_result parsed =
        doc.load_buffer(xml.data(), xml.size(), pugi::parse_default, pugi::encoding_auto);
    if (!parsed) {
        unreadable(std::string(parsed.description()) + " at byte " + std::to_string(parsed.offset));
    }

    pugi::xml_node root = doc.document_element();
    pugi::xml_node node;
    if (std::string_view(root.name()) == "AmazonEnvelope") {
        node = root.child("Message").child("ProcessingReport");
    } else if (std::string_view(root.name()) == "ProcessingReport") {
        node = root;
    }
    if (!node) {
        unreadable(std::string("no ProcessingReport element (the document starts with <") + root.name() +
                   ">)");
    }

    ProcessingReport report;
    report.document_transaction_id = trimmed(node.child("DocumentTransactionID"));
    report.status_code = trimmed(node.child("StatusCode"));
    const pugi::xml_node summary = node.child("ProcessingSummary");
    report.processed = number<int>(summary, "MessagesProcessed");
    report.successful = number<int>(summary, "MessagesSuccessful");
    report.with_error = number<int>(summary, "MessagesWithError");
    report.with_warning = number<int>(summary, "MessagesWithWarning");

    for (const pugi::xml_node result : node.children("Result")) {
        ReportResult r;
        r.message_id = number<std::uint64_t>(result, "MessageID");
        r.result_code = trimmed(result.child("ResultCode"));
        r.message_code = trimmed(result.child("ResultMessageCode"));
        r.description = trimmed(result.child("ResultDescription"));
        const pugi::xml_node info = result.child("AdditionalInfo");
        r.order_id = trimmed(info.child("AmazonOrderID"));
        r.order_item_id = trimmed(info.child("AmazonOrderItemCode"));
        report.results.push_back(std::move(r));
    }
    return report;
}

std::string gunzip(std::string_view compressed, std::size_t max_size) {
    auto corrupt = [](const std::string& why) {
        return Error(ErrorKind::Temporary,
                     "a compressed document from Amazon could not be decompressed: " + why,
                     "download it again later");
    };
    if (compressed.size() < 2 || static_cast<unsigned char>(compressed[0]) != 0x1f ||
        static_cast<unsigned char>(compressed[1]) != 0x8b) {
        throw corrupt("it is not gzip data");
    }

    z_stream stream{};
    if (inflateInit2(&stream, 15 + 16) != Z_OK) {
        throw Error(ErrorKind::Internal, "zlib could not be initialized");
    }
    // Ends the stream on every way out.
    struct Ender {
        z_stream* s;
        ~Ender() { inflateEnd(s); }
    } ender{&stream};

    constexpr std::size_t k_chunk = std::size_t{64} * 1024;
    constexpr std::size_t k_max_in = std::numeric_limits<uInt>::max();
    std::string out;
    const auto* in = reinterpret_cast<const Bytef*>(compressed.data()); // NOLINT: zlib takes bytes
    std::size_t in_left = compressed.size();
    char buffer[k_chunk];

    for (;;) {
        if (stream.avail_in == 0 && in_left > 0) {
            const std::size_t take = std::min(in_left, k_max_in);
            stream.next_in = const_cast<Bytef*>(in); // NOLINT: zlib's API is not const-correct
            stream.avail_in = static_cast<uInt>(take);
            in += take;
            in_left -= take;
        }
        stream.next_out = reinterpret_cast<Bytef*>(buffer); // NOLINT: zlib takes bytes
        stream.avail_out = static_cast<uInt>(k_chunk);
        const int rc = inflate(&stream, Z_NO_FLUSH);
        const std::size_t produced = k_chunk - stream.avail_out;
        if (out.size() + produced > max_size) {
            throw corrupt("it inflates to more than " +
                          std::to_string(max_size / (std::size_t{1024} * 1024)) + " MiB");
        }
        out.append(buffer, produced);

        if (rc == Z_STREAM_END) {
            // Another gzip member may follow; anything else but zero padding is corrupt.
            const std::string_view rest(reinterpret_cast<const char*>(stream.next_in), // NOLINT: bytes
                                        stream.avail_in);
            const std::size_t rest_total = rest.size() + in_left;
            if (rest_total == 0) {
                return out;
            }
            if (rest.size() < 2 && in_left > 0) {
                // The next member's magic straddles a 4 GiB input window: too exotic to support.
                throw corrupt("trailing data after the compressed stream");
            }
            if (rest.size() >= 2 && static_cast<unsigned char>(rest[0]) == 0x1f &&
                static_cast<unsigned char>(rest[1]) == 0x8b) {
                if (inflateReset(&stream) != Z_OK) {
                    throw corrupt("zlib could not start the next member");
                }
                continue;
            }
            if (in_left == 0 && std::all_of(rest.begin(), rest.end(), [](char c) { return c == '\0'; })) {
                return out;
            }
            throw corrupt("trailing data after the compressed stream");
        }
        if (rc == Z_BUF_ERROR && stream.avail_in == 0 && in_left == 0) {
            throw corrupt("it is truncated");
        }
        if (rc != Z_OK && rc != Z_BUF_ERROR) {
            throw corrupt(stream.msg != nullptr ? stream.msg : "zlib error " + std::to_string(rc));
        }
        if (rc == Z_OK && produced == 0 && stream.avail_in == 0 && in_left == 0) {
            throw corrupt("it is truncated");
        }
    }
}

std::map<std::uint64_t, const ReportResult*> errors_by_message(const ProcessingReport& report) {
    std::map<std::uint64_t, const ReportResult*> errors;
    for (const ReportResult& r : report.results) {
        if (r.message_id != 0 && r.is_error()) {
            errors.emplace(r.message_id, &r); // keeps the first error of a message
        }
    }
    return errors;
}

MessageOutcome outcome_of(const ProcessingReport& report, std::uint64_t message_id) {
    const ReportResult* document_error = nullptr;
    for (const ReportResult& r : report.results) {
        if (!r.is_error()) {
            continue;
        }
        if (r.message_id == message_id && message_id != 0) {
            return {false, r.result_code, r.message_code, r.description};
        }
        if (r.message_id == 0 && document_error == nullptr) {
            document_error = &r;
        }
    }
    if (document_error != nullptr && report.successful == 0) {
        return {false, document_error->result_code, document_error->message_code,
                document_error->description};
    }
    return {true, {}, {}, {}};
}

} // namespace asc
