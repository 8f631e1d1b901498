#pragma once
// What every API request passes through before its handler: it is counted, may draw an injected
// fault, and must take a token from its operation's bucket. Thread-safe.

#include "util.hpp"

#include <array>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <vector>

namespace sim {

enum class Op : std::uint8_t {
    token, // LWA
    searchOrders,
    getOrder,
    confirmShipment,
    createFeedDocument,
    uploadFeedDocument, // PUT to the presigned url
    createFeed,
    getFeed,
    getFeeds,
    cancelFeed,
    getFeedDocument,
    downloadFeedDocument, // GET of a document url
    commerceSearch,       // Magento: GET /rest/{store}/V1/orders?searchCriteria...
    commerceGet,          // Magento: GET /rest/{store}/V1/orders/{id}
    commerceComment,      // Magento: POST /rest/{store}/V1/orders/{id}/comments
    commerceCancel,       // Magento: POST /rest/{store}/V1/orders/{id}/cancel
    commerceRefund,       // Magento: POST /rest/{store}/V1/order/{id}/refund
    commerceCreditmemos,  // Magento: GET /rest/{store}/V1/creditmemos?searchCriteria...
    commerceShip,         // Magento: POST /rest/{store}/V1/order/{id}/ship
    commerceShipments,    // Magento: GET /rest/{store}/V1/shipments?searchCriteria...
    createReport,
    getReport,
    getReportDocument,
    downloadReportDocument, // GET of a report document url
};
inline constexpr std::size_t k_op_count = 24;

std::string_view op_name(Op op);
std::optional<Op> parse_op(std::string_view name);

// Amazon's default usage plan for the operation; rate 0 means not limited.
struct UsagePlan {
    double rate; // requests per second
    double burst;
};
UsagePlan usage_plan(Op op);

enum class FaultKind : std::uint8_t { http429, http500, http503, slow, drop, garbage, expire };

struct FaultSpec {
    FaultKind kind = FaultKind::http500;
    std::optional<Op> op; // nullopt = every operation ('*')
    double probability = 0;
    std::string text; // as given, for /_sim/config read-back
};

// Parses "KIND:OPERATION:PROBABILITY", e.g. "429:searchOrders:0.2", "drop:*:0.05".
std::optional<FaultSpec> parse_fault(std::string_view spec, std::string& error);

class Gate {
  public:
    Gate(std::uint64_t seed, bool rate_limits, double time_scale, std::vector<FaultSpec> faults);

    // Counts a request to `op` and draws the faults that apply to it, in order. Returns the first
    // that fires (counted as a fault), or nullopt.
    std::optional<FaultKind> enter(Op op);
    // Takes a token from the operation's bucket. False means throttled (and is counted).
    bool admit(Op op);
    // The rate the x-amzn-RateLimit-Limit header reports: the plan's rate times the time scale.
    [[nodiscard]] std::string limit_header(Op op) const;

    [[nodiscard]] nlohmann::ordered_json stats() const;
    void reset_stats();

    // Run-time changes from POST /_sim/config. Turning rate limits on refills every bucket.
    void set_rate_limits(bool on);
    void set_faults(std::vector<FaultSpec> faults);
    void set_time_scale(double scale);
    [[nodiscard]] nlohmann::ordered_json config() const;

  private:
    using Clock = std::chrono::steady_clock;
    struct Counter {
        std::uint64_t requests = 0;
        std::uint64_t throttled = 0;
        std::uint64_t faults = 0;
        double tokens = 0;
        Clock::time_point refilled{};
    };

    void refill_all();

    mutable std::mutex mutex_;
    std::mt19937_64 rng_;
    bool rate_limits_;
    double time_scale_;
    std::vector<FaultSpec> faults_;
    std::array<Counter, k_op_count> counters_{};
};

} // namespace sim
