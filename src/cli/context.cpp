#include "context.hpp"

#include "asc/base/errors.hpp"
#include "asc/base/strings.hpp"
#include "asc/base/time.hpp"
#include "asc/version.hpp"
#include "commands.hpp"
#include "prompt.hpp"
#include "terminal_size.hpp"

#include <cctype>
#include <cmath>
#include <cstdlib>
#include <fmt/format.h>
#include <iostream>
#include <ostream>
#include <sys/ioctl.h>
#include <unistd.h>

namespace asc::cli {

namespace {

// Amazon's limits are per selling partner and application, and the sandbox's are separate: one
// file per profile and endpoint host, e.g. $XDG_CACHE_HOME/asc/rate-limits/prod@sellingpartnerapi-na.amazon.com.
std::filesystem::path rate_limit_file(const Settings& s) {
    std::string host = s.endpoint;
    if (const auto scheme = host.find("://"); scheme != std::string::npos) {
        host.erase(0, scheme + 3);
    }
    host = host.substr(0, host.find('/'));
    std::string name = s.profile + "@" + host;
    for (char& c : name) {
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '-' && c != '_' && c != '@') {
            c = '_';
        }
    }
    return s.cache_dir / "rate-limits" / name;
}

std::string seconds_text(std::chrono::milliseconds d) {
    return fmt::format("{:.1f}s", static_cast<double>(d.count()) / 1000.0);
}

} // namespace

void TerminalEvents::progress(std::string_view text, bool as_line) {
    if (m_line != nullptr) {
        m_line->show(text);
    } else if (m_lines && as_line) {
        m_err << "asc: " << text << '\n';
    }
}

// "waiting 2m58s for searchOrders (Amazon allows one call every 3 minutes); `--cached` reads the
// local store"
std::string TerminalEvents::wait_text(std::string_view operation, std::chrono::seconds left) {
    std::string text = fmt::format("waiting {} for {}", format_duration(left), operation);
    if (const auto rate = m_rate_of ? m_rate_of(operation) : std::nullopt; rate && *rate > 0) {
        const double every = 1.0 / *rate;
        if (every >= 90) {
            text += fmt::format(" (Amazon allows one call every {} minutes)", std::lround(every / 60));
        } else if (every >= 1.5) {
            text += fmt::format(" (Amazon allows one call every {} seconds)", std::lround(every));
        } else {
            text += fmt::format(" (Amazon allows {} calls a second)", std::lround(*rate));
        }
    }
    if (operation == "searchOrders" || operation == "getOrder") {
        text += "; `--cached` reads the local store";
    }
    return text;
}

void TerminalEvents::waiting_for_rate_limit(std::string_view operation, std::chrono::milliseconds d) {
    if (m_quiet) {
        return;
    }
    if (m_line != nullptr) {
        // A glance for short waits; a countdown for the long ones.
        if (d >= std::chrono::milliseconds(500)) {
            const std::string op(operation);
            if (m_clock != nullptr) {
                m_clock->count_down_next_sleep(m_line, [this, op](std::chrono::seconds left) { return wait_text(op, left); });
            } else {
                m_line->show(wait_text(operation, std::chrono::ceil<std::chrono::seconds>(d)));
            }
        }
        return;
    }
    // Off a terminal: one line for any long wait (a cron job must not look hung), and with -v
    // for the shorter ones too.
    const auto now = std::chrono::steady_clock::now();
    if ((d > std::chrono::seconds(10) || (m_lines && d >= std::chrono::seconds(2))) && now >= m_announced_until) {
        m_err << "asc: " << wait_text(operation, std::chrono::ceil<std::chrono::seconds>(d)) << '\n';
        m_announced_until = now + d;
    }
}

void TerminalEvents::retrying(std::string_view operation, int attempt, std::string_view why,
                              std::chrono::milliseconds d) {
    const std::string text =
        fmt::format("{} attempt {} failed ({}); retrying in {}", operation, attempt, why, seconds_text(d));
    if (m_debug && m_line == nullptr && !m_lines) {
        m_err << "asc: " << text << '\n';
        return;
    }
    progress(text, true);
}

void TerminalEvents::page_received(int page, std::size_t orders_so_far) {
    progress(fmt::format("page {}: {} orders so far", page, orders_so_far), false);
}

void TerminalEvents::note(std::string_view text) {
    if (text.starts_with("warning:")) {
        if (m_line != nullptr || m_lines) {
            m_err << "asc: " << text << '\n';
        }
        return;
    }
    progress(text, true);
}

void TerminalEvents::debug(std::string_view text) {
    if (m_debug) {
        m_err << "debug: " << text << '\n';
    }
}

Context::Context(GlobalOptions& g, std::ostream& o, std::ostream& e, ProgressLine* progress, ContextIo io)
    : global(g), out(o), err(e), m_progress(progress), m_io(std::move(io)),
      m_clock(m_io.clock != nullptr ? *m_io.clock : system_clock()) {}

bool Context::stdout_is_terminal() const {
    if (!m_stdout_tty) {
        m_stdout_tty = m_io.stdout_tty ? *m_io.stdout_tty : env("ASC_FORCE_TTY") || isatty(STDOUT_FILENO) == 1;
    }
    return *m_stdout_tty;
}
bool Context::stderr_is_terminal() const {
    return m_io.stderr_tty ? *m_io.stderr_tty : env("ASC_FORCE_TTY") || isatty(STDERR_FILENO) == 1;
}
bool Context::stdin_is_terminal() const { return m_io.stdin_tty ? *m_io.stdin_tty : isatty(STDIN_FILENO) == 1; }

std::istream& Context::in() { return m_io.in != nullptr ? *m_io.in : std::cin; }

std::string Context::ask(std::string_view question, bool secret) {
    return m_io.ask ? m_io.ask(err, question, secret) : ask_line(err, question, secret);
}

std::filesystem::path Context::config_file() const {
    const std::string& flag = global.settings.config_path;
    return flag.empty() ? default_config_path(m_io.env) : std::filesystem::path(flag);
}

std::optional<std::string> Context::env(const std::string& name) const {
    auto value = m_io.env(name);
    return value && !value->empty() ? value : std::nullopt;
}

std::unique_ptr<Transport> Context::make_transport(CurlOptions options) {
    return m_io.make_transport ? m_io.make_transport(std::move(options)) : make_curl_transport(std::move(options));
}

bool Context::show_progress() const {
    if (global.quiet) {
        return false;
    }
    return global.verbose || stderr_is_terminal();
}

bool Context::color_stdout() const {
    if (global.color == ColorFlag::Never) {
        return false;
    }
    if (global.color == ColorFlag::Always) {
        return true;
    }
    if (env("NO_COLOR")) {
        return false;
    }
    if (const auto force = env("CLICOLOR_FORCE"); force && *force != "0") {
        return true;
    }
    if (env("TERM") == "dumb") {
        return false;
    }
    return stdout_is_terminal();
}

const Settings& Context::settings() {
    if (!m_settings) {
        m_settings = load_settings(global.settings, m_io.env);
    }
    return *m_settings;
}

Format Context::format() {
    Format f = Format::Table;
    switch (global.output) {
    case OutputFlag::Table:
    case OutputFlag::Wide:
        f = Format::Table;
        break;
    case OutputFlag::Json:
        f = Format::Json;
        break;
    case OutputFlag::Jsonl:
        f = Format::Jsonl;
        break;
    case OutputFlag::Csv:
        f = Format::Csv;
        break;
    case OutputFlag::Tsv:
        f = Format::Tsv;
        break;
    case OutputFlag::Ids:
        f = Format::Ids;
        break;
    }
    if (!global.jq.empty()) {
        return f == Format::Jsonl ? Format::Jsonl : Format::Json;
    }
    return f;
}

bool Context::wide() const { return global.output == OutputFlag::Wide; }

bool Context::draws_table() {
    if (format() != Format::Table) {
        return false;
    }
    return stdout_is_terminal() || global.output_given || global.color == ColorFlag::Always;
}

bool Context::human_table() { return draws_table(); }

int Context::table_width() {
    if (!m_width) {
        const int width = terminal_columns(env("COLUMNS"), STDOUT_FILENO);
        m_width = width > 0 ? width : 80;
    }
    return *m_width;
}

int Context::help_width() {
    const int width = terminal_columns(env("COLUMNS"), STDOUT_FILENO);
    return width > 0 ? width : 80;
}

void Context::start_pager() {
    // A pager only on the real fd 1 of a terminal (not ASC_FORCE_TTY, not a test's stream).
    if (m_pager || global.no_pager || !global.jq.empty() || !draws_table() || m_io.stdout_tty.has_value() ||
        isatty(STDOUT_FILENO) != 1) {
        return;
    }
    if (!settings().pager) {
        return;
    }
    (void)stdout_is_terminal(); // decided before fd 1 becomes the pager's pipe
    (void)table_width();
    m_pager = Pager::start(pager_command(m_io.env));
}

void Context::clear_progress() {
    if (m_progress != nullptr) {
        m_progress->clear();
    }
}

void Context::stop_pager() {
    out.flush();
    m_pager.reset();
    if (!m_pending_note.empty()) {
        err << m_pending_note;
        m_pending_note.clear();
    }
}

void Context::note_after_output(std::string note) {
    if (m_pager) {
        m_pending_note += note;
        return;
    }
    out.flush(); // both streams share the screen: the rows already written go first, whole
    err << note;
}

void Context::note_hidden_columns(const std::vector<std::string>& hidden, int width) {
    if (m_hidden_noted || global.quiet || hidden.empty()) {
        return;
    }
    m_hidden_noted = true;
    // Said after the output (see stop_pager), below the table and not inside a pager's screen.
    m_pending_note += fmt::format("asc: to fit {} columns, left out: {} (-o wide or --fields shows them)\n", width,
                                 fmt::join(hidden, ", "));
}

RenderOptions Context::render_options() {
    RenderOptions o;
    o.format = format();
    o.headers = !global.no_headers;
    o.terminal = draws_table();
    o.color = o.terminal && color_stdout();
    // In a pipe, a table asked for fits COLUMNS, or 80.
    o.width = o.terminal ? table_width() : 0;
    o.wide = wide();
    o.drop_columns = global.fields.empty();
    o.on_hidden = [this, width = o.width](const std::vector<std::string>& hidden) {
        note_hidden_columns(hidden, width);
    };
    return o;
}

Events& Context::events() {
    if (!m_events) {
        // The progress line only on a terminal, and never with -q.
        ProgressLine* line = !global.quiet && stderr_is_terminal() ? m_progress : nullptr;
        if (line != nullptr) {
            line->use_columns(env("COLUMNS"));
        }
        m_events = std::make_unique<TerminalEvents>(
            err, line, show_progress() && !stderr_is_terminal(), global.debug, global.quiet, &m_clock,
            [this](std::string_view op) { return m_limiter ? m_limiter->rate(op) : std::nullopt; });
    }
    return *m_events;
}

Clock& Context::clock() { return m_clock; }

Transport& Context::transport() {
    if (!m_transport) {
        CurlOptions o;
        o.total_timeout = std::chrono::milliseconds(static_cast<long long>(global.timeout_seconds * 1000));
        o.connect_timeout = std::min(o.total_timeout, std::chrono::milliseconds(10'000));
        if (global.debug) {
            Events& ev = events();
            o.debug = [&ev](const std::string& line) { ev.debug(line); };
        }
        m_transport = make_transport(std::move(o));
    }
    return *m_transport;
}

SpApiClient& Context::sp_api() {
    if (!m_sp_api) {
        const Settings& s = settings();
        s.require_credentials();
        m_limiter = std::make_unique<RateLimiter>(clock());
        if (is_postgres_store(s.store_path.native())) {
            // A store shared by several hosts shares their rate budget too: one set of buckets
            // per seller account, in the database, taken under a row lock.
            m_limiter->set_persistence(make_bucket_text([this](const std::function<void(std::string&)>& fn) {
                store().update_shared_text("rate_buckets", fn);
            }));
        } else {
            m_limiter->set_persistence(make_bucket_file(rate_limit_file(s)));
        }
        m_lwa = std::make_unique<LwaAuth>(
            transport(), clock(),
            LwaCredentials{s.lwa_endpoint, s.client_id, s.client_secret, s.refresh_token}, s.cache_dir);
        RetryPolicy retry;
        retry.max_attempts = global.max_attempts;
        m_sp_api = std::make_unique<SpApiClient>(transport(), *m_lwa, *m_limiter, clock(), s.endpoint, retry,
                                                 events());
    }
    return *m_sp_api;
}

FeedsClient& Context::feeds() {
    if (!m_feeds) {
        m_feeds = std::make_unique<FeedsClient>(sp_api(), transport(), clock());
    }
    return *m_feeds;
}

Store& Context::store() {
    if (!m_store) {
        const Settings& s = settings();
        StoreOptions options;
        options.store_pii = s.store_pii;
        options.account = s.seller_id; // a PostgreSQL store keeps each seller account apart
        options.password_file = s.store_password_file;
        m_store = Store::open(s.store_path, options);
    }
    return *m_store;
}

void Context::remember(std::span<const Order> orders) {
    if (orders.empty()) {
        return;
    }
    try {
        store().upsert_orders(orders);
    } catch (const Error& e) {
        warn_store(e.what());
    }
}

void Context::warn_store(const std::string& what) {
    if (!m_store_warned && !global.quiet) {
        err << fmt::format("asc: warning: could not update the local store: {}\n", what);
    }
    m_store_warned = true;
}

OrdersClient& Context::orders() {
    if (!m_orders) {
        std::chrono::seconds lag = k_search_lag;
        if (const auto seconds = env("ASC_TEST_SEARCH_LAG_SECONDS")) {
            // Test hook, with asc-sim --search-lag-seconds: recovery's waits in seconds, not minutes.
            lag = std::chrono::seconds(std::strtoll(seconds->c_str(), nullptr, 10));
        }
        m_orders = std::make_unique<OrdersClient>(sp_api(), lag);
    }
    return *m_orders;
}

std::vector<Field> chosen_fields(const Context& ctx, const std::vector<Field>& available,
                                 const std::vector<Field>& shown) {
    return ctx.global.fields.empty() ? shown : select_fields(available, ctx.global.fields);
}

std::vector<Field> chosen_fields(const Context& ctx, const std::vector<Field>& available) {
    return chosen_fields(ctx, available, available);
}

void render_rows(Context& ctx, const std::vector<Field>& all_fields, const std::vector<Record>& rows,
                 const std::string& id_key) {
    auto options = ctx.render_options();
    options.id_key = id_key;
    const auto fields = chosen_fields(ctx, all_fields);
    auto renderer = make_renderer(options, fields, ctx.out);
    for (const auto& r : rows) {
        renderer->row(r);
    }
    renderer->finish();
}

} // namespace asc::cli
