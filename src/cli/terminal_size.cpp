#include "terminal_size.hpp"

#include <charconv>
#include <sys/ioctl.h>

namespace asc::cli {

std::optional<int> parse_columns(std::string_view text) {
    constexpr int k_most = 9999;
    int n = 0;
    const char* end = text.data() + text.size();
    const auto [ptr, ec] = std::from_chars(text.data(), end, n);
    if (text.empty() || text.front() == '-' || ec != std::errc() || ptr != end || n < 1 || n > k_most) {
        return std::nullopt;
    }
    return n;
}

int terminal_columns(const std::optional<std::string>& columns_env, int fd) {
    if (columns_env) {
        if (const auto n = parse_columns(*columns_env)) {
            return *n;
        }
    }
    winsize ws{};
    if (ioctl(fd, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0) {
        return ws.ws_col;
    }
    return 0;
}

} // namespace asc::cli
