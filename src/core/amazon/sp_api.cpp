// Every SP-API request goes through SpApiClient::call: pacing, the access token, retries, the
// one token refresh, and the mapping of Amazon's error bodies to typed errors.

#include "asc/amazon/sp_api.hpp"

#include "asc/base/errors.hpp"
#include "asc/base/strings.hpp"
#include "asc/base/interrupt.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <ctime>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace asc {

namespace {

using nlohmann::json;

// A Retry-After longer than this is not waited out: the attempt budget decides instead.
constexpr std::chrono::seconds k_max_retry_after{60};

// Amazon's {"errors":[{code, message, details}]}: the first entry.
struct AmazonError {
    std::string code;
    std::string message;
    std::string details;
};

AmazonError parse_error_body(const std::string& body) {
    AmazonError error;
    const json j = json::parse(body, nullptr, false);
    if (!j.is_object()) {
        return error;
    }
    const auto errors = j.find("errors");
    if (errors == j.end() || !errors->is_array() || errors->empty() || !(*errors)[0].is_object()) {
        return error;
    }
    const json& first = (*errors)[0];
    const auto text = [&first](const char* key) {
        const auto it = first.find(key);
        return it != first.end() && it->is_string() ? printable_excerpt(it->get<std::string>(), 500)
                                                    : std::string{};
    };
    error.code = text("code");
    error.message = text("message");
    error.details = text("details");
    return error;
}

// "QuotaExceeded: You exceeded your quota (details)" or "HTTP 503" when Amazon said nothing usable.
std::string describe(int status, const AmazonError& error, const std::string& body) {
    std::string out;
    if (!error.code.empty()) {
        out = error.code;
    }
    if (!error.message.empty()) {
        out += (out.empty() ? "" : ": ") + error.message;
    }
    if (!error.details.empty()) {
        out += " (" + error.details + ")";
    }
    if (out.empty()) {
        out = "HTTP " + std::to_string(status);
        if (!body.empty()) {
            out += ": " + printable_excerpt(body, 200);
        }
    }
    return out;
}

std::string with_request_id(std::string text, const std::string& request_id) {
    if (!request_id.empty()) {
        text += " (request id " + printable_excerpt(request_id, 100) + ")";
    }
    return text;
}

bool mentions_expired(const AmazonError& error) {
    std::string all = error.code + " " + error.message + " " + error.details;
    std::transform(all.begin(), all.end(), all.begin(),
                   [](char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; });
    return all.find("expired") != std::string::npos;
}

// Retry-After in seconds (the HTTP-date form is not used by Amazon and is ignored), capped.
std::chrono::milliseconds retry_after(const HttpResponse& response) {
    const std::string value = response.header("retry-after");
    long long seconds = 0;
    const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), seconds);
    if (value.empty() || ec != std::errc{} || end != value.data() + value.size() || seconds <= 0) {
        return std::chrono::milliseconds::zero();
    }
    return std::min<std::chrono::milliseconds>(std::chrono::seconds(seconds), k_max_retry_after);
}

// "20261101T100000Z", the x-amz-date form.
std::string amz_date(std::chrono::system_clock::time_point t) {
    const std::time_t seconds = std::chrono::system_clock::to_time_t(t);
    std::tm tm{};
    gmtime_r(&seconds, &tm);
    std::array<char, 20> buffer{};
    const std::size_t n = std::strftime(buffer.data(), buffer.size(), "%Y%m%dT%H%M%SZ", &tm);
    return {buffer.data(), n};
}

void throw_if_interrupted() {
    if (interrupted()) {
        throw Error(ErrorKind::Interrupted, "interrupted");
    }
}

} // namespace

SpApiClient::SpApiClient(Transport& transport, LwaAuth& auth, RateLimiter& limiter, Clock& clock,
                         std::string endpoint, RetryPolicy retry, Events& events)
    : m_transport(transport), m_auth(auth), m_limiter(limiter), m_clock(clock),
      m_endpoint(std::move(endpoint)), m_retry(retry), m_events(events), m_rng(std::random_device{}()) {
    while (!m_endpoint.empty() && m_endpoint.back() == '/') {
        m_endpoint.pop_back();
    }
}

HttpResponse SpApiClient::call(const ApiCall& call) {
    std::string url = m_endpoint + call.path;
    for (std::size_t i = 0; i < call.query.size(); ++i) {
        url += (i == 0 ? '?' : '&');
        url += url_encode(call.query[i].first) + "=" + url_encode(call.query[i].second);
    }
    const std::string& op = call.operation;
    const int max_attempts = std::max(1, m_retry.max_attempts);

    int attempt = 0;        // attempts counted against max_attempts
    bool refreshed = false; // the one extra attempt with a fresh token after "token expired"
    bool malformed = false; // the last failure was a 2xx whose body is not JSON
    std::string last_reason;
    int last_status = 0;
    std::string last_code;
    std::string last_request_id;
    for (;;) {
        throw_if_interrupted();
        // Pace: wait for this operation's token bucket, as long as it takes.
        for (auto wait = m_limiter.acquire(op); wait > std::chrono::nanoseconds::zero();
             wait = m_limiter.acquire(op)) {
            m_events.waiting_for_rate_limit(op, std::chrono::ceil<std::chrono::milliseconds>(wait));
            m_clock.sleep_for(wait);
            throw_if_interrupted();
        }
        ++attempt;
        m_events.debug(fmt::format("{} (attempt {})", op, attempt));

        HttpRequest request;
        request.method = call.method;
        request.url = url;
        request.max_response_bytes = call.max_response_bytes;
        request.headers = {{"x-amz-access-token", m_auth.access_token()},
                           {"x-amz-date", amz_date(m_clock.wall_now())},
                           {"accept", "application/json"}};
        if (!call.body.empty()) {
            request.headers.emplace_back("content-type", "application/json");
            request.body = call.body;
        }
        HttpResponse response = m_transport.send(request);
        throw_if_interrupted();

        std::chrono::milliseconds server_delay{0};
        if (response.error != TransportError::None) {
            last_reason = describe(response.error, response.error_message);
            last_status = 0;
            last_code.clear();
            last_request_id.clear();
            malformed = false;
            if (!is_retryable(response.error)) {
                throw ApiError(
                    ErrorKind::Temporary, fmt::format("{} failed: {}", op, last_reason),
                    response.error == TransportError::Tls
                        ? "check the endpoint's host name, the system clock and the CA certificates"
                        : "check the network connection and try again",
                    0, "", "");
            }
        } else {
            if (const std::string limit = response.header("x-amzn-ratelimit-limit"); !limit.empty()) {
                if (const std::string ignored = m_limiter.observe_limit_header(op, limit); !ignored.empty()) {
                    m_events.debug(ignored);
                }
            }
            const std::string request_id = response.header("x-amzn-requestid");
            if (response.status >= 200 && response.status < 300) {
                if (response.body.empty() || json::accept(response.body)) {
                    return response;
                }
                malformed = true;
                last_reason = "malformed response (HTTP " + std::to_string(response.status) + ", not JSON)";
                last_status = response.status;
                last_code.clear();
                last_request_id = request_id;
            } else {
                const AmazonError error = parse_error_body(response.body);
                const std::string what = describe(response.status, error, response.body);
                if ((response.status == 401 || response.status == 403) && !refreshed &&
                    mentions_expired(error)) {
                    // The token died before its time (revoked, clock skew): one more try with a
                    // fresh one, not counted against the retry budget.
                    m_auth.invalidate();
                    refreshed = true;
                    --attempt;
                    continue;
                }
                if (!is_retryable_status(response.status)) {
                    const std::string shown = with_request_id(what, request_id);
                    switch (response.status) {
                    case 400:
                        throw ApiError(ErrorKind::Usage,
                                       fmt::format("{} was rejected by Amazon: {}", op, shown), "",
                                       response.status, error.code, request_id);
                    case 401:
                    case 403:
                        throw ApiError(
                            ErrorKind::Auth,
                            fmt::format("{} was refused by Amazon (HTTP {}): {}", op, response.status, shown),
                            fmt::format("check that the app has the roles {} needs, and that the "
                                        "refresh token belongs to this seller and to this region's "
                                        "endpoint",
                                        op),
                            response.status, error.code, request_id);
                    case 404:
                        throw ApiError(ErrorKind::NotFound, fmt::format("{}: not found: {}", op, shown), "",
                                       response.status, error.code, request_id);
                    case 301:
                    case 302:
                    case 303:
                    case 307:
                    case 308:
                        // Amazon's endpoints do not redirect: the configured endpoint is wrong.
                        throw ApiError(ErrorKind::Config,
                                       fmt::format("{}: the endpoint {} answered HTTP {} (a redirect): it is not "
                                                   "a Selling Partner API endpoint",
                                                   op, printable_excerpt(m_endpoint, 200), response.status),
                                       "set the region, or endpoint in the profile (or ASC_ENDPOINT / "
                                       "--endpoint), to https://sellingpartnerapi-na.amazon.com (-eu, -fe)",
                                       response.status, error.code, request_id);
                    default:
                        throw ApiError(ErrorKind::Internal,
                                       fmt::format("{} failed with HTTP {}: {}", op, response.status, shown),
                                       "", response.status, error.code, request_id);
                    }
                }
                if (response.status == 429) {
                    m_limiter.observe_throttled(op);
                }
                malformed = false;
                last_reason = error.code.empty() && error.message.empty()
                                  ? what
                                  : "HTTP " + std::to_string(response.status) + " " + what;
                last_status = response.status;
                last_code = error.code;
                last_request_id = request_id;
                server_delay = retry_after(response);
            }
        }

        // A call that must not be sent twice is retried only when Amazon certainly did not act on
        // it: it was throttled (429) or never left this machine (no connection).
        const bool may_have_arrived = !(response.error == TransportError::Connect || last_status == 429);
        if (!call.idempotent && may_have_arrived) {
            throw ApiError(
                ErrorKind::Temporary,
                with_request_id(fmt::format("{} may or may not have reached Amazon ({}); it is not "
                                            "sent again automatically",
                                            op, last_reason),
                                last_request_id),
                "run the same command again: it looks the request up before sending anything new",
                last_status, last_code, last_request_id);
        }
        if (attempt >= max_attempts) {
            const std::string hint = "Amazon or the network is having trouble; try again later "
                                     "(--max-attempts allows more attempts)";
            if (malformed) {
                throw ApiError(
                    ErrorKind::Temporary,
                    with_request_id(fmt::format("Amazon returned a malformed response for {} (after {})", op,
                                                count_noun(attempt, "attempt")),
                                    last_request_id),
                    hint, last_status, last_code, last_request_id);
            }
            throw ApiError(
                ErrorKind::Temporary,
                with_request_id(fmt::format("{} failed after {}: {}", op, count_noun(attempt, "attempt"), last_reason),
                                last_request_id),
                hint, last_status, last_code, last_request_id);
        }
        const auto delay = std::max(m_retry.backoff(attempt, m_rng), server_delay);
        m_events.retrying(op, attempt, last_reason, delay);
        m_clock.sleep_for(delay);
    }
}

} // namespace asc
