#pragma once
// Time behind an interface so rate limiting and retries are testable without sleeping.

#include <chrono>

namespace asc {

class Clock {
  public:
    virtual ~Clock() = default;
    virtual std::chrono::steady_clock::time_point now() = 0;
    virtual std::chrono::system_clock::time_point wall_now() = 0;
    virtual void sleep_for(std::chrono::nanoseconds d) = 0;
};

// The real clocks; sleep_for really sleeps (and is interruptible by the SIGINT flag).
Clock& system_clock();

} // namespace asc
