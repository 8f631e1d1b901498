#pragma once
// The profile's Magento (Adobe Commerce) link for the commands: its own transport (shorter
// timeouts than Amazon's) and the commerce client, made only when the profile configures one.

#include "asc/commerce/commerce_client.hpp"
#include "context.hpp"

#include <memory>

namespace asc::cli {

class CommerceLink {
  public:
    // nullptr when the profile has no commerce link (nothing is ever sent to a commerce system
    // then). Throws Error(Config) when the link is configured but incomplete.
    static std::unique_ptr<CommerceLink> open(Context& ctx);

    CommerceClient& client() { return *m_client; }

  private:
    CommerceLink() = default;

    std::unique_ptr<Transport> m_transport;
    std::unique_ptr<CommerceClient> m_client;
};

} // namespace asc::cli
