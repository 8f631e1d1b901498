#pragma once
// What one answer to an SP-API request means, as a pure function of the answer: SpApiClient::call
// sends, asks classify_answer() what the answer means, and acts on the verdict (return, refresh the
// token once, retry, or throw). The table, by answer:
//   2xx, body accepted by the reader        -> Ok
//   2xx, body not JSON                      -> Retry (malformed), may have arrived
//   401/403 saying "expired", not refreshed -> RefreshToken (one extra attempt, not counted)
//   400                                     -> Fail Usage
//   401/403                                 -> Fail Auth, hint: roles, seller, region
//   404                                     -> Fail NotFound
//   301/302/303/307/308                     -> Fail Config: the endpoint is not SP-API's
//   429                                     -> Retry after Retry-After, throttled, surely not acted on
//   500/502/503/504                         -> Retry after Retry-After, may have arrived
//   any other status                        -> Fail Internal
//   connection refused                      -> Retry, surely not acted on
//   timeout, dropped, other retryable error -> Retry, may have arrived
//   TLS and other non-retryable errors      -> Fail Temporary, hint: host, clock, certificates
// Every Fail and Retry carries the reason shown to the user, Amazon's error code and request id.

#include "asc/base/errors.hpp"
#include "asc/http/http.hpp"

#include <chrono>
#include <string>
#include <string_view>

namespace asc {

// The answer to one attempt, with what the caller knows about it.
struct SpApiAnswer {
    const HttpResponse& response;
    std::string_view operation;  // "searchOrders", named in messages
    std::string_view endpoint;   // the configured endpoint, named when it redirects
    bool body_accepted = false;  // 2xx only: the BodyReader took the body
    bool refreshed = false;      // the access token was already refreshed once during this call
};

struct SpApiVerdict {
    enum class Action {
        Ok,           ///< Return the response.
        RefreshToken, ///< The token expired early: drop it and send again (once, not counted).
        Retry,        ///< Worth another attempt, after max(backoff, retry_after).
        Fail,         ///< Throw error(): retrying would not help.
    };
    Action action = Action::Ok;
    ErrorKind kind = ErrorKind::Internal; // Fail: the error's kind
    std::string message;                  // Fail: the error's message; Retry: why (for events)
    std::string hint;                     // Fail: what to do
    int status = 0;                       // the HTTP status; 0 for a transport failure
    std::string code;                     // Amazon's error code, if it gave one
    std::string request_id;               // x-amzn-RequestId, if any
    std::chrono::milliseconds retry_after{0}; // Retry: the server's Retry-After (capped at 60 s)
    bool malformed = false;               // Retry: a 2xx whose body is not JSON
    bool throttled = false;               // Retry: a 429 (the rate limiter learns from it)
    // Retry: whether Amazon may have acted on the request (false only for a 429 or a connection
    // that never opened): a call that must not be sent twice is retried only when false.
    bool may_have_arrived = true;

    // The error a Fail verdict throws.
    [[nodiscard]] ApiError error() const { return {kind, message, hint, status, code, request_id}; }
};

SpApiVerdict classify_answer(const SpApiAnswer& answer);

} // namespace asc
