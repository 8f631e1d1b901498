// The token buckets kept between processes in a small locked file (rate_limit.hpp).

#include "asc/amazon/rate_limit.hpp"
#include "asc/base/errors.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <charconv>
#include <fcntl.h>
#include <fmt/format.h>
#include <sstream>
#include <string>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

namespace asc {

namespace {

// An open file descriptor, closed on scope exit (which also releases its flock).
class Fd {
  public:
    explicit Fd(int fd) : m_fd(fd) {}
    Fd(const Fd&) = delete;
    Fd& operator=(const Fd&) = delete;
    ~Fd() {
        if (m_fd >= 0) {
            ::close(m_fd);
        }
    }
    [[nodiscard]] int get() const { return m_fd; }

  private:
    int m_fd;
};

template <typename T> bool parse_number(const std::string& text, T& out) {
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
    return ec == std::errc{} && end == text.data() + text.size();
}

// Unix milliseconds with an optional fraction of up to three digits, as microseconds.
bool parse_wall_time(const std::string& text, std::int64_t& us) {
    const std::size_t dot = text.find('.');
    std::int64_t ms = 0;
    if (!parse_number(text.substr(0, dot), ms) || ms < 0 || ms > INT64_MAX / 1000) {
        return false;
    }
    std::int64_t fraction = 0;
    if (dot != std::string::npos) {
        std::string digits = text.substr(dot + 1);
        if (digits.empty() || digits.size() > 3 || digits.find_first_not_of("0123456789") != std::string::npos) {
            return false;
        }
        digits.resize(3, '0');
        static_cast<void>(parse_number(digits, fraction));
    }
    us = ms * 1000 + fraction;
    return true;
}

} // namespace

SavedBuckets parse_saved_buckets(const std::string& text) {
    SavedBuckets out;
    std::istringstream lines(text);
    std::string line;
    while (std::getline(lines, line)) {
        std::istringstream fields(line);
        std::string op, tokens, rate, at;
        SavedBucket b;
        if (fields >> op >> tokens >> rate >> at && parse_number(tokens, b.tokens) &&
            parse_number(rate, b.rate) && parse_wall_time(at, b.refilled_at_us)) {
            out[op] = b; // a damaged line (a crash mid-write) is skipped
        }
    }
    return out;
}

std::string format_saved_buckets(const SavedBuckets& buckets) {
    std::string text;
    for (const auto& [op, b] : buckets) {
        const std::int64_t us = std::max<std::int64_t>(0, b.refilled_at_us);
        text += fmt::format("{} {} {} {}.{:03}\n", op, b.tokens, b.rate, us / 1000, us % 1000);
    }
    return text;
}

namespace {

std::string read_all(int fd) {
    std::string text;
    char buf[4096];
    for (off_t at = 0;;) {
        const ssize_t n = ::pread(fd, buf, sizeof buf, at);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            break;
        }
        text.append(buf, static_cast<std::size_t>(n));
        at += n;
    }
    return text;
}

class BucketFile final : public BucketPersistence {
  public:
    explicit BucketFile(std::filesystem::path path) : m_path(std::move(path)) {}

    void update(const std::function<void(SavedBuckets&)>& fn) override {
        std::error_code ec;
        if (!m_path.parent_path().empty()) {
            std::filesystem::create_directories(m_path.parent_path(), ec);
            ::chmod(m_path.parent_path().c_str(), 0700);
        }
        const Fd fd(::open(m_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600));
        if (fd.get() < 0 || ::flock(fd.get(), LOCK_EX) != 0) {
            SavedBuckets none; // unusable file: pace from memory
            fn(none);
            return;
        }
        const std::string old = read_all(fd.get());
        SavedBuckets saved = parse_saved_buckets(old);
        fn(saved);
        const std::string text = format_saved_buckets(saved);
        // Written over the old text, and cut only when shorter: an ftruncate to 0 each time cost
        // milliseconds per request (two updates per call), more than parsing the page.
        if (::pwrite(fd.get(), text.data(), text.size(), 0) == static_cast<ssize_t>(text.size()) &&
            text.size() < old.size()) {
            static_cast<void>(::ftruncate(fd.get(), static_cast<off_t>(text.size())));
        }
    }

  private:
    std::filesystem::path m_path;
};

// The buckets in any locked text storage.
class BucketText final : public BucketPersistence {
  public:
    explicit BucketText(LockedTextUpdate update) : m_update(std::move(update)) {}

    void update(const std::function<void(SavedBuckets&)>& fn) override {
        bool ran = false;
        try {
            m_update([&](std::string& text) {
                SavedBuckets saved = parse_saved_buckets(text);
                ran = true;
                fn(saved);
                text = format_saved_buckets(saved);
            });
        } catch (const Error&) {
            if (!ran) {
                SavedBuckets none; // the storage is unusable: pace from memory
                fn(none);
            }
        }
    }

  private:
    LockedTextUpdate m_update;
};

} // namespace

std::unique_ptr<BucketPersistence> make_bucket_text(LockedTextUpdate update) {
    return std::make_unique<BucketText>(std::move(update));
}

std::unique_ptr<BucketPersistence> make_bucket_file(std::filesystem::path path) {
    return std::make_unique<BucketFile>(std::move(path));
}

} // namespace asc
