#pragma once
// Part `base` (asc_base): errors, time, clock, events and interrupts that every part shares.
// May use: model.
//
// Typed errors. The core never prints and never exits: it throws these, and the CLI maps each
// kind to an exit code in one place (src/cli/exit_codes.cpp).

#include <stdexcept>
#include <string>

namespace asc {

enum class ErrorKind {
    Usage,        // bad input from the user: exit 2
    NotFound,     // the order (or feed) does not exist: exit 3
    Auth,         // credentials rejected: exit 4
    Refused,      // the status guard refused the action: exit 5
    Partial,      // a batch partly failed: exit 6
    Temporary,    // network, 429, 5xx after retries: exit 75
    Config,       // configuration missing or unsafe: exit 78
    Declined,     // the user answered no at a confirmation prompt; nothing was done: exit 7
    Interrupted,  // SIGINT, or end of input at a prompt: exit 130
    Internal,     // anything else: exit 1
};

class Error : public std::runtime_error {
  public:
    // `what` says what went wrong; `hint` says how to fix it (may be empty).
    Error(ErrorKind kind, std::string what, std::string hint = {})
        : std::runtime_error(std::move(what)), m_kind(kind), m_hint(std::move(hint)) {}

    [[nodiscard]] ErrorKind kind() const { return m_kind; }
    [[nodiscard]] const std::string& hint() const { return m_hint; }

  private:
    ErrorKind m_kind;
    std::string m_hint;
};

// An error answered by an Amazon API in its {"errors":[{code,message,details}]} shape.
class ApiError : public Error {
  public:
    ApiError(ErrorKind kind, std::string what, std::string hint, int http_status, std::string code,
             std::string request_id)
        : Error(kind, std::move(what), std::move(hint)), m_http_status(http_status),
          m_code(std::move(code)), m_request_id(std::move(request_id)) {}

    [[nodiscard]] int http_status() const { return m_http_status; }
    [[nodiscard]] const std::string& code() const { return m_code; }
    [[nodiscard]] const std::string& request_id() const { return m_request_id; }

  private:
    int m_http_status;
    std::string m_code;
    std::string m_request_id;
};

} // namespace asc
