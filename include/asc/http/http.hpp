#pragma once
// Part `http` (asc_http): the Transport interface, the libcurl transport and the retry policy;
// owns libcurl. May use: base, model.
//
// HTTP behind a small interface. Clients take a Transport&; unit tests inject a fake, the tool
// and the integration tests use the libcurl implementation. An HTTP status is data, not an error:
// send() throws only for misuse (e.g. a plain-http URL to a non-loopback host).

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace asc {

using Headers = std::vector<std::pair<std::string, std::string>>;

// A request body read from an open file instead of HttpRequest::body (a feed document written to
// a TempFile): `size` bytes from offset 0 of the descriptor `fd`, read with pread, so that every
// attempt sends the same bytes whatever the descriptor's position. Not owned: the caller keeps
// the descriptor open until send() returns.
struct BodyFile {
    int fd = -1;
    std::uint64_t size = 0;
};

// The whole body of a BodyFile, for transports that need it in memory (test fakes). Throws
// Error(Temporary) when the file cannot be read or is shorter than `size`.
std::string read_body_file(const BodyFile& file);

struct HttpRequest {
    std::string method = "GET";
    std::string url;          // absolute, already percent-encoded
    Headers headers;
    std::string body;
    // When set, the body comes from this file and `body` is empty (a large upload).
    std::optional<BodyFile> body_file;
    // The largest answer body this request may receive, decompressed; a larger one fails with
    // TransportError::TooLarge. 0: the transport's own cap (k_max_response_bytes). Callers set
    // what their answer can be (a page of orders is small), so a hostile server cannot make asc
    // hold hundreds of megabytes.
    std::size_t max_response_bytes = 0;
};

// The transport's cap on any answer body: 512 MiB.
inline constexpr std::size_t k_max_response_bytes = std::size_t{512} * 1024 * 1024;

enum class TransportError {
    None,
    Timeout,        // connect or total timeout expired
    Connect,        // could not connect / resolve
    Dropped,        // connection closed mid-response, or an empty reply
    Tls,            // certificate or handshake failure
    TooLarge,       // the answer is larger than the request's max_response_bytes
    Other,
};

struct HttpResponse {
    int status = 0;           // 0 when error != None
    Headers headers;          // names lower-cased
    std::string body;         // decompressed
    TransportError error = TransportError::None;
    std::string error_message;

    // The first header of that (lower-case) name, or "".
    [[nodiscard]] std::string header(std::string_view name) const;
};

// Receives a response body piece by piece as it arrives. An exception it throws stops the
// transfer and comes out of send_streaming().
using BodySink = std::function<void(std::string_view)>;

class Transport {
  public:
    virtual ~Transport() = default;
    // Sends the request once. A write (any method but GET, HEAD, OPTIONS, PUT) is never sent
    // twice by the transport itself, not even when a kept-alive connection dies under it: only the
    // caller's retry policy decides about another attempt.
    virtual HttpResponse send(const HttpRequest& request) = 0;
    // Like send(), but the body of a 2xx answer goes to `sink` as it arrives instead of into
    // response.body, so a large download never sits in memory whole (other statuses' bodies, small
    // error documents, still land in response.body). The default sends and hands the whole body
    // over at once; the libcurl transport streams.
    virtual HttpResponse send_streaming(const HttpRequest& request, const BodySink& sink);
};

struct CurlOptions {
    std::chrono::milliseconds connect_timeout{10'000};
    std::chrono::milliseconds total_timeout{60'000};
    std::string user_agent;   // defaults to "asc/<version> (Language=C++)"
    // Receives one line per request and response for --debug; secrets are masked before it.
    std::function<void(const std::string&)> debug;
};

// One reused curl handle: keep-alive, gzip, TLS verification on. Refuses plain http:// to anything
// but loopback hosts (127.0.0.0/8, ::1, localhost).
std::unique_ptr<Transport> make_curl_transport(CurlOptions options);

// Initializes libcurl's global state for the life of the process (curl_global_init) and cleans
// it up at the end. Create one in main, before any thread and any transport.
class HttpLibrary {
  public:
    HttpLibrary();
    ~HttpLibrary();
    HttpLibrary(const HttpLibrary&) = delete;
    HttpLibrary& operator=(const HttpLibrary&) = delete;
};

// The version of the HTTP library behind make_curl_transport ("8.1.2"), for `asc --version`.
std::string http_library_version();

// True for http(s) URLs whose host is loopback.
bool is_loopback_url(std::string_view url);

// Percent-encodes a query component (RFC 3986 unreserved characters stay).
std::string url_encode(std::string_view text);

// What went wrong with a transfer, for messages: "timed out", "could not connect", ...; with the
// transport's own message (cleaned) in parentheses when there is one.
std::string describe(TransportError error, std::string_view message = {});

// Failures worth another attempt: timeouts, refused and dropped connections.
bool is_retryable(TransportError error);

// A server's text made safe for our messages: printable ASCII only, at most `limit` characters
// (then "..."), secrets masked.
std::string printable_excerpt(std::string_view text, std::size_t limit = 300);

// Masks secrets (access and refresh tokens, client secrets, Authorization/x-amz-access-token
// header values, the X-Amz-Signature/-Credential of presigned URLs, bare "Atza|..."/"Atzr|..."
// tokens, the credential of a bare "Bearer <token>", and the credentials a URL carries: the
// password of `https://user:password@host` and query values named like secrets, `?secret=...`) in
// a line of debug output or a message, as `key: value`, `key=value` or `"key": "value"`.
std::string redact(std::string_view text);

} // namespace asc
