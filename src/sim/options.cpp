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
  --gzip-reports on|off         GZIP-compress feed result documents (default on)
  --report-build-seconds X      time a report takes to build, before time scaling (default 5)
  --report-gzip-above BYTES     GZIP-compress report documents larger than this (default 1048576)
  --cache-mb N                  memory for serialized generated orders (default 256, 0 disables)
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
        auto need = [&]() -> bool {
            if (has_value) {
                return true;
            }
            if (i + 1 >= argc) {
                error = fmt::format("{} needs a value", arg);
                return false;
            }
            value = argv[++i];
            return true;
        };
        auto bad = [&](std::string_view what) {
            error = fmt::format("{} {}: {}", arg, value, what);
            return std::nullopt;
        };
        if (arg == "--help" || arg == "-h") {
            help = true;
            return std::nullopt;
        }
        if (arg == "--verbose" || arg == "-v") {
            o.verbose = true;
            continue;
        }
        static constexpr std::string_view valued[] = {"--listen",
                                                      "--orders",
                                                      "--seed",
                                                      "--fixture",
                                                      "--rate-limits",
                                                      "--gzip-reports",
                                                      "--fault",
                                                      "--time-scale",
                                                      "--token-ttl",
                                                      "--cache-mb",
                                                      "--feed-processing-seconds",
                                                      "--report-build-seconds",
                                                      "--report-gzip-above",
                                                      "--slow-seconds",
                                                      "--commerce-link-ratio",
                                                      "--commerce-token",
                                                      "--commerce-increment-ids",
                                                      "--commerce-acl",
                                                      "--commerce-status"};
        if (std::find(std::begin(valued), std::end(valued), arg) == std::end(valued)) {
            error = fmt::format("unknown option {}", arg);
            return std::nullopt;
        }
        if (!need()) {
            return std::nullopt;
        }
        if (arg == "--listen") {
            const auto colon = value.rfind(':');
            int port = -1;
            if (colon == std::string_view::npos || colon == 0 || !number(value.substr(colon + 1), port) ||
                port < 0 || port > 65535) {
                return bad("expected HOST:PORT");
            }
            o.host = std::string{value.substr(0, colon)};
            if (o.host.size() > 2 && o.host.front() == '[' && o.host.back() == ']') {
                o.host = o.host.substr(1, o.host.size() - 2);
            }
            o.port = port;
        } else if (arg == "--orders") {
            if (!number(value, o.orders) || o.orders > 50'000'000) {
                return bad("expected a count up to 50000000");
            }
        } else if (arg == "--seed") {
            if (!number(value, o.seed)) {
                return bad("expected an unsigned integer");
            }
        } else if (arg == "--fixture") {
            o.fixtures.emplace_back(value);
        } else if (arg == "--rate-limits") {
            if (!on_off(value, o.rate_limits)) {
                return bad("expected on or off");
            }
        } else if (arg == "--gzip-reports") {
            if (!on_off(value, o.gzip_reports)) {
                return bad("expected on or off");
            }
        } else if (arg == "--time-scale") {
            if (!number(value, o.time_scale) || !std::isfinite(o.time_scale) || o.time_scale <= 0) {
                return bad("expected a positive number");
            }
        } else if (arg == "--fault") {
            std::string why;
            auto f = parse_fault(value, why);
            if (!f) {
                error = why;
                return std::nullopt;
            }
            o.faults.push_back(std::move(*f));
        } else if (arg == "--slow-seconds") {
            if (!number(value, o.slow_seconds) || !std::isfinite(o.slow_seconds) || o.slow_seconds < 0) {
                return bad("expected a number of seconds");
            }
        } else if (arg == "--token-ttl") {
            if (!number(value, o.token_ttl) || o.token_ttl < 0) {
                return bad("expected a number of seconds");
            }
        } else if (arg == "--cache-mb") {
            if (!number(value, o.cache_mb) || o.cache_mb > (1u << 20)) {
                return bad("expected a number of MiB");
            }
        } else if (arg == "--feed-processing-seconds") {
            if (!number(value, o.feed_processing_seconds) || !std::isfinite(o.feed_processing_seconds) ||
                o.feed_processing_seconds < 0) {
                return bad("expected a number of seconds");
            }
        } else if (arg == "--report-build-seconds") {
            if (!number(value, o.report_build_seconds) || !std::isfinite(o.report_build_seconds) ||
                o.report_build_seconds < 0) {
                return bad("expected a number of seconds");
            }
        } else if (arg == "--report-gzip-above") {
            if (!number(value, o.report_gzip_above)) {
                return bad("expected a number of bytes");
            }
        } else if (arg == "--commerce-link-ratio") {
            if (!number(value, o.commerce_link_ratio) || !std::isfinite(o.commerce_link_ratio) ||
                o.commerce_link_ratio < 0 || o.commerce_link_ratio > 1) {
                return bad("expected a number between 0 and 1");
            }
        } else if (arg == "--commerce-token") {
            if (value.empty()) {
                return bad("expected a token");
            }
            o.commerce_token = std::string{value};
        } else if (arg == "--commerce-increment-ids") {
            if (value != "sequence" && value != "amazon") {
                return bad("expected sequence or amazon");
            }
            o.commerce_amazon_increment_ids = value == "amazon";
        } else if (arg == "--commerce-acl" || arg == "--commerce-status") {
            const auto colon = value.find(':');
            if (colon == std::string_view::npos || colon == 0 || colon + 1 == value.size()) {
                return bad(arg == "--commerce-acl" ? "expected TOKEN:RESOURCE[,RESOURCE...]"
                                                   : "expected NAME:STATE");
            }
            const std::string name{value.substr(0, colon)};
            const std::string rest{value.substr(colon + 1)};
            if (arg == "--commerce-status") {
                o.commerce_statuses.emplace_back(name, rest);
            } else {
                // Resource names contain "::": split on ',' only.
                std::vector<std::string> resources;
                for (std::size_t start = 0; start <= rest.size();) {
                    const auto comma = std::min(rest.find(',', start), rest.size());
                    if (comma > start) {
                        resources.push_back(rest.substr(start, comma - start));
                    }
                    start = comma + 1;
                }
                o.commerce_acl.emplace_back(name, std::move(resources));
            }
        } else {
            error = fmt::format("unknown option {}", arg);
            return std::nullopt;
        }
    }
    return o;
}

} // namespace sim
