#include "order_status.hpp"

#include <array>

namespace sim {

namespace {
constexpr std::array<std::string_view, k_status_count> k_codes{"PENDING_AVAILABILITY", "PENDING", "UNSHIPPED",
                                                               "PARTIALLY_SHIPPED",    "SHIPPED", "CANCELLED",
                                                               "UNFULFILLABLE"};
}

std::string_view status_code(FStatus s) {
    return k_codes[static_cast<std::size_t>(s)];
}

std::optional<FStatus> parse_status_code(std::string_view code) {
    for (std::size_t i = 0; i < k_codes.size(); ++i) {
        if (k_codes[i] == code) {
            return static_cast<FStatus>(i);
        }
    }
    return std::nullopt;
}

} // namespace sim
