#include "progress.hpp"

#include "asc/base/interrupt.hpp"
#include "terminal_size.hpp"

#include <cstdlib>
#include <string>
#include <sys/ioctl.h>
#include <unistd.h>

namespace asc::cli {

namespace {

constexpr std::string_view k_erase = "\r\x1b[K";

// At most `columns` - 1 code points (a full line would wrap, and a wrapped line cannot be
// erased with "\r"), never cutting a UTF-8 sequence.
std::string fit(std::string_view text, std::size_t columns) {
    const std::size_t room = columns > 1 ? columns - 1 : 1;
    std::size_t count = 0;
    std::size_t i = 0;
    for (; i < text.size(); ++i) {
        const auto c = static_cast<unsigned char>(text[i]);
        if ((c & 0xC0U) != 0x80U) {
            if (count == room) {
                break;
            }
            ++count;
        }
    }
    return std::string(text.substr(0, i));
}

void put(std::streambuf* buf, std::string_view text) {
    buf->sputn(text.data(), static_cast<std::streamsize>(text.size()));
}

} // namespace

void ProgressLine::show(std::string_view text) {
    if (m_out != nullptr) {
        m_out->pubsync();
    }
    std::string line(k_erase);
    const int columns = terminal_columns(m_columns_env, STDERR_FILENO);
    line += fit(text, columns > 0 ? static_cast<std::size_t>(columns) : 80);
    put(m_err, line);
    m_err->pubsync();
    m_showing = true;
}

void ProgressLine::clear() {
    if (m_showing) {
        m_showing = false;
        put(m_err, k_erase);
        m_err->pubsync();
    }
}

ClearingStreambuf::int_type ClearingStreambuf::overflow(int_type ch) {
    if (traits_type::eq_int_type(ch, traits_type::eof())) {
        return traits_type::not_eof(ch);
    }
    m_line.clear();
    return m_target->sputc(traits_type::to_char_type(ch));
}

std::streamsize ClearingStreambuf::xsputn(const char* s, std::streamsize n) {
    if (n > 0) {
        m_line.clear();
    }
    return m_target->sputn(s, n);
}

int ClearingStreambuf::sync() {
    return m_target->pubsync();
}

void CountdownClock::count_down_next_sleep(ProgressLine* line, std::function<std::string(std::chrono::seconds)> text) {
    m_line = line;
    m_text = std::move(text);
}

void CountdownClock::sleep_for(std::chrono::nanoseconds d) {
    ProgressLine* line = m_line;
    const auto text = std::move(m_text);
    m_line = nullptr;
    m_text = nullptr;
    if (line == nullptr || !text) {
        m_inner.sleep_for(d);
        return;
    }
    const auto until = m_inner.now() + d;
    for (auto left = d; left > std::chrono::nanoseconds::zero() && !interrupted();
         left = until - m_inner.now()) {
        line->show(text(std::chrono::ceil<std::chrono::seconds>(left)));
        // To the next whole second of the countdown, so the figure changes once a second.
        const auto step = left % std::chrono::seconds(1);
        m_inner.sleep_for(step == std::chrono::nanoseconds::zero() ? std::chrono::seconds(1) : step);
    }
}

TerminalStreams::TerminalStreams(std::ostream& out, std::ostream& err)
    : progress(err.rdbuf(), out.rdbuf()), m_out_buf(out.rdbuf(), progress), m_err_buf(err.rdbuf(), progress),
      m_out(&m_out_buf), m_err(&m_err_buf) {
    m_err.setf(std::ios::unitbuf);
}

} // namespace asc::cli
