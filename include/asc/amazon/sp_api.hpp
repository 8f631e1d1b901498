#pragma once
// Part `amazon` (asc_amazon): LWA, the SP-API call with pacing and typed errors, rate plans, the
// Orders and Feeds clients, the acknowledgement feed and cancel reasons; owns pugixml.
// May use: http, base, model.
//
// The one place requests to the Selling Partner API are made: it adds the access token and the
// User-Agent, paces each operation with the rate limiter, retries what is worth retrying, refreshes
// an expired token once, and turns Amazon's {"errors":[...]} into typed errors.

#include "asc/amazon/lwa.hpp"
#include "asc/amazon/rate_limit.hpp"
#include "asc/base/clock.hpp"
#include "asc/base/events.hpp"
#include "asc/http/http.hpp"
#include "asc/http/retry.hpp"

#include <random>
#include <string>
#include <vector>

namespace asc {

// The default cap on an SP-API answer: 16 MiB.
inline constexpr std::size_t k_max_api_answer = std::size_t{16} * 1024 * 1024;

struct ApiCall {
    std::string operation;   // "searchOrders": picks the rate-limit bucket, named in errors
    std::string method = "GET";
    std::string path;        // "/orders/2026-01-01/orders"
    std::vector<std::pair<std::string, std::string>> query;  // unencoded; encoded here
    std::string body;        // JSON for POST
    // False for calls that must not be sent twice (createFeed): after a failure that may have
    // reached Amazon (timeout, dropped connection, 5xx) the call is not retried and throws
    // Error(Temporary) at once; a 429 (rejected before processing) is still retried.
    bool idempotent = true;
    // The largest answer this call accepts (see HttpRequest::max_response_bytes): Amazon's JSON
    // answers are pages of at most 100 orders or feeds, far below this.
    std::size_t max_response_bytes = k_max_api_answer;
};

class SpApiClient {
  public:
    SpApiClient(Transport& transport, LwaAuth& auth, RateLimiter& limiter, Clock& clock,
                std::string endpoint, RetryPolicy retry, Events& events = no_events());

    // Sends the call and returns the 2xx response (its body is empty or valid JSON). Throws:
    //   ApiError(NotFound) for 404, ApiError(Auth) for 401/403 (after one token refresh when the
    //   token expired), ApiError(Usage) for 400, ApiError(Temporary) when retries ran out
    //   (429/5xx/network/malformed), ApiError(Internal) for other statuses, Error(Interrupted)
    //   once interrupted() is set. Messages name the operation and Amazon's request id, never the
    //   access token.
    HttpResponse call(const ApiCall& call);

    [[nodiscard]] const std::string& endpoint() const { return m_endpoint; }
    // The clock and events this client was built with, for the API clients layered on it.
    [[nodiscard]] Clock& clock() const { return m_clock; }
    [[nodiscard]] Events& events() const { return m_events; }

  private:
    Transport& m_transport;
    LwaAuth& m_auth;
    RateLimiter& m_limiter;
    Clock& m_clock;
    std::string m_endpoint;
    RetryPolicy m_retry;
    Events& m_events;
    std::mt19937_64 m_rng;
};

} // namespace asc
