#include "options.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <fmt/format.h>
#include <iterator>
#include <string_view>

namespace sim {

const char* const k_usage =
    R"(usage: asc-sim [options]

A local Amazon Selling Partner API (LWA, Orders v2026-01-01, Feeds 2021-06-30) for tests and demos,
with a minimal Adobe Commerce (Magento 2) REST API of orders linked to the Amazon ones.

  --listen HOST:PORT            address to listen on (default 127.0.0.1:0, a free port)
  --orders N                    generate N orders (default 0)
  --seed S                      seed for generated orders and faults (default 1)
  --fixture FILE                also load orders from a searchOrders-shaped JSON file (repeatable)
  --rate-limits on|off          enforce Amazon's per-operation rate limits (default on)
  --time-scale X                run rate-limit refills and feed processing X times faster (default 1)
  --fault KIND:OPERATION:P      inject a fault with probability P (repeatable); KIND is 429, 500,
                                503, slow, drop, garbage or expire; OPERATION an operation name
                                (searchOrders, getOrder, createFeed, ..., token, commerceSearch,
                                commerceGet, commerceComment, commerceCancel, commerceRefund,
                                commerceCreditmemos, commerceShip, commerceShipments) or *
  --slow-seconds X              delay of a slow fault (default 2)
  --token-ttl SECONDS           lifetime of issued access tokens (default 3600)
  --feed-processing-seconds X   time a feed takes to process, before time scaling (default 2)
  --search-lag-seconds N        how long before the request searchOrders' createdBefore and
                                lastUpdatedBefore must be (default 120, Amazon's rule; shorter
                                only for tests, with asc's ASC_TEST_SEARCH_LAG_SECONDS)
  --gzip-reports on|off         GZIP-compress feed result documents (default on)
  --report-build-seconds X      time a report takes to build, before time scaling (default 5)
  --report-gzip-above BYTES     GZIP-compress report documents larger than this (default 1048576)
  --cache-mb N                  memory for serialized generated orders (default 256, 0 disables)
  --page-cache-mb N             keep gzip searchOrders pages and answer the same query again from
                                them until an order changes (default 0: off; for benchmarks)
  --commerce-link-ratio R       share of merchant orders with a linked Magento order (default 0.5:
                                every other one); the Magento REST API is under /rest/{store}/V1
  --commerce-token TOKEN        the Magento integration's access token (default sim-commerce-token)
  --commerce-increment-ids sequence|amazon
                                Magento order numbers: 000100001, ... (default) or the Amazon ids
  --commerce-acl TOKEN:RESOURCES
                                another integration whose token has only these ACL resources
                                (comma-separated, e.g. Magento_Sales::actions_view,Magento_Sales::cancel;
                                repeatable)
  --commerce-status NAME:STATE  a custom order status assigned to a state (repeatable), e.g.
                                amazon_canceled:closed
  --verbose                     log every request to stderr
  --help                        show this help

The first line on stdout is "asc-sim listening on http://HOST:PORT".
)";

namespace {

template <typename T> bool number(std::string_view text, T& out) {
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
    return ec == std::errc{} && end == text.data() + text.size();
}

bool on_off(std::string_view text, bool& out) {
    if (text == "on" || text == "true" || text == "1") {
        out = true;
        return true;
    }
    if (text == "off" || text == "false" || text == "0") {
        out = false;
        return true;
    }
    return false;
}

// "" when `value` set the option, else what was expected ("expected on or off").
using Setter = std::string (*)(std::string_view value, Options& o);

std::string positive(double value) { return std::isfinite(value) && value > 0 ? "" : "expected a positive number"; }
std::string seconds(std::string_view text, double& out) {
    return number(text, out) && std::isfinite(out) && out >= 0 ? "" : "expected a number of seconds";
}
std::string switch_value(std::string_view text, bool& out) { return on_off(text, out) ? "" : "expected on or off"; }

std::string set_listen(std::string_view value, Options& o) {
    const auto colon = value.rfind(':');
    int port = -1;
    if (colon == std::string_view::npos || colon == 0 || !number(value.substr(colon + 1), port) || port < 0 ||
        port > 65535) {
        return "expected HOST:PORT";
    }
    o.host = std::string{value.substr(0, colon)};
    if (o.host.size() > 2 && o.host.front() == '[' && o.host.back() == ']') {
        o.host = o.host.substr(1, o.host.size() - 2);
    }
    o.port = port;
    return "";
}

// NAME:REST with both parts non-empty.
std::optional<std::pair<std::string, std::string>> pair_of(std::string_view value) {
    const auto colon = value.find(':');
    if (colon == std::string_view::npos || colon == 0 || colon + 1 == value.size()) {
        return std::nullopt;
    }
    return std::make_pair(std::string{value.substr(0, colon)}, std::string{value.substr(colon + 1)});
}

std::string set_commerce_acl(std::string_view value, Options& o) {
    const auto pair = pair_of(value);
    if (!pair) {
        return "expected TOKEN:RESOURCE[,RESOURCE...]";
    }
    // Resource names contain "::": split on ',' only.
    const std::string& rest = pair->second;
    std::vector<std::string> resources;
    for (std::size_t start = 0; start <= rest.size();) {
        const auto comma = std::min(rest.find(',', start), rest.size());
        if (comma > start) {
            resources.push_back(rest.substr(start, comma - start));
        }
        start = comma + 1;
    }
    o.commerce_acl.emplace_back(pair->first, std::move(resources));
    return "";
}

struct ValuedOption {
    std::string_view name;
    Setter set;
};

// Every option that takes a value, and how it is read.
const ValuedOption k_valued[] = {
    {"--listen", set_listen},
    {"--orders", [](std::string_view v, Options& o) -> std::string {
         return number(v, o.orders) && o.orders <= 50'000'000 ? "" : "expected a count up to 50000000";
     }},
    {"--seed", [](std::string_view v, Options& o) -> std::string {
         return number(v, o.seed) ? "" : "expected an unsigned integer";
     }},
    {"--fixture", [](std::string_view v, Options& o) -> std::string {
         o.fixtures.emplace_back(v);
         return "";
     }},
    {"--rate-limits", [](std::string_view v, Options& o) { return switch_value(v, o.rate_limits); }},
    {"--gzip-reports", [](std::string_view v, Options& o) { return switch_value(v, o.gzip_reports); }},
    {"--fault", nullptr}, // parse_fault() words its own errors: see parse_options
    {"--time-scale", [](std::string_view v, Options& o) -> std::string {
         return number(v, o.time_scale) ? positive(o.time_scale) : "expected a positive number";
     }},
    {"--token-ttl", [](std::string_view v, Options& o) -> std::string {
         return number(v, o.token_ttl) && o.token_ttl >= 0 ? "" : "expected a number of seconds";
     }},
    {"--cache-mb", [](std::string_view v, Options& o) -> std::string {
         return number(v, o.cache_mb) && o.cache_mb <= (1u << 20) ? "" : "expected a number of MiB";
     }},
    {"--page-cache-mb", [](std::string_view v, Options& o) -> std::string {
         return number(v, o.page_cache_mb) && o.page_cache_mb <= (1u << 20) ? "" : "expected a number of MiB";
     }},
    {"--feed-processing-seconds", [](std::string_view v, Options& o) { return seconds(v, o.feed_processing_seconds); }},
    {"--report-build-seconds", [](std::string_view v, Options& o) { return seconds(v, o.report_build_seconds); }},
    {"--report-gzip-above", [](std::string_view v, Options& o) -> std::string {
         return number(v, o.report_gzip_above) ? "" : "expected a number of bytes";
     }},
    {"--slow-seconds", [](std::string_view v, Options& o) { return seconds(v, o.slow_seconds); }},
    {"--search-lag-seconds", [](std::string_view v, Options& o) -> std::string {
         return number(v, o.search_lag_seconds) && o.search_lag_seconds >= 0 ? "" : "expected a number of seconds";
     }},
    {"--commerce-link-ratio", [](std::string_view v, Options& o) -> std::string {
         const bool ok = number(v, o.commerce_link_ratio) && std::isfinite(o.commerce_link_ratio) &&
                         o.commerce_link_ratio >= 0 && o.commerce_link_ratio <= 1;
         return ok ? "" : "expected a number between 0 and 1";
     }},
    {"--commerce-token", [](std::string_view v, Options& o) -> std::string {
         if (v.empty()) {
             return "expected a token";
         }
         o.commerce_token = std::string{v};
         return "";
     }},
    {"--commerce-increment-ids", [](std::string_view v, Options& o) -> std::string {
         if (v != "sequence" && v != "amazon") {
             return "expected sequence or amazon";
         }
         o.commerce_amazon_increment_ids = v == "amazon";
         return "";
     }},
    {"--commerce-acl", set_commerce_acl},
    {"--commerce-status", [](std::string_view v, Options& o) -> std::string {
         const auto pair = pair_of(v);
         if (!pair) {
             return "expected NAME:STATE";
         }
         o.commerce_statuses.emplace_back(pair->first, pair->second);
         return "";
     }},
};

} // namespace

std::optional<Options> parse_options(int argc, char** argv, std::string& error, bool& help) {
    Options o;
    help = false;
    for (int i = 1; i < argc; ++i) {
        std::string_view arg = argv[i];
        std::string_view value;
        bool has_value = false;
        if (const auto eq = arg.find('='); arg.starts_with("--") && eq != std::string_view::npos) {
            value = arg.substr(eq + 1);
            arg = arg.substr(0, eq);
            has_value = true;
        }
        if (arg == "--help" || arg == "-h") {
            help = true;
            return std::nullopt;
        }
        if (arg == "--verbose" || arg == "-v") {
            o.verbose = true;
            continue;
        }
        const auto* option = std::find_if(std::begin(k_valued), std::end(k_valued),
                                          [arg](const ValuedOption& v) { return v.name == arg; });
        if (option == std::end(k_valued)) {
            error = fmt::format("unknown option {}", arg);
            return std::nullopt;
        }
        if (!has_value) {
            if (i + 1 >= argc) {
                error = fmt::format("{} needs a value", arg);
                return std::nullopt;
            }
            value = argv[++i];
        }
        if (option->set == nullptr) { // --fault
            std::string why;
            auto f = parse_fault(value, why);
            if (!f) {
                error = why;
                return std::nullopt;
            }
            o.faults.push_back(std::move(*f));
        } else if (const std::string what = option->set(value, o); !what.empty()) {
            error = fmt::format("{} {}: {}", arg, value, what);
            return std::nullopt;
        }
    }
    return o;
}

} // namespace sim
