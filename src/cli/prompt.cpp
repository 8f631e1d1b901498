#include "prompt.hpp"

#include "asc/base/errors.hpp"
#include "asc/base/interrupt.hpp"
#include "asc/base/strings.hpp"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <ostream>
#include <poll.h>
#include <termios.h>
#include <unistd.h>

namespace asc::cli {

namespace {

// Turns the terminal's echo off for its lifetime (secrets), and back on however the scope ends.
class NoEcho {
  public:
    explicit NoEcho(bool active) {
        if (active && tcgetattr(STDIN_FILENO, &m_saved) == 0) {
            termios quiet = m_saved;
            quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
            m_active = tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet) == 0;
        }
    }
    NoEcho(const NoEcho&) = delete;
    NoEcho& operator=(const NoEcho&) = delete;
    ~NoEcho() {
        if (m_active) {
            tcsetattr(STDIN_FILENO, TCSAFLUSH, &m_saved);
        }
    }

  private:
    termios m_saved{};
    bool m_active = false;
};

[[noreturn]] void throw_no_answer(std::ostream& err, bool by_interrupt) {
    err << '\n'; // the prompt line stays unfinished otherwise
    throw Error(ErrorKind::Interrupted, by_interrupt
                                            ? "interrupted at the prompt; nothing was sent"
                                            : "no answer (end of input) at the prompt; nothing was sent");
}

} // namespace

std::string ask_line(std::ostream& err, std::string_view question, bool secret) {
    err << question;
    err.flush();
    const NoEcho no_echo(secret);
    std::string line;
    for (;;) {
        if (interrupted()) {
            throw_no_answer(err, true);
        }
        pollfd p{STDIN_FILENO, POLLIN, 0};
        const int ready = ::poll(&p, 1, 100);
        if (ready < 0 && errno != EINTR) {
            throw_no_answer(err, false);
        }
        if (ready <= 0) {
            continue;
        }
        // A terminal in canonical mode hands over at most one line per read.
        char buf[512];
        const ssize_t n = ::read(STDIN_FILENO, buf, sizeof buf);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            throw_no_answer(err, interrupted());
        }
        line.append(buf, static_cast<std::size_t>(n));
        if (const auto nl = line.find('\n'); nl != std::string::npos) {
            line.erase(nl);
            break;
        }
    }
    if (secret) {
        err << '\n'; // the Enter was not echoed
    }
    return trim(line);
}

bool is_yes(std::string_view answer) {
    const std::string lower = lower_ascii(answer);
    return lower == "y" || lower == "yes";
}

} // namespace asc::cli
