#pragma once
// Questions asked on the terminal (the cancel confirmations, the reason menu, `config init`).
//
// The answer is read from stdin's file descriptor with poll(2) and read(2), not std::getline, so
// Ctrl-C ends the wait at once: a SIGINT sets the interrupt flag (asc/base/interrupt.hpp) and the
// poll, which wakes up at least every 100 ms, sees it. Ctrl-C throws Error(Interrupted); so does
// Ctrl-D (end of input), since a person who closes the input has not answered. Either way the
// caller has sent nothing yet, and the run exits 130.
//
// Only call these when stdin is a terminal (Context::stdin_is_terminal()); with a pipe, ask for
// the flag instead (--yes, --reason).

#include <iosfwd>
#include <string>
#include <string_view>

namespace asc::cli {

// Writes `question` to `err`, reads one line, returns it without the newline and surrounding
// spaces. `secret`: the terminal does not echo what is typed (a newline is written after it).
std::string ask_line(std::ostream& err, std::string_view question, bool secret = false);

// "y", "Y", "yes" (any case) are yes; anything else, an empty answer included, is no.
bool is_yes(std::string_view answer);

} // namespace asc::cli
