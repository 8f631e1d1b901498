#include "json_writer.hpp"

#include <charconv>

namespace sim {

namespace {

void write_string(std::string& out, const std::string& s) {
    static constexpr char hex[] = "0123456789abcdef";
    out += '"';
    std::size_t start = 0;
    for (std::size_t i = 0; i < s.size(); ++i) {
        const auto c = static_cast<unsigned char>(s[i]);
        if (c >= 0x20 && c != '"' && c != '\\') {
            continue;
        }
        out.append(s, start, i - start);
        start = i + 1;
        switch (c) {
        case '"':
            out += "\\\"";
            break;
        case '\\':
            out += "\\\\";
            break;
        case '\n':
            out += "\\n";
            break;
        case '\r':
            out += "\\r";
            break;
        case '\t':
            out += "\\t";
            break;
        case '\b':
            out += "\\b";
            break;
        case '\f':
            out += "\\f";
            break;
        default:
            out += "\\u00";
            out += hex[c >> 4];
            out += hex[c & 15];
            break;
        }
    }
    out.append(s, start, s.size() - start);
    out += '"';
}

template <typename T> void write_integer(std::string& out, T v) {
    char buf[24];
    const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
    out.append(buf, end);
}

} // namespace

void write_json(std::string& out, const Json& value) {
    switch (value.type()) {
    case Json::value_t::object: {
        out += '{';
        bool first = true;
        for (auto it = value.begin(); it != value.end(); ++it) {
            if (!first) {
                out += ',';
            }
            first = false;
            write_string(out, it.key());
            out += ':';
            write_json(out, it.value());
        }
        out += '}';
        return;
    }
    case Json::value_t::array: {
        out += '[';
        bool first = true;
        for (const auto& v : value) {
            if (!first) {
                out += ',';
            }
            first = false;
            write_json(out, v);
        }
        out += ']';
        return;
    }
    case Json::value_t::string:
        write_string(out, value.get_ref<const std::string&>());
        return;
    case Json::value_t::boolean:
        out += value.get<bool>() ? "true" : "false";
        return;
    case Json::value_t::number_integer:
        write_integer(out, value.get<std::int64_t>());
        return;
    case Json::value_t::number_unsigned:
        write_integer(out, value.get<std::uint64_t>());
        return;
    case Json::value_t::null:
    case Json::value_t::discarded:
        out += "null";
        return;
    case Json::value_t::number_float:
    case Json::value_t::binary:
        out += value.dump(-1, ' ', false, Json::error_handler_t::replace);
        return;
    }
}

std::string to_json_text(const Json& value) {
    std::string out;
    write_json(out, value);
    return out;
}

} // namespace sim
