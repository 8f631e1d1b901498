#pragma once

#include "context.hpp"

#include <CLI/CLI.hpp>

namespace asc::cli {

// The whole command line: parses argv, runs the command, maps every error to an exit code and a
// message on stderr. Never throws.
int run(int argc, char** argv);

// One command line (`args[0]` is the program's name) run with `ctx`: its streams, stdin, terminals
// and transport (ContextIo). Parses, runs, prints every error on ctx.err and returns the exit
// code; never throws. run() calls it with the process's own; unit tests with scripted ones.
int run_command(Context& ctx, const std::vector<std::string>& args);

// Builds the command tree on `app`: the global flags into `global`, every command bound to `ctx`.
// run() uses it, and so do the tests that walk the tree (help examples, completions).
void build_app(CLI::App& app, GlobalOptions& global, Context& ctx);

} // namespace asc::cli
