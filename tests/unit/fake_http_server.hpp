#pragma once
// A tiny HTTP/1.1 server on 127.0.0.1 for testing the libcurl transport: keep-alive, each
// connection served by its own thread, answers each request with whatever the handler returns (raw bytes). The
// handler may return k_no_reply (close without answering) or k_hang (never answer).

#include <arpa/inet.h>
#include <array>
#include <algorithm>
#include <atomic>
#include <chrono>
#include <functional>
#include <mutex>
#include <netinet/in.h>
#include <poll.h>
#include <stdexcept>
#include <string>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>
#include <vector>

namespace asc_test {

class LoopbackServer {
  public:
    static constexpr const char* k_no_reply = "\x01no-reply";
    static constexpr const char* k_hang = "\x01hang";
    using Handler = std::function<std::string(const std::string& request)>;

    explicit LoopbackServer(Handler handler) : m_handler(std::move(handler)) {
        m_listen = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (m_listen < 0) {
            throw std::runtime_error("LoopbackServer: socket failed");
        }
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        addr.sin_port = 0;
        socklen_t len = sizeof addr;
        // NOLINTNEXTLINE(cppcoreguidelines-pro-type-reinterpret-cast): the sockets API takes sockaddr*
        auto* sa = reinterpret_cast<sockaddr*>(&addr);
        if (::bind(m_listen, sa, sizeof addr) != 0 || ::listen(m_listen, 8) != 0 ||
            ::getsockname(m_listen, sa, &len) != 0) {
            ::close(m_listen);
            throw std::runtime_error("LoopbackServer: bind/listen failed");
        }
        m_port = ntohs(addr.sin_port);
        m_thread = std::thread([this] { run(); });
    }
    ~LoopbackServer() {
        m_stop = true;
        m_thread.join();
        ::close(m_listen);
    }
    LoopbackServer(const LoopbackServer&) = delete;
    LoopbackServer& operator=(const LoopbackServer&) = delete;
    LoopbackServer(LoopbackServer&&) = delete;
    LoopbackServer& operator=(LoopbackServer&&) = delete;

    [[nodiscard]] std::string url(const std::string& path = "/") const {
        return "http://127.0.0.1:" + std::to_string(m_port) + path;
    }
    [[nodiscard]] int port() const { return m_port; }
    [[nodiscard]] std::vector<std::string> requests() const {
        const std::lock_guard lock(m_mutex);
        return m_requests;
    }
    [[nodiscard]] int connections() const { return m_connections; }
    // From now on every answer goes out `bytes` at a time with a pause of `every` before each
    // piece after the first (a slow or stalling download).
    void trickle(std::size_t bytes, std::chrono::milliseconds every) {
        m_trickle_bytes = bytes;
        m_trickle_every_ms = static_cast<int>(every.count());
    }

  private:
    void run() {
        while (!m_stop) {
            if (!readable(m_listen)) {
                continue;
            }
            const int conn = ::accept4(m_listen, nullptr, nullptr, SOCK_CLOEXEC);
            if (conn < 0) {
                continue;
            }
            ++m_connections;
            // Each connection on its own thread: a client may open a new connection while an
            // earlier one is kept alive.
            m_workers.emplace_back([this, conn] {
                serve(conn);
                ::close(conn);
            });
        }
        for (std::thread& worker : m_workers) {
            worker.join();
        }
    }

    bool readable(int fd) const {
        pollfd p{fd, POLLIN, 0};
        return ::poll(&p, 1, 20) > 0;
    }

    // Reads more bytes into `buffer`; false when the peer closed or the server is stopping.
    bool read_more(int fd, std::string& buffer) const {
        while (!m_stop) {
            if (!readable(fd)) {
                continue;
            }
            std::array<char, 8192> chunk{};
            const ssize_t n = ::read(fd, chunk.data(), chunk.size());
            if (n <= 0) {
                return false;
            }
            buffer.append(chunk.data(), static_cast<std::size_t>(n));
            return true;
        }
        return false;
    }

    static std::size_t content_length(const std::string& head) {
        std::string lower = head;
        for (char& c : lower) {
            c = static_cast<char>((c >= 'A' && c <= 'Z') ? c + 32 : c);
        }
        const auto at = lower.find("\r\ncontent-length:");
        return at == std::string::npos ? 0 : std::stoul(lower.substr(at + 17));
    }

    void serve(int conn) {
        std::string buffer;
        while (!m_stop) {
            std::size_t end = 0;
            while ((end = buffer.find("\r\n\r\n")) == std::string::npos) {
                if (!read_more(conn, buffer)) {
                    return;
                }
            }
            const std::size_t total = end + 4 + content_length(buffer.substr(0, end + 2));
            while (buffer.size() < total) {
                if (!read_more(conn, buffer)) {
                    return;
                }
            }
            const std::string request = buffer.substr(0, total);
            buffer.erase(0, total);
            {
                const std::lock_guard lock(m_mutex);
                m_requests.push_back(request);
            }
            const std::string response = m_handler(request);
            if (response == k_no_reply) {
                return;
            }
            if (response == k_hang) {
                std::string ignored;
                while (read_more(conn, ignored)) {
                }
                return;
            }
            const std::size_t piece = m_trickle_bytes.load();
            std::size_t sent = 0;
            while (sent < response.size()) {
                for (int waited = 0; piece > 0 && sent > 0 && waited < m_trickle_every_ms && !m_stop; waited += 10) {
                    std::this_thread::sleep_for(std::chrono::milliseconds(10));
                }
                const std::size_t want = piece > 0 ? std::min(piece, response.size() - sent) : response.size() - sent;
                const ssize_t n = ::send(conn, response.data() + sent, want, MSG_NOSIGNAL);
                if (n <= 0) {
                    return;
                }
                sent += static_cast<std::size_t>(n);
            }
        }
    }

    Handler m_handler;
    int m_listen = -1;
    int m_port = 0;
    std::atomic<bool> m_stop{false};
    std::atomic<int> m_connections{0};
    std::atomic<std::size_t> m_trickle_bytes{0};
    std::atomic<int> m_trickle_every_ms{0};
    mutable std::mutex m_mutex;
    std::vector<std::string> m_requests;
    std::vector<std::thread> m_workers; // used by the accepting thread only
    std::thread m_thread;
};

// "HTTP/1.1 <status> OK" with the headers and a Content-Length.
inline std::string http_response(int status, const std::string& body, const std::string& extra_headers = {}) {
    return "HTTP/1.1 " + std::to_string(status) +
           " Status\r\nContent-Length: " + std::to_string(body.size()) + "\r\n" + extra_headers + "\r\n" +
           body;
}

} // namespace asc_test
