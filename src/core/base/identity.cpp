#include "asc/base/identity.hpp"

#include <array>
#include <cstdlib>
#include <pwd.h>
#include <unistd.h>

namespace asc {

std::string current_user_at_host() {
    std::string user;
    if (const char* u = std::getenv("USER"); u != nullptr && *u != '\0') {
        user = u;
    } else if (const passwd* pw = ::getpwuid(::geteuid()); pw != nullptr && pw->pw_name != nullptr) {
        user = pw->pw_name;
    } else {
        user = std::to_string(::geteuid());
    }
    std::array<char, 256> host{};
    if (::gethostname(host.data(), host.size() - 1) != 0) {
        host[0] = '\0';
    }
    return user + "@" + (host[0] != '\0' ? std::string(host.data()) : std::string("localhost"));
}

} // namespace asc
