#include "model/scope.hpp"

#include "model/naming.hpp"
#include "util/error.hpp"

#include <filesystem>
#include <fnmatch.h>

namespace porch::protocol {

namespace fs = std::filesystem;

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

std::string normalise_scope(std::string_view path) {
    std::string text(path);
    bool bad = text.empty() || fs::path(text).is_absolute();
    for (unsigned char c : text)
        bad = bad || c < 0x20 || c == 0x7f;
    fs::path norm = fs::path(text).lexically_normal();
    for (const auto& part : norm)
        bad = bad || part == "..";
    if (bad)
        throw Error(ErrorKind::fatal,
                    "scope " + protocol::quote(path) +
                        " must be a relative path inside the repository, e.g. src/api/");
    std::string out = norm.generic_string();
    if (out == "." || out == "./")
        return ".";
    return out;
}

} // namespace porch::protocol
