#pragma once
// What every command shares: the global flags, the terminal, the settings and, made on first use,
// the clients. Commands get a Context& and never build these themselves.

#include "asc/clock.hpp"
#include "asc/config.hpp"
#include "asc/events.hpp"
#include "asc/feeds_client.hpp"
#include "asc/http.hpp"
#include "asc/lwa.hpp"
#include "asc/orders_client.hpp"
#include "asc/output.hpp"
#include "asc/rate_limit.hpp"
#include "asc/sp_api.hpp"
#include "asc/store.hpp"

#include <chrono>
#include <iosfwd>
#include <memory>
#include <optional>
#include <string>

namespace asc::cli {

struct GlobalOptions {
    FlagSettings settings;
    std::string output = "table";
    std::string fields;
    bool no_headers = false;
    std::string color = "auto";
    bool quiet = false;
    bool verbose = false;
    bool debug = false;
    double timeout_seconds = 60;
    int max_attempts = 5;
};

// Events shown to a person: progress and waits on stderr when it is a terminal (or -v), nothing
// with -q; --debug lines always go to stderr.
class TerminalEvents : public Events {
  public:
    TerminalEvents(std::ostream& err, bool show_progress, bool debug) : m_err(err), m_progress(show_progress), m_debug(debug) {}
    void waiting_for_rate_limit(std::string_view operation, std::chrono::milliseconds d) override;
    void retrying(std::string_view operation, int attempt, std::string_view why,
                  std::chrono::milliseconds d) override;
    void note(std::string_view text) override;
    void debug(std::string_view text) override;

  private:
    std::ostream& m_err;
    bool m_progress;
    bool m_debug;
};

class Context {
  public:
    Context(GlobalOptions& global, std::ostream& out, std::ostream& err);

    GlobalOptions& global;
    std::ostream& out;
    std::ostream& err;

    [[nodiscard]] bool stdout_is_terminal() const;
    [[nodiscard]] bool stderr_is_terminal() const;
    [[nodiscard]] bool stdin_is_terminal() const;
    // Progress and warnings on stderr: only on a terminal (or -v), never with -q.
    [[nodiscard]] bool show_progress() const;
    [[nodiscard]] bool color_stdout() const;

    // Settings resolved once (flag > env > profile > default). Throws Error(Config).
    const Settings& settings();

    // Renderer options from -o, --no-headers, --color and the terminal.
    RenderOptions render_options();
    Format format();

    Events& events();
    Clock& clock();
    Transport& transport();
    OrdersClient& orders();
    FeedsClient& feeds();
    SpApiClient& sp_api();
    // The local store of this profile (opened, and migrated, on first use).
    Store& store();
    // Writes orders fetched live into the store, so --cached and the reports see them. A store
    // that cannot be opened or written is not worth failing a live command for: it warns once.
    void remember(std::span<const Order> orders);

  private:
    std::optional<Settings> m_settings;
    std::unique_ptr<TerminalEvents> m_events;
    std::unique_ptr<Transport> m_transport;
    std::unique_ptr<RateLimiter> m_limiter;
    std::unique_ptr<LwaAuth> m_lwa;
    std::unique_ptr<SpApiClient> m_sp_api;
    std::unique_ptr<OrdersClient> m_orders;
    std::unique_ptr<FeedsClient> m_feeds;
    std::optional<Store> m_store;
    bool m_store_warned = false;
};

} // namespace asc::cli
