// The transport-independent parts of the HTTP layer: header lookup, URL checks, encoding, and the
// redaction every --debug line goes through.

#include "asc/http/http.hpp"

#include "asc/base/errors.hpp"

#include <algorithm>
#include <arpa/inet.h>
#include <array>
#include <cerrno>
#include <cstring>
#include <netinet/in.h>
#include <string>
#include <string_view>
#include <unistd.h>

namespace asc {

namespace {

char lower(char c) {
    return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

bool iequals(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) {
        return false;
    }
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (lower(a[i]) != lower(b[i])) {
            return false;
        }
    }
    return true;
}

bool istarts_with(std::string_view text, std::string_view prefix) {
    return text.size() >= prefix.size() && iequals(text.substr(0, prefix.size()), prefix);
}

bool is_word_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
}

bool is_unreserved(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '.' || c == '_' || c == '~';
}

constexpr std::string_view k_mask = "***";

// A secret-bearing name and how far its value runs.
struct SecretKey {
    std::string_view name;
    bool to_end_of_line; // header values ("Authorization: Bearer x y") run to the line's end
};

// Keys whose values are masked wherever they appear as `key: value`, `key=value` or
// `"key": "value"`. Headers, LWA form fields and JSON fields, and the signature parts of a
// presigned S3 URL (which grant an upload to whoever holds them).
constexpr std::array k_secret_keys{
    SecretKey{"x-amz-access-token", true},    SecretKey{"authorization", true},
    SecretKey{"x-amz-security-token", false}, SecretKey{"access_token", false},
    SecretKey{"refresh_token", false},        SecretKey{"client_secret", false},
    SecretKey{"restrictedDataToken", false},  SecretKey{"X-Amz-Signature", false},
    SecretKey{"X-Amz-Credential", false},
};

// Appends text[pos...) up to the end of the value that starts at `pos` (masked) and returns the
// position after it. A quoted value ends at its closing quote, a header value at the end of the
// line, anything else at a separator.
std::size_t mask_value(std::string_view text, std::size_t pos, bool to_end_of_line, std::string& out) {
    if (pos < text.size() && text[pos] == '"') {
        out += '"';
        ++pos;
        while (pos < text.size() && text[pos] != '"') {
            pos += (text[pos] == '\\' && pos + 1 < text.size()) ? 2U : 1U;
        }
        out += k_mask;
        if (pos < text.size()) {
            out += '"';
            ++pos;
        }
        return pos;
    }
    const std::size_t start = pos;
    while (pos < text.size()) {
        const char c = text[pos];
        if (c == '\r' || c == '\n') {
            break;
        }
        if (!to_end_of_line && (c == '&' || c == ' ' || c == '\t' || c == '"' || c == '\'' || c == ',' ||
                                c == ';' || c == '}')) {
            break;
        }
        ++pos;
    }
    if (pos > start) {
        out += k_mask;
    }
    return pos;
}

// Masks `key: value`, `key=value` and `"key": "value"` for every secret key.
std::string mask_keyed(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    std::size_t copied = 0;
    std::size_t i = 0;
    while (i < text.size()) {
        bool matched = false;
        for (const auto& key : k_secret_keys) {
            if (!istarts_with(text.substr(i), key.name)) {
                continue;
            }
            // A whole word only: "x_access_token_hint" is not "access_token".
            if (i > 0 && is_word_char(text[i - 1]) && text[i - 1] != '-') {
                continue;
            }
            std::size_t p = i + key.name.size();
            if (p < text.size() && is_word_char(text[p])) {
                continue;
            }
            if (p < text.size() && text[p] == '"') {
                ++p; // the closing quote of a JSON key
            }
            while (p < text.size() && (text[p] == ' ' || text[p] == '\t')) {
                ++p;
            }
            if (p >= text.size() || (text[p] != ':' && text[p] != '=')) {
                continue;
            }
            ++p;
            while (p < text.size() && (text[p] == ' ' || text[p] == '\t')) {
                ++p;
            }
            out.append(text.substr(copied, p - copied));
            i = mask_value(text, p, key.to_end_of_line, out);
            copied = i;
            matched = true;
            break;
        }
        if (!matched) {
            ++i;
        }
    }
    out.append(text.substr(copied));
    return out;
}

// Masks bare LWA tokens wherever they appear ("Atza|...", "Atzr|...", "Atz.sprdt|...", also
// percent-encoded as "Atzr%7C..."), in case one turns up where no key names it.
std::string mask_bare_tokens(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    std::size_t copied = 0;
    std::size_t i = 0;
    while ((i = text.find("Atz", i)) != std::string_view::npos) {
        // "Atz" then a short run of letters and dots, then '|' or "%7C".
        std::size_t p = i + 3;
        while (p < text.size() && p - i < 16 && ((text[p] >= 'a' && text[p] <= 'z') || text[p] == '.')) {
            ++p;
        }
        std::size_t bar = 0;
        if (p < text.size() && text[p] == '|') {
            bar = 1;
        } else if (istarts_with(text.substr(p), "%7C")) {
            bar = 3;
        }
        if (bar == 0) {
            i += 3;
            continue;
        }
        const std::size_t value = p + bar;
        std::size_t end = value;
        while (end < text.size() && text[end] != '&' && text[end] != '"' && text[end] != '\'' &&
               text[end] != ' ' && text[end] != '\t' && text[end] != '\r' && text[end] != '\n' &&
               text[end] != ',' && text[end] != ';' && text[end] != '}') {
            ++end;
        }
        out.append(text.substr(copied, value - copied));
        if (end > value && text.substr(value, end - value) != k_mask) {
            out += k_mask;
        } else {
            out.append(text.substr(value, end - value));
        }
        copied = end;
        i = end;
    }
    out.append(text.substr(copied));
    return out;
}

// Masks the credential of "Bearer <token>" wherever it appears (an Authorization value quoted
// without its header name, e.g. in an error message): the Magento integration token.
std::string mask_bearer(std::string_view text) {
    constexpr std::string_view k_bearer = "bearer ";
    const auto token_char = [](char c) {
        return is_word_char(c) || c == '.' || c == '~' || c == '+' || c == '/' || c == '=';
    };
    std::string out;
    out.reserve(text.size());
    std::size_t copied = 0;
    for (std::size_t i = 0; i + k_bearer.size() < text.size(); ++i) {
        if ((i > 0 && is_word_char(text[i - 1])) || !istarts_with(text.substr(i), k_bearer)) {
            continue;
        }
        std::size_t value = i + k_bearer.size();
        while (value < text.size() && text[value] == ' ') {
            ++value;
        }
        std::size_t end = value;
        while (end < text.size() && token_char(text[end])) {
            ++end;
        }
        if (end == value) {
            continue;
        }
        out.append(text.substr(copied, value - copied));
        out += k_mask;
        copied = end;
        i = end - 1;
    }
    out.append(text.substr(copied));
    return out;
}

// Query parameters whose values are secrets: names that contain one of the first words, or are
// one of the second (case-insensitive).
constexpr std::array<std::string_view, 9> k_secret_param_parts{
    "secret", "password", "passwd", "signature", "credential", "apikey", "api_key", "auth", "security"};
constexpr std::array<std::string_view, 10> k_secret_param_names{
    "key", "token", "sig", "pwd", "pass", "code", "access_token", "refresh_token", "id_token", "session"};

bool is_secret_param(std::string_view name) {
    for (const auto part : k_secret_param_parts) {
        for (std::size_t i = 0; i + part.size() <= name.size(); ++i) {
            if (iequals(name.substr(i, part.size()), part)) {
                return true;
            }
        }
    }
    for (const auto exact : k_secret_param_names) {
        if (iequals(name, exact)) {
            return true;
        }
    }
    return false;
}

bool ends_url(char c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '"' || c == '\'' || c == '<' || c == '>' ||
           c == '`' || c == ')';
}

// Masks the credentials a URL may carry: the password of `scheme://user:password@host` (or the
// whole user part when it has no password: `https://TOKEN@host`), and the values of query
// parameters named like secrets (`?secret=...`, `&api_key=...`).
std::string mask_url_credentials(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    std::size_t copied = 0;
    for (std::size_t scheme = text.find("://"); scheme != std::string_view::npos;
         scheme = text.find("://", scheme + 3)) {
        const std::size_t start = scheme + 3;
        std::size_t end = start;
        while (end < text.size() && !ends_url(text[end])) {
            ++end;
        }
        const std::string_view url = text.substr(start, end - start);
        const std::size_t authority_end = std::min(url.size(), url.find_first_of("/?#"));
        std::string masked;
        if (const auto at = url.substr(0, authority_end).rfind('@'); at != std::string_view::npos) {
            const std::string_view userinfo = url.substr(0, at);
            const auto colon = userinfo.find(':');
            masked = colon == std::string_view::npos ? std::string(k_mask)
                                                     : std::string(userinfo.substr(0, colon + 1)) + std::string(k_mask);
            masked += url.substr(at, authority_end - at);
        } else {
            masked = std::string(url.substr(0, authority_end));
        }
        std::string_view rest = url.substr(authority_end);
        const auto query = rest.find('?');
        masked += rest.substr(0, query == std::string_view::npos ? rest.size() : query + 1);
        if (query != std::string_view::npos) {
            std::string_view params = rest.substr(query + 1);
            while (!params.empty()) {
                const auto amp = params.find_first_of("&#");
                const std::string_view param = params.substr(0, amp);
                const auto eq = param.find('=');
                if (eq != std::string_view::npos && eq + 1 < param.size() && is_secret_param(param.substr(0, eq)) &&
                    param.substr(eq + 1) != k_mask) {
                    masked += param.substr(0, eq + 1);
                    masked += k_mask;
                } else {
                    masked += param;
                }
                if (amp == std::string_view::npos) {
                    break;
                }
                masked += params[amp];
                params.remove_prefix(amp + 1);
            }
        }
        out.append(text.substr(copied, start - copied));
        out += masked;
        copied = end;
        scheme = end > 3 ? end - 3 : end;
    }
    out.append(text.substr(copied));
    return out;
}

} // namespace

HttpResponse Transport::send_streaming(const HttpRequest& request, const BodySink& sink) {
    HttpResponse response = send(request);
    if (response.error == TransportError::None && response.status >= 200 && response.status < 300) {
        sink(response.body);
        response.body.clear();
    }
    return response;
}

std::string read_body_file(const BodyFile& file) {
    std::string body(static_cast<std::size_t>(file.size), '\0');
    std::size_t done = 0;
    while (done < body.size()) {
        const ssize_t n = ::pread(file.fd, body.data() + done, body.size() - done, static_cast<off_t>(done));
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            throw Error(ErrorKind::Temporary,
                        n < 0 ? std::string("could not read a request body file: ") + std::strerror(errno)
                              : std::string("a request body file is shorter than its size"));
        }
        done += static_cast<std::size_t>(n);
    }
    return body;
}

std::string HttpResponse::header(std::string_view name) const {
    for (const auto& [key, value] : headers) {
        if (iequals(key, name)) {
            return value;
        }
    }
    return {};
}

bool is_loopback_url(std::string_view url) {
    std::string_view rest;
    if (istarts_with(url, "http://")) {
        rest = url.substr(7);
    } else if (istarts_with(url, "https://")) {
        rest = url.substr(8);
    } else {
        return false;
    }
    std::string_view authority = rest.substr(0, rest.find_first_of("/?#"));
    if (const auto at = authority.rfind('@'); at != std::string_view::npos) {
        authority.remove_prefix(at + 1);
    }
    std::string host;
    if (!authority.empty() && authority.front() == '[') {
        const auto close = authority.find(']');
        if (close == std::string_view::npos) {
            return false;
        }
        host = std::string(authority.substr(1, close - 1));
        in6_addr addr{};
        if (inet_pton(AF_INET6, host.c_str(), &addr) != 1) {
            return false;
        }
        if (std::memcmp(&addr, &in6addr_loopback, sizeof addr) == 0) {
            return true;
        }
        // ::ffff:127.x.y.z, the IPv4-mapped form of a loopback address.
        static constexpr std::array<unsigned char, 12> k_mapped{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
        return std::memcmp(addr.s6_addr, k_mapped.data(), k_mapped.size()) == 0 && addr.s6_addr[12] == 127;
    }
    host = std::string(authority.substr(0, authority.find(':')));
    if (iequals(host, "localhost") || iequals(host, "localhost.")) {
        return true;
    }
    in_addr addr{};
    if (inet_pton(AF_INET, host.c_str(), &addr) != 1) {
        return false;
    }
    return (ntohl(addr.s_addr) >> 24U) == 127U;
}

std::string url_encode(std::string_view text) {
    static constexpr std::string_view k_hex = "0123456789ABCDEF";
    std::string out;
    out.reserve(text.size());
    for (const char c : text) {
        if (is_unreserved(c)) {
            out += c;
        } else {
            const auto byte = static_cast<unsigned char>(c);
            out += '%';
            out += k_hex[byte >> 4U];
            out += k_hex[byte & 0x0FU];
        }
    }
    return out;
}

std::string redact(std::string_view text) {
    return mask_bearer(mask_bare_tokens(mask_keyed(mask_url_credentials(text))));
}

std::string printable_excerpt(std::string_view text, std::size_t limit) {
    std::string out;
    for (const char c : text) {
        if (out.size() >= limit) {
            out += "...";
            break;
        }
        out += (c >= 0x20 && c < 0x7f) ? c : ' ';
    }
    return redact(out);
}

std::string describe(TransportError error, std::string_view message) {
    std::string out;
    switch (error) {
    case TransportError::Timeout:
        out = "timed out";
        break;
    case TransportError::Connect:
        out = "could not connect";
        break;
    case TransportError::Dropped:
        out = "the connection dropped";
        break;
    case TransportError::Tls:
        out = "TLS error";
        break;
    case TransportError::TooLarge:
        out = "the answer is too large";
        break;
    case TransportError::Other:
    case TransportError::None:
        out = "network error";
        break;
    }
    if (!message.empty()) {
        out += " (" + printable_excerpt(message, 200) + ")";
    }
    return out;
}

bool is_retryable(TransportError error) {
    return error == TransportError::Timeout || error == TransportError::Connect ||
           error == TransportError::Dropped;
}

} // namespace asc
