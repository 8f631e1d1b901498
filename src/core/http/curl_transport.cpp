// The libcurl Transport. libcurl is confined to this file: RAII holders for its handles, one easy
// handle reused for every request (so connections and TLS sessions are kept alive; a write always
// opens a new connection, see is_repeatable), and the mapping from CURLcode to TransportError.

#include "asc/base/errors.hpp"
#include "asc/base/interrupt.hpp"
#include "asc/base/strings.hpp"
#include "asc/http/http.hpp"
#include "asc/version.hpp"

#include <algorithm>
#include <array>
#include <chrono>
#include <cerrno>
#include <cstdio>
#include <curl/curl.h>
#include <exception>
#include <fmt/format.h>
#include <mutex>
#include <string>
#include <unistd.h>
#include <utility>

namespace asc {

namespace {

// Answers larger than this are cut off: no SP-API response or report comes close.
// How much of a request body a --debug line shows.
constexpr std::size_t k_debug_body = 1024;

// Owns one CURL easy handle. Move-only.
class CurlHolder {
  public:
    CurlHolder() : m_handle(init()) {
        if (m_handle == nullptr) {
            throw Error(ErrorKind::Internal, "could not initialize libcurl");
        }
    }
    ~CurlHolder() {
        if (m_handle != nullptr) {
            curl_easy_cleanup(m_handle);
        }
    }
    CurlHolder(const CurlHolder&) = delete;
    CurlHolder& operator=(const CurlHolder&) = delete;
    CurlHolder(CurlHolder&& other) noexcept : m_handle(std::exchange(other.m_handle, nullptr)) {}
    CurlHolder& operator=(CurlHolder&& other) noexcept {
        if (this != &other) {
            if (m_handle != nullptr) {
                curl_easy_cleanup(m_handle);
            }
            m_handle = std::exchange(other.m_handle, nullptr);
        }
        return *this;
    }

    [[nodiscard]] CURL* get() const { return m_handle; }

  private:
    // curl_global_init is not thread-safe: run it once before the first handle.
    static CURL* init() {
        static std::once_flag once;
        std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
        return curl_easy_init();
    }

    CURL* m_handle;
};

// Owns a curl_slist (the request headers). Move-only.
class CurlSlist {
  public:
    CurlSlist() = default;
    ~CurlSlist() { curl_slist_free_all(m_list); }
    CurlSlist(const CurlSlist&) = delete;
    CurlSlist& operator=(const CurlSlist&) = delete;
    CurlSlist(CurlSlist&& other) noexcept : m_list(std::exchange(other.m_list, nullptr)) {}
    CurlSlist& operator=(CurlSlist&& other) noexcept {
        if (this != &other) {
            curl_slist_free_all(m_list);
            m_list = std::exchange(other.m_list, nullptr);
        }
        return *this;
    }

    void append(const std::string& line) {
        curl_slist* appended = curl_slist_append(m_list, line.c_str());
        if (appended == nullptr) {
            throw Error(ErrorKind::Internal, "out of memory building the request headers");
        }
        m_list = appended;
    }
    [[nodiscard]] curl_slist* get() const { return m_list; }

  private:
    curl_slist* m_list = nullptr;
};

std::string_view trim(std::string_view text) {
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) {
        text.remove_prefix(1);
    }
    while (!text.empty() &&
           (text.back() == ' ' || text.back() == '\t' || text.back() == '\r' || text.back() == '\n')) {
        text.remove_suffix(1);
    }
    return text;
}

// Whether a request may be sent twice without harm (RFC 9110 9.2.2 lists GET, HEAD, OPTIONS, TRACE,
// PUT and DELETE; DELETE is treated as unsafe here because a Magento DELETE may act on whatever the
// id names by then). Every other method is a write that must reach the server at most once.
bool is_repeatable(std::string_view method) {
    return method == "GET" || method == "HEAD" || method == "OPTIONS" || method == "PUT";
}

bool has_line_break(std::string_view text) {
    return text.find_first_of("\r\n") != std::string_view::npos;
}

TransportError map_error(CURLcode code) {
    switch (code) {
    case CURLE_OK:
        return TransportError::None;
    case CURLE_OPERATION_TIMEDOUT:
        return TransportError::Timeout;
    case CURLE_COULDNT_CONNECT:
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
        return TransportError::Connect;
    case CURLE_GOT_NOTHING:
    case CURLE_RECV_ERROR:
    case CURLE_SEND_ERROR:
    case CURLE_PARTIAL_FILE:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
        return TransportError::Dropped;
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_CRL_BADFILE:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
    case CURLE_SSL_INVALIDCERTSTATUS:
    case CURLE_SSL_CLIENTCERT:
    case CURLE_SSL_ENGINE_NOTFOUND:
    case CURLE_SSL_ENGINE_SETFAILED:
    case CURLE_SSL_ENGINE_INITFAILED:
    case CURLE_SSL_SHUTDOWN_FAILED:
        return TransportError::Tls;
    default:
        return TransportError::Other;
    }
}

// "512 MiB", "64 KiB": a byte cap for messages.
std::string size_text(std::size_t bytes) {
    if (bytes >= (std::size_t{1} << 20U) && bytes % (std::size_t{1} << 20U) == 0) {
        return fmt::format("{} MiB", bytes >> 20U);
    }
    if (bytes >= 1024 && bytes % 1024 == 0) {
        return fmt::format("{} KiB", bytes >> 10U);
    }
    return fmt::format("{} bytes", bytes);
}

// What the callbacks fill in while a transfer runs.
struct Receiver {
    HttpResponse* response = nullptr;
    std::size_t max_body = k_max_response_bytes;
    bool too_large = false;
    CURL* curl = nullptr;
    const BodySink* sink = nullptr;  // streaming: 2xx bodies go here
    int streaming = -1;              // -1 undecided, 0 into response.body, 1 to sink
    std::exception_ptr sink_error;   // what the sink threw (never across libcurl's C frames)
};

std::size_t on_body(char* data, std::size_t size, std::size_t count, void* user) {
    auto* receiver = static_cast<Receiver*>(user);
    const std::size_t bytes = size * count;
    if (receiver->streaming < 0) {
        long status = 0; // libcurl's type for this value
        curl_easy_getinfo(receiver->curl, CURLINFO_RESPONSE_CODE, &status);
        receiver->streaming = receiver->sink != nullptr && status >= 200 && status < 300 ? 1 : 0;
    }
    if (receiver->streaming == 1) {
        try {
            (*receiver->sink)(std::string_view(data, bytes));
        } catch (...) {
            receiver->sink_error = std::current_exception();
            return 0; // makes libcurl stop with CURLE_WRITE_ERROR
        }
        return bytes;
    }
    if (bytes > receiver->max_body - receiver->response->body.size()) {
        receiver->too_large = true;
        return 0; // makes libcurl stop with CURLE_WRITE_ERROR
    }
    receiver->response->body.append(data, bytes);
    return bytes;
}

// A request body read from a BodyFile as libcurl asks for it (HttpRequest::body_file).
struct FileBody {
    BodyFile file;
    std::uint64_t offset = 0;
};

std::size_t on_read_body(char* buffer, std::size_t size, std::size_t count, void* user) {
    auto* body = static_cast<FileBody*>(user);
    const std::uint64_t left = body->file.size - std::min(body->offset, body->file.size);
    const std::size_t want = static_cast<std::size_t>(std::min<std::uint64_t>(left, size * count));
    if (want == 0) {
        return 0;
    }
    ssize_t n = -1;
    do {
        n = ::pread(body->file.fd, buffer, want, static_cast<off_t>(body->offset));
    } while (n < 0 && errno == EINTR);
    if (n <= 0) {
        return CURL_READFUNC_ABORT; // unreadable, or shorter than it said: the transfer fails
    }
    body->offset += static_cast<std::uint64_t>(n);
    return static_cast<std::size_t>(n);
}

// libcurl rewinds the body when it must send it again on the same transfer.
int on_seek_body(void* user, curl_off_t offset, int origin) {
    auto* body = static_cast<FileBody*>(user);
    if (origin != SEEK_SET || offset < 0) {
        return CURL_SEEKFUNC_CANTSEEK;
    }
    body->offset = static_cast<std::uint64_t>(offset);
    return CURL_SEEKFUNC_OK;
}

// The request body: from memory, or read from a file as it goes out (HttpRequest::body_file),
// never held whole.
void set_body(CURL* curl, const HttpRequest& request, FileBody& file_body, bool put, bool sends_body) {
    if (request.body_file) {
        const auto size = static_cast<curl_off_t>(request.body_file->size);
        if (put) {
            curl_easy_setopt(curl, CURLOPT_UPLOAD, 1L);
            curl_easy_setopt(curl, CURLOPT_INFILESIZE_LARGE, size);
        } else {
            curl_easy_setopt(curl, CURLOPT_POST, 1L);
            curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, size);
        }
        curl_easy_setopt(curl, CURLOPT_READFUNCTION, on_read_body);
        curl_easy_setopt(curl, CURLOPT_READDATA, &file_body);
        curl_easy_setopt(curl, CURLOPT_SEEKFUNCTION, on_seek_body);
        curl_easy_setopt(curl, CURLOPT_SEEKDATA, &file_body);
    } else if (sends_body) {
        curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
        curl_easy_setopt(curl, CURLOPT_POSTFIELDS, request.body.data());
    }
}

std::size_t on_header(char* data, std::size_t size, std::size_t count, void* user) {
    auto* receiver = static_cast<Receiver*>(user);
    const std::size_t bytes = size * count;
    const std::string_view line(data, bytes);
    if (line.starts_with("HTTP/")) {
        // A new status line (after a 100 Continue, say): only the final response's headers count.
        receiver->response->headers.clear();
        return bytes;
    }
    const auto colon = line.find(':');
    if (colon == std::string_view::npos) {
        return bytes; // the blank line that ends the headers
    }
    receiver->response->headers.emplace_back(lower_ascii(trim(line.substr(0, colon))),
                                             std::string(trim(line.substr(colon + 1))));
    return bytes;
}

// Stops a transfer as soon as the user presses Ctrl-C.
int on_progress(void* /*user*/, curl_off_t /*dltotal*/, curl_off_t /*dlnow*/, curl_off_t /*ultotal*/,
                curl_off_t /*ulnow*/) {
    return interrupted() ? 1 : 0;
}

// "scheme://host[:port]" of a URL, for messages that must not show paths or query strings.
std::string origin(std::string_view url) {
    const auto scheme_end = url.find("://");
    if (scheme_end == std::string_view::npos) {
        return std::string(url.substr(0, url.find_first_of("/?#")));
    }
    const auto end = url.find_first_of("/?#", scheme_end + 3);
    return std::string(url.substr(0, end));
}

class CurlTransport final : public Transport {
  public:
    explicit CurlTransport(CurlOptions options) : m_options(std::move(options)) {
        if (m_options.user_agent.empty()) {
            m_options.user_agent = std::string("asc/") + k_version + " (Language=C++)";
        }
    }

    HttpResponse send(const HttpRequest& request) override { return perform(request, nullptr); }

    HttpResponse send_streaming(const HttpRequest& request, const BodySink& sink) override {
        return perform(request, &sink);
    }

  private:
    HttpResponse perform(const HttpRequest& request, const BodySink* sink) {
        check_url(request.url);
        const std::lock_guard lock(m_mutex);
        CURL* curl = m_curl.get();
        // Forget the previous request's options; the connection cache stays with the handle.
        curl_easy_reset(curl);

        HttpResponse response;
        const std::size_t max_body = request.max_response_bytes == 0
                                         ? k_max_response_bytes
                                         : std::min(request.max_response_bytes, k_max_response_bytes);
        Receiver receiver{&response, max_body, false, curl, sink, -1, nullptr};
        std::array<char, CURL_ERROR_SIZE> error_buffer{};
        const CurlSlist headers = build_headers(request);
        const bool put = request.method == "PUT";
        const bool sends_body =
            !request.body.empty() || put || request.method == "POST" || request.method == "PATCH";
        FileBody file_body{request.body_file.value_or(BodyFile{}), 0};

        curl_easy_setopt(curl, CURLOPT_URL, request.url.c_str());
#if LIBCURL_VERSION_NUM >= 0x075500
        curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
#else
        curl_easy_setopt(curl, CURLOPT_PROTOCOLS, static_cast<long>(CURLPROTO_HTTP | CURLPROTO_HTTPS));
#endif
        curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
        if (!is_repeatable(request.method)) {
            // When a kept-alive connection turns out dead after the request went out and nothing
            // came back, libcurl silently sends the request again on a new connection
            // (Curl_retry_request: "Connection died, retrying a fresh connect"), and only when the
            // connection was reused. The server may have acted on the first copy, so a write never
            // goes out on a reused connection: a failure then reaches the caller, whose retry
            // policy treats it as an unknown outcome. (The new connection is cached afterwards:
            // reads that follow may reuse it, and a resent read does no harm.)
            curl_easy_setopt(curl, CURLOPT_FRESH_CONNECT, 1L);
#if LIBCURL_VERSION_NUM >= 0x081000
            curl_easy_setopt(curl, CURLOPT_FORBID_RETRY_ON_REUSE, 1L);
#endif
        }
        curl_easy_setopt(curl, CURLOPT_TCP_KEEPALIVE, 1L);
        curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, 1L);
        curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, 2L);
        curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 0L);
        curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS,
                         static_cast<long>(m_options.connect_timeout.count()));
        set_timeouts(curl, /*streamed=*/sink != nullptr);
        curl_easy_setopt(curl, CURLOPT_USERAGENT, m_options.user_agent.c_str());
        if (!put) {
            // gzip only: what Amazon uses, and cheap for a server to produce (asking for brotli
            // made the simulator spend ~200 ms compressing each 100-order page). The body
            // arrives decompressed.
            curl_easy_setopt(curl, CURLOPT_ACCEPT_ENCODING, "gzip");
        }
        if (request.method == "GET") {
            curl_easy_setopt(curl, CURLOPT_HTTPGET, 1L);
        } else if (request.method == "HEAD") {
            curl_easy_setopt(curl, CURLOPT_NOBODY, 1L);
        } else if (request.method != "POST") {
            curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, request.method.c_str());
        }
        set_body(curl, request, file_body, put, sends_body);
        curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers.get());
        // A declared Content-Length over the cap fails before the body is read.
        curl_easy_setopt(curl, CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(max_body));
        curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_body);
        curl_easy_setopt(curl, CURLOPT_WRITEDATA, &receiver);
        curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, on_header);
        curl_easy_setopt(curl, CURLOPT_HEADERDATA, &receiver);
        curl_easy_setopt(curl, CURLOPT_NOPROGRESS, 0L);
        curl_easy_setopt(curl, CURLOPT_XFERINFOFUNCTION, on_progress);
        curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error_buffer.data());

        debug_request(request);
        if (sink == nullptr) {
            // Room for a body like the last one (a page of orders after a page of orders): grown
            // once instead of doubling from nothing, copying what arrived each time.
            response.body.reserve(m_body_hint);
        }
        const auto started = std::chrono::steady_clock::now();
        const CURLcode code = curl_easy_perform(curl);
        const auto elapsed =
            std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);

        if (receiver.sink_error) {
            std::rethrow_exception(receiver.sink_error);
        }
        if (code != CURLE_OK) {
            response.status = 0;
            response.headers.clear();
            response.body.clear();
            response.error = map_error(code);
            if (code == CURLE_ABORTED_BY_CALLBACK) {
                response.error_message = "interrupted";
            } else if (receiver.too_large || code == CURLE_FILESIZE_EXCEEDED) {
                response.error = TransportError::TooLarge;
                response.error_message = fmt::format("larger than the {} limit of this request", size_text(max_body));
            } else {
                response.error_message = error_buffer[0] != '\0' ? std::string(error_buffer.data())
                                                                 : std::string(curl_easy_strerror(code));
                response.error_message = redact(trim(response.error_message));
            }
            debug(fmt::format("< error: {} after {} ms", response.error_message, elapsed.count()));
            return response;
        }
        long status = 0; // libcurl's type for this value
        curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
        response.status = static_cast<int>(status);
        if (sink == nullptr) {
            m_body_hint = std::min(response.body.size() + response.body.size() / 8, k_max_body_hint);
        }
        debug_response(response, elapsed);
        return response;
    }

    void set_timeouts(CURL* curl, bool streamed) const {
        if (!streamed) {
            curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(m_options.total_timeout.count()));
            curl_easy_setopt(curl, CURLOPT_LOW_SPEED_TIME, 0L);
            return;
        }
        // A streamed download (a report document of hundreds of MB) may take longer than any one
        // API call should: it has no total limit, and fails when it stalls instead, i.e. when
        // under 1 KiB a second arrives for the whole timeout.
        const auto stall = std::chrono::duration_cast<std::chrono::seconds>(m_options.total_timeout);
        curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, 0L);
        curl_easy_setopt(curl, CURLOPT_LOW_SPEED_LIMIT, 1024L);
        curl_easy_setopt(curl, CURLOPT_LOW_SPEED_TIME, static_cast<long>(std::max<std::int64_t>(stall.count(), 1)));
    }

    // Refuses what must never be sent: a malformed URL, a scheme other than http(s), and plain
    // http to anything but loopback (the access token would cross the network in clear text).
    static void check_url(std::string_view url) {
        const std::string lowered = lower_ascii(url.substr(0, 8));
        if (lowered.starts_with("https://")) {
            return;
        }
        if (lowered.starts_with("http://")) {
            if (is_loopback_url(url)) {
                return;
            }
            throw Error(ErrorKind::Config,
                        "refusing to send a request over plain http to " + redact(origin(url)) +
                            ": plain http is allowed only to loopback hosts (the simulator)",
                        "use https://");
        }
        throw Error(ErrorKind::Config, "not an http(s) URL: " + redact(origin(url)),
                    "endpoints must start with https://");
    }

    CurlSlist build_headers(const HttpRequest& request) const {
        CurlSlist list;
        bool has_content_type = false;
        for (const auto& [name, value] : request.headers) {
            if (name.empty() || has_line_break(name) || has_line_break(value)) {
                throw Error(ErrorKind::Internal, "refusing a request header with a line break or no name");
            }
            if (lower_ascii(name) == "content-type") {
                has_content_type = true;
            }
            // "Name;" is libcurl's way to send a header with an empty value.
            list.append(value.empty() ? fmt::format("{};", name) : fmt::format("{}: {}", name, value));
        }
        // libcurl adds "Content-Type: application/x-www-form-urlencoded" to bodies and
        // "Expect: 100-continue" to large ones; a presigned upload must carry neither, and no
        // request of ours wants them. An empty "Name:" removes libcurl's own header.
        if (!has_content_type) {
            list.append("Content-Type:");
        }
        list.append("Expect:");
        return list;
    }

    void debug(const std::string& line) const {
        if (m_options.debug) {
            m_options.debug(line);
        }
    }

    void debug_request(const HttpRequest& request) const {
        if (!m_options.debug) {
            return;
        }
        debug(redact(fmt::format("> {} {}", request.method, request.url)));
        for (const auto& [name, value] : request.headers) {
            debug(redact(fmt::format("> {}: {}", name, value)));
        }
        if (request.body_file) {
            debug(fmt::format("> body ({} bytes, from a file)", request.body_file->size));
        }
        if (!request.body.empty()) {
            std::string shown = request.body.substr(0, k_debug_body);
            for (char& c : shown) {
                if (c == '\r' || c == '\n') {
                    c = ' ';
                }
            }
            debug(redact(fmt::format("> body ({} bytes): {}{}", request.body.size(), shown,
                                     request.body.size() > k_debug_body ? "..." : "")));
        }
    }

    void debug_response(const HttpResponse& response, std::chrono::milliseconds elapsed) const {
        if (!m_options.debug) {
            return;
        }
        debug(
            fmt::format("< {} ({} bytes) in {} ms", response.status, response.body.size(), elapsed.count()));
        for (const auto& [name, value] : response.headers) {
            debug(redact(fmt::format("< {}: {}", name, value)));
        }
    }

    // The most a response body is given room for before it arrives.
    static constexpr std::size_t k_max_body_hint = std::size_t{4} << 20U;

    CurlOptions m_options;
    std::mutex m_mutex; // one handle: requests from several threads take turns
    std::size_t m_body_hint = 0; // the last body's size and an eighth (under m_mutex)
    CurlHolder m_curl;
};

} // namespace

std::unique_ptr<Transport> make_curl_transport(CurlOptions options) {
    return std::make_unique<CurlTransport>(std::move(options));
}

} // namespace asc

namespace asc {

HttpLibrary::HttpLibrary() { curl_global_init(CURL_GLOBAL_DEFAULT); }

HttpLibrary::~HttpLibrary() { curl_global_cleanup(); }

std::string http_library_version() { return curl_version_info(CURLVERSION_NOW)->version; }

} // namespace asc
