#include "util.hpp"

#include <array>
#include <chrono>
#include <cstring>
#include <fmt/format.h>
#include <limits>
#include <mutex>
#include <stdexcept>
#include <zlib.h>

namespace sim {

Millis now_millis() {
    using namespace std::chrono;
    return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

std::string iso8601(Millis t) {
    using namespace std::chrono;
    const sys_seconds secs{seconds{t >= 0 ? t / 1000 : (t - 999) / 1000}};
    const auto day = floor<days>(secs);
    const year_month_day ymd{day};
    const hh_mm_ss hms{secs - day};
    return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z", static_cast<int>(ymd.year()),
                       static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                       hms.hours().count(), hms.minutes().count(), hms.seconds().count());
}

namespace {

bool digits(std::string_view s, std::size_t pos, std::size_t n, int& out) {
    if (pos + n > s.size()) {
        return false;
    }
    int v = 0;
    for (std::size_t i = pos; i < pos + n; ++i) {
        if (s[i] < '0' || s[i] > '9') {
            return false;
        }
        v = v * 10 + (s[i] - '0');
    }
    out = v;
    return true;
}

} // namespace

std::optional<Millis> parse_iso8601(std::string_view s) {
    // YYYY-MM-DDTHH:MM:SS[.f+]Z
    int y = 0, mo = 0, d = 0, h = 0, mi = 0, se = 0;
    if (s.size() < 20 || !digits(s, 0, 4, y) || s[4] != '-' || !digits(s, 5, 2, mo) || s[7] != '-' ||
        !digits(s, 8, 2, d) || s[10] != 'T' || !digits(s, 11, 2, h) || s[13] != ':' ||
        !digits(s, 14, 2, mi) || s[16] != ':' || !digits(s, 17, 2, se)) {
        return std::nullopt;
    }
    std::size_t pos = 19;
    Millis frac_ms = 0;
    if (s[pos] == '.') {
        ++pos;
        const std::size_t start = pos;
        Millis scale = 100;
        while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
            frac_ms += (s[pos] - '0') * scale;
            scale /= 10;
            ++pos;
        }
        if (pos == start || pos - start > 9) {
            return std::nullopt;
        }
    }
    if (pos + 1 != s.size() || s[pos] != 'Z') {
        return std::nullopt;
    }
    using namespace std::chrono;
    const year_month_day ymd{year{y}, month{static_cast<unsigned>(mo)}, day{static_cast<unsigned>(d)}};
    if (!ymd.ok() || h > 23 || mi > 59 || se > 59) {
        return std::nullopt;
    }
    const auto secs = sys_days{ymd}.time_since_epoch() + hours{h} + minutes{mi} + seconds{se};
    return duration_cast<milliseconds>(secs).count() + frac_ms;
}

std::int64_t uniform(std::mt19937_64& rng, std::int64_t lo, std::int64_t hi) {
    if (hi <= lo) {
        return lo;
    }
    const auto span = static_cast<std::uint64_t>(hi - lo) + 1u;
    if (span == 0) { // the full 64-bit range
        return static_cast<std::int64_t>(rng());
    }
    // Rejection sampling: drop the top partial bucket so every value is equally likely.
    const std::uint64_t limit =
        std::numeric_limits<std::uint64_t>::max() - (std::numeric_limits<std::uint64_t>::max() % span);
    std::uint64_t r = rng();
    while (r >= limit) {
        r = rng();
    }
    return lo + static_cast<std::int64_t>(r % span);
}

double unit(std::mt19937_64& rng) {
    return static_cast<double>(rng() >> 11) * 0x1.0p-53;
}

bool chance(std::mt19937_64& rng, double p) {
    return unit(rng) < p;
}

std::size_t weighted(std::mt19937_64& rng, const std::vector<int>& weights) {
    std::int64_t total = 0;
    for (int w : weights) {
        total += w;
    }
    std::int64_t r = uniform(rng, 0, total - 1);
    for (std::size_t i = 0; i < weights.size(); ++i) {
        if (r < weights[i]) {
            return i;
        }
        r -= weights[i];
    }
    return weights.size() - 1;
}

std::uint64_t mix64(std::uint64_t x) {
    x += 0x9e3779b97f4a7c15ull;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
    return x ^ (x >> 31);
}

std::string decimal(std::int64_t minor, int digits) {
    const bool negative = minor < 0;
    const std::uint64_t v =
        negative ? 0u - static_cast<std::uint64_t>(minor) : static_cast<std::uint64_t>(minor);
    if (digits <= 0) {
        return fmt::format("{}{}", negative ? "-" : "", v);
    }
    std::uint64_t scale = 1;
    for (int i = 0; i < digits; ++i) {
        scale *= 10;
    }
    return fmt::format("{}{}.{:0{}}", negative ? "-" : "", v / scale, v % scale, digits);
}

int currency_digits(std::string_view currency) {
    return currency == "JPY" ? 0 : 2;
}

namespace {
constexpr std::string_view k_b64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
}

std::string base64_encode(std::string_view bytes) {
    std::string out;
    out.reserve((bytes.size() + 2) / 3 * 4);
    std::size_t i = 0;
    for (; i + 2 < bytes.size(); i += 3) {
        const auto n = (static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[i])) << 16) |
                       (static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[i + 1])) << 8) |
                       static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[i + 2]));
        out += k_b64[(n >> 18) & 63];
        out += k_b64[(n >> 12) & 63];
        out += k_b64[(n >> 6) & 63];
        out += k_b64[n & 63];
    }
    const std::size_t rest = bytes.size() - i;
    if (rest > 0) {
        std::uint32_t n = static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[i])) << 16;
        if (rest == 2) {
            n |= static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[i + 1])) << 8;
        }
        out += k_b64[(n >> 18) & 63];
        out += k_b64[(n >> 12) & 63];
        out += rest == 2 ? k_b64[(n >> 6) & 63] : '=';
        out += '=';
    }
    return out;
}

std::optional<std::string> base64_decode(std::string_view text) {
    if (text.size() % 4 != 0) {
        return std::nullopt;
    }
    std::string out;
    std::uint32_t acc = 0;
    int bits = 0;
    std::size_t pad = 0;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (c == '=') {
            if (i + 2 < text.size()) {
                return std::nullopt;
            }
            ++pad;
            continue;
        }
        if (pad > 0) {
            return std::nullopt;
        }
        const auto p = k_b64.find(c);
        if (p == std::string_view::npos) {
            return std::nullopt;
        }
        acc = (acc << 6) | static_cast<std::uint32_t>(p);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out += static_cast<char>((acc >> bits) & 0xffu);
        }
    }
    return out;
}

std::uint64_t fnv1a(std::string_view s, std::uint64_t h) {
    for (char c : s) {
        h ^= static_cast<unsigned char>(c);
        h *= 1099511628211ull;
    }
    return h;
}

std::vector<std::string> split(std::string_view s, char sep) {
    std::vector<std::string> out;
    std::size_t start = 0;
    while (start <= s.size()) {
        auto end = s.find(sep, start);
        if (end == std::string_view::npos) {
            end = s.size();
        }
        auto part = s.substr(start, end - start);
        while (!part.empty() && part.front() == ' ') {
            part.remove_prefix(1);
        }
        while (!part.empty() && part.back() == ' ') {
            part.remove_suffix(1);
        }
        if (!part.empty()) {
            out.emplace_back(part);
        }
        start = end + 1;
    }
    return out;
}

namespace {
int hex_value(char c) {
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}
} // namespace

std::string form_decode(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '+') {
            out += ' ';
        } else if (s[i] == '%' && i + 2 < s.size() && hex_value(s[i + 1]) >= 0 && hex_value(s[i + 2]) >= 0) {
            out += static_cast<char>(hex_value(s[i + 1]) * 16 + hex_value(s[i + 2]));
            i += 2;
        } else {
            out += s[i];
        }
    }
    return out;
}

std::vector<std::pair<std::string, std::string>> parse_form(std::string_view body) {
    std::vector<std::pair<std::string, std::string>> out;
    for (const auto& part : split(body, '&')) {
        const auto eq = part.find('=');
        if (eq == std::string::npos) {
            out.emplace_back(form_decode(part), "");
        } else {
            out.emplace_back(form_decode(std::string_view(part).substr(0, eq)),
                             form_decode(std::string_view(part).substr(eq + 1)));
        }
    }
    return out;
}

namespace {
std::mutex g_random_mutex;
std::mt19937_64& random_engine() {
    static std::mt19937_64 engine{(static_cast<std::uint64_t>(std::random_device{}()) << 32) ^
                                  std::random_device{}() ^ static_cast<std::uint64_t>(now_millis())};
    return engine;
}
} // namespace

std::string random_uuid() {
    std::uint64_t a = 0, b = 0;
    {
        std::lock_guard lock(g_random_mutex);
        a = random_engine()();
        b = random_engine()();
    }
    a = (a & 0xffffffffffff0fffull) | 0x0000000000004000ull;
    b = (b & 0x3fffffffffffffffull) | 0x8000000000000000ull;
    return fmt::format("{:08x}-{:04x}-{:04x}-{:04x}-{:012x}", a >> 32, (a >> 16) & 0xffffu, a & 0xffffu,
                       b >> 48, b & 0xffffffffffffull);
}

std::string random_alnum(std::size_t n) {
    static constexpr std::string_view chars =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    std::string out;
    std::lock_guard lock(g_random_mutex);
    for (std::size_t i = 0; i < n; ++i) {
        out += chars[static_cast<std::size_t>(
            uniform(random_engine(), 0, static_cast<std::int64_t>(chars.size()) - 1))];
    }
    return out;
}

bool is_order_id(std::string_view id) {
    if (id.size() != 19 || id[3] != '-' || id[11] != '-') {
        return false;
    }
    for (std::size_t i = 0; i < id.size(); ++i) {
        if (i != 3 && i != 11 && (id[i] < '0' || id[i] > '9')) {
            return false;
        }
    }
    return true;
}

std::string gzip(std::string_view data) {
    z_stream zs;
    std::memset(&zs, 0, sizeof zs);
    if (deflateInit2(&zs, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
        throw std::runtime_error("deflateInit2 failed");
    }
    std::string out;
    out.resize(deflateBound(&zs, static_cast<uLong>(data.size())) + 32);
    // zlib's API takes non-const input pointers but does not write through them.
    zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
    zs.avail_in = static_cast<uInt>(data.size());
    zs.next_out = reinterpret_cast<Bytef*>(out.data());
    zs.avail_out = static_cast<uInt>(out.size());
    const int rc = deflate(&zs, Z_FINISH);
    const auto produced = zs.total_out;
    deflateEnd(&zs);
    if (rc != Z_STREAM_END) {
        throw std::runtime_error("deflate failed");
    }
    out.resize(produced);
    return out;
}

} // namespace sim
