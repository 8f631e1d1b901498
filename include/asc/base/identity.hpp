#pragma once
// Who runs this process, as the journals record it (run_by) and as the PostgreSQL store names a
// connection: the user and the host name.

#include <string>

namespace asc {

// "user@host": $USER, else the passwd entry of the effective uid, else the uid; the host name, else
// "localhost".
std::string current_user_at_host();

} // namespace asc
