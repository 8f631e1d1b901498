// Every SP-API request goes through SpApiClient::call: pacing, the access token, retries, the
// one token refresh, and the mapping of Amazon's error bodies to typed errors.

#include "asc/amazon/sp_api.hpp"
#include "asc/amazon/sp_api_verdict.hpp"

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
    return lower_ascii(error.code + " " + error.message + " " + error.details).find("expired") != std::string::npos;
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

void throw_if_interrupted(const std::atomic<bool>* cancel = nullptr) {
    if (interrupted()) {
        throw Error(ErrorKind::Interrupted, "interrupted");
    }
    if (cancel != nullptr && cancel->load()) {
        throw Error(ErrorKind::Interrupted, "canceled: the answer is no longer wanted");
    }
}

// Sleeps `d` on `clock`; with a cancel flag, in slices short enough to notice it soon.
void wait_for(Clock& clock, std::chrono::nanoseconds d, const std::atomic<bool>* cancel) {
    if (cancel == nullptr) {
        clock.sleep_for(d);
        return;
    }
    constexpr std::chrono::nanoseconds k_slice = std::chrono::milliseconds(50);
    while (d > std::chrono::nanoseconds::zero() && !cancel->load()) {
        const auto slice = std::min(d, k_slice);
        clock.sleep_for(slice);
        d -= slice;
    }
}

// "https://host/path?a=1&b=2": the query encoded once, here.
std::string call_url(const std::string& endpoint, const ApiCall& call) {
    std::string url = endpoint + call.path;
    for (std::size_t i = 0; i < call.query.size(); ++i) {
        url += (i == 0 ? '?' : '&');
        url += url_encode(call.query[i].first) + "=" + url_encode(call.query[i].second);
    }
    return url;
}

HttpRequest build_request(const ApiCall& call, const std::string& url, std::string access_token,
                          std::chrono::system_clock::time_point now) {
    HttpRequest request;
    request.method = call.method;
    request.url = url;
    request.max_response_bytes = call.max_response_bytes;
    request.headers = {{"x-amz-access-token", std::move(access_token)},
                       {"x-amz-date", amz_date(now)},
                       {"accept", "application/json"}};
    if (!call.body.empty()) {
        request.headers.emplace_back("content-type", "application/json");
        request.body = call.body;
    }
    return request;
}

SpApiVerdict transport_failure(const SpApiAnswer& answer) {
    const HttpResponse& response = answer.response;
    SpApiVerdict v;
    v.message = describe(response.error, response.error_message);
    if (!is_retryable(response.error)) {
        v.action = SpApiVerdict::Action::Fail;
        v.kind = ErrorKind::Temporary;
        v.message = fmt::format("{} failed: {}", answer.operation, v.message);
        v.hint = response.error == TransportError::Tls
                     ? "check the endpoint's host name, the system clock and the CA certificates"
                     : "check the network connection and try again";
        return v;
    }
    v.action = SpApiVerdict::Action::Retry;
    v.may_have_arrived = response.error != TransportError::Connect;
    return v;
}

// A status that retrying cannot change: the error it is, by status.
SpApiVerdict final_status(const SpApiAnswer& answer, const AmazonError& error, const std::string& what) {
    const int status = answer.response.status;
    const std::string_view op = answer.operation;
    SpApiVerdict v;
    v.action = SpApiVerdict::Action::Fail;
    const std::string shown = with_request_id(what, answer.response.header("x-amzn-requestid"));
    switch (status) {
    case 400:
        v.kind = ErrorKind::Usage;
        v.message = fmt::format("{} was rejected by Amazon: {}", op, shown);
        break;
    case 401:
    case 403:
        v.kind = ErrorKind::Auth;
        v.message = fmt::format("{} was refused by Amazon (HTTP {}): {}", op, status, shown);
        v.hint = fmt::format("check that the app has the roles {} needs, and that the refresh token belongs "
                             "to this seller and to this region's endpoint",
                             op);
        break;
    case 404:
        v.kind = ErrorKind::NotFound;
        v.message = fmt::format("{}: not found: {}", op, shown);
        break;
    case 301:
    case 302:
    case 303:
    case 307:
    case 308:
        // Amazon's endpoints do not redirect: the configured endpoint is wrong.
        v.kind = ErrorKind::Config;
        v.message = fmt::format("{}: the endpoint {} answered HTTP {} (a redirect): it is not a Selling "
                                "Partner API endpoint",
                                op, printable_excerpt(answer.endpoint, 200), status);
        v.hint = "set the region, or endpoint in the profile (or ASC_ENDPOINT / --endpoint), to "
                 "https://sellingpartnerapi-na.amazon.com (-eu, -fe)";
        break;
    default:
        v.kind = ErrorKind::Internal;
        v.message = fmt::format("{} failed with HTTP {}: {}", op, status, shown);
        break;
    }
    v.code = error.code;
    return v;
}

} // namespace

SpApiVerdict classify_answer(const SpApiAnswer& answer) {
    const HttpResponse& response = answer.response;
    if (response.error != TransportError::None) {
        return transport_failure(answer);
    }
    SpApiVerdict v;
    const std::string request_id = response.header("x-amzn-requestid");
    if (response.status >= 200 && response.status < 300) {
        if (answer.body_accepted) {
            return v; // Ok
        }
        v.action = SpApiVerdict::Action::Retry;
        v.malformed = true;
        v.message = "malformed response (HTTP " + std::to_string(response.status) + ", not JSON)";
        v.status = response.status;
        v.request_id = request_id;
        return v;
    }
    const AmazonError error = parse_error_body(response.body);
    const std::string what = describe(response.status, error, response.body);
    if ((response.status == 401 || response.status == 403) && !answer.refreshed && mentions_expired(error)) {
        // The token died before its time (revoked, clock skew): one more try with a fresh one.
        v.action = SpApiVerdict::Action::RefreshToken;
        return v;
    }
    if (!is_retryable_status(response.status)) {
        v = final_status(answer, error, what);
    } else {
        v.action = SpApiVerdict::Action::Retry;
        v.message = error.code.empty() && error.message.empty()
                        ? what
                        : "HTTP " + std::to_string(response.status) + " " + what;
        v.code = error.code;
        v.retry_after = retry_after(response);
        v.throttled = response.status == 429;
        v.may_have_arrived = !v.throttled;
    }
    v.status = response.status;
    v.request_id = request_id;
    return v;
}

namespace {

// Waits for the operation's rate-limit token, as long as it takes.
void pace(RateLimiter& limiter, Clock& clock, const ApiCall& call, Events& events) {
    const std::string& op = call.operation;
    for (auto wait = limiter.acquire(op); wait > std::chrono::nanoseconds::zero(); wait = limiter.acquire(op)) {
        events.waiting_for_rate_limit(op, std::chrono::ceil<std::chrono::milliseconds>(wait));
        wait_for(clock, wait, call.cancel);
        throw_if_interrupted(call.cancel);
    }
}

// A call that must not be sent twice, after a failure Amazon may have acted on.
ApiError not_sent_again(const ApiCall& call, const SpApiVerdict& v) {
    return {ErrorKind::Temporary,
            with_request_id(fmt::format("{} may or may not have reached Amazon ({}); it is not sent again "
                                        "automatically",
                                        call.operation, v.message),
                            v.request_id),
            "run the same command again: it looks the request up before sending anything new",
            v.status,
            v.code,
            v.request_id};
}

// The attempts ran out on `v`, the last verdict.
ApiError gave_up(const ApiCall& call, const SpApiVerdict& v, int attempts) {
    const std::string what =
        v.malformed ? fmt::format("Amazon returned a malformed response for {} (after {})", call.operation,
                                  count_noun(attempts, "attempt"))
                    : fmt::format("{} failed after {}: {}", call.operation, count_noun(attempts, "attempt"),
                                  v.message);
    return {ErrorKind::Temporary, with_request_id(what, v.request_id),
            "Amazon or the network is having trouble; try again later (--max-attempts allows more attempts)",
            v.status, v.code, v.request_id};
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
    return this->call(call, [](const HttpResponse& response) {
        return response.body.empty() || json::accept(response.body);
    });
}

HttpResponse SpApiClient::call(const ApiCall& call, const BodyReader& read) {
    Events& events = call.events != nullptr ? *call.events : m_events;
    const std::string url = call_url(m_endpoint, call);
    const std::string& op = call.operation;
    const int max_attempts = std::max(1, m_retry.max_attempts);
    int attempt = 0;        // attempts counted against max_attempts
    bool refreshed = false; // the one extra attempt with a fresh token after "token expired"
    for (;;) {
        throw_if_interrupted(call.cancel);
        pace(m_limiter, m_clock, call, events);
        ++attempt;
        events.debug(fmt::format("{} (attempt {})", op, attempt));
        HttpRequest request = build_request(call, url, m_auth.access_token(), m_clock.wall_now());
        if (call.before_send) {
            // The caller's step before the request leaves (a journal commit, of varying length)
            // must not let this request and the next reach Amazon closer than the usage plan
            // allows: the bucket counts from when it leaves.
            const auto taken = m_clock.now();
            call.before_send();
            m_limiter.hold(op, m_clock.now() - taken);
        }
        HttpResponse response = m_transport.send(request);
        throw_if_interrupted();
        if (response.error == TransportError::None) {
            if (const std::string limit = response.header("x-amzn-ratelimit-limit"); !limit.empty()) {
                if (const std::string ignored = m_limiter.observe_limit_header(op, limit); !ignored.empty()) {
                    m_events.debug(ignored);
                }
            }
        }
        const bool accepted =
            response.error == TransportError::None && response.status >= 200 && response.status < 300 && read(response);
        const SpApiVerdict v = classify_answer({response, op, m_endpoint, accepted, refreshed});
        switch (v.action) {
        case SpApiVerdict::Action::Ok:
            return response;
        case SpApiVerdict::Action::RefreshToken:
            m_auth.invalidate();
            refreshed = true;
            --attempt;
            continue;
        case SpApiVerdict::Action::Fail:
            throw v.error();
        case SpApiVerdict::Action::Retry:
            break;
        }
        if (v.throttled) {
            m_limiter.observe_throttled(op);
        }
        // A call that must not be sent twice is retried only when Amazon certainly did not act on
        // it: it was throttled (429) or never left this machine (no connection).
        if (!call.idempotent && v.may_have_arrived) {
            throw not_sent_again(call, v);
        }
        if (attempt >= max_attempts) {
            throw gave_up(call, v, attempt);
        }
        const auto delay = std::max(m_retry.backoff(attempt, m_rng), v.retry_after);
        events.retrying(op, attempt, v.message, delay);
        wait_for(m_clock, delay, call.cancel);
    }
}

} // namespace asc
