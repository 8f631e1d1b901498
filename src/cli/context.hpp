#pragma once
// What every command shares: the global flags, the terminal, the settings and, made on first use,
// the clients. Commands get a Context& and never build these themselves.

#include "asc/amazon/feeds_client.hpp"
#include "asc/amazon/lwa.hpp"
#include "asc/amazon/orders_client.hpp"
#include "asc/amazon/rate_limit.hpp"
#include "asc/amazon/sp_api.hpp"
#include "asc/base/clock.hpp"
#include "asc/base/events.hpp"
#include "asc/config/config.hpp"
#include "asc/http/http.hpp"
#include "asc/output/output.hpp"
#include "asc/store/store.hpp"
#include "pager.hpp"
#include "progress.hpp"

#include <chrono>
#include <functional>
#include <iosfwd>
#include <memory>
#include <optional>
#include <string>

namespace asc::cli {

// -o: a data format, or wide (a table of every column).
enum class OutputFlag {
    Table, ///< The default: a table on a terminal (TSV in a pipe unless -o was given).
    Wide,  ///< A table of every field, nothing left out or shortened.
    Json,  ///< One JSON document.
    Jsonl, ///< One JSON object a line.
    Csv,   ///< RFC 4180 CSV.
    Tsv,   ///< Tab-separated values.
    Ids,   ///< Only the ids, one a line.
};
// --color.
enum class ColorFlag {
    Auto,   ///< On a terminal, unless NO_COLOR, TERM=dumb; CLICOLOR_FORCE forces it.
    Always, ///< Even in a pipe.
    Never,  ///< Never.
};

// The global flags, parsed once into typed values (run.cpp's add_global_options).
struct GlobalOptions {
    FlagSettings settings;
    OutputFlag output = OutputFlag::Table;
    bool output_given = false;   // -o was on the command line (an explicit -o table draws a table in a pipe)
    bool no_pager = false;       // --no-pager
    std::string fields;
    bool no_headers = false;
    ColorFlag color = ColorFlag::Auto;
    bool quiet = false;
    bool verbose = false;
    bool debug = false;
    double timeout_seconds = 60;
    int max_attempts = 5;
    std::string jq; // --jq: a jq program the JSON output goes through
};

// Events shown to a person. When stderr is a terminal (`line` given): progress (pages, waits for
// a rate-limit token or for a feed, retries) on one progress line that is cleared when done.
// Off a terminal with -v (`lines`): progress as lines. With -q: nothing. --debug lines always go
// to stderr; warnings always as lines.
class TerminalEvents : public Events {
  public:
    // `clock`: counts a rate-limit wait down on the progress line. `rate_of`: the rate an
    // operation is paced at (calls per second), for the wait's message. `quiet`: -q.
    TerminalEvents(std::ostream& err, ProgressLine* line, bool lines, bool debug, bool quiet = false,
                   CountdownClock* clock = nullptr,
                   std::function<std::optional<double>(std::string_view)> rate_of = {})
        : m_err(err), m_line(line), m_lines(lines), m_debug(debug), m_quiet(quiet), m_clock(clock),
          m_rate_of(std::move(rate_of)) {}
    // On a terminal a countdown; off a terminal one line for a wait over 10 s (each wait once).
    void waiting_for_rate_limit(std::string_view operation, std::chrono::milliseconds d) override;
    void retrying(std::string_view operation, int attempt, std::string_view why,
                  std::chrono::milliseconds d) override;
    void page_received(int page, std::size_t orders_so_far) override;
    void note(std::string_view text) override;
    void debug(std::string_view text) override;

  private:
    // On the progress line, or as a line with -v off a terminal.
    void progress(std::string_view text, bool as_line);
    std::string wait_text(std::string_view operation, std::chrono::seconds left);

    std::ostream& m_err;
    ProgressLine* m_line;
    bool m_lines;
    bool m_debug;
    bool m_quiet;
    CountdownClock* m_clock;
    std::function<std::optional<double>(std::string_view)> m_rate_of;
    // The end of the last wait announced off a terminal: the same wait is not announced twice.
    std::chrono::steady_clock::time_point m_announced_until{};
};

// What a command reaches outside the process through, besides stdout and stderr: the one place
// for stdin, the terminal checks, the environment, the clock and the HTTP transport. The defaults
// are the process's; a unit test scripts stdin and the answers to prompts, says which streams are
// terminals and hands in a fake transport, so a whole command runs in the doctest suite.
struct ContextIo {
    std::istream* in = nullptr; // stdin (--from -); nullptr: std::cin
    // Asks one question on stderr and returns the answer (prompt.hpp's ask_line when empty).
    std::function<std::string(std::ostream& err, std::string_view question, bool secret)> ask;
    // Whether stdin, stdout, stderr are terminals; nullopt: isatty() (ASC_FORCE_TTY for the two
    // outputs).
    std::optional<bool> stdin_tty;
    std::optional<bool> stdout_tty;
    std::optional<bool> stderr_tty;
    // The environment the settings and the terminal checks read (ASC_*, XDG_*, NO_COLOR, COLUMNS...).
    EnvLookup env = process_env;
    Clock* clock = nullptr;      // nullptr: the system clock
    // Makes the HTTP transport of SP-API and of Magento (make_curl_transport when empty).
    std::function<std::unique_ptr<Transport>(CurlOptions)> make_transport;
};

class Context {
  public:
    // `progress`: the progress line of stderr (nullptr: none, e.g. in unit tests).
    Context(GlobalOptions& global, std::ostream& out, std::ostream& err, ProgressLine* progress = nullptr,
            ContextIo io = {});

    GlobalOptions& global;
    std::ostream& out;
    std::ostream& err;

    [[nodiscard]] bool stdout_is_terminal() const;
    [[nodiscard]] bool stderr_is_terminal() const;
    [[nodiscard]] bool stdin_is_terminal() const;
    // stdin, for --from - (never read it any other way: tests script it).
    std::istream& in();
    // Asks `question` on stderr, reads one answer from the terminal (prompt.hpp). Only when
    // stdin_is_terminal(); Error(Interrupted) on Ctrl-C or end of input.
    std::string ask(std::string_view question, bool secret = false);
    // The config file as load_settings() finds it, without reading it: --config, else ASC_CONFIG,
    // else $XDG_CONFIG_HOME/asc/config.toml.
    [[nodiscard]] std::filesystem::path config_file() const;
    // An environment variable as the settings see it (ContextIo::env); empty counts as unset.
    [[nodiscard]] std::optional<std::string> env(const std::string& name) const;
    // A new HTTP transport with these options (the Magento link has its own timeouts).
    std::unique_ptr<Transport> make_transport(CurlOptions options);
    // Progress and warnings on stderr: only on a terminal (or -v), never with -q.
    [[nodiscard]] bool show_progress() const;
    [[nodiscard]] bool color_stdout() const;

    // Settings resolved once (flag > env > profile > default). Throws Error(Config).
    const Settings& settings();

    // Renderer options from -o, --no-headers, --color and the terminal.
    RenderOptions render_options();
    // -o, except that --jq makes it json (or keeps jsonl); -o wide is a table.
    Format format();
    // -o wide: a table of every field of the command, nothing left out or shortened.
    [[nodiscard]] bool wide() const;
    // The stderr note, once per run and after the output, that a table left columns out to fit
    // `width` (not with -q).
    void note_hidden_columns(const std::vector<std::string>& hidden, int width);
    // A table is drawn (headers, aligned columns): the table format on a terminal, or asked for
    // in a pipe with an explicit -o table / -o wide or with --color always. The implicit default
    // in a pipe is TSV for scripts.
    bool draws_table();
    // The width a drawn table fits: COLUMNS, else the terminal's, else 80.
    int table_width();
    // The width help pages wrap at: COLUMNS, else the terminal's, else 80.
    int help_width();
    // Pages what follows through the pager (pager.hpp) when stdout is a real terminal, the output
    // is a drawn table, and neither --no-pager nor `pager = false` in the config say no; never in
    // a pipe, with a machine format or with --jq.
    void start_pager();
    // Waits for the pager, if one runs, then prints the note of note_hidden_columns (before an
    // error is printed, and at the end of the run).
    void stop_pager();
    // A note about the output just written (e.g. "more matched"), said below it: at once, or,
    // while a pager holds the screen, when the pager has exited (a line written to the terminal
    // while less draws lands in the middle of its screen).
    void note_after_output(std::string note);
    // Erases the progress line of stderr, if one is shown (before waiting for a pager: the line
    // must not sit on the pager's prompt).
    void clear_progress();
    // The output is a drawn table: relative times and other things only for people.
    bool human_table();

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
    // The warning of remember() for a store write that failed elsewhere (another thread), once.
    void warn_store(const std::string& what);

  private:
    ProgressLine* m_progress;
    ContextIo m_io;
    CountdownClock m_clock;
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
    bool m_hidden_noted = false;
    // Decided once: a pager takes fd 1 over.
    mutable std::optional<bool> m_stdout_tty;
    std::optional<int> m_width;
    std::unique_ptr<Pager> m_pager;
    std::string m_pending_note;
};

} // namespace asc::cli
