#include "pager.hpp"

#include <cerrno>
#include <cstdlib>
#include <cstdio>
#include <iostream>
#include <string_view>
#include <sys/wait.h>
#include <unistd.h>

namespace asc::cli {

std::string pager_command(const EnvLookup& env) {
    for (const char* name : {"ASC_PAGER", "PAGER"}) {
        if (const auto v = env(name)) {
            const std::string_view value(*v);
            // Set but empty (or cat): the user wants no pager.
            return value == "cat" ? std::string() : std::string(value);
        }
    }
    return "less -FRX";
}

std::unique_ptr<Pager> Pager::start(const std::string& command) {
    if (command.empty()) {
        return nullptr;
    }
    std::cout.flush();
    std::fflush(stdout);
    int fds[2];
    if (pipe(fds) != 0) {
        return nullptr;
    }
    const pid_t pid = fork();
    if (pid < 0) {
        close(fds[0]);
        close(fds[1]);
        return nullptr;
    }
    if (pid == 0) {
        dup2(fds[0], STDIN_FILENO);
        close(fds[0]);
        close(fds[1]);
        setenv("LESS", "FRX", 0);
        execl("/bin/sh", "sh", "-c", command.c_str(), static_cast<char*>(nullptr));
        _exit(127);
    }
    close(fds[0]);
    const int saved = dup(STDOUT_FILENO);
    dup2(fds[1], STDOUT_FILENO);
    close(fds[1]);
    return std::unique_ptr<Pager>(new Pager(pid, saved));
}

Pager::~Pager() {
    std::cout.flush();
    std::fflush(stdout);
    // The pipe's last write end closes: the pager sees the end of the output.
    dup2(m_saved_stdout, STDOUT_FILENO);
    close(m_saved_stdout);
    int status = 0;
    while (waitpid(m_pid, &status, 0) < 0 && errno == EINTR) {
    }
}

} // namespace asc::cli
