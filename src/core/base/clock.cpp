// The real clock, and the interrupt flag its sleeps watch.

#include "asc/base/clock.hpp"

#include "asc/base/interrupt.hpp"

#include <algorithm>
#include <atomic>
#include <thread>

namespace asc {

namespace {

// Lock-free, so reading and writing it from a signal handler is well defined.
std::atomic<bool> g_interrupted{false};
static_assert(std::atomic<bool>::is_always_lock_free);

// How often a sleep looks at the interrupt flag: short enough that Ctrl-C feels immediate.
constexpr std::chrono::milliseconds k_sleep_slice{50};

class SystemClock final : public Clock {
  public:
    std::chrono::steady_clock::time_point now() override { return std::chrono::steady_clock::now(); }
    std::chrono::system_clock::time_point wall_now() override { return std::chrono::system_clock::now(); }

    // Sleeps in slices and returns early once the interrupt flag is set; the caller checks
    // interrupted() afterwards.
    void sleep_for(std::chrono::nanoseconds d) override {
        const auto until = std::chrono::steady_clock::now() + d;
        while (!interrupted()) {
            const auto left = until - std::chrono::steady_clock::now();
            if (left <= std::chrono::nanoseconds::zero()) {
                return;
            }
            std::this_thread::sleep_for(std::min<std::chrono::nanoseconds>(left, k_sleep_slice));
        }
    }
};

} // namespace

bool interrupted() {
    return g_interrupted.load(std::memory_order_relaxed);
}

void set_interrupted() {
    g_interrupted.store(true, std::memory_order_relaxed);
}

void clear_interrupted() {
    g_interrupted.store(false, std::memory_order_relaxed);
}

Clock& system_clock() {
    static SystemClock clock;
    return clock;
}

} // namespace asc
