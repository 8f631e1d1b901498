#pragma once
// The simulator's command line.

#include "gate.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace sim {

struct Options {
    std::string host = "127.0.0.1";
    int port = 0;             // 0 picks a free port
    std::uint32_t orders = 0; // generated orders
    std::uint64_t seed = 1;
    std::vector<std::string> fixtures; // searchOrders-shaped JSON files
    bool rate_limits = true;
    double time_scale = 1; // multiplies refill rates and divides feed processing time
    std::vector<FaultSpec> faults;
    int token_ttl = 3600;               // seconds of real time
    double feed_processing_seconds = 2; // before time scaling
    // searchOrders' createdBefore / lastUpdatedBefore must be at least this long before the request
    // (Amazon: two minutes, orders_2026-01-01.json). Shorter only for tests, in real seconds (the
    // time scale does not shorten it), with asc's ASC_TEST_SEARCH_LAG_SECONDS.
    long long search_lag_seconds = 120;
    double slow_seconds = 2;            // the delay of a "slow" fault
    bool gzip_reports = true;           // result documents are GZIP-compressed
    double report_build_seconds = 5;    // time a report takes to build, before time scaling
    std::size_t report_gzip_above = 1 << 20; // report documents above this many bytes are GZIP
    std::size_t cache_mb = 256;         // cache of serialized generated orders, in MiB (0 disables)
    std::size_t page_cache_mb = 0;      // cache of gzip searchOrders pages, in MiB (0: off; benches)
    bool verbose = false;               // one stderr line per request
    double commerce_link_ratio = 0.5;   // share of merchant orders with a linked Magento order
    std::string commerce_token = "sim-commerce-token"; // the Magento integration's bearer token
    bool commerce_amazon_increment_ids = false;        // Magento order numbers are the Amazon ids
    // More integrations: token -> the ACL resources it was given (--commerce-acl TOKEN:R1,R2).
    std::vector<std::pair<std::string, std::vector<std::string>>> commerce_acl;
    // Custom order statuses: name -> the state it is assigned to (--commerce-status NAME:STATE).
    std::vector<std::pair<std::string, std::string>> commerce_statuses;
};

// Parses argv. On a bad argument returns nullopt and sets `error`; `--help` sets `help`.
std::optional<Options> parse_options(int argc, char** argv, std::string& error, bool& help);
extern const char* const k_usage;

} // namespace sim
