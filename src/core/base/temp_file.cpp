#include "asc/base/temp_file.hpp"

#include "asc/base/errors.hpp"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

namespace asc {

namespace {

// Writes go out in pieces of this size.
constexpr std::size_t k_buffer = std::size_t{64} * 1024;

[[noreturn]] void failed(const std::string& what, int error, const std::string& directory) {
    throw Error(ErrorKind::Temporary, what + " in " + directory + ": " + std::strerror(error),
                "free some disk space there, or point TMPDIR at a directory with room, and run the command again");
}

} // namespace

std::string temp_directory() {
    const char* dir = std::getenv("TMPDIR");
    return dir != nullptr && *dir != '\0' ? std::string(dir) : std::string("/tmp");
}

TempFile::TempFile(std::string_view purpose) : m_directory(temp_directory()) {
    std::string pattern = m_directory + "/asc-" + std::string(purpose) + "-XXXXXX";
    std::vector<char> name(pattern.begin(), pattern.end());
    name.push_back('\0');
    // mkstemp creates the file with mode 0600 (O_EXCL: never someone else's file).
    m_fd = ::mkostemp(name.data(), O_CLOEXEC);
    if (m_fd < 0) {
        failed("could not create a temporary file", errno, m_directory);
    }
    // Unlinked at once: the name is gone before anything is written to it.
    if (::unlink(name.data()) != 0) {
        const int error = errno;
        ::close(m_fd);
        m_fd = -1;
        failed("could not unlink the temporary file", error, m_directory);
    }
    m_buffer.reserve(k_buffer);
}

TempFile::~TempFile() {
    if (m_fd >= 0) {
        ::close(m_fd);
    }
}

void TempFile::write(std::string_view bytes) {
    m_size += bytes.size();
    if (m_buffer.size() + bytes.size() > k_buffer) {
        write_out(m_buffer);
        m_buffer.clear();
        if (bytes.size() > k_buffer) {
            write_out(bytes);
            return;
        }
    }
    m_buffer.append(bytes);
}

void TempFile::flush() {
    write_out(m_buffer);
    m_buffer.clear();
}

void TempFile::write_out(std::string_view bytes) {
    while (!bytes.empty()) {
        const ssize_t n = ::write(m_fd, bytes.data(), bytes.size());
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            failed("could not write a temporary file", errno, m_directory);
        }
        bytes.remove_prefix(static_cast<std::size_t>(n));
    }
}

} // namespace asc
