#include "asc/model/status.hpp"

#include <array>
#include <cctype>
#include <string>

namespace asc {

namespace {

struct StatusName {
    Status status;
    std::string_view seller;
    std::string_view v2026;
};

constexpr std::array k_statuses{
    StatusName{Status::PendingAvailability, "PendingAvailability", "PENDING_AVAILABILITY"},
    StatusName{Status::Pending, "Pending", "PENDING"},
    StatusName{Status::Unshipped, "Unshipped", "UNSHIPPED"},
    StatusName{Status::PartiallyShipped, "PartiallyShipped", "PARTIALLY_SHIPPED"},
    StatusName{Status::Shipped, "Shipped", "SHIPPED"},
    StatusName{Status::Canceled, "Canceled", "CANCELLED"},
    StatusName{Status::Unfulfillable, "Unfulfillable", "UNFULFILLABLE"},
};

constexpr std::array k_all{Status::PendingAvailability, Status::Pending,  Status::Unshipped,
                           Status::PartiallyShipped,    Status::Shipped,  Status::Canceled,
                           Status::Unfulfillable};

// Lower-case letters only: "Partially-Shipped" -> "partiallyshipped".
std::string squash(std::string_view text) {
    std::string out;
    for (char c : text) {
        if (c == '-' || c == '_' || c == ' ') {
            continue;
        }
        out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
    }
    return out;
}

} // namespace

std::span<const Status> all_statuses() { return k_all; }

std::string_view to_string(Status s) {
    for (const auto& n : k_statuses) {
        if (n.status == s) {
            return n.seller;
        }
    }
    return "Unknown";
}

std::string_view to_v2026(Status s) {
    for (const auto& n : k_statuses) {
        if (n.status == s) {
            return n.v2026;
        }
    }
    return "UNKNOWN";
}

std::optional<Status> status_from_v2026(std::string_view code) {
    for (const auto& n : k_statuses) {
        if (n.v2026 == code) {
            return n.status;
        }
    }
    return std::nullopt;
}

std::optional<Status> parse_status(std::string_view text) {
    std::string key = squash(text);
    if (key == "cancelled") {
        key = "canceled";
    }
    for (const auto& n : k_statuses) {
        if (squash(n.seller) == key) {
            return n.status;
        }
    }
    return std::nullopt;
}

std::string_view to_string(FulfilledBy f) { return f == FulfilledBy::Merchant ? "MFN" : "AFN"; }

std::string_view to_v2026(FulfilledBy f) { return f == FulfilledBy::Merchant ? "MERCHANT" : "AMAZON"; }

std::optional<FulfilledBy> fulfilled_by_from_v2026(std::string_view code) {
    if (code == "MERCHANT") {
        return FulfilledBy::Merchant;
    }
    if (code == "AMAZON") {
        return FulfilledBy::Amazon;
    }
    return std::nullopt;
}

std::optional<FulfilledBy> parse_fulfilled_by(std::string_view text) {
    const std::string key = squash(text);
    if (key == "merchant" || key == "mfn" || key == "seller") {
        return FulfilledBy::Merchant;
    }
    if (key == "amazon" || key == "afn" || key == "fba") {
        return FulfilledBy::Amazon;
    }
    return std::nullopt;
}

} // namespace asc
