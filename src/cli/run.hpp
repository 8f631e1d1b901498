#pragma once

namespace asc::cli {

// The whole command line: parses argv, runs the command, maps every error to an exit code and a
// message on stderr. Never throws.
int run(int argc, char** argv);

} // namespace asc::cli
