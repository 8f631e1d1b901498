#pragma once
// The process-wide "the user pressed Ctrl-C" flag. The CLI's SIGINT handler calls
// set_interrupted(); long waits (Clock::sleep_for, a transfer in progress, retry loops) poll
// interrupted() and stop early, and the core then throws Error(ErrorKind::Interrupted).

namespace asc {

// True once set_interrupted() was called. Safe to call from any thread.
bool interrupted();

// Sets the flag. Async-signal-safe: a signal handler may call it.
void set_interrupted();

// Clears the flag (for tests, and for a REPL-like caller that keeps running).
void clear_interrupted();

} // namespace asc
