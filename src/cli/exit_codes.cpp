#include "exit_codes.hpp"

namespace asc::cli {

int exit_code_for(ErrorKind kind) {
    switch (kind) {
    case ErrorKind::Usage:
        return k_exit_usage;
    case ErrorKind::NotFound:
        return k_exit_not_found;
    case ErrorKind::Auth:
        return k_exit_auth;
    case ErrorKind::Refused:
        return k_exit_refused;
    case ErrorKind::Partial:
        return k_exit_partial;
    case ErrorKind::Temporary:
        return k_exit_temporary;
    case ErrorKind::Config:
        return k_exit_config;
    case ErrorKind::Declined:
        return k_exit_declined;
    case ErrorKind::Interrupted:
        return k_exit_interrupted;
    case ErrorKind::Internal:
        return k_exit_error;
    }
    return k_exit_error;
}

} // namespace asc::cli
