#pragma once
// The progress line: one line on stderr that replaces itself ("\r" + erase line) and disappears
// when the work is done or as soon as anything else is written to stdout or stderr, so progress
// never mixes with data, prompts or messages. Only used when stderr is a terminal.

#include "asc/base/clock.hpp"

#include <chrono>
#include <functional>
#include <iosfwd>
#include <optional>
#include <ostream>
#include <string>
#include <streambuf>
#include <string_view>

namespace asc::cli {

class ProgressLine {
  public:
    // `err`: where the line is drawn (stderr's buffer). `out`: flushed before drawing, so that
    // data written before the line appears before it.
    ProgressLine(std::streambuf* err, std::streambuf* out) : m_err(err), m_out(out) {}

    // Draws `text` in place of the current line, cut to the terminal's width.
    void show(std::string_view text);
    // Erases the line, if one is shown.
    void clear();
    [[nodiscard]] bool showing() const { return m_showing; }
    // COLUMNS as the run's environment has it (the Context's), read each time the line is drawn.
    void use_columns(std::optional<std::string> columns_env) { m_columns_env = std::move(columns_env); }

  private:
    std::streambuf* m_err;
    std::streambuf* m_out;
    std::optional<std::string> m_columns_env;
    bool m_showing = false;
};

// Forwards everything to `target`, clearing the progress line first.
class ClearingStreambuf : public std::streambuf {
  public:
    ClearingStreambuf(std::streambuf* target, ProgressLine& line) : m_target(target), m_line(line) {}
    void set_target(std::streambuf* target) { m_target = target; }

  protected:
    int_type overflow(int_type ch) override;
    std::streamsize xsputn(const char* s, std::streamsize n) override;
    int sync() override;

  private:
    std::streambuf* m_target;
    ProgressLine& m_line;
};

// The real clock, except that a sleep it was told about counts down on the progress line
// ("waiting 2m58s ..." ticking every second) instead of showing one figure for minutes.
class CountdownClock final : public Clock {
  public:
    explicit CountdownClock(Clock& inner) : m_inner(inner) {}
    std::chrono::steady_clock::time_point now() override { return m_inner.now(); }
    std::chrono::system_clock::time_point wall_now() override { return m_inner.wall_now(); }
    // The next sleep shows text(time left) on `line` every second, then the countdown is over.
    void count_down_next_sleep(ProgressLine* line, std::function<std::string(std::chrono::seconds)> text);
    void sleep_for(std::chrono::nanoseconds d) override;

  private:
    Clock& m_inner;
    ProgressLine* m_line = nullptr;
    std::function<std::string(std::chrono::seconds)> m_text;
};

// stdout and stderr as the commands see them (Context::out, Context::err).
class TerminalStreams {
  public:
    TerminalStreams(std::ostream& out, std::ostream& err);

    ProgressLine progress;
    // Sends stdout to `buffer` instead (--jq filters the whole output at the end).
    void capture_out(std::streambuf* buffer) { m_out_buf.set_target(buffer); }
    std::ostream& out() { return m_out; }
    std::ostream& err() { return m_err; }

  private:
    ClearingStreambuf m_out_buf;
    ClearingStreambuf m_err_buf;
    std::ostream m_out;
    std::ostream m_err;
};

} // namespace asc::cli
