#pragma once
// How the core tells the CLI what it is doing, without printing: the CLI implements this to show
// progress on a terminal, and --debug lines. Every method has a do-nothing default.

#include <chrono>
#include <string>
#include <string_view>

namespace asc {

class Events {
  public:
    virtual ~Events() = default;
    // About to wait `d` for a rate-limit token of `operation`.
    virtual void waiting_for_rate_limit(std::string_view /*operation*/, std::chrono::milliseconds /*d*/) {}
    // A request failed and will be retried after `d` (attempt is 1-based, the one that failed).
    virtual void retrying(std::string_view /*operation*/, int /*attempt*/, std::string_view /*why*/,
                          std::chrono::milliseconds /*d*/) {}
    // A page of a listing arrived.
    virtual void page_received(int /*page*/, std::size_t /*orders_so_far*/) {}
    // A free-form progress or debug note (already redacted).
    virtual void note(std::string_view /*text*/) {}
    // A line for --debug (already redacted).
    virtual void debug(std::string_view /*text*/) {}
};

// An Events that ignores everything.
Events& no_events();

} // namespace asc
