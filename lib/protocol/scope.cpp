#include "protocol/scope.hpp"

#include <fnmatch.h>

namespace porch::protocol {

bool in_scope(const std::string& path, const std::vector<std::string>& scopes) {
    for (const auto& s : scopes) {
        if (s.empty())
            continue;
        if (s == "." || path == s)
            return true;
        std::string dir = s.back() == '/' ? s : s + "/";
        if (path.starts_with(dir))
            return true;
        if (s.find_first_of("*?[") != std::string::npos &&
            ::fnmatch(s.c_str(), path.c_str(), 0) == 0)
            return true;
    }
    return false;
}

} // namespace porch::protocol
