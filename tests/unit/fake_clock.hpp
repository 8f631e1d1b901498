#pragma once
// A Clock for unit tests: time stands still until someone sleeps (or, with `tick` set, moves a
// tick at every reading of the steady clock), and every sleep is recorded.

#include "asc/base/clock.hpp"

#include <chrono>
#include <vector>

namespace asc_test {

class FakeClock final : public asc::Clock {
  public:
    std::chrono::steady_clock::time_point now() override {
        advance(tick);
        return m_steady;
    }
    std::chrono::system_clock::time_point wall_now() override { return m_wall; }
    void sleep_for(std::chrono::nanoseconds d) override {
        sleeps.push_back(d);
        advance(d);
    }

    // Moves both clocks forward without recording a sleep (time passing elsewhere).
    void advance(std::chrono::nanoseconds d) {
        m_steady += std::chrono::duration_cast<std::chrono::steady_clock::duration>(d);
        m_wall += std::chrono::duration_cast<std::chrono::system_clock::duration>(d);
    }

    [[nodiscard]] std::chrono::nanoseconds total_slept() const {
        std::chrono::nanoseconds total{0};
        for (const auto d : sleeps) {
            total += d;
        }
        return total;
    }

    std::vector<std::chrono::nanoseconds> sleeps;
    std::chrono::nanoseconds tick{0};

  private:
    std::chrono::steady_clock::time_point m_steady{std::chrono::hours(1000)};
    // 2026-11-01T10:00:00Z
    std::chrono::system_clock::time_point m_wall{std::chrono::sys_days{std::chrono::year{2026} / 11 / 1} +
                                                 std::chrono::hours(10)};
};

} // namespace asc_test
