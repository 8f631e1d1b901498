#include "jq_filter.hpp"

#include "asc/base/errors.hpp"
#include "asc/base/interrupt.hpp"

#include <array>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <fmt/format.h>
#include <functional>
#include <limits>
#include <memory>
#include <ostream>
#include <poll.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

extern "C" {
#include <jq.h>
#include <jv.h>
}

namespace asc::cli {

namespace {

constexpr std::string_view k_manual = "see https://jqlang.github.io/jq/manual/v1.6/";

// ----------------------------------------------------------------------------------------------
// What asc refuses before libjq sees the program.

// Builtins and directives that reach outside the output being filtered: more inputs (there are
// none: the output is the only input, and libjq 1.6 crashes on `input` without a callback),
// stderr and debug output, files and modules, and the process environment (`env`, `$ENV`: it
// holds ASC_CLIENT_SECRET and ASC_REFRESH_TOKEN, which must never reach output or cron mail).
// `import`/`include` abort libjq 1.6 at compile time.
constexpr std::array<std::string_view, 13> k_unsupported{
    "input",           "inputs",     "debug",  "stderr",  "input_filename", "input_line_number",
    "get_search_list", "modulemeta", "import", "include", "$__prog_args",   "env",
    "$ENV",
};

bool is_ident_start(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

bool is_ident_char(char c) {
    return is_ident_start(c) || (c >= '0' && c <= '9');
}

bool is_space(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

// Walks a jq program's code (not its strings or comments) and reports the first refused name.
class UnsupportedScan {
  public:
    explicit UnsupportedScan(std::string_view program) : m_text(program) {}

    std::string run() {
        code(false);
        return m_found;
    }

  private:
    // Scans code up to the end, or up to the `)` that closes a string interpolation.
    void code(bool in_interpolation) {
        std::vector<char> brackets;
        while (m_pos < m_text.size() && m_found.empty()) {
            const char c = m_text[m_pos];
            if (c == '#') {
                while (m_pos < m_text.size() && m_text[m_pos] != '\n') {
                    ++m_pos;
                }
            } else if (c == '"') {
                ++m_pos;
                string();
            } else if (c == '(' || c == '[' || c == '{') {
                brackets.push_back(c);
                ++m_pos;
            } else if (c == ')' || c == ']' || c == '}') {
                if (brackets.empty() && in_interpolation && c == ')') {
                    ++m_pos;
                    return;
                }
                if (!brackets.empty()) {
                    brackets.pop_back();
                }
                ++m_pos;
            } else if (c == '$' || is_ident_start(c)) {
                identifier(!brackets.empty() && brackets.back() == '{');
            } else {
                ++m_pos;
            }
        }
    }

    // After the opening quote: up to and including the closing one; interpolations are code.
    void string() {
        while (m_pos < m_text.size() && m_found.empty()) {
            const char c = m_text[m_pos];
            if (c == '"') {
                ++m_pos;
                return;
            }
            if (c == '\\' && m_pos + 1 < m_text.size()) {
                if (m_text[m_pos + 1] == '(') {
                    m_pos += 2;
                    code(true);
                    continue;
                }
                m_pos += 2;
                continue;
            }
            ++m_pos;
        }
    }

    void identifier(bool in_object) {
        const std::size_t start = m_pos;
        if (m_text[m_pos] == '$') {
            ++m_pos;
        }
        while (m_pos < m_text.size()) {
            if (is_ident_char(m_text[m_pos])) {
                ++m_pos;
            } else if (m_text.substr(m_pos, 2) == "::" && m_pos + 2 < m_text.size() &&
                       is_ident_start(m_text[m_pos + 2])) {
                m_pos += 2;
            } else {
                break;
            }
        }
        const std::string_view name = m_text.substr(start, m_pos - start);
        if (name == "$" || is_field(start) || is_object_key(start, in_object)) {
            return;
        }
        for (const auto refused : k_unsupported) {
            if (name == refused) {
                m_found = std::string(name);
                return;
            }
        }
    }

    // `.name` or `$name`'s tail: a field access, not a call.
    [[nodiscard]] bool is_field(std::size_t start) const { return start > 0 && m_text[start - 1] == '.'; }

    // `{name: ...}`, `{name}`, `{a: 1, name}`: an object key, not a call.
    [[nodiscard]] bool is_object_key(std::size_t start, bool in_object) const {
        if (!in_object) {
            return false;
        }
        std::size_t before = start;
        while (before > 0 && is_space(m_text[before - 1])) {
            --before;
        }
        return before > 0 && (m_text[before - 1] == '{' || m_text[before - 1] == ',');
    }

    std::string_view m_text;
    std::size_t m_pos = 0;
    std::string m_found;
};

// ----------------------------------------------------------------------------------------------
// libjq, inside the child.

// Takes ownership of `v` (a string jv); returns its text.
std::string take_string(jv v) {
    std::string text;
    if (jv_get_kind(v) == JV_KIND_STRING) {
        text.assign(jv_string_value(v), static_cast<std::size_t>(jv_string_length_bytes(jv_copy(v))));
    }
    jv_free(v);
    return text;
}

// Takes ownership of `v`: a string as is, anything else as compact JSON.
std::string text_of(jv v) {
    if (jv_get_kind(v) == JV_KIND_STRING) {
        return take_string(v);
    }
    return take_string(jv_dump_string(v, 0));
}

extern "C" void collect_error(void* data, jv message) {
    auto* errors = static_cast<std::string*>(data);
    std::string text = text_of(message);
    while (!text.empty() && text.back() == '\n') {
        text.pop_back();
    }
    if (text.starts_with("jq: ") && text.ends_with(" compile error")) {
        return; // "jq: 1 compile error": the count of the messages before it
    }
    if (!errors->empty()) {
        *errors += "; ";
    }
    *errors += text;
}

// The refused builtins are rejected before compiling; these keep libjq from dereferencing a
// missing callback should one slip through anyway.
extern "C" jv no_more_input(jq_state* /*jq*/, void* /*data*/) {
    return jv_invalid();
}

extern "C" void ignore_debug(void* /*data*/, jv message) {
    jv_free(message);
}

// Without jq's "jq: error: " prefix.
std::string without_jq_prefix(std::string text) {
    constexpr std::string_view k_prefix = "jq: error: ";
    if (text.starts_with(k_prefix)) {
        text.erase(0, k_prefix.size());
    }
    return text;
}

bool write_all(int fd, std::string_view data) {
    while (!data.empty()) {
        const ssize_t n = ::write(fd, data.data(), data.size());
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            return false;
        }
        data.remove_prefix(static_cast<std::size_t>(n));
    }
    return true;
}

// Child exit codes: the program ran; it failed with a message for the user; asc's own output was
// not JSON (a bug).
constexpr int k_child_ok = 0;
constexpr int k_child_usage = 10;
constexpr int k_child_internal = 11;

// An initialized jq_state with asc's callbacks, compiled; nullptr (message in `errors`) when the
// program does not compile.
jq_state* compiled(const std::string& program, std::string& errors) {
    jq_state* jq = jq_init();
    if (jq == nullptr) {
        errors = "jq: cannot allocate";
        return nullptr;
    }
    jq_set_error_cb(jq, collect_error, &errors);
    jq_set_input_cb(jq, no_more_input, nullptr);
    jq_set_debug_cb(jq, ignore_debug, nullptr);
    if (jq_compile(jq, program.c_str()) == 0) {
        jq_teardown(&jq);
        errors = "invalid --jq program: " + without_jq_prefix(errors);
        return nullptr;
    }
    return jq;
}

int compile_only(const std::string& program, int /*out_fd*/) {
    std::string errors;
    jq_state* jq = compiled(program, errors);
    if (jq == nullptr) {
        write_all(STDERR_FILENO, errors);
        return k_child_usage;
    }
    jq_teardown(&jq);
    return k_child_ok;
}

int filter(const std::string& program, std::string_view json_text, int out_fd) {
    std::string errors;
    jq_state* jq = compiled(program, errors);
    if (jq == nullptr) {
        write_all(STDERR_FILENO, errors);
        return k_child_usage;
    }
    std::unique_ptr<jv_parser, decltype(&jv_parser_free)> parser(jv_parser_new(0), &jv_parser_free);
    jv_parser_set_buf(parser.get(), json_text.data(), static_cast<int>(json_text.size()), 0);
    std::string buffer;
    for (jv value = jv_parser_next(parser.get());; value = jv_parser_next(parser.get())) {
        if (!jv_is_valid(value)) {
            if (jv_invalid_has_msg(jv_copy(value))) {
                write_all(STDERR_FILENO, "--jq: the output is not JSON: " + text_of(jv_invalid_get_msg(value)));
                return k_child_internal;
            }
            jv_free(value);
            break;
        }
        jq_start(jq, value, 0);
        for (jv result = jq_next(jq);; result = jq_next(jq)) {
            if (!jv_is_valid(result)) {
                if (jv_invalid_has_msg(jv_copy(result))) {
                    write_all(out_fd, buffer);
                    write_all(STDERR_FILENO, "--jq: " + text_of(jv_invalid_get_msg(result)));
                    return k_child_usage;
                }
                jv_free(result);
                break;
            }
            buffer += text_of(result);
            buffer += '\n';
            if (buffer.size() >= 65536) {
                if (!write_all(out_fd, buffer)) {
                    return k_child_ok; // the reader is gone (asc was interrupted)
                }
                buffer.clear();
            }
        }
    }
    write_all(out_fd, buffer);
    jq_teardown(&jq);
    return k_child_ok;
}

// ----------------------------------------------------------------------------------------------
// The child process.

// What the process has mapped for data now (VmData of /proc/self/status), in bytes; 0 if unknown.
std::size_t data_size_now() {
    FILE* status = std::fopen("/proc/self/status", "re");
    if (status == nullptr) {
        return 0;
    }
    std::array<char, 256> line{};
    std::size_t kib = 0;
    while (std::fgets(line.data(), static_cast<int>(line.size()), status) != nullptr) {
        unsigned long long value = 0;
        if (std::sscanf(line.data(), "VmData: %llu kB", &value) == 1) {
            kib = static_cast<std::size_t>(value);
            break;
        }
    }
    std::fclose(status);
    return kib * 1024;
}

struct ChildOutcome {
    int exit_code = -1; // when the child exited
    int signal = 0;     // when a signal ended it
    std::string errors; // what it wrote to its stderr (at most 64 KiB)
};

class Pipe {
  public:
    Pipe() {
        if (::pipe2(m_fds.data(), O_CLOEXEC) != 0) {
            throw Error(ErrorKind::Internal, fmt::format("--jq: cannot create a pipe: {}", std::strerror(errno)));
        }
    }
    ~Pipe() {
        close_read();
        close_write();
    }
    Pipe(const Pipe&) = delete;
    Pipe& operator=(const Pipe&) = delete;
    [[nodiscard]] int read_end() const { return m_fds[0]; }
    [[nodiscard]] int write_end() const { return m_fds[1]; }
    void close_read() { close_one(0); }
    void close_write() { close_one(1); }

  private:
    void close_one(std::size_t i) {
        if (m_fds.at(i) >= 0) {
            ::close(m_fds.at(i));
            m_fds.at(i) = -1;
        }
    }
    std::array<int, 2> m_fds{-1, -1};
};

[[noreturn]] void child_main(const std::function<int(int)>& body, Pipe& out, Pipe& err, std::size_t budget) {
    // The parent's handlers (a test framework's crash reporter, say) are not the child's: a crash
    // of libjq ends the child, and the parent reports it.
    for (const int signal : {SIGINT, SIGSEGV, SIGBUS, SIGABRT, SIGFPE, SIGILL}) {
        std::signal(signal, SIG_DFL);
    }
    out.close_read();
    err.close_read();
    ::dup2(err.write_end(), STDERR_FILENO); // libjq's own messages ("cannot allocate memory") too
    if (const std::size_t now = data_size_now(); now > 0) {
        const rlimit limit{now + budget, now + budget};
        ::setrlimit(RLIMIT_DATA, &limit);
    }
    int code = k_child_internal;
    try {
        code = body(out.write_end());
    } catch (...) {
        write_all(STDERR_FILENO, "--jq: out of memory");
        code = k_child_usage;
    }
    ::_exit(code); // no atexit handlers, no flushing of the parent's buffers
}

// Kills and reaps the child when the parent leaves early (an exception, an interrupt).
struct ChildGuard {
    pid_t pid;
    bool reaped = false;
    ~ChildGuard() {
        if (!reaped) {
            ::kill(pid, SIGKILL);
            int status = 0;
            while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
            }
        }
    }
};

// Runs `body(out_fd)` in a child process with `budget` bytes of memory beyond what asc holds, and
// streams what it writes to `out_fd` into `out` (when not null).
ChildOutcome run_in_child(const std::function<int(int)>& body, std::size_t budget, std::ostream* out) {
    Pipe out_pipe;
    Pipe err_pipe;
    if (out != nullptr) {
        out->flush();
    }
    const pid_t pid = ::fork();
    if (pid < 0) {
        throw Error(ErrorKind::Internal, fmt::format("--jq: cannot start a process: {}", std::strerror(errno)));
    }
    if (pid == 0) {
        child_main(body, out_pipe, err_pipe, budget);
    }
    ChildGuard guard{pid};
    out_pipe.close_write();
    err_pipe.close_write();

    ChildOutcome outcome;
    std::array<pollfd, 2> fds{pollfd{out_pipe.read_end(), POLLIN, 0}, pollfd{err_pipe.read_end(), POLLIN, 0}};
    std::array<char, 65536> chunk{};
    while (fds[0].fd >= 0 || fds[1].fd >= 0) {
        if (::poll(fds.data(), fds.size(), -1) < 0) {
            if (errno == EINTR && interrupted()) {
                throw Error(ErrorKind::Interrupted, "interrupted while --jq ran");
            }
            continue;
        }
        for (std::size_t i = 0; i < fds.size(); ++i) {
            if (fds.at(i).fd < 0 || fds.at(i).revents == 0) {
                continue;
            }
            const ssize_t n = ::read(fds.at(i).fd, chunk.data(), chunk.size());
            if (n < 0 && errno == EINTR) {
                continue;
            }
            if (n <= 0) {
                fds.at(i).fd = -1;
                continue;
            }
            const std::string_view got(chunk.data(), static_cast<std::size_t>(n));
            if (i == 0 && out != nullptr) {
                *out << got;
            } else if (i == 1 && outcome.errors.size() < chunk.size()) {
                outcome.errors += got;
            }
        }
    }
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0) {
        if (errno != EINTR) {
            throw Error(ErrorKind::Internal, fmt::format("--jq: lost its process: {}", std::strerror(errno)));
        }
    }
    guard.reaped = true;
    if (WIFEXITED(status)) {
        outcome.exit_code = WEXITSTATUS(status);
    } else if (WIFSIGNALED(status)) {
        outcome.signal = WTERMSIG(status);
    }
    return outcome;
}

// Turns what the child reported into nothing (it ran) or the error to throw.
void check_outcome(const ChildOutcome& outcome, std::size_t budget) {
    if (outcome.exit_code == k_child_ok) {
        return;
    }
    if (outcome.exit_code == k_child_usage) {
        throw Error(ErrorKind::Usage, outcome.errors,
                    outcome.errors.starts_with("invalid") ? std::string(k_manual)
                                                          : "the program ran on the json output");
    }
    if (outcome.exit_code == k_child_internal) {
        throw Error(ErrorKind::Internal, outcome.errors);
    }
    if (outcome.signal == SIGINT) {
        throw Error(ErrorKind::Interrupted, "interrupted while --jq ran");
    }
    if (outcome.errors.find("cannot allocate memory") != std::string::npos ||
        outcome.errors.find("out of memory") != std::string::npos) {
        throw Error(ErrorKind::Usage,
                    fmt::format("--jq: the program needed more than its {} MiB of memory (a recursion "
                                "without end?)",
                                budget >> 20U),
                    "fix the program, or filter -o json with the jq command");
    }
    const std::string why = outcome.signal != 0 ? fmt::format("signal {}, {}", outcome.signal,
                                                              ::strsignal(outcome.signal))
                                                : fmt::format("exit {}", outcome.exit_code);
    throw Error(ErrorKind::Usage, fmt::format("--jq: libjq failed on this program ({})", why),
                "a recursion without end? fix the program, or filter -o json with the jq command");
}

} // namespace

std::string jq_unsupported_name(std::string_view program) {
    return UnsupportedScan(program).run();
}

std::size_t jq_memory_budget(std::size_t input_size) {
    constexpr std::size_t k_base = std::size_t{1} << 30U;
    constexpr std::size_t k_per_byte = 16;
    if (input_size > (std::numeric_limits<std::size_t>::max() - k_base) / k_per_byte) {
        return std::numeric_limits<std::size_t>::max();
    }
    return k_base + input_size * k_per_byte;
}

JqProgram::JqProgram(std::string program) : m_program(std::move(program)) {
    if (const std::string name = jq_unsupported_name(m_program); !name.empty()) {
        throw Error(ErrorKind::Usage,
                    fmt::format("invalid --jq program: `{}` is not supported by asc's --jq (the command's "
                                "output is its only input; no modules, environment, debug or stderr output)",
                                name),
                    "filter -o json with the jq command for that");
    }
    const std::size_t budget = jq_memory_budget(m_program.size());
    check_outcome(run_in_child([this](int out_fd) { return compile_only(m_program, out_fd); }, budget, nullptr),
                  budget);
}

void JqProgram::run(std::string_view json_text, std::ostream& out) {
    if (json_text.size() > static_cast<std::size_t>(std::numeric_limits<int>::max())) {
        throw Error(ErrorKind::Usage, "the output is too large for --jq", "use -o jsonl and jq");
    }
    const std::size_t budget = jq_memory_budget(json_text.size());
    check_outcome(
        run_in_child([this, json_text](int out_fd) { return filter(m_program, json_text, out_fd); }, budget, &out),
        budget);
    out.flush();
}

std::string jq_program_error(const std::string& program) {
    try {
        JqProgram compiled(program);
    } catch (const Error& e) {
        std::string message = e.what();
        constexpr std::string_view k_prefix = "invalid --jq program: ";
        return message.starts_with(k_prefix) ? "invalid jq program: " + message.substr(k_prefix.size())
                                             : message;
    }
    return {};
}

} // namespace asc::cli
