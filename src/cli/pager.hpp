#pragma once
// The pager of long tables on a terminal, as git and gh do: $ASC_PAGER, then $PAGER, then
// `less -FRX` (LESS=FRX when LESS is unset, so less quits by itself when the output fits one
// screen, keeps colors and leaves the output on the screen). While it runs, this process's
// stdout (fd 1) is the pager's stdin.

#include "asc/config/config.hpp"

#include <memory>
#include <string>
#include <sys/types.h>

namespace asc::cli {

// The pager command from the environment: ASC_PAGER, else PAGER, else "less -FRX". Empty, or
// "cat", means no pager.
// The pager to run, from the run's environment (`env`: the Context's): "" for none.
std::string pager_command(const EnvLookup& env);

class Pager {
  public:
    // Starts `command` through /bin/sh and points fd 1 at it. nullptr if it cannot be started
    // (then the output goes to the terminal as it would without a pager).
    static std::unique_ptr<Pager> start(const std::string& command);
    Pager(const Pager&) = delete;
    Pager& operator=(const Pager&) = delete;
    // Gives fd 1 back to the terminal, closes the pipe and waits for the pager to exit.
    ~Pager();

  private:
    Pager(pid_t pid, int saved_stdout) : m_pid(pid), m_saved_stdout(saved_stdout) {}
    pid_t m_pid;
    int m_saved_stdout;
};

} // namespace asc::cli
