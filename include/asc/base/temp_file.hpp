#pragma once
// A temporary file for a large request body (a feed document), written as it is produced and read
// back by the transport, so that the document is never held in memory whole.
//
// The file is created with mode 0600 in $TMPDIR (else /tmp) and unlinked at once: only this
// object's descriptor reaches it, and nothing is left behind on any way out (success, an error, an
// exception, Ctrl-C, even kill -9). The destructor closes the descriptor.

#include <cstdint>
#include <string>
#include <string_view>

namespace asc {

class TempFile {
  public:
    // `purpose` names the file while it is being created ("asc-<purpose>-XXXXXX"). Throws
    // Error(Temporary) when no temporary file can be created (the hint names TMPDIR).
    explicit TempFile(std::string_view purpose);
    ~TempFile();
    TempFile(const TempFile&) = delete;
    TempFile& operator=(const TempFile&) = delete;

    // Appends `bytes` (buffered). Throws Error(Temporary) when the disk is full or the write fails.
    void write(std::string_view bytes);
    // Writes out what is buffered; size() is then the file's length. Throws like write().
    void flush();

    [[nodiscard]] int fd() const { return m_fd; }
    // The bytes written so far (including those still buffered).
    [[nodiscard]] std::uint64_t size() const { return m_size; }
    // The directory it was created in.
    [[nodiscard]] const std::string& directory() const { return m_directory; }

  private:
    void write_out(std::string_view bytes);

    int m_fd = -1;
    std::uint64_t m_size = 0;
    std::string m_buffer;
    std::string m_directory;
};

// The directory temporary files go to: $TMPDIR when set and not empty, else /tmp.
std::string temp_directory();

} // namespace asc
