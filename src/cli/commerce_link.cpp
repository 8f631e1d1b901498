#include "commerce_link.hpp"

#include <algorithm>
#include <chrono>

namespace asc::cli {

namespace {

// A Magento request that takes longer than this is not waited for (--timeout lowers it).
constexpr std::chrono::milliseconds k_commerce_timeout{30'000};
constexpr std::chrono::milliseconds k_commerce_connect_timeout{5'000};
constexpr int k_commerce_attempts = 4;

} // namespace

std::unique_ptr<CommerceLink> CommerceLink::open(Context& ctx) {
    const Settings& s = ctx.settings();
    if (!s.commerce) {
        return nullptr;
    }
    s.commerce->require_complete(s.profile);

    CurlOptions o;
    o.total_timeout = std::min(k_commerce_timeout, std::chrono::milliseconds(static_cast<long long>(
                                                       ctx.global.timeout_seconds * 1000)));
    o.connect_timeout = std::min(o.total_timeout, k_commerce_connect_timeout);
    if (ctx.global.debug) {
        Events& ev = ctx.events();
        o.debug = [&ev](const std::string& line) { ev.debug(line); };
    }
    CommerceOptions options;
    options.retry.max_attempts = std::clamp(ctx.global.max_attempts, 1, k_commerce_attempts);

    std::unique_ptr<CommerceLink> link(new CommerceLink());
    link->m_transport = ctx.make_transport(std::move(o));
    link->m_client = std::make_unique<CommerceClient>(*link->m_transport, ctx.clock(), *s.commerce, options,
                                                      ctx.events());
    return link;
}

} // namespace asc::cli
