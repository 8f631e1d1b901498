#include "gate.hpp"

#include <algorithm>
#include <charconv>
#include <fmt/format.h>

namespace sim {

namespace {

constexpr std::array<std::string_view, k_op_count> k_op_names{"token",
                                                              "searchOrders",
                                                              "getOrder",
                                                              "confirmShipment",
                                                              "createFeedDocument",
                                                              "uploadFeedDocument",
                                                              "createFeed",
                                                              "getFeed",
                                                              "getFeeds",
                                                              "cancelFeed",
                                                              "getFeedDocument",
                                                              "downloadFeedDocument",
                                                              "commerceSearch",
                                                              "commerceGet",
                                                              "commerceComment",
                                                              "commerceCancel",
                                                              "commerceRefund",
                                                              "commerceCreditmemos",
                                                              "commerceShip",
                                                              "commerceShipments",
                                                              "createReport",
                                                              "getReport",
                                                              "getReportDocument",
                                                              "downloadReportDocument"};

// Amazon's default usage plans (requests per second / burst).
constexpr std::array<UsagePlan, k_op_count> k_plans{{
    {0, 0},       // token: not limited
    {0.0056, 20}, // searchOrders
    {0.5, 30},    // getOrder
    {2, 10},      // confirmShipment
    {0.5, 15},    // createFeedDocument
    {0, 0},       // uploadFeedDocument: S3, not limited
    {0.0083, 15}, // createFeed
    {2, 15},      // getFeed
    {0.0222, 10}, // getFeeds
    {2, 15},      // cancelFeed
    {0.0222, 10}, // getFeedDocument
    {0, 0},       // downloadFeedDocument: S3, not limited
    {0, 0},       // commerceSearch: Magento, not limited
    {0, 0},       // commerceGet
    {0, 0},       // commerceComment
    {0, 0},       // commerceCancel
    {0, 0},       // commerceRefund
    {0, 0},       // commerceCreditmemos
    {0, 0},       // commerceShip
    {0, 0},       // commerceShipments
    // reports_2021-06-30.json, "Usage Plan" of each operation:
    {0.0167, 15}, // createReport
    {2, 15},      // getReport
    {0.0167, 15}, // getReportDocument
    {0, 0},       // downloadReportDocument: S3, not limited
}};

std::size_t at(Op op) {
    return static_cast<std::size_t>(op);
}

} // namespace

std::string_view op_name(Op op) {
    return k_op_names[at(op)];
}

std::optional<Op> parse_op(std::string_view name) {
    for (std::size_t i = 0; i < k_op_names.size(); ++i) {
        if (k_op_names[i] == name) {
            return static_cast<Op>(i);
        }
    }
    return std::nullopt;
}

UsagePlan usage_plan(Op op) {
    return k_plans[at(op)];
}

std::optional<FaultSpec> parse_fault(std::string_view spec, std::string& error) {
    const auto parts = split(spec, ':');
    if (parts.size() != 3) {
        error = fmt::format("fault '{}' is not KIND:OPERATION:PROBABILITY", spec);
        return std::nullopt;
    }
    FaultSpec f;
    f.text = std::string{spec};
    const std::string& kind = parts[0];
    if (kind == "429") {
        f.kind = FaultKind::http429;
    } else if (kind == "500") {
        f.kind = FaultKind::http500;
    } else if (kind == "503") {
        f.kind = FaultKind::http503;
    } else if (kind == "slow") {
        f.kind = FaultKind::slow;
    } else if (kind == "drop") {
        f.kind = FaultKind::drop;
    } else if (kind == "garbage") {
        f.kind = FaultKind::garbage;
    } else if (kind == "expire") {
        f.kind = FaultKind::expire;
    } else {
        error = fmt::format("fault kind '{}' is not one of 429, 500, 503, slow, drop, garbage, expire", kind);
        return std::nullopt;
    }
    if (parts[1] != "*") {
        f.op = parse_op(parts[1]);
        if (!f.op) {
            error =
                fmt::format("fault operation '{}' is unknown (use an operation name such as searchOrders, "
                            "getOrder, createFeed, token, or *)",
                            parts[1]);
            return std::nullopt;
        }
    }
    const auto& p = parts[2];
    const auto [end, ec] = std::from_chars(p.data(), p.data() + p.size(), f.probability);
    if (ec != std::errc{} || end != p.data() + p.size() || f.probability < 0 || f.probability > 1) {
        error = fmt::format("fault probability '{}' is not a number between 0 and 1", p);
        return std::nullopt;
    }
    return f;
}

Gate::Gate(std::uint64_t seed, bool rate_limits, double time_scale, std::vector<FaultSpec> faults)
    : rng_(mix64(seed ^ 0xfa017ull)), rate_limits_(rate_limits), time_scale_(time_scale),
      faults_(std::move(faults)) {
    refill_all();
}

void Gate::refill_all() {
    const auto now = Clock::now();
    for (std::size_t i = 0; i < k_op_count; ++i) {
        counters_[i].tokens = k_plans[i].burst;
        counters_[i].refilled = now;
    }
}

std::optional<FaultKind> Gate::enter(Op op) {
    std::lock_guard lock(mutex_);
    auto& c = counters_[at(op)];
    ++c.requests;
    for (const auto& f : faults_) {
        if (f.op && *f.op != op) {
            continue;
        }
        if (unit(rng_) < f.probability) {
            ++c.faults;
            return f.kind;
        }
    }
    return std::nullopt;
}

bool Gate::admit(Op op) {
    const UsagePlan plan = k_plans[at(op)];
    std::lock_guard lock(mutex_);
    if (!rate_limits_ || plan.rate <= 0) {
        return true;
    }
    auto& c = counters_[at(op)];
    const auto now = Clock::now();
    const double elapsed = std::chrono::duration<double>(now - c.refilled).count();
    c.tokens = std::min(plan.burst, c.tokens + elapsed * plan.rate * time_scale_);
    c.refilled = now;
    if (c.tokens >= 1.0) {
        c.tokens -= 1.0;
        return true;
    }
    ++c.throttled;
    return false;
}

std::string Gate::limit_header(Op op) const {
    std::lock_guard lock(mutex_);
    // With limits off nothing is enforced: say so with a rate no client will wait for.
    return rate_limits_ ? fmt::format("{:.6g}", k_plans[at(op)].rate * time_scale_) : std::string("10000");
}

nlohmann::ordered_json Gate::stats() const {
    std::lock_guard lock(mutex_);
    nlohmann::ordered_json ops = nlohmann::ordered_json::object();
    std::uint64_t total = 0;
    for (std::size_t i = 0; i < k_op_count; ++i) {
        const auto& c = counters_[i];
        ops[std::string{k_op_names[i]}] = {
            {"requests", c.requests}, {"throttled", c.throttled}, {"faults", c.faults}};
        total += c.requests;
    }
    return {{"operations", ops}, {"total_requests", total}};
}

void Gate::reset_stats() {
    std::lock_guard lock(mutex_);
    for (auto& c : counters_) {
        c.requests = c.throttled = c.faults = 0;
    }
}

void Gate::set_rate_limits(bool on) {
    std::lock_guard lock(mutex_);
    rate_limits_ = on;
    if (on) {
        refill_all();
    }
}

void Gate::set_faults(std::vector<FaultSpec> faults) {
    std::lock_guard lock(mutex_);
    faults_ = std::move(faults);
}

void Gate::set_time_scale(double scale) {
    std::lock_guard lock(mutex_);
    time_scale_ = scale;
}

nlohmann::ordered_json Gate::config() const {
    std::lock_guard lock(mutex_);
    nlohmann::ordered_json faults = nlohmann::ordered_json::array();
    for (const auto& f : faults_) {
        faults.push_back(f.text);
    }
    return {{"rate_limits", rate_limits_}, {"time_scale", time_scale_}, {"faults", faults}};
}

} // namespace sim
