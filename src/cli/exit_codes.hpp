#pragma once
// The one place errors become exit codes (design.md, "Exit codes").

#include "asc/base/errors.hpp"

namespace asc::cli {

enum ExitCode : int {
    k_exit_ok = 0,
    k_exit_error = 1,
    k_exit_usage = 2,
    k_exit_not_found = 3,
    k_exit_auth = 4,
    k_exit_refused = 5,
    k_exit_partial = 6,
    k_exit_declined = 7,
    k_exit_temporary = 75,
    k_exit_config = 78,
    k_exit_interrupted = 130,
};

int exit_code_for(ErrorKind kind);

} // namespace asc::cli
